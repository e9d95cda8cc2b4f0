// After each tick: what every client is sent. Engine clients get binary state and JSON events;
// classic clients get the old game's JSON events.
import {
  getStore, hasComponent, Dead, Health, Input, NetId, Offline, Position, Score,
  type BattleEvent, type BattleWorld,
} from '../engine';
import { FULL_MASK, frameState, StateWriter, type EntityRecord } from './codec';
import { ClassicEvents, EngineEvents, type ClassicPosition, type WireEvent } from './protocol';
import type { GameNamespace, Session } from './session';

/** Room of engine clients (events are broadcast to it). */
export const ENGINE_ROOM = 'engine';
/** Room of classic clients. */
export const CLASSIC_ROOM = 'classic';

/** Counters the broadcaster adds to. */
export interface BroadcastStats {
  stateBytes: number;
  stateMessages: number;
  eventMessages: number;
  classicMessages: number;
}

/** Sends the results of a tick. */
export interface Broadcaster {
  /** Sends state and events of the tick just run to every connected session. */
  send(sessions: Iterable<Session>): void;
  /** The classic view of a player. */
  classicPosition(eid: number): ClassicPosition;
}

/** Creates the broadcaster of a match. `publicIdOf` maps an entity to its classic id. */
export function createBroadcaster(
  world: BattleWorld,
  nsp: GameNamespace,
  stats: BroadcastStats,
  publicIdOf: (eid: number) => string | undefined,
): Broadcaster {
  const writer = new StateWriter(world.rules.map);
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const netIds = getStore(world, NetId);
  const dead = getStore(world, Dead);
  const offline = getStore(world, Offline);
  const input = getStore(world, Input);
  const counts = { engine: 0, classic: 0 };
  const record: Required<EntityRecord> = { id: 0, mask: 0, x: 0, y: 0, hp: 0, max: 0, dead: false, offline: false, kills: 0, deaths: 0 };

  const fill = (eid: number, mask: number): Required<EntityRecord> => {
    record.id = netIds.id[eid]!;
    record.mask = mask;
    record.x = pos.x[eid]!;
    record.y = pos.y[eid]!;
    record.hp = health.hp[eid]!;
    record.max = health.max[eid]!;
    record.dead = hasComponent(world, eid, dead);
    record.offline = hasComponent(world, eid, offline);
    record.kills = score.kills[eid]!;
    record.deaths = score.deaths[eid]!;
    return record;
  };
  const classicPosition = (eid: number): ClassicPosition => ({ x: pos.x[eid]!, y: pos.y[eid]!, hp: health.hp[eid]! });

  function sendState(live: Session[]): void {
    const { sync } = world;
    const spawned = new Set(sync.spawned);
    writer.begin(sync.changed.length);
    for (const eid of sync.changed) writer.entity(fill(eid, spawned.has(eid) ? FULL_MASK : sync.mask[eid]!));
    const delta = writer.end(sync.removed);
    let full: Uint8Array | undefined;
    for (const session of live) {
      if (session.kind !== 'engine') continue;
      if (session.needsFull && full === undefined) {
        const all = [...world.sync.byNetId.values()];
        writer.begin(all.length);
        for (const eid of all) writer.entity(fill(eid, FULL_MASK));
        full = writer.end([]);
      }
      const message = frameState(session.needsFull, world.time.tick, input.seq[session.eid]!, session.needsFull ? full! : delta);
      session.needsFull = false;
      session.socket!.emit(EngineEvents.state, message);
      stats.stateBytes += message.byteLength;
      stats.stateMessages++;
    }
  }

  function sendEvents(): void {
    const { sync } = world;
    const toEngine: WireEvent[] = [];
    const classic = counts.classic > 0 ? nsp.to(CLASSIC_ROOM) : undefined;
    for (const eid of sync.spawned) toEngine.push({ type: 'join', id: netIds.id[eid]!, sid: publicIdOf(eid) ?? '' });
    for (const id of sync.removed) toEngine.push({ type: 'leave', id });
    for (const event of world.events as BattleEvent[]) {
      switch (event.type) {
        case 'attack':
          toEngine.push({ type: 'attack', id: netIds.id[event.eid]! });
          break;
        case 'hit':
          toEngine.push({ type: 'hit', attacker: netIds.id[event.attacker]!, victim: netIds.id[event.victim]!, hp: event.hp });
          classic?.emit(ClassicEvents.playerAttacked, { id: publicIdOf(event.victim) ?? '', hp: event.hp });
          stats.classicMessages += counts.classic;
          break;
        case 'kill':
          toEngine.push({ type: 'kill', attacker: netIds.id[event.attacker]!, victim: netIds.id[event.victim]! });
          classic?.emit(ClassicEvents.playerKilled, { id: publicIdOf(event.victim) ?? '' });
          stats.classicMessages += counts.classic;
          break;
        case 'respawn':
          toEngine.push({ type: 'respawn', id: netIds.id[event.eid]! });
          break;
        default:
          break;
      }
    }
    if (toEngine.length > 0 && counts.engine > 0) {
      nsp.to(ENGINE_ROOM).emit(EngineEvents.events, toEngine);
      stats.eventMessages += counts.engine;
    }
    if (classic === undefined) return;
    // At most one player_moved per player per tick, for whatever moved, was hit or respawned.
    const spawned = new Set(sync.spawned);
    for (const eid of sync.changed) {
      const id = publicIdOf(eid);
      if (spawned.has(eid) || id === undefined) continue;
      classic.emit(ClassicEvents.playerMoved, { id, position: classicPosition(eid) });
      stats.classicMessages += counts.classic;
    }
  }

  return {
    send(sessions) {
      counts.engine = 0;
      counts.classic = 0;
      const live: Session[] = [];
      for (const s of sessions) {
        if (s.socket === null) continue;
        live.push(s);
        counts[s.kind]++;
      }
      sendState(live);
      sendEvents();
    },
    classicPosition,
  };
}
