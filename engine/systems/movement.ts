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
    const x0 = pos.x[eid]!;
    const y0 = pos.y[eid]!;
    if (input.seek[eid] === 1) {
      let dx = input.tx[eid]! - x0;
      let dy = input.ty[eid]! - y0;
      const dist = Math.sqrt(dx * dx + dy * dy);
      if (dist > maxStep) {
        dx = (dx / dist) * maxStep;
        dy = (dy / dist) * maxStep;
      } else if (dist === 0) {
        input.seek[eid] = 0;
      }
      pos.x[eid] = Math.min(map.width, Math.max(0, x0 + dx));
      pos.y[eid] = Math.min(map.height, Math.max(0, y0 + dy));
    } else {
      // The same step clients use to predict themselves and to dead-reckon everyone else.
      stepMotion(x0, y0, input.mx[eid]!, input.my[eid]!, maxStep, map.width, map.height, out);
      pos.x[eid] = out.x;
      pos.y[eid] = out.y;
    }
  }
}
