// Child processes of the bench: tracked, so none outlives the bench (normal exit, error or Ctrl-C).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error(error);
    killAll();
    process.exit(1);
  });
}

/** Spawns a child process that is SIGKILLed when this process exits, is interrupted or crashes. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  install();
  const child = spawn(command, args, options);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Resolves with the child's exit code (or signal name) once it exits, or `undefined` after `ms`. */
export function waitExit(child: ChildProcess, ms: number): Promise<number | string | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode ?? undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? undefined);
    });
  });
}

/** Asks a child to stop with `signal`, and SIGKILLs it if it has not exited after `ms`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT', ms = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if ((await waitExit(child, ms)) === undefined) {
    child.kill('SIGKILL');
    await waitExit(child, 2000);
  }
}
