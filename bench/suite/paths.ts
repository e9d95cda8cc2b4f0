import { fileURLToPath } from 'node:url';

/** The repository root (child processes run from here so `tsx` and relative imports resolve). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Entry of the Skirmish server as the bench runs it. */
export const ENGINE_SERVER = fileURLToPath(new URL('../server/engine.ts', import.meta.url));
/** Entry of the baseline server. */
export const BASELINE_SERVER = fileURLToPath(new URL('../baseline/main.ts', import.meta.url));
/** Entry of the bots command. */
export const BOTS_CLI = fileURLToPath(new URL('../bots/cli.ts', import.meta.url));
/** Folder the bench writes results (and profiles) into. */
export const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));
