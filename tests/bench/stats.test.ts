import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeSamples, percentiles, quantile, Reservoir } from '../../bench/lib/stats';

const Stats = suite('stats');

Stats('quantile interpolates between ranks and is NaN when empty', () => {
  assert.is(quantile([1, 2, 3, 4, 5], 0.5), 3);
  assert.is(quantile([0, 10], 0.25), 2.5);
  assert.is(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

Stats('a reservoir keeps at most its capacity but counts everything', () => {
  const r = new Reservoir(100);
  for (let i = 0; i < 10_000; i++) r.add(i);
  const data = r.data();
  assert.is(data.seen, 10_000);
  assert.is(data.values.length, 100);
  // A uniform sample of 0..9999 has its median near the middle.
  const p = percentiles(data);
  assert.ok(p.p50! > 2000 && p.p50! < 8000, `median ${p.p50}`);
  r.clear();
  assert.equal(r.data(), { seen: 0, values: [] });
});

Stats('merging weights each part by what it saw, not by what it kept', () => {
  const big = { seen: 9000, values: Array.from({ length: 100 }, () => 100) };
  const small = { seen: 1000, values: Array.from({ length: 100 }, () => 1) };
  const merged = mergeSamples([big, small], 100);
  assert.is(merged.seen, 10_000);
  assert.is(merged.values.filter((v) => v === 100).length, 90);
  assert.is(merged.values.filter((v) => v === 1).length, 10);
});

Stats('small samples merge exactly; percentiles round to 0.1 and say n', () => {
  const merged = mergeSamples([{ seen: 2, values: [1, 2] }, { seen: 1, values: [3] }]);
  assert.equal(merged, { seen: 3, values: [1, 2, 3] });
  assert.equal(percentiles(merged), { p50: 2, p99: 3, n: 3 });
  assert.equal(percentiles({ seen: 0, values: [] }), { p50: null, p99: null, n: 0 });
});

Stats.run();
