import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { Encoder, PacketType, type Packet } from 'socket.io-parser';
import { conditionParser, createConditioner, type ConditionerOptions, type ConditionerScheduler } from '../../net/client';
import { parseConditions } from '../../game/conditions';
import * as parser from '../../net/wire/parser';
import { waitFor } from '../helpers';

/** A fake clock: timers run only when a test advances it. */
class FakeClock implements ConditionerScheduler {
  time = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();

  now = (): number => this.time;
  setTimeout = (callback: () => void, ms: number): number => {
    this.timers.set(++this.seq, { at: this.time + ms, callback });
    return this.seq;
  };
  clearTimeout = (handle: unknown): void => void this.timers.delete(handle as number);

  get pending(): number {
    return this.timers.size;
  }

  /** Runs every timer due within `ms`, in time order, then sets the clock to the end. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
    }
    this.time = end;
  }
}

/** Sends `count` messages `spacing` ms apart and records when each arrives. */
function run(options: ConditionerOptions, count: number, spacing: number, droppable = false, bytes = 100) {
  const clock = new FakeClock();
  const link = createConditioner({ seed: 1, ...options, scheduler: clock });
  const sent: number[] = [];
  const arrived: { i: number; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    sent.push(clock.time);
    link.schedule(bytes, () => arrived.push({ i, at: clock.time }), droppable);
    clock.advance(spacing);
  }
  clock.advance(1e7);
  return { link, clock, sent, arrived, delays: arrived.map(({ i, at }) => at - sent[i]!) };
}

const Conditioner = suite('net conditioner');

Conditioner('a perfect link delivers in order, never synchronously', () => {
  const clock = new FakeClock();
  const link = createConditioner({ scheduler: clock });
  const got: number[] = [];
  for (let i = 0; i < 3; i++) link.schedule(10, () => got.push(i));
  assert.equal(got, []);
  clock.advance(0);
  assert.equal(got, [0, 1, 2]);
  assert.equal({ ...link.stats }, { scheduled: 3, delivered: 3, dropped: 0, retransmits: 0, pending: 0 });
});

Conditioner('latency ± jitter bounds each delay, and the spread covers the whole range', () => {
  const { delays } = run({ latency: 100, jitter: 20 }, 2000, 1000);
  assert.is(delays.length, 2000);
  assert.ok(delays.every((d) => d >= 80 && d <= 120), 'within 100 ± 20');
  assert.ok(Math.min(...delays) < 81 && Math.max(...delays) > 119, 'uses the whole range');
  const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
  assert.ok(Math.abs(mean - 100) < 1, `mean ${mean}`);
});

Conditioner('order is preserved when jitter exceeds the spacing (head-of-line)', () => {
  const { arrived, delays } = run({ latency: 50, jitter: 50, loss: 2 }, 5000, 1);
  assert.equal(arrived.map((a) => a.i), [...Array(5000).keys()]);
  for (let k = 1; k < arrived.length; k++) assert.ok(arrived[k]!.at >= arrived[k - 1]!.at);
  assert.ok(delays.every((d) => d >= 0));
});

Conditioner('reliable loss: all 10k arrive, 2% retransmitted after one RTO of 2 × latency + 200 ms', () => {
  const { link, delays } = run({ latency: 50, loss: 2 }, 10_000, 1000);
  assert.is(link.stats.delivered, 10_000);
  assert.is(link.stats.dropped, 0);
  // Binomial(10k, 2%): mean 200 (plus ~4 second losses), sd 14; ±4 sd.
  assert.ok(link.stats.retransmits >= 145 && link.stats.retransmits <= 265, `${link.stats.retransmits} retransmits`);
  const once = delays.filter((d) => d === 50 + 300).length;
  const twice = delays.filter((d) => d === 50 + 300 + 600).length;
  assert.is(delays.filter((d) => d === 50).length + once + twice + delays.filter((d) => d > 950).length, 10_000);
  assert.is(once + 2 * twice <= link.stats.retransmits, true);
  assert.ok(once > 140, `${once} once-lost`);
});

Conditioner('a retransmission holds up the messages sent behind it', () => {
  const { arrived, delays } = run({ latency: 50, loss: 2 }, 2000, 10);
  // Not lost itself (delay < one RTO) but late: it waited for a retransmitted message ahead.
  const heldUp = delays.filter((d) => d > 50 && d < 350).length;
  assert.ok(heldUp > 100, `${heldUp} held up`);
  assert.equal(arrived.map((a) => a.i), [...Array(2000).keys()]);
});

Conditioner('retransmission timeout doubles on each loss, up to maxRetransmits', () => {
  const { delays, link } = run({ latency: 40, loss: 100, maxRetransmits: 3 }, 1, 0);
  assert.equal(delays, [40 + 280 + 560 + 1120]);
  assert.is(link.stats.retransmits, 3);
  assert.equal(run({ latency: 40, loss: 100, maxRetransmits: 1, minRto: 50 }, 1, 0).delays, [40 + 130]);
});

Conditioner('droppable messages are dropped at the loss rate instead of retransmitted', () => {
  const { link, arrived, delays } = run({ latency: 30, jitter: 5, loss: 5 }, 10_000, 100, true);
  // Binomial(10k, 5%): mean 500, sd 22; ±4.5 sd.
  assert.ok(link.stats.dropped >= 400 && link.stats.dropped <= 600, `${link.stats.dropped} dropped`);
  assert.is(link.stats.retransmits, 0);
  assert.is(arrived.length + link.stats.dropped, 10_000);
  assert.ok(delays.every((d) => d >= 25 && d <= 35), 'survivors are never late');
});

Conditioner('bandwidth serializes bytes at the given rate; an idle link saves no credit', () => {
  const clock = new FakeClock();
  const link = createConditioner({ latency: 50, bandwidth: 10_000, scheduler: clock });
  const at: number[] = [];
  for (let i = 0; i < 10; i++) link.schedule(1000, () => at.push(clock.time));
  clock.advance(5000);
  assert.equal(at, [150, 250, 350, 450, 550, 650, 750, 850, 950, 1050]);
  link.schedule(500, () => at.push(clock.time));
  clock.advance(1000);
  assert.is(at[10], 5000 + 50 + 50);
});

Conditioner('the same seed replays the same link; another seed does not', () => {
  const options = { latency: 60, jitter: 30, loss: 10 };
  assert.equal(run({ ...options, seed: 5 }, 500, 7).arrived, run({ ...options, seed: 5 }, 500, 7).arrived);
  assert.not.equal(run({ ...options, seed: 5 }, 500, 7).arrived, run({ ...options, seed: 6 }, 500, 7).arrived);
});

Conditioner('close() cancels pending deliveries and the timer; later schedules are ignored', () => {
  const clock = new FakeClock();
  const link = createConditioner({ latency: 100, scheduler: clock });
  const got: number[] = [];
  for (let i = 0; i < 5; i++) {
    link.schedule(10, () => got.push(i));
    clock.advance(20);
  }
  clock.advance(30); // t = 130: the first two are due
  assert.equal(got, [0, 1]);
  assert.is(link.stats.pending, 3);
  link.close();
  assert.is(clock.pending, 0, 'timer cleared');
  link.schedule(10, () => got.push(99));
  clock.advance(1000);
  assert.equal(got, [0, 1]);
  assert.is(link.stats.pending, 0);
});

Conditioner('a delivery that throws does not stall the messages behind it', () => {
  const clock = new FakeClock();
  const link = createConditioner({ latency: 10, scheduler: clock });
  const got: number[] = [];
  link.schedule(1, () => {
    throw new Error('bad handler');
  });
  link.schedule(1, () => got.push(1));
  assert.throws(() => clock.advance(10), /bad handler/);
  clock.advance(0);
  assert.equal(got, [1]);
});

Conditioner('out-of-range conditions and sizes are refused with the value', () => {
  assert.throws(() => createConditioner({ loss: 101 }), /loss must be a percentage in 0\.\.100, got 101/);
  assert.throws(() => createConditioner({ latency: -1 }), /latency must be .* got -1/);
  assert.throws(() => createConditioner({ jitter: Number.NaN }), /jitter .* got NaN/);
  assert.throws(() => createConditioner({ bandwidth: -5 }), /bandwidth .* got -5/);
  assert.throws(() => createConditioner().schedule(-1, () => {}), /bytes must be ≥ 0, got -1/);
});

Conditioner('parseConditions: lag is the round trip, split per direction; absent means undefined', () => {
  assert.is(parseConditions(''), undefined);
  assert.is(parseConditions('?'), undefined);
  assert.is(parseConditions('?debug=1&seed=3'), undefined);
  assert.equal(parseConditions('?lag=150&jitter=20&loss=2&bw=20000'), { latency: 75, jitter: 20, loss: 2, bandwidth: 20000 });
  assert.equal(parseConditions('lag=100'), { latency: 50, jitter: 0, loss: 0, bandwidth: 0 });
  assert.equal(parseConditions('?map=big&loss=0.5'), { latency: 0, jitter: 0, loss: 0.5, bandwidth: 0 });
});

Conditioner('parseConditions refuses invalid values, naming the parameter', () => {
  assert.throws(() => parseConditions('?lag=abc'), /\?lag= must be a round trip in ms in 0\.\.60000, got "abc"/);
  assert.throws(() => parseConditions('?lag='), /\?lag= .* got ""/);
  assert.throws(() => parseConditions('?loss=101'), /\?loss= must be a percentage/);
  assert.throws(() => parseConditions('?jitter=-1'), /\?jitter=/);
  assert.throws(() => parseConditions('?bw=Infinity'), /\?bw=/);
  assert.throws(() => parseConditions('?lag=1e9'), /\?lag=/);
});

/** Feeds encoded packets to a conditioned decoder on a fake clock. */
function conditionedDecoder(options: Parameters<typeof conditionParser>[1]) {
  const clock = new FakeClock();
  const { Decoder } = conditionParser(parser, { ...options, scheduler: clock });
  const decoder = new Decoder();
  const got: Packet[] = [];
  const listener = (p: Packet) => got.push(p);
  decoder.on('decoded', listener);
  const feed = (packet: Packet) => {
    for (const m of new parser.Encoder().encode(packet)) decoder.add(m);
  };
  return { clock, decoder, got, feed, listener };
}

const event = (name: string, ...args: unknown[]): Packet => ({ type: PacketType.EVENT, nsp: '/', data: [name, ...args] });

Conditioner('conditionParser delays decoded packets in order; malformed input still throws at once', () => {
  const { clock, decoder, got, feed } = conditionedDecoder({ latency: 100, jitter: 10, seed: 3 });
  feed(event('a'));
  feed(event('s', new Uint8Array(3)));
  clock.advance(50);
  feed(event('b', { x: 1 }));
  assert.equal(got, []);
  assert.throws(() => decoder.add('9'), /unknown packet type/);
  clock.advance(39);
  assert.equal(got, [], 'nothing before latency − jitter (t = 89)');
  clock.advance(32);
  assert.equal(got.map((p) => p.data[0]), ['a', 's'], 'the first two by t = 121');
  clock.advance(200);
  assert.equal(got.map((p) => p.data[0]), ['a', 's', 'b']);
  assert.instance(got[1]!.data[1], Uint8Array);
});

Conditioner('conditionParser: droppable packets may be lost; destroy() cancels packets in flight; off() unsubscribes', () => {
  const { clock, decoder, got, feed, listener } = conditionedDecoder({ latency: 10, loss: 50, seed: 9, droppable: (p) => p.data?.[0] === 's' });
  for (let i = 0; i < 200; i++) feed(event(i % 2 ? 's' : 'ev', i));
  clock.advance(1e6);
  const states = got.filter((p) => p.data[0] === 's').length;
  assert.is(got.length - states, 100, 'reliable events all arrive');
  assert.ok(states > 25 && states < 75, `${states} of 100 droppable arrived`);
  got.length = 0;
  feed(event('late'));
  decoder.destroy();
  clock.advance(1000);
  assert.equal(got, [], 'cancelled by destroy');
  assert.is(clock.pending, 0);
  feed(event('after'));
  clock.advance(1e6);
  assert.is(got.length, 1, 'a destroyed decoder is reusable, as socket.io-client reuses it');
  decoder.off('decoded', listener);
  feed(event('unheard'));
  clock.advance(1e6);
  assert.is(got.length, 1);
  // Default-format input goes through the wrapped parser's decoder too.
  decoder.on('decoded', listener);
  for (const m of new Encoder().encode(event('old', Buffer.from([1])))) decoder.add(m);
  clock.advance(1e6);
  assert.is(got.at(-1)!.data[0], 'old');
});

Conditioner('conditionParser works as a real Socket.IO server parser (fake clock, no waiting on time)', async () => {
  const clock = new FakeClock();
  const http = createHttpServer();
  const io = new Server(http, { serveClient: false, parser: conditionParser(parser, { latency: 500, scheduler: clock }) });
  const got: unknown[] = [];
  io.on('connection', (socket) => socket.on('s', (bytes: Uint8Array) => got.push([...bytes])));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false, parser });
  try {
    // The CONNECT packet itself waits in the conditioner until the fake clock passes 500 ms.
    await waitFor(() => clock.pending > 0, 3000, 'CONNECT to reach the decoder');
    assert.is(client.connected, false);
    clock.advance(500);
    await waitFor(() => client.connected, 3000, 'client to connect');
    client.emit('s', new Uint8Array([4, 2]));
    await waitFor(() => clock.pending > 0, 3000, 'event to reach the decoder');
    clock.advance(499);
    await new Promise((r) => setImmediate(r));
    assert.equal(got, []);
    clock.advance(1);
    await waitFor(() => got.length === 1, 3000, 'event after 500 ms of fake time');
    assert.equal(got, [[4, 2]]);
  } finally {
    client.disconnect();
    await io.close();
  }
});

Conditioner.run();
