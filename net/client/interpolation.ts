// What the screen shows each frame: remote players where the mirror had them one interpolation
// delay ago, the own player predicted for the present, both eased by the smoother so corrections
// glide instead of snapping.
import { getStore, Position } from '../../engine';
import type { ClockSync } from './clock';
import type { DelayEstimator } from './delay';
import { mirrorPositionAt, type MirrorWorld } from './mirror';
import type { Predictor } from './prediction';
import type { Smoother } from './smoothing';

/** Longest frame the smoother makes up for (ms): after a stall, glide rather than leap. */
const MAX_FRAME_MS = 100;

/** Moves the drawn positions of a mirror world to the present, frame by frame. */
export interface Interpolator {
  /** Updates `Position` of every mirrored entity for local time `now` (ms). */
  update(now: number): void;
  /** Server time (ms) the remote players are drawn at: what an attack's `viewTimeMs` says was seen. */
  readonly renderTime: number;
  /** Own position as predicted for the present (undefined before the first state). */
  readonly predicted: { x: number; y: number } | undefined;
}

/** Creates the interpolator of a mirror world; `predict` false draws the own player like the others. */
export function createInterpolator(
  world: MirrorWorld, clock: ClockSync, delay: DelayEstimator, predictor: Predictor, smoother: Smoother, predict: boolean, start: number,
): Interpolator {
  const pos = getStore(world, Position);
  const scratch = { x: 0, y: 0 };
  let lastFrame = start;
  let renderTime = 0;
  let predicted: { x: number; y: number } | undefined;
  return {
    update(now) {
      const frameMs = Math.min(MAX_FRAME_MS, Math.max(0, now - lastFrame));
      lastFrame = now;
      if (world.rules === undefined) return;
      const serverNow = clock.samples > 0 ? clock.serverNow(now) : world.lastTick * world.tickMs + delay.value;
      renderTime = Math.max(0, serverNow - delay.value);
      const renderTick = renderTime / world.tickMs;
      // An input sent now lands at the server about half a round trip from now.
      const horizon = (serverNow + (Number.isNaN(clock.rtt) ? 0 : clock.rtt / 2)) / world.tickMs + 1;
      const maxMove = (world.rules.speed * frameMs) / 1000;
      for (const [id, eid] of world.entities) {
        if (id === world.localId && predict) {
          predicted = predictor.predict(eid, horizon);
          scratch.x = predicted.x;
          scratch.y = predicted.y;
        } else {
          mirrorPositionAt(world, eid, renderTick, scratch);
        }
        smoother.follow(eid, scratch.x, scratch.y, maxMove, pos);
      }
    },
    get renderTime() {
      return renderTime;
    },
    get predicted() {
      return predicted;
    },
  };
}
