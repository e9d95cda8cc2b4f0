import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashOfParts, hashWorld, stateParts, verifyReplay, type StateHasher } from '../../engine';
import { records, recordTestMatch } from './replay-match';

const Hasher = suite('replay: hashing off the ticking thread');

/**
 * A hasher on the same thread. Odd tickets it finishes as soon as asked whether it is done; even
 * ones it says are not done and reads as late as it may, when settled, from the views it was
 * given, so a recorder that let the world change before settling them records a wrong hash. It
 * turns every fifth job down.
 */
function lateHasher() {
  const jobs = new Map<number, { words: Uint8Array; parts: readonly Uint8Array[]; hash?: number }>();
  const counts = { begun: 0, refused: 0, settled: 0, finishedEarly: 0 };
  let next = 1;
  const hasher: StateHasher = {
    begin(words, parts) {
      if ((next + counts.refused) % 5 === 0) {
        counts.refused++;
        return undefined;
      }
      counts.begun++;
      jobs.set(next, { words: words.slice(), parts: parts.slice() });
      return next++;
    },
    done(ticket) {
      const job = jobs.get(ticket)!;
      if (ticket % 2 === 0) return false;
      if (job.hash === undefined) {
        job.hash = hashOfParts(job.words, job.parts);
        counts.finishedEarly++;
      }
      return true;
    },
    settle(ticket) {
      const job = jobs.get(ticket);
      if (job === undefined) throw new Error(`ticket ${ticket} settled twice or never begun`);
      jobs.delete(ticket);
      counts.settled++;
      return job.hash ?? hashOfParts(job.words, job.parts);
    },
  };
  return { hasher, counts, pending: () => jobs.size };
}

Hasher('the parts of a state hash to what hashWorld gives', () => {
  const match = recordTestMatch({ ticks: 200 });
  const { words, parts } = stateParts(match.world);
  assert.ok(parts.length > 10);
  assert.is(hashOfParts(words, parts), hashWorld(match.world));
});

Hasher('a recording hashed as late as allowed holds the same records as one hashed in place', () => {
  const plain = recordTestMatch({ ticks: 1200, flushEveryTicks: 3 });
  const { hasher, counts, pending } = lateHasher();
  const late = recordTestMatch({ ticks: 1200, flushEveryTicks: 3, hasher });
  assert.ok(counts.begun > 900 && counts.refused > 200 && counts.finishedEarly > 400, JSON.stringify(counts));
  assert.is(counts.settled, counts.begun, 'every job settled');
  assert.is(pending(), 0);
  // Chunk boundaries move (a record waits for its hash), the records do not.
  const a = records(late.bytes);
  const b = records(plain.bytes);
  assert.is(a.length, b.length);
  assert.ok(a.every((byte, i) => byte === b[i]), 'identical records');
  assert.ok(verifyReplay(late.bytes).ok);
  assert.ok(late.chunks.length > 300, `${late.chunks.length} chunks`);
});

Hasher.run();
