// Colours and sizes of everything the renderer draws, in one place so a game can restyle it.

/** Colours (CSS hex) and sizes (map units) the renderer draws with. */
export interface RenderStyle {
  /** Canvas colour outside the map (the letterbox). */
  background: number;
  /** The map rectangle. */
  floor: number;
  /** Grid lines over the floor. */
  grid: number;
  /** Outline of the map. */
  border: number;
  /** Body of every other living player. */
  player: number;
  /** Body of the player this client controls (the LocalPlayer entity). */
  localPlayer: number;
  /** Ring drawn around the local player's body. */
  localOutline: number;
  /** Body of a player whose connection dropped (kept for a grace window). */
  offline: number;
  /** Body of a dead player, drawn at `deadOpacity`. */
  dead: number;
  /** Opacity of a dead player's body, 0–1. */
  deadOpacity: number;
  /** Ring showing the reach of a recent attack. */
  attackRing: number;
  /** Colour a player's body flashes when it is hit. */
  hitFlash: number;
  /** Minimap: panel, map rectangle and border, the camera's view, own and other players' dots. */
  minimapBackground: number;
  minimapMap: number;
  minimapBorder: number;
  minimapView: number;
  /** Behind a health bar: the health lost. */
  barBackground: number;
  /** Body radius. */
  radius: number;
  /** Grid line spacing. */
  gridStep: number;
  /** Health bar width at full health. */
  barWidth: number;
  /** Health bar thickness. */
  barHeight: number;
}

/** The default look: dark floor, blue players, gold self, green→red health bars. */
export const defaultStyle: Readonly<RenderStyle> = Object.freeze({
  background: 0x0b0e14,
  floor: 0x1b2230,
  grid: 0x2e3a4f,
  border: 0x9aa5ba,
  player: 0x3b82f6,
  localPlayer: 0xfacc15,
  localOutline: 0xffffff,
  offline: 0x475569,
  dead: 0x9ca3af,
  deadOpacity: 0.45,
  attackRing: 0xfb923c,
  hitFlash: 0xff2d2d,
  minimapBackground: 0x0b0e14,
  minimapMap: 0x1b2230,
  minimapBorder: 0x9aa5ba,
  minimapView: 0xe8ecf4,
  barBackground: 0x0a0a0a,
  radius: 1.5,
  gridStep: 10,
  barWidth: 4,
  barHeight: 0.8,
});
