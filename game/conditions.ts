// A bad link on demand in the browser game: `?lag=150&jitter=20&loss=2&bw=20000` in the page URL
// runs the client through the network conditioner (createClient's `conditions`).
import type { LinkConditions } from '../net/client';

/**
 * Reads conditions from a URL query: `?lag=150&jitter=20&loss=2&bw=20000`. `lag` is the round
 * trip in ms (what a developer reads as "ping"), split evenly: each direction gets latency lag/2.
 * `jitter` (ms, ±, per direction), `loss` (percent, per direction) and `bw` (bytes/s per
 * direction, 0 = unlimited) apply to each direction as given. Returns the conditions of ONE
 * direction (use them for both conditioners), or undefined when no parameter is present.
 * @throws on a value that is not a number in range, naming the parameter.
 */
export function parseConditions(search: string): LinkConditions | undefined {
  const params = new URLSearchParams(search);
  if (!['lag', 'jitter', 'loss', 'bw'].some((name) => params.has(name))) return undefined;
  const read = (name: string, max: number, unit: string): number => {
    const raw = params.get(name);
    if (raw === null) return 0;
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!(Number.isFinite(value) && value >= 0 && value <= max)) {
      throw new Error(`Skirmish conditioner: ?${name}= must be ${unit} in 0..${max}, got ${JSON.stringify(raw.slice(0, 32))}`);
    }
    return value;
  };
  return {
    latency: read('lag', 60_000, 'a round trip in ms') / 2,
    jitter: read('jitter', 30_000, 'ms'),
    loss: read('loss', 100, 'a percentage'),
    bandwidth: read('bw', 1e12, 'bytes per second'),
  };
}
