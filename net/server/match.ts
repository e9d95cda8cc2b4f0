import { randomBytes } from 'node:crypto';
import {
  addComponent, createBattleWorld, despawnPlayer, getStore, queueInput, removeComponent, spawnPlayer, step,
  NetId, Offline,
  type BattleRules, type BattleWorld, type System,
} from '../../engine';
import { CLASSIC_ROOM, createBroadcaster, defaultInterest, ENGINE_ROOM, type InterestOptions } from './broadcast';
import { attachInbound, type InboundContext } from './inbound';
import { createGuard, defaultLimits, type RateLimits } from './limits';
import { ClassicEvents, DeltaEvents, ErrorCodes, PROTOCOL_VERSION } from '../wire';
import type { GameNamespace, GameSocket, Session, SessionKind } from './session';
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
  /** How long a dropped engine player is kept for its client to come back (ms). Default 15 000. */
  graceMs?: number;
  /** Per-connection rate limits; defaults in `defaultLimits`. */
  limits?: Partial<RateLimits>;
  /** What each engine client is sent: view square, hysteresis, heartbeat. */
  interest?: Partial<InterestOptions>;
}

/** Counters a match keeps for logs and metrics. */
export interface MatchStats {
  ticks: number;
  /** Messages received from clients, valid or not. */
  received: number;
  /** Messages refused by validation. */
  rejected: number;
  /** Messages dropped by rate limits. */
  dropped: number;
  /** Connections closed for abuse. */
  kicked: number;
  /** Players resumed after a drop. */
  resumed: number;
  stateBytes: number;
  stateMessages: number;
  /** Classic event messages sent (per recipient). */
  classicMessages: number;
}

/** One battle: a world, the sessions playing in it, and what each is sent after a tick. */
export interface Match {
  readonly world: BattleWorld;
  /** Connected sessions by current Socket.IO id. */
  readonly sessions: ReadonlyMap<string, Session>;
  /** Every player, connected or dropped, by session token. */
  readonly players: ReadonlyMap<string, Session>;
  readonly stats: MatchStats;
  /** Adds a player for a fresh connection, or gives a returning one its player back (`token`). */
  join(socket: GameSocket, kind: SessionKind, token?: string): Session;
  /**
   * The connection of `socket` is gone. A player who left on purpose (`reason` is Socket.IO's
   * 'client namespace disconnect' or 'server namespace disconnect') or a classic player leaves now;
   * an engine player whose link failed waits out the grace window.
   */
  drop(socket: GameSocket, reason?: string): void;
  /** Removes a player for good. */
  remove(session: Session): void;
  /** Runs one tick and sends its results. */
  tick(): void;
  /** Runs one tick and builds its messages (first half of `tick`). */
  simulate(): void;
  /** Writes the messages `simulate` built (second half of `tick`). */
  flush(): void;
  /** Server clock in ms on the same time line as ticks (tick × dt × 1000). */
  now(): number;
  /** Cancels grace timers (the server is closing). */
  close(): void;
}

/** Creates a match. Nothing runs until its owner calls `tick`. */
export function createMatch(options: MatchOptions): Match {
  const tickRate = options.tickRate ?? 30;
  const graceMs = options.graceMs ?? 15_000;
  const limits: RateLimits = { ...defaultLimits, ...options.limits };
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
  const players = new Map<string, Session>();
  const byEid = new Map<number, Session>();
  const stats: MatchStats = {
    ticks: 0, received: 0, rejected: 0, dropped: 0, kicked: 0, resumed: 0,
    stateBytes: 0, stateMessages: 0, classicMessages: 0,
  };
  const netIds = getStore(world, NetId);
  const offline = getStore(world, Offline);
  let lastTickAt = performance.now();
  const clock = (): number => performance.now();

  const broadcaster = createBroadcaster(world, nsp, stats, (eid) => byEid.get(eid)?.publicId, { ...defaultInterest, ...options.interest });

  const inbound: InboundContext = {
    world,
    log,
    now,
    count: (what) => void stats[what]++,
    kick(session, reason) {
      const socket = session.socket;
      if (socket === null) return;
      stats.kicked++;
      log.warn({ sid: socket.id, reason }, 'kicked');
      socket.emit('error', { code: ErrorCodes.kicked, event: '', message: reason });
      socket.disconnect(true);
    },
  };

  function connect(session: Session, socket: GameSocket): void {
    session.socket = socket;
    session.needsFull = true;
    session.replication = { seen: new Set(), sent: { tick: 0, ack: 0 } };
    session.guard = createGuard(limits, clock);
    sessions.set(socket.id, session);
    attachInbound(session, inbound);
    socket.join(session.kind === 'engine' ? ENGINE_ROOM : CLASSIC_ROOM);
  }

  function welcome(session: Session, resumed: boolean): void {
    session.socket!.emit(DeltaEvents.welcome, {
      protocol: PROTOCOL_VERSION, id: session.netId, sid: session.publicId, token: session.token, graceMs, resumed,
      tickRate, tick: world.time.tick, rules: options.rules,
    });
  }

  function join(socket: GameSocket, kind: SessionKind, token?: string): Session {
    const returning = token === undefined ? undefined : players.get(token);
    // Only a dropped player can be resumed: a token cannot take over a live connection.
    if (returning !== undefined && returning.socket === null && returning.kind === kind) {
      clearTimeout(returning.graceTimer);
      returning.graceTimer = undefined;
      connect(returning, socket);
      removeComponent(world, returning.eid, offline);
      stats.resumed++;
      welcome(returning, true);
      log.info({ sid: socket.id, netId: returning.netId, players: sessions.size }, 'player resumed');
      return returning;
    }
    const eid = spawnPlayer(world);
    const session: Session = {
      socket: null, kind, eid, netId: netIds.id[eid]!, token: randomBytes(18).toString('base64url'), publicId: socket.id,
      needsFull: true, rejected: 0, guard: createGuard(limits, clock), replication: { seen: new Set(), sent: { tick: 0, ack: 0 } },
    };
    players.set(session.token, session);
    byEid.set(eid, session);
    if (kind === 'classic') {
      // The roster, self included, so a classic client can draw the world and move at once.
      for (const other of players.values()) {
        socket.emit(ClassicEvents.newPlayer, { id: other.publicId, position: broadcaster.classicPosition(other.eid) });
      }
    }
    connect(session, socket);
    if (kind === 'engine') welcome(session, false);
    socket.to(CLASSIC_ROOM).emit(ClassicEvents.newPlayer, { id: session.publicId, position: broadcaster.classicPosition(eid) });
    log.info({ sid: socket.id, kind, netId: session.netId, players: sessions.size }, 'player joined');
    return session;
  }

  function drop(socket: GameSocket, reason?: string): void {
    const session = sessions.get(socket.id);
    if (session === undefined || session.socket !== socket) return;
    sessions.delete(socket.id);
    session.socket = null;
    const onPurpose = reason === 'client namespace disconnect' || reason === 'server namespace disconnect';
    if (session.kind === 'classic' || graceMs <= 0 || onPurpose) {
      remove(session);
      return;
    }
    // Keep the player, standing still and shown as disconnected, until it comes back or time is up.
    addComponent(world, session.eid, offline);
    queueInput(world, session.eid, { move: { x: 0, y: 0 } });
    session.graceTimer = setTimeout(() => remove(session), graceMs);
    log.info({ netId: session.netId, graceMs, reason }, 'player dropped; waiting for it to come back');
  }

  function remove(session: Session): void {
    if (!players.has(session.token)) return;
    clearTimeout(session.graceTimer);
    players.delete(session.token);
    byEid.delete(session.eid);
    if (session.socket !== null) {
      sessions.delete(session.socket.id);
      session.socket.disconnect(true);
      session.socket = null;
    }
    despawnPlayer(world, session.eid);
    nsp.to(CLASSIC_ROOM).emit(ClassicEvents.playerLeft, { id: session.publicId });
    log.info({ netId: session.netId, players: sessions.size }, 'player left');
  }

  function now(): number {
    return world.time.elapsed * 1000 + (performance.now() - lastTickAt);
  }

  function simulate(): void {
    step(world);
    lastTickAt = performance.now();
    stats.ticks++;
    broadcaster.build(players.values());
  }

  function flush(): void {
    broadcaster.send();
  }

  function tick(): void {
    simulate();
    flush();
  }

  function close(): void {
    for (const s of players.values()) clearTimeout(s.graceTimer);
  }

  return { world, sessions, players, stats, join, drop, remove, tick, simulate, flush, now, close };
}
