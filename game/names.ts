// Player names: what a typed name may contain, and how the HUD labels a player by NetId. The
// server sends every player's name (net's `client.names`); labels read those first.
import { checkName, cleanName, NAME_MAX_CHARS } from '../net/wire';

/** Longest name, in characters (code points). */
export const NAME_MAX = NAME_MAX_CHARS;

/**
 * The name as shown: invisible and control characters removed, runs of whitespace made one
 * space, trimmed, cut to `NAME_MAX` characters (the server cleans names the same way).
 */
export const sanitizeName = cleanName;

/** True when `raw` has 1 to `NAME_MAX` characters once sanitized, as typed (not cut). */
export function isValidName(raw: string): boolean {
  return checkName(raw) !== undefined;
}

/** Labels for players by NetId: names where known, `#id` otherwise. */
export interface Names {
  /** The label of player `id`. */
  label(id: number): string;
  /** Records a player's name (the own one now; others' once the server sends them). */
  set(id: number, name: string): void;
  /** Forgets a player (it left). */
  delete(id: number): void;
}

/** Creates a name table over the server's names (`server`), with local names as a fallback. */
export function createNames(server: ReadonlyMap<number, string> = new Map()): Names {
  const names = new Map<number, string>();
  return {
    label: (id) => server.get(id) ?? names.get(id) ?? `#${id}`,
    set: (id, name) => void names.set(id, sanitizeName(name) || `#${id}`),
    delete: (id) => void names.delete(id),
  };
}
