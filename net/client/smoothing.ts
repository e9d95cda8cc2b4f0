/** Visual smoothing of drawn positions: corrections glide instead of snapping. */
export interface Smoother {
  /**
   * Moves the drawn position of `eid` toward (x, y) and writes it to `out`. It keeps up with
   * anything moving at up to `maxMove` per frame (normal walking) plus half that again for
   * corrections; a gap wider than `snapDistance` (a teleport) is jumped at once.
   */
  follow(eid: number, x: number, y: number, maxMove: number, out: { x: Float32Array; y: Float32Array }): void;
  /** The next `follow` of `eid` jumps straight to its target (spawn, respawn, entering view). */
  snap(eid: number): void;
  /** Forgets every entity (a new connection: everything is drawn afresh). */
  clear(): void;
}

/** Creates a smoother for entity ids below `capacity`. */
export function createSmoother(capacity: number, snapDistance = 8): Smoother {
  const has = new Uint8Array(capacity);
  const vx = new Float64Array(capacity);
  const vy = new Float64Array(capacity);
  return {
    follow(eid, x, y, maxMove, out) {
      if (has[eid] === 1) {
        const dx = x - vx[eid]!;
        const dy = y - vy[eid]!;
        const dist = Math.sqrt(dx * dx + dy * dy);
        const allowed = maxMove * 1.5 + 0.01;
        if (dist > snapDistance || dist <= allowed) {
          vx[eid] = x;
          vy[eid] = y;
        } else {
          vx[eid] = vx[eid]! + (dx / dist) * allowed;
          vy[eid] = vy[eid]! + (dy / dist) * allowed;
        }
      } else {
        has[eid] = 1;
        vx[eid] = x;
        vy[eid] = y;
      }
      out.x[eid] = vx[eid]!;
      out.y[eid] = vy[eid]!;
    },
    snap(eid) {
      has[eid] = 0;
    },
    clear() {
      has.fill(0);
    },
  };
}
