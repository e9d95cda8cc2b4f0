// Two browser tabs through a cluster's gateway (issue 9's "done when"): a real redis-server, a
// gateway serving the built page, and two game servers as workers on 127.0.0.2 and 127.0.0.3.
// Both tabs land in the same classic match and play together; a tab whose link drops, or that is
// reloaded, gets its own player back on its own worker; `?match=<id>` joins the given match.
import type { Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { gameTypes, startGameServer } from '../../game';
import { clientDir } from '../../game/server';
import { createLogger, matchmake, type GameServer } from '../../net';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { createRedisRegistry, type RedisRegistry } from '../../net/cluster/redis-registry';
import { waitFor } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from '../cluster/redis-server';
import { browserSuite, launchChromium } from './chromium';
import { buildClient, newPage, self, waitForPlayer, type PlayCtx } from './play-helpers';

interface Ctx extends Omit<PlayCtx, 'server'> {
  redis: RedisServer;
  registries: RedisRegistry[];
  workers: GameServer[];
  gateway: Gateway;
}

interface Listed {
  id: string;
  type: string;
  players: number;
  worker: string;
}

const PREFIX = `tabstest${process.pid}:`;
const silent = pino({ level: 'silent' });
const listed = async (ctx: Ctx): Promise<Listed[]> => (await (await fetch(`${ctx.gateway.url}/matches`)).json()) as Listed[];
/** Classic matches with someone in them, as /matches lists them. */
const occupied = async (ctx: Ctx): Promise<Listed[]> => (await listed(ctx)).filter((m) => m.type === 'classic' && m.players > 0);
const matchOf = (page: Page): Promise<string | undefined> => page.evaluate(() => (window as any).skirmish.client.matchId);
const welcomeOf = (page: Page): Promise<{ id: number; resumed: boolean; token: string }> =>
  page.evaluate(() => {
    const { welcome } = (window as any).skirmish.client;
    return { id: welcome.id, resumed: welcome.resumed, token: welcome.token };
  });

/** Opens the page through the gateway under `name` (plus `query`) and waits for the own player. */
async function openTab(ctx: Ctx, name: string, query = ''): Promise<Page> {
  const page = await newPage(ctx as unknown as PlayCtx);
  await page.goto(`${ctx.gateway.url}/?name=${name}${query}`);
  await waitForPlayer(page);
  return page;
}

/** Where `watcher` draws the label of the player named `name` (its centre, CSS pixels). */
const labelAt = async (watcher: Page, name: string): Promise<{ x: number; y: number }> => {
  const box = (await watcher.locator('.name-label', { hasText: name }).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

browserSuite<Ctx>('two tabs through the gateway', (test) => {
  if (!haveRedis()) {
    reportRedisSkipped();
    test.skip('every test (no redis-server)', () => {});
    return;
  }
  test.before(async (ctx) => {
    buildClient();
    ctx.browser = await launchChromium();
    ctx.redis = new RedisServer(await freePort());
    await ctx.redis.start();
    ctx.registries = [];
    const registry = (): RedisRegistry => {
      const r = createRedisRegistry({ url: ctx.redis.url, prefix: PREFIX, logger: silent });
      ctx.registries.push(r);
      return r;
    };
    ctx.workers = [];
    for (const [id, host] of [['wa', '127.0.0.2'], ['wb', '127.0.0.3']] as const) {
      ctx.workers.push(await startGameServer({
        port: 0, host, logger: createLogger('silent'), record: false, staticDir: undefined, cluster: { registry: registry(), workerId: id },
      }));
    }
    ctx.gateway = await createGateway({
      registry: registry(), host: '127.0.0.1', port: 0, logger: silent, staticDir: clientDir,
      types: Object.fromEntries(gameTypes.map((t) => [t.name, { capacity: t.capacity }])),
    });
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.gateway?.close();
    for (const w of ctx.workers ?? []) await w.close();
    for (const r of ctx.registries ?? []) await r.close();
    await ctx.redis?.stop();
  });
  test.before.each((ctx) => {
    ctx.contexts = [];
    ctx.errors = [];
    ctx.clients = [];
  });
  test.after.each(async (ctx) => {
    // Taken out, not copied: uvu reruns this hook when it throws (see closeThenCheckErrors).
    const during = ctx.errors.splice(0);
    for (const c of ctx.contexts.splice(0)) await c.close();
    if (during.length > 0) console.error(`gateway tabs: the page logged errors: ${JSON.stringify(during)}`);
    assert.equal(during, [], 'no console errors');
  });

  test('two named tabs land in the same classic match, see each other\'s names and moves, and keep their players across a dropped link and a reload', async (ctx) => {
    const alice = await openTab(ctx, 'Alice');
    const bob = await openTab(ctx, 'Bob');
    const match = await matchOf(alice);
    assert.ok(match, 'Alice was placed');
    assert.is(await matchOf(bob), match, 'Bob in the same match');
    const [only, ...others] = await occupied(ctx);
    assert.is(others.length, 0, 'one classic match with players');
    assert.is(only!.id, match);
    assert.is(only!.players, 2, 'two players in it');
    assert.ok(ctx.workers.find((w) => w.workerId === only!.worker)!.matches.has(match!), 'hosted by the worker the registry names');

    // Each sees the other's name drawn above its player.
    await alice.locator('.name-label', { hasText: 'Bob' }).waitFor({ timeout: 10_000 });
    await bob.locator('.name-label', { hasText: 'Alice' }).waitFor({ timeout: 10_000 });

    // Alice walks (away from the nearer wall); Bob sees her label move on his screen.
    const me = await self(alice);
    const key = me.x < 50 ? 'ArrowRight' : 'ArrowLeft';
    const before = await labelAt(bob, 'Alice');
    await alice.keyboard.down(key);
    try {
      await bob.waitForFunction(([x0]) => {
        const label = [...document.querySelectorAll<HTMLElement>('.name-label')].find((l) => l.textContent === 'Alice');
        if (!label) return false;
        const box = label.getBoundingClientRect();
        return Math.abs(box.x + box.width / 2 - x0!) > 30;
      }, [before.x] as const, { timeout: 10_000 });
    } finally {
      await alice.keyboard.up(key);
    }
    const after = await labelAt(bob, 'Alice');
    assert.ok(key === 'ArrowRight' ? after.x > before.x : after.x < before.x, `Alice's label moved ${key === 'ArrowRight' ? 'right' : 'left'} (${before.x} → ${after.x})`);

    // Alice's link drops: she comes back to the same player, on the same worker, in the same match.
    const first = await welcomeOf(alice);
    await alice.evaluate(() => (window as any).skirmish.client.socket.io.engine.close());
    await alice.waitForFunction((token) => {
      const { client } = (window as any).skirmish;
      return client.status === 'connected' && client.welcome.resumed && client.welcome.token === token && client.localEntity !== undefined;
    }, first.token, { timeout: 15_000 });
    assert.is((await welcomeOf(alice)).id, first.id, 'same player after the link dropped');
    assert.is(await matchOf(alice), match);

    // Bob reloads his tab: the page goes back to his worker with his token.
    const bobFirst = await welcomeOf(bob);
    await bob.reload();
    await waitForPlayer(bob);
    const bobAgain = await welcomeOf(bob);
    assert.is(bobAgain.id, bobFirst.id, 'same player after a reload');
    assert.is(bobAgain.resumed, true);
    assert.is(await matchOf(bob), match);
    await bob.locator('.name-label', { hasText: 'Alice' }).waitFor({ timeout: 10_000 });
    const still = await occupied(ctx);
    assert.equal(still.map((m) => [m.id, m.players]), [[match, 2]], 'still one match with two players');
  });

  test('?match=<id> joins the given match rather than the fullest one', async (ctx) => {
    const dana = await openTab(ctx, 'Dana');
    const eve = await openTab(ctx, 'Eve');
    const fullest = await matchOf(dana);
    assert.is(await matchOf(eve), fullest);
    // A second classic match with one seat held: a newcomer by type would go to the fuller one.
    const other = await matchmake(ctx.gateway.url, { type: 'classic', create: true });
    assert.is.not(other.matchId, fullest);
    const carol = await openTab(ctx, 'Carol', `&match=${other.matchId}`);
    assert.is(await matchOf(carol), other.matchId, 'placed in the match asked for');
    await waitFor(() => ctx.workers.some((w) => w.matches.get(other.matchId)?.players === 1), 5000, 'Carol playing there');
    assert.ok((await listed(ctx)).some((m) => m.id === other.matchId && m.players === 1), '/matches lists her there');
  });
});
