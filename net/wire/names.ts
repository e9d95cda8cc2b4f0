// Player names as they cross the wire, cleaned the same way by the page that types them and the
// server that accepts them. Specified in docs/protocol.md ("Names").

/** Longest name, in characters (code points). */
export const NAME_MAX_CHARS = 16;

// Control characters (C0, C1) and format characters: bidi overrides and isolates (which could
// reverse the text around a name in a kill feed), zero-width joiners and spaces, soft hyphens.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const visible = (raw: string): string => raw.normalize('NFC').replace(/\s+/gu, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();

/**
 * The name as shown: invisible and control characters removed, runs of whitespace made one
 * space, trimmed, cut to `NAME_MAX_CHARS`. Empty when nothing printable is left.
 */
export function cleanName(raw: string): string {
  return Array.from(visible(raw)).slice(0, NAME_MAX_CHARS).join('').trim();
}

/** The cleaned name when `raw` is a string of 1 to `NAME_MAX_CHARS` visible characters (not cut), else undefined. */
export function checkName(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 256) return undefined;
  const clean = visible(raw);
  const length = Array.from(clean).length;
  return length >= 1 && length <= NAME_MAX_CHARS ? clean : undefined;
}

/** The name a player gets until it chooses one: `guest-` and four hex digits derived from `seed`. */
export function guestName(seed: number): string {
  // A multiplicative hash spreads consecutive ids over the four digits.
  return `guest-${((Math.imul(seed, 0x9e3779b1) >>> 16) & 0xffff).toString(16).padStart(4, '0')}`;
}
