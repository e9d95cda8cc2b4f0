import { Not, query } from 'bitecs';
import { getStore } from '../component';
import { Dead, Input, Position, Velocity } from '../components';
import type { BattleWorld } from '../battle';

/**
 * Moves living players at `rules.speed`: along their input direction (normalised, so diagonals
 * are not faster) or toward their seek target without overshooting it; then clamps to the map.
 */
export function movementSystem(world: BattleWorld): void {
  const { speed, map } = world.rules;
  const dt = world.time.dt;
  const pos = getStore(world, Position);
  const vel = getStore(world, Velocity);
  const input = getStore(world, Input);
  const maxStep = speed * dt;
  for (const eid of query(world, [pos, vel, input, Not(getStore(world, Dead))])) {
    let dx: number;
    let dy: number;
    if (input.seek[eid] === 1) {
      dx = input.tx[eid]! - pos.x[eid]!;
      dy = input.ty[eid]! - pos.y[eid]!;
      const dist = Math.hypot(dx, dy);
      if (dist > maxStep) {
        dx = (dx / dist) * maxStep;
        dy = (dy / dist) * maxStep;
      } else if (dist === 0) {
        input.seek[eid] = 0;
      }
    } else {
      dx = input.mx[eid]!;
      dy = input.my[eid]!;
      const len = Math.hypot(dx, dy);
      const scale = len > 1 ? maxStep / len : maxStep;
      dx *= scale;
      dy *= scale;
    }
    const x0 = pos.x[eid]!;
    const y0 = pos.y[eid]!;
    pos.x[eid] = Math.min(map.width, Math.max(0, x0 + dx));
    pos.y[eid] = Math.min(map.height, Math.max(0, y0 + dy));
    vel.x[eid] = (pos.x[eid]! - x0) / dt;
    vel.y[eid] = (pos.y[eid]! - y0) / dt;
  }
}
