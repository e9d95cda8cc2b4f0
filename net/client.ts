import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { getStore, LastAttack, type BattleRules } from '../engine';
import { decodeState, encodeInput, type StateMessage, type WireInput } from './codec';
import { createClockSync, type ClockSync } from './clock';
import { applyState, clearMirror, createMirrorWorld, entityOf, interpolate, type MirrorWorld } from './mirror';
import {
  EngineEvents, PROTOCOL_VERSION,
  type ClientToServerEvents, type ErrorPayload, type ServerToClientEvents, type Welcome, type WireEvent,
} from './protocol';

/** Connection state as a player should see it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Options of `createClient`. */
export interface ClientOptions {
  /** Server URL; in a browser served by the game server, `location.origin`. */
  url: string;
  /** Socket.IO transports, e.g. `['polling']`. Default websocket with polling fallback. */
  transports?: ('websocket' | 'polling')[];
  /** How far behind the server clock remote entities are drawn (ms). Default 100. */
  interpolationDelay?: number;
  /** Local clock in ms. Default `performance.now`. */
  now?: () => number;
  /** Entity capacity of the mirror world. Default 4096. */
  capacity?: number;
  /** Protocol version announced; only tests set it to something else. */
  protocol?: number;
  /** Session token of an earlier connection (e.g. from sessionStorage) to resume that player. */
  token?: string;
  /** Extra Socket.IO client options. */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/** What a client tells its listeners. */
export interface ClientEvents {
  welcome: (welcome: Welcome) => void;
  state: (state: StateMessage) => void;
  events: (events: WireEvent[]) => void;
  status: (status: ConnectionStatus, reason?: string) => void;
  /** The session token changed (first welcome, or a new player after the grace window passed). */
  token: (token: string) => void;
  error: (error: ErrorPayload | Error) => void;
}

/** A connection to a Skirmish server that keeps a mirror world up to date. */
export interface GameClient {
  readonly world: MirrorWorld;
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly status: ConnectionStatus;
  /** The welcome of the current connection (rules, own id), once received. */
  readonly welcome: Welcome | undefined;
  readonly rules: BattleRules | undefined;
  /** Own player's entity in the mirror world, once the first state has arrived. */
  readonly localEntity: number | undefined;
  /** Smoothed round trip in ms (NaN before the first probe returns). */
  readonly ping: number;
  /** Sequence number of the last input sent, and of the last the server has applied. */
  readonly lastSentSeq: number;
  readonly lastAckedSeq: number;
  readonly clock: ClockSync;
  /** Session token of the current player (undefined before the first welcome). */
  readonly token: string | undefined;
  /** Sends an input (direction, attack) and returns its sequence number. Dropped while offline. */
  sendInput(input: Omit<WireInput, 'seq'>): number;
  /** Updates interpolated positions in the world for the current time. Call once per frame. */
  update(): void;
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /** Disconnects for good (no reconnection). */
  close(): void;
}

/**
 * Connects to a game server with Socket.IO (reconnecting by itself) and mirrors its world.
 * Nothing is sent on the wire until this is called.
 */
export function createClient(options: ClientOptions): GameClient {
  const now = options.now ?? (() => performance.now());
  const delay = options.interpolationDelay ?? 100;
  const world = createMirrorWorld(options.capacity);
  const clock = createClockSync();
  const listeners = new Map<keyof ClientEvents, Set<(...args: never[]) => void>>();
  let status: ConnectionStatus = 'connecting';
  let welcome: Welcome | undefined;
  let seq = 0;
  let acked = 0;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let token = options.token;
  let shuttingDown = false;
  let closed = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  const emit = <E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>): void => {
    const set = listeners.get(event);
    if (set === undefined) return;
    // Copy, in case a listener removes itself while we iterate.
    for (const listener of [...set]) (listener as unknown as (...a: Parameters<ClientEvents[E]>) => void)(...args);
  };
  const setStatus = (next: ConnectionStatus, reason?: string): void => {
    if (next === status) return;
    status = next;
    emit('status', next, reason);
  };

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url, {
    transports: options.transports ?? ['websocket', 'polling'],
    // A function, so every reconnection presents the latest token and gets its player back.
    auth: (cb) => cb(token === undefined ? { skirmish: options.protocol ?? PROTOCOL_VERSION } : { skirmish: options.protocol ?? PROTOCOL_VERSION, token }),
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
    ...options.socket,
  });

  const probe = (): void => {
    if (!socket.connected) return;
    const sentAt = now();
    socket.timeout(5000).emit(EngineEvents.time, sentAt, (err: Error | null, serverTime: number) => {
      if (err === null && typeof serverTime === 'number') clock.sample(sentAt, serverTime, now());
    });
    // Probe quickly at first to settle the clock, then every two seconds.
    probeTimer = setTimeout(probe, clock.samples < 5 ? 100 : 2000);
  };

  socket.on('connect', () => setStatus('connected'));
  socket.on('disconnect', (reason) => {
    clearTimeout(probeTimer);
    if (reason === 'io server disconnect' && shuttingDown) {
      // The server is restarting: keep trying until it is back (Socket.IO only retries on its own
      // for transport failures, not for a disconnect the server asked for).
      shuttingDown = false;
      setStatus('reconnecting', reason);
      restartTimer = setTimeout(() => {
        if (!closed) socket.connect();
      }, 500);
      return;
    }
    // Reasons Socket.IO will not recover from by itself end the session; the rest reconnect.
    setStatus(reason === 'io client disconnect' || reason === 'io server disconnect' ? 'disconnected' : 'reconnecting', reason);
  });
  socket.on(EngineEvents.shutdown, () => {
    shuttingDown = true;
  });
  socket.on('connect_error', (error) => {
    emit('error', error);
    if (!socket.active) setStatus('disconnected', error.message);
    else setStatus('reconnecting', error.message);
  });
  socket.on(EngineEvents.welcome, (w) => {
    welcome = w;
    if (w.token !== token) {
      token = w.token;
      emit('token', w.token);
    }
    world.localId = w.id;
    world.tickMs = 1000 / w.tickRate;
    clearMirror(world);
    world.buffer.clear();
    if (!w.resumed) {
      seq = 0;
      acked = 0;
    }
    emit('welcome', w);
    clearTimeout(probeTimer);
    probe();
  });
  socket.on(EngineEvents.state, (bytes) => {
    if (welcome === undefined) return;
    let message: StateMessage;
    try {
      message = decodeState(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer), welcome.rules.map);
    } catch (error) {
      emit('error', error as Error);
      return;
    }
    acked = message.ack;
    applyState(world, message);
    emit('state', message);
  });
  socket.on(EngineEvents.events, (events) => {
    const lastAttack = getStore(world, LastAttack);
    for (const event of events) {
      if (event.type === 'attack') {
        const eid = entityOf(world, event.id);
        if (eid !== undefined) lastAttack.at[eid] = now();
      }
    }
    emit('events', events);
  });
  socket.on('error', (error) => emit('error', error));

  return {
    world,
    socket,
    clock,
    get status() {
      return status;
    },
    get welcome() {
      return welcome;
    },
    get rules() {
      return welcome?.rules;
    },
    get localEntity() {
      return entityOf(world, world.localId);
    },
    get ping() {
      return clock.rtt;
    },
    get token() {
      return token;
    },
    get lastSentSeq() {
      return seq;
    },
    get lastAckedSeq() {
      return acked;
    },
    sendInput(input) {
      if (!socket.connected || welcome === undefined) return seq;
      seq = (seq + 1) >>> 0;
      socket.emit(EngineEvents.input, encodeInput({ ...input, seq }));
      return seq;
    },
    update() {
      const t = now();
      const serverNow = clock.samples > 0 ? clock.serverNow(t) : world.lastTick * world.tickMs + delay;
      interpolate(world, serverNow - delay, serverNow - world.tickMs);
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
      clearTimeout(probeTimer);
      clearTimeout(restartTimer);
      socket.disconnect();
      setStatus('disconnected', 'closed');
    },
  };
}
