// The two protocols' event names and JSON payloads, and the delta protocol's version. Specified
// in docs/protocol.md, with what bumps PROTOCOL_VERSION and how a mismatch is refused.
import type { BattleRules } from '../../engine';

/**
 * Version of the delta protocol, sent by clients at handshake (`auth: { skirmish: 4 }`); a client
 * with another version is refused with `protocol_mismatch`. Bumped whenever a byte changes.
 */
export const PROTOCOL_VERSION = 4;

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
  /** server → client: player names, `[netId, name | null][]` (null: the player left the match). */
  names: 'n',
  /** server → client (both protocols): the match is over (its end condition fired) and is disposed; the result. */
  matchEnded: 'match_ended',
  /** server → client (both protocols): this worker is draining; matchmake again (POST /matchmake) and connect there. */
  reconnectElsewhere: 'reconnect_elsewhere',
  /** server → spectator: the match watched is gone (ended, empty, server closing); the disconnect follows. */
  spectateEnded: 'spectate_ended',
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
  /** client → server: `{name}`, the player's new name (either protocol may send it). */
  setName: 'set_name',
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
  /** No seat presented: matchmake first (POST /matchmake). */
  seatMissing: 'seat_missing',
  /** The seat was not claimed in time: matchmake again. */
  seatExpired: 'seat_expired',
  /** No such seat, or its match is gone. */
  seatUnknown: 'seat_unknown',
  /** The seat was already used by another connection. */
  seatUsed: 'seat_used',
  /** The seat is for a match on another worker. */
  seatWrongWorker: 'seat_wrong_worker',
  /** The registry cannot be reached: try again shortly. */
  registryUnavailable: 'registry_unavailable',
  /** The server is draining: it takes no new players; matchmake again. */
  draining: 'draining',
  /** Kicked a moment ago for abuse: wait `retryMs` before reconnecting. */
  coolingDown: 'cooling_down',
  /** Spectating refused: the match already has as many spectators as it takes. */
  spectatorsFull: 'spectators_full',
  /** Spectating refused: no such match (on this server, or anywhere in the cluster). */
  matchUnknown: 'match_unknown',
  /** A spectator sent a game event (input, move, attack, set_name): spectators only watch. */
  spectatorReadOnly: 'spectator_read_only',
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
  /** The player's name as the server accepted it (a guest name when none or a bad one was offered). */
  name: string;
  /**
   * Present only for a spectator (no player: `id` is 0, `token` and `name` are empty): the match
   * watched and how many spectators it has, this one included.
   */
  spectator?: { matchId: string; spectators: number };
}

/** A name change: `[netId, name]`, or `[netId, null]` when the player left the match. */
export type NameEntry = [number, string | null];

/** The server's recent tick costs, answered with each clock probe (for a net graph). */
export interface ServerTickTimes {
  /** Simulating a tick and building its messages, averaged over recent ticks (ms). */
  simulateMs: number;
  /** Handing those messages to the sockets, averaged likewise (ms). */
  sendMs: number;
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
  /** The name to play under (cleaned by the server; a resumed player keeps its name). */
  name?: string;
  /** Seat token from POST /matchmake. */
  seat?: string;
  /** The match the seat is for; without a seat, the match the player of `token` is in (see docs/protocol.md). */
  matchId?: string;
  /** Watch this match as a spectator (no player, no seat, sees the whole map) instead of playing. */
  spectate?: string;
}

/** Payload of `match_ended`: why the match ended and every player's score (winner first). */
export interface MatchEnded {
  /** The match that ended. */
  matchId: string;
  /** Its type. */
  type: string;
  /** What fired, e.g. 'time' or 'score'. */
  reason: string;
  /** Players by kills, most first: NetId, classic id, kills, deaths. */
  scores: { id: number; sid: string; kills: number; deaths: number }[];
}

/** Events the server emits, for typing Socket.IO. */
export interface ServerToClientEvents {
  /** Delta protocol: a binary state message. */
  s: (state: Uint8Array) => void;
  /** Delta protocol: who you are and the rules, once per connection. */
  welcome: (welcome: Welcome) => void;
  /** A message of yours was refused, and why. */
  error: (error: ErrorPayload) => void;
  /** The server is going away; reconnect later. */
  shutdown: (notice: { reason: string }) => void;
  /** Both protocols: the match is over (its end condition fired); the result. */
  match_ended: (result: MatchEnded) => void;
  /** Both protocols: this worker is draining; matchmake again and connect there. */
  reconnect_elsewhere: (notice: { reason: string }) => void;
  /** Classic: a player is in the match (the roster on connect, then each arrival). */
  new_player: (p: { id: string; position: ClassicPosition }) => void;
  /** Classic: a player moved, was hit or respawned (at most once per player per tick). */
  player_moved: (p: { id: string; position: ClassicPosition }) => void;
  /** Classic: a player was hit; its health after the hit. */
  player_attacked: (p: { id: string; hp: number }) => void;
  /** Classic: a player died. */
  player_killed: (p: { id: string }) => void;
  /** Classic: a player left the match. */
  player_left: (p: { id: string }) => void;
  /** Delta protocol: player names, `[netId, name | null]`. */
  n: (names: NameEntry[]) => void;
  /** Spectators: the match watched is gone; the disconnect follows. */
  spectate_ended: (notice: { matchId: string; reason: string }) => void;
}

/** Events clients emit, for typing Socket.IO. Payloads are `unknown` on the server until validated. */
export interface ClientToServerEvents {
  /** Delta protocol: a binary input message. */
  i: (input: Uint8Array) => void;
  /** Delta protocol: a clock probe, answered with the server's clock and tick costs. */
  t: (clientTime: number, ack: (serverTime: number, tick: ServerTickTimes) => void) => void;
  /** Classic: walk toward a point. */
  move: (target: { x: number; y: number }) => void;
  /** Classic: attack now. */
  attack: (payload?: Record<string, never>) => void;
  /** Either protocol: play under a new name. */
  set_name: (payload: { name: string }) => void;
}
