// The Python side of the client tests: an interpreter with python-socketio (and what its client
// needs for each transport: requests for long-polling, websocket-client for WebSocket).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MODULES = 'import socketio, requests, websocket';

/**
 * The first of $PYTHON, `python3` on PATH and Debian's /usr/bin/python3 (where apt's
 * python3-socketio goes, even when another python3 comes first on PATH) that imports
 * python-socketio and its transports; undefined when none does.
 */
export function findPython(): string | undefined {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((python) => {
    const probe = spawnSync(python, ['-c', MODULES], { stdio: 'ignore' });
    return probe.error === undefined && probe.status === 0;
  });
}

/** Says loudly (stderr) that the Python client tests did not run. */
export function reportPythonSkipped(): void {
  console.error('SKIPPED: no python3 with python-socketio (apt-get install python3-socketio python3-requests python3-websocket) — Python client tests did not run');
}

/** What a Python script printed and how it ended. */
export interface PythonRun {
  /** Exit code; null when it was killed (after `ms`, see runPython). */
  code: number | null;
  /** stdout, one parsed JSON value per line. */
  lines: Record<string, unknown>[];
  stderr: string;
}

/** Runs `script` (a path relative to this folder) with `args`; killed after `ms`, keeping what it printed until then. */
export function runPython(python: string, script: string, args: string[], ms = 240_000): Promise<PythonRun> {
  const child = spawn(python, [fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => void (stdout += c));
  child.stderr.on('data', (c: Buffer) => void (stderr += c));
  child.once('error', (error) => void (stderr += `\n${error.message}`));
  const timer = setTimeout(() => {
    stderr += `\n(killed after ${ms} ms)`;
    child.kill('SIGKILL');
  }, ms);
  return new Promise<PythonRun>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        lines: stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
        stderr,
      });
    });
  });
}
