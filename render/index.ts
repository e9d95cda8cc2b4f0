// Skirmish render layer: draws a client world top-down with Three.js. Reads engine/ only.

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

/** Lower-level builders, for a game that composes its own scene. */
export { createArena } from './arena';
/** The arena handle. */
export type { Arena } from './arena';
/** Instanced player layers (bodies, bars, rings) over a world. */
export { createPlayers } from './players';
/** Options and handle of `createPlayers`. */
export type { Players, PlayersOptions } from './players';
