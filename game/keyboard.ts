import type { InputIntent } from '../engine';
import type { InputSource } from './controls';


const UP = new Set(['ArrowUp', 'KeyW']);
const DOWN = new Set(['ArrowDown', 'KeyS']);
const LEFT = new Set(['ArrowLeft', 'KeyA']);
const RIGHT = new Set(['ArrowRight', 'KeyD']);
const ATTACK = new Set(['Space']);
const HANDLED = new Set([...UP, ...DOWN, ...LEFT, ...RIGHT, ...ATTACK]);

/** Tracks game keys (arrows, WASD, Space) on a window; see `createKeyboard`. */
export interface Keyboard extends InputSource {
  /** Releases every key, taps included (the window lost focus: no key-up will come). */
  releaseAll(): void;
  dispose(): void;
}

/** Options of `createKeyboard`. */
export interface KeyboardOptions {
  /**
   * How long (ms) a tapped direction stays pressed after the first input carrying it was sent.
   * The server applies the latest input each tick, so a press and its release landing in the same
   * tick would move nothing: one tick and a half keeps them in different ticks despite jitter.
   */
  minHoldMs(): number;
  /** Called after every handled key event, so the caller can send at once instead of next frame. */
  onChange?(): void;
}

/**
 * Listens for game keys on `target` (usually `window`). Map y grows downward, so Up is −y.
 * Keys are latched: a key pressed and released between two samples (a tap shorter than a frame,
 * or `keyboard.press` in a test) still counts until an input carrying it has been sent, and for a
 * direction until `minHoldMs` after that. Focus loss releases everything.
 */
export function createKeyboard(target: Window, options: KeyboardOptions): Keyboard {
  const held = new Set<string>();
  // Keys pressed since they were last sent: when the first input carrying them went out (NaN: not yet).
  const taps = new Map<string, number>();
  const down = (e: KeyboardEvent): void => {
    if (!HANDLED.has(e.code) || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.target as HTMLElement | null)?.closest?.('input, textarea, button')) return;
    e.preventDefault(); // arrows and Space would scroll the page
    held.add(e.code);
    if (!e.repeat) taps.set(e.code, Number.NaN);
    options.onChange?.();
  };
  const up = (e: KeyboardEvent): void => {
    if (!held.delete(e.code)) return;
    options.onChange?.();
  };
  const blur = (): void => {
    held.clear();
    taps.clear();
    options.onChange?.();
  };
  target.addEventListener('keydown', down);
  target.addEventListener('keyup', up);
  target.addEventListener('blur', blur);
  const pressed = (code: string): boolean => held.has(code) || taps.has(code);
  const any = (keys: Set<string>): boolean => {
    for (const k of keys) if (pressed(k)) return true;
    return false;
  };
  return {
    intent(now) {
      const hold = options.minHoldMs();
      for (const [code, sentAt] of taps) {
        if (held.has(code) || Number.isNaN(sentAt)) continue;
        if (ATTACK.has(code) || now - sentAt >= hold) taps.delete(code);
      }
      return {
        mx: (any(RIGHT) ? 1 : 0) - (any(LEFT) ? 1 : 0),
        my: (any(DOWN) ? 1 : 0) - (any(UP) ? 1 : 0),
        attack: any(ATTACK),
      };
    },
    sent(now) {
      let released = false;
      for (const [code, sentAt] of taps) {
        if (!Number.isNaN(sentAt)) continue;
        taps.set(code, now);
        released ||= !held.has(code);
      }
      // A tap's release is due after the hold whether or not a frame comes then (a busy page can
      // go a while without one): ask the caller to send it on time.
      if (released) setTimeout(() => options.onChange?.(), options.minHoldMs() + 1);
    },
    releaseAll: blur,
    dispose() {
      target.removeEventListener('keydown', down);
      target.removeEventListener('keyup', up);
      target.removeEventListener('blur', blur);
    },
  };
}
