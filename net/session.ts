import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from './protocol';

/** A Socket.IO server-side socket typed with the game's event maps. */
export type GameSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** The namespace games are played on, typed likewise. */
export type GameNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;

/** Which protocol a connection speaks. */
export type SessionKind = 'engine' | 'classic';

/** One connected player: its socket, its entity and what it has been sent. */
export interface Session {
  readonly socket: GameSocket;
  readonly kind: SessionKind;
  readonly eid: number;
  readonly netId: number;
  /** True until the first full state has been sent. */
  needsFull: boolean;
  /** Messages refused by validation on this connection. */
  rejected: number;
}
