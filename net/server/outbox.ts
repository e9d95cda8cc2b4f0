// Built state messages wait here until the tick's socket writes, so a tick's encoding and its
// writes can be timed apart (on loopback each write runs the whole TCP path, receiver included).
import type { GameSocket } from './session';

/** State messages of one tick, waiting to be written. */
export interface Outbox {
  /** Queues `bytes` for `socket`. */
  add(socket: GameSocket, bytes: Uint8Array): void;
  /** Writes every queued message to its socket, in order, and empties the box. */
  send(): void;
}

/** Creates an empty outbox. */
export function createOutbox(): Outbox {
  // Socket, bytes, socket, bytes…: one flat array, reused tick after tick.
  const queue: (GameSocket | Uint8Array)[] = [];
  return {
    add(socket, bytes) {
      queue.push(socket, bytes);
    },
    send() {
      // Bare state messages, written at the Engine.IO level: our parser reads a binary message
      // starting with a state kind byte as the `s` event, so Socket.IO's packet layer (its
      // encoder, and 8 bytes of header a message) is skipped. Same connection, same order.
      for (let i = 0; i < queue.length; i += 2) {
        (queue[i] as GameSocket).conn.write(queue[i + 1] as Uint8Array as Buffer);
      }
      queue.length = 0;
    },
  };
}
