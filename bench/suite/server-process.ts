// A game server (ours or the baseline) in its own process, on 127.0.0.1 and a free port.
import type { ChildProcess } from 'node:child_process';
import { spawnTracked, stopChild } from '../lib/children';
import type { FromServer, ToServer } from '../server/ipc';
import { BASELINE_SERVER, ENGINE_SERVER, ROOT } from './paths';
import { keepTail } from './tail';

/** Which server a scenario loads. */
export type ServerKind = 'engine' | 'baseline';

/** A running server process. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Heap used after a full GC, bytes (undefined if the server does not answer in time). */
  heapUsed(): Promise<number | undefined>;
  /** What it printed last (stdout and stderr). */
  output(): string;
  /** SIGINT, then SIGKILL if it has not exited after `ms`. */
  stop(ms?: number): Promise<void>;
}

function nextMessage<T extends FromServer['type']>(child: ChildProcess, type: T, ms: number): Promise<Extract<FromServer, { type: T }> | undefined> {
  return new Promise((resolve) => {
    const done = (value: Extract<FromServer, { type: T }> | undefined): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(value);
    };
    const onMessage = (m: FromServer): void => {
      if (m?.type === type) done(m as Extract<FromServer, { type: T }>);
    };
    const onExit = (): void => done(undefined);
    const timer = setTimeout(() => done(undefined), ms);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Starts a server process listening on 127.0.0.1 (port chosen by the OS) with `env` added
 * (MAP_SIZE…) and extra node flags (e.g. --cpu-prof), and waits until it listens.
 * @throws with the server's output when it does not come up within 30 s.
 */
export async function startServerProcess(kind: ServerKind, env: Record<string, string>, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
  const entry = kind === 'engine' ? ENGINE_SERVER : BASELINE_SERVER;
  const child = spawnTracked(process.execPath, [...nodeFlags, '--expose-gc', '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const out = keepTail(child.stdout);
  const err = keepTail(child.stderr);
  const output = (): string => `${out()}${err()}`.trim();
  const listening = await nextMessage(child, 'listening', 30_000);
  if (listening === undefined) {
    await stopChild(child, 'SIGKILL');
    throw new Error(`bench: ${kind} server did not start:\n${output()}`);
  }
  let heapQueue = Promise.resolve<number | undefined>(undefined);
  return {
    url: listening.url,
    child,
    heapUsed() {
      // One request at a time, so each reply answers its own request.
      heapQueue = heapQueue.then(() => {
        if (!child.connected) return undefined;
        const reply = nextMessage(child, 'heap', 8000);
        child.send({ type: 'heap' } satisfies ToServer);
        return reply.then((m) => m?.heapUsed);
      });
      return heapQueue;
    },
    output,
    stop: (ms = 5000) => stopChild(child, 'SIGINT', ms),
  };
}
