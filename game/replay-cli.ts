// `npm run replay -- verify FILE`: re-simulates a recorded match and checks every tick's hash.
// Prints what it found, then as its last stdout line the JSON summary; exits 0 only when every
// tick matched (1 on a mismatch or an unreadable file, 2 on bad usage).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyReplay } from '../engine/replay';

const usage = 'usage: npm run replay -- verify FILE';

function main(): number {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ allowPositionals: true, strict: true, options: {} }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const [command, file, ...rest] = positionals;
  if (command !== 'verify' || file === undefined || rest.length > 0) {
    console.error(usage);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const result = verifyReplay(bytes);
  console.log(`${file}: ${result.bytes} bytes, ${result.ticks} ticks (${result.durationS.toFixed(1)} s), ${result.players} players`);
  if (result.firstMismatchTick !== null) {
    console.log(`first mismatch at tick ${result.firstMismatchTick}`);
    const m = result.mismatch;
    if (m !== undefined) {
      console.log(`at checkpoint ${m.checkpointTick}: entity ${m.entity}${m.netId === undefined ? '' : ` (netId ${m.netId})`} ${m.component}.${m.field}: recorded ${m.expected}, replayed ${m.actual}`);
    }
  }
  if (result.error !== undefined) console.log(`error: ${result.error}`);
  if (result.ok) console.log('ok: every tick matched');
  const { ok, ticks, players, durationS, bytes: size, firstMismatchTick } = result;
  console.log(JSON.stringify({ ok, ticks, players, durationS, bytes: size, firstMismatchTick }));
  return result.ok ? 0 : 1;
}

process.exitCode = main();
