// The admin pages the gateway and the embedded server both serve: the dashboard behind the
// ADMIN_TOKEN login form, its chart library (uPlot, from node_modules: no CDN) and chart data, and
// the login that sets the cookie; plus the warning when those pages are open beyond loopback.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { renderDashboard, renderLogin } from './dashboard';
import { denied, readBody, sendHtml, sendJson, type AdminCheck } from './http-api';

/** What the dashboard charts: each worker's matches, players and recent tick p99 by match type. */
export interface DashboardStats {
  /** Epoch ms of the sample. */
  t: number;
  workers: { id: string; matches: number; players: number; tickP99Ms: Record<string, number>; unreachable?: boolean }[];
}

/** Options of `createAdminPages`. */
export interface AdminPagesOptions {
  /** The ADMIN_TOKEN check (Bearer header or the login cookie). */
  admin: AdminCheck;
  /** The chart data, read every two seconds by an open dashboard. */
  stats(): Promise<DashboardStats>;
  /** Marks the login cookie `Secure` (the public origin is https). */
  secureCookie?: boolean;
  /** Heading and title of the pages. Default 'Skirmish cluster'. */
  title?: string;
}

/** Answers /dashboard, /dashboard/* and POST /login; resolves false for any other path. */
export type AdminPages = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

// uPlot, read once on first use.
const requireAsset = createRequire(import.meta.url);
const assets = new Map<string, Buffer>();
const ASSETS: Record<string, { file: string; type: string }> = {
  '/dashboard/uplot.js': { file: 'uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/uplot.css': { file: 'uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};
const asset = (path: string): Buffer => {
  let bytes = assets.get(path);
  if (bytes === undefined) assets.set(path, (bytes = readFileSync(requireAsset.resolve(ASSETS[path]!.file))));
  return bytes;
};

/** Creates the handler of the admin pages. */
export function createAdminPages(options: AdminPagesOptions): AdminPages {
  const { admin } = options;
  const title = options.title ?? 'Skirmish cluster';
  const secure = options.secureCookie === true ? '; Secure' : '';
  return async (req, res, path) => {
    if (path === '/login') {
      if (req.method !== 'POST') {
        sendJson(res, 405, { error: 'method', message: 'POST the login form' }, { allow: 'POST' });
        return true;
      }
      const form = await readBody(req).catch(() => '');
      const token = new URLSearchParams(form).get('token') ?? '';
      if (!admin.matches(token)) {
        sendHtml(res, 401, renderLogin(true, title));
        return true;
      }
      res.writeHead(303, {
        location: '/dashboard',
        'set-cookie': `${admin.cookieName}=${admin.cookie}; HttpOnly; SameSite=Strict; Path=/; Max-Age=86400${secure}`,
      }).end();
      return true;
    }
    if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method', message: 'method not allowed' }, { allow: 'GET' });
      return true;
    }
    if (path === '/dashboard') {
      if (admin.isAdmin(req)) sendHtml(res, 200, renderDashboard(title));
      else sendHtml(res, 401, renderLogin(false, title));
      return true;
    }
    if (!admin.isAdmin(req)) {
      denied(res);
      return true;
    }
    const file = ASSETS[path];
    if (file !== undefined) {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'max-age=3600' }).end(asset(path));
    } else if (path === '/dashboard/stats') {
      sendJson(res, 200, await options.stats());
    } else {
      sendJson(res, 404, { error: 'not_found', message: 'not found' });
    }
    return true;
  };
}

/** True for an interface only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Logs a warning when the admin pages are open (no ADMIN_TOKEN) and `host` is reachable from
 * other machines: they show hosts, pids and load.
 */
export function warnIfAdminOpen(logger: Logger, adminToken: string, host: string, port: number): void {
  if (adminToken || isLoopbackHost(host)) return;
  logger.warn({ host, port }, 'ADMIN_TOKEN not set: /dashboard, /metrics, /stats and /workers are open to anyone who can reach this port');
}
