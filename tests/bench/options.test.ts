import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultWorkers, parseBotArgs } from '../../bench/bots';

const Options = suite('bot options');

Options('defaults are the reference load: wander, 20 inputs/s, websocket, delta protocol', () => {
  const o = parseBotArgs([]);
  assert.is(o.url, 'http://127.0.0.1:5000');
  assert.is(o.behavior, 'wander');
  assert.is(o.inputHz, 20);
  assert.is(o.transport, 'websocket');
  assert.is(o.protocol, 'delta');
  assert.is(o.probe, false);
  assert.is(o.workers, 0);
  assert.is(o.progress, true);
});

Options('reads every option', () => {
  const o = parseBotArgs([
    '--url', 'http://127.0.0.1:6000/', '--count', '300', '--duration', '2.5', '--input-hz', '10', '--behavior', 'chase',
    '--transport', 'polling', '--protocol', 'classic', '--probe', '--workers', '3', '--ramp', '50', '--map-size', '316', '--quiet',
  ]);
  assert.equal(
    [o.url, o.count, o.duration, o.inputHz, o.behavior, o.transport, o.protocol, o.probe, o.workers, o.rampPerSec, o.mapSize, o.progress],
    ['http://127.0.0.1:6000', 300, 2.5, 10, 'chase', 'polling', 'classic', true, 3, 50, 316, false],
  );
});

Options('--probes N runs N probe pairs, each of two of --count bots', () => {
  const o = parseBotArgs(['--count', '500', '--probes', '10']);
  assert.equal([o.probe, o.probePairs, o.workers], [true, 10, defaultWorkers(480)]);
  assert.equal([parseBotArgs(['--probe']).probePairs, parseBotArgs([]).probePairs], [1, 0]);
  assert.throws(() => parseBotArgs(['--count', '5', '--probes', '3']), /--count/);
});

Options('refuses bad values with the option named', () => {
  assert.throws(() => parseBotArgs(['--behavior', 'dance']), /--behavior must be one of wander, chase, idle/);
  assert.throws(() => parseBotArgs(['--count', '0']), /--count/);
  assert.throws(() => parseBotArgs(['--count', '1', '--probe']), /--count/);
  assert.throws(() => parseBotArgs(['--url', 'ftp://x']), /--url/);
  assert.throws(() => parseBotArgs(['--input-hz', 'fast']), /--input-hz/);
  assert.throws(() => parseBotArgs(['--nope']));
});

Options('worker threads only past 150 bots, at least two, at most one per core', () => {
  assert.is(defaultWorkers(150, 8), 0);
  assert.is(defaultWorkers(151, 1), 2);
  assert.is(defaultWorkers(500, 2), 2);
  assert.is(defaultWorkers(500, 8), 4);
  assert.is(defaultWorkers(5000, 8), 8);
});

Options.run();
