// The socket of a client: Socket.IO with our parser (conditioned when asked), the handshake, the
// connection status a player sees, and the server's restart notice, after which it keeps trying.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { DeltaEvents, parser, PROTOCOL_VERSION, type ClientToServerEvents, type DeltaAuth, type ErrorPayload, type ServerToClientEvents } from '../wire';
import { conditionParser } from './conditioned-parser';
import type { LinkConditions } from './conditioner';

/** Connection state as a player should see it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** A client's Socket.IO socket, typed with the game's event maps. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Options of `openConnection`. */
export interface ConnectionOptions {
  url: string;
  transports?: ('websocket' | 'polling')[];
  /** Protocol version announced (default PROTOCOL_VERSION). */
  protocol?: number;
  /** The session token to present; read at every (re)connection. */
  token(): string | undefined;
  /** The name to present; read at every (re)connection (a resumed player keeps its own). */
  name(): string | undefined;
  /**
   * The match this client was placed in and its seat (from POST /matchmake), read at every
   * (re)connection. No seat when only the match is known (going back to it with a token).
   */
  seat?(): { seat?: string; matchId: string } | undefined;
  /**
   * Watch this match as a spectator instead of playing: sent in the auth payload and in the
   * query (a cluster's gateway routes a spectator to the worker owning the match by it).
   */
  spectate?: string;
  /** Conditions of the receiving direction of the link (the sending one is the caller's). */
  conditions?: LinkConditions;
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** Told every status change, with Socket.IO's reason when there is one. */
  onStatus(status: ConnectionStatus, reason?: string): void;
  /** Told connection errors, and the server's `error` replies about messages it refused. */
  onError(error: ErrorPayload | Error): void;
}

/** An open (or opening) connection. */
export interface Connection {
  readonly socket: ClientSocket;
  readonly status: ConnectionStatus;
  /** Disconnects for good: no reconnection. */
  close(): void;
}

/** Opens a connection; Socket.IO reconnects by itself, and after a server restart this does. */
export function openConnection(options: ConnectionOptions): Connection {
  let status: ConnectionStatus = 'connecting';
  let shuttingDown = false;
  let closed = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  const setStatus = (next: ConnectionStatus, reason?: string): void => {
    if (next === status) return;
    status = next;
    options.onStatus(next, reason);
  };
  const version = options.protocol ?? PROTOCOL_VERSION;
  const { conditions } = options;
  const socket: ClientSocket = io(options.url, {
    transports: options.transports ?? ['websocket', 'polling'],
    // A function, so every reconnection presents the latest token and gets its player back.
    auth: (cb) => {
      const token = options.token();
      const name = options.name();
      const auth: DeltaAuth = { skirmish: version };
      if (options.spectate !== undefined) return cb({ ...auth, spectate: options.spectate });
      if (token !== undefined) auth.token = token;
      if (name !== undefined) auth.name = name;
      const seat = options.seat?.();
      if (seat !== undefined) {
        if (seat.seat !== undefined) auth.seat = seat.seat;
        auth.matchId = seat.matchId;
      }
      cb(auth);
    },
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
    parser: conditions ? conditionParser(parser, { ...conditions, seed: 2 }) : parser,
    ...options.socket,
    ...(options.spectate === undefined ? {} : { query: { ...(options.socket?.query ?? {}), spectate: options.spectate } }),
  });

  socket.on('connect', () => setStatus('connected'));
  socket.on('disconnect', (reason) => {
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
  socket.on(DeltaEvents.shutdown, () => {
    shuttingDown = true;
  });
  socket.on('connect_error', (error) => {
    options.onError(error);
    if (!socket.active) setStatus('disconnected', error.message);
    else setStatus('reconnecting', error.message);
  });
  socket.on('error', (error) => options.onError(error));

  return {
    socket,
    get status() {
      return status;
    },
    close() {
      closed = true;
      clearTimeout(restartTimer);
      socket.disconnect();
      setStatus('disconnected', 'closed');
    },
  };
}
