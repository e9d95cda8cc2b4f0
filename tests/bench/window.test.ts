// The figures of a measurement window, from two /metrics readings of a real server's exposition.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePrometheus } from '../../bench/lib/prom';
import { windowFigures, type Reading } from '../../bench/suite/window';

const Window = suite('bench window');

const reading = (atMs: number, tickSumS: number, recordingS: number | undefined, tick: number, writeSumS?: number): Reading => ({
  procAt: atMs, metricsAt: atMs, latencyMs: 1,
  samples: parsePrometheus([
    `skirmish_tick_seconds_bucket{le="0.005"} ${tick}`,
    `skirmish_tick_seconds_bucket{le="+Inf"} ${tick}`,
    `skirmish_tick_seconds_sum ${tickSumS}`,
    `skirmish_tick_seconds_count ${tick}`,
    `skirmish_tick ${tick}`,
    ...(recordingS === undefined ? [] : [`skirmish_recording_seconds_total ${recordingS}`]),
    ...(writeSumS === undefined ? [] : [`skirmish_tick_write_seconds_sum ${writeSumS}`]),
  ].join('\n')),
});

Window('recording\'s share of the tick time: the recording seconds over the tick seconds of the window', () => {
  const figures = windowFigures(reading(0, 10, 0.2, 3000), reading(10_000, 13, 0.26, 3300), 'skirmish_', 1000);
  assert.ok(Math.abs(figures.recordingPctOfTick! - 2) < 1e-9, `${figures.recordingPctOfTick} %`);
  assert.is(figures.ticksPerSec, 30);
  // 3 s of ticks over 300 ticks, and 0.06 s of it recording.
  assert.ok(Math.abs(figures.tickMeanMs! - 10) < 1e-9, `${figures.tickMeanMs} ms`);
  assert.ok(Math.abs(figures.recordingUsPerTick! - 200) < 1e-6, `${figures.recordingUsPerTick} µs`);
});

Window('recording\'s share of all a tick costs: simulate + build + the socket writes', () => {
  // 300 ticks: 3 s simulating and building, 1.5 s writing, 0.06 s of it recording.
  const figures = windowFigures(reading(0, 10, 0.2, 3000, 4), reading(10_000, 13, 0.26, 3300, 5.5), 'skirmish_', 1000);
  assert.ok(Math.abs(figures.writeMeanMs! - 5) < 1e-9, `${figures.writeMeanMs} ms`);
  assert.ok(Math.abs(figures.recordingPctOfTickAndWrite! - 0.06 / 4.5 * 100) < 1e-9, `${figures.recordingPctOfTickAndWrite} %`);
  assert.ok(Math.abs(figures.recordingPctOfTick! - 2) < 1e-9, 'the share of simulate + build is unchanged');
});

Window('a server that does not record (or an older one) has no recording share', () => {
  const figures = windowFigures(reading(0, 10, undefined, 3000), reading(10_000, 13, undefined, 3300), 'skirmish_', 1000);
  assert.is(figures.recordingPctOfTick, null);
  assert.is(figures.recordingUsPerTick, null);
  assert.is(figures.recordingPctOfTickAndWrite, null);
});

Window.run();
