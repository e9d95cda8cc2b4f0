import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, spawnPlayer, queueInput, inputSystem, combatSystem, step, getStore, isAlive,
  addComponent, hasComponent, Health, Dead, Score, Cooldown,
  type BattleWorld, type BattleRules, type BattleEvent,
} from '../../engine';

const dt = 1 / 30;

const Combat = suite<{ world: BattleWorld }>('combat');
Combat.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt, seed: 3, systems: [inputSystem, combatSystem] });
});

const at = (x: number, y: number) => ({ at: { x, y } });
const hp = (world: BattleWorld, eid: number): number => getStore(world, Health).hp[eid]!;
const events = (world: BattleWorld, type: BattleEvent['type']) =>
  (world.events as BattleEvent[]).filter((e) => e.type === type);

/** Queues an attack for `eid` and runs one tick. */
function attack(world: BattleWorld, eid: number): void {
  queueInput(world, eid, { attack: true });
  step(world);
}

Combat('hits a player exactly at range (inclusive)', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(60, 50));
  const c = spawnPlayer(world, at(44, 42)); // (-6, -8): distance exactly 10 on a diagonal
  attack(world, a);
  assert.is(hp(world, b), 90);
  assert.is(hp(world, c), 90);
});

Combat('misses a player just beyond range', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(60.01, 50));
  const c = spawnPlayer(world, at(50, 39.99));
  attack(world, a);
  assert.is(hp(world, b), 100);
  assert.is(hp(world, c), 100);
  assert.equal(events(world, 'attack'), [{ type: 'attack', eid: a }], 'a miss is still an attack');
  assert.is(events(world, 'hit').length, 0);
});

Combat('does not hit the attacker itself', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  attack(world, a);
  assert.is(hp(world, a), 100);
  assert.is(events(world, 'hit').length, 0);
});

Combat('hits every other living player in range at once', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  const c = spawnPlayer(world, at(50, 41));
  const d = spawnPlayer(world, at(50, 50)); // same spot
  const far = spawnPlayer(world, at(80, 80));
  attack(world, a);
  assert.equal([b, c, d, far].map((e) => hp(world, e)), [90, 90, 90, 100]);
  assert.is(hp(world, a), 100);
  const victims = events(world, 'hit').map((e) => (e as { victim: number }).victim).sort((x, y) => x - y);
  assert.equal(victims, [b, c, d]);
});

Combat('does nothing without an attack press', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  queueInput(world, a, { move: { x: 1, y: 0 } });
  step(world);
  assert.is(hp(world, b), 100);
  assert.equal(world.events.filter((e) => e.type !== 'spawn'), []);
  assert.is(getStore(world, Cooldown).readyAt[a], 0, 'no cooldown started');
});

Combat('an attack press counts for one tick only', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  attack(world, a);
  for (let i = 0; i < 40; i++) step(world);
  assert.is(hp(world, b), 90);
});

Combat('enforces the cooldown: 15 ticks at 30 Hz, not 14', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  attack(world, a); // tick 1
  assert.is(hp(world, b), 90);
  for (let i = 2; i <= 15; i++) {
    attack(world, a); // ticks 2..15: less than 0.5 s after tick 1
    assert.is(hp(world, b), 90, `tick ${world.time.tick} is within the cooldown`);
    assert.is(events(world, 'attack').length, 0, 'a refused attack emits nothing');
  }
  attack(world, a); // tick 16: exactly 0.5 s = 15 ticks later
  assert.is(world.time.tick, 16);
  assert.is(hp(world, b), 80);
  assert.is(events(world, 'attack').length, 1);
});

Combat('the cooldown is exactly 15 ticks at 30 Hz from any tick (float rounding absorbed)', () => {
  // At ticks like 7, 25 or 50, (k + 15) / 30 rounds below k / 30 + 0.5 in floating point.
  for (let k = 1; k <= 60; k++) {
    const world = createBattleWorld({ rules, dt, seed: 3, systems: [inputSystem, combatSystem] });
    const a = spawnPlayer(world, at(50, 50));
    const b = spawnPlayer(world, at(55, 50));
    while (world.time.tick < k - 1) step(world);
    attack(world, a); // tick k
    while (world.time.tick < k + 13) step(world);
    attack(world, a); // tick k + 14: too early
    assert.is(hp(world, b), 90, `attack at tick ${k}: tick ${k + 14} is within the cooldown`);
    attack(world, a); // tick k + 15
    assert.is(hp(world, b), 80, `attack at tick ${k}: tick ${k + 15} is allowed`);
  }
});

Combat('an attack refused by the cooldown does not extend it', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  attack(world, a); // tick 1
  for (let i = 0; i < 7; i++) step(world); // tick 8
  attack(world, a); // tick 9: refused
  for (let i = 0; i < 6; i++) step(world); // tick 15
  attack(world, a); // tick 16: 15 ticks after the first attack
  assert.is(hp(world, b), 80);
});

Combat('the cooldown is per attacker', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  attack(world, a);
  attack(world, b);
  assert.is(hp(world, a), 90);
  assert.is(hp(world, b), 90);
});

Combat('dead players neither attack nor are hit', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  const c = spawnPlayer(world, at(45, 50));
  const dead = getStore(world, Dead);
  addComponent(world, b, dead);
  dead.respawnAt[b] = 1000;
  queueInput(world, b, { attack: true });
  attack(world, a);
  assert.is(hp(world, a), 100, 'the dead player did not attack');
  assert.is(hp(world, b), 100, 'the dead player was not hit');
  assert.is(hp(world, c), 90, 'the living one was');
  assert.equal(events(world, 'attack'), [{ type: 'attack', eid: a }]);
});

Combat('a kill: Dead with respawnAt = now + respawnDelay, kill and death credited', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  getStore(world, Health).hp[b] = 10;
  for (let i = 0; i < 5; i++) step(world);
  attack(world, a); // tick 6
  assert.is(hp(world, b), 0);
  assert.ok(hasComponent(world, b, getStore(world, Dead)));
  assert.not.ok(isAlive(world, b));
  assert.ok(isAlive(world, a));
  assert.ok(Math.abs(getStore(world, Dead).respawnAt[b]! - (6 * dt + 3)) < 1e-9, `respawnAt ${getStore(world, Dead).respawnAt[b]}`);
  const score = getStore(world, Score);
  assert.equal([score.kills[a], score.deaths[a], score.kills[b], score.deaths[b]], [1, 0, 0, 1]);
});

Combat('emits attack, hit and kill events with the right fields, in that order', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  const c = spawnPlayer(world, at(45, 50));
  getStore(world, Health).hp[c] = 10;
  attack(world, a);
  // Spawns made before the tick are reported with it; combat's own events follow them.
  const all = (world.events as BattleEvent[]).filter((e) => e.type !== 'spawn');
  assert.equal(all[0], { type: 'attack', eid: a });
  const hits = events(world, 'hit');
  assert.equal(hits.find((e) => (e as { victim: number }).victim === b), { type: 'hit', attacker: a, victim: b, damage: 10, hp: 90 });
  assert.equal(hits.find((e) => (e as { victim: number }).victim === c), { type: 'hit', attacker: a, victim: c, damage: 10, hp: 0 });
  assert.equal(events(world, 'kill'), [{ type: 'kill', attacker: a, victim: c }]);
  const hitC = all.findIndex((e) => e.type === 'hit' && e.victim === c);
  assert.is(all.findIndex((e) => e.type === 'kill'), hitC + 1, 'the kill follows its hit');
  assert.is(all.length, 4);
});

Combat('health never goes below 0', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  getStore(world, Health).hp[b] = 4;
  attack(world, a);
  assert.is(hp(world, b), 0);
  assert.equal(events(world, 'hit')[0], { type: 'hit', attacker: a, victim: b, damage: 10, hp: 0 });
});

Combat('a dead player is not killed again', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(55, 50));
  getStore(world, Health).hp[b] = 10;
  attack(world, a);
  for (let i = 0; i < 15; i++) step(world);
  attack(world, a);
  assert.is(hp(world, b), 0);
  assert.is(events(world, 'kill').length, 0);
  const score = getStore(world, Score);
  assert.equal([score.kills[a], score.deaths[b]], [1, 1]);
});

Combat('a player killed earlier in the tick does not strike back in the same tick', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50)); // lower id: resolved first
  const b = spawnPlayer(world, at(55, 50));
  getStore(world, Health).hp[b] = 10;
  queueInput(world, b, { attack: true });
  attack(world, a);
  assert.is(hp(world, a), 100);
  assert.equal(events(world, 'attack'), [{ type: 'attack', eid: a }]);
});

Combat('a victim killed by one attacker is not hit again by a later attacker in the same tick', ({ world }) => {
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(58, 50));
  const v = spawnPlayer(world, at(54, 50)); // in range of both
  getStore(world, Health).hp[v] = 10;
  queueInput(world, b, { attack: true });
  attack(world, a);
  const score = getStore(world, Score);
  assert.equal([score.kills[a], score.kills[b], score.deaths[v]], [1, 0, 1]);
  assert.is(hp(world, b), 90, 'a hit b');
  assert.is(hp(world, a), 90, 'b still attacked a');
  assert.equal(events(world, 'kill'), [{ type: 'kill', attacker: a, victim: v }]);
});

Combat.run();

// --- through the spatial grid: the same hits as the original all-pairs loop -----------------------
import { createRng, Position, movementSystem, spatialSystem, respawnSystem } from '../../engine';
import { rules } from '../rules';
import { allPairsCombat } from '../../bench/lib/all-pairs-combat';


const Equivalence = suite('combat: grid vs all pairs');

Equivalence('seeded matches: the grid-based combat gives the same hp, scores, deaths and events, tick by tick', () => {
  let hits = 0;
  let kills = 0;
  let exactRange = 0;
  let crowdedAttacks = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const script = createRng(seed * 104729);
    // Odd maps, cell sizes below, at and above the range, crowds from a handful to hundreds.
    const crowd = seed % 5 === 0; // dozens of victims per attack
    const width = crowd ? 20 : [20, 50, 100, 37.5][seed % 4]!;
    const height = crowd ? 20 : [20, 30, 100, 91][(seed >> 2) % 4]!;
    const n = crowd ? 100 + script.int(50) : 4 + script.int(40);
    const lattice = seed % 3 === 0; // integer spots and no movement: many players at exactly the range
    const arena: BattleRules = {
      ...rules, map: { width, height }, speed: lattice ? 0 : 25, respawnDelay: 0.4,
      attack: { range: [10, 5, 7.5][seed % 3]!, damage: 25, cooldown: 0.2 },
      gridCellSize: [1, 5, 10, 16, 100][seed % 5]!,
    };
    const real = createBattleWorld({ rules: arena, dt, seed, capacity: 512, systems: [inputSystem, movementSystem, spatialSystem, combatSystem, respawnSystem] });
    const ref = createBattleWorld({ rules: arena, dt, seed, capacity: 512, systems: [inputSystem, movementSystem, allPairsCombat, respawnSystem] });
    for (let i = 0; i < n; i++) {
      const at = lattice ? { at: { x: script.int(width + 1), y: script.int(height + 1) } } : {};
      spawnPlayer(real, at);
      spawnPlayer(ref, at);
    }
    const pos = getStore(real, Position);
    for (let t = 0; t < 50; t++) {
      for (let eid = 1; eid <= n; eid++) {
        const roll = script.next();
        const cmd = roll < 0.25 ? { move: { x: script.range(-1, 1), y: script.range(-1, 1) }, attack: script.next() < 0.5 }
          : roll < 0.35 ? { target: { x: script.range(0, width), y: script.range(0, height) } }
            : roll < 0.75 ? { attack: true } : {};
        queueInput(real, eid, cmd);
        queueInput(ref, eid, cmd);
      }
      step(real);
      step(ref);
      const tag = `seed ${seed} tick ${real.time.tick}`;
      const strip = (w: BattleWorld) => w.events.filter((e) => e.type !== 'spawn');
      assert.equal(strip(real), strip(ref), `${tag}: events`);
      const slice = (w: BattleWorld) => [
        ...getStore(w, Health).hp.slice(0, n + 1), ...getStore(w, Score).kills.slice(0, n + 1),
        ...getStore(w, Score).deaths.slice(0, n + 1), ...getStore(w, Position).x.slice(0, n + 1),
        ...Array.from({ length: n }, (_, i) => Number(isAlive(w, i + 1))),
      ];
      assert.equal(slice(real), slice(ref), `${tag}: hp, kills, deaths, x, alive`);
      let attackHits = 0;
      for (const e of real.events as BattleEvent[]) {
        if (e.type === 'attack') attackHits = 0;
        if (e.type === 'hit' && ++attackHits === 40) crowdedAttacks++;
        if (e.type === 'kill') kills++;
        if (e.type !== 'hit') continue;
        hits++;
        const dx = pos.x[e.victim]! - pos.x[e.attacker]!;
        const dy = pos.y[e.victim]! - pos.y[e.attacker]!;
        if (dx * dx + dy * dy === arena.attack.range * arena.attack.range) exactRange++;
      }
    }
  }
  assert.ok(hits > 5000 && kills > 200, `the matches must fight (${hits} hits, ${kills} kills)`);
  assert.ok(exactRange > 20, `some hits must be at exactly the range (${exactRange})`);
  assert.ok(crowdedAttacks > 30, `some attacks must hit a crowd (${crowdedAttacks} with 40 hits or more)`);
});

Equivalence('the grid is rebuilt by combat when no spatialSystem ran this tick', () => {
  const world = createBattleWorld({ rules, dt, seed: 3, systems: [inputSystem, combatSystem] });
  const a = spawnPlayer(world, at(50, 50));
  const b = spawnPlayer(world, at(80, 80));
  step(world);
  getStore(world, Position).x[b] = 55; // moved by hand between ticks
  getStore(world, Position).y[b] = 50;
  attack(world, a);
  assert.is(hp(world, b), 90);
  assert.is(world.grid.builtAt, world.time.tick);
});

Equivalence.run();
