import type { InputIntent } from '../engine';

/** @deprecated Use the engine's `InputIntent`; kept only until game/browser.ts imports that instead. */
export type KeyIntent = InputIntent;

const UP = new Set(['ArrowUp', 'KeyW']);
const DOWN = new Set(['ArrowDown', 'KeyS']);
const LEFT = new Set(['ArrowLeft', 'KeyA']);
const RIGHT = new Set(['ArrowRight', 'KeyD']);
const ATTACK = new Set(['Space']);
const HANDLED = new Set([...UP, ...DOWN, ...LEFT, ...RIGHT, ...ATTACK]);

/** Tracks held keys (arrows, WASD, Space) on `target`; `intent()` reads them. */
export interface Keyboard {
  /** The held keys as an intent: each axis −1, 0 or 1, `attack` while Space is held. */
  intent(): InputIntent;
  /** Releases every key (the window lost focus: no key-up will come). */
  releaseAll(): void;
  /** Stops listening to `target`. */
  dispose(): void;
}

/** Listens for game keys on `target` (usually `window`). Map y grows downward, so Up is −y. */
export function createKeyboard(target: Window): Keyboard {
  const held = new Set<string>();
  const down = (e: KeyboardEvent): void => {
    if (!HANDLED.has(e.code) || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.target as HTMLElement | null)?.closest?.('input, textarea')) return;
    e.preventDefault(); // arrows and Space would scroll the page
    held.add(e.code);
  };
  const up = (e: KeyboardEvent): void => {
    held.delete(e.code);
  };
  const blur = (): void => held.clear();
  target.addEventListener('keydown', down);
  target.addEventListener('keyup', up);
  target.addEventListener('blur', blur);
  const any = (keys: Set<string>): boolean => {
    for (const k of keys) if (held.has(k)) return true;
    return false;
  };
  return {
    intent: () => ({
      mx: (any(RIGHT) ? 1 : 0) - (any(LEFT) ? 1 : 0),
      my: (any(DOWN) ? 1 : 0) - (any(UP) ? 1 : 0),
      attack: any(ATTACK),
    }),
    releaseAll: blur,
    dispose() {
      target.removeEventListener('keydown', down);
      target.removeEventListener('keyup', up);
      target.removeEventListener('blur', blur);
    },
  };
}
