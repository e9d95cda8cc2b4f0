import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bucketDelta, histogramBuckets, histogramQuantile, metricValue, parsePrometheus } from '../../bench/lib/prom';

const TEXT = `# HELP t_tick_seconds Time.
# TYPE t_tick_seconds histogram
t_tick_seconds_bucket{le="0.001"} 50
t_tick_seconds_bucket{le="0.002"} 90
t_tick_seconds_bucket{le="0.005"} 100
t_tick_seconds_bucket{le="+Inf"} 100
t_tick_seconds_sum 0.12
t_tick_seconds_count 100
t_players{protocol="engine"} 7
t_players{protocol="classic"} 3
t_label{path="a \\"quoted\\" one"} 1
t_cpu_seconds_total 1.5
garbage line
`;

const Prom = suite('prometheus text');

Prom('parses samples with labels, escapes and sums over label sets', () => {
  const samples = parsePrometheus(TEXT);
  assert.is(metricValue(samples, 't_players'), 10);
  assert.is(metricValue(samples, 't_players', { protocol: 'classic' }), 3);
  assert.is(metricValue(samples, 't_cpu_seconds_total'), 1.5);
  assert.is(metricValue(samples, 'absent'), undefined);
  assert.is(samples.find((s) => s.name === 't_label')?.labels.path, 'a "quoted" one');
});

Prom('reads cumulative buckets in order, +Inf last', () => {
  const buckets = histogramBuckets(parsePrometheus(TEXT), 't_tick_seconds');
  assert.equal(buckets.map((b) => b.le), [0.001, 0.002, 0.005, Infinity]);
  assert.equal(buckets.map((b) => b.count), [50, 90, 100, 100]);
});

Prom('quantiles interpolate inside the bucket, as histogram_quantile does', () => {
  const buckets = histogramBuckets(parsePrometheus(TEXT), 't_tick_seconds');
  assert.ok(Math.abs(histogramQuantile(buckets, 0.5) - 0.001) < 1e-12);
  // rank 70 of 100 falls half-way through (0.001, 0.002]: 50 below, 40 inside.
  assert.ok(Math.abs(histogramQuantile(buckets, 0.7) - 0.0015) < 1e-12);
  // rank 99: in (0.002, 0.005], 9 of its 10 observations → 0.002 + 0.003 × 0.9.
  assert.ok(Math.abs(histogramQuantile(buckets, 0.99) - 0.0047) < 1e-12);
  assert.ok(Number.isNaN(histogramQuantile([], 0.5)));
});

Prom('a quantile in the +Inf bucket is the highest finite bound', () => {
  assert.is(histogramQuantile([{ le: 0.1, count: 1 }, { le: Infinity, count: 10 }], 0.99), 0.1);
});

Prom('bucket deltas isolate one window of a cumulative histogram', () => {
  const before = [{ le: 0.001, count: 10 }, { le: Infinity, count: 12 }];
  const after = [{ le: 0.001, count: 30 }, { le: Infinity, count: 40 }];
  assert.equal(bucketDelta(before, after), [{ le: 0.001, count: 20 }, { le: Infinity, count: 28 }]);
});

Prom.run();
