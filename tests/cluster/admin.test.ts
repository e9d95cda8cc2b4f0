// Who may look, on the embedded server (`npm start`) and a worker: the same dashboard and login
// form as the gateway's, behind ADMIN_TOKEN when it is set; and a warning in the log when the
// admin pages are open on an interface beyond loopback.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino, type Logger } from 'pino';
import { createLogger, createServer, type GameServer } from '../../net';
import { createMemoryRegistry } from '../../net/cluster/memory-registry';
import { rules } from '../rules';

interface Ctx {
  servers: GameServer[];
}

const Admin = suite<Ctx>('admin pages of the embedded server and workers');
const quiet = { rules, port: 0, host: '127.0.0.1', logger: createLogger('silent'), record: false as const };

Admin.before.each((ctx) => {
  ctx.servers = [];
});
Admin.after.each(async (ctx) => {
  for (const s of ctx.servers) await s.close();
});

/** A logger that keeps every line it writes. */
function capture(): { logger: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger: Logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}
const adminWarning = (lines: { level: number; msg: string }[]) => lines.filter((l) => l.level === 40 && /ADMIN_TOKEN not set/.test(l.msg));

Admin('with ADMIN_TOKEN the embedded /dashboard is the login form; the login cookie or a Bearer header opens it', async (ctx) => {
  const server = await createServer({ ...quiet, adminToken: 'sesame' });
  ctx.servers.push(server);
  const login = await fetch(`${server.url}/dashboard`);
  assert.is(login.status, 401);
  const form = await login.text();
  assert.match(form, /<form method="post" action="\/login">/);
  assert.match(form, /<h1>Skirmish server<\/h1>/);
  for (const path of ['/dashboard/uplot.js', '/dashboard/uplot.css', '/dashboard/stats']) {
    assert.is((await fetch(`${server.url}${path}`)).status, 401, path);
  }
  const wrong = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
  assert.is(wrong.status, 401);
  assert.match(await wrong.text(), /Wrong token/);
  const right = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'sesame' }), redirect: 'manual' });
  assert.is(right.status, 303);
  assert.is(right.headers.get('location'), '/dashboard');
  const setCookie = right.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /HttpOnly/);
  const cookie = setCookie.split(';')[0]!;
  assert.match(cookie, /^skirmish_admin=/);
  assert.not.match(cookie, /sesame/, 'the cookie is not the token itself');

  const page = await fetch(`${server.url}/dashboard`, { headers: { cookie } });
  assert.is(page.status, 200);
  const html = await page.text();
  assert.match(html, /<h2>Workers<\/h2>/);
  assert.match(html, /src="\/dashboard\/uplot\.js"/);
  const uplot = await fetch(`${server.url}/dashboard/uplot.js`, { headers: { cookie } });
  assert.is(uplot.status, 200);
  assert.ok((await uplot.text()).includes('uPlot'), 'uPlot served from node_modules');
  assert.is((await fetch(`${server.url}/dashboard/uplot.css`, { headers: { cookie } })).status, 200);
  // What the charts and tables read, with the cookie the page's fetches carry.
  const stats = (await (await fetch(`${server.url}/dashboard/stats`, { headers: { cookie } })).json()) as { t: number; workers: { id: string; players: number; matches: number }[] };
  assert.type(stats.t, 'number');
  assert.equal(stats.workers.map((w) => [w.id, w.matches, w.players]), [['local', 1, 0]]);
  assert.is((await fetch(`${server.url}/workers`, { headers: { cookie } })).status, 200);
  assert.is((await fetch(`${server.url}/dashboard`, { headers: { cookie: 'skirmish_admin=forged' } })).status, 401);
  assert.is((await fetch(`${server.url}/dashboard`, { headers: { authorization: 'Bearer sesame' } })).status, 200);
  assert.is((await fetch(`${server.url}/dashboard`, { method: 'DELETE' })).status, 405);
});

Admin('without ADMIN_TOKEN the embedded dashboard is open', async (ctx) => {
  const server = await createServer({ ...quiet, adminToken: '' });
  ctx.servers.push(server);
  const page = await fetch(`${server.url}/dashboard`);
  assert.is(page.status, 200);
  assert.match(await page.text(), /<h2>Matches<\/h2>/);
  assert.is((await fetch(`${server.url}/dashboard/stats`)).status, 200);
});

Admin('the server warns when it listens beyond loopback without ADMIN_TOKEN, and not on 127.0.0.1 or with a token', async (ctx) => {
  const open = capture();
  ctx.servers.push(await createServer({ ...quiet, host: '0.0.0.0', adminToken: '', logger: open.logger }));
  assert.is(adminWarning(open.lines).length, 1, 'warned on 0.0.0.0');
  const loopback = capture();
  ctx.servers.push(await createServer({ ...quiet, host: '127.0.0.1', adminToken: '', logger: loopback.logger }));
  assert.is(adminWarning(loopback.lines).length, 0, 'silent on loopback');
  const guarded = capture();
  ctx.servers.push(await createServer({ ...quiet, host: '0.0.0.0', adminToken: 'sesame', logger: guarded.logger }));
  assert.is(adminWarning(guarded.lines).length, 0, 'silent with a token');
});

Admin('a worker warns the same way, and serves its own dashboard', async (ctx) => {
  const open = capture();
  const worker = await createServer({
    ...quiet, host: '0.0.0.0', adminToken: '', logger: open.logger, cluster: { registry: createMemoryRegistry(), workerId: 'w7' },
  });
  ctx.servers.push(worker);
  assert.is(adminWarning(open.lines).length, 1, 'warned on 0.0.0.0');
  const page = await fetch(`${worker.url}/dashboard`);
  assert.is(page.status, 200);
  assert.match(await page.text(), /Skirmish worker w7/);
});

Admin.run();
