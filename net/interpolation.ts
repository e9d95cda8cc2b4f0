/** Position samples of one entity on the server's time line (ms). */
interface Track {
  t: number[];
  x: number[];
  y: number[];
}

/** Most samples kept per entity: at 30 Hz about a second of history. */
const MAX_SAMPLES = 32;

/**
 * Buffers server positions per entity and answers "where was it at time t" by linear
 * interpolation, holding the nearest sample outside the buffered span (never extrapolating).
 */
export class InterpolationBuffer {
  private tracks = new Map<number, Track>();

  /**
   * Adds a sample at server time `t`. `tickMs` is the server tick length: the server only sends a
   * position when it changed, so an entity absent from earlier ticks stood still until one tick ago.
   */
  push(id: number, t: number, x: number, y: number, tickMs: number): void {
    let track = this.tracks.get(id);
    if (track === undefined) {
      track = { t: [], x: [], y: [] };
      this.tracks.set(id, track);
    }
    const n = track.t.length;
    if (n > 0) {
      const lastT = track.t[n - 1]!;
      if (t <= lastT) {
        track.t.length = track.x.length = track.y.length = 0;
      } else if (t - lastT > tickMs * 1.5) {
        this.append(track, t - tickMs, track.x[n - 1]!, track.y[n - 1]!);
      }
    }
    this.append(track, t, x, y);
  }

  /** Jumps an entity to a position with no blending (spawn, respawn). */
  reset(id: number, t: number, x: number, y: number): void {
    this.tracks.set(id, { t: [t], x: [x], y: [y] });
  }

  /** Writes the position at time `t` into `out`; returns false when the entity has no samples. */
  sample(id: number, t: number, out: { x: number; y: number }): boolean {
    const track = this.tracks.get(id);
    if (track === undefined || track.t.length === 0) return false;
    const ts = track.t;
    const n = ts.length;
    if (t <= ts[0]!) {
      out.x = track.x[0]!;
      out.y = track.y[0]!;
      return true;
    }
    if (t >= ts[n - 1]!) {
      out.x = track.x[n - 1]!;
      out.y = track.y[n - 1]!;
      return true;
    }
    let i = n - 1;
    while (ts[i - 1]! > t) i--;
    const a = i - 1;
    const f = (t - ts[a]!) / (ts[i]! - ts[a]!);
    out.x = track.x[a]! + (track.x[i]! - track.x[a]!) * f;
    out.y = track.y[a]! + (track.y[i]! - track.y[a]!) * f;
    return true;
  }

  /** The newest sample of an entity, if any. */
  latest(id: number): { t: number; x: number; y: number } | undefined {
    const track = this.tracks.get(id);
    const n = track?.t.length ?? 0;
    if (track === undefined || n === 0) return undefined;
    return { t: track.t[n - 1]!, x: track.x[n - 1]!, y: track.y[n - 1]! };
  }

  /** Forgets an entity. */
  delete(id: number): void {
    this.tracks.delete(id);
  }

  /** Forgets everything. */
  clear(): void {
    this.tracks.clear();
  }

  private append(track: Track, t: number, x: number, y: number): void {
    track.t.push(t);
    track.x.push(x);
    track.y.push(y);
    if (track.t.length > MAX_SAMPLES) {
      track.t.shift();
      track.x.shift();
      track.y.shift();
    }
  }
}
