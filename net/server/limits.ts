// Per-connection rate limits: token buckets for messages, inputs, error replies and strikes.

/** Per-connection limits. The defaults leave honest play (and 20 inputs/s bots) far below them. */
export interface RateLimits {
  /** Input messages (`i`, `move`, `attack`) per second, sustained. Default 60. */
  inputsPerSecond: number;
  /** Input messages allowed in a burst. Default 120. */
  inputBurst: number;
  /** All messages per second, sustained. Default 120. */
  messagesPerSecond: number;
  /** Messages of any kind allowed in a burst. Default 240. */
  messageBurst: number;
  /** `error` replies per second (junk must not turn the server into an amplifier). Default 10, burst 32. */
  errorRepliesPerSecond: number;
  /** `error` replies allowed in a burst. Default 32. */
  errorReplyBurst: number;
  /** Dropped or invalid messages a connection may accumulate before it is disconnected. Default 200… */
  strikeBudget: number;
  /** …refilled at this many per second, so only sustained abuse gets there. Default 20. */
  strikeRefillPerSecond: number;
}

/** The limits a server applies unless `ServerOptions.limits` overrides some. */
export const defaultLimits: Readonly<RateLimits> = Object.freeze({
  inputsPerSecond: 60,
  inputBurst: 120,
  messagesPerSecond: 120,
  messageBurst: 240,
  errorRepliesPerSecond: 10,
  errorReplyBurst: 32,
  strikeBudget: 200,
  strikeRefillPerSecond: 20,
});

/** A token bucket: `take()` succeeds while tokens remain; tokens refill at `rate` per second up to `burst`. */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly rate: number, private readonly burst: number, private readonly now: () => number) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when none is left. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** What a connection's guard says about one inbound message. */
export type Verdict = 'ok' | 'dropped';

/** Rate limits and abuse accounting for one connection. */
export interface Guard {
  /** Counts an inbound message; 'dropped' when over its rate. */
  admit(isInput: boolean): Verdict;
  /** True when an error reply may be sent now. */
  mayReply(): boolean;
  /** Records a dropped or invalid message; true when the connection has used up its budget and must go. */
  strike(): boolean;
}

/** Creates the guard of one connection. `now` is in ms. */
export function createGuard(limits: RateLimits, now: () => number): Guard {
  const inputs = new TokenBucket(limits.inputsPerSecond, limits.inputBurst, now);
  const messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, now);
  const replies = new TokenBucket(limits.errorRepliesPerSecond, limits.errorReplyBurst, now);
  const strikes = new TokenBucket(limits.strikeRefillPerSecond, limits.strikeBudget, now);
  return {
    admit(isInput) {
      if (!messages.take()) return 'dropped';
      if (isInput && !inputs.take()) return 'dropped';
      return 'ok';
    },
    mayReply: () => replies.take(),
    strike: () => !strikes.take(),
  };
}
