// The receiving direction of a conditioned link, as a Socket.IO parser wrapper: every packet a
// decoder decodes is delivered through a conditioner (net/client/conditioner.ts), so nothing in
// the code that emits or listens changes.
import type { Packet } from 'socket.io-parser';
import { createConditioner, type Conditioner, type ConditionerOptions } from './conditioner';

/** A Socket.IO parser module: what `new Server(http, { parser })` and `io(url, { parser })` take. */
export interface ParserModule {
  protocol: number;
  Encoder: new () => {
    /** Encodes a packet into the frames Engine.IO sends. */
    encode(packet: Packet): unknown[];
  };
  Decoder: new () => ParserDecoder;
}

/** The part of a parser's Decoder that Socket.IO uses. */
export interface ParserDecoder {
  /** Feeds one frame Engine.IO received. */
  add(obj: unknown): void;
  /** Drops any partly decoded packet (the connection closed). */
  destroy(): void;
  /** Listens for whole decoded packets. */
  on(event: 'decoded', listener: (packet: Packet) => void): unknown;
  /** Stops listening. */
  off(event: 'decoded', listener?: (packet: Packet) => void): unknown;
  /** Stops listening (Node's older name). */
  removeListener(event: 'decoded', listener?: (packet: Packet) => void): unknown;
}

/** Options of `conditionParser`. */
export interface ConditionedParserOptions extends ConditionerOptions {
  /** Packets that may be lost instead of retransmitted, e.g. volatile state. Default none. */
  droppable?: (packet: Packet) => boolean;
}

/**
 * Wraps a parser so that each decoder (one per connection) delays the packets it decodes
 * through its own conditioner: the receiving direction of a link, with no change to the code
 * that emits. Malformed input still throws at once, so Socket.IO still closes the connection;
 * `destroy()` (the connection closed) cancels the packets still in flight.
 * @throws if a condition is out of range.
 */
export function conditionParser(parser: ParserModule, options: ConditionedParserOptions): ParserModule {
  const { droppable, ...linkOptions } = options;
  createConditioner(linkOptions).close(); // validates the conditions now rather than at the first packet
  class ConditionedDecoder implements ParserDecoder {
    private readonly inner = new parser.Decoder();
    private readonly listeners = new Set<(packet: Packet) => void>();
    private link: Conditioner | undefined;
    private bytes = 0;

    constructor() {
      this.inner.on('decoded', (packet) => {
        const bytes = this.bytes;
        this.bytes = 0;
        this.link ??= createConditioner(linkOptions);
        this.link.schedule(bytes, () => {
          // Copy, in case a listener removes itself while we iterate.
          for (const listener of [...this.listeners]) listener(packet);
        }, droppable?.(packet) ?? false);
      });
    }

    on(_event: 'decoded', listener: (packet: Packet) => void): this {
      this.listeners.add(listener);
      return this;
    }

    off(_event: 'decoded', listener?: (packet: Packet) => void): this {
      if (listener) this.listeners.delete(listener);
      else this.listeners.clear();
      return this;
    }

    removeListener(event: 'decoded', listener?: (packet: Packet) => void): this {
      return this.off(event, listener);
    }

    add(obj: unknown): void {
      // A packet's size is the sum of its messages (a default-format packet has several).
      this.bytes += typeof obj === 'string' ? obj.length : byteLength(obj);
      try {
        this.inner.add(obj);
      } catch (error) {
        this.bytes = 0;
        throw error;
      }
    }

    destroy(): void {
      this.link?.close();
      this.link = undefined;
      this.bytes = 0;
      this.inner.destroy();
    }
  }
  return { protocol: parser.protocol, Encoder: parser.Encoder, Decoder: ConditionedDecoder };
}

function byteLength(obj: unknown): number {
  if (obj instanceof ArrayBuffer || ArrayBuffer.isView(obj)) return obj.byteLength;
  return 0;
}
