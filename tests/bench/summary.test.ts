import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBotArgs, summarize, type TallyData } from '../../bench/bots';

const Summary = suite('bot summary');

function part(over: Partial<TallyData>): TallyData {
  return {
    bots: 10, connected: 10, connectedNow: 10, dropped: 0, errors: 0, updates: 400, windowUpdates: 300,
    windowBytes: { read: 100_000, written: 10_000 }, windowMs: 1000,
    ack: { seen: 0, values: [] }, stale: { seen: 0, values: [] }, observed: { seen: 0, values: [] }, lostTurns: 0, lostToDeath: 0, expiredTurns: 0, supersededTurns: 0,
    ...over,
  };
}

Summary('combines threads into per-client rates over the window', () => {
  const options = parseBotArgs(['--count', '20', '--probe']);
  const s = summarize(options, [
    part({ ack: { seen: 3, values: [10, 20, 30] }, observed: { seen: 2, values: [15, 25] }, lostTurns: 1, expiredTurns: 2, supersededTurns: 3 }),
    part({ connected: 9, connectedNow: 8, dropped: 1, errors: 2, ack: { seen: 1, values: [40] } }),
  ], { runS: 12, windowS: 2, cpuS: 0.5 });
  assert.is(s.connected, 19);
  assert.is(s.failed, 1);
  assert.is(s.dropped, 1);
  assert.is(s.errors, 2);
  assert.is(s.connectedAtEnd, 18);
  assert.is(s.downBytesPerClientPerSec, Math.round(200_000 / 18 / 2));
  assert.is(s.upBytesPerClientPerSec, Math.round(20_000 / 18 / 2));
  assert.is(s.updatesPerSecTotal, 300);
  assert.is(s.updatesPerSec, Math.round((600 / 18 / 2) * 10) / 10);
  assert.equal(s.ackMs, { p50: 25, p99: 39.7, n: 4 });
  assert.equal(s.observedMs, { p50: 20, p99: 24.9, n: 2 });
  assert.is(s.lostTurns, 1);
  assert.is(s.expiredTurns, 2);
  assert.is(s.supersededTurns, 3);
  assert.is(s.botsCpuPct, 25);
  assert.is(s.staleMs, null); // no samples yet
});

Summary('the classic protocol reports no ack or staleness (it has no sequence numbers, no server clock)', () => {
  const s = summarize(parseBotArgs(['--protocol', 'classic']), [part({})], { runS: 1, windowS: 1, cpuS: 0 });
  assert.is(s.ackMs, null);
  assert.is(s.staleMs, null);
  assert.is(s.observedMs, null);
});

Summary('bots a worker never reported count as failed', () => {
  const s = summarize(parseBotArgs(['--count', '30']), [part({})], { runS: 1, windowS: 1, cpuS: 0 });
  assert.is(s.failed, 20);
});

Summary.run();
