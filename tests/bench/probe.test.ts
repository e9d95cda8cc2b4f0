import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng } from '../../engine';
import { MAX_WAIT_MS, ProbeWalk, TurnWatch, probeInput } from '../../bench/bots';
import { Tally } from '../../bench/bots/tally';

const Probe = suite('probe pair');

const tally = (): Tally => new Tally(() => ({ read: 0, written: 0 }));

Probe('the walk heads for the middle, then reverses every 0.25–0.5 s', () => {
  const walk = new ProbeWalk(createRng(1), 100);
  assert.equal(walk.step(0, 80, true), { sign: -1, direction: -1, turned: false });
  const turns: number[] = [];
  for (let t = 50; t < 3000; t += 50) if (walk.step(t, 50, true).turned) turns.push(t);
  assert.ok(turns.length >= 4, `${turns.length} turns`);
  for (let i = 1; i < turns.length; i++) assert.ok(turns[i]! - turns[i - 1]! >= 250 && turns[i]! - turns[i - 1]! <= 550);
});

Probe('the walk never turns into a wall, and holds still while dead', () => {
  const walk = new ProbeWalk(createRng(2), 100);
  walk.step(0, 95, true); // heads left (−1), toward the middle
  for (let t = 50; t < 2000; t += 50) {
    const { sign, turned } = walk.step(t, 95, true);
    assert.ok(!(turned && sign === 1), 'turned toward the wall at x = 95');
  }
  assert.is(walk.step(2050, 50, false).turned, false);
});

Probe('the walk cycles through four directions, so four turns in a row are told apart', () => {
  const walk = new ProbeWalk(createRng(4), 100);
  walk.step(0, 20, true); // heads right, toward the middle
  const directions: number[] = [walk.direction];
  for (let t = 50; t < 6000; t += 50) {
    const { direction, turned } = walk.step(t, 50, true);
    if (turned) directions.push(direction);
  }
  assert.ok(directions.length >= 9, `${directions.length} legs`);
  assert.equal(directions.slice(0, 5), [1, -1, 0.5, -0.5, 1]);
  for (let i = 3; i < directions.length; i++) assert.is(new Set(directions.slice(i - 3, i + 1)).size, 4, `legs ${i - 3}…${i}`);
});

Probe('a turn the observer never saw on its own (applied with the next) does not make later turns late', () => {
  const t = tally();
  const watch = new TurnWatch(t);
  watch.turned(1000, -1);
  watch.turned(1300, 0.5); // the server applied both in one stalled tick: −1 was never shown
  watch.sawDirection(1340, 0.5039); // the mirror's quantised ½
  watch.turned(1600, -0.5);
  watch.sawDirection(1630, -0.5039);
  watch.turned(1900, 1);
  watch.sawDirection(1910, -0.5039); // not yet
  watch.sawDirection(1940, 1);
  assert.equal(t.observed.data().values, [340, 40, 30, 40]);
  assert.is(t.supersededTurns, 1);
  // With two directions only, the missed −1 would have matched the −½ turn (at 1630: 630 ms) and
  // every later turn would have waited for the one after it.
});

Probe('turns are matched in order with the first step seen in their direction', () => {
  const t = tally();
  const watch = new TurnWatch(t);
  watch.turned(1000, -1);
  watch.turned(1300, 1);
  watch.saw(1010, 0.8); // still the old direction
  watch.saw(1040, -0.8); // first turn seen after 40 ms
  watch.saw(1340, -0.8);
  watch.saw(1360, 0.01); // quantisation noise, not a step
  watch.saw(1370, 0.8); // second turn seen after 70 ms
  assert.equal(t.observed.data().values, [40, 70]);
  assert.is(t.lostTurns, 0);
});

Probe('a death forgets pending turns; turns not seen in 10 s count as 10 s', () => {
  const t = tally();
  const watch = new TurnWatch(t);
  watch.turned(0, 1);
  watch.forget(true);
  assert.is(t.lostTurns, 1);
  assert.is(t.observed.data().seen, 0);
  watch.turned(100, -1);
  watch.turned(400, 1);
  watch.saw(10_200, -1); // the first turn has waited 10.1 s: expired; the second may still show
  assert.is(t.expiredTurns, 1);
  watch.saw(10_300, 1);
  assert.equal(t.observed.data().values, [MAX_WAIT_MS, 9900]);
  watch.turned(20_000, -1);
  watch.expire(30_001);
  assert.is(t.expiredTurns, 2);
});

Probe('an unwatched probe walks toward its observer and makes no turn; watched, it turns again', () => {
  const walk = new ProbeWalk(createRng(3), 1000);
  const self = { x: 500, y: 500 };
  const observer = { x: 500, y: 200 }; // out of view on a large map: straight up from the probe
  for (let t = 0; t < 5000; t += 50) {
    const { intent, turned } = probeInput(walk, t, self, true, false, observer);
    assert.is(turned, false);
    assert.equal([intent.mx, intent.my], [0, -1]);
  }
  let turns = 0;
  for (let t = 5000; t < 8000; t += 50) {
    const { intent, turned } = probeInput(walk, t, self, true, true, observer);
    assert.is(intent.my, 0);
    if (turned) turns++;
  }
  assert.ok(turns >= 4, `${turns} turns once watched`);
});

Probe.run();
