// King of the Hill's server: the engine's authoritative server with this game's rules and systems.
import { fileURLToPath } from 'node:url';
import { createServer, type GameServer, type ServerOptions } from 'skirmish/net';
import { rules } from './rules';
import { kingOfTheHillSystems } from './systems';

/** Where examples/build.ts puts the page, served at `/`. */
export const pageDir = fileURLToPath(new URL('./dist', import.meta.url));

/** Starts a King of the Hill server; every option (port, host, seed, logger…) can be overridden. */
export function startServer(options: Partial<ServerOptions> = {}): Promise<GameServer> {
  return createServer({ rules, systems: [...kingOfTheHillSystems], staticDir: pageDir, ...options });
}
