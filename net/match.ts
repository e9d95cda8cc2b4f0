import {
  createBattleWorld, despawnPlayer, getStore, hasComponent, queueInput, spawnPlayer, step,
  Dead, Health, NetId, Position, Score, Input,
  type BattleEvent, type BattleRules, type BattleWorld, type System,
} from '../engine';
import { FULL_MASK, frameState, StateWriter } from './codec';
import { ClassicEvents, EngineEvents, ErrorCodes, PROTOCOL_VERSION, type ClassicPosition, type ErrorCode, type WireEvent } from './protocol';
import type { GameNamespace, GameSocket, Session, SessionKind } from './session';
import { checkAttack, checkInput, checkMove, checkTime } from './validate';
import type { Logger } from './logger';

/** Options of `createMatch`. */
export interface MatchOptions {
  rules: BattleRules;
  /** Ticks per second. Default 30. */
  tickRate?: number;
  /** RNG seed of the match. */
  seed?: number;
  /** Entity capacity. Default 4096. */
  capacity?: number;
  /** Systems of a tick; default the engine's battle systems. */
  systems?: System<BattleWorld>[];
  logger: Logger;
  /** The Socket.IO namespace the match's players connect to (rooms are used for broadcasts). */
  nsp: GameNamespace;
}

/** Counters a match keeps for logs and metrics. */
export interface MatchStats {
  ticks: number;
  /** Messages received from clients, valid or not. */
  received: number;
  /** Messages dropped by validation. */
  rejected: number;
  stateBytes: number;
  stateMessages: number;
  /** Room broadcasts of engine events (one per tick with events). */
  eventMessages: number;
  /** Room broadcasts of classic events. */
  classicMessages: number;
}

/** One battle: a world, the sessions playing in it, and what each is sent after a tick. */
export interface Match {
  readonly world: BattleWorld;
  readonly sessions: ReadonlyMap<string, Session>;
  readonly stats: MatchStats;
  /** Adds a player for a freshly connected socket and wires its handlers. */
  join(socket: GameSocket, kind: SessionKind): Session;
  /** Removes the socket's player. */
  leave(socket: GameSocket): void;
  /** Runs one tick and sends its results. */
  tick(): void;
  /** Server clock in ms on the same time line as ticks (tick × dt × 1000). */
  now(): number;
}

const ENGINE_ROOM = 'engine';
const CLASSIC_ROOM = 'classic';
const KNOWN_EVENTS = new Set<string>([EngineEvents.input, EngineEvents.time, ClassicEvents.move, ClassicEvents.attack]);

/** Creates a match. Nothing runs until its owner calls `tick`. */
export function createMatch(options: MatchOptions): Match {
  const tickRate = options.tickRate ?? 30;
  const log = options.logger;
  const nsp = options.nsp;
  const world = createBattleWorld({
    rules: options.rules,
    dt: 1 / tickRate,
    seed: options.seed,
    capacity: options.capacity,
    systems: options.systems,
    // A throwing system must not take the whole server down: log it, finish the tick.
    onError: (error, system) => log.error({ err: error, system: system.name }, 'system threw; tick continues'),
  });
  const sessions = new Map<string, Session>();
  const byEid = new Map<number, Session>();
  const writer = new StateWriter(options.rules.map);
  const stats: MatchStats = { ticks: 0, received: 0, rejected: 0, stateBytes: 0, stateMessages: 0, eventMessages: 0, classicMessages: 0 };
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const netIds = getStore(world, NetId);
  const dead = getStore(world, Dead);
  let lastTickAt = performance.now();

  const sidOf = (eid: number): string | undefined => byEid.get(eid)?.socket.id;
  const classicPosition = (eid: number): ClassicPosition => ({ x: pos.x[eid]!, y: pos.y[eid]!, hp: health.hp[eid]! });

  function reject(session: Session, code: ErrorCode, event: string, message: string): void {
    session.rejected++;
    stats.rejected++;
    session.socket.emit('error', { code, event, message });
    log.debug({ sid: session.socket.id, event, message }, 'rejected message');
  }

  function wire(session: Session): void {
    const { socket } = session;
    // Every handler takes `unknown`: nothing the client sends is trusted before validation.
    socket.on(EngineEvents.input, (payload: unknown) => {
      const checked = checkInput(payload);
      if (!checked.ok) return reject(session, ErrorCodes.badInput, EngineEvents.input, checked.message);
      const { seq, mx, my, attack } = checked.value;
      queueInput(world, session.eid, { seq, move: { x: mx, y: my }, attack });
    });
    socket.on(EngineEvents.time, (payload: unknown, ack: unknown) => {
      const checked = checkTime(payload);
      if (!checked.ok || typeof ack !== 'function') {
        return reject(session, ErrorCodes.badInput, EngineEvents.time, checked.ok ? 'clock probe needs an ack' : checked.message);
      }
      ack(now());
    });
    socket.on(ClassicEvents.move, (payload: unknown) => {
      const checked = checkMove(payload);
      if (!checked.ok) return reject(session, ErrorCodes.badInput, ClassicEvents.move, checked.message);
      queueInput(world, session.eid, { target: checked.value });
    });
    socket.on(ClassicEvents.attack, (payload: unknown) => {
      const checked = checkAttack(typeof payload === 'function' ? undefined : payload);
      if (!checked.ok) return reject(session, ErrorCodes.badInput, ClassicEvents.attack, checked.message);
      queueInput(world, session.eid, { attack: true });
    });
    socket.onAny((event: unknown) => {
      stats.received++;
      if (typeof event !== 'string' || !KNOWN_EVENTS.has(event)) {
        reject(session, ErrorCodes.unknownEvent, String(event).slice(0, 64), 'unknown event');
      }
    });
  }

  function join(socket: GameSocket, kind: SessionKind): Session {
    const eid = spawnPlayer(world);
    const session: Session = { socket, kind, eid, netId: netIds.id[eid]!, needsFull: true, rejected: 0 };
    sessions.set(socket.id, session);
    byEid.set(eid, session);
    wire(session);
    if (kind === 'engine') {
      socket.join(ENGINE_ROOM);
      socket.emit(EngineEvents.welcome, {
        protocol: PROTOCOL_VERSION, id: session.netId, sid: socket.id, tickRate, tick: world.time.tick, rules: options.rules,
      });
    } else {
      // The roster, self included, so a classic client can draw the world and move at once.
      for (const other of sessions.values()) {
        socket.emit(ClassicEvents.newPlayer, { id: other.socket.id, position: classicPosition(other.eid) });
      }
      socket.join(CLASSIC_ROOM);
    }
    socket.to(CLASSIC_ROOM).emit(ClassicEvents.newPlayer, { id: socket.id, position: classicPosition(eid) });
    log.info({ sid: socket.id, kind, netId: session.netId, players: sessions.size }, 'player joined');
    return session;
  }

  function leave(socket: GameSocket): void {
    const session = sessions.get(socket.id);
    if (session === undefined) return;
    sessions.delete(socket.id);
    byEid.delete(session.eid);
    despawnPlayer(world, session.eid);
    socket.to(CLASSIC_ROOM).emit(ClassicEvents.playerLeft, { id: socket.id });
    log.info({ sid: socket.id, netId: session.netId, players: sessions.size }, 'player left');
  }

  function now(): number {
    return world.time.elapsed * 1000 + (performance.now() - lastTickAt);
  }

  function record(eid: number, mask: number) {
    return {
      id: netIds.id[eid]!, mask, x: pos.x[eid]!, y: pos.y[eid]!, hp: health.hp[eid]!, max: health.max[eid]!,
      dead: hasComponent(world, eid, dead), kills: score.kills[eid]!, deaths: score.deaths[eid]!,
    };
  }

  function sendState(): void {
    const { sync } = world;
    const spawned = new Set(sync.spawned);
    writer.begin(sync.changed.length);
    for (const eid of sync.changed) writer.entity(record(eid, spawned.has(eid) ? FULL_MASK : sync.mask[eid]!));
    const delta = writer.end(sync.removed);
    let full: Uint8Array | undefined;
    const input = getStore(world, Input);
    for (const session of sessions.values()) {
      if (session.kind !== 'engine') continue;
      if (session.needsFull && full === undefined) {
        writer.begin(sessions.size);
        for (const s of sessions.values()) writer.entity(record(s.eid, FULL_MASK));
        full = writer.end([]);
      }
      const message = frameState(session.needsFull, world.time.tick, input.seq[session.eid]!, session.needsFull ? full! : delta);
      session.needsFull = false;
      session.socket.emit(EngineEvents.state, message);
      stats.stateBytes += message.byteLength;
      stats.stateMessages++;
    }
  }

  function sendEvents(): void {
    const { sync } = world;
    const toEngine: WireEvent[] = [];
    const classic = counts.classic > 0 ? nsp.to(CLASSIC_ROOM) : undefined;
    for (const eid of sync.spawned) toEngine.push({ type: 'join', id: netIds.id[eid]!, sid: sidOf(eid) ?? '' });
    for (const id of sync.removed) toEngine.push({ type: 'leave', id });
    for (const event of world.events as BattleEvent[]) {
      switch (event.type) {
        case 'attack':
          toEngine.push({ type: 'attack', id: netIds.id[event.eid]! });
          break;
        case 'hit':
          toEngine.push({ type: 'hit', attacker: netIds.id[event.attacker]!, victim: netIds.id[event.victim]!, hp: event.hp });
          classic?.emit(ClassicEvents.playerAttacked, { id: sidOf(event.victim) ?? '', hp: event.hp });
          stats.classicMessages += counts.classic;
          break;
        case 'kill':
          toEngine.push({ type: 'kill', attacker: netIds.id[event.attacker]!, victim: netIds.id[event.victim]! });
          classic?.emit(ClassicEvents.playerKilled, { id: sidOf(event.victim) ?? '' });
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
      const sid = sidOf(eid);
      if (spawned.has(eid) || sid === undefined) continue;
      classic.emit(ClassicEvents.playerMoved, { id: sid, position: classicPosition(eid) });
      stats.classicMessages += counts.classic;
    }
  }

  const counts = { engine: 0, classic: 0 };

  function tick(): void {
    step(world);
    lastTickAt = performance.now();
    stats.ticks++;
    counts.engine = 0;
    counts.classic = 0;
    for (const s of sessions.values()) counts[s.kind]++;
    sendState();
    sendEvents();
  }

  return { world, sessions, stats, join, leave, tick, now };
}
