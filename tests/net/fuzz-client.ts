// A fuzzing client over a real socket, for the socket fuzz suite (fuzz-socket.test.ts): it connects
// as one of several kinds of client, sends seeded junk (fuzzing.ts) in batches, and reconnects
// whenever it is refused, kicked or cut, until its budget is spent.
import { io as connect, type Socket } from 'socket.io-client';
import { PacketType } from 'socket.io-parser';
import type { Rng } from '../../engine';
import { PROTOCOL_VERSION } from '../../net';
import * as parser from '../../net/wire/parser';
import { Encoder } from '../../net/wire/parser';
import { sleep, within } from '../helpers';
import { chance, mutateBytes, mutateText, pick, randomBytes, randomMessage, size, validInputBytes, type ValueOptions } from './fuzzing';

/**
 * classic: a plain Socket.IO client (default parser); engine: the delta protocol with our parser,
 * as the game's own client speaks it; mismatched: the delta protocol with the default parser (it
 * cannot read the server's one-frame state and drops itself); polling: classic over long-polling
 * only; raw: Socket.IO and engine.io packets written by hand, below the client library.
 */
export type FuzzerKind = 'classic' | 'delta' | 'mismatched' | 'polling' | 'raw';

/** What one fuzzing client did. */
export interface FuzzerResult {
  kind: FuzzerKind;
  /** Messages (cases) sent, raw packets included. */
  sent: number;
  connections: number;
  refusedHandshakes: number;
  /** Connections that ended other than by this client's own `disconnect()`. */
  closedByServer: number;
  unansweredProbes: number;
  errorReplies: number;
  /** Messages sent per connection (Socket.IO id), raw packets excluded. */
  bySid: Map<string, number>;
  /** How long it ran (ms). */
  ms: number;
}

/** Options of `runFuzzer`. */
export interface FuzzerOptions {
  url: string;
  kind: FuzzerKind;
  rng: Rng;
  /** Messages to send in all. */
  budget: number;
  values: ValueOptions;
  /**
   * After each batch, wait for a clock probe's answer: then everything sent before it has been
   * handled, and the client never outruns the server. Otherwise flood as fast as the socket drains.
   */
  flow: boolean;
  /** Largest message to send (estimated bytes); with `flow`, also at most 10 binary attachments. */
  maxBytes: number;
  /** Every socket opened is added here while open, so a failed test can close them all. */
  sockets: Set<Socket>;
  /** Set `stopped` to make the fuzzer finish early (a failed test). */
  signal: { stopped: boolean };
}

/** Rough encoded size (bytes, binary counted as long-polling's base64) and binary attachments of a value. */
export function footprint(v: unknown, out = { bytes: 0, attachments: 0 }, depth = 0): { bytes: number; attachments: number } {
  if (depth > 300) out.bytes += 1 << 20;
  else if (typeof v === 'string') out.bytes += 2 + v.length * 3;
  else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    out.bytes += 48 + Math.ceil(v.byteLength * 1.4);
    out.attachments++;
  } else if (Array.isArray(v)) {
    for (const x of v) footprint(x, out, depth + 1);
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.bytes += k.length + 4;
      footprint(x, out, depth + 1);
    }
  } else out.bytes += 24;
  return out;
}

const RAW_TEXT = [
  '2["move",{"x":80,"y":80}]', '2["attack"]', '2["attack",{}]', '2["t",5]', '21["t",5]', '2["bogus",1]', '2', '2[]', '2[42]',
  '2[null]', '2[{}]', '3', '35[1]', '3/admin,1[]', '2/admin,["x"]', '0/admin,', '0/', '1', '4"x"', '6', '9',
  '2["i",{"_placeholder":true,"num":0}]', '2["move",{"x":1e999,"y":0}]', '2["move",{"x":-0,"y":"1"}]',
  '2["__proto__",{"__proto__":{"x":1}}]', '2["move",{"__proto__":{"x":1,"y":2}}]', '2["error",{"code":"kicked"}]',
];

/**
 * Raw Socket.IO messages for one case, below the client library: text packets valid and mutated
 * (events, acks, namespace connects and disconnects), default-format binary with its attachments,
 * our one-frame binary valid and mutated, a placeholder nested thousands deep, random bytes.
 */
export function rawPackets(rng: Rng): (string | Uint8Array)[] {
  const roll = rng.int(10);
  if (roll < 4) return [pick(rng, RAW_TEXT)];
  if (roll < 7) return [mutateText(rng, pick(rng, RAW_TEXT))];
  if (roll < 8) {
    const head = chance(rng, 0.7) ? '51-["i",{"_placeholder":true,"num":0}]' : mutateText(rng, '52-["move",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    const parts: (string | Uint8Array)[] = [head];
    for (let k = rng.int(3); k >= 0; k--) parts.push(chance(rng, 0.5) ? mutateBytes(rng, validInputBytes(rng)) : randomBytes(rng, size(rng, 64)));
    return parts;
  }
  if (roll < 9) {
    const frame = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: [pick(rng, ['i', 'move', 'x']), validInputBytes(rng)] })[0] as Uint8Array;
    return [chance(rng, 0.7) ? mutateBytes(rng, frame, [{ at: 2, bytes: 1 }, { at: 4, bytes: 1 }]) : frame];
  }
  if (chance(rng, 0.2)) {
    const depth = 5000 + rng.int(2500);
    return [`51-["x",${'['.repeat(depth)}{"_placeholder":true,"num":0}${']'.repeat(depth)}]`, new Uint8Array(4)];
  }
  return [randomBytes(rng, size(rng, 128))];
}

/**
 * Connected, as far as the wire goes. socket.io-client can miss its own 'disconnect' after a parse
 * error (the mismatched kind): its engine is closed while `connected` still says true.
 */
export const alive = (s: Socket): boolean => s.connected && s.io.engine?.readyState === 'open';

/** Opens a fuzzer's connection: now and then with a handshake the server must refuse. */
async function open(o: FuzzerOptions): Promise<{ socket: Socket; ok: boolean; junk: boolean }> {
  const { rng, kind } = o;
  const junk = chance(rng, 0.05);
  const engine = kind === 'delta' || kind === 'mismatched' || (kind === 'raw' && chance(rng, 0.5));
  const token = chance(rng, 0.3) ? { token: pick(rng, ['', 'x'.repeat(64), 'x'.repeat(65), 'made-up']) } : {};
  const auth = junk
    ? pick(rng, [{ skirmish: 'x' }, { skirmish: PROTOCOL_VERSION + 1 }, { skirmish: null }, { skirmish: -1, token: 5 }])
    : engine ? { skirmish: PROTOCOL_VERSION, ...token } : undefined;
  const socket = connect(o.url, {
    transports: kind === 'polling' ? ['polling'] : ['websocket'], reconnection: false, forceNew: true, auth,
    ...(kind === 'delta' ? { parser } : {}),
  });
  o.sockets.add(socket);
  const ok = await within(5000, new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  }), 'fuzzer connect');
  return { socket, ok, junk };
}

/** Sends a clock probe; resolves true when answered, false on disconnect or after 5 s. */
function probe(s: Socket): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const done = (v: boolean): void => {
      clearTimeout(timer);
      s.off('disconnect', gone);
      resolve(v);
    };
    const gone = (): void => done(false);
    const timer = setTimeout(() => done(false), 5000);
    s.once('disconnect', gone);
    s.emit('t', 1, () => done(true));
  });
}

/** Runs one fuzzing client, reconnecting whenever it is refused, kicked or cut, until its budget is spent. */
export async function runFuzzer(o: FuzzerOptions): Promise<FuzzerResult> {
  const { rng } = o;
  const r: FuzzerResult = {
    kind: o.kind, sent: 0, connections: 0, refusedHandshakes: 0, closedByServer: 0, unansweredProbes: 0, errorReplies: 0, bySid: new Map(), ms: 0,
  };
  const started = performance.now();
  const note = (s: Socket): void => void r.bySid.set(s.id!, (r.bySid.get(s.id!) ?? 0) + 1);
  let socket: Socket | undefined;
  while (r.sent < o.budget && !o.signal.stopped) {
    if (socket === undefined || !alive(socket)) {
      if (socket !== undefined) {
        socket.disconnect();
        o.sockets.delete(socket);
      }
      const opened = await open(o);
      socket = opened.socket;
      if (!opened.ok) {
        r.refusedHandshakes++;
        if (!opened.junk) throw new Error(`fuzzer ${o.kind}: a good handshake was refused`);
        continue;
      }
      r.connections++;
      socket.on('error', () => r.errorReplies++);
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') r.closedByServer++;
      });
    }
    const s = socket;
    // Long-polling batches what is buffered into one POST, and engine.io-client underestimates
    // base64 binary when it splits batches at maxHttpBufferSize: small batches stay under it.
    const batch = o.kind === 'polling' ? 6 : 50;
    const maxBytes = o.kind === 'polling' ? Math.min(o.maxBytes, 2000) : o.maxBytes;
    for (let k = 0; k < batch && alive(s) && r.sent < o.budget; k++) {
      if (o.kind === 'raw' && chance(rng, 0.5)) {
        if (chance(rng, 0.05)) {
          // Below Socket.IO: an engine.io packet of an unknown type, straight onto the WebSocket.
          (s.io.engine.transport as unknown as { ws?: { send(d: string): void } }).ws?.send(pick(rng, ['9', 'x', '', '4'.repeat(3)]));
        } else {
          for (const part of rawPackets(rng)) s.io.engine.send(part);
        }
        r.sent++;
        continue;
      }
      const m = randomMessage(rng, o.values);
      const args = m.ack ? [...m.args, () => undefined] : m.args;
      const fp = footprint(args);
      // Too big, or more binary than socket.io-parser's 10 attachments: the server closes such a
      // connection, which only a flood (no `flow`) wants.
      if (fp.bytes > maxBytes || (o.flow && fp.attachments > 10)) continue;
      try {
        s.emit(m.name as string, ...args);
      } catch {
        continue; // The client library cannot encode it (say, binary nested in our parser's args): not a case.
      }
      r.sent++;
      note(s);
    }
    if (!alive(s)) continue;
    if (o.flow) {
      const answered = await probe(s);
      if (alive(s) || answered) {
        r.sent++;
        note(s);
        if (!answered) r.unansweredProbes++;
      }
    } else {
      await new Promise((resolve) => setImmediate(resolve));
      const deadline = performance.now() + 3000;
      // As fast as the socket drains: wait only while the client's own buffer is backed up, and
      // give up on a connection that stops draining, as a flooder would.
      while (alive(s) && s.io.engine.writeBuffer.length > 200) {
        if (performance.now() > deadline) s.disconnect();
        await sleep(2);
      }
    }
  }
  socket?.disconnect();
  if (socket !== undefined) o.sockets.delete(socket);
  r.ms = performance.now() - started;
  return r;
}
