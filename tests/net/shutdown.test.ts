import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient, type ConnectionStatus } from '../../net';
import { waitFor, within } from '../helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const Shutdown = suite('graceful shutdown');

Shutdown('SIGTERM: clients are told, the server closes and exits 0 within seconds', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'game/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const listening = await waitFor(() => lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'skirmish server listening'), 15_000, 'server to listen');
    const client = createClient({ url: `http://127.0.0.1:${listening.port}` });
    const statuses: ConnectionStatus[] = [];
    client.on('status', (s) => statuses.push(s));
    await waitFor(() => client.localEntity !== undefined, 5000, 'client joined');
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await within(6000, exited, 'server exit');
    const took = Date.now() - started;
    assert.is(code, 0);
    assert.ok(took < 5000, `took ${took} ms`);
    await waitFor(() => statuses.includes('reconnecting'), 3000, 'client shows reconnecting');
    assert.not.ok(statuses.includes('disconnected'), 'a restart is not the end of the session');
    client.close();
    const logged = lines.map((l) => JSON.parse(l));
    assert.ok(logged.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
    assert.ok(logged.every((l) => typeof l.level === 'number' && typeof l.time === 'number'), 'structured logs only on stdout');
  } finally {
    child.kill('SIGKILL');
  }
});

Shutdown.run();
