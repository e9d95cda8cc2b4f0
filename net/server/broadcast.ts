// After each tick: what every client is sent. Engine clients get one binary message with what
// changed among the entities they can see (interest management); classic clients get the old
// game's JSON events.
import {
  createSpatialGrid, getStore, query, queryRect, rebuild,
  Health, Input, NetId, Player, Position,
  Changed, type BattleEvent, type BattleWorld, type SpatialGrid,
} from '../../engine';
import { ByteWriter } from '../wire';
import { Field, writeHeader, writeIds, writePairs, writeRecord } from '../wire';
import { createRecordReader } from './records';
import { ClassicEvents, EngineEvents, type ClassicPosition } from '../wire';
import type { GameNamespace, GameSocket, Session } from './session';

/** Room of engine clients. */
export const ENGINE_ROOM = 'engine';
/** Room of classic clients. */
export const CLASSIC_ROOM = 'classic';

/** Counters the broadcaster adds to. */
export interface BroadcastStats {
  stateBytes: number;
  stateMessages: number;
  classicMessages: number;
}

/** Interest management settings. */
export interface InterestOptions {
  /** Half the side of the square a client sees, centred on its player (units). Default 100. */
  viewRadius: number;
  /** Entities stay visible until this much further out, so edge-walkers do not flicker. Default 0.1 (10 %). */
  hysteresis: number;
  /** Ticks without any change after which an empty message still goes out (liveness). Default 15. */
  heartbeatTicks: number;
}

/** Default interest settings: on the classic 100 × 100 map everyone sees everyone. */
export const defaultInterest: Readonly<InterestOptions> = Object.freeze({ viewRadius: 100, hysteresis: 0.1, heartbeatTicks: 15 });

/** Sends the results of a tick. */
export interface Broadcaster {
  /** Builds every engine client's message for the tick just run and sends the classic events. */
  send(sessions: Iterable<Session>): void;
  /**
   * Writes the built messages to their sockets. Separate from `send` so the server can time the
   * simulation-and-encoding part of a tick apart from the socket writes (on loopback each write
   * is a system call that runs the whole TCP path, receiver included).
   */
  flush(): void;
  /** The classic view of a player. */
  classicPosition(eid: number): ClassicPosition;
}

// Mask bits of the engine's sync state → record fields.
function fieldsOf(changed: number): number {
  let f = 0;
  if (changed & Changed.direction) f |= Field.direction;
  if (changed & Changed.position) f |= Field.position;
  if (changed & Changed.health) f |= Field.health;
  if (changed & Changed.score) f |= Field.score;
  if (changed & (Changed.alive | Changed.presence)) f |= Field.state;
  return f;
}

/** Creates the broadcaster of a match. `publicIdOf` maps an entity to its classic id. */
export function createBroadcaster(
  world: BattleWorld,
  nsp: GameNamespace,
  stats: BroadcastStats,
  publicIdOf: (eid: number) => string | undefined,
  interest: InterestOptions = defaultInterest,
): Broadcaster {
  const { map } = world.rules;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const netIds = getStore(world, NetId);
  const input = getStore(world, Input);
  const player = getStore(world, Player);
  const view = interest.viewRadius;
  const keep = view * (1 + interest.hysteresis);
  const grid: SpatialGrid = createSpatialGrid(map, Math.max(8, view / 2), world.capacity);
  const found: number[] = [];
  const cache = new ByteWriter();
  // eid → [start, end) of its record in `cache`, per kind of record, for the current tick.
  const changeAt = new Map<number, [number, number]>();
  const enterAt = new Map<number, [number, number]>();
  // Record fields of this tick per entity; nonzero exactly for the entities that changed.
  const fieldMask = new Uint8Array(world.capacity);
  const msg = new ByteWriter();
  const outbox: (GameSocket | Uint8Array)[] = [];
  const classicX = new Float32Array(world.capacity);
  const classicY = new Float32Array(world.capacity);
  const classicHp = new Float32Array(world.capacity);
  const fill = createRecordReader(world);
  const classicPosition = (eid: number): ClassicPosition => ({ x: pos.x[eid]!, y: pos.y[eid]!, hp: health.hp[eid]! });

  // Records are encoded once per tick and copied into every message that needs them.
  const copyRecord = (spans: Map<number, [number, number]>, eid: number, mask: number): void => {
    let span = spans.get(eid);
    if (span === undefined) {
      const start = cache.at;
      writeRecord(cache, fill(eid, mask));
      span = [start, cache.at];
      spans.set(eid, span);
    }
    msg.bytes(cache.buf, span[0], span[1]);
  };

  // Scratch reused by every session every tick: no per-client allocation in the hot path.
  const entering: number[] = [];
  const removed: number[] = [];
  const myHits: [number, number][] = [];
  const myKills: [number, number][] = [];
  const visible = (out: [number, number][], pairs: [number, number][], seen: Set<number>): void => {
    out.length = 0;
    for (const pair of pairs) if (seen.has(pair[0]) || seen.has(pair[1])) out.push(pair);
  };

  function sendEngine(session: Session, hits: [number, number][], kills: [number, number][], byNetId: Map<number, number>): void {
    const socket = session.socket!;
    const rep = session.replication;
    const me = session.eid;
    const full = session.needsFull;
    if (full) rep.seen.clear();
    const cx = pos.x[me]!;
    const cy = pos.y[me]!;
    entering.length = 0;
    removed.length = 0;
    msg.reset();
    const ack = input.seq[me]!;
    writeHeader(msg, full, world.time.tick, ack, rep.sent);
    const countAt = msg.at;
    msg.u8(0); // patched below: records rarely exceed 127 per message, else rewritten
    let count = 0;
    // One pass over what the client sees: what left (gone from the world, or beyond the
    // hysteresis band) is removed, what stayed and changed this tick gets its change record.
    for (const id of rep.seen) {
      const eid = byNetId.get(id);
      if (eid === undefined || (eid !== me && (Math.abs(pos.x[eid]! - cx) > keep || Math.abs(pos.y[eid]! - cy) > keep))) {
        rep.seen.delete(id);
        removed.push(id);
      } else if (fieldMask[eid] !== 0) {
        copyRecord(changeAt, eid, fieldMask[eid]!);
        count++;
      }
    }
    // Entering: inside the view square and not yet seen (always including oneself); their records
    // carry everything about this tick.
    const n = queryRect(grid, cx - view, cy - view, cx + view, cy + view, found);
    if (!rep.seen.has(netIds.id[me]!)) entering.push(me);
    for (let i = 0; i < n; i++) {
      const eid = found[i]!;
      if (eid !== me && !rep.seen.has(netIds.id[eid]!)) entering.push(eid);
    }
    for (const eid of entering) {
      copyRecord(enterAt, eid, Field.enter | (fieldMask[eid]! & Field.attack));
      rep.seen.add(netIds.id[eid]!);
      count++;
    }
    visible(myHits, hits, rep.seen);
    visible(myKills, kills, rep.seen);
    const quiet = count === 0 && removed.length === 0 && myHits.length === 0 && myKills.length === 0 && ack === rep.sent.ack;
    if (!full && quiet && world.time.tick - rep.sent.tick < interest.heartbeatTicks) return;
    writeIds(msg, full ? [] : removed);
    writePairs(msg, myHits);
    writePairs(msg, myKills);
    let bytes: Uint8Array;
    if (count < 128) {
      msg.buf[countAt] = count;
      bytes = msg.finish();
    } else {
      // Re-frame with a multi-byte count.
      const head = msg.buf.slice(0, countAt);
      const tail = msg.buf.slice(countAt + 1, msg.at);
      const w = new ByteWriter();
      w.bytes(head, 0, head.length);
      w.varint(count);
      w.bytes(tail, 0, tail.length);
      bytes = w.finish();
    }
    session.needsFull = false;
    rep.sent.tick = world.time.tick;
    rep.sent.ack = ack;
    outbox.push(socket, bytes);
    stats.stateBytes += bytes.byteLength;
    stats.stateMessages++;
  }

  function sendClassic(events: BattleEvent[]): void {
    const classic = nsp.to(CLASSIC_ROOM);
    for (const event of events) {
      if (event.type === 'hit') {
        classic.emit(ClassicEvents.playerAttacked, { id: publicIdOf(event.victim) ?? '', hp: event.hp });
        stats.classicMessages++;
      } else if (event.type === 'kill') {
        classic.emit(ClassicEvents.playerKilled, { id: publicIdOf(event.victim) ?? '' });
        stats.classicMessages++;
      }
    }
    // At most one player_moved per player per tick, for whatever moved, was hit or respawned.
    for (const eid of query(world, [player, pos, health])) {
      if (classicX[eid] === pos.x[eid] && classicY[eid] === pos.y[eid] && classicHp[eid] === health.hp[eid]) continue;
      classicX[eid] = pos.x[eid]!;
      classicY[eid] = pos.y[eid]!;
      classicHp[eid] = health.hp[eid]!;
      const id = publicIdOf(eid);
      if (id === undefined) continue;
      classic.emit(ClassicEvents.playerMoved, { id, position: classicPosition(eid) });
      stats.classicMessages++;
    }
  }

  return {
    send(sessions) {
      const { sync } = world;
      // New players were announced to classic clients with new_player at join.
      for (const eid of sync.spawned) {
        classicX[eid] = pos.x[eid]!;
        classicY[eid] = pos.y[eid]!;
        classicHp[eid] = health.hp[eid]!;
      }
      const live: Session[] = [];
      let classicCount = 0;
      for (const s of sessions) {
        if (s.socket === null) continue;
        if (s.kind === 'engine') live.push(s);
        else classicCount++;
      }
      const events = world.events as BattleEvent[];
      if (classicCount > 0) sendClassic(events);
      if (live.length === 0) return;

      cache.reset();
      changeAt.clear();
      enterAt.clear();
      const dirty: number[] = [];
      for (const eid of sync.changed) {
        fieldMask[eid] = fieldsOf(sync.mask[eid]!);
        dirty.push(eid);
      }
      const hits: [number, number][] = [];
      const kills: [number, number][] = [];
      for (const e of events) {
        if (e.type === 'attack') {
          if (fieldMask[e.eid] === 0) dirty.push(e.eid);
          fieldMask[e.eid]! |= Field.attack;
        } else if (e.type === 'hit') hits.push([netIds.id[e.attacker]!, netIds.id[e.victim]!]);
        else if (e.type === 'kill') kills.push([netIds.id[e.attacker]!, netIds.id[e.victim]!]);
      }
      const players = query(world, [player, pos]);
      rebuild(grid, players, pos.x, pos.y);
      for (const s of live) sendEngine(s, hits, kills, sync.byNetId);
      for (const eid of dirty) fieldMask[eid] = 0;
    },
    flush() {
      for (let i = 0; i < outbox.length; i += 2) {
        (outbox[i] as GameSocket).emit(EngineEvents.state, outbox[i + 1] as Uint8Array);
      }
      outbox.length = 0;
    },
    classicPosition,
  };
}
