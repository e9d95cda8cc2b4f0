// The probe pair on the delta protocol: the observer watches the probe in its own mirror world.
import { entityOf, latestPosition } from '../../net/client';
import { aliveIn, startDeltaBot } from './delta-bot';
import { follow, probeInput, ProbeWalk, TurnWatch } from './probe';
import type { Bot, BotContext } from './bot';

/** Starts a probe and an observer (delta protocol); turns they see go to `ctx.tally.observed`. */
export function startDeltaProbe(ctx: BotContext): Bot {
  const watch = new TurnWatch(ctx.tally);
  let walk: ProbeWalk | undefined;
  // Whether the observer's mirror holds the probe, alive: only then can a turn be seen.
  const watched = (): boolean => {
    const id = probe.client.welcome?.id;
    return id !== undefined && entityOf(observer.client.world, id) !== undefined && aliveIn(observer.client, id);
  };
  const probe = startDeltaBot(ctx, {
    decide(now) {
      const { world, rules } = probe.client;
      if (rules === undefined) return undefined;
      walk ??= new ProbeWalk(ctx.rng, rules.map.width);
      const alive = aliveIn(probe.client, world.localId);
      const seer = observer.client.world;
      const { intent, turned } = probeInput(walk, now, latestPosition(world, world.localId), alive, watched(), latestPosition(seer, seer.localId));
      if (turned) watch.turned(now, intent.mx);
      return intent;
    },
  });
  const observer = startDeltaBot(ctx, {
    // Where the probe is, the probe itself knows best (same thread): stay next to it.
    decide: () => {
      const self = observer.client.world;
      const own = probe.client.world;
      return follow(latestPosition(self, self.localId), latestPosition(own, own.localId));
    },
    onState(now) {
      const id = probe.client.welcome?.id;
      if (id === undefined) return;
      const eid = entityOf(observer.client.world, id);
      if (eid === undefined || !aliveIn(observer.client, id)) {
        watch.forget(eid !== undefined);
        return;
      }
      // The probe's direction as the observer's mirror dead-reckons it: a turn shows the moment
      // the message carrying it is applied, however long the server stayed quiet before (it
      // sends nothing while nothing changes, so position differences between messages mislead).
      watch.sawDirection(now, observer.client.world.sim.mx[eid]!);
    },
  });
  return {
    settle: (now) => watch.expire(now),
    stop() {
      probe.stop();
      observer.stop();
    },
  };
}
