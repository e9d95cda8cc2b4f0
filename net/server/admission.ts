// Who may connect: origin (CORS for WebSocket too), connections per address, players per match,
// protocol version. Refusals carry a code the client can show.
import type { IncomingMessage } from 'node:http';
import { ErrorCodes, PROTOCOL_VERSION, type ErrorCode } from '../wire';

/** Admission settings. */
export interface AdmissionOptions {
  /** Origins, besides the page's own, allowed to connect from a browser. */
  corsOrigins: readonly string[];
  /** Most simultaneous connections from one address. */
  maxConnectionsPerAddress: number;
  /** Loopback clients (local bots, a reverse proxy on this host) are not limited per address. */
  exemptLoopback: boolean;
  maxPlayers: number;
}

/** An error a Socket.IO middleware passes to `next`: the client sees `message` and `data.code`. */
export function refusal(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): Error {
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
export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Counts live connections per address. */
export class AddressCounter {
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

  /** Addresses with live connections (for leak checks). */
  get size(): number {
    return this.counts.size;
  }
}

/** The protocol an incoming handshake asks for: an engine version, or classic (no `skirmish` field). */
export function handshakeProtocol(auth: unknown): { kind: 'engine' | 'classic'; version?: unknown; token?: string } {
  const a = (typeof auth === 'object' && auth !== null ? auth : {}) as { skirmish?: unknown; token?: unknown };
  if (a.skirmish === undefined) return { kind: 'classic' };
  const token = typeof a.token === 'string' && a.token.length <= 64 ? a.token : undefined;
  return { kind: 'engine', version: a.skirmish, token };
}

/** Why a protocol version is refused, or undefined when it is ours. */
export function protocolProblem(version: unknown): Error | undefined {
  if (version === PROTOCOL_VERSION) return undefined;
  return refusal(
    ErrorCodes.protocolMismatch,
    `protocol mismatch: server speaks ${PROTOCOL_VERSION}, client ${String(version).slice(0, 16)}; reload the page`,
    { server: PROTOCOL_VERSION },
  );
}
