// King of the Hill's page: connect, draw the arena, the hill and the players, read the keyboard,
// keep the HUD current. Imports the browser-safe client entry only, so no server code is bundled.
import { createClient } from 'skirmish/net/client';
import { createRenderer } from 'skirmish/render';
import { addHill, type Holder } from './hill-view';
import { createHud } from './hud';
import { playersOnHill } from './on-hill';
import { rules } from './rules';

// While a key is held its input is resent this often, so a lost burst heals quickly.
const RESEND_MS = 50;
const KEYS: Record<string, [number, number]> = {
  ArrowUp: [0, -1], KeyW: [0, -1], ArrowDown: [0, 1], KeyS: [0, 1],
  ArrowLeft: [-1, 0], KeyA: [-1, 0], ArrowRight: [1, 0], KeyD: [1, 0],
};

const canvas = document.getElementById('game') as HTMLCanvasElement;
const client = createClient({ url: location.origin });
const renderer = createRenderer({ canvas, world: client.world, map: rules.map, attackRange: rules.attack.range });
const hill = addHill(renderer, rules.hill);
const hud = createHud(document.getElementById('hud')!, client);
client.on('status', (status) => hud.setStatus(status));
client.on('error', (error) => console.warn('king of the hill:', error.message));
new ResizeObserver(() => renderer.resize(canvas.clientWidth, canvas.clientHeight)).observe(canvas);

const held = new Set<string>();
addEventListener('keydown', (e) => {
  if (!(e.code in KEYS) && e.code !== 'Space') return;
  e.preventDefault(); // arrows and Space would scroll the page
  held.add(e.code);
});
addEventListener('keyup', (e) => held.delete(e.code));
addEventListener('blur', () => held.clear()); // no key-up comes to a window that lost focus

let sent = '';
let sentAt = 0;
let hudAt = 0;
const onHill: number[] = [];
function frame(time: number): void {
  let mx = 0;
  let my = 0;
  for (const code of held) {
    const [dx, dy] = KEYS[code] ?? [0, 0];
    mx += dx;
    my += dy;
  }
  const input = { mx: Math.sign(mx), my: Math.sign(my), attack: held.has('Space') };
  const key = `${input.mx},${input.my},${input.attack}`;
  if (key !== sent || (key !== '0,0,false' && time - sentAt >= RESEND_MS)) {
    client.sendInput(input);
    [sent, sentAt] = [key, time];
  }
  client.update();
  // The same rule the server scores by, on the positions this page draws.
  playersOnHill(client.world, rules.hill, onHill);
  const king = onHill.length === 1 ? onHill[0] : undefined;
  const holder: Holder = onHill.length > 1 ? 'contested' : king === undefined ? 'free' : king === client.localEntity ? 'you' : 'other';
  hill.show(holder);
  renderer.render();
  if (time - hudAt > 100) {
    hud.update(holder, king);
    hudAt = time;
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
// For the console and for browser tests, which steer by where the page thinks its player is.
Object.assign(window, { koth: { client, renderer } });
