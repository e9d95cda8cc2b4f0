import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger, createServer, type GameServer } from '../../net';
import { defaultRules } from '../../game';
import { parseBotArgs, runBots, type BotSummary } from '../../bench/bots';
import { createBaselineServer } from '../../bench/baseline';
import { sleep, within } from '../helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));

const Bots = suite<{ server: GameServer }>('bots');
Bots.before.each(async (ctx) => {
  ctx.server = await createServer({ rules: defaultRules, port: 0, host: '127.0.0.1', seed: 3, logger: createLogger('silent') });
});
Bots.after.each(async (ctx) => {
  await ctx.server.close();
  // The listening socket and the bots' last sockets are released a moment after close resolves.
  await sleep(50);
});

interface CliRun {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Runs the bots command as `npm run bots` does; resolves with its exit code, stdout lines and stderr. */
function cli(args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bots/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => void (stdout += c));
  child.stderr.on('data', (c: Buffer) => void (stderr += c));
  return within(15_000, new Promise<CliRun>((resolve) => {
    child.once('exit', (code) => resolve({ code, lines: stdout.trim().split('\n'), stderr }));
  }), 'bots command').finally(() => child.kill('SIGKILL'));
}

Bots('the command loads a server and prints a one-line JSON summary last', async ({ server }) => {
  const { code, lines, stderr } = await cli(['--url', server.url, '--count', '5', '--duration', '3', '--probe']);
  assert.is(code, 0, stderr);
  const summary = JSON.parse(lines.at(-1)!) as BotSummary;
  assert.is(summary.connected, 5);
  assert.is(summary.failed, 0);
  assert.is(summary.dropped, 0);
  assert.is(summary.connectedAtEnd, 5);
  assert.is(summary.protocol, 'delta');
  // At most one state message per tick (30 a second); quiet ticks may send none.
  assert.ok(summary.updatesPerSec > 5 && summary.updatesPerSec < 31, `updates/s ${summary.updatesPerSec}`);
  assert.ok(summary.downBytesPerClientPerSec > 100, `down ${summary.downBytesPerClientPerSec}`);
  // 3 of 5 bots send inputs of 12 bytes, plus framing (on a change, else every 250 ms).
  assert.ok(summary.upBytesPerClientPerSec > 50, `up ${summary.upBytesPerClientPerSec}`);
  assert.ok(summary.ackMs !== null && summary.ackMs.n > 20 && summary.ackMs.p50! > 0, JSON.stringify(summary.ackMs));
  assert.ok(summary.staleMs !== null && summary.staleMs.n > 0, JSON.stringify(summary.staleMs));
  assert.ok(summary.observedMs !== null && summary.observedMs.n > 0, JSON.stringify(summary.observedMs));
  assert.match(stderr, /connected 5\/5/);
  // Every bot went through the server's front door and was counted there too.
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.ok(/skirmish_messages_received_total (\d+)/.exec(metrics)![1]! !== '0');
});

Bots('engine bots send as the browser does: on a change and every 250 ms for a held direction, not every decision', async ({ server }) => {
  const received = async (): Promise<number> => Number(/skirmish_messages_received_total (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())![1]);
  // Wanderers turn every 0.5 s and attack every 1 s on average, deciding 20 times a second.
  const perBotPerS = async (args: string[]): Promise<number> => {
    const before = await received();
    const summary = await runBots({ ...parseBotArgs(['--url', server.url, '--count', '4', '--duration', '3', ...args]), progress: false });
    assert.is(summary.connected, 4);
    return (await received() - before) / 4 / summary.runS;
  };
  const browserLike = await perBotPerS([]);
  const everyDecision = await perBotPerS(['--resend-ms', '50']);
  // Inputs plus a few clock probes, over a run that includes connecting: sending every decision
  // comes to ~15 a second per bot here, the browser's rule to about half of that.
  assert.ok(everyDecision > 11, `every decision ${everyDecision.toFixed(1)} messages/s per bot`);
  assert.ok(browserLike > 2 && browserLike < 0.7 * everyDecision, `browser-like ${browserLike.toFixed(1)} against ${everyDecision.toFixed(1)} messages/s per bot`);
});

Bots('bots on long-polling count their HTTP bytes too', async ({ server }) => {
  const summary = await runBots({ ...parseBotArgs(['--url', server.url, '--count', '2', '--duration', '1.5', '--transport', 'polling']), progress: false });
  assert.is(summary.connected, 2);
  assert.is(summary.transport, 'polling');
  assert.ok(summary.updatesPerSec > 3, `updates/s ${summary.updatesPerSec}`);
  // Every poll carries HTTP headers both ways: far more than the payload alone.
  assert.ok(summary.upBytesPerClientPerSec > 1000, `up ${summary.upBytesPerClientPerSec}`);
});

Bots('classic bots load the baseline, and the probe pair sees turns there', async () => {
  const baseline = await createBaselineServer({ port: 0, host: '127.0.0.1' });
  try {
    const summary = await runBots(parseBotArgs(['--url', baseline.url, '--count', '4', '--duration', '2', '--protocol', 'classic', '--probe', '--quiet']));
    assert.is(summary.connected, 4);
    assert.is(summary.ackMs, null);
    // 3 of 4 bots move 20 times a second, and every move reaches every player.
    assert.ok(summary.updatesPerSec > 30, `updates/s ${summary.updatesPerSec}`);
    assert.ok(summary.observedMs !== null && summary.observedMs.n > 0, JSON.stringify(summary.observedMs));
    assert.ok(summary.observedMs.p50! < 200, `observed ${summary.observedMs.p50}`);
  } finally {
    await baseline.close();
  }
});

Bots.run();
