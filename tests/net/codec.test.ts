import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng } from '../../engine';
import {
  ByteWriter, CodecError, decodeInput, decodeState, encodeInput, Field, INPUT_BYTES,
  writeHeader, writeIds, writePairs, writeRecord, type EntityRecord, type StateMessage, type StreamPosition,
} from '../../net';

const Codec = suite('codec');

const axis = (code: number) => Math.fround(code / 127);

function full(r: Partial<EntityRecord> & { id: number; mask: number }): Required<EntityRecord> {
  return { mx: axis(127), my: axis(-64), x: 12.5, y: 99.25, hp: 90, max: 100, kills: 3, deaths: 1, dead: false, offline: false, ...r };
}

function encode(message: StateMessage, prev: StreamPosition): Uint8Array {
  const w = new ByteWriter();
  writeHeader(w, message.full, message.tick, message.ack, prev);
  w.varint(message.entities.length);
  for (const e of message.entities) writeRecord(w, full(e));
  writeIds(w, message.removed);
  writePairs(w, message.hits);
  writePairs(w, message.kills);
  return w.finish();
}

/** What the decoder gives back for a record: exactly the fields its mask names. */
function expected(e: EntityRecord): EntityRecord {
  const f = full(e);
  const m = e.mask & Field.enter ? 127 : e.mask;
  const out: EntityRecord = { id: e.id, mask: m };
  if (m & Field.direction) Object.assign(out, { mx: f.mx, my: f.my });
  if (m & Field.position) Object.assign(out, { x: f.x, y: f.y });
  if (m & Field.health) out.hp = f.hp;
  if (m & Field.enter) out.max = f.max;
  if (m & Field.score) Object.assign(out, { kills: f.kills, deaths: f.deaths });
  if (m & Field.state) Object.assign(out, { dead: f.dead, offline: f.offline });
  return out;
}

Codec('every field combination round-trips exactly', () => {
  const prev = { tick: 100, ack: 7 };
  for (let mask = 0; mask < 128; mask++) {
    const e = { id: 300 + mask, mask, x: Math.fround(33.3333), y: Math.fround(0.1), dead: (mask & 1) === 1, offline: (mask & 2) === 2 };
    const message: StateMessage = { full: false, tick: 101, ack: 9, entities: [e], removed: [5, 70000], hits: [[1, 2]], kills: [[3, 4]] };
    const back = decodeState(encode(message, prev), prev);
    assert.equal(back, { ...message, entities: [expected(e)] }, `mask ${mask}`);
  }
});

Codec('deltas are relative to whichever message came before; full messages to none', () => {
  const rng = createRng(1);
  for (let i = 0; i < 200; i++) {
    const prev = { tick: rng.int(1e6), ack: rng.int(2 ** 32) };
    const tick = prev.tick + 1 + rng.int(100);
    const ack = (prev.ack + rng.int(50)) >>> 0;
    const message: StateMessage = { full: false, tick, ack, entities: [], removed: [], hits: [], kills: [] };
    const bytes = encode(message, prev);
    assert.equal(decodeState(bytes, prev), message);
    // The same bytes read against another baseline give another (wrong) tick: baselines matter.
    assert.is.not(decodeState(bytes, { tick: prev.tick + 1, ack: prev.ack }).tick, tick);
    const f: StateMessage = { ...message, full: true };
    assert.equal(decodeState(encode(f, prev), { tick: 0, ack: 0 }), f);
  }
  // Ack sequence numbers wrap around 2^32.
  const wrap = { tick: 5, ack: 2 ** 32 - 2 };
  const m: StateMessage = { full: false, tick: 6, ack: 3, entities: [], removed: [], hits: [], kills: [] };
  assert.equal(decodeState(encode(m, wrap), wrap), m);
});

Codec('a direction change costs 5 bytes; an idle tick 7 bytes of message', () => {
  const prev = { tick: 1, ack: 0 };
  const idle = encode({ full: false, tick: 2, ack: 0, entities: [], removed: [], hits: [], kills: [] }, prev);
  const turn = encode({ full: false, tick: 2, ack: 0, entities: [{ id: 12, mask: Field.direction }], removed: [], hits: [], kills: [] }, prev);
  assert.is(idle.byteLength, 7);
  assert.is(turn.byteLength - idle.byteLength, 4);
});

Codec('malformed state bytes are rejected with CodecError', () => {
  const prev = { tick: 10, ack: 0 };
  const good = encode({ full: false, tick: 11, ack: 1, entities: [{ id: 1, mask: 127 }], removed: [2], hits: [[1, 2]], kills: [] }, prev);
  const bad: Uint8Array[] = [
    new Uint8Array(0),
    Uint8Array.of(9),
    Uint8Array.of(2, 0, 0, 0, 0, 0, 0), // tick does not advance
    good.subarray(0, good.length - 1),
    Uint8Array.from([...good, 0]),
    Uint8Array.of(2, 1, 0, 1, 1, 0x80), // unknown field bit
    Uint8Array.of(2, 1, 0, 1, 1, 64 | 1), // enter without every field
    Uint8Array.of(2, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f), // count far beyond the message
    Uint8Array.of(2, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), // varint too long
    Uint8Array.of(2, 1, 0, 1, 1, 2, 0x7f, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), // NaN position
    Uint8Array.of(2, 1, 0, 1, 1, 16, 9, 0, 0, 0), // state bits out of range
    Uint8Array.of(2, 1, 0, 1, 1, 1, 0x80, 0, 0, 0, 0), // direction −128
  ];
  for (const bytes of bad) {
    assert.throws(() => decodeState(bytes, prev), (e: unknown) => e instanceof CodecError, `accepted ${[...bytes]}`);
  }
});

Codec('inputs round-trip, including Buffer views into a larger pool', () => {
  const input = { seq: 4_000_000_000, mx: axis(-127), my: axis(90), attack: true, viewTime: 123_456 };
  const bytes = encodeInput(input);
  assert.is(bytes.byteLength, INPUT_BYTES);
  assert.equal(decodeInput(bytes), input);
  const pool = Buffer.alloc(64, 0xee);
  pool.set(bytes, 20);
  assert.equal(decodeInput(pool.subarray(20, 20 + INPUT_BYTES)), input);
  for (const b of [new Uint8Array(10), new Uint8Array(12), Uint8Array.of(0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0), Uint8Array.of(0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0)]) {
    assert.throws(() => decodeInput(b), (e: unknown) => e instanceof CodecError);
  }
});

Codec.run();
