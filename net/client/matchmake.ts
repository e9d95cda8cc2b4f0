// Matchmaking from a client: POST /matchmake on the server or gateway, which answers where to
// connect (origin + Socket.IO path of the match's worker) and the seat to present there.
// Browser-safe: only fetch.

/** What to ask `POST /matchmake` for. */
export interface MatchmakeRequest {
  /** Match type, e.g. 'classic' or 'arena'. */
  type: string;
  /** Join exactly this match. */
  matchId?: string;
  /** Always start a new match. */
  create?: boolean;
}

/** The answer of `POST /matchmake`: where the seat is and how to present it. */
export interface MatchmakeAnswer {
  /** The match the seat is in. */
  matchId: string;
  /** Its type. */
  type: string;
  /** Origin to connect to. */
  url: string;
  /** Socket.IO path there, e.g. `/w1/socket.io/` behind a gateway. */
  path: string;
  /** Seat token: `auth: { seat, matchId }`. */
  seat: string;
  /** Epoch ms after which the seat is void. */
  expiresAt: number;
}

/** Where a player was placed: its match and the worker to connect to (a `MatchmakeAnswer` without its seat). */
export type PlayerPlacement = Pick<MatchmakeAnswer, 'matchId' | 'type' | 'url' | 'path'>;

/** A refusal of `POST /matchmake`: the HTTP status and the server's code (`full`, `bad_type`, `unavailable`…). */
export class MatchmakeError extends Error {
  override readonly name = 'MatchmakeError';
  /** `status`: the HTTP status (0 when none); `code`: the server's error code. */
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * Asks `base` (the server's or gateway's origin) for a seat.
 * @throws MatchmakeError when refused, or the fetch error when unreachable.
 */
export async function matchmake(base: string, request: MatchmakeRequest, signal?: AbortSignal): Promise<MatchmakeAnswer> {
  const res = await fetch(`${base.replace(/\/+$/, '')}/matchmake`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal,
  });
  const body = (await res.json().catch(() => ({}))) as Partial<MatchmakeAnswer> & { error?: string; message?: string };
  if (!res.ok || typeof body.seat !== 'string' || typeof body.path !== 'string' || typeof body.matchId !== 'string') {
    throw new MatchmakeError(res.status, body.error ?? 'bad_answer', body.message ?? `matchmaking failed (HTTP ${res.status})`);
  }
  return body as MatchmakeAnswer;
}
