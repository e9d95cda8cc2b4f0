// The bench's replay section: recording measured the way a server ticks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { benchRecordingPaced, benchReplay, replayTable } from '../../bench/suite/replay';

const Bench = suite('bench: replay section');

Bench('paced A/B: two worlds stepped alternately after idle gaps, the recorder metered', async () => {
  const paced = await benchRecordingPaced(40, 30, 1, 5);
  assert.is(paced.players, 40);
  assert.is(paced.ticks, 30);
  assert.ok(paced.plainMeanUs > 0 && paced.recordedMeanUs > 0);
  assert.ok(Math.abs(paced.addedUs - (paced.recordedMeanUs - paced.plainMeanUs)) < 1e-6);
  assert.ok(paced.meteredUs > 0, 'the recorder metered its own time');
  const table = replayTable({ ...benchReplay(40, 30, 5), paced });
  assert.match(table, /what recording adds to a tick/);
  assert.match(table, /1 ms idle before each step/);
});

Bench.run();
