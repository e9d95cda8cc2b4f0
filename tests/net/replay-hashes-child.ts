// Child process of tests/net/recording.test.ts: replays the recording named on the command line in
// a fresh Node process and prints every tick's world hash, one JSON array on stdout.
import { readFileSync } from 'node:fs';
import { hashWorld, replay } from '../../engine/replay';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: replay-hashes-child.ts FILE\n');
  process.exit(2);
}
const r = replay(new Uint8Array(readFileSync(file)));
const hashes: number[] = [];
while (r.tick < r.lastTick) {
  r.stepOne();
  hashes.push(hashWorld(r.world));
}
process.stdout.write(`${JSON.stringify({ firstTick: r.firstTick, hashes })}\n`);
