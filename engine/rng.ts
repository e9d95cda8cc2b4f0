/** A seeded pseudo-random source: the only randomness systems may use. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [min, max). */
  range(min: number, max: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** The internal state, so a match can be saved and resumed exactly. */
  state(): number;
  /** Puts the generator back to a `state()` taken earlier (replays restore checkpoints with it). */
  setState(state: number): void;
}

/**
 * Creates a small, fast, deterministic RNG (mulberry32). The same seed gives the same sequence
 * on every platform, which is what makes a match replayable in a test.
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    state: () => s,
    setState: (state) => {
      s = state >>> 0;
    },
  };
}
