// The wire codec through its public API only: messages round-trip (encode → decode → deep-equal),
// the incremental encoder the server uses makes the same bytes, and malformed input is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { axisOfLevel, createRng, quantizeAxis } from '../../engine';
import {
  CodecError, decodeInput, decodeState, EncodedRecords, encodeInput, encodeState, INPUT_BYTES, StateEncoder,
  type EntityRecord, type StateMessage, type StreamPosition,
} from '../../net';

const Codec = suite('codec');

const axis = axisOfLevel;
const empty = (tick: number, ack = 0): StateMessage => ({ full: false, tick, ack, entities: [], removed: [], hits: [], kills: [] });

/** A record carrying the field groups named in `groups` (bit 0 direction … bit 4 state, bit 5 attacked). */
function record(id: number, groups: number): EntityRecord {
  const r: EntityRecord = { id, enter: false, attacked: (groups & 32) !== 0 };
  if (groups & 1) Object.assign(r, { mx: axis(127), my: axis(-64) });
  if (groups & 2) Object.assign(r, { x: Math.fround(33.3333), y: 0.25 });
  if (groups & 4) r.hp = 87.5;
  if (groups & 8) Object.assign(r, { kills: 3, deaths: 70_000 });
  if (groups & 16) Object.assign(r, { dead: (id & 1) === 1, offline: (id & 2) === 2 });
  return r;
}

const entering = (id: number): EntityRecord => ({
  id, enter: true, attacked: false, mx: axis(0), my: axis(-127), x: 12.5, y: 99.25, hp: 90, max: 100, kills: 3, deaths: 1, dead: false, offline: true,
});

Codec('every combination of fields round-trips exactly, entering records too', () => {
  const prev = { tick: 100, ack: 7 };
  for (let groups = 0; groups < 64; groups++) {
    const message: StateMessage = {
      full: false, tick: 101, ack: 9, entities: [record(300 + groups, groups), entering(5000 + groups)],
      removed: [5, 70000], hits: [[1, 2]], kills: [[3, 4], [2 ** 32 - 1, 0]],
    };
    assert.equal(decodeState(encodeState(message, prev), prev), message, `groups ${groups}`);
  }
});

Codec('deltas are relative to whichever message came before; full messages to none', () => {
  const rng = createRng(1);
  for (let i = 0; i < 200; i++) {
    const prev = { tick: rng.int(1e6), ack: rng.int(2 ** 32) };
    const message = empty(prev.tick + 1 + rng.int(100), (prev.ack + rng.int(50)) >>> 0);
    const bytes = encodeState(message, prev);
    assert.equal(decodeState(bytes, prev), message);
    // The same bytes read against another baseline give another (wrong) tick: baselines matter.
    assert.is.not(decodeState(bytes, { tick: prev.tick + 1, ack: prev.ack }).tick, message.tick);
    const full: StateMessage = { ...message, full: true, entities: [entering(1), entering(2)] };
    assert.equal(decodeState(encodeState(full, prev), { tick: 0, ack: 0 }), full);
  }
  // Ack sequence numbers wrap around 2^32.
  const wrap = { tick: 5, ack: 2 ** 32 - 2 };
  assert.equal(decodeState(encodeState(empty(6, 3), wrap), wrap), empty(6, 3));
});

Codec('a direction change costs 4 bytes; an idle tick is a 3-byte message, what it leaves out costing nothing', () => {
  const prev = { tick: 1, ack: 0 };
  const idle = encodeState(empty(2), prev);
  const turn = encodeState({ ...empty(2), entities: [{ id: 12, enter: false, attacked: false, mx: 1, my: 0 }] }, prev);
  // Kind (no flags), tick step, record count: an unchanged ack, no removals, no hits or kills.
  assert.equal([...idle], [0x10, 1, 0]);
  assert.is(turn.byteLength - idle.byteLength, 4);
  // Each of them, when there, sets its flag in the kind byte and adds its own bytes only.
  const acked = encodeState({ ...empty(2), ack: 3 }, prev);
  assert.equal([...acked], [0x12, 1, 3, 0]);
  const gone = encodeState({ ...empty(2), removed: [7] }, prev);
  assert.equal([...gone], [0x14, 1, 0, 1, 7]);
  const hit = encodeState({ ...empty(2), hits: [[4, 5]] }, prev);
  assert.equal([...hit], [0x18, 1, 0, 1, 4, 5, 0]);
  const killed = encodeState({ ...empty(2), kills: [[4, 5]] }, prev);
  assert.equal([...killed], [0x18, 1, 0, 0, 1, 4, 5]);
  for (const bytes of [idle, turn, acked, gone, hit, killed]) {
    const back = decodeState(bytes, prev);
    assert.is(decodeState(encodeState(back, prev), prev).tick, 2);
    assert.equal([...encodeState(back, prev)], [...bytes], 'decoding and encoding again gives the same bytes');
  }
});

Codec('the kind byte is checked: its high nibble, and flags that promise what is not there', () => {
  const prev = { tick: 1, ack: 0 };
  const cases: [number[], RegExp][] = [
    [[0x20, 1, 0], /unknown state kind 0x20/],
    [[0x02, 1, 0, 0, 0, 0, 0], /unknown state kind 0x2/],
    [[0x12, 1, 0, 0], /ack step of 0/],
    [[0x14, 1, 0, 0], /removed flag with an empty removed list/],
    [[0x18, 1, 0, 0, 0], /hits flag with no hits and no kills/],
    [[0x15, 0, 0, 0, 5, 0, 0, 0, 0, 0, 1, 7], /full message cannot have flags 0x5/],
    [[0x13, 0, 0, 0, 5, 0, 0, 0, 0, 0], /full message cannot have flags 0x3/],
    [[0x10, 1, 0, 0], /trailing/],
  ];
  for (const [bytes, error] of cases) assert.throws(() => decodeState(Uint8Array.from(bytes), prev), error, bytes.join(','));
  assert.throws(() => encodeState({ ...empty(5), full: true, removed: [3] }, prev), /full message removes nothing/);
});

Codec('direction axes cross as the engine quantizes them', () => {
  const rng = createRng(3);
  const prev = { tick: 0, ack: 0 };
  for (let i = 0; i < 2000; i++) {
    const mx = i < 2 ? [-1, 1][i]! : rng.range(-1.5, 1.5);
    const my = rng.range(-1, 1);
    const back = decodeState(encodeState({ ...empty(1), entities: [{ id: 1, enter: false, attacked: false, mx, my }] }, prev), prev);
    assert.is(back.entities[0]!.mx, quantizeAxis(mx), `mx ${mx}`);
    assert.is(back.entities[0]!.my, quantizeAxis(my), `my ${my}`);
    const input = decodeInput(encodeInput({ seq: i, mx, my, attack: false }));
    assert.is(input.mx, quantizeAxis(mx));
    assert.is(input.my, quantizeAxis(my));
  }
});

Codec('the incremental encoder, copying records encoded once, makes the very bytes encodeState makes', () => {
  const rng = createRng(2);
  const records = new EncodedRecords();
  const encoder = new StateEncoder();
  for (const count of [0, 1, 127, 128, 300, 20_000]) {
    records.reset();
    const pool = Array.from({ length: 50 }, (_, i) => (i % 7 === 0 ? entering(i + 1) : record(i + 1, rng.int(64))));
    const handles = pool.map((r) => records.add(r));
    const picked = Array.from({ length: count }, () => rng.int(pool.length));
    const prev: StreamPosition = { tick: 41, ack: 2 };
    const message: StateMessage = { full: false, tick: 42, ack: 3, entities: picked.map((i) => pool[i]!), removed: [9], hits: [[1, 2]], kills: [] };
    encoder.begin(false, 42, 3, prev);
    for (const i of picked) encoder.copy(records, handles[i]!);
    assert.is(encoder.records, count);
    const bytes = encoder.finish([9], [[1, 2]], []);
    assert.equal([...bytes], [...encodeState(message, prev)], `${count} records`);
    assert.equal(decodeState(bytes, prev), message, `${count} records decode`);
  }
});

Codec('a body shared by many connections, each with its own header, makes the bytes each would get alone', () => {
  const rng = createRng(3);
  const body = new StateEncoder();
  const encoder = new StateEncoder();
  for (const count of [1, 127, 128, 300]) {
    const entities = Array.from({ length: count }, (_, i) => record(i + 1, rng.int(64)));
    body.begin(false, 100, 0, { tick: 99, ack: 0 });
    for (const r of entities) body.record(r);
    const shared = body.finishBody([], [[1, 2]], [[3, 4]]);
    // Connections at different points of their streams: other tick steps, other acks.
    for (const prev of [{ tick: 99, ack: 7 }, { tick: 60, ack: 4_000_000 }, { tick: 0, ack: 0 }]) {
      const message: StateMessage = { full: false, tick: 100, ack: prev.ack + 3, entities, removed: [], hits: [[1, 2]], kills: [[3, 4]] };
      assert.equal([...encoder.delta(shared, 100, prev.ack + 3, prev)], [...encodeState(message, prev)], `${count} records after ${prev.tick}`);
    }
  }
  assert.throws(() => encoder.delta(new Uint8Array(1), 5, 0, { tick: 5, ack: 0 }), (e: Error) => e instanceof CodecError);
  encoder.begin(false, 10, 0, { tick: 9, ack: 0 });
  assert.throws(() => encoder.delta(new Uint8Array(1), 11, 0, { tick: 10, ack: 0 }), /finish/);
});

Codec('records the wire cannot carry are refused when encoding, and leave no trace', () => {
  const bad: EntityRecord[] = [
    { id: 1, enter: false, attacked: false, mx: 1 },
    { id: 1, enter: false, attacked: false, y: 1 },
    { id: 1, enter: false, attacked: false, kills: 1 },
    { id: 1, enter: false, attacked: false, offline: true },
    { id: 1, enter: false, attacked: false, hp: 5, max: 100 },
    { ...entering(1), max: undefined },
    { ...entering(1), attacked: true },
    { id: 1, enter: true, attacked: false },
  ];
  const records = new EncodedRecords();
  const good = records.add(record(7, 63));
  for (const r of bad) {
    assert.throws(() => encodeState({ ...empty(2), entities: [r] }, { tick: 1, ack: 0 }), (e: unknown) => e instanceof CodecError, JSON.stringify(r));
    assert.throws(() => records.add(r), (e: unknown) => e instanceof CodecError);
  }
  // The failed adds wrote nothing: the next handle's bytes are its own.
  const next = records.add(record(8, 1));
  const encoder = new StateEncoder();
  encoder.begin(false, 2, 0, { tick: 1, ack: 0 });
  encoder.copy(records, good);
  encoder.copy(records, next);
  const back = decodeState(encoder.finish([], [], []), { tick: 1, ack: 0 });
  assert.equal(back.entities, [record(7, 63), record(8, 1)]);
  // A delta must move the stream on; a full message need not.
  assert.throws(() => encodeState(empty(5), { tick: 5, ack: 0 }), (e: unknown) => e instanceof CodecError);
  assert.not.throws(() => encodeState({ ...empty(5), full: true }, { tick: 5, ack: 0 }));
  assert.throws(() => new StateEncoder().record(record(1, 1)), /begin/);
});

Codec('malformed state bytes are refused with CodecError', () => {
  const prev = { tick: 10, ack: 0 };
  const good = encodeState({ full: false, tick: 11, ack: 1, entities: [entering(1)], removed: [2], hits: [[1, 2]], kills: [] }, prev);
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

Codec('inputs round-trip, including Buffer views into a larger pool; malformed ones are refused', () => {
  const input = { seq: 4_000_000_000, mx: axis(-127), my: axis(90), attack: true, viewTimeMs: 123_456 };
  const bytes = encodeInput(input);
  assert.is(bytes.byteLength, INPUT_BYTES);
  assert.equal(decodeInput(bytes), input);
  const pool = Buffer.alloc(64, 0xee);
  pool.set(bytes, 20);
  assert.equal(decodeInput(pool.subarray(20, 20 + INPUT_BYTES)), input);
  assert.equal(decodeInput(encodeInput({ seq: 1, mx: 0, my: 0, attack: false })), { seq: 1, mx: 0, my: 0, attack: false, viewTimeMs: 0 });
  for (const b of [new Uint8Array(10), new Uint8Array(12), Uint8Array.of(0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0), Uint8Array.of(0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0)]) {
    assert.throws(() => decodeInput(b), (e: unknown) => e instanceof CodecError);
  }
});

Codec('a seek target (protocol 3) round-trips exactly, entering too, in the documented bytes', () => {
  const seeking: EntityRecord = { id: 12, enter: false, attacked: false, tx: 20, ty: 50 };
  const bytes = encodeState({ ...empty(1001, 41), entities: [seeking] }, { tick: 1000, ack: 41 });
  assert.is(Buffer.from(bytes).toString('hex'), '1001010c80' + '41a00000' + '42480000');
  assert.equal(decodeState(bytes, { tick: 1000, ack: 41 }).entities, [seeking]);
  const enter: EntityRecord = { ...entering(3) };
  delete enter.mx;
  delete enter.my;
  Object.assign(enter, { tx: Math.fround(77.7), ty: 0 });
  const full = encodeState({ full: true, tick: 5, ack: 0, entities: [enter], removed: [], hits: [], kills: [] }, { tick: 0, ack: 0 });
  assert.equal(decodeState(full, { tick: 0, ack: 0 }).entities, [enter]);
  assert.throws(() => encodeState({ ...empty(1001), entities: [{ ...seeking, mx: 0, my: 0 }] }, { tick: 1000, ack: 0 }), /one motion/);
  // Both motions in one mask (0x81), and an enter mask other than 127 or 254, are refused.
  const both = Uint8Array.from([0x10, 1, 1, 12, 0x81, 0x7f, 0, 0x41, 0xa0, 0, 0, 0x42, 0x48, 0, 0]);
  assert.throws(() => decodeState(both, { tick: 1000, ack: 0 }), /both a direction and a target/);
  const bad = Uint8Array.from(full);
  assert.is(bad[11], 254, 'the enter mask of a seeker');
  bad[11] = 0xff;
  assert.throws(() => decodeState(bad, { tick: 0, ack: 0 }), /enter record/);
});

Codec('the examples of docs/protocol.md decode to what they say and encode back to the same bytes', () => {
  const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' ').map((h) => parseInt(h, 16)));
  const prev = { tick: 1000, ack: 41 };
  const none = { removed: [], hits: [], kills: [] };
  const examples: [string, StateMessage][] = [
    ['10 01 00', { full: false, tick: 1001, ack: 41, entities: [], ...none }],
    ['12 01 01 00', { full: false, tick: 1001, ack: 42, entities: [], ...none }],
    ['12 01 01 01 0c 01 7f 00', { full: false, tick: 1001, ack: 42, entities: [{ id: 12, enter: false, attacked: false, mx: 1, my: 0 }], ...none }],
    ['10 01 01 0c 80 41 a0 00 00 42 48 00 00', { full: false, tick: 1001, ack: 41, entities: [{ id: 12, enter: false, attacked: false, tx: 20, ty: 50 }], ...none }],
    ['1e 03 01 02 07 20 09 04 a8 46 01 ac 02 01 07 09 00', {
      full: false, tick: 1003, ack: 42, entities: [{ id: 7, enter: false, attacked: true }, { id: 9, enter: false, attacked: false, hp: 90 }],
      removed: [300], hits: [[7, 9]], kills: [],
    }],
    ['11 00 00 03 e9 00 00 00 2a 01 03 7f 00 00 42 48 00 00 41 cc 00 00 90 4e 90 4e 02 01 00', {
      full: true, tick: 1001, ack: 42, ...none,
      entities: [{ id: 3, enter: true, attacked: false, mx: 0, my: 0, x: 50, y: 25.5, hp: 100, max: 100, kills: 2, deaths: 1, dead: false, offline: false }],
    }],
  ];
  for (const [bytes, message] of examples) {
    assert.equal(decodeState(hex(bytes), prev), message, bytes);
    assert.is(Buffer.from(encodeState(message, prev)).toString('hex'), bytes.replaceAll(' ', ''), bytes);
  }
});

Codec.run();
