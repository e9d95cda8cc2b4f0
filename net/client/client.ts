import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { getStore, LastAttack, Health, Position, quantizeAxis, stepMotion, type BattleRules } from '../../engine';
import { decodeState, encodeInput, INPUT_BYTES, type StateMessage, type WireInput } from '../wire';
import { createClockSync, type ClockSync } from './clock';
import { applyState, clearMirror, createMirrorWorld, entityOf, positionAt, type MirrorWorld } from './mirror';
import { parser } from '../wire';
import { conditionParser, createConditioner, parseConditions, type Conditioner, type LinkConditions } from './conditioner';
import { createSmoother, type Smoother } from './smoothing';
import { createDelayEstimator } from './delay';
import {
  EngineEvents, PROTOCOL_VERSION,
  type ClientToServerEvents, type ErrorPayload, type ServerToClientEvents, type Welcome, type WireEvent,
} from '../wire';

/** Connection state as a player should see it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Options of `createClient`. */
export interface ClientOptions {
  /** Server URL; in a browser served by the game server, `location.origin`. */
  url: string;
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
   * Simulated network conditions (latency, jitter, loss, bandwidth) applied to this client's
   * traffic both ways. In a browser `?lag=150&jitter=20&loss=2` in the page URL sets them.
   */
  conditions?: LinkConditions;
  /** Predict the own player locally (default true). */
  predict?: boolean;
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
  /** Current interpolation delay for remote entities (ms). */
  readonly interpolationDelay: number;
  /** Own position as predicted for the present (undefined before the first state). */
  readonly predicted: { x: number; y: number } | undefined;
  /** Sends an input (direction, attack) and returns its sequence number. Dropped while offline. */
  sendInput(input: Omit<WireInput, 'seq' | 'viewTime'>): number;
  /** Updates drawn positions in the world for the current time. Call once per frame. */
  update(): void;
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /** Disconnects for good (no reconnection). */
  close(): void;
}

/** An input sent and not yet applied by the server, replayed on top of the server's state. */
interface Pending {
  seq: number;
  mx: number;
  my: number;
  /** Server tick at which it should land. */
  tick: number;
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
  const smoother: Smoother = createSmoother(world.capacity);
  const listeners = new Map<keyof ClientEvents, Set<(...args: never[]) => void>>();
  const predict = options.predict ?? true;
  let status: ConnectionStatus = 'connecting';
  let welcome: Welcome | undefined;
  let seq = 0;
  let acked = 0;
  let pending: Pending[] = [];
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let token = options.token;
  let shuttingDown = false;
  let closed = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let lastFrame = now();
  let predicted: { x: number; y: number } | undefined;
  let renderTime = 0;

  const conditions = options.conditions ?? (typeof location === 'object' ? parseConditions(location.search) : undefined);
  const up: Conditioner | undefined = conditions && createConditioner({ ...conditions, seed: 1 });
  const send = (bytes: number, emit: () => void): void => (up ? up.schedule(bytes, emit) : emit());

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

  const version = options.protocol ?? PROTOCOL_VERSION;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url, {
    transports: options.transports ?? ['websocket', 'polling'],
    // A function, so every reconnection presents the latest token and gets its player back.
    auth: (cb) => cb(token === undefined ? { skirmish: version } : { skirmish: version, token }),
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
    parser: conditions ? conditionParser(parser, { ...conditions, seed: 2 }) : parser,
    ...options.socket,
  });

  const probe = (): void => {
    if (!socket.connected) return;
    const sentAt = now();
    send(16, () =>
      socket.timeout(5000).emit(EngineEvents.time, sentAt, (err: Error | null, serverTime: number) => {
        if (err === null && typeof serverTime === 'number') {
          clock.sample(sentAt, serverTime, now());
          delay.seed(clock.rtt);
        }
      }),
    );
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
    world.rules = w.rules;
    clearMirror(world);
    smoother.clear();
    delay.reset(world.tickMs);
    if (!w.resumed) {
      seq = 0;
      acked = 0;
    }
    pending = [];
    emit('welcome', w);
    clearTimeout(probeTimer);
    probe();
  });
  socket.on(EngineEvents.state, (bytes) => {
    if (welcome === undefined) return;
    let message: StateMessage;
    try {
      message = decodeState(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer), world.stream);
    } catch (error) {
      emit('error', error as Error);
      return;
    }
    acked = message.ack;
    if (pending.length > 0 && pending[0]!.seq <= acked) pending = pending.filter((p) => p.seq > acked);
    const changes = applyState(world, message);
    if (clock.samples > 0 && !message.full) delay.observe(clock.serverNow(now()) - message.tick * world.tickMs);
    const at = now();
    const lastAttack = getStore(world, LastAttack);
    const health = getStore(world, Health);
    const events: WireEvent[] = [];
    for (const id of changes.entered) events.push({ type: 'join', id, sid: '' });
    for (const id of changes.left) events.push({ type: 'leave', id });
    for (const id of changes.attacked) {
      const eid = entityOf(world, id);
      if (eid !== undefined) lastAttack.at[eid] = at;
      events.push({ type: 'attack', id });
    }
    for (const [attacker, victim] of message.hits) {
      const eid = entityOf(world, victim);
      events.push({ type: 'hit', attacker, victim, hp: eid === undefined ? Number.NaN : health.hp[eid]! });
    }
    for (const [attacker, victim] of message.kills) events.push({ type: 'kill', attacker, victim });
    for (const id of changes.respawned) {
      events.push({ type: 'respawn', id });
      const eid = entityOf(world, id);
      if (eid !== undefined) smoother.snap(eid);
    }
    for (const id of changes.entered) {
      const eid = entityOf(world, id);
      if (eid !== undefined) smoother.snap(eid);
    }
    emit('state', message);
    if (events.length > 0) emit('events', events);
  });
  socket.on('error', (error) => emit('error', error));

  const scratch = { x: 0, y: 0 };

  /** Own position at the present: server state at its last tick, plus unacknowledged inputs. */
  function predictLocal(eid: number, serverNow: number): { x: number; y: number } {
    const { sim, rules } = world;
    const tickMs = world.tickMs;
    // An input sent now lands at the server about half a round trip from now.
    const horizon = (serverNow + (Number.isNaN(clock.rtt) ? 0 : clock.rtt / 2)) / tickMs + 1;
    const last = Math.min(Math.floor(horizon), world.lastTick + 30);
    let x = sim.x[eid]!;
    let y = sim.y[eid]!;
    let mx = sim.mx[eid]!;
    let my = sim.my[eid]!;
    const alive = sim.alive[eid] === 1;
    const maxStep = (rules!.speed * tickMs) / 1000;
    let prevX = x;
    let prevY = y;
    let p = 0;
    for (let tick = world.lastTick + 1; tick <= last; tick++) {
      while (p < pending.length && pending[p]!.tick <= tick) {
        mx = pending[p]!.mx;
        my = pending[p]!.my;
        p++;
      }
      prevX = x;
      prevY = y;
      if (alive) {
        stepMotion(x, y, mx, my, maxStep, rules!.map.width, rules!.map.height, scratch);
        x = scratch.x;
        y = scratch.y;
      }
    }
    if (last <= world.lastTick) return { x, y };
    const f = Math.min(1, Math.max(0, horizon - last));
    return { x: prevX + (x - prevX) * f, y: prevY + (y - prevY) * f };
  }

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
    get interpolationDelay() {
      return delay.value;
    },
    get predicted() {
      return predicted;
    },
    sendInput(input) {
      if (!socket.connected || welcome === undefined) return seq;
      seq = (seq + 1) >>> 0;
      const serverNow = clock.samples > 0 ? clock.serverNow(now()) : world.lastTick * world.tickMs;
      const arrival = serverNow + (Number.isNaN(clock.rtt) ? 0 : clock.rtt / 2);
      pending.push({ seq, mx: quantizeAxis(input.mx), my: quantizeAxis(input.my), tick: Math.floor(arrival / world.tickMs) + 1 });
      if (pending.length > 256) pending.shift();
      // The attacker saw remote players `renderTime` (server clock): the server rewinds them there.
      const bytes = encodeInput({ ...input, seq, viewTime: input.attack ? renderTime : 0 });
      send(INPUT_BYTES + 8, () => socket.emit(EngineEvents.input, bytes));
      return seq;
    },
    update() {
      const t = now();
      const frameMs = Math.min(100, Math.max(0, t - lastFrame));
      lastFrame = t;
      if (world.rules === undefined) return;
      const serverNow = clock.samples > 0 ? clock.serverNow(t) : world.lastTick * world.tickMs + delay.value;
      renderTime = Math.max(0, serverNow - delay.value);
      const renderTick = renderTime / world.tickMs;
      const pos = getStore(world, Position);
      const maxMove = (world.rules.speed * frameMs) / 1000;
      for (const [id, eid] of world.entities) {
        if (id === world.localId && predict) {
          predicted = predictLocal(eid, serverNow);
          scratch.x = predicted.x;
          scratch.y = predicted.y;
        } else {
          positionAt(world, eid, renderTick, scratch);
        }
        smoother.follow(eid, scratch.x, scratch.y, maxMove, pos);
      }
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
      up?.close();
      socket.disconnect();
      setStatus('disconnected', 'closed');
    },
  };
}
