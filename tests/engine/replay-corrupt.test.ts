import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import xxh32 from 'xxh32';
import { createBattleWorld, createRng, queueInput, spawnPlayer, step } from '../../engine';
import { recordMatch, replay, verifyReplay, ReplayFormatError } from '../../engine/replay';
import { concat, matchRules, recordTestMatch } from './replay-match';

// Chunks as the format doc defines them: u32 length, u32 xxHash32 (seed 0) of the payload, payload.
function rechecksum(chunk: Uint8Array): void {
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  view.setUint32(4, xxh32(new Uint8Array(chunk.subarray(8)), 0) >>> 0, true);
}

function f32Bytes(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setFloat32(0, v, true);
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const Corrupt = suite('replay corruption');

Corrupt('flipping one recorded input axis (chunk re-checksummed) makes verify name that tick, entity and field', () => {
  for (const atCheckpoint of [true, false]) {
    const world = createBattleWorld({ rules: matchRules, seed: 3, capacity: 16 });
    const eids = [spawnPlayer(world), spawnPlayer(world), spawnPlayer(world)];
    const chunks: Uint8Array[] = [];
    const recorder = recordMatch(world, { sink: (c) => chunks.push(c.slice()), checkpointEveryTicks: 50, flushEveryTicks: 10 });
    const odd = 0.3141592;
    const flipTick = atCheckpoint ? 100 : 77;
    for (let t = 1; t <= 160; t++) {
      for (const eid of eids) queueInput(world, eid, { seq: t, move: t === flipTick && eid === eids[1] ? { x: odd, y: 0 } : { x: 1, y: (t % 3) - 1 } });
      step(world);
    }
    recorder.close();
    assert.ok(verifyReplay(concat(chunks)).ok, 'untouched recording verifies');
    const needle = f32Bytes(odd);
    const hit = chunks.findIndex((c) => indexOf(c, needle) >= 0);
    assert.ok(hit > 0, 'the odd axis is in the file once');
    chunks[hit]!.set(f32Bytes(-0.5), indexOf(chunks[hit]!, needle));
    rechecksum(chunks[hit]!);
    const result = verifyReplay(concat(chunks));
    assert.is(result.ok, false);
    assert.is(result.firstMismatchTick, flipTick);
    assert.ok(result.mismatch !== undefined, JSON.stringify(result));
    assert.is(result.mismatch!.tick, flipTick);
    assert.is(result.mismatch!.checkpointTick, atCheckpoint ? 100 : 100);
    assert.is(result.mismatch!.entity, eids[1]);
    assert.is(result.mismatch!.netId, 2);
    if (atCheckpoint) {
      assert.is(result.mismatch!.component, 'Input');
      assert.is(result.mismatch!.field, 'mx');
      assert.is(result.mismatch!.expected, Math.fround(odd));
      assert.is(result.mismatch!.actual, -0.5);
    }
  }
});

Corrupt('a bit flip without re-checksumming is a checksum error from replay(), an error result from verify', () => {
  const { bytes } = recordTestMatch({ ticks: 200 });
  const bad = bytes.slice();
  bad[bad.length - 20]! ^= 0x10;
  assert.throws(() => replay(bad), (e: unknown) => e instanceof ReplayFormatError && /checksum/.test((e as Error).message));
  const result = verifyReplay(bad);
  assert.is(result.ok, false);
  assert.match(result.error ?? '', /checksum/);
});

Corrupt('truncation at every chunk boundary and mid-chunk', () => {
  const { chunks, hashes } = recordTestMatch({ ticks: 300, checkpointEveryTicks: 60, flushEveryTicks: 20 });
  let end = 0;
  for (let k = 0; k < chunks.length; k++) {
    const start = end;
    end += chunks[k]!.length;
    const whole = concat(chunks).subarray(0, end);
    for (const cut of [end, start + Math.max(1, chunks[k]!.length >> 1), start + 3]) {
      const bytes = whole.subarray(0, Math.min(cut, end));
      const midChunk = bytes.length < end;
      const complete = k === chunks.length - 1 && !midChunk;
      // The preamble and the first chunk (header + first checkpoint) are needed to replay anything.
      if (k < 1 || (k === 1 && midChunk)) {
        assert.throws(() => replay(bytes), (e: unknown) => e instanceof ReplayFormatError, `cut at ${bytes.length}`);
        const result = verifyReplay(bytes);
        assert.is(result.ok, false);
        assert.ok(result.error !== undefined && result.error.length > 0);
        continue;
      }
      const r = replay(bytes);
      assert.is(r.truncated, midChunk, `cut at ${bytes.length}`);
      r.seek(r.lastTick);
      if (r.lastTick > r.firstTick) assert.is(r.recordedHash(r.lastTick), hashes.get(r.lastTick));
      const result = verifyReplay(bytes);
      assert.is(result.firstMismatchTick, null);
      assert.is(result.ticks, r.lastTick - r.firstTick);
      assert.is(result.ok, complete, `cut at ${bytes.length} of chunk ${k}: ${result.error}`);
      if (!complete) assert.match(result.error ?? '', midChunk ? /mid-chunk/ : /end marker/);
    }
  }
});

Corrupt('random corruption never throws out of verifyReplay, nor anything but ReplayFormatError out of replay()', () => {
  const { chunks } = recordTestMatch({ ticks: 240, checkpointEveryTicks: 60, flushEveryTicks: 15 });
  const rng = createRng(99);
  for (let trial = 0; trial < 400; trial++) {
    const copy = chunks.map((c) => c.slice());
    // Mostly inside payloads and re-checksummed, so the record decoders see the damage.
    const k = trial % 5 === 0 ? rng.int(copy.length) : 1 + rng.int(copy.length - 1);
    const chunk = copy[k]!;
    const flips = 1 + rng.int(4);
    for (let f = 0; f < flips; f++) chunk[rng.int(chunk.length)] = rng.int(256);
    if (k > 0 && trial % 3 !== 0) rechecksum(chunk);
    let bytes = concat(copy);
    if (trial % 7 === 0) bytes = bytes.subarray(0, rng.int(bytes.length));
    try {
      const r = replay(bytes);
      r.seek(r.lastTick);
    } catch (error) {
      assert.ok(error instanceof ReplayFormatError, `trial ${trial}: ${(error as Error).stack}`);
    }
    const result = verifyReplay(bytes);
    assert.type(result.ok, 'boolean');
  }
});

Corrupt('not a replay, or another format version', () => {
  assert.throws(() => replay(new Uint8Array([1, 2, 3])), /too short/);
  assert.throws(() => replay(new TextEncoder().encode('hello world')), /SKRP/);
  const { bytes } = recordTestMatch({ ticks: 10 });
  const other = bytes.slice();
  other[4] = 99;
  assert.throws(() => replay(other), /format version 99/);
  assert.match(verifyReplay(other).error ?? '', /format version 99/);
});

Corrupt('a header asking for a huge world is refused before anything is allocated', () => {
  for (const [capacity, history] of [[1 << 20, 1], [4096, 1e6]] as const) {
    const world = createBattleWorld({ rules: matchRules, seed: 1, capacity: 16 });
    const chunks: Uint8Array[] = [];
    recordMatch(world, { sink: (c) => chunks.push(c.slice()) }).close();
    // Rewrite the header record's JSON in the first chunk (kind 1, varint length, JSON), then re-checksum.
    const chunk = chunks[1]!;
    const payload = chunk.subarray(8);
    let length = 0;
    let shift = 0;
    let at = 1;
    for (;;) {
      const b = payload[at++]!;
      length += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    const header = JSON.parse(new TextDecoder().decode(payload.subarray(at, at + length)));
    header.capacity = capacity;
    header.rules.lagCompensation = { maxRewind: 0.25, history };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const lengthBytes: number[] = [];
    for (let n = json.length; ; n = Math.floor(n / 128)) {
      if (n < 128) {
        lengthBytes.push(n);
        break;
      }
      lengthBytes.push((n % 128) | 128);
    }
    const rest = payload.subarray(at + length);
    const rebuilt = new Uint8Array(8 + 1 + lengthBytes.length + json.length + rest.length);
    rebuilt.set([1, ...lengthBytes], 8);
    rebuilt.set(json, 9 + lengthBytes.length);
    rebuilt.set(rest, 9 + lengthBytes.length + json.length);
    new DataView(rebuilt.buffer).setUint32(0, rebuilt.length - 8, true);
    rechecksum(rebuilt);
    chunks[1] = rebuilt;
    assert.throws(() => replay(concat(chunks)), /capacity over 65536|larger than a replay can hold/);
  }
});

Corrupt.run();
