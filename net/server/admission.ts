// Who may connect: origin (CORS for WebSocket too), connections per address, players per match,
// protocol version. Refusals carry a code the client can show.
import type { IncomingMessage } from 'node:http';
import { checkName, ErrorCodes, PROTOCOL_VERSION, type ErrorCode } from '../wire';
import type { GameSocket } from './session';
import { cooldownOf } from './cooldown';
import { readSpectate } from './spectators';

/** An error a Socket.IO middleware passes to `next`: the client sees `message` and `data.code`. */
function refusal(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { data: { code, ...extra } });
}

/**
 * Same-origin check for a handshake request. Browsers send `Origin`; non-browser clients (bots,
 * game servers, the Python client) usually do not, and have no page whose cookies could be abused.
 */
export function originAllowed(req: IncomingMessage, allowlist: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowlist.includes(origin) || allowlist.includes('*')) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** True for 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 forms. */
function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Counts live connections per address. */
class AddressCounter {
  private counts = new Map<string, number>();

  /** Registers a connection; false (and nothing registered) when the address is at its limit. */
  acquire(address: string, limit: number): boolean {
    const n = this.counts.get(address) ?? 0;
    if (n >= limit) return false;
    this.counts.set(address, n + 1);
    return true;
  }

  /** Forgets one connection of the address. */
  release(address: string): void {
    const n = (this.counts.get(address) ?? 1) - 1;
    if (n <= 0) this.counts.delete(address);
    else this.counts.set(address, n);
  }
}

/** The protocol an incoming handshake asks for: the delta protocol at a version, or classic (no `skirmish` field). */
export function handshakeProtocol(auth: unknown): { kind: 'delta' | 'classic'; version?: unknown; token?: string; name?: string } {
  const a = (typeof auth === 'object' && auth !== null ? auth : {}) as { skirmish?: unknown; token?: unknown; name?: unknown };
  if (a.skirmish === undefined) return { kind: 'classic' };
  const token = typeof a.token === 'string' && a.token.length <= 64 ? a.token : undefined;
  // A bad name is not worth refusing a player over: it plays under a guest name and can rename.
  return { kind: 'delta', version: a.skirmish, token, name: checkName(a.name) };
}

/** Why a protocol version is refused, or undefined when it is ours. */
function protocolProblem(version: unknown): Error | undefined {
  if (version === PROTOCOL_VERSION) return undefined;
  return refusal(
    ErrorCodes.protocolMismatch,
    `protocol mismatch: server speaks ${PROTOCOL_VERSION}, client ${String(version).slice(0, 16)}; reload the page`,
    { server: PROTOCOL_VERSION },
  );
}

/** What `createAdmission` checks a handshake against. */
interface AdmissionRules {
  /** Most players in the match, connected or waiting to resume. */
  maxPlayers: number;
  /** Most simultaneous connections from one address. */
  maxConnectionsPerAddress: number;
  /** Loopback clients (local bots, a reverse proxy on this host) are not limited per address. */
  exemptLoopback: boolean;
  /** Players in the match now. */
  players(): number;
  /** True when `token` belongs to a dropped player who may take its place back (not counted as new). */
  resumable(token: string): boolean;
}

/**
 * The Socket.IO middleware that admits or refuses a namespace connection: protocol version, a
 * full match (a returning player is let in), connections per address.
 */
export function createAdmission(rules: AdmissionRules): (socket: GameSocket, next: (error?: Error) => void) => void {
  const addresses = new AddressCounter();
  return (socket, next) => {
    const { kind, version, token } = handshakeProtocol(socket.handshake.auth);
    if (kind === 'delta') {
      const problem = protocolProblem(version);
      if (problem) return next(problem);
    }
    const wait = cooldownOf(socket).remaining(socket.handshake.address, token);
    if (wait > 0) return next(refusal(ErrorCodes.coolingDown, `kicked for abuse; try again in ${Math.ceil(wait / 1000)} s`, { retryMs: wait }));
    const resuming = token !== undefined && rules.resumable(token);
    // Spectators are not players: their own cap, per match, is checked with the match.
    const spectating = readSpectate(socket.handshake) !== undefined;
    if (!resuming && !spectating && rules.players() >= rules.maxPlayers) {
      return next(refusal(ErrorCodes.serverFull, `server full (${rules.maxPlayers} players)`));
    }
    const address = socket.handshake.address;
    if (rules.exemptLoopback && isLoopback(address)) return next();
    // Socket.IO drops, without a 'disconnect', a socket whose connection closed before the
    // middleware ran (a CONNECT and a bad packet in one polling request do that): counting it would
    // leak the address's slot for good. And the connection closing is what frees the slot, so a
    // socket that never gets to 'disconnect' frees it too.
    if (socket.conn.readyState !== 'open') return next(new Error('connection closed'));
    if (!addresses.acquire(address, rules.maxConnectionsPerAddress)) {
      return next(refusal(ErrorCodes.tooManyConnections, `too many connections from ${address} (limit ${rules.maxConnectionsPerAddress})`));
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      addresses.release(address);
    };
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    next();
  };
}
