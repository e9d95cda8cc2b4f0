// The renderer: one WebGLRenderer, scene and top-down orthographic camera drawing a world's map
// and players every frame. See view.ts for the coordinate convention (x right, y down).
import { OrthographicCamera } from 'three/src/cameras/OrthographicCamera.js';
import { Color } from 'three/src/math/Color.js';
import type { WebGLInfo } from 'three/src/renderers/webgl/WebGLInfo.js';
import { WebGLRenderer } from 'three/src/renderers/WebGLRenderer.js';
import { Scene } from 'three/src/scenes/Scene.js';
import type { EngineWorld } from '../engine';
import { ARENA_LAYERS, createArena } from './arena';
import { createPlayers } from './players';
import { defaultStyle, type RenderStyle } from './style';
import { createCameraFollow } from './camera';
import { applyView, followTarget, frameMap, mapToScreen, type MapSize, type View } from './view';

/** Options of `createRenderer`. */
export interface RendererOptions {
  /** The canvas to draw on; the renderer takes its WebGL context. */
  canvas: HTMLCanvasElement;
  /** The client world to draw; only read, never written. */
  world: EngineWorld;
  /** Map size in units: the map spans [0, width] × [0, height]. */
  map: MapSize;
  /** Client clock in ms, compared with `LastAttack.at`. Default `performance.now()`. */
  now?: () => number;
  /** Reach the attack swing grows to, in units. Default 10. */
  attackRange?: number;
  /** How long an attack swing (a ring growing to the reach, then fading) lasts, in ms. Default 200. */
  attackFlashMs?: number;
  /** How long a hit body flashes (see `Renderer.flash`), in ms. Default 150. */
  hitFlashMs?: number;
  /** Centre the camera on a point (`target`) instead of framing the whole map. Default false. */
  follow?: boolean;
  /**
   * With `follow`, the point to centre on each frame (e.g. the own predicted position, or a killer);
   * null or undefined keeps the camera where it is. Default: where the LocalPlayer entity is drawn.
   */
  target?: () => { x: number; y: number } | null | undefined;
  /**
   * With `follow`, the camera's smoothing half-life in ms (by elapsed time, so frame-rate
   * independent); 0 follows rigidly. A target jumping further than `viewSize` is cut to. Default 0.
   */
  followHalfLifeMs?: number;
  /** With `follow`, the units visible across the canvas's shorter side. Default 50. */
  viewSize?: number;
  /** Units of background shown around the map's edges. Default 3. */
  margin?: number;
  /** Initial width in CSS pixels; default the canvas's client width (or its width attribute). */
  width?: number;
  /** Initial height in CSS pixels; default the canvas's client height (or its height attribute). */
  height?: number;
  /** Device pixel ratio. Default `devicePixelRatio` (1 outside a browser). */
  pixelRatio?: number;
  /** Smooth edges (WebGL antialiasing). Default true. */
  antialias?: boolean;
  /** Keep the drawn frame readable after compositing (tests that read pixels back). Default false. */
  preserveDrawingBuffer?: boolean;
  /** Player instances allocated up front; grows as needed. Default 64. */
  capacity?: number;
  /** Colours and sizes overriding `defaultStyle`. */
  style?: Partial<RenderStyle>;
}

/** A renderer bound to one world and canvas. */
export interface Renderer {
  /** Draws the world as it is now. @throws after `dispose()`. */
  render(): void;
  /** Sets the drawing size in CSS pixels (call it when the canvas's box changes). */
  resize(width: number, height: number): void;
  /** Where the map point (x, y) appeared in the last frame, in CSS pixels from the canvas's top-left. */
  toScreen(x: number, y: number): { x: number; y: number };
  /**
   * Compiles the shaders of everything it may draw. A page can call it while it waits for the
   * server, so the first frame with players in it does not stall on compilation.
   */
  warmUp(): void;
  /** Switches to another map (a server with other rules): rebuilds the floor, grid and border. */
  setMap(map: MapSize): void;
  /** Sets the reach the attack swing grows to (another server's rules). */
  setAttackRange(range: number): void;
  /** Turns following (see `RendererOptions.follow`) on or off. */
  setFollow(follow: boolean): void;
  /**
   * Sets the units visible across the canvas's shorter side while following (zoom).
   * @throws if `units` is not a positive finite number.
   */
  setViewSize(units: number): void;
  /** Flashes entity `eid`'s body (it was hit), from now for `hitFlashMs`; the next frame shows it even when it comes later. */
  flash(eid: number): void;
  /** The part of the map the last frame showed. */
  readonly view: Readonly<View>;
  /** Frees every geometry, material and the WebGLRenderer; the renderer is unusable afterwards. */
  dispose(): void;
  /** Three.js counters: draw calls of the last frame, live geometries and textures. */
  readonly info: WebGLInfo;
  /** The Three.js objects, for callers that add their own things to the scene. */
  readonly three: { readonly renderer: WebGLRenderer; readonly scene: Scene; readonly camera: OrthographicCamera };
}

/**
 * Creates a top-down renderer for `world` on `canvas`.
 * @throws if the canvas gives no WebGL context (Three.js's WebGLRenderer cannot start).
 */
export function createRenderer(options: RendererOptions): Renderer {
  const { canvas, world } = options;
  let map = options.map;
  let follows = options.follow ?? false;
  const style: RenderStyle = { ...defaultStyle, ...options.style };
  const now = options.now ?? (() => performance.now());
  const margin = options.margin ?? 3;
  let viewSize = options.viewSize ?? 50;

  const renderer = new WebGLRenderer({
    canvas,
    antialias: options.antialias ?? true,
    preserveDrawingBuffer: options.preserveDrawingBuffer ?? false,
  });
  renderer.setPixelRatio(options.pixelRatio ?? globalThis.devicePixelRatio ?? 1);
  renderer.setClearColor(new Color(style.background), 1);
  const scene = new Scene();
  const camera = new OrthographicCamera();
  let arena = createArena(map, style);
  const players = createPlayers(world, {
    style,
    attackRange: options.attackRange ?? 10,
    attackFlashMs: options.attackFlashMs ?? 200,
    hitFlashMs: options.hitFlashMs ?? 150,
    capacity: options.capacity ?? 64,
    renderOrder: ARENA_LAYERS,
  });
  scene.add(arena.object, players.object);

  let width = 1;
  let height = 1;
  let disposed = false;

  function resize(w: number, h: number): void {
    width = Math.max(1, Math.floor(w));
    height = Math.max(1, Math.floor(h));
    renderer.setSize(width, height);
  }
  resize(options.width ?? (canvas.clientWidth || canvas.width), options.height ?? (canvas.clientHeight || canvas.height));
  let view: View = frameMap(width, height, map, margin);
  // Snaps beyond the initial view size: a zoom changes what is shown, not how the camera glides.
  const follow = createCameraFollow({ halfLifeMs: options.followHalfLifeMs ?? 0, snapDistance: viewSize });
  let lastFrame = Number.NaN;

  return {
    render() {
      if (disposed) throw new Error('Skirmish: render() called on a disposed renderer');
      const t = now();
      players.update(t);
      const dt = Number.isNaN(lastFrame) ? 0 : t - lastFrame;
      lastFrame = t;
      if (follows) {
        const target = options.target ? options.target() : players.local;
        const at = target ? follow.update(target, dt) : follow;
        view = Number.isNaN(at.x) ? frameMap(width, height, map, margin) : followTarget(width, height, map, margin, viewSize, at);
      } else {
        view = frameMap(width, height, map, margin);
      }
      applyView(camera, view);
      renderer.render(scene, camera);
    },
    resize,
    warmUp() {
      renderer.compile(scene, camera);
      // Drivers compile at link time and three checks the link at a program's first use: do that
      // use now (reading its uniforms), or the first real frame pays for every compilation.
      for (const program of renderer.info.programs ?? []) program.getUniforms();
    },
    setMap(next) {
      if (next.width === map.width && next.height === map.height) return;
      map = next;
      arena.dispose();
      arena = createArena(map, style);
      scene.add(arena.object);
      follow.snap();
    },
    setAttackRange: (range) => players.setAttackRange(range),
    setFollow(next) {
      if (next !== follows) follow.snap();
      follows = next;
    },
    setViewSize(units) {
      if (!(units > 0) || !Number.isFinite(units)) throw new Error(`Skirmish: setViewSize(${units}): the view size must be a positive number of units`);
      viewSize = units;
    },
    toScreen: (x, y) => mapToScreen(view, width, height, x, y),
    flash: (eid) => players.flash(eid, now()),
    get view() {
      return view;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      players.dispose();
      arena.dispose();
      renderer.dispose();
    },
    get info() {
      return renderer.info;
    },
    three: { renderer, scene, camera },
  };
}
