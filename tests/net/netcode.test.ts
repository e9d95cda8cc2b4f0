// Netcode under a bad link: 150 ms round trip, ±20 ms jitter, 2 % loss (TCP: retransmits).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getStore, Health, Position, type BattleRules } from '../../engine';
import { latestPosition, type GameClient, type LinkConditions } from '../../net';
import { Harness, rules as baseRules } from './harness';
import { sleep, waitFor } from '../helpers';

const bad: LinkConditions = { latency: 75, jitter: 20, loss: 2, bandwidth: 0 };
const lagComp: BattleRules = { ...baseRules, lagCompensation: { maxRewind: 0.25, history: 1 } };

const Netcode = suite<{ h: Harness }>('netcode under 150 ms RTT, 20 ms jitter, 2 % loss');
Netcode.before.each((ctx) => {
  ctx.h = new Harness();
});
Netcode.after.each(async (ctx) => {
  await ctx.h.close();
});

/** Calls `update()` every ~16 ms (a 60 Hz frame loop) until stopped. */
function frames(client: GameClient, each?: () => void): () => void {
  let on = true;
  const loop = (): void => {
    if (!on) return;
    client.update();
    each?.();
    setTimeout(loop, 16);
  };
  loop();
  return () => {
    on = false;
  };
}

Netcode('own movement shows on the first frame after the key press; prediction and server converge', async ({ h }) => {
  await h.start({ rules: lagComp });
  const me = await h.engine({ conditions: bad });
  await waitFor(() => me.clock.samples >= 5, 5000, 'clock settled');
  h.place(me.welcome!.sid, 50, 50);
  const eid = h.eidOf(me.welcome!.sid);
  await waitFor(() => latestPosition(me.world, me.welcome!.id)!.x === 50, 3000, 'placement seen');
  await sleep(300);
  me.update();
  const before = me.predicted!.x;
  me.sendInput({ mx: 1, my: 0, attack: false });
  await sleep(16);
  me.update();
  const first = me.predicted!.x;
  assert.ok(first > before, `first frame after the press: ${before} → ${first}`);
  assert.is(getStore(h.server.match.world, Position).x[eid], 50, 'the server has not even seen the input yet');
  const stop = frames(me);
  await sleep(600);
  me.sendInput({ mx: 0, my: 0, attack: false });
  await sleep(1200);
  stop();
  me.update();
  const server = getStore(h.server.match.world, Position).x[eid]!;
  assert.ok(server > 55, `moved on the server: ${server}`);
  assert.ok(Math.abs(me.predicted!.x - server) < 1e-4, `converged: predicted ${me.predicted!.x} vs server ${server}`);
  assert.ok(Math.abs(getStore(me.world, Position).x[me.localEntity!]! - server) < 1e-3, 'drawn where the server is');
});

Netcode('remote players move without jumps larger than one update\'s travel', async ({ h }) => {
  await h.start({ rules: lagComp });
  const mover = await h.engine();
  const watcher = await h.engine({ conditions: bad });
  h.place(mover.welcome!.sid, 50, 50);
  const id = mover.welcome!.id;
  await waitFor(() => watcher.world.entities.has(id), 3000);
  await sleep(500);
  const pos = getStore(watcher.world, Position);
  let last: { x: number; y: number; t: number } | undefined;
  let worst = 0;
  let path = 0;
  const tickTravel = (25 * 1000) / 30 / 1000;
  const stop = frames(watcher, () => {
    const eid = watcher.world.entities.get(id);
    if (eid === undefined) return;
    const now = performance.now();
    const p = { x: pos.x[eid]!, y: pos.y[eid]!, t: now };
    if (last) {
      const d = Math.hypot(p.x - last.x, p.y - last.y);
      // A slow frame may legitimately cover more ground: allow one tick's travel per tick elapsed.
      const allowed = tickTravel * Math.max(1, (now - last.t) / (1000 / 30)) + 0.05;
      worst = Math.max(worst, d / allowed);
      path += d;
    }
    last = p;
  });
  // Zig-zag: a new direction every 200–400 ms for 5 s, each a surprise to the watcher.
  const dirs = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, 1], [1, -1], [-1, -1]] as const;
  for (let i = 0; i < 18; i++) {
    const [mx, my] = dirs[(i * 3) % 8]!;
    mover.sendInput({ mx, my, attack: false });
    await sleep(200 + ((i * 37) % 200));
  }
  mover.sendInput({ mx: 0, my: 0, attack: false });
  await sleep(600);
  stop();
  assert.ok(path > 30, `the watcher saw it walk (${path.toFixed(1)} units)`);
  assert.ok(worst <= 1, `largest frame step was ${worst.toFixed(2)}× one update's travel`);
});

/** The attacker swings when, on its screen, the fleeing target is 9 units away; the server has it further. */
async function swingAtFleeing(h: Harness, attacker: GameClient, target: GameClient): Promise<boolean> {
  const tEid = h.eidOf(target.welcome!.sid);
  const hp = () => getStore(h.server.match.world, Health).hp[tEid]!;
  const before = hp();
  h.place(attacker.welcome!.sid, 20, 50);
  h.place(target.welcome!.sid, 24, 50);
  await sleep(700);
  const pos = getStore(attacker.world, Position);
  let serverDistance = Number.NaN;
  await new Promise<void>((resolve) => {
    target.sendInput({ mx: 1, my: 0, attack: false });
    const stop = frames(attacker, () => {
      const e = attacker.world.entities.get(target.welcome!.id);
      if (e === undefined || pos.x[e]! - 20 < 9) return;
      attacker.sendInput({ mx: 0, my: 0, attack: true });
      serverDistance = getStore(h.server.match.world, Position).x[tEid]! - 20;
      stop();
      resolve();
    });
  });
  await sleep(400);
  target.sendInput({ mx: 0, my: 0, attack: false });
  attacker.sendInput({ mx: 0, my: 0, attack: false });
  assert.ok(serverDistance > 10, `when the attacker swung, the server had the target out of range (${serverDistance.toFixed(2)})`);
  await sleep(600); // cooldown
  return hp() < before;
}

Netcode('a hit on a target the attacker saw within range registers (lag compensation, within the cap)', async ({ h }) => {
  await h.start({ rules: lagComp });
  const attacker = await h.engine({ conditions: bad });
  const target = await h.engine();
  await waitFor(() => attacker.clock.samples >= 5 && attacker.world.entities.size === 2, 5000);
  let hits = 0;
  for (let i = 0; i < 3 && hits === 0; i++) if (await swingAtFleeing(h, attacker, target)) hits++;
  assert.is(hits, 1, 'registered');
});

Netcode('without lag compensation the same swing misses (the test above is not trivially true)', async ({ h }) => {
  await h.start({ rules: baseRules });
  const attacker = await h.engine({ conditions: bad });
  const target = await h.engine();
  await waitFor(() => attacker.clock.samples >= 5 && attacker.world.entities.size === 2, 5000);
  assert.not.ok(await swingAtFleeing(h, attacker, target));
});

Netcode.run();
