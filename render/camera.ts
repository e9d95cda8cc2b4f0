// A camera that glides after a moving point. Exponential smoothing by elapsed time, not by frame:
// the same half-life at 30, 60 or 144 fps, so a frame that comes late catches up by exactly what
// it should, and a steady walk is drawn as a steady pan (no per-frame jitter).

/** A smoothed follow point; `update` moves it toward a target and returns where it is now. */
export interface CameraFollow {
  /** Moves toward `target` for `dtMs` of elapsed time and returns the new point (do not keep it). */
  update(target: { x: number; y: number }, dtMs: number): { x: number; y: number };
  /** The next `update` jumps straight to its target. */
  snap(): void;
  /** Where it is (NaN before the first update). */
  readonly x: number;
  readonly y: number;
}

/** Options of `createCameraFollow`. */
export interface CameraFollowOptions {
  /** Time (ms) to close half the distance to the target; 0 follows rigidly. */
  halfLifeMs: number;
  /** A target further than this (map units) is jumped to, not glided to (respawn, teleport). */
  snapDistance: number;
}

/** The fraction of the remaining distance closed in `dtMs` with half-life `halfLifeMs`. */
export function smoothingFactor(dtMs: number, halfLifeMs: number): number {
  if (!(halfLifeMs > 0)) return 1;
  if (!(dtMs > 0)) return 0;
  return 1 - Math.pow(2, -dtMs / halfLifeMs);
}

/** Creates a follow point that starts wherever its first target is. */
export function createCameraFollow(options: CameraFollowOptions): CameraFollow {
  const at = { x: Number.NaN, y: Number.NaN };
  return {
    update(target, dtMs) {
      const dx = target.x - at.x;
      const dy = target.y - at.y;
      if (Number.isNaN(at.x) || dx * dx + dy * dy > options.snapDistance * options.snapDistance) {
        at.x = target.x;
        at.y = target.y;
      } else {
        const k = smoothingFactor(dtMs, options.halfLifeMs);
        at.x += dx * k;
        at.y += dy * k;
      }
      return at;
    },
    snap() {
      at.x = Number.NaN;
      at.y = Number.NaN;
    },
    get x() {
      return at.x;
    },
    get y() {
      return at.y;
    },
  };
}
