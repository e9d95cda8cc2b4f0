// The combat system as it was before the spatial grid: every attacker against every living player.
// The reference the grid-based combat is timed against (bench/engine-grid.ts) and checked against
// (tests/engine/combat.test.ts); it lives here because nothing may import tests/.
import {
  addComponent, Cooldown, Dead, emit, getStore, Health, Input, Not, Position, query, Score,
  type AttackEvent, type BattleWorld, type HitEvent, type KillEvent, type System,
} from '../../engine';

/** All-pairs combat with the same semantics as `combatSystem` (no lag compensation). */
export const allPairsCombat: System<BattleWorld> = (world) => {
  const { attack: a, respawnDelay } = world.rules;
  const now = world.time.elapsed;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const input = getStore(world, Input);
  const cooldown = getStore(world, Cooldown);
  const score = getStore(world, Score);
  const dead = getStore(world, Dead);
  const rangeSq = a.range * a.range;
  // Ascending entity ids, as the engine's combat orders attackers and victims.
  const living = [...query(world, [pos, health, Not(dead)])].sort((a, b) => a - b);
  for (const eid of [...query(world, [pos, health, input, cooldown, Not(dead)])].sort((a, b) => a - b)) {
    if (input.attack[eid] !== 1 || health.hp[eid]! <= 0) continue;
    if (now + 1e-9 < cooldown.readyAt[eid]!) continue;
    cooldown.readyAt[eid] = now + a.cooldown;
    emit<AttackEvent>(world, { type: 'attack', eid });
    for (let i = 0; i < living.length; i++) {
      const victim = living[i]!;
      if (victim === eid || health.hp[victim]! <= 0) continue;
      const dx = pos.x[victim]! - pos.x[eid]!;
      const dy = pos.y[victim]! - pos.y[eid]!;
      if (dx * dx + dy * dy > rangeSq) continue;
      const left = Math.max(0, health.hp[victim]! - a.damage);
      health.hp[victim] = left;
      emit<HitEvent>(world, { type: 'hit', attacker: eid, victim, damage: a.damage, hp: left });
      if (left <= 0) {
        addComponent(world, victim, dead);
        dead.respawnAt[victim] = now + respawnDelay;
        score.deaths[victim]!++;
        score.kills[eid]!++;
        emit<KillEvent>(world, { type: 'kill', attacker: eid, victim });
      }
    }
  }
};
