// Walking, as every party computes it. The server simulates with these functions, its sync system
// predicts what clients will compute with them, and clients dead-reckon and predict with them; so
// they use IEEE-exact operations only (+ − × ÷ √, min, max; no Math.hypot), and every JavaScript
// engine lands on bit-identical Float32 positions from the same inputs.

/** Where walking leads: written by `stepMotion` and `reckonMotion`. */
export interface MotionOut {
  x: number;
  y: number;
}

/**
 * One tick of walking from (x, y), at most `maxStep` units, clamped to the map, rounded to Float32
 * like the position stores. With `seek` 0, (ax, ay) is a direction (normalised if longer than 1);
 * with `seek` 1 it is a target point the walker heads for and stops on (a seek): the one step the
 * movement system, the sync system's reckoning and every client's mirror and prediction share.
 */
export function stepMotion(
  x: number, y: number, ax: number, ay: number, maxStep: number, width: number, height: number, out: MotionOut, seek = 0,
): MotionOut {
  if (seek === 1) {
    const dx = ax - x;
    const dy = ay - y;
    const dist = Math.sqrt(dx * dx + dy * dy);
    // Within a step the walker lands on the target itself, so a seek ends exactly there and
    // further steps leave it standing (no message is needed to stop it).
    const nx = dist > maxStep ? x + dx * (maxStep / dist) : ax;
    const ny = dist > maxStep ? y + dy * (maxStep / dist) : ay;
    out.x = Math.fround(Math.min(width, Math.max(0, nx)));
    out.y = Math.fround(Math.min(height, Math.max(0, ny)));
    return out;
  }
  const len = Math.sqrt(ax * ax + ay * ay);
  const scale = len > 1 ? maxStep / len : maxStep;
  out.x = Math.fround(Math.min(width, Math.max(0, x + ax * scale)));
  out.y = Math.fround(Math.min(height, Math.max(0, y + ay * scale)));
  return out;
}

/**
 * Dead reckoning: where a walker at (x, y) is after `ticks` ticks of the motion (mx, my, seek)
 * (a direction, or with `seek` 1 a target; see `stepMotion`), i.e. `stepMotion` repeated. The one loop the server's sync system, the client's mirror (history and
 * look-ahead) and the client's prediction all share; pass `ticks` 0 for a walker that cannot move
 * (dead). `out` may be the object the caller reads (x, y) from.
 */
export function reckonMotion(
  x: number, y: number, mx: number, my: number, ticks: number, maxStep: number, width: number, height: number, out: MotionOut,
  seek = 0,
): MotionOut {
  out.x = x;
  out.y = y;
  for (let k = 0; k < ticks; k++) {
    const px = out.x;
    const py = out.y;
    stepMotion(px, py, mx, my, maxStep, width, height, out, seek);
    // A step that went nowhere (standing, a seek arrived, stuck in a corner) goes nowhere again:
    // the rest of the run is the same point, so long silences cost nothing for still walkers.
    if (out.x === px && out.y === py) break;
  }
  return out;
}

/** Quantization levels of a direction axis on each side of zero: an axis is one of −127…127 steps. */
export const AXIS_LEVELS = 127;

/**
 * The quantization of a direction axis: the level (an integer in −127…127) nearest `v` clamped to
 * [−1, 1]. The wire sends this level as a signed byte; everything else derives from it.
 */
export function axisLevel(v: number): number {
  return Math.round(Math.max(-1, Math.min(1, v)) * AXIS_LEVELS);
}

/** The Float32 axis value of a level (−127…127): what the server simulates with. */
export function axisOfLevel(level: number): number {
  return Math.fround(level / AXIS_LEVELS);
}

/** The Float32 value a direction axis has after crossing the wire: `axisOfLevel(axisLevel(v))`. */
export function quantizeAxis(v: number): number {
  return axisOfLevel(axisLevel(v));
}
