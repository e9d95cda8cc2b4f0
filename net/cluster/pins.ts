// Which worker holds each Engine.IO session that came in through the gateway's plain /socket.io/
// path. A long-polling client sends every request separately, each with `sid=`; all of them must
// reach the worker that opened the session, since only it knows the sid.

/** A bounded map sid → worker id: least recently used first out, idle entries expire. */
export class SidPins {
  private readonly entries = new Map<string, { worker: string; at: number }>();

  /**
   * @param idleMs an entry not used for this long is forgotten (a polling client polls at least
   *   every pingInterval, so a minute is plenty; an upgraded session no longer needs its pin).
   * @param max most entries kept; the least recently used go first.
   */
  constructor(
    private readonly idleMs = 60_000,
    private readonly max = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Pins `sid` to `worker`. */
  set(sid: string, worker: string): void {
    const now = this.now();
    this.entries.delete(sid);
    this.entries.set(sid, { worker, at: now });
    this.trim(now);
  }

  /** The worker of `sid` (and marks it used), or undefined if unknown or idle too long. */
  get(sid: string): string | undefined {
    const now = this.now();
    const entry = this.entries.get(sid);
    if (entry === undefined) return undefined;
    this.entries.delete(sid);
    if (now - entry.at >= this.idleMs) return undefined;
    entry.at = now;
    this.entries.set(sid, entry);
    this.trim(now);
    return entry.worker;
  }

  /** Forgets every pin to `worker` (it is gone). */
  dropWorker(worker: string): void {
    for (const [sid, entry] of this.entries) if (entry.worker === worker) this.entries.delete(sid);
  }

  /** Pins held. */
  get size(): number {
    return this.entries.size;
  }

  // Map order is least recently used first, so idle entries sit at the front: the sweep stops at
  // the first fresh one and costs O(expired), not O(size).
  private trim(now: number): void {
    for (const [sid, entry] of this.entries) {
      if (this.entries.size <= this.max && now - entry.at < this.idleMs) break;
      this.entries.delete(sid);
    }
  }
}

/**
 * The session id in an Engine.IO v4 long-polling handshake response (`0{"sid":"…",…}`, possibly
 * followed by more packets after a record separator), or undefined.
 */
export function openPacketSid(body: string): string | undefined {
  const match = /^0(\{.*?\})(?:\x1e|$)/s.exec(body);
  if (!match) return undefined;
  try {
    const open = JSON.parse(match[1]!) as { sid?: unknown };
    return typeof open.sid === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(open.sid) ? open.sid : undefined;
  } catch {
    return undefined;
  }
}
