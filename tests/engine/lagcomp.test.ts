import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, createRng, spawnPlayer, queueInput, step, getStore, addComponent, removeComponent, query, Not,
  positionAt, lagCompensationOf, emit, inputSystem, movementSystem, respawnSystem, historySystem,
  Position, Health, Input, Cooldown, Score, Dead,
  type BattleWorld, type BattleRules, type System,
} from '../../engine';

const rules: BattleRules = {
  map: { width: 100, height: 100 }, speed: 25, health: 100,
  attack: { range: 10, damage: 10, cooldown: 0.5 }, respawnDelay: 3,
  lagCompensation: { maxRewind: 0.25, history: 1 },
};
const { lagCompensation: _, ...plain } = rules;
const dt = 1 / 30;

const LagComp = suite<{ world: BattleWorld }>('lag compensation');
LagComp.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt, seed: 6 });
});

const hp = (world: BattleWorld, eid: number): number => getStore(world, Health).hp[eid]!;
const x = (world: BattleWorld, eid: number): number => getStore(world, Position).x[eid]!;
const until = (world: BattleWorld, tick: number): void => {
  while (world.time.tick < tick) step(world);
};

/** Queues an attack by `eid` that saw the world as it was at `viewTick`, and runs one tick. */
function attackSeenAt(world: BattleWorld, eid: number, viewTick: number): void {
  queueInput(world, eid, { attack: true, viewTimeS: viewTick * dt });
  step(world);
}

/**
 * The attacker `a` stands at (50, 50); `b` starts at (55, 50) and runs away along x at 25 units/s:
 * within range (x ≤ 60) up to tick 6, out of it from tick 7 on.
 */
function chase(world: BattleWorld): { a: number; b: number } {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const b = spawnPlayer(world, { at: { x: 55, y: 50 } });
  queueInput(world, b, { move: { x: 1, y: 0 } });
  return { a, b };
}

LagComp('a target that ran out of range after the attacker saw it is hit, within maxRewind', ({ world }) => {
  const { a, b } = chase(world);
  until(world, 9);
  attackSeenAt(world, a, 4); // tick 10: 6 ticks = 0.2 s back
  assert.ok(x(world, b) - 50 > 13, `setup: b is far out of range now (x ${x(world, b)})`);
  assert.is(hp(world, b), 90);
});

LagComp('a rewind beyond maxRewind is clamped to it', ({ world }) => {
  const { a, b } = chase(world);
  until(world, 19);
  attackSeenAt(world, a, 4); // tick 20: 16 ticks back, clamped to 7.5 (b then at ~65.4)
  assert.is(hp(world, b), 100, 'clamped: b was already out of range 0.25 s ago');

  const patient = createBattleWorld({ rules: { ...rules, lagCompensation: { maxRewind: 0.6, history: 1 } }, dt, seed: 6 });
  const p = chase(patient);
  until(patient, 19);
  attackSeenAt(patient, p.a, 4);
  assert.is(hp(patient, p.b), 90, 'the same attack with a 0.6 s cap reaches back to tick 4');
});

LagComp('without rules.lagCompensation, viewTimeS is ignored: targets are where they are now', () => {
  const world = createBattleWorld({ rules: plain, dt, seed: 6 });
  const { a, b } = chase(world);
  until(world, 9);
  attackSeenAt(world, a, 4);
  assert.is(hp(world, b), 100);
});

LagComp('a target in range now but out of range at the view time is not hit (and is without lag compensation)', () => {
  const play = (r: BattleRules): number => {
    const world = createBattleWorld({ rules: r, dt, seed: 6 });
    const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
    const b = spawnPlayer(world, { at: { x: 65, y: 50 } });
    queueInput(world, b, { move: { x: -1, y: 0 } }); // in range from tick 6 (x 60)
    until(world, 9);
    attackSeenAt(world, a, 3); // b at 62.5 then, 57.5 now
    return hp(world, b);
  };
  assert.is(play(rules), 100);
  assert.is(play(plain), 90);
});

LagComp('the attacker is not rewound: it attacks from where the server has it now', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const left = spawnPlayer(world, { at: { x: 58, y: 50 } }); // 8 away at tick 0, ~11.3 at tick 4
  const right = spawnPlayer(world, { at: { x: 38, y: 50 } }); // 12 away at tick 0, ~8.7 at tick 4
  queueInput(world, a, { move: { x: -1, y: 0 } });
  until(world, 3);
  attackSeenAt(world, a, 1); // tick 4
  assert.is(hp(world, left), 100);
  assert.is(hp(world, right), 90);
});

LagComp('a target that was dead at the view time is not hit, nor between death and life', () => {
  /** b dead at ticks 5 and 6, alive before and after; a attacks at tick 9 having seen `viewTick`. */
  const play = (viewTick: number): number[] => {
    const world = createBattleWorld({ rules, dt, seed: 6 });
    const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
    const b = spawnPlayer(world, { at: { x: 55, y: 50 } });
    const c = spawnPlayer(world, { at: { x: 45, y: 50 } }); // alive all along: shows the attack landed
    const dead = getStore(world, Dead);
    until(world, 4);
    addComponent(world, b, dead);
    dead.respawnAt[b] = 1000;
    until(world, 6);
    removeComponent(world, b, dead);
    until(world, 8);
    attackSeenAt(world, a, viewTick); // tick 9
    return [hp(world, b), hp(world, c)];
  };
  assert.equal(play(5), [100, 90], 'dead at tick 5');
  assert.equal(play(6), [100, 90], 'dead at tick 6');
  assert.equal(play(6.5), [100, 90], 'between dead tick 6 and living tick 7');
  assert.equal(play(4.5), [100, 90], 'between living tick 4 and dead tick 5');
  assert.equal(play(7), [90, 90], 'alive again at tick 7');
  assert.equal(play(3.5), [90, 90], 'alive at ticks 3 and 4');
});

LagComp('a target alive at the view time but dead now is not hit', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const b = spawnPlayer(world, { at: { x: 55, y: 50 } });
  const c = spawnPlayer(world, { at: { x: 45, y: 50 } });
  until(world, 5);
  addComponent(world, b, getStore(world, Dead));
  getStore(world, Dead).respawnAt[b] = 1000;
  attackSeenAt(world, a, 3);
  assert.equal([hp(world, b), hp(world, c)], [100, 90]);
});

LagComp('a view time now or in the future resolves against current positions', ({ world }) => {
  const { a, b } = chase(world);
  until(world, 5);
  queueInput(world, a, { attack: true, viewTimeS: 100 });
  step(world); // tick 6: b at 60, exactly at range
  assert.is(hp(world, b), 90);
});

LagComp('a command without an attack does not leave its viewTimeS for a later attack', ({ world }) => {
  const { a, b } = chase(world);
  until(world, 9);
  queueInput(world, a, { move: { x: 0, y: 0 }, viewTimeS: 4 * dt });
  step(world); // tick 10
  queueInput(world, a, { attack: true });
  step(world); // tick 11: no view time, so b is where it is now
  assert.is(getStore(world, Input).viewTimeS[a], 0);
  assert.is(hp(world, b), 100);
});

// --- randomized: the grid's inflated candidates vs a brute-force rewind over every player ----------

/** Reference combat: the original all-pairs loop, rewinding victims the same documented way. */
const referenceCombat: System<BattleWorld> = (world) => {
  const { attack, respawnDelay } = world.rules;
  const lag = lagCompensationOf(world.rules)!;
  const now = world.time.elapsed;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const input = getStore(world, Input);
  const cooldown = getStore(world, Cooldown);
  const score = getStore(world, Score);
  const dead = getStore(world, Dead);
  // Ascending entity ids, as the engine's combat orders attackers and victims.
  const living = [...query(world, [pos, health, Not(dead)])].sort((a, b) => a - b);
  const then = { x: 0, y: 0 };
  for (const eid of [...query(world, [pos, health, input, cooldown, Not(dead)])].sort((a, b) => a - b)) {
    if (input.attack[eid] !== 1 || health.hp[eid]! <= 0) continue;
    if (now + 1e-9 < cooldown.readyAt[eid]!) continue;
    cooldown.readyAt[eid] = now + attack.cooldown;
    emit(world, { type: 'attack', eid });
    const view = input.viewTimeS[eid]!;
    const t = view > 0 ? Math.min(now, Math.max(now - lag.maxRewind, view)) : now;
    for (const victim of living) {
      if (victim === eid || health.hp[victim]! <= 0) continue;
      if (!positionAt(world, victim, t, then)) continue;
      const dx = then.x - pos.x[eid]!;
      const dy = then.y - pos.y[eid]!;
      if (dx * dx + dy * dy > attack.range * attack.range) continue;
      health.hp[victim] = Math.max(0, health.hp[victim]! - attack.damage);
      if (health.hp[victim]! <= 0) {
        addComponent(world, victim, dead);
        dead.respawnAt[victim] = now + respawnDelay;
        score.deaths[victim]!++;
        score.kills[eid]!++;
      }
    }
  }
};

LagComp('rewound attacks through the grid hit exactly whom a brute-force rewind hits (seeded scenarios)', () => {
  // A small map and short respawns so that players meet, die and come back within the history.
  const arena: BattleRules = {
    ...rules, map: { width: 40, height: 40 }, respawnDelay: 0.3, attack: { range: 6, damage: 20, cooldown: 0.2 },
    lagCompensation: { maxRewind: 0.25, history: 0.5 },
  };
  let hits = 0;
  let withDeaths = 0;
  let unlikePlain = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const cellSize = [3, 6, 11][seed % 3]!;
    const real = createBattleWorld({ rules: { ...arena, gridCellSize: cellSize }, dt, seed });
    const ref = createBattleWorld({ rules: arena, dt, seed, systems: [inputSystem, movementSystem, referenceCombat, respawnSystem, historySystem] });
    const unrewound = createBattleWorld({ rules: { ...arena, lagCompensation: undefined }, dt, seed });
    const script = createRng(seed * 7919);
    const n = 12 + script.int(12);
    for (let i = 0; i < n; i++) {
      spawnPlayer(real);
      spawnPlayer(ref);
      spawnPlayer(unrewound);
    }
    for (let t = 0; t < 90; t++) {
      for (let eid = 1; eid <= n; eid++) {
        const roll = script.next();
        const view = real.time.elapsed + dt - script.range(-0.05, 0.45); // some beyond the cap, some ahead
        const cmd = roll < 0.3 ? { move: { x: script.range(-1, 1), y: script.range(-1, 1) } }
          : roll < 0.4 ? { target: { x: script.range(0, 40), y: script.range(0, 40) } }
            : roll < 0.7 ? { attack: true, viewTimeS: view } : {};
        queueInput(real, eid, cmd);
        queueInput(ref, eid, cmd);
        queueInput(unrewound, eid, cmd);
      }
      const before = getStore(real, Health).hp.slice(0, n + 1);
      step(real);
      step(ref);
      step(unrewound);
      const a = getStore(real, Health).hp.slice(0, n + 1);
      assert.equal([...a], [...getStore(ref, Health).hp.slice(0, n + 1)], `seed ${seed} tick ${real.time.tick}: hp`);
      assert.equal([...getStore(real, Score).kills.slice(0, n + 1)], [...getStore(ref, Score).kills.slice(0, n + 1)], `seed ${seed}: kills`);
      for (let e = 1; e <= n; e++) if (a[e]! < before[e]!) hits++;
    }
    withDeaths += Number(getStore(real, Score).deaths.slice(0, n + 1).some((d) => d > 0));
    // The same script without lag compensation must end differently, or the rewind was not exercised.
    unlikePlain += Number(getStore(real, Score).kills.slice(0, n + 1).join() !== getStore(unrewound, Score).kills.slice(0, n + 1).join());
  }
  assert.ok(hits > 300, `the scenarios must fight (${hits} hits)`);
  assert.ok(withDeaths > 15, `players must die and respawn (${withDeaths} scenarios with deaths)`);
  assert.ok(unlikePlain > 10, `the rewind must change outcomes (${unlikePlain} scenarios unlike the unrewound one)`);
});

LagComp.run();
