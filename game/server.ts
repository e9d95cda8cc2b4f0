import { fileURLToPath } from 'node:url';
import { createServer, type GameServer, type ServerOptions } from '../net';
import { defaultRules } from './rules';

/**
 * Folder the browser client is built into (by build.mjs) and served from: the package's `dist/`,
 * whether this module runs from source (game/server.ts) or compiled (lib/game/server.js).
 */
export const clientDir = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist' : '../../dist', import.meta.url));

/** Starts the battle game's server with the default rules; every option can be overridden. */
export function startGameServer(options: Partial<ServerOptions> = {}): Promise<GameServer> {
  return createServer({ rules: defaultRules, staticDir: clientDir, ...options });
}
