// The viewer's playback (game/replay-player.ts) in Node: seeks land exactly on the tick asked for,
// the kill feed at any tick is what stepping the whole match says, with or without the background
// index, and the clock steps at the chosen speed and stops at the end.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getStore, NetId, type BattleEvent } from '../../engine';
import { hashWorld, replay } from '../../engine/replay';
import { createReplayPlayer, FEED_WINDOW_S, SPEEDS, type FeedKill } from '../../game/replay-player';
import { recordScriptedMatch } from '../browser/replay-fixture';

const Player = suite('replay player');
const { bytes } = recordScriptedMatch({ seconds: 40, seed: 5 });

// Every kill of the match, by stepping a replay from its first tick to its last.
const allKills: FeedKill[] = [];
{
  const r = replay(bytes);
  while (r.tick < r.lastTick) {
    r.stepOne();
    const ids = getStore(r.world, NetId).id;
    for (const e of r.world.events as BattleEvent[]) if (e.type === 'kill') allKills.push({ tick: r.tick, attacker: ids[e.attacker]!, victim: ids[e.victim]! });
  }
}
const feedAt = (tick: number, tickRate: number): FeedKill[] =>
  allKills.filter((k) => k.tick <= tick && k.tick > tick - FEED_WINDOW_S * tickRate).reverse();

Player('the match has kills to show', () => {
  assert.ok(allKills.length >= 5, `${allKills.length} kills`);
});

Player('seeks land on the tick with the kill feed of the seconds before it, indexed or not, in any order', () => {
  const plain = createReplayPlayer(replay(bytes));
  const indexed = createReplayPlayer(replay(bytes), { scan: replay(bytes) });
  while (indexed.index(50));
  assert.is(indexed.indexedTo, indexed.replay.lastTick);
  const partly = createReplayPlayer(replay(bytes), { scan: replay(bytes) });
  while (partly.indexedTo < (partly.replay.firstTick + partly.replay.lastTick) / 2) partly.index(0);
  const { firstTick, lastTick, header } = plain.replay;
  const targets = [lastTick, firstTick + 3, ...allKills.slice(0, 4).flatMap((k) => [k.tick, k.tick - 1, k.tick + 40]), 700, 300, 301, 1199, 610, firstTick];
  for (const player of [plain, indexed, partly]) {
    for (const t of targets) {
      player.seek(t);
      assert.is(player.tick, t);
      // The first tick is the opening checkpoint: hashes are taken after each recorded step.
      if (t > firstTick) assert.is(hashWorld(player.replay.world), player.replay.recordedHash(t), `state at ${t}`);
      assert.equal(player.kills(), feedAt(t, header.tickRate), `feed at ${t} (indexed to ${player.indexedTo})`);
      assert.ok(Number.isFinite(player.lastSeekMs));
    }
  }
});

Player('playing steps ticks at the speed, keeps the feed, and stops at the end', () => {
  const player = createReplayPlayer(replay(bytes));
  const { tickRate } = player.replay.header;
  const kill = allKills[2]!;
  player.seek(kill.tick - 10);
  player.setSpeed(3); // nearest offered speed: 4× (2× and 4× are equally far in ratio; the first found wins)
  assert.ok(SPEEDS.includes(player.speed as never));
  player.setSpeed(2);
  assert.is(player.speed, 2);
  assert.is(player.advance(1000), 0, 'paused: nothing');
  player.play();
  let stepped = 0;
  for (let i = 0; i < 30; i++) stepped += player.advance(1000 / 60);
  // Half a second at 2× is a second of match: one tick short at most, by rounding of the clock.
  assert.ok(stepped >= tickRate - 1 && stepped <= tickRate, `${stepped} ticks`);
  assert.is(player.tick, kill.tick - 10 + stepped);
  assert.equal(player.kills(), feedAt(player.tick, tickRate));
  player.changeSpeed(1);
  player.changeSpeed(1);
  player.changeSpeed(1);
  assert.is(player.speed, 8);
  while (player.playing) player.advance(250);
  assert.is(player.tick, player.replay.lastTick);
  player.play(); // from the start again
  assert.is(player.tick, player.replay.firstTick);
  assert.ok(player.playing);
});

Player('a scan of another recording is refused', () => {
  const other = recordScriptedMatch({ seconds: 5, seed: 6 }).bytes;
  assert.throws(() => createReplayPlayer(replay(bytes), { scan: replay(other) }), /Skirmish: the scan must be a second replay/);
});

Player.run();
