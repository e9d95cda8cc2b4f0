// The players of a match and the connections they are on: join, resume, drop, grace, remove.
// A player outlives its connection: a delta client whose link fails keeps its player for
// `graceMs` and takes it back by presenting its token on a new connection.
import { randomBytes } from 'node:crypto';
import {
  despawnPlayer, getStore, queueInput, setOffline, spawnPlayer,
  NetId,
  type BattleRules, type BattleWorld,
} from '../../engine';
import { DeltaEvents, guestName, PROTOCOL_VERSION, type ClassicPosition, type NameEntry } from '../wire';
import { CLASSIC_ROOM, DELTA_ROOM } from './broadcast';
import { announceJoin, announceLeave, sendRoster } from './roster';
import { attachInbound, type InboundContext } from './inbound';
import { createGuard, type RateLimits } from './limits';
import type { GameNamespace, GameSocket, Session, SessionKind } from './session';
import type { Logger } from './logger';

/** What the sessions of a match need from it. */
interface SessionsOptions {
  /** The match's world, where players are spawned. */
  world: BattleWorld;
  /** Sent in every delta client's welcome. */
  rules: BattleRules;
  /** Ticks per second, sent in the welcome. */
  tickRate: number;
  /** The namespace players connect to (for broadcasts to the classic room). */
  nsp: GameNamespace;
  /** Where joins, drops and removals are logged. */
  log: Logger;
  /** How long a dropped engine player is kept for its client to come back (ms); 0 or less: not at all. */
  graceMs: number;
  /** Rate limits every connection gets afresh. */
  limits: RateLimits;
  /** Handed to the inbound gate of every connection. */
  inbound: InboundContext;
  /** Where a player stands, as the classic protocol says it. */
  classicPosition(eid: number): ClassicPosition;
  /** Where a newcomer stands, as its new_player says it (the classic protocol's moves count from there). */
  announcePosition(eid: number): ClassicPosition;
  /** Counted in: players resumed after a drop. */
  stats: { resumed: number };
  /**
   * Rooms of this match's connections: engine, classic, and every player of the match (for
   * match-wide notices). Per match, so that matches sharing a namespace never hear each other.
   */
  rooms?: { delta: string; classic: string; all: string };
  /** Told when a new player joins (not when one resumes). */
  onJoined?(session: Session): void;
  /** Told when a player is removed for good. */
  onLeft?(session: Session): void;
}

/** Every player of a match, connected or waiting out its grace window, indexed two ways. */
export interface Sessions {
  /** Sessions with a live connection, by that connection's Socket.IO id. */
  readonly bySocketId: ReadonlyMap<string, Session>;
  /** Every player, connected or dropped, by its session token. */
  readonly byToken: ReadonlyMap<string, Session>;
  /** Public id (first Socket.IO id) of the player whose entity is `eid`. */
  publicIdOf(eid: number): string | undefined;
  /**
   * Adds a player for a fresh connection, or gives a returning one its player back (`token`).
   * @throws when the world is full.
   */
  join(socket: GameSocket, kind: SessionKind, token?: string, name?: string): Session;
  /** Gives a player a new (already checked) name; every delta client of the match hears it at `sendNames`. */
  rename(session: Session, name: string): void;
  /**
   * The connection of `socket` is gone. A player who left on purpose (`reason` is Socket.IO's
   * 'client namespace disconnect' or 'server namespace disconnect') or a classic player leaves now;
   * an engine player whose link failed waits out the grace window.
   */
  drop(socket: GameSocket, reason?: string): void;
  /** Removes a player for good, closing its connection if it has one. */
  remove(session: Session): void;
  /**
   * Tells every delta client of the match, in one message, the names given, changed or dropped
   * since the last call, in order (a joiner hears its own again; its welcome had it already).
   */
  sendNames(): void;
  /** Cancels grace timers (the server is closing). */
  close(): void;
}

/** Creates the empty player list of a match. */
export function createSessions(options: SessionsOptions): Sessions {
  const { world, nsp, log, graceMs, limits, inbound } = options;
  const bySocketId = new Map<string, Session>();
  const byToken = new Map<string, Session>();
  const byEid = new Map<number, Session>();
  const netIds = getStore(world, NetId);
  const clock = (): number => performance.now();
  const rooms = options.rooms ?? { delta: DELTA_ROOM, classic: CLASSIC_ROOM, all: 'players' };

  /** Puts `session` on `socket`: fresh rate limits and replication state, inbound gate, broadcast room. */
  function connect(session: Session, socket: GameSocket): void {
    session.socket = socket;
    session.needsFull = true;
    session.replication = { seen: new Set(), sent: { tick: 0, ack: 0 } };
    session.guard = createGuard(limits, clock);
    bySocketId.set(socket.id, session);
    attachInbound(session, inbound);
    socket.join([session.kind === 'delta' ? rooms.delta : rooms.classic, rooms.all]);
  }

  function welcome(session: Session, resumed: boolean): void {
    session.socket!.emit(DeltaEvents.welcome, {
      protocol: PROTOCOL_VERSION, id: session.netId, sid: session.publicId, token: session.token, graceMs, resumed,
      tickRate: options.tickRate, tick: world.time.tick, rules: options.rules, name: session.name,
    });
    // Every name of the match, not only those in view: kill feeds and scoreboards name players
    // this client cannot see, and names change too rarely to be worth replicating by interest.
    const roster: NameEntry[] = [];
    for (const other of byToken.values()) roster.push([other.netId, other.name]);
    session.socket!.emit(DeltaEvents.names, roster);
  }

  // Name changes wait for the tick's writes and go out together: a burst of 500 joins would
  // otherwise write 125,000 messages, one per join to everyone already in.
  const pendingNames: NameEntry[] = [];
  function announceName(entry: NameEntry): void {
    pendingNames.push(entry);
  }

  function join(socket: GameSocket, kind: SessionKind, token?: string, name?: string): Session {
    const returning = token === undefined ? undefined : byToken.get(token);
    // Only a dropped player can be resumed: a token cannot take over a live connection.
    if (returning !== undefined && returning.socket === null && returning.kind === kind) {
      clearTimeout(returning.graceTimer);
      returning.graceTimer = undefined;
      connect(returning, socket);
      setOffline(world, returning.eid, false);
      options.stats.resumed++;
      welcome(returning, true);
      log.info({ sid: socket.id, netId: returning.netId, players: bySocketId.size }, 'player resumed');
      return returning;
    }
    const eid = spawnPlayer(world);
    const session: Session = {
      socket: null, kind, eid, netId: netIds.id[eid]!, token: randomBytes(18).toString('base64url'), publicId: socket.id,
      needsFull: true, rejected: 0, guard: createGuard(limits, clock), replication: { seen: new Set(), sent: { tick: 0, ack: 0 } },
      name: name ?? guestName(netIds.id[eid]!),
    };
    byToken.set(session.token, session);
    byEid.set(eid, session);
    if (kind === 'classic') sendRoster(socket, byToken.values(), options.classicPosition);
    connect(session, socket);
    if (kind === 'delta') welcome(session, false);
    announceJoin(socket, session, options.announcePosition(eid), rooms.classic);
    announceName([session.netId, session.name]);
    log.info({ sid: socket.id, kind, netId: session.netId, players: bySocketId.size }, 'player joined');
    options.onJoined?.(session);
    return session;
  }

  function drop(socket: GameSocket, reason?: string): void {
    const session = bySocketId.get(socket.id);
    if (session === undefined || session.socket !== socket) return;
    bySocketId.delete(socket.id);
    session.socket = null;
    const onPurpose = reason === 'client namespace disconnect' || reason === 'server namespace disconnect';
    if (session.kind === 'classic' || graceMs <= 0 || onPurpose) {
      remove(session);
      return;
    }
    // Keep the player, standing still and shown as disconnected, until it comes back or time is up.
    setOffline(world, session.eid, true);
    queueInput(world, session.eid, { move: { x: 0, y: 0 } });
    session.graceTimer = setTimeout(() => remove(session), graceMs);
    log.info({ netId: session.netId, graceMs, reason }, 'player dropped; waiting for it to come back');
  }

  function remove(session: Session): void {
    if (!byToken.has(session.token)) return;
    clearTimeout(session.graceTimer);
    byToken.delete(session.token);
    byEid.delete(session.eid);
    if (session.socket !== null) {
      bySocketId.delete(session.socket.id);
      session.socket.disconnect(true);
      session.socket = null;
    }
    despawnPlayer(world, session.eid);
    announceLeave(nsp, session, rooms.classic);
    announceName([session.netId, null]);
    log.info({ netId: session.netId, players: bySocketId.size }, 'player left');
    options.onLeft?.(session);
  }

  return {
    bySocketId,
    byToken,
    publicIdOf: (eid) => byEid.get(eid)?.publicId,
    join,
    rename(session, name) {
      if (session.name === name) return;
      session.name = name;
      announceName([session.netId, name]);
    },
    drop,
    remove,
    sendNames() {
      if (pendingNames.length === 0) return;
      nsp.to(rooms.delta).emit(DeltaEvents.names, pendingNames.slice());
      pendingNames.length = 0;
    },
    close() {
      for (const s of byToken.values()) clearTimeout(s.graceTimer);
    },
  };
}
