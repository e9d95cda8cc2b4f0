// Browser entry of the replay viewer (`/replay.html?id=<match id>`, bundled by build.mjs apart from
// the game's entry): fetches the recording, replays it with the engine and draws it with the game's
// renderer, with a transport bar, a free or following camera, the scoreboard and the kill feed.
import { getStore, Position } from '../engine';
import { hashWorld, replay as openReplay, type Replay } from '../engine/replay';
import { createMinimap, createRenderer, type Renderer } from '../render';
import { createReplayControls } from './replay-controls';
import { createReplayHud, createReplayNames } from './replay-hud';
import { createReplayPlayer, type ReplayPlayer } from './replay-player';
import { createReplayView, type ReplayView } from './replay-view';
import { createNameLabels } from './labels';

/** How far above a player's centre its name sits, in map units (as in the game). */
const BODY_RADIUS_UNITS = 1.5;
/** Maps wider than this (units) get a minimap, as in the game. */
const MINIMAP_ABOVE = 150;
/** Units across the shorter side when following a player, or when first zooming in. */
const FOLLOW_VIEW_UNITS = 50;
/** Closest zoom (units across the shorter side). */
const MIN_VIEW_UNITS = 10;
/** Wall time (ms) per frame given to indexing the match's kills in the background. */
const INDEX_MS_PER_FRAME = 4;
/** Wheel zoom per notch (a notch is ~100 px of deltaY). */
const ZOOM_PER_NOTCH = 1.25;

/** What the viewer exposes on `window.skirmishReplay`, for the console and browser tests. */
export interface ReplayDebug {
  /** `loading`, `ready` (drawing) or `error` (the message is on the page and in `error`). */
  state: 'loading' | 'ready' | 'error';
  error?: string;
  /** The recording as fetched. */
  bytes?: Uint8Array;
  replay?: Replay;
  player?: ReplayPlayer;
  view?: ReplayView;
  renderer?: Renderer;
  /** Wall-clock ms of the last seek (also shown in the bar), NaN before one. */
  readonly lastSeekMs?: number;
  /** The tick the last drawn frame showed, and whether it showed it exactly (paused, not in between). */
  drawnTick?: number;
  drawnExact?: boolean;
  /** Frames drawn so far. */
  frames: number;
  /** The engine's replay functions, so a test can replay the same bytes in this page's engine. */
  engine: { replay: typeof openReplay; hashWorld: typeof hashWorld };
}

/** The error shown instead of the match, in words a viewer can act on. */
function showError(debug: ReplayDebug, message: string): void {
  debug.state = 'error';
  debug.error = message;
  const box = document.getElementById('replay-error') as HTMLElement;
  box.querySelector('[data-replay="message"]')!.textContent = message;
  box.hidden = false;
}

async function load(id: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(`/replays/${encodeURIComponent(id)}`);
  } catch (error) {
    throw new Error(`Could not reach the server for replay "${id}": ${(error as Error).message}`);
  }
  if (response.status === 404) throw new Error(`There is no replay "${id}" on this server (it may have been removed to make room).`);
  if (!response.ok) throw new Error(`The server could not send replay "${id}" (HTTP ${response.status}).`);
  return new Uint8Array(await response.arrayBuffer());
}

function start(debug: ReplayDebug, rep: Replay, scan: Replay): void {
  const canvas = document.getElementById('game') as HTMLCanvasElement;
  const hudRoot = document.getElementById('hud') as HTMLElement;
  const ui = document.getElementById('ui') as HTMLElement;
  const map = rep.header.rules.map;
  const player = createReplayPlayer(rep, { scan });
  const view = createReplayView(player.tickMs);
  const names = createReplayNames(rep);
  // Match time of what is drawn, the clock attack rings and hit flashes are timed on.
  const matchMs = (): number => (player.tick + player.alpha) * player.tickMs;
  const renderer = createRenderer({
    canvas,
    world: view.world,
    map,
    attackRange: rep.header.rules.attack.range,
    now: matchMs,
    width: document.body.clientWidth,
    height: document.body.clientHeight,
    target: () => cameraTarget(),
  });
  const labelled = { stores: view.world.stores, capacity: view.world.capacity, entities: view.entities, get localId() { return view.followed ?? 0; } };
  const labels = createNameLabels(hudRoot, labelled, (id) => names.label(id, player.tick));
  const minimapCanvas = document.getElementById('minimap') as HTMLCanvasElement;
  minimapCanvas.hidden = Math.max(map.width, map.height) <= MINIMAP_ABOVE;
  // On a big map the whole-map view shows players as dots: the minimap shows where the camera is.
  const minimap = minimapCanvas.hidden ? undefined : createMinimap({ canvas: minimapCanvas, world: view.world, map });
  Object.assign(debug, { player, view, renderer });
  Object.defineProperty(debug, 'lastSeekMs', { get: () => player.lastSeekMs, enumerable: true });

  // The camera: the whole map, a free view panned and zoomed by hand, or a followed player.
  let freeCentre: { x: number; y: number } | undefined;
  let viewUnits = FOLLOW_VIEW_UNITS;
  const cameraTarget = (): { x: number; y: number } | undefined => {
    const followed = view.followed === undefined ? undefined : view.entities.get(view.followed);
    if (followed !== undefined) {
      const pos = getStore(view.world, Position);
      return { x: pos.x[followed]!, y: pos.y[followed]! };
    }
    return freeCentre;
  };
  const applyCamera = (): void => {
    renderer.setFollow(view.followed !== undefined || freeCentre !== undefined);
    renderer.setViewSize(viewUnits);
  };
  const follow = (netId: number | undefined): void => {
    view.followed = netId;
    if (netId === undefined) freeCentre = undefined;
    applyCamera();
  };
  const hud = createReplayHud(hudRoot, view, names, (id) => follow(id === view.followed ? undefined : id));
  const controls = createReplayControls(ui, player, window, {
    followNext() {
      const ids = [...view.entities.keys()].sort((a, b) => a - b);
      if (ids.length === 0) return;
      follow(ids.find((id) => view.followed === undefined || id > view.followed) ?? ids[0]);
    },
    free: () => follow(undefined),
  });

  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const v = renderer.view;
    const shorter = 2 * Math.min(v.halfW, v.halfH);
    const whole = Math.max(map.width, map.height);
    const next = shorter * Math.pow(ZOOM_PER_NOTCH, e.deltaY / 100);
    if (view.followed === undefined && next >= whole) {
      freeCentre = undefined; // out to the whole map again
    } else {
      freeCentre ??= { x: v.cx, y: v.cy };
      viewUnits = Math.max(MIN_VIEW_UNITS, Math.min(whole, next));
    }
    applyCamera();
  }, { passive: false });
  let drag: { x: number; y: number } | undefined;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (drag === undefined) return;
    const v = renderer.view;
    const unitsPerPx = (2 * v.halfW) / Math.max(1, canvas.clientWidth);
    const dx = (e.clientX - drag.x) * unitsPerPx;
    const dy = (e.clientY - drag.y) * unitsPerPx;
    drag = { x: e.clientX, y: e.clientY };
    if (dx === 0 && dy === 0) return;
    // Dragging takes the camera off a followed player, from where it is.
    if (view.followed !== undefined) view.followed = undefined;
    if (freeCentre === undefined) {
      if (2 * Math.min(v.halfW, v.halfH) >= Math.max(map.width, map.height)) return; // the whole map is shown: nothing to pan to
      freeCentre = { x: v.cx, y: v.cy };
    }
    // Kept on the map: the view stops at its edges, and so does the point it pans.
    freeCentre = { x: Math.max(0, Math.min(map.width, freeCentre.x - dx)), y: Math.max(0, Math.min(map.height, freeCentre.y - dy)) };
    applyCamera();
  });
  for (const type of ['pointerup', 'pointercancel'] as const) canvas.addEventListener(type, () => (drag = undefined));

  const startWorld = (): void => view.reset(rep.world);
  player.onStep((world, events) => view.capture(world, events));
  player.onChange(startWorld);
  startWorld();
  new ResizeObserver(() => renderer.resize(document.body.clientWidth, document.body.clientHeight)).observe(document.body);

  let last = Number.NaN;
  let hudAt = -Infinity;
  let minimapAt = -Infinity;
  let indexing = true;
  const frame = (time: number): void => {
    // A few ms a frame for the kill index: the page stays smooth while it fills.
    if (indexing) indexing = player.index(INDEX_MS_PER_FRAME);
    player.advance(Number.isNaN(last) ? 0 : time - last);
    last = time;
    const exact = !player.playing;
    view.draw(exact ? 1 : player.alpha);
    for (const eid of view.takeHits()) renderer.flash(eid);
    renderer.render();
    const origin = renderer.toScreen(0, 0);
    labels.update(renderer.toScreen, renderer.toScreen(0, BODY_RADIUS_UNITS * 1.6).y - origin.y);
    controls.update();
    if (minimap !== undefined && time - minimapAt >= 33) {
      minimap.draw(renderer.view);
      minimapAt = time;
    }
    if (!player.playing || time - hudAt >= 100) {
      hud.update(player.tick, player.kills());
      hudAt = time;
    }
    debug.drawnTick = player.tick;
    debug.drawnExact = exact;
    debug.frames++;
    requestAnimationFrame(frame);
  };
  debug.state = 'ready';
  requestAnimationFrame(frame);
}

async function main(): Promise<void> {
  const debug: ReplayDebug = { state: 'loading', frames: 0, engine: { replay: openReplay, hashWorld } };
  (window as unknown as { skirmishReplay: ReplayDebug }).skirmishReplay = debug;
  const id = new URLSearchParams(location.search).get('id');
  if (id === null || id === '') {
    showError(debug, 'No replay chosen: add ?id=<match id>, or pick one from the list of replays.');
    return;
  }
  document.title = `Replay ${id} · Skirmish`;
  let rep: Replay;
  let scan: Replay;
  try {
    debug.bytes = await load(id);
  } catch (error) {
    showError(debug, (error as Error).message);
    return;
  }
  try {
    rep = openReplay(debug.bytes);
    scan = openReplay(debug.bytes);
    debug.replay = rep;
  } catch (error) {
    showError(debug, `Replay "${id}" cannot be played: the file is damaged or not a Skirmish recording (${(error as Error).message}).`);
    return;
  }
  try {
    start(debug, rep, scan);
  } catch (error) {
    showError(debug, `Replay "${id}" cannot be shown: ${(error as Error).message}`);
  }
}

void main();
