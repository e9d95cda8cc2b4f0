/** Where one step of walking leads: written by `stepMotion`. */
export interface MotionOut {
  x: number;
  y: number;
}

/**
 * One tick of walking in direction (mx, my) from (x, y), at most `maxStep` units, clamped to the
 * map, rounded to Float32 like the position stores. The server's movement system, the network
 * layer's dead reckoning and the client's prediction all call this one function, and it uses only
 * IEEE-exact operations (+ − × ÷ √, min, max; no Math.hypot), so every JavaScript engine computes
 * bit-identical positions from the same inputs.
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

/** The Float32 value a direction axis has after crossing the wire as a signed byte (−127…127). */
export function quantizeAxis(v: number): number {
  return Math.fround(Math.round(Math.max(-1, Math.min(1, v)) * 127) / 127);
}
