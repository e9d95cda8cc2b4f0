// The minimap: the whole map scaled into a small 2D canvas, with the camera's view, the own player
// and every player this client knows of (on a big map, only those the server lets it see). Canvas
// 2D rather than a second WebGL pass: a few hundred dots cost nothing, and it can sit in any corner.
import { Dead, getStore, hasComponent, LocalPlayer, Player, Position, query, type EngineWorld } from '../engine';
import { defaultStyle, type RenderStyle } from './style';
import type { MapSize, View } from './view';

/** Options of `createMinimap`. */
export interface MinimapOptions {
  /** The canvas to draw on; its CSS box sets the minimap's size. */
  canvas: HTMLCanvasElement;
  /** The world to show; only read. */
  world: EngineWorld;
  map: MapSize;
  /** Device pixel ratio. Default `devicePixelRatio`. */
  pixelRatio?: number;
  style?: Partial<RenderStyle>;
}

/** A minimap bound to one world and canvas. */
export interface Minimap {
  /** Draws the players as they are now and, when given, the rectangle the main view shows. */
  draw(view?: Readonly<View>): void;
  /** Where the map point (x, y) is drawn, in CSS pixels from the canvas's top-left. */
  toCanvas(x: number, y: number): { x: number; y: number };
  /** Clears the canvas. */
  dispose(): void;
}

const css = (hex: number): string => `#${hex.toString(16).padStart(6, '0')}`;

/** Creates a minimap drawing `world` on `canvas`; the map is fitted into the canvas keeping its shape. */
export function createMinimap(options: MinimapOptions): Minimap {
  const { canvas, world, map } = options;
  const style: RenderStyle = { ...defaultStyle, ...options.style };
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('Skirmish: the minimap canvas has no 2D context');
  const pad = 4;
  let scale = 1;
  let ox = 0;
  let oy = 0;

  // Follows the canvas's CSS size, so a stylesheet (or a media query) can resize the minimap.
  function layout(): { w: number; h: number } {
    const w = Math.max(1, canvas.clientWidth || canvas.width);
    const h = Math.max(1, canvas.clientHeight || canvas.height);
    const ratio = options.pixelRatio ?? globalThis.devicePixelRatio ?? 1;
    const pw = Math.round(w * ratio);
    const ph = Math.round(h * ratio);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
    }
    ctx!.setTransform(ratio, 0, 0, ratio, 0, 0);
    scale = Math.min((w - 2 * pad) / map.width, (h - 2 * pad) / map.height);
    ox = (w - map.width * scale) / 2;
    oy = (h - map.height * scale) / 2;
    return { w, h };
  }

  return {
    draw(view) {
      const { w, h } = layout();
      ctx.fillStyle = css(style.minimapBackground);
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = css(style.minimapMap);
      ctx.fillRect(ox, oy, map.width * scale, map.height * scale);
      ctx.strokeStyle = css(style.minimapBorder);
      ctx.lineWidth = 1;
      ctx.strokeRect(ox + 0.5, oy + 0.5, map.width * scale - 1, map.height * scale - 1);
      if (view !== undefined) {
        ctx.strokeStyle = css(style.minimapView);
        ctx.globalAlpha = 0.6;
        const x0 = Math.max(0, view.cx - view.halfW);
        const y0 = Math.max(0, view.cy - view.halfH);
        const x1 = Math.min(map.width, view.cx + view.halfW);
        const y1 = Math.min(map.height, view.cy + view.halfH);
        if (x1 > x0 && y1 > y0) ctx.strokeRect(ox + x0 * scale, oy + y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale);
        ctx.globalAlpha = 1;
      }
      const pos = getStore(world, Position);
      const dead = getStore(world, Dead);
      const local = getStore(world, LocalPlayer);
      let me = -1;
      for (const eid of query(world, [getStore(world, Player), pos])) {
        if (hasComponent(world, eid, local)) {
          me = eid;
          continue;
        }
        ctx.fillStyle = css(hasComponent(world, eid, dead) ? style.dead : style.player);
        ctx.fillRect(ox + pos.x[eid]! * scale - 1.5, oy + pos.y[eid]! * scale - 1.5, 3, 3);
      }
      // The own dot last and larger, so a crowd never hides it.
      if (me >= 0) {
        ctx.fillStyle = css(style.localPlayer);
        ctx.beginPath();
        ctx.arc(ox + pos.x[me]! * scale, oy + pos.y[me]! * scale, 3, 0, Math.PI * 2);
        ctx.fill();
      }
    },
    toCanvas(x, y) {
      layout();
      return { x: ox + x * scale, y: oy + y * scale };
    },
    dispose() {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    },
  };
}
