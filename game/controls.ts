// Turns what the player's devices ask for (keyboard, touch) into inputs sent to the server: at
// once when something changes; again every 50 ms while attack is held, so it keeps attacking as
// its cooldown allows; and every 250 ms while only a direction is held. A held direction needs no
// resending over an ordered, reliable link (the server keeps it until the next input); the slow
// resend only heals an input the server dropped (rate limit, full queue), at a fifth of the
// messages a 50 ms resend costs both ends.

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

/** How often an unchanged intent is sent again, ms. */
export interface ResendIntervals {
  /** While attack is held. Default 50. */
  attackMs?: number;
  /** While only a direction is held. Default 250. */
  heldMs?: number;
}

/** The browser's resend intervals (the bench's bots send by the same rule). */
export const ATTACK_RESEND_MS = 50;
export const HELD_RESEND_MS = 250;

/** Merges `sources` (the first with a direction steers; any attack attacks) and sends to `sink`. */
export function createInputSender(sink: InputSink, sources: readonly InputSource[], resend: ResendIntervals = {}): InputSender {
  const attackMs = resend.attackMs ?? ATTACK_RESEND_MS;
  const heldMs = resend.heldMs ?? HELD_RESEND_MS;
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
      const resendMs = next.attack ? attackMs : next.mx !== 0 || next.my !== 0 ? heldMs : Number.POSITIVE_INFINITY;
      if (!changed && now - sentAt < resendMs) return false;
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
