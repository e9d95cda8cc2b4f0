// Skirmish render layer: draws a client world top-down with Three.js. Reads engine/ only.
// Three.js is imported per module (three/src/...), never as 'three': a bundle then carries only the
// classes drawn with, and mixing both would bundle two copies.

/** Creates a renderer for one world and canvas; see `RendererOptions`. */
export { createRenderer } from './renderer';
/** Options and handle of `createRenderer`. */
export type { Renderer, RendererOptions } from './renderer';

/** The default colours and sizes; pass `style` overrides to `createRenderer`. */
export { defaultStyle } from './style';
/** Colours and sizes the renderer draws with. */
export type { RenderStyle } from './style';

/** Camera framing helpers: whole-map letterbox, follow view, map → screen mapping. */
export { frameMap, followTarget, mapToScreen } from './view';
/** A visible map rectangle and a map size. */
export type { View, MapSize } from './view';

/** A 2D-canvas overview of the whole map: bounds, the camera's view, the players this client sees. */
export { createMinimap } from './minimap';
/** Options and handle of `createMinimap`. */
export type { Minimap, MinimapOptions } from './minimap';
/** Frame-rate independent camera smoothing (exponential, by half-life). */
export { createCameraFollow, smoothingFactor } from './camera';
/** Options and handle of `createCameraFollow`. */
export type { CameraFollow, CameraFollowOptions } from './camera';

/** Lower-level builders, for a game that composes its own scene. */
export { createArena } from './arena';
/** The arena handle. */
export type { Arena } from './arena';
/** Instanced player layers (bodies, bars, rings) over a world. */
export { createPlayers } from './players';
/** Options and handle of `createPlayers`. */
export type { Players, PlayersOptions } from './players';
