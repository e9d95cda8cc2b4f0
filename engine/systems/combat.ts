import { addComponent, Not, query } from 'bitecs';
import { getStore } from '../component';
import { Cooldown, Dead, Health, Input, Position, Score } from '../components';
import type { BattleWorld } from '../battle';
import { emit } from '../world';
import type { AttackEvent, HitEvent, KillEvent } from '../events';

// Cooldowns compare float times; this absorbs rounding so 0.5 s at 30 Hz is exactly 15 ticks.
const EPSILON = 1e-9;

/**
 * Resolves attacks: a living player whose input asks to attack and whose cooldown has passed hits
 * every *other living* player within `rules.attack.range` (inclusive). A victim at 0 hp dies
 * (gets `Dead`) and its attacker is credited a kill.
 */
export function combatSystem(world: BattleWorld): void {
  const { attack, respawnDelay } = world.rules;
  const now = world.time.elapsed;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const input = getStore(world, Input);
  const cooldown = getStore(world, Cooldown);
  const score = getStore(world, Score);
  const dead = getStore(world, Dead);
  const rangeSq = attack.range * attack.range;
  const living = query(world, [pos, health, Not(dead)]);
  for (const eid of query(world, [pos, health, input, cooldown, Not(dead)])) {
    if (input.attack[eid] !== 1 || isDeadNow(world, eid)) continue;
    if (now + EPSILON < cooldown.readyAt[eid]!) continue;
    cooldown.readyAt[eid] = now + attack.cooldown;
    emit<AttackEvent>(world, { type: 'attack', eid });
    const ax = pos.x[eid]!;
    const ay = pos.y[eid]!;
    for (let i = 0; i < living.length; i++) {
      const victim = living[i]!;
      if (victim === eid || isDeadNow(world, victim)) continue;
      const dx = pos.x[victim]! - ax;
      const dy = pos.y[victim]! - ay;
      if (dx * dx + dy * dy > rangeSq) continue;
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

// Players killed earlier in this tick stay in the query results until the next query call.
function isDeadNow(world: BattleWorld, eid: number): boolean {
  return getStore(world, Health).hp[eid]! <= 0;
}
