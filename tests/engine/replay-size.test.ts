import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBattleWorld, createRng, queueInput, spawnPlayer, step } from '../../engine';
import { recordMatch, verifyReplay } from '../../engine/replay';
import { defaultRules } from '../../game/rules';
import { DIRECTIONS } from '../../bench/bots/behavior';

const Size = suite('replay size');

Size('16 wander players for 2 simulated minutes take at most 20 KB per player-minute', () => {
  const world = createBattleWorld({ rules: defaultRules, seed: 1, capacity: 64 });
  const players = Array.from({ length: 16 }, () => spawnPlayer(world));
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const recorder = recordMatch(world, { sink: (c) => { chunks.push(c); bytes += c.length; } });
  const rng = createRng(7);
  const dirs = new Uint8Array(64);
  const dt = world.time.dt;
  // As the wander bots: an input every tick, a new direction every 0.5 s and an attack every second on average.
  for (let t = 0; t < 2 * 60 * 30; t++) {
    for (const eid of players) {
      if (rng.next() < dt / 0.5) dirs[eid] = rng.int(DIRECTIONS.length);
      const d = DIRECTIONS[dirs[eid]!]!;
      const attack = rng.next() < dt;
      queueInput(world, eid, { seq: t + 1, move: { x: d[0], y: d[1] }, attack, viewTimeS: attack ? world.time.elapsed - 0.1 : undefined });
    }
    step(world);
  }
  recorder.close();
  const perPlayerMinute = bytes / 16 / 2;
  console.log(`  replay size: ${bytes} bytes, ${perPlayerMinute.toFixed(0)} bytes per player-minute`);
  assert.ok(perPlayerMinute <= 20_000, `${perPlayerMinute} bytes per player-minute`);
  const file = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  assert.ok(verifyReplay(file).ok);
});

Size.run();
