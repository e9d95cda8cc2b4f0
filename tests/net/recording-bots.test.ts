// A whole match recorded by the real server: 16 wander bots over loopback for 2 minutes. The file
// verifies, pinpoints a flipped input, verifies with the CLI (`npm run replay -- verify`), and
// replays to the same hash at every tick in a fresh Node process. The match is played once and
// every test reads its file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyReplay } from '../../engine/replay';
import { parseReplay } from '../../engine/replay/parse';
import { createLogger, createServer } from '../../net';
import { classicType } from '../../game/rules';
import { parseBotArgs, runBots } from '../../bench/bots';
import { waitFor, within } from '../helpers';
import { patchByte, recordedCommands } from './replay-inputs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const silent = createLogger('silent');
const scratch = mkdtempSync(join(tmpdir(), 'skirmish-recording-'));
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (at most `ms`), collecting its output. */
function run(command: string, args: string[], ms = 120_000): Promise<Run> {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return within(ms, new Promise<Run>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr }))), `${command} ${args.join(' ')}`)
    .finally(() => child.kill('SIGKILL'));
}

const lastJson = (out: string): Record<string, unknown> => JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;

interface Recorded {
  path: string;
  bytes: Uint8Array;
  matchId: string;
  mostPlayers: number;
}
let recorded: Promise<Recorded> | undefined;
const MATCH_S = 120;

/** Plays and records the match (once): 16 wander bots, the game's classic type, the real server. */
function recordMatchOfBots(): Promise<Recorded> {
  recorded ??= (async () => {
    const dir = join(scratch, 'bots');
    const server = await createServer({ types: [classicType], port: 0, host: '127.0.0.1', seed: 7, logger: silent, record: { dir } });
    let mostPlayers = 0;
    const counter = setInterval(() => (mostPlayers = Math.max(mostPlayers, server.match.sessions.byToken.size)), 250);
    try {
      await runBots({ ...parseBotArgs(['--url', server.url, '--count', '16', '--duration', String(MATCH_S), '--quiet']), progress: false });
      // Bots leave as their run ends; the match's own clock must have seen the whole two minutes.
      await waitFor(() => server.match.world.time.elapsed >= MATCH_S, 30_000, 'two minutes of match time');
    } finally {
      clearInterval(counter);
      await server.close();
    }
    const path = join(dir, `${server.matchId}.skr`);
    return { path, bytes: read(path), matchId: server.matchId, mostPlayers };
  })();
  return recorded;
}

const Bots = suite('recording: 16 bots, 2 minutes');

Bots('a real match of 16 wander bots over loopback, recorded by the server, verifies tick by tick', async () => {
  const { bytes, mostPlayers } = await recordMatchOfBots();
  assert.is(mostPlayers, 16, 'all 16 bots played at once');
  const summary = verifyReplay(bytes);
  assert.is(summary.ok, true, JSON.stringify(summary));
  // From the first bot in to the last one out: the two minutes, less the bots' staggered starts.
  assert.ok(summary.durationS >= MATCH_S - 3, `durationS ${summary.durationS}`);
  assert.ok(summary.ticks >= (MATCH_S - 3) * 30, `ticks ${summary.ticks}`);
  assert.ok(summary.players >= 16, `players ${summary.players}`);
  assert.is(summary.bytes, bytes.length);
  const parsed = parseReplay(bytes);
  assert.is(parsed.ended, true, 'closed with its end marker');
  assert.is(parsed.header.matchType, 'classic');
  assert.ok(recordedCommands(bytes).length > 16 * MATCH_S, 'inputs recorded');
});

/** The recording with one input changed: the last move of a queue (the one the input system keeps) turned another way. */
function flipOneInput(bytes: Uint8Array): { flipped: Uint8Array; tick: number } {
  const firstTick = parseReplay(bytes).header.startTick;
  const chosen = recordedCommands(bytes).find((c) => c.tick > firstTick + 900 && c.levelsAt !== undefined && c.index === c.queueLength - 1);
  if (chosen === undefined) throw new Error('no recorded move stored as axis levels');
  return { flipped: patchByte(bytes, chosen.levelsAt!, chosen.move!.x === 0 ? 100 : 0), tick: chosen.tick };
}

Bots('one flipped input in the file: the verifier names exactly that tick', async () => {
  const { bytes } = await recordMatchOfBots();
  const { flipped, tick } = flipOneInput(bytes);
  const summary = verifyReplay(flipped);
  assert.is(summary.ok, false);
  assert.is(summary.firstMismatchTick, tick);
  // Named with the entity and field where a later checkpoint shows it, or said to have healed by then.
  assert.ok(summary.mismatch !== undefined || summary.error?.includes(`tick ${tick}`), JSON.stringify(summary));
});

Bots('npm run replay -- verify: exit 0 and the JSON summary on the good file, non-zero on the flipped one', async () => {
  const { path, bytes } = await recordMatchOfBots();
  const good = await run('npm', ['run', 'replay', '--', 'verify', path]);
  assert.is(good.code, 0, good.stderr);
  const summary = lastJson(good.stdout);
  assert.is(summary.ok, true);
  assert.is(summary.ticks, verifyReplay(bytes).ticks);
  assert.is(summary.bytes, bytes.length);
  const { flipped, tick } = flipOneInput(bytes);
  const flippedPath = join(scratch, 'flipped.skr');
  writeFileSync(flippedPath, flipped);
  const bad = await run('npm', ['run', 'replay', '--', 'verify', flippedPath]);
  assert.is.not(bad.code, 0);
  const badSummary = lastJson(bad.stdout);
  assert.is(badSummary.ok, false);
  assert.is(badSummary.firstMismatchTick, tick);
});

Bots('the same file replayed in a fresh Node process gives the same hash at every tick', async () => {
  const { path, bytes } = await recordMatchOfBots();
  const child = await run(process.execPath, ['--import', 'tsx', 'tests/net/replay-hashes-child.ts', path]);
  assert.is(child.code, 0, child.stderr);
  const { firstTick, hashes } = lastJson(child.stdout) as { firstTick: number; hashes: number[] };
  const steps = parseReplay(bytes).steps;
  assert.is(firstTick, parseReplay(bytes).header.startTick);
  assert.is(hashes.length, steps.length);
  const differing = steps.findIndex((s, i) => s.hash !== hashes[i]);
  assert.is(differing, -1, `tick ${steps[differing]?.tick} differs`);
});

Bots.after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

Bots.run();

