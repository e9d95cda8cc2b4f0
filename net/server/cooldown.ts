// After a kick for abuse the kicked client is refused for a few seconds, so reconnecting at once
// does not buy a fresh budget of refused messages. Kicks and admission find the same record
// through the Socket.IO server both sockets belong to, so nothing needs wiring in between.
import type { Server } from 'socket.io';
import type { GameSocket } from './session';

/** How long a kicked client is refused, ms. */
export const KICK_COOLDOWN_MS = 5000;

/** True for addresses many clients may share: loopback, and the private ranges behind NAT. */
export function isSharedAddress(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (a === '::1' || a.startsWith('127.') || a.startsWith('10.') || a.startsWith('192.168.')) return true;
  if (/^172\.(1[6-9]|2\d|3[01])\./.test(a)) return true;
  if (/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(a)) return true; // carrier-grade NAT
  return /^f[cd]/i.test(a); // IPv6 unique local
}

/** Kicked clients still cooling down, by key (token or address) → until when (ms). */
export class KickCooldown {
  private readonly until = new Map<string, number>();

  constructor(private readonly ms = KICK_COOLDOWN_MS, private readonly now: () => number = Date.now) {}

  /**
   * Remembers a kick: by the session `token` (a reconnection that presents it), and by address
   * unless the address is shared, where refusing it would refuse innocent neighbours too.
   */
  kicked(address: string, token: string | undefined): void {
    const until = this.now() + this.ms;
    if (token !== undefined) this.until.set(`t:${token}`, until);
    if (!isSharedAddress(address)) this.until.set(`a:${address}`, until);
  }

  /** Ms a handshake from `address` presenting `token` must still wait, or 0. */
  remaining(address: string, token: string | undefined): number {
    const now = this.now();
    let left = 0;
    for (const key of token === undefined ? [`a:${address}`] : [`a:${address}`, `t:${token}`]) {
      const until = this.until.get(key);
      if (until === undefined) continue;
      if (until <= now) this.until.delete(key);
      else left = Math.max(left, until - now);
    }
    return left;
  }
}

const cooldowns = new WeakMap<object, KickCooldown>();

/** The cool-down of the Socket.IO server `socket` belongs to (created on first use). */
export function cooldownOf(socket: GameSocket): KickCooldown {
  const server: Server = socket.nsp.server;
  let c = cooldowns.get(server);
  if (c === undefined) cooldowns.set(server, (c = new KickCooldown()));
  return c;
}
