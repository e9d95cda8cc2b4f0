import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, getStore, Input, queueInput, spawnPlayer, step,
  type BattleWorld, type InputCommand,
} from '../../engine';
import { hashWorld, recordMatch, replay } from '../../engine/replay';
import { ByteReader, ByteWriter } from '../../engine/replay/bytes';
import { concat, matchRules } from './replay-match';

const Commands = suite('replay commands');

/** Records one tick per queue list and checks that the replay's Input store matches, tick by tick. */
function roundTrip(ticks: InputCommand[][]): { world: BattleWorld; bytes: Uint8Array } {
  const world = createBattleWorld({ rules: matchRules, seed: 9, capacity: 8 });
  const eid = spawnPlayer(world);
  const chunks: Uint8Array[] = [];
  const recorder = recordMatch(world, { sink: (c) => chunks.push(c) });
  const stores: Record<string, number>[] = [];
  const snapshot = (w: BattleWorld, e: number): Record<string, number> => {
    const s = getStore(w, Input);
    return { mx: s.mx[e]!, my: s.my[e]!, seek: s.seek[e]!, tx: s.tx[e]!, ty: s.ty[e]!, attack: s.attack[e]!, seq: s.seq[e]!, viewTimeS: s.viewTimeS[e]! };
  };
  for (const queue of ticks) {
    for (const cmd of queue) queueInput(world, eid, cmd);
    step(world);
    stores.push(snapshot(world, eid));
  }
  recorder.close();
  const bytes = concat(chunks);
  const r = replay(bytes);
  for (let i = 0; i < ticks.length; i++) {
    r.stepOne();
    const got = snapshot(r.world, eid);
    for (const key of Object.keys(got)) assert.ok(Object.is(got[key], stores[i]![key]), `tick ${i + 1} ${key}: ${got[key]} vs ${stores[i]![key]}`);
    assert.is(hashWorld(r.world), r.recordedHash(r.tick));
  }
  return { world, bytes };
}

Commands('a block written in place reads back as its varint length and its bytes, at every varint size', () => {
  const out = new ByteWriter(16);
  const lengths = [0, 1, 127, 128, 300, 16_383, 16_384, 70_000];
  for (const n of lengths) {
    out.u8(0xee);
    const block = out.beginBlock();
    for (let i = 0; i < n; i++) out.u8(i & 0xff);
    out.endBlock(block);
  }
  out.u8(0xdd);
  const r = new ByteReader(out.written());
  for (const n of lengths) {
    assert.is(r.u8(), 0xee);
    assert.is(r.varint(), n);
    const bytes = r.raw(n);
    assert.ok(bytes.every((b, i) => b === (i & 0xff)), `block of ${n}`);
  }
  assert.is(r.u8(), 0xdd);
  assert.is(out.length, r.offset);
});

Commands('levels, off-level axes, −0, seeks, repeats and the same move after a seek', () => {
  roundTrip([
    [{ seq: 1, move: { x: 1, y: -1 } }],
    [{ seq: 2, move: { x: 1, y: -1 } }], // the same direction: no bytes
    [{ seq: 3, move: { x: 0.3, y: -0.7071 } }], // not a level: Float32s
    [{ seq: 4, move: { x: -0, y: 0 } }], // −0 is kept as −0
    [{ seq: 5, move: { x: 0, y: 0 } }],
    [{ seq: 6, target: { x: -10, y: 1e6 } }], // clamped by the input system, recorded as sent
    [{ seq: 7, move: { x: 0, y: 0 } }], // same numbers as before the seek, but it ends the seek
    [{ seq: 8, move: { x: 5, y: 5 } }], // beyond [−1, 1]: the input system normalises later, the store keeps 5
    [],
    [{ seq: 9, move: { x: 64 / 127, y: -1 / 127 } }],
  ]);
});

Commands('sequence numbers: gaps, repeats, backwards, wrap-around, non-integers; several commands a tick', () => {
  roundTrip([
    [{ seq: 4294967295, move: { x: 1, y: 0 } }],
    [{ seq: 0 }], // wraps
    [{ seq: 1 }, { seq: 2 }, { seq: 3 }],
    [{ seq: 100 }, { seq: 50 }],
    [{ seq: 7.9 }], // the store keeps ToUint32
    [{ seq: -1 }],
    [{}, { move: { x: 0, y: 1 } }, { target: { x: 3, y: 4 } }, { move: { x: 0, y: 1 } }],
  ]);
});

Commands('attacks with and without view times; a view time without an attack is dropped', () => {
  const { bytes } = roundTrip([
    [{ seq: 1, attack: true, viewTimeS: 0.123456789012345 }],
    [{ seq: 2, attack: true }],
    [{ seq: 3, attack: false, viewTimeS: 99 }],
    [{ seq: 4, attack: true, viewTimeS: 1 }, { seq: 5, attack: true }],
  ]);
  assert.ok(bytes.length > 0);
});

Commands('the same recording of a wander-like queue is small: one flags byte a tick when nothing changes', () => {
  const same = Array.from({ length: 300 }, (_, i) => [{ seq: i + 1, move: { x: 1, y: 0 } }]);
  const still = Array.from({ length: 300 }, () => [] as InputCommand[]);
  const a = roundTrip(same).bytes.length;
  const b = roundTrip(still).bytes.length;
  // Per tick: eid delta, count, flags = 3 bytes more than a tick without commands.
  assert.ok(a - b <= 300 * 3 + 16, `${a - b} bytes for 300 commands`);
});

Commands.run();
