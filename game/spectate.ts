// The spectator's view (`?spectate=<match id>`): a banner saying what is watched, and a camera that
// frames the whole map, pans and zooms freely (keys, drag, wheel), or follows a player chosen on
// the scoreboard or cycled with Tab. The spectator sends nothing: every key here moves the camera.
// Type imports only: this file is its own chunk, loaded by spectators alone, and a value shared
// with the page's entry would split that entry into one more file for every player.
import type { GameClient } from '../net/client';
import type { Renderer } from '../render';
import type { Names } from './names';

/** Where the spectator's camera is: the whole map, a free point and zoom, or a player. */
export type SpectatorMode = 'whole' | 'free' | 'follow';

/** The keys of the spectator's view, as its banner states them. */
export const SPECTATOR_KEYS = 'Tab / Shift+Tab: follow next / previous player · click a name: follow it · Esc: free camera · '
  + 'arrows / WASD or drag: pan · + / − or wheel: zoom';

/** The spectator's view: its camera and banner; see `createSpectatorView`. */
export interface SpectatorView {
  /** What the camera does now. */
  readonly mode: SpectatorMode;
  /** NetId of the player followed (mode 'follow'). */
  readonly following: number | undefined;
  /** Follows player `id` (NetId). */
  follow(id: number): void;
  /** Follows the next player in NetId order (`step` −1: the previous one). */
  cycle(step?: 1 | -1): void;
  /** Back to the free camera framing the whole map. */
  free(): void;
  /** What the renderer's camera centres on (undefined: nothing to follow yet). */
  target(): { x: number; y: number } | undefined;
  /** Once per frame: pans by held keys and points the renderer where the mode says. */
  frame(renderer: Renderer, dtMs: number): void;
  /** Shows that the watch is over (the match is gone, or the server refused). */
  ended(text: string): void;
  /** Removes its listeners and banner. */
  dispose(): void;
}

/** Options of `createSpectatorView`. */
export interface SpectatorViewOptions {
  client: GameClient;
  names: Names;
  /** Where player `id` (NetId) is drawn now, or undefined when it is not in the world. */
  positionOf(id: number): { x: number; y: number } | undefined;
  /** Where the banner goes. */
  root: HTMLElement;
  /** The canvas dragged to pan and wheeled to zoom. */
  canvas: HTMLCanvasElement;
  /** The scoreboard: a click on a row (`data-id`, a NetId) follows that player. */
  board: HTMLElement;
  /** Units of background around the map when framed whole (the renderer's margin). */
  marginUnits?: number;
}

const PAN = { ArrowUp: [0, -1], KeyW: [0, -1], ArrowDown: [0, 1], KeyS: [0, 1], ArrowLeft: [-1, 0], KeyA: [-1, 0], ArrowRight: [1, 0], KeyD: [1, 0] } as const;
/** Pan speed: this many view sizes a second. */
const PAN_VIEWS_PER_S = 0.8;
const ZOOM_STEP = 1.25;
const MIN_VIEW_UNITS = 10;
/** Banner text refreshes at most this often (ms): it is DOM, not canvas. */
const BANNER_EVERY_MS = 200;

/** Creates the spectator's view over `client` (which must be a spectator). */
export function createSpectatorView(options: SpectatorViewOptions): SpectatorView {
  const { client, names, canvas, board } = options;
  const margin = options.marginUnits ?? 3;
  const world = client.world;
  const held = new Set<keyof typeof PAN>();
  let mode: SpectatorMode = 'whole';
  let following: number | undefined;
  const centre = { x: 0, y: 0 };
  let viewUnits = 0;
  let over: string | undefined;
  let bannerAt = -Infinity;

  const banner = document.createElement('div');
  banner.className = 'spectate-banner';
  banner.setAttribute('role', 'status');
  banner.innerHTML = '<strong>Spectating</strong> <span data-spectate="what"></span><div class="spectate-keys"></div>';
  (banner.querySelector('.spectate-keys') as HTMLElement).textContent = SPECTATOR_KEYS;
  const what = banner.querySelector('[data-spectate="what"]') as HTMLElement;
  options.root.append(banner);

  const map = (): { width: number; height: number } => client.rules?.map ?? { width: 100, height: 100 };
  const wholeUnits = (): number => Math.max(map().width, map().height) + 2 * margin;
  const players = (): number[] => [...world.entities.keys()].sort((a, b) => a - b);
  const where = options.positionOf;
  /** Leaves the whole-map framing for a free camera where the view is now. */
  const unframe = (renderer?: Renderer): void => {
    if (mode === 'free') return;
    const view = renderer?.view;
    const at = mode === 'follow' && following !== undefined ? where(following) : undefined;
    centre.x = at?.x ?? view?.cx ?? map().width / 2;
    centre.y = at?.y ?? view?.cy ?? map().height / 2;
    if (viewUnits === 0 || mode === 'whole') viewUnits = wholeUnits();
    mode = 'free';
    following = undefined;
  };
  // Where the renderer can centre a view of `viewUnits` (it stops at the map's edges, see
  // render's followTarget): the free centre stays in that range, so a pan back starts at once.
  const clampAxis = (at: number, half: number, size: number): number =>
    (2 * half >= size + 2 * margin ? size / 2 : Math.min(Math.max(at, half - margin), size + margin - half));
  const clampCentre = (): void => {
    const width = Math.max(1, canvas.clientWidth);
    const height = Math.max(1, canvas.clientHeight);
    const unitsPerPx = viewUnits / Math.min(width, height);
    centre.x = clampAxis(centre.x, (width * unitsPerPx) / 2, map().width);
    centre.y = clampAxis(centre.y, (height * unitsPerPx) / 2, map().height);
  };
  const zoom = (factor: number): void => {
    if (mode === 'whole') unframe(lastRenderer);
    viewUnits = Math.min(Math.max((viewUnits || wholeUnits()) * factor, MIN_VIEW_UNITS), wholeUnits());
    if (mode === 'free') clampCentre();
  };

  let lastRenderer: Renderer | undefined;
  const view: SpectatorView = {
    get mode() {
      return mode;
    },
    get following() {
      return following;
    },
    follow(id) {
      if (!world.entities.has(id)) return;
      if (mode === 'whole' || viewUnits === 0) viewUnits = 50;
      mode = 'follow';
      following = id;
      bannerAt = -Infinity;
    },
    cycle(step = 1) {
      const ids = players();
      if (ids.length === 0) return;
      const at = following === undefined ? -1 : ids.indexOf(following);
      const next = at === -1 ? (step === 1 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length;
      view.follow(ids[next]!);
    },
    free() {
      mode = 'whole';
      following = undefined;
      bannerAt = -Infinity;
    },
    target() {
      if (mode === 'follow' && following !== undefined) return where(following);
      return mode === 'free' ? centre : undefined;
    },
    frame(renderer, dtMs) {
      lastRenderer = renderer;
      // The followed player left the match: back to the whole map.
      if (mode === 'follow' && (following === undefined || !world.entities.has(following))) view.free();
      if (held.size > 0) {
        unframe(renderer);
        let dx = 0;
        let dy = 0;
        for (const key of held) {
          dx += PAN[key][0];
          dy += PAN[key][1];
        }
        const step = (viewUnits * PAN_VIEWS_PER_S * dtMs) / 1000;
        centre.x += dx * step;
        centre.y += dy * step;
        clampCentre();
      }
      renderer.setFollow(mode !== 'whole');
      if (mode !== 'whole' && viewUnits > 0) renderer.setViewSize(viewUnits);
      const now = performance.now();
      if (now - bannerAt >= BANNER_EVERY_MS) {
        bannerAt = now;
        const n = world.entities.size;
        const count = `${n} player${n === 1 ? '' : 's'}`;
        what.textContent = over ?? (mode === 'follow' && following !== undefined ? `${count} · following ${names.label(following)}` : count);
      }
    },
    ended(text) {
      over = text;
      bannerAt = -Infinity;
      banner.classList.add('over');
    },
    dispose() {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
      canvas.removeEventListener('pointerdown', onPointerDown);
      canvas.removeEventListener('wheel', onWheel);
      board.removeEventListener('pointerdown', onBoardPress);
      banner.remove();
    },
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.code in PAN) {
      held.add(e.code as keyof typeof PAN);
      e.preventDefault();
    } else if (e.code === 'Tab') {
      view.cycle(e.shiftKey ? -1 : 1);
      e.preventDefault();
    } else if (e.code === 'Escape') {
      view.free();
    } else if (e.key === '+' || e.key === '=' || e.code === 'NumpadAdd') {
      zoom(1 / ZOOM_STEP);
    } else if (e.key === '-' || e.key === '_' || e.code === 'NumpadSubtract') {
      zoom(ZOOM_STEP);
    }
  };
  const onKeyUp = (e: KeyboardEvent): void => void held.delete(e.code as keyof typeof PAN);
  const onBlur = (): void => held.clear();
  const onPointerDown = (e: PointerEvent): void => {
    let lastX = e.clientX;
    let lastY = e.clientY;
    const move = (m: PointerEvent): void => {
      const renderer = lastRenderer;
      if (renderer === undefined) return;
      unframe(renderer);
      // Map units per CSS pixel of the view the last frame showed.
      const perPx = (2 * renderer.view.halfW) / Math.max(1, canvas.clientWidth);
      centre.x -= (m.clientX - lastX) * perPx;
      centre.y -= (m.clientY - lastY) * perPx;
      clampCentre();
      lastX = m.clientX;
      lastY = m.clientY;
    };
    const up = (): void => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    zoom(e.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP);
  };
  // On press, not on click: the board is rebuilt ten times a second, so the row under a press is
  // often replaced before the release, and the click then lands on the board, not on a row.
  const onBoardPress = (e: PointerEvent): void => {
    const row = (e.target as HTMLElement | null)?.closest?.('li[data-id]') as HTMLElement | null;
    const id = Number(row?.dataset.id);
    if (Number.isInteger(id)) view.follow(id);
  };
  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('keyup', onKeyUp);
  window.addEventListener('blur', onBlur);
  canvas.addEventListener('pointerdown', onPointerDown);
  canvas.addEventListener('wheel', onWheel, { passive: false });
  board.addEventListener('pointerdown', onBoardPress);
  return view;
}
