import { Not, query } from 'bitecs';
import { getStore } from '../component';
import { Dead, Input, Position } from '../components';
import type { BattleWorld } from '../battle';
import { stepMotion } from '../motion';

const out = { x: 0, y: 0 };

/**
 * Moves living players at `rules.speed`: along their input direction (normalised, so diagonals
 * are not faster) or toward their seek target without overshooting it; then clamps to the map.
 */
export function movementSystem(world: BattleWorld): void {
  const { speed, map } = world.rules;
  const dt = world.time.dt;
  const pos = getStore(world, Position);
  const input = getStore(world, Input);
  const maxStep = speed * dt;
  for (const eid of query(world, [pos, input, Not(getStore(world, Dead))])) {
    // The same step clients use to predict themselves and to dead-reckon everyone else, seeks included.
    const seek = input.seek[eid]!;
    stepMotion(pos.x[eid]!, pos.y[eid]!, seek ? input.tx[eid]! : input.mx[eid]!, seek ? input.ty[eid]! : input.my[eid]!, maxStep, map.width, map.height, out, seek);
    pos.x[eid] = out.x;
    pos.y[eid] = out.y;
  }
}
