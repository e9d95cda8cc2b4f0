// Sending inputs: numbered, encoded in 11 bytes, and remembered by the predictor at the tick
// they should land at, so the own player moves on the very next frame.
import { quantizeAxis, type InputIntent } from '../../engine';
import { DeltaEvents, encodeInput, INPUT_BYTES } from '../wire';
import type { ClockSync } from './clock';
import type { ClientSocket } from './connection';
import type { MirrorWorld } from './mirror';
import type { Predictor } from './prediction';

/** The bare input message's kind byte before an input's bytes (for the conditioner's bandwidth model). */
const INPUT_FRAMING_BYTES = 1;

/** Numbers, encodes and sends a player's inputs. */
export interface InputSender {
  /**
   * Sends `intent` stamped with the next sequence number and, with an attack, the server time
   * `viewTimeMs` the player saw; returns the sequence number (unchanged when not sent).
   */
  send(intent: InputIntent, viewTimeMs: number): number;
  /** Sequence number of the last input sent. */
  readonly seq: number;
  /** Numbers from 1 again (a new player: the server's ack starts over). */
  restart(): void;
}

/**
 * Creates the sender of a connection: sends only while `ready()` (connected and welcomed);
 * `link` puts an outgoing message through the conditioner, if any.
 */
export function createInputSender(
  socket: ClientSocket, world: MirrorWorld, clock: ClockSync, predictor: Predictor,
  link: (bytes: number, emit: () => void) => void, now: () => number, ready: () => boolean,
): InputSender {
  let seq = 0;
  return {
    send(intent, viewTimeMs) {
      if (!ready()) return seq;
      seq = (seq + 1) >>> 0;
      const serverNow = clock.samples > 0 ? clock.serverNow(now()) : world.lastTick * world.tickMs;
      const arrival = serverNow + (Number.isNaN(clock.rtt) ? 0 : clock.rtt / 2);
      predictor.sent(seq, quantizeAxis(intent.mx), quantizeAxis(intent.my), Math.floor(arrival / world.tickMs) + 1);
      const bytes = encodeInput({ seq, mx: intent.mx, my: intent.my, attack: intent.attack, viewTimeMs: intent.attack ? viewTimeMs : 0 });
      link(INPUT_BYTES + INPUT_FRAMING_BYTES, () => socket.emit(DeltaEvents.input, bytes));
      return seq;
    },
    get seq() {
      return seq;
    },
    restart() {
      seq = 0;
    },
  };
}
