import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness } from './harness';
import { waitFor } from '../helpers';

const Metrics = suite<{ h: Harness }>('metrics endpoint');
Metrics.before.each(async (ctx) => {
  ctx.h = new Harness();
  await ctx.h.start();
});
Metrics.after.each(async (ctx) => {
  await ctx.h.close();
});

function value(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{') && l.includes('} ') && l.split(' ')[0] === name);
  if (!line) throw new Error(`metric ${name} not found`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

Metrics('/metrics reports players, ticks, wire bytes and rejections in Prometheus text', async ({ h }) => {
  const a = await h.engine();
  const b = await h.classic();
  b.emit('move', { x: 'nope' });
  a.sendInput({ mx: 1, my: 0, attack: false });
  await waitFor(() => h.server.match.stats.rejected === 1 && h.server.match.stats.ticks > 10, 3000);
  const res = await fetch(`${h.server.url}/metrics`);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const text = await res.text();
  assert.ok(text.includes('skirmish_players{protocol="delta"} 1'), 'delta players');
  assert.ok(text.includes('skirmish_players{protocol="classic"} 1'), 'classic players');
  assert.ok(value(text, 'skirmish_tick_seconds_count') > 10, 'tick histogram');
  assert.ok(value(text, 'skirmish_wire_sent_bytes_total') > 1000, 'bytes sent');
  assert.ok(value(text, 'skirmish_wire_received_bytes_total') > 100, 'bytes received');
  assert.is(value(text, 'skirmish_inputs_rejected_total'), 1);
  assert.ok(value(text, 'skirmish_messages_received_total') >= 2);
  assert.ok(text.includes('skirmish_nodejs_eventloop_lag_p99_seconds'), 'event-loop lag');
});

Metrics.run();
