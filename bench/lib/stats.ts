// Percentiles and bounded sampling for latency figures.

/**
 * The value at quantile `q` (0..1) of ascending `sorted`, linearly interpolated between the two
 * nearest ranks; NaN when there are no values.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.min(1, Math.max(0, q)) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** A sample of a stream of values: how many were seen, and (up to a bound) which. */
export interface SampleSet {
  seen: number;
  values: number[];
}

/** p50 and p99 of a sample, in its unit, or null when it is empty. */
export interface Percentiles {
  p50: number | null;
  p99: number | null;
  n: number;
}

/**
 * Keeps a uniform random sample of at most `capacity` values of a stream (reservoir sampling),
 * so a long run with many bots costs bounded memory.
 */
export class Reservoir {
  private seen = 0;
  private values: number[] = [];

  constructor(private readonly capacity = 50_000) {}

  /** Offers one value to the sample. */
  add(value: number): void {
    this.seen++;
    if (this.values.length < this.capacity) {
      this.values.push(value);
      return;
    }
    const slot = Math.floor(Math.random() * this.seen);
    if (slot < this.capacity) this.values[slot] = value;
  }

  /** Forgets everything seen so far. */
  clear(): void {
    this.seen = 0;
    this.values = [];
  }

  /** A copy of the sample, fit for `postMessage`. */
  data(): SampleSet {
    return { seen: this.seen, values: [...this.values] };
  }
}

/**
 * Merges samples taken in several threads, each part weighted by how many values it saw (not by
 * how many it kept), into one sample of at most `capacity` values.
 */
export function mergeSamples(parts: readonly SampleSet[], capacity = 100_000): SampleSet {
  const seen = parts.reduce((sum, p) => sum + p.seen, 0);
  const kept = parts.reduce((sum, p) => sum + p.values.length, 0);
  if (kept <= capacity && kept === seen) return { seen, values: parts.flatMap((p) => p.values) };
  const values: number[] = [];
  for (const part of parts) {
    if (part.values.length === 0) continue;
    const want = Math.min(part.values.length, Math.round((capacity * part.seen) / Math.max(1, seen)));
    const step = part.values.length / Math.max(1, want);
    for (let i = 0; i < want; i++) values.push(part.values[Math.floor(i * step)]!);
  }
  return { seen, values };
}

/** p50/p99 of a sample, rounded to 0.1. */
export function percentiles(sample: SampleSet): Percentiles {
  const sorted = Float64Array.from(sample.values).sort();
  const round = (v: number): number | null => (Number.isNaN(v) ? null : Math.round(v * 10) / 10);
  return { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), n: sample.seen };
}
