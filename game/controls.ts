// Turns what the player's devices ask for (keyboard, touch) into inputs sent to the server: at
// once when something changes, and again every `resendMs` while anything is pressed, so a lost
// burst heals quickly and a held attack keeps attacking as its cooldown allows.

import type { InputIntent } from '../engine';

/** A device the player controls with. */
export interface InputSource {
  /** What the device asks for now (`now` in ms, the `performance.now` clock). */
  intent(now: number): InputIntent;
  /** The intent last returned was sent at `now`: presses it carried have now reached the wire. */
  sent(now: number): void;
}

/** Something that takes inputs: the game client. */
export interface InputSink {
  /** Sends and returns the input's sequence number; returns `lastSentSeq` unchanged when it could not send. */
  sendInput(input: InputIntent): number;
  readonly lastSentSeq: number;
}

/** Sends the merged intent of its sources; call `pump` every frame and on device events. */
export interface InputSender {
  /** Sends if the intent changed or a resend is due; returns whether it sent. */
  pump(now: number): boolean;
  /** The intent last sent. */
  readonly last: Readonly<InputIntent>;
}

/** Merges `sources` (the first with a direction steers; any attack attacks) and sends to `sink`. */
export function createInputSender(sink: InputSink, sources: readonly InputSource[], resendMs = 50): InputSender {
  let last: InputIntent = { mx: 0, my: 0, attack: false };
  let sentAt = Number.NEGATIVE_INFINITY;
  return {
    pump(now) {
      const next: InputIntent = { mx: 0, my: 0, attack: false };
      for (const source of sources) {
        const i = source.intent(now);
        if (next.mx === 0 && next.my === 0 && (i.mx !== 0 || i.my !== 0)) {
          next.mx = i.mx;
          next.my = i.my;
        }
        next.attack ||= i.attack;
      }
      const changed = next.mx !== last.mx || next.my !== last.my || next.attack !== last.attack;
      const active = next.mx !== 0 || next.my !== 0 || next.attack;
      if (!changed && !(active && now - sentAt >= resendMs)) return false;
      // Offline, nothing goes out: keep the taps latched for when it can.
      const before = sink.lastSentSeq;
      if (sink.sendInput(next) === before) return false;
      for (const source of sources) source.sent(now);
      last = next;
      sentAt = now;
      return true;
    },
    get last() {
      return last;
    },
  };
}
