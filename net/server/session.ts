// What the server knows of one player. Shared by the session list, the inbound gate and the
// broadcaster, which is why it lives apart from all three.
import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../wire';
import type { Guard } from './limits';
import type { StreamPosition } from '../wire';

/** What one connection has been told: the entities it sees and where its stream stands. */
export interface Replication {
  /** NetIds the client currently mirrors. */
  seen: Set<number>;
  /** Tick and ack of the last message sent (deltas are relative to it). */
  sent: StreamPosition;
}

/** A Socket.IO server-side socket typed with the game's event maps. */
export type GameSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** The namespace games are played on, typed likewise. */
export type GameNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;

/** Which protocol a connection speaks. */
export type SessionKind = 'delta' | 'classic';

/** What replication needs of a connection it sends state to: a player's session, or a spectator's. */
export interface Viewer {
  /** The live connection (null: nothing is sent). */
  socket: GameSocket | null;
  /** The player whose surroundings it sees, or `NO_ENTITY` (a spectator: it sees every player). */
  readonly eid: number;
  /** True until the first full state has been sent on the current connection. */
  needsFull: boolean;
  /** Replication state of the current connection. */
  replication: Replication;
}

/** `Viewer.eid` of a connection with no player of its own; bitECS entity ids start at 1. */
export const NO_ENTITY = 0;

/** One player: its entity, its current connection (none while dropped) and what it has been sent. */
export interface Session {
  /** The live connection; null while the player is dropped and waiting to be resumed. */
  socket: GameSocket | null;
  /** The protocol its connections speak; a token resumes only a player of the same kind. */
  readonly kind: SessionKind;
  /** Its entity in the match's world. */
  readonly eid: number;
  /** Its entity's id on the wire (delta clients know the player by it). */
  readonly netId: number;
  /** Secret that resumes this player after a drop (delta clients). */
  readonly token: string;
  /** Socket.IO id of the first connection: the id classic clients know this player by, for good. */
  readonly publicId: string;
  /** The name others see (cleaned; a guest name until the player picks one). */
  name: string;
  /** True until the first full state has been sent on the current connection. */
  needsFull: boolean;
  /** Messages refused (invalid or over the rate) on this session. */
  rejected: number;
  /** Rate limits of the current connection. */
  guard: Guard;
  /** Replication state of the current connection. */
  replication: Replication;
  /** Pending removal while dropped. */
  graceTimer?: ReturnType<typeof setTimeout>;
}
