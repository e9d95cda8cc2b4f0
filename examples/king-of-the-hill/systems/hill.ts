import { addComponent, defineComponent, getStore, hasComponent, resetStore, Score, type BattleWorld } from 'skirmish';
import { playersOnHill } from '../on-hill';
import { kingRules, POINTS } from '../rules';

/** Server-only progress toward the next point: `held` seconds in a reign that was still on at tick `tick`. */
export const HillTime = defineComponent('HillTime', { held: Float64Array, tick: Uint32Array });

// Sums of dt fall a hair short of whole seconds; this keeps 30 ticks at 30 Hz exactly one point.
const EPSILON = 1e-9;
const on: number[] = [];

/** Gives the one player alone on the hill a point per `secondsPerPoint` held without a break; a shared hill scores nobody. */
export function hillSystem(world: BattleWorld): void {
  const { hill, secondsPerPoint } = kingRules(world);
  if (playersOnHill(world, hill, on).length !== 1) return;
  const king = on[0]!;
  const time = getStore(world, HillTime);
  const tick = world.time.tick;
  if (!hasComponent(world, king, time)) {
    resetStore(world, king, HillTime);
    addComponent(world, king, time);
  }
  // A reign interrupted (stepped off, or someone else on) starts again from nothing.
  if (time.tick[king] !== tick - 1) time.held[king] = 0;
  time.tick[king] = tick;
  time.held[king]! += world.time.dt;
  if (time.held[king]! + EPSILON < secondsPerPoint) return;
  time.held[king]! -= secondsPerPoint;
  getStore(world, Score)[POINTS][king]!++;
}
