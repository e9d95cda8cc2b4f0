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
 * every option can be overridden: `types` replaces both, `rules` replaces the classic type's rules
 * (e.g. a bigger map) and `maxPlayers` its capacity.
 */
export function startGameServer(options: Partial<ServerOptions> = {}): Promise<GameServer> {
  const { rules, ...rest } = options;
  const types = gameTypes.map((type) =>
    type.name === 'classic' && (rules !== undefined || options.maxPlayers !== undefined)
      ? { ...type, rules: rules ?? type.rules, capacity: options.maxPlayers ?? type.capacity }
      : type,
  );
  return createServer({ types, defaultType: 'classic', maxPlayers: 10_000, staticDir: clientDir, ...rest });
}
