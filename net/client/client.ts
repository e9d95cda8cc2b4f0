// A game client: one connection to a server and the mirror world it keeps, put together from the
// connection (net/client/connection.ts), clock probing (probe.ts), the mirror (mirror.ts), events
// (translate.ts), inputs (inputs.ts), prediction (prediction.ts) and interpolation (interpolation.ts).
// Over 250 lines because it is one thing, the GameClient: its parts share one connection's life
// (matchmake, connect, rejoin, close), and their logic lives in the files named above.
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { BattleRules, InputIntent } from '../../engine';
import {
  ClassicEvents, cleanName, decodeState, DeltaEvents,
  type ErrorPayload, type MatchEnded, type ServerTickTimes, type StateMessage, type Welcome, type WireEvent,
} from '../wire';
import { matchmake, type MatchmakeAnswer, type PlayerPlacement } from './matchmake';
import { createClockSync, type ClockSync } from './clock';
import { createConditioner, type Conditioner, type LinkConditions } from './conditioner';
import { openConnection, type ClientSocket, type ConnectionStatus } from './connection';
import { createDelayEstimator } from './delay';
import { createInputSender } from './inputs';
import { createInterpolator } from './interpolation';
import { applyState, clearMirror, createMirrorWorld, entityOf, type MirrorWorld } from './mirror';
import { createPredictor } from './prediction';
import { createClockProber } from './probe';
import { createSmoother } from './smoothing';
import { eventsOf } from './translate';

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * Server (or gateway) URL; in a browser served by the game server, `location.origin`. With
   * `type` or `matchId` the client matchmakes there first (POST /matchmake) and connects where
   * it is told; without either it connects to `url` directly (the server places it; through a
   * cluster's gateway, anew at every reconnection, so such a client resumes only by luck there).
   */
  url: string;
  /** Match type to matchmake into (e.g. 'classic', 'arena'); turns matchmaking on. */
  type?: string;
  /** Match to join (e.g. from a shared link); turns matchmaking on. When it is gone, the client matchmakes by type. */
  matchId?: string;
  /**
   * Watch this match as a spectator: no player, no seat, no matchmaking (`type` and `matchId` are
   * ignored); the server sends every player, and `sendInput`/`setName` throw.
   */
  spectate?: string;
  /** Socket.IO transports, e.g. `['polling']`. Default websocket with polling fallback. */
  transports?: ('websocket' | 'polling')[];
  /** Fixed interpolation delay for remote entities (ms); default adapts to measured jitter. */
  interpolationDelay?: number;
  /** Local clock in ms. Default `performance.now`. */
  now?: () => number;
  /** Entity capacity of the mirror world. Default 4096. */
  capacity?: number;
  /** Protocol version announced; only tests set it to something else. */
  protocol?: number;
  /** Session token of an earlier connection (e.g. from sessionStorage) to resume that player. */
  token?: string;
  /**
   * Where the player of `token` was placed (a `placed` answer kept with the token, e.g. across a
   * page reload). With matchmaking, the client goes back there first, presenting the token, and
   * matchmakes (into that match, then by type) only when that player is gone.
   */
  rejoin?: PlayerPlacement;
  /** Simulated network conditions (latency, jitter, loss, bandwidth) applied to this client's traffic both ways. */
  conditions?: LinkConditions;
  /** Predict the own player locally (default true). */
  predict?: boolean;
  /** The name to play under (1 to 16 visible characters); the server gives a guest name otherwise. */
  name?: string;
  /** Extra Socket.IO client options. */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/** What a client tells its listeners. */
export interface ClientEvents {
  /** A spectator's match is gone (ended, empty, server closing): no reconnection follows. */
  spectateEnded: (notice: { matchId: string; reason: string }) => void;
  /** A connection was welcomed (first connect, reconnect or resume). */
  welcome: (welcome: Welcome) => void;
  /** A state message was applied to the mirror world. */
  state: (state: StateMessage) => void;
  /** What a state message meant: joins, leaves, attacks, hits, kills, respawns. */
  events: (events: WireEvent[]) => void;
  /** The connection status changed, with Socket.IO's reason when there is one. */
  status: (status: ConnectionStatus, reason?: string) => void;
  /** The session token changed (first welcome, or a new player after the grace window passed). */
  token: (token: string) => void;
  /** Matchmaking gave a seat (first placement, or again after the match or its worker went away). */
  placed: (answer: MatchmakeAnswer) => void;
  /** The match ended (its end condition fired): the result. A matchmaking client then joins another. */
  matchEnded: (result: MatchEnded) => void;
  /** The server refused a message, the connection failed, or a message could not be decoded. */
  error: (error: ErrorPayload | Error) => void;
  /** Player names changed (`names` holds them all): someone joined, renamed or left. */
  names: (names: ReadonlyMap<number, string>) => void;
}

/** A connection to a Skirmish server that keeps a mirror world up to date. */
export interface GameClient {
  readonly world: MirrorWorld;
  readonly socket: ClientSocket;
  readonly status: ConnectionStatus;
  /** The welcome of the current connection (rules, own id), once received. */
  readonly welcome: Welcome | undefined;
  readonly rules: BattleRules | undefined;
  /** Own player's entity in the mirror world, once the first state has arrived (never, for a spectator). */
  readonly localEntity: number | undefined;
  /** The match watched, for a spectator (`ClientOptions.spectate`); undefined for a player. */
  readonly spectating: string | undefined;
  /** Smoothed round trip in ms (NaN before the first probe returns). */
  readonly ping: number;
  /** Sequence number of the last input sent, and of the last the server has applied. */
  readonly lastSentSeq: number;
  readonly lastAckedSeq: number;
  readonly clock: ClockSync;
  /** Session token of the current player (undefined before the first welcome). */
  readonly token: string | undefined;
  /** Match this client was placed in: by the last seat matchmaking gave, or `rejoin` (undefined without matchmaking). */
  readonly matchId: string | undefined;
  /** Current interpolation delay for remote entities (ms). */
  readonly interpolationDelay: number;
  /** Own position as predicted for the present (undefined before the first state). */
  readonly predicted: { x: number; y: number } | undefined;
  /** Every player's name in the match, by NetId (players out of view included). */
  readonly names: ReadonlyMap<number, string>;
  /** The server's recent tick costs, from the latest clock probe (undefined before one returns). */
  readonly serverTickTimes: Readonly<ServerTickTimes> | undefined;
  /**
   * Sends an input (direction, attack) and returns its sequence number. Dropped while offline.
   * @throws for a spectator, which has no player to steer.
   */
  sendInput(input: InputIntent): number;
  /**
   * Asks for a new name (cleaned; the server announces it to everyone, this client included).
   * @throws for a spectator, which has no player to name.
   */
  setName(name: string): void;
  /** Updates drawn positions in the world for the current time. Call once per frame. */
  update(): void;
  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /** Disconnects for good (no reconnection). */
  close(): void;
}

/**
 * Connects to a game server with Socket.IO (reconnecting by itself) and mirrors its world:
 * remote players interpolated behind an adaptive delay, the own player predicted with the
 * server's movement code and reconciled when the server acknowledges inputs.
 * Nothing is sent on the wire until this is called.
 */
export function createClient(options: ClientOptions): GameClient {
  const now = options.now ?? (() => performance.now());
  const world = createMirrorWorld(options.capacity);
  const clock = createClockSync();
  const delay = createDelayEstimator(options.interpolationDelay);
  const smoother = createSmoother(world.capacity);
  const predictor = createPredictor(world);
  const interpolator = createInterpolator(world, clock, delay, predictor, smoother, options.predict ?? true, now());
  const listeners = new Map<keyof ClientEvents, Set<(...args: never[]) => void>>();
  let welcome: Welcome | undefined;
  let acked = 0;
  let token = options.token;
  let name = options.name === undefined ? undefined : cleanName(options.name) || undefined;
  const names = new Map<number, string>();
  let serverTickTimes: ServerTickTimes | undefined;

  const emit = <E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>): void => {
    const set = listeners.get(event);
    if (set === undefined) return;
    // Copy, in case a listener removes itself while we iterate.
    for (const listener of [...set]) (listener as unknown as (...a: Parameters<ClientEvents[E]>) => void)(...args);
  };

  const { conditions } = options;
  // The sending direction of a conditioned link; the receiving one is the connection's parser.
  const up: Conditioner | undefined = conditions && createConditioner({ ...conditions, seed: 1 });
  const link = (bytes: number, send: () => void): void => (up ? up.schedule(bytes, send) : send());
  const { spectate } = options;
  const matchmaking = spectate === undefined && (options.type !== undefined || options.matchId !== undefined || options.rejoin !== undefined);
  // Where this player is (worker path and match) and the seat it was given there; a reconnection
  // goes back there with the token, so it resumes on the worker that holds the player.
  let placement: PlayerPlacement | undefined = matchmaking && token !== undefined ? options.rejoin : undefined;
  let seat: string | undefined;
  let closed = false;
  const connection = openConnection({
    url: options.url, transports: options.transports, protocol: options.protocol, conditions,
    // With matchmaking, nothing connects before the seat and the path are known.
    socket: matchmaking ? { ...options.socket, autoConnect: false } : options.socket,
    token: () => token,
    seat: () => (placement === undefined ? undefined : { seat, matchId: placement.matchId }),
    name: () => name,
    spectate,
    onStatus: (status, reason) => emit('status', status, reason),
    onError: (error) => emit('error', error),
  });
  const { socket } = connection;
  const prober = createClockProber(socket, clock, delay, link, now, (times) => (serverTickTimes = times));
  const inputs = createInputSender(socket, world, clock, predictor, link, now, () => socket.connected && welcome !== undefined);

  socket.on(DeltaEvents.welcome, (w) => {
    welcome = w;
    if (spectate === undefined && w.token !== token) {
      token = w.token;
      emit('token', w.token);
    }
    world.localId = w.id;
    world.tickMs = 1000 / w.tickRate;
    world.tickSeconds = 1 / w.tickRate;
    world.rules = w.rules;
    clearMirror(world);
    smoother.clear();
    delay.reset(world.tickMs);
    if (!w.resumed) {
      inputs.restart();
      acked = 0;
    }
    predictor.clear();
    name = w.name;
    // The welcome is followed by the match's whole roster of names.
    names.clear();
    emit('welcome', w);
    prober.start();
  });
  socket.on(DeltaEvents.state, (bytes) => {
    if (welcome === undefined) return;
    let message: StateMessage;
    try {
      message = decodeState(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer), world.stream);
    } catch (error) {
      emit('error', error as Error);
      return;
    }
    acked = message.ack;
    predictor.acknowledge(acked);
    const changes = applyState(world, message);
    if (clock.samples > 0 && !message.full) delay.observe(clock.serverNow(now()) - message.tick * world.tickMs);
    const events = eventsOf(world, message, changes, now());
    // Whatever appeared or came back to life is drawn where it is, not glided to.
    for (const id of changes.respawned) snap(id);
    for (const id of changes.entered) snap(id);
    emit('state', message);
    if (events.length > 0) emit('events', events);
  });
  socket.on(DeltaEvents.matchEnded, (result) => {
    moveOn = true;
    emit('matchEnded', result);
  });
  socket.on(DeltaEvents.reconnectElsewhere, () => {
    moveOn = true;
  });
  socket.on(DeltaEvents.spectateEnded, (notice) => {
    // Nothing to come back to: no reconnection after the disconnect that follows.
    closed = true;
    connection.close();
    emit('spectateEnded', notice);
  });

  // ---- matchmaking: a seat first; again when the match or its worker is gone ----
  let moveOn = false;
  let placing = false;
  let failures = 0;
  let wanted = placement === undefined
    ? { type: options.type ?? options.rejoin?.type ?? 'classic', matchId: options.matchId }
    // If that player is gone, its match first (a seat there), then any of its type.
    : { type: placement.type, matchId: placement.matchId };
  let retry: ReturnType<typeof setTimeout> | undefined;
  const seatCodes = new Set(['seat_missing', 'seat_expired', 'seat_unknown', 'seat_used', 'seat_wrong_worker', 'registry_unavailable', 'draining', 'server_full']);
  /** Points the connection (and Socket.IO's own reconnections) at a placement's worker. */
  const aim = (where: PlayerPlacement): void => {
    const manager = socket.io as unknown as { uri: string; opts: { path?: string } };
    manager.opts.path = where.path;
    manager.uri = where.url;
  };
  const place = (): void => {
    if (!matchmaking || placing || closed) return;
    placing = true;
    clearTimeout(retry);
    matchmake(options.url, wanted).then((answer) => {
      placing = false;
      if (closed) return;
      placement = answer;
      seat = answer.seat;
      // A later placement is by type: the match asked for may be gone by then.
      wanted = { type: answer.type, matchId: undefined };
      failures = 0;
      aim(answer);
      emit('placed', answer);
      if (!socket.connected && !socket.active) socket.connect();
    }, (error: Error) => {
      placing = false;
      if (closed) return;
      emit('error', error);
      // The match asked for may be gone or full: fall back to the type after the first refusal.
      if (wanted.matchId !== undefined && 'code' in error && (error.code === 'not_found' || error.code === 'full')) wanted = { type: wanted.type, matchId: undefined };
      retry = setTimeout(place, 1000);
    });
  };
  if (matchmaking) {
    socket.on('connect', () => {
      failures = 0;
    });
    socket.on('disconnect', (reason) => {
      if (moveOn && reason === 'io server disconnect') {
        moveOn = false;
        place();
      }
    });
    socket.on('connect_error', (error) => {
      const code = (error as { data?: { code?: unknown } }).data?.code;
      // A refused seat, or a worker that stopped answering: ask for a new place.
      if ((typeof code === 'string' && seatCodes.has(code)) || ++failures >= 2) place();
    });
    if (placement === undefined) {
      place();
    } else {
      aim(placement);
      socket.connect();
    }
  }

  socket.on(DeltaEvents.names, (entries) => {
    if (!Array.isArray(entries)) return;
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'number') continue;
      if (typeof entry[1] === 'string') names.set(entry[0], entry[1]);
      else names.delete(entry[0]);
    }
    emit('names', names);
  });
  const snap = (id: number): void => {
    const eid = entityOf(world, id);
    if (eid !== undefined) smoother.snap(eid);
  };

  return {
    world,
    socket,
    clock,
    get status() {
      return connection.status;
    },
    get welcome() {
      return welcome;
    },
    get rules() {
      return welcome?.rules;
    },
    get localEntity() {
      return world.localId === 0 ? undefined : entityOf(world, world.localId);
    },
    spectating: spectate,
    get ping() {
      return clock.rtt;
    },
    get token() {
      return token;
    },
    get matchId() {
      return placement?.matchId;
    },
    get lastSentSeq() {
      return inputs.seq;
    },
    get lastAckedSeq() {
      return acked;
    },
    get interpolationDelay() {
      return delay.value;
    },
    get predicted() {
      return interpolator.predicted;
    },
    names,
    get serverTickTimes() {
      return serverTickTimes;
    },
    setName(next) {
      if (spectate !== undefined) throw new Error(`Skirmish: setName(${JSON.stringify(next)}) on a spectator: it has no player`);
      const clean = cleanName(next);
      if (clean === '') return;
      name = clean;
      if (socket.connected) link(32 + clean.length, () => socket.emit(ClassicEvents.setName, { name: clean }));
    },
    sendInput(input) {
      if (spectate !== undefined) throw new Error('Skirmish: sendInput() on a spectator: it has no player');
      // The attacker saw remote players at render time (server clock): the server rewinds them there.
      return inputs.send(input, interpolator.renderTime);
    },
    update() {
      interpolator.update(now());
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, (set = new Set()));
      const added = listener as (...args: never[]) => void;
      set.add(added);
      return () => void set.delete(added);
    },
    close() {
      closed = true;
      clearTimeout(retry);
      prober.stop();
      up?.close();
      connection.close();
    },
  };
}
