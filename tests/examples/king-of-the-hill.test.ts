// King of the Hill (examples/king-of-the-hill): each system on a fresh world, one tick at a fixed
// dt; then a whole tick of its system list; then its page bundle and its launcher.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addComponent, createBattleWorld, Dead, emit, getStore, Offline, Position, queueInput, Score, spawnPlayer, step,
  type BattleWorld, type System,
} from 'skirmish';
import { CROWNS, POINTS, rules, type KingRules } from '../../examples/king-of-the-hill/rules';
import { crownSystem, hillSystem, kingOfTheHillSystems, shoveSystem } from '../../examples/king-of-the-hill/systems';
import { buildExample } from '../../examples/build';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Small numbers so a test reads as arithmetic: hill of radius 5 at 50,50, a point per 0.5 s.
const test: KingRules = { ...rules, hill: { x: 50, y: 50, radius: 5 }, secondsPerPoint: 0.5, winScore: 3, shove: 10 };

/** A world running only `systems`, dt 0.1 s. */
const worldOf = (...systems: System<BattleWorld>[]): BattleWorld => createBattleWorld({ rules: test, dt: 0.1, seed: 1, systems });
const at = (world: BattleWorld, x: number, y: number): number => spawnPlayer(world, { at: { x, y } });
const points = (world: BattleWorld, eid: number): number => getStore(world, Score)[POINTS][eid]!;
const xy = (world: BattleWorld, eid: number): [number, number] => {
  const pos = getStore(world, Position);
  return [pos.x[eid]!, pos.y[eid]!];
};
const ticks = (world: BattleWorld, n: number): void => {
  for (let i = 0; i < n; i++) step(world);
};

const Hill = suite('king of the hill: hillSystem');

Hill('alone on the hill: a point per secondsPerPoint', () => {
  const world = worldOf(hillSystem);
  const king = at(world, 53, 50);
  ticks(world, 4);
  assert.is(points(world, king), 0, '0.4 s');
  ticks(world, 1);
  assert.is(points(world, king), 1, '0.5 s');
  ticks(world, 10);
  assert.is(points(world, king), 3, '1.5 s');
});

Hill('the edge counts; a step outside does not', () => {
  const world = worldOf(hillSystem);
  const edge = at(world, 55, 50);
  const out = at(world, 50, 55.01);
  ticks(world, 5);
  assert.is(points(world, edge), 1);
  assert.is(points(world, out), 0);
});

Hill('a shared hill scores nobody', () => {
  const world = worldOf(hillSystem);
  const a = at(world, 48, 50);
  const b = at(world, 52, 50);
  ticks(world, 10);
  assert.equal([points(world, a), points(world, b)], [0, 0]);
});

Hill('dead and dropped players neither score nor contest', () => {
  const world = worldOf(hillSystem);
  const king = at(world, 50, 50);
  addComponent(world, at(world, 51, 50), getStore(world, Dead));
  const dropped = at(world, 49, 50);
  addComponent(world, dropped, getStore(world, Offline));
  ticks(world, 5);
  assert.is(points(world, king), 1);
  assert.is(points(world, dropped), 0);
});

Hill('an interrupted reign starts from nothing', () => {
  const world = worldOf(hillSystem);
  const king = at(world, 50, 50);
  ticks(world, 4); // 0.4 s of 0.5
  getStore(world, Position).x[king] = 80;
  ticks(world, 1);
  getStore(world, Position).x[king] = 50;
  ticks(world, 4);
  assert.is(points(world, king), 0, 'the 0.4 s before the break are gone');
  ticks(world, 1);
  assert.is(points(world, king), 1);
});

const Shove = suite('king of the hill: shoveSystem');

Shove('a hit pushes the victim `shove` units straight away from the attacker', () => {
  const world = worldOf(shoveSystem);
  const attacker = at(world, 50, 50);
  const victim = at(world, 53, 54); // 5 away: pushed along (0.6, 0.8)
  emit(world, { type: 'hit', attacker, victim, damage: 0, hp: 100 });
  step(world);
  const [x, y] = xy(world, victim);
  assert.ok(Math.abs(x - 59) < 1e-4 && Math.abs(y - 62) < 1e-4, `${x},${y}`);
  assert.equal(xy(world, attacker), [50, 50]);
});

Shove('the map edge stops a shove; a victim on the attacker\'s spot goes +x', () => {
  const world = worldOf(shoveSystem);
  const attacker = at(world, 95, 50);
  const same = at(world, 95, 50);
  const edge = at(world, 95, 2);
  emit(world, { type: 'hit', attacker, victim: same, damage: 0, hp: 100 });
  emit(world, { type: 'hit', attacker, victim: edge, damage: 0, hp: 100 });
  step(world);
  assert.equal(xy(world, same), [100, 50]);
  assert.equal(xy(world, edge), [95, 0]);
});

const Crown = suite('king of the hill: crownSystem');

Crown('reaching winScore crowns the player and resets every player\'s points', () => {
  const world = worldOf(crownSystem);
  const score = getStore(world, Score);
  const [a, b] = [at(world, 10, 10), at(world, 20, 20)];
  score[POINTS][a] = 2;
  score[POINTS][b] = 1;
  step(world);
  assert.equal([score[CROWNS][a], score[CROWNS][b]], [0, 0], 'nobody at 3 yet');
  score[POINTS][a] = 3;
  step(world);
  assert.equal([score[CROWNS][a], score[POINTS][a], score[POINTS][b]], [1, 0, 0]);
  assert.ok(world.events.some((e) => e.type === 'crown'));
});

const Tick = suite('king of the hill: a whole tick (kingOfTheHillSystems)');

Tick('Space next to a rival on the hill shoves it off; the attacker then scores alone', () => {
  const world = createBattleWorld({ rules: test, dt: 0.1, seed: 1, systems: [...kingOfTheHillSystems] });
  const king = at(world, 50, 50);
  const rival = at(world, 53, 50);
  ticks(world, 5);
  assert.equal([points(world, king), points(world, rival)], [0, 0], 'contested');
  queueInput(world, king, { attack: true });
  step(world);
  assert.ok(xy(world, rival)[0] > 62, `rival shoved to ${xy(world, rival)}`);
  queueInput(world, king, { attack: false });
  ticks(world, 4);
  assert.is(points(world, king), 1, 'alone since the shove: 0.5 s');
  assert.is(getStore(world, Score)[POINTS][rival], 0);
});

const Page = suite('king of the hill: page and launcher');

Page('the page bundle holds the browser client and no server code', async () => {
  const { bytes, metafile } = await buildExample('king-of-the-hill');
  const inputs = Object.keys(metafile.inputs);
  const server = inputs.filter((p) => /node_modules\/(socket\.io|engine\.io|ws|zod|pino|prom-client)\/|(^|\/)net\/server\/|^game\//.test(p));
  assert.equal(server, [], 'server modules in the page');
  assert.ok(inputs.some((p) => p.startsWith('node_modules/socket.io-client/')), 'the Socket.IO client is in');
  assert.ok(inputs.includes('examples/king-of-the-hill/browser.ts'));
  assert.ok(bytes > 0 && bytes < 1024 * 1024, `${bytes} bytes`);
});

Page('npm run example with an unknown name lists the examples and exits 2', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/run.ts', 'no-such-game'], { cwd: root, encoding: 'utf8' });
  assert.is(run.status, 2);
  assert.match(run.stderr, /examples: .*king-of-the-hill/);
});

Hill.run();
Shove.run();
Crown.run();
Tick.run();
Page.run();
