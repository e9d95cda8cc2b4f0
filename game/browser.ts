// Browser entry (bundled by build.mjs into dist/): start screen, connection, input, drawing, HUD.
// Over 250 lines because it is one page: its frame loop and the state that loop threads through
// (placement, camera, death screen); HUD, controls, panels and the net graph are their own modules.
import { Dead, getStore, hasComponent, Position, Score, type BattleRules } from '../engine';
import { createClient, entityOf, type GameClient, type PlayerPlacement } from '../net/client';
import { defaultRules } from './rules';
import type { Minimap, Renderer } from '../render';
import { createInputSender, type InputSource } from './controls';
import { createDeathScreen } from './death';
import { parseConditions } from './conditions';
import { createHud } from './hud';
import { createNameLabels } from './labels';
import { createKeyboard } from './keyboard';
import { createNames, isValidName, sanitizeName, type Names } from './names';
import { createNetStats, type NetStats } from './netstats';
import type { NetGraph } from './netgraph';
import { showStartScreen } from './start';
import type { SpectatorView } from './spectate';
import type { TouchControls } from './touch';

const TOKEN_KEY = 'skirmish.token';
/** Where this tab's player was placed (worker path, match): a reload goes back there with the token. */
const PLACEMENT_KEY = 'skirmish.placement';
/** How far above a player's centre its name sits, in map units (a little over the body's radius). */
const BODY_RADIUS_UNITS = 1.5;
/** The name this tab plays under (a reload within the grace window resumes without asking again). */
const SESSION_NAME_KEY = 'skirmish.name';
/** The name last played with in this browser, offered on the start screen. */
const SAVED_NAME_KEY = 'skirmish.lastName';
/** Maps wider than this (units) are followed by the camera, with a minimap; smaller ones are shown whole. */
const FOLLOW_ABOVE = 150;
/** Camera smoothing half-life (ms): close behind a walking player without a visible lag. */
const CAMERA_HALF_LIFE_MS = 60;

/** What the page exposes on `window.skirmish`, for the console and for browser tests. */
interface Debug {
  name?: string;
  client?: GameClient;
  renderer?: Renderer;
  minimap?: Minimap;
  names?: Names;
  netstats?: NetStats;
  netgraph?: NetGraph;
  touch?: TouchControls;
  /** The spectator's camera and banner (`?spectate=<match id>` only). */
  spectator?: SpectatorView;
  /** Set to an array to record each frame's camera centre and own drawn position. */
  trace?: { t: number; cx: number; cy: number; x: number; y: number }[];
}

const store = {
  get: (s: Storage, key: string): string | null => {
    try {
      return s.getItem(key);
    } catch {
      return null; // storage disabled (privacy mode): play without remembering
    }
  },
  set: (s: Storage, key: string, value: string): void => {
    try {
      s.setItem(key, value);
    } catch {
      // same
    }
  },
};

/** `?name=` skips the start screen, and so does a reload of a tab already playing (it resumes). */
async function chooseName(params: URLSearchParams, ui: HTMLElement): Promise<string> {
  const asked = params.get('name');
  if (asked !== null && isValidName(asked)) return sanitizeName(asked);
  const session = store.get(sessionStorage, SESSION_NAME_KEY);
  if (asked === null && session !== null && isValidName(session) && store.get(sessionStorage, TOKEN_KEY) !== null) return sanitizeName(session);
  return showStartScreen(ui, asked ?? store.get(localStorage, SAVED_NAME_KEY) ?? '');
}

/** The placement this tab stored, if it is for the type and match the page asks for now. */
function storedPlacement(type: string, matchId: string | undefined): PlayerPlacement | undefined {
  try {
    const p = JSON.parse(store.get(sessionStorage, PLACEMENT_KEY) ?? 'null') as Partial<PlayerPlacement> | null;
    if (typeof p?.matchId !== 'string' || typeof p.type !== 'string' || typeof p.url !== 'string' || typeof p.path !== 'string') return undefined;
    if (p.type !== type || (matchId !== undefined && p.matchId !== matchId)) return undefined;
    return { matchId: p.matchId, type: p.type, url: p.url, path: p.path };
  } catch {
    return undefined;
  }
}

/**
 * The one place the game connects: the name goes to the server, which tells everyone. A
 * spectator (`spectate`, a match id) connects with no name, token or seat.
 */
function connect(name: string, token: string | undefined, spectate?: string): GameClient {
  if (spectate !== undefined) return createClient({ url: location.origin, spectate, conditions: parseConditions(location.search) });
  // Always through matchmaking (POST /matchmake): `classic` by default, `?type=arena`, or
  // `?match=<id>` (a friend's match). The answer names the worker that holds the match, so a
  // dropped link (or a reload, from sessionStorage) goes back there and resumes the player; a
  // seatless connection to a cluster's gateway would be placed afresh, maybe on another worker.
  const params = new URLSearchParams(location.search);
  const type = params.get('type') ?? 'classic';
  const matchId = params.get('match') ?? undefined;
  const rejoin = token === undefined ? undefined : storedPlacement(type, matchId);
  const client = createClient({ url: location.origin, type, matchId, token, rejoin, name, conditions: parseConditions(location.search) });
  client.on('placed', (answer) => {
    const kept: PlayerPlacement = { matchId: answer.matchId, type: answer.type, url: answer.url, path: answer.path };
    store.set(sessionStorage, PLACEMENT_KEY, JSON.stringify(kept));
  });
  return client;
}

function isTouchScreen(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}

/** The render module: three.js, most of the download. */
type RenderModule = typeof import('../render');

/** Plays under `name`, or with `spectate` (a match id) watches that match: no player, no input. */
function play(name: string, params: URLSearchParams, debug: Debug, render: Promise<RenderModule>, spectate?: string): void {
  const canvas = document.getElementById('game') as HTMLCanvasElement;
  const hudRoot = document.getElementById('hud') as HTMLElement;
  const ui = document.getElementById('ui') as HTMLElement;
  const minimapCanvas = document.getElementById('minimap') as HTMLCanvasElement;
  if (spectate === undefined) {
    store.set(sessionStorage, SESSION_NAME_KEY, name);
    store.set(localStorage, SAVED_NAME_KEY, name);
  }

  // The session token survives a reload of this tab, so F5 within the grace window keeps the player.
  const client = connect(name, store.get(sessionStorage, TOKEN_KEY) ?? undefined, spectate);
  client.on('token', (token) => store.set(sessionStorage, TOKEN_KEY, token));
  const names = createNames(client.names);
  const hud = createHud(hudRoot, client, names);
  // The spectator's view is loaded only by a spectator (players never download it).
  let spectator: SpectatorView | undefined;
  if (spectate !== undefined) {
    document.body.classList.add('spectating');
    let over: string | undefined;
    const end = (text: string): void => {
      over = text;
      spectator?.ended(text);
    };
    client.on('spectateEnded', (notice) => end(`the match is over (${notice.reason})`));
    client.on('error', (error) => {
      const code = (error as { data?: { code?: unknown } }).data?.code;
      if (typeof code === 'string') end(`cannot watch: ${error.message} (${code})`);
    });
    void import('./spectate').then(({ createSpectatorView }) => {
      spectator = createSpectatorView({
        client, names, root: ui, canvas, board: hudRoot.querySelector('[data-hud="board"]') as HTMLElement,
        positionOf: (id) => {
          const eid = entityOf(client.world, id);
          return eid === undefined ? undefined : { x: position.x[eid]!, y: position.y[eid]! };
        },
      });
      debug.spectator = spectator;
      if (over !== undefined) spectator.ended(over);
    });
  }
  const death = createDeathScreen(hudRoot);
  const labels = createNameLabels(hudRoot, client.world, (id) => names.label(id));
  const netstats = createNetStats(client);
  Object.assign(debug, { name, client, names, netstats });

  const sources: InputSource[] = [];
  let sender: ReturnType<typeof createInputSender> | undefined;
  const pump = (): void => void sender?.pump(performance.now());
  // A spectator sends nothing: its keys move the camera (game/spectate.ts).
  if (spectate === undefined) {
    sources.push(createKeyboard(window, {
      // One tick and a half: see KeyboardOptions.minHoldMs.
      minHoldMs: () => 1.5 * client.world.tickMs,
      onChange: pump,
    }));
    sender = createInputSender(client, sources);
  }

  // NetId of the player who killed the own player, while it is dead (the camera follows it).
  let killer: number | undefined;

  const world = client.world;
  const position = getStore(world, Position);
  const deadStore = getStore(world, Dead);
  const scoreStore = getStore(world, Score);
  const killerPosition = (): { x: number; y: number } | undefined => {
    const eid = killer === undefined ? undefined : entityOf(world, killer);
    return eid === undefined ? undefined : { x: position.x[eid]!, y: position.y[eid]! };
  };

  // Killer or own predicted position: what the camera follows on a big map.
  const cameraTarget = (): { x: number; y: number } | undefined =>
    spectator?.target() ?? (killer !== undefined ? killerPosition() : undefined) ?? client.predicted;
  let renderer: Renderer | undefined;
  let minimap: Minimap | undefined;
  // The rules of the current connection (from its welcome), and the map they were applied for.
  let rules: BattleRules | undefined;
  let mapKey = '';
  let createMinimap: RenderModule['createMinimap'] | undefined;

  // Sizes the view for the welcome's rules, once both the renderer and the welcome are here.
  const applyRules = (): void => {
    if (renderer === undefined || rules === undefined || createMinimap === undefined) return;
    renderer.setAttackRange(rules.attack.range);
    const key = `${rules.map.width}x${rules.map.height}`;
    if (key === mapKey) return;
    mapKey = key;
    minimap?.dispose();
    const follow = Math.max(rules.map.width, rules.map.height) > FOLLOW_ABOVE;
    renderer.setMap(rules.map);
    renderer.setFollow(follow);
    minimapCanvas.hidden = !follow;
    minimap = follow ? createMinimap({ canvas: minimapCanvas, world, map: rules.map }) : undefined;
    debug.minimap = minimap;
  };

  // Built as soon as three.js has arrived, usually while the socket still connects, so the WebGL
  // context and the shaders are ready by the welcome; nothing is drawn before it.
  void render.then((module) => {
    renderer = module.createRenderer({
      canvas,
      world: client.world,
      map: rules?.map ?? defaultRules.map,
      attackRange: rules?.attack.range ?? defaultRules.attack.range,
      width: document.body.clientWidth,
      height: document.body.clientHeight,
      followHalfLifeMs: CAMERA_HALF_LIFE_MS,
      // Alive, the camera follows the own predicted position (ahead of the smoothed drawing by any
      // correction still gliding); dead, it follows the killer until the respawn.
      target: () => cameraTarget(),
      preserveDrawingBuffer: params.has('capture'),
    });
    renderer.warmUp();
    createMinimap = module.createMinimap;
    debug.renderer = renderer;
    applyRules();
  });
  client.on('status', (status, reason) => {
    if (status === 'connected' && performance.getEntriesByName('skirmish:socket').length === 0) performance.mark('skirmish:socket');
    hud.setStatus(status, reason);
  });
  client.on('events', (events) => {
    hud.onEvents(events);
    for (const e of events) {
      if (e.type === 'hit') {
        const eid = entityOf(world, e.victim);
        if (eid !== undefined) renderer?.flash(eid);
      }
    }
  });
  client.on('state', (message) => {
    if (performance.getEntriesByName('skirmish:state').length === 0) performance.mark('skirmish:state');
    for (const [attacker, victim] of message.kills) {
      if (victim !== world.localId) continue;
      const me = client.localEntity;
      killer = attacker;
      const rules = client.rules;
      death.show({
        killer: names.label(attacker),
        kills: me === undefined ? 0 : scoreStore.kills[me]!,
        deaths: me === undefined ? 0 : scoreStore.deaths[me]!,
        respawnAt: rules === undefined ? undefined : message.tick * world.tickMs + rules.respawnDelay * 1000,
      });
    }
  });
  client.on('error', (error) => console.warn('skirmish:', 'code' in error ? `${error.code} (${error.event}): ${error.message}` : error.message));
  client.on('welcome', (welcome) => {
    if (performance.getEntriesByName('skirmish:welcome').length === 0) performance.mark('skirmish:welcome');
    if (spectate === undefined) names.set(welcome.id, name);
    killer = undefined;
    death.hide();
    rules = welcome.rules;
    applyRules();
  });
  // The body follows the window; the canvas does not, once three has given it an inline size.
  new ResizeObserver(() => renderer?.resize(document.body.clientWidth, document.body.clientHeight)).observe(document.body);
  // No key-up comes for keys held while the window loses focus: release them all.
  window.addEventListener('blur', () => debug.touch?.releaseAll());

  // The net graph: figures collected from the start, the panel loaded when first opened.
  let graph: Promise<NetGraph> | undefined;
  const toggleGraph = (show?: boolean): void => {
    graph ??= import('./netgraph').then(({ createNetGraph }) => (debug.netgraph = createNetGraph(ui, netstats)));
    void graph.then((g) => g.setVisible(show ?? !g.visible));
  };
  if (params.get('netgraph') === '1') toggleGraph(true);
  window.addEventListener('keydown', (e) => {
    if (e.code !== 'KeyN' || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.target as HTMLElement | null)?.closest?.('input, textarea')) return;
    toggleGraph();
  });

  // Touch controls only on touch screens; a touch on a laptop that reported a fine pointer adds them then.
  const addTouch = (): void => {
    if (debug.touch !== undefined || document.body.classList.contains('touch')) return;
    document.body.classList.add('touch');
    void import('./touch').then(({ createTouchControls }) => {
      debug.touch = createTouchControls(ui, pump);
      sources.push(debug.touch);
    });
  };
  // A spectator has no controls to show: it pans by dragging the map.
  if (spectate === undefined) {
    if (isTouchScreen()) addTouch();
    else window.addEventListener('touchstart', addTouch, { once: true, passive: true });
  }

  canvas.focus();
  let hudAt = 0;
  let statsAt = 0;
  let minimapAt = 0;
  let firstFrame = false;
  let lastFrameAt = performance.now();
  const frame = (time: number): void => {
    const now = performance.now();
    sender?.pump(now);
    client.update();
    if (spectator !== undefined && renderer !== undefined) spectator.frame(renderer, now - lastFrameAt);
    lastFrameAt = now;
    const me = client.localEntity;
    const dead = me !== undefined && hasComponent(world, me, deadStore);
    if (!dead && death.visible) {
      killer = undefined;
      death.hide();
    } else if (dead && !death.visible) {
      // Dead without having seen the kill (resumed, or joined while dead): no killer to name.
      death.show({ killer: undefined, kills: scoreStore.kills[me]!, deaths: scoreStore.deaths[me]!, respawnAt: undefined });
    }
    if (death.visible && client.clock.samples > 0) death.update(client.clock.serverNow(now));
    if (renderer !== undefined && rules !== undefined) {
      renderer.render();
      const origin = renderer.toScreen(0, 0);
      labels.update(renderer.toScreen, renderer.toScreen(0, BODY_RADIUS_UNITS * 1.6).y - origin.y);
      if (!firstFrame && me !== undefined) {
        firstFrame = true;
        // Navigation to the first frame with the own player in it: see game/first-load.ts.
        performance.mark('skirmish:first-frame');
      }
      if (debug.trace !== undefined && me !== undefined) {
        debug.trace.push({ t: time, cx: renderer.view.cx, cy: renderer.view.cy, x: position.x[me]!, y: position.y[me]! });
      }
    }
    netstats.frame(now);
    if (minimap !== undefined && renderer !== undefined && time - minimapAt >= 33) {
      minimap.draw(renderer.view);
      minimapAt = time;
    }
    if (time - hudAt > 100) {
      hud.update();
      hudAt = time;
    }
    if (time - statsAt >= 250) {
      netstats.sample(now);
      debug.netgraph?.update(now);
      statsAt = time;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

async function main(): Promise<void> {
  performance.mark('skirmish:script');
  // three.js is most of the download: fetch it while the start screen shows and the socket connects.
  const render = import('../render');
  render.catch((error: unknown) => console.error('skirmish: could not load the renderer', error));
  const debug: Debug = {};
  // For debugging from the console (and for browser tests to find the client).
  (window as unknown as { skirmish: Debug }).skirmish = debug;
  const params = new URLSearchParams(location.search);
  // `?spectate=<match id>` watches that match: no start screen, no name.
  const spectate = params.get('spectate') || undefined;
  if (spectate !== undefined) return play('', params, debug, render, spectate);
  const name = await chooseName(params, document.getElementById('ui') as HTMLElement);
  play(name, params, debug, render);
}

void main();
