// Player names: what a typed name may contain, and how the HUD labels a player by NetId.
// The server does not carry names yet; until it does, only the own player has one here.

/** Longest name, in characters (code points). */
export const NAME_MAX = 16;

// Control characters (C0, C1) and format characters: bidi overrides and isolates (which could
// reverse the text around a name in the kill feed), zero-width joiners and spaces, soft hyphens.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * The name as shown: invisible and control characters removed, runs of whitespace made one
 * space, trimmed, cut to `NAME_MAX` characters. Empty when nothing printable is left.
 */
export function sanitizeName(raw: string): string {
  const clean = raw.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  return Array.from(clean).slice(0, NAME_MAX).join('').trim();
}

/** True when `raw` has 1 to `NAME_MAX` characters once sanitized, as typed (not cut). */
export function isValidName(raw: string): boolean {
  const clean = raw.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  const length = Array.from(clean).length;
  return length >= 1 && length <= NAME_MAX;
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

/** Creates an empty name table. */
export function createNames(): Names {
  const names = new Map<number, string>();
  return {
    label: (id) => names.get(id) ?? `#${id}`,
    set: (id, name) => void names.set(id, sanitizeName(name) || `#${id}`),
    delete: (id) => void names.delete(id),
  };
}
