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
 * One tick of walking in direction (mx, my) from (x, y), at most `maxStep` units, clamped to the
 * map, rounded to Float32 like the position stores.
 */
export function stepMotion(
  x: number, y: number, mx: number, my: number, maxStep: number, width: number, height: number, out: MotionOut,
): MotionOut {
  const len = Math.sqrt(mx * mx + my * my);
  const scale = len > 1 ? maxStep / len : maxStep;
  out.x = Math.fround(Math.min(width, Math.max(0, x + mx * scale)));
  out.y = Math.fround(Math.min(height, Math.max(0, y + my * scale)));
  return out;
}

/**
 * Dead reckoning: where a walker at (x, y) is after `ticks` ticks in direction (mx, my), i.e.
 * `stepMotion` repeated. The one loop the server's sync system, the client's mirror (history and
 * look-ahead) and the client's prediction all share; pass `ticks` 0 for a walker that cannot move
 * (dead). `out` may be the object the caller reads (x, y) from.
 */
export function reckonMotion(
  x: number, y: number, mx: number, my: number, ticks: number, maxStep: number, width: number, height: number, out: MotionOut,
): MotionOut {
  out.x = x;
  out.y = y;
  for (let k = 0; k < ticks; k++) stepMotion(out.x, out.y, mx, my, maxStep, width, height, out);
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
