/** Estimates the server's clock and the round trip from timed probes. */
export interface ClockSync {
  /** Records a probe sent at `sentAt`, answered with `serverTime`, received at `receivedAt` (all ms). */
  sample(sentAt: number, serverTime: number, receivedAt: number): void;
  /** Server time now, estimated from the local clock reading `localNow`. */
  serverNow(localNow: number): number;
  /** Smoothed round-trip time in ms (NaN before the first sample). */
  readonly rtt: number;
  /** Samples taken so far. */
  readonly samples: number;
}

/**
 * Creates a clock estimator (NTP-style): each probe gives offset = serverTime + rtt/2 − receivedAt;
 * the probe with the smallest round trip among the recent ones is trusted, since queueing delay only
 * ever adds to a round trip.
 */
export function createClockSync(window = 8): ClockSync {
  const recent: { rtt: number; offset: number }[] = [];
  let offset = 0;
  let rtt = Number.NaN;
  let samples = 0;
  return {
    sample(sentAt, serverTime, receivedAt) {
      const r = Math.max(0, receivedAt - sentAt);
      recent.push({ rtt: r, offset: serverTime + r / 2 - receivedAt });
      if (recent.length > window) recent.shift();
      let best = recent[0]!;
      for (const s of recent) if (s.rtt < best.rtt) best = s;
      offset = best.offset;
      rtt = Number.isNaN(rtt) ? r : rtt * 0.8 + r * 0.2;
      samples++;
    },
    serverNow: (localNow) => localNow + offset,
    get rtt() {
      return rtt;
    },
    get samples() {
      return samples;
    },
  };
}
