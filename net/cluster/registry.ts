// The match registry: which workers are alive, which matches each hosts, and the seats handed to
// players on their way to one. One interface, two implementations that must behave identically:
// in memory (one process, no external service) and Redis (many workers and gateways).
import { randomBytes } from 'node:crypto';

/** A worker process as it reports itself in a heartbeat. */
export interface WorkerInfo {
  /** Stable for the life of the process; URL-safe (letters, digits, `_`, `-`), at most 64 characters. */
  id: string;
  pid: number;
  host: string;
  /** Where the worker's own HTTP/Socket.IO server is reachable from the gateways, e.g. `http://10.0.0.5:4001`. */
  url: string;
  /** Matches the worker hosts, as it counts them. */
  matches: number;
  /** Players connected to the worker, as it counts them. */
  players: number;
  /** CPU use in [0, 1] if the worker measures it; informational only. */
  cpu?: number;
  /**
   * Most players the worker takes (its `maxPlayers`). Placement leaves a worker whose players plus
   * live reservations reach it, so a seat is never handed out for a worker that would refuse it
   * with `server_full`. Unset: no limit.
   */
  capacity?: number;
}

/** A live worker as the registry sees it: its last report and how old that report is. */
export interface WorkerView extends WorkerInfo {
  heartbeatAgeMs: number;
}

/** A match: one world in exactly one worker process. */
export interface MatchInfo {
  id: string;
  /** Game mode, e.g. 'classic'; matchmaking only mixes players of one type. */
  type: string;
  /** Seated players (a reservation becomes one when claimed). */
  players: number;
  /** Most players plus live reservations the match takes. */
  capacity: number;
  /** Id of the worker that owns the match; never changes. */
  worker: string;
  /** Epoch ms. */
  createdAt: number;
  /** Live (unclaimed, unexpired) reservations; filled in by the registry on reads, ignored in heartbeats. */
  reserved?: number;
  /** Spectators watching, as its worker last reported (never counted against capacity). */
  spectators?: number;
}

/** A place reserved in a match for one player, presented by its client when it connects. */
export interface Seat {
  matchId: string;
  /** 128 random bits, base64url: unguessable, single use. */
  token: string;
  /** Epoch ms after which the seat can no longer be claimed and its place is free again. */
  expiresAt: number;
}

/** What `placeSeat` is asked for. */
export interface PlaceRequest {
  type: string;
  /** Capacity of a match created for this request (an existing match keeps its own). */
  capacity: number;
  /** Join exactly this match (it must exist, be of `type` and have room). */
  matchId?: string;
  /** Always create a new match. */
  create?: boolean;
}

/** What `placeSeat` gives back. */
export interface Placement {
  seat: Seat;
  match: MatchInfo;
  /** True when the match was created for this seat (its worker has not heard of it yet). */
  created: boolean;
}

/** Result of claiming a seat: only 'ok' admits the player. */
export type ClaimResult = 'ok' | 'expired' | 'unknown' | 'used';

/** Reservation counters since the registry's store began (cluster-wide for Redis). */
export interface RegistryStats {
  made: number;
  used: number;
  /** Counted when the registry notices (on its next look at that match), not to the millisecond. */
  expired: number;
}

/** Why a registry call failed; the gateway maps these to HTTP statuses. */
export type RegistryErrorCode = 'full' | 'not_found' | 'unavailable' | 'no_workers' | 'bad_type' | 'bad_request';

/** The only error a registry throws; `code` says what the caller can do about it. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(readonly code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Timings shared by both implementations. */
export interface RegistryOptions {
  /** How long a reservation holds its place before it expires. Default 15 000 ms. */
  seatTtlMs?: number;
  /**
   * A worker (and its matches) vanish this long after its last heartbeat. Default 6000 ms: with a
   * beat every 1500 ms (`startHeartbeat`) a killed worker is gone within 6 s, well inside the 10 s
   * the cluster promises, and a worker whose beats run late under load has 4 s before it is lost.
   */
  workerTtlMs?: number;
  /**
   * A match its worker does not (yet) report is kept this long after creation, or while it has
   * live reservations: the worker only learns of a match when the first seat is claimed.
   * Default seatTtlMs + 5000.
   */
  pendingMatchMs?: number;
  /**
   * How long a used or expired token is remembered, to answer 'used'/'expired' rather than
   * 'unknown', even after its match is gone (a pending match dropped, a match disposed). Default 5 min.
   */
  rememberSeatsMs?: number;
}

/** Default `workerTtlMs`: a dead worker's matches leave the registry this long after its last beat. */
export const DEFAULT_WORKER_TTL_MS = 6000;

/** Default time between a worker's heartbeats: a quarter of the default worker TTL. */
export const DEFAULT_HEARTBEAT_MS = 1500;

/** The options with their defaults applied. */
export function registryTimings(options: RegistryOptions = {}): Required<RegistryOptions> {
  const seatTtlMs = options.seatTtlMs ?? 15_000;
  return {
    seatTtlMs,
    workerTtlMs: options.workerTtlMs ?? DEFAULT_WORKER_TTL_MS,
    pendingMatchMs: options.pendingMatchMs ?? seatTtlMs + 5_000,
    rememberSeatsMs: options.rememberSeatsMs ?? 300_000,
  };
}

/**
 * Where matches live and how players get a place in one. Every method is atomic with respect to
 * every other caller (other gateways and workers included): capacity is never exceeded.
 */
export interface Registry {
  /**
   * Called by a worker every couple of seconds (well under workerTtlMs): refreshes its TTL and
   * re-puts every match it hosts, with its player count. `matches` is the complete list: a match of
   * this worker that is not in it, has no live reservation and is older than pendingMatchMs is
   * dropped. Players must count seated players plus seat claims still in flight, so a heartbeat
   * cannot undo a claim it raced with. After the store lost everything (Redis restarted) the next
   * heartbeat puts it all back.
   */
  heartbeat(worker: WorkerInfo, matches: MatchInfo[]): Promise<void>;
  /** Forgets a worker and its matches at once (graceful shutdown), rather than after its TTL. */
  removeWorker(id: string): Promise<void>;
  /** Live workers, oldest registration first. */
  workers(): Promise<WorkerView[]>;
  /** Matches of live workers, with live reservation counts. */
  matches(): Promise<MatchInfo[]>;
  /** One match of a live worker, or undefined. */
  match(id: string): Promise<MatchInfo | undefined>;
  /**
   * Reserves a place: in `matchId` (fails 'not_found' or 'full'), in a new match (`create`), or in
   * the fullest match of `type` with room, creating one on the least-loaded live worker (by
   * players plus reservations, ties by match count) when none has room. A worker at its
   * `capacity` (players plus reservations over its matches) takes no seat, in any match.
   * @throws RegistryError 'no_workers' when a match must be created and no worker is alive, 'full'
   * when every live worker is at capacity.
   */
  placeSeat(request: PlaceRequest): Promise<Placement>;
  /**
   * Turns a reservation into a seated player, once. Called by the owning worker when the client
   * connects. A token issued by this registry answers 'used' or 'expired' for `rememberSeatsMs`
   * even when its match is gone; a token it never issued, or one for another match, 'unknown'.
   */
  claimSeat(matchId: string, token: string): Promise<ClaimResult>;
  /** A seated player left: its place is free at once (the next heartbeat would free it anyway). */
  releasePlayer(matchId: string): Promise<void>;
  /** Forgets a match (its worker disposed of it). */
  removeMatch(id: string): Promise<void>;
  /** Reservation counters. */
  stats(): Promise<RegistryStats>;
  /**
   * Resolves once the registry can answer (its Redis connection is open); rejects with
   * RegistryError 'unavailable' after `timeoutMs`. Calls made before then fail at once.
   */
  ready(timeoutMs?: number): Promise<void>;
  /** Releases connections and timers; the registry is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * Waits up to `timeoutMs` for `registry` before a gateway or worker takes players, so its first
 * ones are not refused 503 while its connection is still opening. A registry still unreachable
 * by then is warned about and not waited for further: placement answers 503 until it connects,
 * and the worker's heartbeats register it once it does. Resolves whether it is ready.
 */
export async function awaitRegistry(registry: Registry, timeoutMs: number, log: { warn(obj: object, msg: string): void }): Promise<boolean> {
  try {
    await registry.ready(timeoutMs);
    return true;
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'registry not reachable yet; starting anyway (placement answers 503 until it is)');
    return false;
  }
}

/** Ids the registry accepts for workers and matches: safe in a URL path and a Redis key. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A new unguessable seat token (128 random bits). */
export function newSeatToken(): string {
  return randomBytes(16).toString('base64url');
}

/** A new match id; random so that ids minted by different gateways never collide. */
export function newMatchId(): string {
  return 'm' + randomBytes(9).toString('base64url');
}

/** The message of the 'full' error when no live worker has room. */
export function clusterFullMessage(workers: number): string {
  return workers === 1
    ? 'server full: every place is taken or reserved; try again shortly'
    : `cluster full: all ${workers} workers are at capacity; try again shortly`;
}

/** Throws 'bad_request'/'bad_type' for inputs no implementation should ever store. */
export function checkPlaceRequest(request: PlaceRequest): void {
  if (typeof request.type !== 'string' || !ID_PATTERN.test(request.type)) {
    throw new RegistryError('bad_type', 'match type must be 1-64 letters, digits, _ or -');
  }
  if (!Number.isInteger(request.capacity) || request.capacity < 1 || request.capacity > 100_000) {
    throw new RegistryError('bad_request', 'capacity must be an integer from 1 to 100000');
  }
  if (request.matchId !== undefined && (typeof request.matchId !== 'string' || !ID_PATTERN.test(request.matchId))) {
    throw new RegistryError('not_found', 'no such match');
  }
}

/** Throws 'bad_request' for a heartbeat no implementation should store. */
export function checkHeartbeat(worker: WorkerInfo, matches: MatchInfo[]): void {
  const count = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!ID_PATTERN.test(worker.id)) throw new RegistryError('bad_request', 'worker id must be 1-64 letters, digits, _ or -');
  if (!count(worker.pid) || !count(worker.matches) || !count(worker.players) || (worker.cpu !== undefined && !count(worker.cpu))) {
    throw new RegistryError('bad_request', 'worker pid, matches, players and cpu must be non-negative numbers');
  }
  if (worker.capacity !== undefined && (!Number.isInteger(worker.capacity) || worker.capacity < 1)) {
    throw new RegistryError('bad_request', 'worker capacity must be a positive integer');
  }
  for (const m of matches) {
    if (!ID_PATTERN.test(m.id) || !ID_PATTERN.test(m.type)) throw new RegistryError('bad_request', `bad match id or type: ${m.id}`);
    if (!count(m.players) || !count(m.createdAt) || !Number.isInteger(m.capacity) || m.capacity < 1 || (m.spectators !== undefined && !count(m.spectators))) {
      throw new RegistryError('bad_request', `match ${m.id}: players and createdAt must be non-negative, capacity a positive integer`);
    }
  }
}
