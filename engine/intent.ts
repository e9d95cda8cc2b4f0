/**
 * What a player asks for at one moment, whatever it came from (keyboard, bot, client): a walk
 * direction, each axis in [-1, 1] (longer than 1 is normalised; map y grows downward, so −y is
 * up), and whether to attack.
 */
export interface InputIntent {
  /** Walk direction along x, in [-1, 1]. */
  mx: number;
  /** Walk direction along y, in [-1, 1]. */
  my: number;
  /** Attack with this input. */
  attack: boolean;
}
