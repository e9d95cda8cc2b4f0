/**
 * What a player asks for in one input: a direction (each axis in [−1, 1]; quantized to 1/127 on
 * the wire, see `quantizeAxis`) and whether it presses attack. Keyboards, bots and the network
 * client all speak it.
 */
export interface InputIntent {
  mx: number;
  my: number;
  attack: boolean;
}
