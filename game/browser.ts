// Browser entry (bundled by build.mjs into dist/client.js): connect, draw, read the keyboard.
import { createClient, type GameClient } from '../net/client';
import { createRenderer, type Renderer } from '../render';
import { parseConditions } from './conditions';
import { createHud } from './hud';
import { createKeyboard, type KeyIntent } from './keyboard';

/** Inputs are resent this often while a key is held, so a lost burst heals quickly. */
const RESEND_MS = 50;
const TOKEN_KEY = 'skirmish.token';

function main(): void {
  const canvas = document.getElementById('game') as HTMLCanvasElement;
  const hudRoot = document.getElementById('hud') as HTMLElement;
  // The session token survives a reload of this tab, so F5 within the grace window keeps the player.
  // `?lag=150&jitter=20&loss=2` in the page URL plays on a simulated bad link.
  // The page matchmakes: `classic` by default, `?type=arena` for another type, `?match=<id>` to join a friend's match.
  const params = new URLSearchParams(location.search);
  const client: GameClient = createClient({
    url: location.origin, type: params.get('type') ?? 'classic', matchId: params.get('match') ?? undefined,
    token: sessionStorage.getItem(TOKEN_KEY) ?? undefined, conditions: parseConditions(location.search),
  });
  client.on('token', (token) => sessionStorage.setItem(TOKEN_KEY, token));
  const hud = createHud(hudRoot, client);
  const keyboard = createKeyboard(window);
  let renderer: Renderer | undefined;
  let mapKey = '';

  client.on('status', (status, reason) => hud.setStatus(status, reason));
  client.on('events', (events) => hud.onEvents(events));
  client.on('error', (error) => console.warn('skirmish:', 'code' in error ? `${error.code} (${error.event}): ${error.message}` : error.message));
  client.on('welcome', (welcome) => {
    const key = `${welcome.rules.map.width}x${welcome.rules.map.height}`;
    if (renderer !== undefined && key === mapKey) return;
    renderer?.dispose();
    mapKey = key;
    const large = Math.max(welcome.rules.map.width, welcome.rules.map.height) > 150;
    renderer = createRenderer({
      canvas,
      world: client.world,
      map: welcome.rules.map,
      attackRange: welcome.rules.attack.range,
      follow: large,
      preserveDrawingBuffer: new URLSearchParams(location.search).has('capture'),
    });
    renderer.resize(canvas.clientWidth, canvas.clientHeight);
  });
  new ResizeObserver(() => renderer?.resize(canvas.clientWidth, canvas.clientHeight)).observe(canvas);

  let sent: KeyIntent = { mx: 0, my: 0, attack: false };
  let sentAt = 0;
  let hudAt = 0;
  const frame = (time: number): void => {
    const intent = keyboard.intent();
    const changed = intent.mx !== sent.mx || intent.my !== sent.my || intent.attack !== sent.attack;
    const active = intent.mx !== 0 || intent.my !== 0 || intent.attack;
    if (changed || (active && time - sentAt >= RESEND_MS)) {
      client.sendInput(intent);
      sent = intent;
      sentAt = time;
    }
    client.update();
    renderer?.render();
    if (time - hudAt > 100) {
      hud.update();
      hudAt = time;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // For debugging from the console (and for browser tests to find the client).
  (window as unknown as { skirmish: unknown }).skirmish = { client, get renderer() { return renderer; } };
}

main();
