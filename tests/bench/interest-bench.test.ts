// The bench's interest section: every client's view updated once a tick, timed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { benchInterest, interestTable } from '../../bench/suite/interest';

const Bench = suite('bench: interest section');

Bench('times every view of a spread-out match, each holding only the players around it', async () => {
  const r = await benchInterest(60, 1000, 5, 0, 3);
  assert.is(r.players, 60);
  assert.is(r.ticks, 5);
  assert.ok(r.usPerTick > 0);
  assert.ok(Math.abs(r.usPerView * 60 - r.usPerTick) < 1e-6);
  // 60 players on 1000² see few others, but always themselves.
  assert.ok(r.meanInView >= 1 && r.meanInView < 60, `${r.meanInView} in view`);
  assert.match(interestTable(r), /µs per view/);
});

Bench.run();
