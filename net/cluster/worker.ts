// What a worker process needs from the cluster: heartbeats that keep it (and its matches) in the
// registry, and seat admission for connecting clients. Neither is ever on the tick path: a
// heartbeat is fire-and-forget on a timer, admission runs in Socket.IO middleware.
import { pino, type Logger } from 'pino';
import { DEFAULT_HEARTBEAT_MS, RegistryError, type ClaimResult, type MatchInfo, type Registry, type WorkerInfo } from './registry';

/** Codes a worker refuses a connection with (in the Socket.IO connect error's `data.code`). */
export const SeatCodes = {
  /** The client presented no seat. */
  missing: 'seat_missing',
  /** The seat was not claimed in time; matchmake again. */
  expired: 'seat_expired',
  /** No such seat (forged, for another match, or its match is gone while the seat was live). */
  unknown: 'seat_unknown',
  /** The seat was already claimed by another connection. */
  used: 'seat_used',
  /** The seat is for a match hosted by another worker. */
  wrongWorker: 'seat_wrong_worker',
  /** The registry cannot be reached; try again shortly. */
  unavailable: 'registry_unavailable',
} as const;

/** One of `SeatCodes`. */
export type SeatCode = (typeof SeatCodes)[keyof typeof SeatCodes];

/** A seat as a connecting client presents it. */
export interface PresentedSeat {
  matchId: string;
  token: string;
}

/** Outcome of `admitSeat`. */
export type Admission = { ok: true; match: MatchInfo } | { ok: false; code: SeatCode; message: string };

const short = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

/**
 * The seat in a Socket.IO handshake: `auth: {seat, matchId}` (clients that matchmade themselves)
 * or the query `?seat=…&match=…` (what the gateway adds for classic clients it placed).
 */
export function readSeat(handshake: { auth?: unknown; query?: unknown }): PresentedSeat | undefined {
  const auth = (typeof handshake.auth === 'object' && handshake.auth !== null ? handshake.auth : {}) as Record<string, unknown>;
  if (short(auth.seat) && short(auth.matchId)) return { matchId: auth.matchId, token: auth.seat };
  const query = (typeof handshake.query === 'object' && handshake.query !== null ? handshake.query : {}) as Record<string, unknown>;
  if (short(query.seat) && short(query.match)) return { matchId: query.match, token: query.seat };
  return undefined;
}

/**
 * Claims a presented seat for a match of this worker. The owner is checked first so a seat sent
 * to the wrong worker is not spent. On `ok` the player is counted in the registry: the worker
 * must count it in its heartbeats from now on and call `releasePlayer` when it leaves.
 */
export async function admitSeat(registry: Registry, workerId: string, seat: PresentedSeat | undefined): Promise<Admission> {
  if (seat === undefined) return { ok: false, code: SeatCodes.missing, message: 'no seat: matchmake first (POST /matchmake)' };
  try {
    const match = await registry.match(seat.matchId);
    if (match === undefined) {
      // A match dropped once its seats expired (or disposed) is gone, but the registry still knows
      // what became of the seats it issued: a claim on a match that is not there never seats anyone.
      const fate = await registry.claimSeat(seat.matchId, seat.token);
      if (fate === 'ok') {
        // Only if the match came back between the two calls (Redis restarted): it is not ours to check, give it back.
        registry.releasePlayer(seat.matchId).catch(() => undefined);
        return { ok: false, code: SeatCodes.unknown, message: 'unknown seat: its match was not found' };
      }
      return refused(fate, 'unknown seat: its match does not exist');
    }
    if (match.worker !== workerId) return { ok: false, code: SeatCodes.wrongWorker, message: `seat is for worker ${match.worker}` };
    const result = await registry.claimSeat(seat.matchId, seat.token);
    return result === 'ok' ? { ok: true, match } : refused(result, 'unknown seat');
  } catch (error) {
    const message = error instanceof RegistryError ? error.message : 'registry failed';
    return { ok: false, code: SeatCodes.unavailable, message };
  }
}

function refused(result: Exclude<ClaimResult, 'ok'>, unknown: string): Admission {
  switch (result) {
    case 'expired': return { ok: false, code: SeatCodes.expired, message: 'seat expired: matchmake again' };
    case 'used': return { ok: false, code: SeatCodes.used, message: 'seat already used' };
    default: return { ok: false, code: SeatCodes.unknown, message: unknown };
  }
}

/** Options of `startHeartbeat`. */
export interface HeartbeatOptions {
  registry: Registry;
  /**
   * The worker and every match it hosts, read at each beat; synchronous and cheap. Players of a
   * match must include seats whose claim is still in flight (see `Registry.heartbeat`).
   */
  report: () => { worker: WorkerInfo; matches: MatchInfo[] };
  /** Time between beats. Default 1500 ms (`DEFAULT_HEARTBEAT_MS`): a quarter of the default worker TTL. */
  intervalMs?: number;
  logger?: Logger;
}

/** A running heartbeat. */
export interface Heartbeat {
  /** False after a failed beat, true after a successful one. */
  readonly healthy: boolean;
  /** Beats now (unless one is in flight); resolves true when it reached the registry. */
  beat(): Promise<boolean>;
  /** Stops beating; `removeWorker` is the caller's, for a graceful exit. */
  stop(): void;
}

/**
 * Beats at once and then every `intervalMs`, never overlapping, never throwing. After the
 * registry lost its data (Redis restarted) the next successful beat puts the worker and all its
 * matches back, with no restart of anything.
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const interval = options.intervalMs ?? DEFAULT_HEARTBEAT_MS;
  const log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'skirmish-worker' } });
  let healthy = true;
  let inFlight: Promise<boolean> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const beat = (): Promise<boolean> => {
    if (inFlight) return inFlight;
    inFlight = (async () => {
      try {
        const { worker, matches } = options.report();
        await options.registry.heartbeat(worker, matches);
        if (!healthy) log.info('heartbeat: registry reachable again; worker and matches re-registered');
        healthy = true;
      } catch (error) {
        if (healthy) log.warn({ err: error instanceof Error ? error.message : String(error) }, 'heartbeat failed; matches keep running, retrying');
        healthy = false;
      } finally {
        inFlight = undefined;
      }
      return healthy;
    })();
    return inFlight;
  };
  const loop = (): void => {
    if (stopped) return;
    void beat().finally(() => {
      if (!stopped) timer = setTimeout(loop, interval);
    });
  };
  loop();
  return {
    get healthy() {
      return healthy;
    },
    beat,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
