import { addComponent, Not, query } from 'bitecs';
import { getStore } from '../component';
import { Cooldown, Dead, Health, Input, Position, Score } from '../components';
import type { BattleWorld } from '../battle';
import { emit } from '../world';
import type { AttackEvent, HitEvent, KillEvent } from '../events';
import { queryRadius, rebuildGrid } from '../spatial';
import { positionAt } from '../history';
import { lagCompensationOf } from '../rules';
import { ascending, createAscending } from '../order';

// Cooldowns compare float times; this absorbs rounding so 0.5 s at 30 Hz is exactly 15 ticks.
const EPSILON = 1e-9;

// Scratch for grid queries, hits and rewound positions: combat runs to completion before anything
// else can use them, so one of each serves every world.
const candidates: number[] = [];
const hits: number[] = [];
const rewound = { x: 0, y: 0 };
let keys = new Float64Array(64);
const attackers = createAscending();

/**
 * Resolves attacks: a living player whose input asks to attack and whose cooldown has passed hits
 * every *other living* player within `rules.attack.range` (inclusive), found through `world.grid`.
 * A victim at 0 hp dies (gets `Dead`) and its attacker is credited a kill. With
 * `rules.lagCompensation` and an attack `viewTimeS`, victims are tested where they were at that
 * time (clamped to `maxRewind`), from where the attacker is now; a victim dead then, or now, is
 * not hit. Victims are found in the grid within range + the distance they can have run since
 * (`rules.speed` × rewind), so a player who died and respawned within the rewind (possible only
 * when `respawnDelay` < `maxRewind`) is not found at its old spot.
 * @throws like `rebuildGrid`, when it has to rebuild a grid no `spatialSystem` rebuilt this tick.
 */
export function combatSystem(world: BattleWorld): void {
  const { attack, respawnDelay, speed, map } = world.rules;
  const now = world.time.elapsed;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const input = getStore(world, Input);
  const cooldown = getStore(world, Cooldown);
  const score = getStore(world, Score);
  const dead = getStore(world, Dead);
  const grid = world.grid;
  // Worlds whose system list has no spatialSystem still get current positions.
  if (grid.builtAt !== world.time.tick) rebuildGrid(world);
  const lag = world.history === null ? null : lagCompensationOf(world.rules);
  const range = attack.range;
  const rangeSq = range * range;
  // Attackers in entity id order, from a snapshot: who strikes first decides who dies, so the
  // order must not depend on query history, nor change while kills add Dead.
  for (const eid of ascending(query(world, [pos, health, input, cooldown, Not(dead)]), attackers)) {
    if (input.attack[eid] !== 1 || health.hp[eid]! <= 0) continue;
    if (now + EPSILON < cooldown.readyAt[eid]!) continue;
    cooldown.readyAt[eid] = now + attack.cooldown;
    emit<AttackEvent>(world, { type: 'attack', eid });
    const ax = pos.x[eid]!;
    const ay = pos.y[eid]!;
    const viewTimeS = input.viewTimeS[eid]!;
    const rewinding = lag !== null && viewTimeS > 0;
    let found: number;
    let at = now;
    if (rewinding) {
      at = Math.min(now, Math.max(now - lag.maxRewind, viewTimeS));
      found = queryRadius(grid, ax, ay, range + reach(speed, now - at, world.time.dt, map), candidates);
    } else {
      // The grid filters by exact distance on the same Float32 positions: no second check needed.
      found = queryRadius(grid, ax, ay, range, candidates);
    }
    let hitCount = 0;
    for (let i = 0; i < found; i++) {
      const victim = candidates[i]!;
      if (victim === eid || health.hp[victim]! <= 0) continue;
      if (rewinding) {
        if (!positionAt(world, victim, at, rewound)) continue;
        const dx = rewound.x - ax;
        const dy = rewound.y - ay;
        if (dx * dx + dy * dy > rangeSq) continue;
      }
      hits[hitCount++] = victim;
    }
    // Victims in grid order (ascending entity id): kills then add Dead in the same order on every
    // run, and a seeded match replays the same.
    sortByOrder(hits, hitCount, grid.order, grid.capacity);
    for (let i = 0; i < hitCount; i++) {
      const victim = hits[i]!;
      const hp = Math.max(0, health.hp[victim]! - attack.damage);
      health.hp[victim] = hp;
      emit<HitEvent>(world, { type: 'hit', attacker: eid, victim, damage: attack.damage, hp });
      if (hp <= 0) {
        addComponent(world, victim, dead);
        dead.respawnAt[victim] = now + respawnDelay;
        score.deaths[victim]!++;
        score.kills[eid]!++;
        emit<KillEvent>(world, { type: 'kill', attacker: eid, victim });
      }
    }
  }
}

// Sorts eids[0 .. n) by order[eid]: insertion sort for the usual handful, a typed-array sort of
// packed (order, eid) keys when a crowd is in range.
function sortByOrder(eids: number[], n: number, order: Int32Array, capacity: number): void {
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const e = eids[i]!;
      const k = order[e]!;
      let j = i - 1;
      while (j >= 0 && order[eids[j]!]! > k) {
        eids[j + 1] = eids[j]!;
        j--;
      }
      eids[j + 1] = e;
    }
    return;
  }
  if (keys.length < n) keys = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) keys[i] = order[eids[i]!]! * capacity + eids[i]!;
  const sorted = keys.subarray(0, n).sort();
  for (let i = 0; i < n; i++) eids[i] = sorted[i]! % capacity;
}

/**
 * How far a player can have moved in `rewind` seconds: speed × rewind, plus what Float32 rounding
 * of positions may add over those ticks. Players are assumed to move only by the movement system;
 * a teleport (or a death and respawn within the rewind) can outrun it.
 */
function reach(speed: number, rewind: number, dt: number, map: { width: number; height: number }): number {
  if (rewind <= 0) return 0;
  const ticks = Math.ceil(rewind / dt) + 2;
  const ulp = Math.max(map.width, map.height) * 2 ** -23;
  return speed * rewind * (1 + 1e-9) + 4 * ticks * ulp;
}
