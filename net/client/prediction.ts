// Prediction of the own player: the server's last state of it, stepped forward through the inputs
// the server has not applied yet, each from the tick it is expected to land at. The same dead
// reckoning as the server's (reckonMotion), so once the server catches up the two agree exactly.
import { reckonMotion } from '../../engine';
import { mirrorMaxStep, type MirrorWorld } from './mirror';

/** Inputs kept for replay at most; older ones are forgotten (the server has long applied them). */
const MAX_PENDING = 256;
/**
 * Furthest the prediction runs ahead of the last server state (ticks): far, because a server with
 * nothing new to say stays silent, so the last state can be minutes old while all is well.
 */
const MAX_AHEAD = 18_000;

/** An input sent and not yet applied by the server, replayed on top of the server's state. */
interface Pending {
  seq: number;
  mx: number;
  my: number;
  /** Server tick at which it should land. */
  tick: number;
}

/** Predicts the own player from the server's state plus unacknowledged inputs. */
export interface Predictor {
  /** Notes an input sent: direction (quantized as the wire carries it) landing at server tick `tick`. */
  sent(seq: number, mx: number, my: number, tick: number): void;
  /** Forgets the inputs the server has applied (sequence numbers up to `ack`). */
  acknowledge(ack: number): void;
  /** Forgets every input (a new connection). */
  clear(): void;
  /**
   * The own entity `eid`'s position at `horizon` (server ticks, fractional): the last server state,
   * stepped tick by tick with the direction each pending input sets from its landing tick on.
   */
  predict(eid: number, horizon: number): { x: number; y: number };
}

/** Creates the predictor of a mirror world. */
export function createPredictor(world: MirrorWorld): Predictor {
  let pending: Pending[] = [];
  const at = { x: 0, y: 0 };
  return {
    sent(seq, mx, my, tick) {
      pending.push({ seq, mx, my, tick });
      if (pending.length > MAX_PENDING) pending.shift();
    },
    acknowledge(ack) {
      if (pending.length > 0 && pending[0]!.seq <= ack) pending = pending.filter((p) => p.seq > ack);
    },
    clear() {
      pending = [];
    },
    predict(eid, horizon) {
      const { sim, rules } = world;
      const from = world.lastTick;
      const last = Math.min(Math.floor(horizon), from + MAX_AHEAD);
      at.x = sim.x[eid]!;
      at.y = sim.y[eid]!;
      if (last <= from) return { x: at.x, y: at.y };
      const alive = sim.alive[eid] === 1;
      const maxStep = mirrorMaxStep(world);
      let mx = sim.mx[eid]!;
      let my = sim.my[eid]!;
      // The server's motion may be a seek until this client's own inputs (directions) take over.
      let seek = sim.seek[eid]!;
      let tick = from;
      let p = 0;
      // Walks from `tick` to `target`, a run of ticks at a time between direction changes: the
      // input landing at tick T steers the step that ends at T.
      const walkTo = (target: number): void => {
        while (tick < target) {
          while (p < pending.length && pending[p]!.tick <= tick + 1) {
            mx = pending[p]!.mx;
            my = pending[p]!.my;
            seek = 0;
            p++;
          }
          const until = p < pending.length ? Math.min(target, pending[p]!.tick - 1) : target;
          reckonMotion(at.x, at.y, mx, my, alive ? until - tick : 0, maxStep, rules!.map.width, rules!.map.height, at, seek);
          tick = until;
        }
      };
      walkTo(last - 1);
      const prevX = at.x;
      const prevY = at.y;
      walkTo(last);
      const f = Math.min(1, Math.max(0, horizon - last));
      return { x: prevX + (at.x - prevX) * f, y: prevY + (at.y - prevY) * f };
    },
  };
}
