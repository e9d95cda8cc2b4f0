// The matchmaking HTTP API shared by the gateway and the embedded server, so both answer the same
// bodies with the same validation: POST /matchmake, GET /matches, GET /workers; plus the admin
// check (ADMIN_TOKEN as Bearer or dashboard cookie) and small JSON/body helpers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN, RegistryError, type Placement, type Registry, type RegistryErrorCode } from './registry';

/** HTTP status of each registry error. */
export const STATUS: Record<RegistryErrorCode, number> = {
  bad_type: 400, bad_request: 400, not_found: 404, full: 503, no_workers: 503, unavailable: 503,
};
const MAX_BODY = 4096;
const COOKIE = 'skirmish_admin';

/** What a client may ask `POST /matchmake` for. */
export interface MatchmakeRequest {
  type: string;
  matchId?: string;
  create?: boolean;
}

/** Options of `createMatchmakingApi`. */
export interface MatchmakingApiOptions {
  registry: Registry;
  /** Reserves a seat (checks the type, times it); throws a RegistryError. */
  place(request: MatchmakeRequest): Promise<Placement>;
  /** Origin the client connects to for `placement` (`url` of the answer). */
  origin(req: IncomingMessage, placement: Placement): string | Promise<string>;
  /** Socket.IO path of the placement's worker (`path` of the answer). */
  path(placement: Placement): string;
  /** True when the request carries the admin token (or none is configured). */
  isAdmin(req: IncomingMessage): boolean;
}

/** Answers /matchmake, /matches and /workers; resolves false for any other path. */
export type MatchmakingApi = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/** Creates the handler of the matchmaking API. */
export function createMatchmakingApi(options: MatchmakingApiOptions): MatchmakingApi {
  const { registry } = options;
  return async (req, res, path) => {
    if (path === '/matchmake') {
      if (req.method !== 'POST') {
        sendJson(res, 405, { error: 'method', message: 'POST a JSON body' }, { allow: 'POST' });
        return true;
      }
      const body = await readJson(req).catch((error: Error) => error);
      if (body instanceof Error) {
        const tooLarge = body.message === 'too large';
        sendJson(res, tooLarge ? 413 : 400, { error: 'bad_request', message: `body: ${body.message}` }, tooLarge ? { connection: 'close' } : {});
        return true;
      }
      const problem = checkMatchmake(body);
      if (problem) {
        sendJson(res, 400, problem);
        return true;
      }
      const b = body as { type: string; matchId?: string; create?: boolean };
      try {
        const placed = await options.place({ type: b.type, matchId: b.matchId, create: b.create === true ? true : undefined });
        const url = await options.origin(req, placed);
        sendJson(res, 200, {
          matchId: placed.seat.matchId, type: placed.match.type, url, path: options.path(placed),
          seat: placed.seat.token, expiresAt: placed.seat.expiresAt, created: placed.created,
        });
      } catch (error) {
        const e = error instanceof RegistryError ? error : new RegistryError('unavailable', 'registry failed');
        const status = STATUS[e.code] ?? 503;
        // Full or unreachable is a moment, not a verdict: say when asking again makes sense.
        sendJson(res, status, { error: e.code, message: e.message }, status === 503 ? { 'retry-after': '5' } : {});
      }
      return true;
    }
    if (path !== '/matches' && path !== '/workers') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method', message: 'method not allowed' });
      return true;
    }
    if (path === '/workers' && !options.isAdmin(req)) {
      denied(res);
      return true;
    }
    try {
      if (path === '/matches') {
        const list = await registry.matches();
        sendJson(res, 200, list.map((m) => ({
          id: m.id, type: m.type, players: m.players, capacity: m.capacity, worker: m.worker, createdAt: m.createdAt, reserved: m.reserved ?? 0,
          spectators: m.spectators ?? 0,
        })));
      } else {
        const list = await registry.workers();
        sendJson(res, 200, list.map((w) => ({
          id: w.id, pid: w.pid, host: w.host, url: w.url, matches: w.matches, players: w.players, heartbeatAgeMs: w.heartbeatAgeMs,
          ...(w.cpu === undefined ? {} : { cpu: w.cpu }),
        })));
      }
    } catch (error) {
      sendJson(res, 503, { error: 'unavailable', message: `registry unavailable: ${(error as Error).message}` });
    }
    return true;
  };
}

/** The admin check of ADMIN_TOKEN: Bearer header or the dashboard's login cookie. */
export interface AdminCheck {
  /** True when `req` is an admin's (always, when no token is configured). */
  isAdmin(req: IncomingMessage): boolean;
  /** True when `token` is the admin token. */
  matches(token: string): boolean;
  /** Value of the login cookie (an HMAC of the token, never the token itself). */
  readonly cookie: string;
  /** Name of the login cookie. */
  readonly cookieName: string;
}

/** Creates the admin check for `adminToken` (empty: everything is open). */
export function createAdminCheck(adminToken: string): AdminCheck {
  const cookie = adminToken ? createHmac('sha256', adminToken).update('skirmish-dashboard').digest('base64url') : '';
  const same = (a: string, b: string): boolean =>
    timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
  return {
    cookie,
    cookieName: COOKIE,
    matches: (token) => adminToken !== '' && same(token, adminToken),
    isAdmin(req) {
      if (!adminToken) return true;
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ') && same(auth.slice(7).trim(), adminToken)) return true;
      const value = parseCookies(req.headers.cookie)[COOKIE];
      return value !== undefined && same(value, cookie);
    },
  };
}

/** Answers 401 with the header that says how to authenticate. */
export function denied(res: ServerResponse): void {
  res.setHeader('www-authenticate', 'Bearer');
  sendJson(res, 401, { error: 'unauthorized', message: 'admin token required (Authorization: Bearer …)' });
}

/** Writes a JSON answer, never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers,
  }).end(text);
}

/** Writes an HTML answer that may not be framed or sniffed. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store',
    'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY',
  }).end(html);
}

/** Reads a request body of at most 4 KiB; rejects 'too large' beyond. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        // Stop buffering; the 413 goes out with `connection: close`, which ends the upload too.
        req.removeAllListeners('data');
        reject(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('not JSON');
  }
}

/** Why a /matchmake body is refused, or undefined. */
export function checkMatchmake(body: unknown): { error: string; message: string } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'bad_request', message: 'body must be a JSON object' };
  const b = body as Record<string, unknown>;
  if (typeof b.type !== 'string') return { error: 'bad_type', message: 'type must be a string, e.g. {"type":"classic"}' };
  if (b.matchId !== undefined && (typeof b.matchId !== 'string' || !ID_PATTERN.test(b.matchId))) {
    return { error: 'bad_request', message: 'matchId must be a match id string' };
  }
  if (b.create !== undefined && typeof b.create !== 'boolean') return { error: 'bad_request', message: 'create must be a boolean' };
  if (b.matchId !== undefined && b.create === true) return { error: 'bad_request', message: 'give matchId or create, not both' };
  return undefined;
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
