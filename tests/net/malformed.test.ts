import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getStore, Health, Position, Score } from '../../engine';
import { latestPosition, type ErrorPayload } from '../../net';
import { encodeInput, parser } from '../../net/wire';
import { Harness } from './harness';
import { reckoned, sleep, waitFor } from '../helpers';

const Malformed = suite<{ h: Harness }>('malformed input');
Malformed.before.each(async (ctx) => {
  ctx.h = new Harness();
  await ctx.h.start();
});
Malformed.after.each(async (ctx) => {
  await ctx.h.close();
});

// [event, payload]: each must be refused with an `error` event and change nothing.
const BAD: [string, unknown][] = [
  ['move', undefined],
  ['move', null],
  ['move', 42],
  ['move', 'north'],
  ['move', { x: 1 }],
  ['move', { x: '1', y: 2 }],
  ['move', { x: Number.NaN, y: 2 }],
  ['move', { x: 1e300, y: 2 }],
  ['move', { x: 1, y: 2, hp: 100 }],
  ['move', [1, 2]],
  ['move', { x: 1, y: 2, pad: 'x'.repeat(4000) }],
  ['attack', { damage: 1000 }],
  ['attack', 'now'],
  ['attack', [1]],
  ['i', 'not binary'],
  ['i', { seq: 1, mx: 1 }],
  ['i', new Uint8Array(3)],
  ['i', new Uint8Array(64)],
  ['i', Uint8Array.from([0, 0, 0, 1, 0x80, 0, 0])],
  ['i', Uint8Array.from([0, 0, 0, 1, 0, 0, 7])],
  ['t', 'soon'],
  ['t', -5],
  ['position', { x: 0, y: 0 }],
  ['set_hp', { hp: 1e9 }],
];

Malformed('every malformed message gets an error and changes nothing', async ({ h }) => {
  const honest = await h.engine();
  const bad = await h.classic();
  const world = h.server.match.world;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const honestEid = h.eidOf(honest.welcome!.sid);
  const badEid = h.eidOf(bad.id!);
  h.place(honest.welcome!.sid, 40, 40);
  h.place(bad.id!, 45, 40);
  const snapshot = () => [pos.x[honestEid], pos.y[honestEid], health.hp[honestEid], score.deaths[honestEid], pos.x[badEid], pos.y[badEid], score.kills[badEid]];
  const before = snapshot();
  const errors: ErrorPayload[] = [];
  bad.on('error', (e: ErrorPayload) => errors.push(e));
  for (const [event, payload] of BAD) bad.emit(event, payload);
  await waitFor(() => errors.length === BAD.length, 3000, `${BAD.length} errors (got ${errors.length})`);
  await sleep(100);
  assert.equal(snapshot(), before, 'no state changed');
  for (const e of errors) {
    assert.ok(e.code === 'bad_input' || e.code === 'unknown_event', JSON.stringify(e));
    assert.type(e.message, 'string');
  }
  assert.equal(errors.map((e) => e.event).sort(), BAD.map(([event]) => event).sort());
  assert.is(h.server.match.stats.rejected, BAD.length);
  assert.ok(bad.connected, 'a client sending junk is told, not dropped');
  // The honest player still plays.
  honest.sendInput({ mx: 1, my: 0, attack: false });
  await waitFor(() => pos.x[honestEid]! > 41, 3000, 'honest player still moves');
});

Malformed('bare input messages of the wrong size or with bad fields get bad_input and change nothing', async ({ h }) => {
  const honest = await h.engine();
  // Our parser sends the input event bare (a kind byte, then the bytes): these reach the server
  // as bare input messages, not one-frame packets.
  const bad = await h.classic({ parser });
  const world = h.server.match.world;
  const pos = getStore(world, Position);
  const badEid = h.eidOf(bad.id!);
  h.place(bad.id!, 30, 30);
  const errors: ErrorPayload[] = [];
  bad.on('error', (e: ErrorPayload) => errors.push(e));
  const payloads = [new Uint8Array(0), new Uint8Array(10), new Uint8Array(12), Uint8Array.from([0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0]), Uint8Array.from([0, 0, 0, 1, 0, 0, 7, 0, 0, 0, 0])];
  for (const payload of payloads) bad.emit('i', payload);
  await waitFor(() => errors.length === payloads.length, 3000, `${payloads.length} errors (got ${errors.length})`);
  for (const e of errors) assert.equal([e.code, e.event], ['bad_input', 'i'], JSON.stringify(e));
  assert.ok(/11 bytes|out of range|button/.test(errors.map((e) => e.message).join(' ')), errors.map((e) => e.message).join(' | '));
  assert.ok(bad.connected, 'told, not dropped');
  assert.equal([pos.x[badEid], pos.y[badEid]], [30, 30], 'the player did not move');
  // A well-formed bare input from the same connection is then applied.
  bad.emit('i', encodeInput({ seq: 1, mx: 1, my: 0, attack: false }));
  await waitFor(() => pos.x[badEid]! > 31, 3000, 'a good bare input moves the player');
  assert.is(honest.status, 'connected', 'the honest client is untouched');
});

Malformed('an oversized message closes only that connection', async ({ h }) => {
  const honest = await h.engine();
  const bad = await h.classic();
  const gone = new Promise<string>((resolve) => bad.on('disconnect', resolve));
  bad.emit('move', { x: 1, y: 2, pad: 'x'.repeat(64 * 1024) });
  assert.is(await gone, 'transport close');
  await waitFor(() => h.server.match.sessions.bySocketId.size === 1, 3000, 'bad session removed');
  const x0 = latestPosition(honest.world, honest.welcome!.id)!.x;
  honest.sendInput({ mx: x0 > 50 ? -1 : 1, my: 0, attack: false });
  await waitFor(() => Math.abs(reckoned(honest, honest.welcome!.id, h.server.match.world.time.tick)!.x - x0) > 1, 3000, 'honest client still served');
});

Malformed.run();
