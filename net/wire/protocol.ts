// The two protocols' event names and JSON payloads, and the delta protocol's version. Specified
// in docs/protocol.md, with what bumps PROTOCOL_VERSION and how a mismatch is refused.
import type { BattleRules } from '../../engine';

/**
 * Version of the delta protocol, sent by clients at handshake (`auth: { skirmish: 3 }`); a client
 * with another version is refused with `protocol_mismatch`. Bumped whenever a byte changes.
 */
export const PROTOCOL_VERSION = 3;

/** Event names of the delta protocol, our binary one (short: they travel with every message). */
export const DeltaEvents = {
  /** server → client: binary state (full or delta). */
  state: 's',
  /** server → client: who you are and the rules, once per connection. */
  welcome: 'welcome',
  /** client → server: binary input command. */
  input: 'i',
  /** client → server: clock probe; acked with the server's time. */
  time: 't',
  /** server → client: the server is going away (restart); reconnect later. */
  shutdown: 'shutdown',
} as const;

/** Event names of the classic JSON protocol, spoken by any plain Socket.IO client. */
export const ClassicEvents = {
  newPlayer: 'new_player',
  playerMoved: 'player_moved',
  playerAttacked: 'player_attacked',
  playerKilled: 'player_killed',
  playerLeft: 'player_left',
  move: 'move',
  attack: 'attack',
} as const;

/** Error codes sent in `error` events and connect errors. */
export const ErrorCodes = {
  badInput: 'bad_input',
  unknownEvent: 'unknown_event',
  protocolMismatch: 'protocol_mismatch',
  serverFull: 'server_full',
  tooManyConnections: 'too_many_connections',
  originNotAllowed: 'origin_not_allowed',
  rateLimited: 'rate_limited',
  kicked: 'kicked',
  coolingDown: 'cooling_down',
} as const;
/** One of `ErrorCodes`. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Payload of the `error` event: what was wrong with a message the client sent. */
export interface ErrorPayload {
  code: ErrorCode;
  /** The event that was rejected. */
  event: string;
  message: string;
}

/** A player's state in the classic protocol. */
export interface ClassicPosition {
  x: number;
  y: number;
  hp: number;
}

/** Sent once to each delta-protocol client after connect. */
export interface Welcome {
  protocol: number;
  /** NetId of the player this connection controls. */
  id: number;
  /** Socket.IO id of this connection (the id classic clients know this player by). */
  sid: string;
  /** Session token: present it at reconnect (`auth.token`) within the grace window to get this player back. */
  token: string;
  /** Grace window in ms during which a dropped player is kept. */
  graceMs: number;
  /** True when this connection resumed an existing player. */
  resumed: boolean;
  tickRate: number;
  tick: number;
  rules: BattleRules;
}

/**
 * A discrete event as a delta-protocol client derives it from state messages (entity references
 * are NetIds; a 'join' is an entity entering view, a 'leave' one leaving it).
 */
export type WireEvent =
  | { type: 'join'; id: number }
  | { type: 'leave'; id: number }
  | { type: 'attack'; id: number }
  | { type: 'hit'; attacker: number; victim: number; hp: number }
  | { type: 'kill'; attacker: number; victim: number }
  | { type: 'respawn'; id: number };

/** Auth payload of a delta-protocol client's handshake (`io(url, { auth })`). */
export interface DeltaAuth {
  /** PROTOCOL_VERSION the client speaks; its presence is what marks a delta client. */
  skirmish: number;
  /** Token from an earlier welcome, to resume that player. */
  token?: string;
}

/** Events the server emits, for typing Socket.IO. */
export interface ServerToClientEvents {
  s: (state: Uint8Array) => void;
  welcome: (welcome: Welcome) => void;
  error: (error: ErrorPayload) => void;
  shutdown: (notice: { reason: string }) => void;
  new_player: (p: { id: string; position: ClassicPosition }) => void;
  player_moved: (p: { id: string; position: ClassicPosition }) => void;
  player_attacked: (p: { id: string; hp: number }) => void;
  player_killed: (p: { id: string }) => void;
  player_left: (p: { id: string }) => void;
}

/** Events clients emit, for typing Socket.IO. Payloads are `unknown` on the server until validated. */
export interface ClientToServerEvents {
  i: (input: Uint8Array) => void;
  t: (clientTime: number, ack: (serverTime: number) => void) => void;
  move: (target: { x: number; y: number }) => void;
  attack: (payload?: Record<string, never>) => void;
}
