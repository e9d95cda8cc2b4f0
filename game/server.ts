import { fileURLToPath } from 'node:url';
import { createServer, type GameServer, type ServerOptions } from '../net';
import { gameTypes } from './rules';

/**
 * Folder the browser client is built into (by build.mjs) and served from: the package's `dist/`,
 * whether this module runs from source (game/server.ts) or compiled (lib/game/server.js).
 */
export const clientDir = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist' : '../../dist', import.meta.url));

/**
 * Starts the battle game's server with its match types, `classic` (the default) and `arena`;
 * every option can be overridden (`types` replaces both; `rules` alone is ignored while a type is named 'classic').
 */
export function startGameServer(options: Partial<ServerOptions> = {}): Promise<GameServer> {
  return createServer({ types: gameTypes, defaultType: 'classic', maxPlayers: 10_000, staticDir: clientDir, ...options });
}
