// Shared by the browser tests of the game: a built client, a real server, pages that record their
// console errors, Node clients as neighbours, and server-side placement of players.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { startGameServer } from '../../game';
import { createClient, createLogger, type GameClient, type GameServer, type ServerOptions } from '../../net';
import { getStore, Health, Position } from '../../engine';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { sleep, waitFor } from '../helpers';
import { closeThenCheckErrors, launchChromium, recordErrors } from './chromium';

/** Per-test state of a game browser suite. */
export interface PlayCtx {
  browser: Browser;
  server: GameServer;
  contexts: BrowserContext[];
  errors: string[];
  clients: GameClient[];
}

/** The repository's root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds dist/ unless it is newer than every source (each browser suite calls it; one build serves all). */
export function buildClient(): void {
  execFileSync(process.execPath, ['build.mjs', '--if-needed'], { cwd: root, stdio: 'pipe' });
}

/** Starts a quiet game server on a free loopback port. */
export function startServer(options: Partial<ServerOptions> = {}): Promise<GameServer> {
  return startGameServer({ port: 0, host: '127.0.0.1', seed: 3, logger: createLogger('silent'), ...options });
}

export { recordErrors } from './chromium';

/** Opens a page in a new context (its own storage), recording errors; does not navigate. */
export async function newPage(ctx: PlayCtx, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await ctx.browser.newContext({ viewport: { width: 800, height: 600 }, ...options });
  ctx.contexts.push(context);
  const page = await context.newPage();
  recordErrors(page, ctx.errors);
  return page;
}

/** Opens the game (`query` defaults to a name, skipping the start screen) and waits for the own player. */
export async function openGame(ctx: PlayCtx, query = '?name=Tester', options: BrowserContextOptions = {}): Promise<Page> {
  const page = await newPage(ctx, options);
  await page.goto(ctx.server.url + '/' + query);
  await waitForPlayer(page);
  return page;
}

/** Waits until the page's client has its own player and the renderer (loaded on its own) is up. */
export async function waitForPlayer(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as any).skirmish?.client?.localEntity !== undefined && (window as any).skirmish.renderer !== undefined, null, { timeout: 15000 });
}

/** The page's own player: its ids, where the page draws it, and where it predicts it. */
export async function self(page: Page): Promise<{ sid: string; id: number; x: number; y: number; predicted: { x: number; y: number } }> {
  return page.evaluate(() => {
    const { client } = (window as any).skirmish;
    const eid = client.localEntity;
    const pos = [...client.world.stores.entries()].find(([def]: [any]) => def.name === 'Position')![1];
    return { sid: client.welcome.sid, id: client.welcome.id, x: pos.x[eid], y: pos.y[eid], predicted: { ...client.predicted } };
  });
}

/** The server entity of the player with Socket.IO id `sid`. */
export function eidOf(server: GameServer, sid: string): number {
  const session = [...server.match.sessions.byToken.values()].find((s) => s.publicId === sid);
  if (session === undefined) throw new Error(`no player ${sid}`);
  return session.eid;
}

/** Teleports a player on the server (clients get a correction with the next state). */
export function place(server: GameServer, sid: string, x: number, y: number): void {
  const eid = eidOf(server, sid);
  const pos = getStore(server.match.world, Position);
  pos.x[eid] = x;
  pos.y[eid] = y;
}

/** Server-side position of a player. */
export function serverPosition(server: GameServer, sid: string): { x: number; y: number } {
  const eid = eidOf(server, sid);
  const pos = getStore(server.match.world, Position);
  return { x: pos.x[eid]!, y: pos.y[eid]! };
}

/** Server-side health of a player. */
export function serverHp(server: GameServer, sid: string): number {
  return getStore(server.match.world, Health).hp[eidOf(server, sid)]!;
}

/** Connects a Node client (a neighbour to hit, or to be hit by) and waits for its player. */
export async function addBot(ctx: PlayCtx, name?: string): Promise<GameClient> {
  const bot = createClient({ url: ctx.server.url, name });
  ctx.clients.push(bot);
  await waitFor(() => bot.localEntity !== undefined, 10000, 'bot joined');
  return bot;
}

/** Waits until the page's mirror has player `id` within 0.1 of (x, y). */
export async function waitSeen(page: Page, id: number, x: number, y: number): Promise<void> {
  await page.waitForFunction(([id, x, y]) => {
    // The mirror's newest server position of `id` (what net's latestPosition reads).
    const world = (window as any).skirmish.client.world;
    const eid = world.entities.get(id);
    return eid !== undefined && Math.abs(world.sim.x[eid] - x) < 0.1 && Math.abs(world.sim.y[eid] - y) < 0.1;
  }, [id, x, y] as const, { timeout: 10000 });
}

/** Waits until the page draws player `id` within 0.05 of (x, y): the Position its renderer reads, past any interpolation or glide. */
export async function waitDrawn(page: Page, id: number, x: number, y: number): Promise<void> {
  await page.waitForFunction(([id, x, y]) => {
    const world = (window as any).skirmish.client.world;
    const eid = world.entities.get(id);
    const pos = [...world.stores.entries()].find(([def]: [any]) => def.name === 'Position')![1];
    return eid !== undefined && Math.abs(pos.x[eid] - x) < 0.05 && Math.abs(pos.y[eid] - y) < 0.05;
  }, [id, x, y] as const, { timeout: 10000 });
}

/** Where to put a player: its Socket.IO id (the server's key), its public id (the page's) and a spot. */
export interface Teleport {
  sid: string;
  id: number;
  x: number;
  y: number;
}

/**
 * Teleports players on the server, waits until `page` shows each at its new spot, then lets the
 * teleports age 500 ms: attacks are judged where targets were on the attacker's screen up to
 * 250 ms back, and drawn positions glide to corrections, so acting sooner would use the old spots
 * (a loaded machine shows the teleports late, hence waiting on the page, not on a clock).
 */
export async function teleportAndSettle(server: GameServer, page: Page, ...moves: Teleport[]): Promise<void> {
  for (const m of moves) place(server, m.sid, m.x, m.y);
  for (const m of moves) await waitSeen(page, m.id, m.x, m.y);
  await sleep(500);
}

/** Closes what a test opened: pages, Node clients, the server. */
export async function closeAll(ctx: PlayCtx): Promise<void> {
  for (const c of ctx.contexts.splice(0)) await c.close();
  for (const c of ctx.clients.splice(0)) c.close();
  await ctx.server?.close();
}

/**
 * The hooks every game-page suite shares: one Chromium for the suite (built client first, unless
 * `build` is false because the suite builds it itself), a fresh game server per test (from
 * `serverOptions`), and after each test everything closed and no console error seen.
 */
export function playHooks<T extends PlayCtx>(test: Test<T>, serverOptions: Partial<ServerOptions> = {}, build = true): void {
  test.before(async (ctx) => {
    if (build) buildClient();
    ctx.browser ??= await launchChromium();
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
  });
  test.before.each(async (ctx) => {
    ctx.server = await startServer(serverOptions);
    ctx.contexts = [];
    ctx.errors = [];
    ctx.clients = [];
  });
  test.after.each((ctx) => closeThenCheckErrors('browser test', ctx.errors, () => closeAll(ctx)));
}
