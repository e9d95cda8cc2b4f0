import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashSnapshot, hashWorld, replay, verifyReplay, writeHashSnapshot, type SnapshotHasher } from '../../engine';
import { PREAMBLE_BYTES } from '../../engine/replay/format';
import { concat, recordTestMatch } from './replay-match';

const Hasher = suite('replay: hashing off the ticking thread');

/**
 * A hasher on the same thread that behaves like a slow one: a few slots, the first too small,
 * results that become ready only some polls later (or never, for every 7th ticket).
 */
function laggingHasher(slots: number, firstSlotBytes: number) {
  const buffers = Array.from({ length: slots }, (_, i) => new Uint8Array(i === 0 ? firstSlotBytes : 1 << 16));
  const busy: (number | undefined)[] = Array.from({ length: slots }, () => undefined);
  const submitted = new Map<number, { bytes: Uint8Array; polls: number }>();
  let next = 1;
  let lent = -1;
  const counts = { lent: 0, refused: 0, polledReady: 0, computedNow: 0 };
  const release = (ticket: number): void => {
    submitted.delete(ticket);
    const slot = busy.indexOf(ticket);
    if (slot >= 0) busy[slot] = undefined;
  };
  const hasher: SnapshotHasher = {
    acquire(bytes) {
      // The small first slot is lent once whatever was asked: the recorder must cope with that.
      const slot = busy.findIndex((b, i) => b === undefined && (buffers[i]!.length >= bytes || (i === 0 && counts.lent === 0)));
      if (slot < 0) {
        counts.refused++;
        return undefined;
      }
      counts.lent++;
      lent = slot;
      return buffers[slot];
    },
    submit(length) {
      const ticket = next++;
      busy[lent] = ticket;
      submitted.set(ticket, { bytes: buffers[lent]!.slice(0, length), polls: 0 });
      return ticket;
    },
    poll(ticket) {
      const s = submitted.get(ticket)!;
      if (ticket % 7 === 0 || ++s.polls < (ticket % 2) + 1) return undefined;
      counts.polledReady++;
      release(ticket);
      return hashSnapshot(s.bytes);
    },
    now(ticket) {
      const s = submitted.get(ticket)!;
      counts.computedNow++;
      release(ticket);
      return hashSnapshot(s.bytes);
    },
  };
  return { hasher, counts };
}

// The records of a file: its chunks' payloads, unframed (docs/replay-format.md, "File layout").
function records(file: Uint8Array): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const payloads: Uint8Array[] = [];
  for (let at = PREAMBLE_BYTES; at < file.length;) {
    const length = view.getUint32(at, true);
    payloads.push(file.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  return concat(payloads);
}

Hasher('a snapshot hashes to what hashWorld gives for its world', () => {
  const match = recordTestMatch({ ticks: 200 });
  const out = new Uint8Array(1 << 16);
  const length = writeHashSnapshot(match.world, out);
  assert.ok(length > 0);
  assert.is(hashSnapshot(out.subarray(0, length)), hashWorld(match.world));
  assert.ok(writeHashSnapshot(match.world, new Uint8Array(16)) === -length, 'too small: minus the bytes needed');
});

Hasher('a recording hashed by a lagging hasher holds the same records as one hashed in place', () => {
  const plain = recordTestMatch({ ticks: 1200, flushEveryTicks: 2 });
  const { hasher, counts } = laggingHasher(2, 256);
  const lagged = recordTestMatch({ ticks: 1200, flushEveryTicks: 2, hasher });
  assert.ok(counts.lent > 500 && counts.refused > 10 && counts.polledReady > 100 && counts.computedNow > 50, JSON.stringify(counts));
  // Chunk boundaries move (a record waits for its hash), the records do not.
  const a = records(lagged.bytes);
  const b = records(plain.bytes);
  assert.is(a.length, b.length);
  assert.ok(a.every((byte, i) => byte === b[i]), 'identical records');
  assert.ok(verifyReplay(lagged.bytes).ok);
  // Every chunk but the last ends on a tick record's end: a crash loses whole ticks only.
  assert.ok(lagged.chunks.length > 100, `${lagged.chunks.length} chunks`);
  assert.is(replay(lagged.bytes).lastTick, plain.world.time.tick);
});

Hasher.run();
