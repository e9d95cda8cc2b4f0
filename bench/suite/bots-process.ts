// The bots command in its own process, loading a server from outside as real players would.
import type { ChildProcess } from 'node:child_process';
import { spawnTracked, stopChild, waitExit } from '../lib/children';
import type { BotSummary } from '../bots/summary';
import { BOTS_CLI, ROOT } from './paths';
import { keepTail } from './tail';

/** A running bots process. */
export interface BotsProcess {
  readonly child: ChildProcess;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** Ends the run (SIGINT: the bots print their summary) and returns the summary, if any. */
  stop(): Promise<BotSummary | undefined>;
  /** What it printed on stderr last (progress lines, errors). */
  output(): string;
  /** Bots connected, as their last progress line said (0 before the first line). */
  connected(): number;
}

/** Starts `npm run bots` (without npm) with `args`. */
export function startBotsProcess(args: readonly string[]): BotsProcess {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', BOTS_CLI, ...args], {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = keepTail(child.stdout, 64_000);
  const stderr = keepTail(child.stderr);
  let exited = false;
  child.once('exit', () => void (exited = true));
  return {
    child,
    get exited() {
      return exited;
    },
    async stop() {
      if (!exited) child.kill('SIGINT');
      if ((await waitExit(child, 20_000)) === undefined) await stopChild(child, 'SIGKILL');
      const last = stdout().trim().split('\n').at(-1) ?? '';
      try {
        return JSON.parse(last) as BotSummary;
      } catch {
        return undefined;
      }
    },
    output: stderr,
    connected() {
      const all = [...stderr().matchAll(/connected (\d+)\//g)];
      return Number(all.at(-1)?.[1] ?? 0);
    },
  };
}
