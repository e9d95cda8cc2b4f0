// The probe pair on the classic protocol: the observer watches the probe's `player_moved` stream.
import { startClassicBot, type ClassicBot, type ClassicPlayer } from './classic-bot';
import { follow, ProbeWalk, TurnWatch } from './probe';
import type { Bot, BotContext } from './bot';

/** A step longer than this between two reports is a respawn, not a walk. */
const JUMP = 5;
/**
 * The probe aims far beyond the map (the server clamps): its direction then never depends on
 * how stale its own position report is, which under load it may be by seconds.
 */
const FAR = 10_000;

/** Starts a probe and an observer (classic protocol); turns they see go to `ctx.tally.observed`. */
export function startClassicProbe(ctx: BotContext): Bot {
  const watch = new TurnWatch(ctx.tally);
  const walk = new ProbeWalk(ctx.rng, ctx.options.mapSize);
  const at = (bot: ClassicBot | undefined): ClassicPlayer | undefined =>
    bot?.socket.id === undefined ? undefined : bot.players.get(bot.socket.id);
  const probe: ClassicBot = startClassicBot(ctx, {
    reach: FAR,
    decide(now) {
      const me = at(probe);
      const { sign, turned } = walk.step(now, me?.x, me !== undefined && !me.dead);
      if (turned) watch.turned(now, sign);
      return { mx: sign, my: 0, attack: false };
    },
  });
  const observer: ClassicBot = startClassicBot(ctx, {
    // Where the probe is, the probe itself knows best (same thread): stay next to it.
    decide: () => follow(at(observer), at(probe)),
    onMoved(now, id, previous, next) {
      if (id !== probe.socket.id) return;
      if (previous === undefined || previous.dead || next.dead) return watch.forget(true);
      const dx = next.x - previous.x;
      if (Math.abs(dx) > JUMP) return watch.forget(true);
      watch.saw(now, dx);
    },
    onKilled(id) {
      if (id === probe.socket.id) watch.forget(true);
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
