// What a bot does with its keys: the load model. Times are ms on the bot's own clock.
import type { InputIntent, Rng } from '../../engine';
import type { Behavior } from './options';

/** What a bot can see of the world when deciding. */
export interface BotView {
  /** Own position, if known. */
  self(): { x: number; y: number } | undefined;
  /** The nearest other living player, if any. */
  nearest(): { x: number; y: number } | undefined;
}

/** Decides a bot's next input. */
export interface Brain {
  decide(now: number, view: BotView): InputIntent;
}

/** Stand still, or one of the 8 compass directions. */
export const DIRECTIONS: readonly (readonly [number, number])[] = [
  [0, 0], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1],
];

const TURN_MS = 500;
const ATTACK_MS = 1000;
const CHASE_RANGE = 10;

/** Exponentially distributed wait with the given mean: events at random times, `mean` apart on average. */
function wait(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** `wander`: a new random direction (of 8, or none) every 0.5 s on average, an attack every 1 s. */
function wander(rng: Rng): Brain {
  let turnAt = 0;
  let attackAt = wait(rng, ATTACK_MS);
  let dir = DIRECTIONS[0]!;
  return {
    decide(now) {
      if (now >= turnAt) {
        dir = DIRECTIONS[rng.int(DIRECTIONS.length)]!;
        turnAt = now + wait(rng, TURN_MS);
      }
      let attack = false;
      if (now >= attackAt) {
        attack = true;
        attackAt = now + wait(rng, ATTACK_MS);
      }
      return { mx: dir[0], my: dir[1], attack };
    },
  };
}

/** `chase`: walk toward the nearest player (re-aimed every 0.5 s on average), attack when in range. */
function chase(rng: Rng): Brain {
  let aimAt = 0;
  let attackAt = 0;
  let mx = 0;
  let my = 0;
  return {
    decide(now, view) {
      const self = view.self();
      if (now >= aimAt) {
        aimAt = now + wait(rng, TURN_MS);
        const target = self === undefined ? undefined : view.nearest();
        const dx = target && self ? target.x - self.x : 0;
        const dy = target && self ? target.y - self.y : 0;
        const len = Math.hypot(dx, dy);
        mx = len > 1 ? dx / len : 0;
        my = len > 1 ? dy / len : 0;
      }
      let attack = false;
      const target = now >= attackAt && self !== undefined ? view.nearest() : undefined;
      if (target && self && Math.hypot(target.x - self.x, target.y - self.y) <= CHASE_RANGE) {
        attack = true;
        attackAt = now + TURN_MS;
      }
      return { mx, my, attack };
    },
  };
}

/** `idle`: stands still and never attacks (idle bots send no inputs at all). */
function idle(): Brain {
  return { decide: () => ({ mx: 0, my: 0, attack: false }) };
}

/** Creates the brain of one bot. */
export function createBrain(kind: Behavior, rng: Rng): Brain {
  return kind === 'wander' ? wander(rng) : kind === 'chase' ? chase(rng) : idle();
}
