import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openPacketSid, SidPins } from '../../net/cluster/pins';

const P = suite('cluster sid pins');

P('pins expire when idle and are refreshed by use', () => {
  let now = 0;
  const pins = new SidPins(1000, 10, () => now);
  pins.set('a', 'w1');
  pins.set('b', 'w2');
  now = 900;
  assert.is(pins.get('a'), 'w1', 'use refreshes a');
  now = 1500;
  assert.is(pins.get('b'), undefined, 'b idle for 1.5 s');
  assert.is(pins.get('a'), 'w1', 'a last used 600 ms ago');
  now = 2600;
  assert.is(pins.get('a'), undefined);
  assert.is(pins.size, 0);
});

P('the map is bounded: the least recently used pin goes first', () => {
  const pins = new SidPins(60_000, 3, () => 0);
  for (const sid of ['a', 'b', 'c']) pins.set(sid, 'w1');
  pins.get('a');
  pins.set('d', 'w2');
  assert.is(pins.size, 3);
  assert.is(pins.get('b'), undefined, 'b was least recently used');
  assert.is(pins.get('a'), 'w1');
  assert.is(pins.get('d'), 'w2');
  pins.dropWorker('w1');
  assert.is(pins.get('a'), undefined);
  assert.is(pins.get('c'), undefined);
  assert.is(pins.size, 1);
});

P('the sid is read from an Engine.IO v4 open packet and nothing else', () => {
  const open = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
  assert.is(openPacketSid(open), 'lv_VI97HAXpY6yYWAAAC');
  assert.is(openPacketSid(open + '\x1e40{"sid":"x"}'), 'lv_VI97HAXpY6yYWAAAC', 'followed by more packets');
  assert.is(openPacketSid('4hello'), undefined);
  assert.is(openPacketSid('0{"sid":"a b"}'), undefined, 'not an Engine.IO id');
  assert.is(openPacketSid('0{"sid":'), undefined);
  assert.is(openPacketSid('{"code":1,"message":"Session ID unknown"}'), undefined);
});

P.run();
