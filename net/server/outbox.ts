// Built state messages wait here until the tick's socket writes, so a tick's encoding and its
// writes can be timed apart (on loopback each write runs the whole TCP path, receiver included).
//
// Bare state messages: our parser reads a binary message starting with a state kind byte as the
// `s` event, so Socket.IO's packet layer (its encoder, and 8 bytes of header a message) is
// skipped. How the bytes then reach the socket is a `WriteMode`, chosen by measurement (README,
// Benchmarks): `frame` by default.
import type { Socket as NetSocket } from 'node:net';
import type { GameSocket } from './session';

/**
 * How a state message is handed to its connection:
 * - `engineio`: `conn.write`, Engine.IO's own path (its write buffer, then ws's frame sender, which
 *   writes the frame header and the payload as two buffers through a corked socket: `writev`);
 * - `cork`: the same, with every connection's TCP socket corked for the whole tick's writes;
 * - `frame`: on a WebSocket connection Engine.IO holds nothing for, the whole WebSocket frame built here as one buffer
 *   and written straight to the TCP socket: one plain `write`, no Engine.IO or ws bookkeeping.
 *   Anything else (long-polling, an upgrade under way, packets still queued in Engine.IO) takes
 *   the `engineio` path, so no message ever overtakes one sent before it.
 */
export type WriteMode = 'engineio' | 'cork' | 'frame';

/** State messages of one tick, waiting to be written. */
export interface Outbox {
  /** Queues a copy of `bytes` for `socket` (so `bytes` may be a view of a buffer reused at once). */
  add(socket: GameSocket, bytes: Uint8Array): void;
  /** Writes every queued message to its socket, in order, and empties the box. */
  send(): void;
}

// What the Engine.IO connection and its ws WebSocket look like inside: not in their typings.
interface EngineConn {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: { name: string; perMessageDeflate: unknown; socket?: { readyState: number; _socket?: NetSocket | null } };
  write(data: Buffer): void;
}

const WS_OPEN = 1;
const FIN_BINARY = 0x82;

/**
 * The TCP socket under `conn` if a frame may be written to it now, else undefined. Engine.IO must
 * hold nothing back (an empty write buffer): what it sent before is then already in the TCP
 * socket's own queue (ws writes a frame at once unless it compresses, which it does not here), so
 * a frame written after it goes out after it. A WebSocket send still in flight (the transport not
 * yet `writable` again) does not matter for that.
 */
function idleTcp(conn: EngineConn): NetSocket | undefined {
  const t = conn.transport;
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length !== 0) return undefined;
  if (t?.name !== 'websocket' || t.perMessageDeflate || t.socket?.readyState !== WS_OPEN) return undefined;
  const tcp = t.socket._socket;
  return tcp && tcp.writable ? tcp : undefined;
}

/**
 * `bytes` as one unmasked, unfragmented binary WebSocket frame (RFC 6455 §5.2), header and all,
 * in a new Buffer (from Node's pool when small).
 */
export function binaryFrame(bytes: Uint8Array): Buffer {
  const n = bytes.byteLength;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = FIN_BINARY;
  if (head === 2) frame[1] = n;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  frame.set(bytes, head);
  return frame;
}

/** Creates an empty outbox writing in `mode`. */
export function createOutbox(mode: WriteMode = 'frame'): Outbox {
  // Socket, bytes, socket, bytes…: one flat array, reused tick after tick. In `frame` mode the
  // bytes are queued as their whole WebSocket frame: the one copy each message needs anyway.
  const queue: (GameSocket | Buffer)[] = [];
  const corked: NetSocket[] = [];
  return {
    add(socket, bytes) {
      queue.push(socket, mode === 'frame' ? binaryFrame(bytes) : Buffer.from(bytes));
    },
    send() {
      for (let i = 0; i < queue.length; i += 2) {
        const conn = (queue[i] as GameSocket).conn as unknown as EngineConn;
        let bytes = queue[i + 1] as Buffer;
        if (mode === 'frame') {
          const tcp = idleTcp(conn);
          if (tcp !== undefined) {
            tcp.write(bytes);
            continue;
          }
          bytes = bytes.subarray(bytes[1]! < 126 ? 2 : bytes[1] === 126 ? 4 : 10); // the payload alone, for Engine.IO
        } else if (mode === 'cork') {
          const tcp = conn.transport?.socket?._socket;
          if (tcp) {
            tcp.cork();
            corked.push(tcp);
          }
        }
        conn.write(bytes);
      }
      queue.length = 0;
      for (const tcp of corked) tcp.uncork();
      corked.length = 0;
    },
  };
}
