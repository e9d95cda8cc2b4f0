import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { Encoder as DefaultEncoder, PacketType, type Packet } from 'socket.io-parser';
import { createRng } from '../../engine';
import * as parser from '../../net/wire/parser';
import { Decoder, Encoder, FRAME_MAGIC, ParserError } from '../../net/wire/parser';
import { waitFor, within } from '../helpers';

/** Encodes with our encoder and decodes every message with a fresh decoder. */
function roundTrip(packet: Packet): { messages: unknown[]; decoded: Packet[] } {
  const messages = new Encoder().encode(packet);
  return { messages, decoded: decodeAll(messages) };
}

function decodeAll(messages: unknown[], decoder = new Decoder()): Packet[] {
  const decoded: Packet[] = [];
  decoder.on('decoded', (p: Packet) => decoded.push(p));
  for (const m of messages) decoder.add(m);
  return decoded;
}

/** Decoded binary arrives as own Uint8Array copies; compare bytes as arrays. */
function plain(packet: Packet): unknown {
  return { ...packet, data: Array.isArray(packet.data) ? packet.data.map((d) => (ArrayBuffer.isView(d) || d instanceof ArrayBuffer ? [...new Uint8Array(d instanceof ArrayBuffer ? d : d.buffer, d instanceof ArrayBuffer ? 0 : d.byteOffset, d.byteLength)] : d)) : packet.data };
}

function throwsParse(add: () => void, what: string): void {
  try {
    add();
  } catch (error) {
    assert.instance(error, Error, what);
    return;
  }
  assert.unreachable(`accepted ${what}`);
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

const Parser = suite('net parser (one-frame Socket.IO parser)');

Parser('JSON-only packets of every type encode exactly like socket.io-parser and round-trip', () => {
  const packets: Packet[] = [
    { type: PacketType.CONNECT, nsp: '/' },
    { type: PacketType.CONNECT, nsp: '/admin', data: { token: 'x', skirmish: 1 } },
    { type: PacketType.DISCONNECT, nsp: '/' },
    { type: PacketType.DISCONNECT, nsp: '/admin' },
    { type: PacketType.EVENT, nsp: '/', data: ['move', { x: 1.5, y: -2 }] },
    { type: PacketType.EVENT, nsp: '/', data: ['attack'] },
    { type: PacketType.EVENT, nsp: '/', data: ['t', 1234.5], id: 7 },
    { type: PacketType.EVENT, nsp: '/game', data: ['ünïcödé ✓', 'ok', [1, 2]], id: 0 },
    { type: PacketType.EVENT, nsp: '/', data: [42, 'numeric event name'] },
    { type: PacketType.ACK, nsp: '/', data: [99], id: 7 },
    { type: PacketType.ACK, nsp: '/x', data: [], id: 123456789 },
    { type: PacketType.CONNECT_ERROR, nsp: '/', data: 'refused' },
    { type: PacketType.CONNECT_ERROR, nsp: '/admin', data: { message: 'protocol mismatch', data: { code: 'protocol_mismatch' } } },
  ];
  for (const packet of packets) {
    const { messages, decoded } = roundTrip(packet);
    assert.equal(messages, new DefaultEncoder().encode(packet), `same text as default for ${JSON.stringify(packet)}`);
    assert.is(messages.length, 1);
    assert.type(messages[0], 'string');
    assert.equal(decoded, [packet]);
  }
});

Parser('binary EVENT and ACK packets become one binary message and round-trip', () => {
  const b = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);
  const packets: Packet[] = [
    { type: PacketType.EVENT, nsp: '/', data: ['s', b(100)] },
    { type: PacketType.EVENT, nsp: '/', data: ['i', b(7)], id: 3 },
    { type: PacketType.EVENT, nsp: '/room/ünï', data: ['state', b(3), { tick: 5 }], id: 2 ** 40 },
    { type: PacketType.EVENT, nsp: '/', data: ['many', b(1, 1), 'json', b(2, 2), b(0), null, { a: [1] }, b(3, 3)] },
    { type: PacketType.EVENT, nsp: '/', data: ['empty', b(0)] },
    { type: PacketType.EVENT, nsp: '/', data: [7, b(4)] },
    { type: PacketType.EVENT, nsp: '/', data: ['big', b(70_000, 9)] },
    { type: PacketType.ACK, nsp: '/', data: [b(5)], id: 0 },
    { type: PacketType.ACK, nsp: '/admin', data: ['ok', b(2), 3], id: 99 },
  ];
  for (const packet of packets) {
    const { messages, decoded } = roundTrip(packet);
    assert.is(messages.length, 1, 'one engine.io message');
    assert.instance(messages[0], Uint8Array);
    assert.is((messages[0] as Uint8Array)[0], FRAME_MAGIC | packet.type);
    assert.equal(decoded.map(plain), [plain(packet)]);
  }
});

Parser('decoded binary is an exact Uint8Array copy; pooled Buffer views, ArrayBuffers and other views encode their own bytes', () => {
  const pool = Buffer.allocUnsafe(64).fill(0xee);
  const view = pool.subarray(10, 14).fill(0x42);
  const floats = new Float32Array([1.5]);
  const ab = Uint8Array.from([9, 8, 7]).buffer;
  const { messages, decoded } = roundTrip({ type: PacketType.EVENT, nsp: '/', data: ['mix', view, ab, floats, new DataView(ab, 1, 1)] });
  // Received from Node as a Buffer that views a bigger pool: decoding must honour its offset.
  const frame = messages[0] as Uint8Array;
  const pooled = Buffer.allocUnsafe(frame.length + 32).fill(0x77).subarray(16, 16 + frame.length);
  frame.forEach((v, i) => (pooled[i] = v));
  for (const packet of [decoded[0]!, decodeAll([pooled])[0]!, decodeAll([frame.slice().buffer])[0]!]) {
    const [name, a, b, c, d] = packet.data as [string, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    assert.is(name, 'mix');
    for (const x of [a, b, c, d]) {
      assert.ok(x instanceof Uint8Array && !Buffer.isBuffer(x), 'plain Uint8Array');
      assert.is(x.byteOffset, 0);
      assert.is(x.buffer.byteLength, x.length, 'owns exactly its bytes');
    }
    assert.equal([...a], [0x42, 0x42, 0x42, 0x42]);
    assert.equal([...b], [9, 8, 7]);
    assert.equal([...c], [...new Uint8Array(floats.buffer)]);
    assert.equal([...d], [8]);
  }
});

Parser('one-frame header is compact: an event "s" with 100 bytes takes 108 bytes', () => {
  const [frame] = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['s', new Uint8Array(100)] });
  assert.is((frame as Uint8Array).length, 108);
  const [text, attachment] = new DefaultEncoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['s', new Uint8Array(100)] });
  assert.is((text as string).length + (attachment as Uint8Array).length, 138, 'default: 38-char placeholder + 100 bytes, two messages');
});

Parser('frames are never overwritten by later encodes (2000 kept frames, UTF-8 names and namespaces)', () => {
  const encoder = new Encoder();
  const names = ['s', 'état', '🎯 hit', 'x'.repeat(300)];
  const frames: unknown[] = [];
  for (let i = 0; i < 2000; i++) {
    const payload = new Uint8Array(i % 700).fill(i & 255);
    frames.push(encoder.encode({ type: PacketType.EVENT, nsp: i % 3 ? '/' : '/ñs✓', data: [names[i % 4], payload, { i, s: '\ud800 lone' }], id: i })[0]);
  }
  const decoded = decodeAll(frames);
  assert.is(decoded.length, 2000);
  decoded.forEach((p, i) => {
    assert.is(p.id, i);
    assert.is(p.nsp, i % 3 ? '/' : '/ñs✓');
    assert.is(p.data[0], names[i % 4]);
    assert.equal([...(p.data[1] as Uint8Array)], Array(i % 700).fill(i & 255));
    assert.equal(p.data[2], { i, s: '\ud800 lone' });
  });
});

Parser('binary the frame cannot place is refused on encode with a clear error', () => {
  const encoder = new Encoder();
  const refuse = (data: unknown[], pattern: RegExp) => {
    try {
      encoder.encode({ type: PacketType.EVENT, nsp: '/', data });
    } catch (error) {
      assert.instance(error, ParserError);
      assert.match((error as Error).message, pattern);
      return;
    }
    assert.unreachable(`encoded ${String(data[0])}`);
  };
  refuse(['nested', { state: new Uint8Array(1) }], /nested/);
  refuse(['nested', [1, [new Uint8Array(1)]]], /nested/);
  refuse([new Uint8Array(1), 'x'], /event name/);
  refuse(['blob', new Blob(['x'])], /Blob/);
  assert.throws(() => encoder.encode({ type: PacketType.EVENT, nsp: '/', data: ['x', new Uint8Array(1)], id: -1 }), /ack id/);
});

Parser('reads the default parser\'s binary packets (placeholder + attachments) alongside one-frame ones', () => {
  const decoder = new Decoder();
  const packets: Packet[] = [
    { type: PacketType.EVENT, nsp: '/', data: ['i', Buffer.from([1, 2, 3])] },
    { type: PacketType.EVENT, nsp: '/a', data: ['x', { deep: [Buffer.from([4])] }, Buffer.from([5, 6])], id: 4 },
    { type: PacketType.ACK, nsp: '/', data: [Buffer.from([7])], id: 9 },
  ];
  const messages: unknown[] = [];
  for (const p of packets) {
    messages.push(...new DefaultEncoder().encode(p));
    messages.push(...new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['ours', new Uint8Array([p.id ?? 0])] }));
  }
  const decoded = decodeAll(messages, decoder);
  assert.is(decoded.length, 6);
  assert.equal(decoded[0], { type: PacketType.EVENT, nsp: '/', data: ['i', Buffer.from([1, 2, 3])] });
  assert.equal(decoded[2], { type: PacketType.EVENT, nsp: '/a', data: ['x', { deep: [Buffer.from([4])] }, Buffer.from([5, 6])], id: 4 });
  assert.equal(decoded[4], { type: PacketType.ACK, nsp: '/', data: [Buffer.from([7])], id: 9 });
  assert.equal(plain(decoded[5]!), { type: PacketType.EVENT, nsp: '/', data: ['ours', [9]] });
  // Attachments from a browser arrive as ArrayBuffers.
  const [text, attachment] = new DefaultEncoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['i', Buffer.from([1, 2])] });
  const fromBrowser = decodeAll([text, new Uint8Array(attachment as Buffer).buffer]);
  assert.equal([...new Uint8Array(fromBrowser[0]!.data[1] as ArrayBuffer)], [1, 2]);
});

/** Header-building helpers for hand-made hostile frames. */
const head = (type = PacketType.EVENT, flags = 4, ...rest: number[]) => bytes(FRAME_MAGIC | type, flags, ...rest);
const S = 's'.charCodeAt(0);

Parser('a bare state message (first byte 0x10 to 0x1F) decodes as the s event of namespace /, its bytes copied', () => {
  const decoder = new Decoder();
  const got: Packet[] = [];
  decoder.on('decoded', (p: Packet) => got.push(p));
  const pool = Buffer.from([9, 0x10, 1, 0, 9]);
  decoder.add(pool.subarray(1, 4));
  decoder.add(Uint8Array.from([0x1f, 5]));
  assert.equal(got, [
    { type: PacketType.EVENT, nsp: '/', data: ['s', new Uint8Array([0x10, 1, 0])] },
    { type: PacketType.EVENT, nsp: '/', data: ['s', new Uint8Array([0x1f, 5])] },
  ]);
  pool[2] = 7;
  assert.is((got[0]!.data as [string, Uint8Array])[1][1], 1, 'a copy, not a view of the pool');
});

Parser('the input event goes bare (first byte 3, then its bytes) and decodes as the i event of namespace /, copied', () => {
  const input = new Uint8Array([0, 0, 0, 7, 127, 0, 1, 0, 0, 0, 9]);
  const [message] = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['i', input] });
  assert.equal([...(message as Uint8Array)], [3, ...input], '12 bytes: the kind byte and the input');
  const decoder = new Decoder();
  const got: Packet[] = [];
  decoder.on('decoded', (p: Packet) => got.push(p));
  const pool = Buffer.from([9, ...(message as Uint8Array), 9]);
  decoder.add(pool.subarray(1, 13));
  assert.equal(got, [{ type: PacketType.EVENT, nsp: '/', data: ['i', input] }]);
  pool[2] = 99;
  assert.is((got[0]!.data as [string, Uint8Array])[1][0], 0, 'a copy, not a view of the pool');
  // Anything else named `i` keeps the one-frame format: another namespace, an ack, more arguments.
  for (const packet of [
    { type: PacketType.EVENT, nsp: '/admin', data: ['i', input] },
    { type: PacketType.EVENT, nsp: '/', data: ['i', input], id: 4 },
    { type: PacketType.EVENT, nsp: '/', data: ['i', input, 1] },
  ]) {
    const [framed] = new Encoder().encode(packet);
    assert.is((framed as Uint8Array)[0], FRAME_MAGIC | PacketType.EVENT, JSON.stringify(packet.nsp));
    const back: Packet[] = [];
    const d = new Decoder();
    d.on('decoded', (p: Packet) => back.push(p));
    d.add(framed);
    assert.equal(back[0]!.nsp, packet.nsp);
  }
});

Parser('malformed frames are rejected, and the decoder keeps working after each', () => {
  const cases: [string, unknown, RegExp][] = [
    ['empty', new Uint8Array(0), /no packet type/],
    // 0x10…0x1F open a bare state message, 0x03 a bare input (read as the `s` and `i` events,
    // above): another byte is no packet.
    ['no magic', bytes(0x04, 4, 1, S, 1, 1, 1, 0, 9), /not a one-frame packet/],
    ['an old state kind', bytes(0x02, 1, 0, 0, 0, 0, 0), /not a one-frame packet/],
    ['CONNECT with binary', head(PacketType.CONNECT, 0, 1, 0, 1, 0, 9), /type 0 cannot carry binary/],
    ['DISCONNECT with binary', head(PacketType.DISCONNECT, 0, 1, 0, 1, 0, 9), /type 1 cannot/],
    ['CONNECT_ERROR with binary', head(PacketType.CONNECT_ERROR, 0, 1, 0, 1, 0, 9), /type 4 cannot/],
    ['BINARY_EVENT type', head(PacketType.BINARY_EVENT, 4, 1, S, 1, 1, 1, 0, 9), /type 5 cannot/],
    ['type 15', bytes(0xbf, 4, 1, S, 1, 1, 1, 0, 9), /type 15 cannot/],
    ['unknown flags', head(PacketType.EVENT, 0x0c, 1, S, 1, 1, 1, 0, 9), /unknown flags/],
    ['ACK without id', head(PacketType.ACK, 0, 1, 0, 1, 0, 9), /ACK without an ack id/],
    ['ACK with an event name', head(PacketType.ACK, 6, 1, 1, S, 1, 0, 1, 0, 9), /ACK has no event name/],
    ['namespace without /', head(PacketType.EVENT, 5, 1, 0x61, 1, S, 1, 1, 1, 0, 9), /does not start with \//],
    ['reserved event name', bytes(FRAME_MAGIC | 2, 4, 10, ...Buffer.from('disconnect'), 1, 1, 1, 0, 9), /invalid EVENT/],
    ['event without name', head(PacketType.EVENT, 0, 1, 0, 1, 0, 9), /invalid EVENT/],
    ['invalid UTF-8 name', head(PacketType.EVENT, 4, 2, 0xc3, 0x28, 1, 1, 1, 0, 9), /not valid UTF-8/],
    ['zero binaries', head(PacketType.EVENT, 4, 1, S, 0, 0), /binary count 0/],
    ['11 binaries', head(PacketType.EVENT, 4, 1, S, 11), /binary count 11/],
    ['binary index 0 over the name', head(PacketType.EVENT, 4, 1, S, 1, 0, 1, 0, 9), /event name cannot be binary/],
    ['binary index past the end', head(PacketType.EVENT, 4, 1, S, 1, 5, 1, 0, 9), /outside 2 arguments/],
    ['indices not increasing', head(PacketType.EVENT, 4, 1, S, 2, 2, 1, 1, 1, 0, 9, 9), /must increase/],
    ['JSON not an array', head(PacketType.EVENT, 4, 1, S, 1, 1, 1, 2, ...Buffer.from('{}'), 9), /not a JSON array/],
    ['JSON invalid', head(PacketType.EVENT, 4, 1, S, 1, 1, 1, 2, ...Buffer.from('[x'), 9), /not valid JSON/],
    ['trailing bytes', head(PacketType.EVENT, 4, 1, S, 1, 1, 1, 0, 9, 9), /bytes are left/],
    ['missing bytes', head(PacketType.EVENT, 4, 1, S, 1, 1, 2, 0, 9), /bytes are left/],
    ['huge namespace length', head(PacketType.EVENT, 1, 0xff, 0xff, 0xff, 0xff, 0x0f), /namespace length \d+ exceeds/],
    ['huge binary length', head(PacketType.EVENT, 4, 1, S, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x07, 0), /binary length \d+ exceeds/],
    ['huge JSON length', head(PacketType.EVENT, 4, 1, S, 1, 1, 0, 0xff, 0xff, 0xff, 0x7f), /JSON length \d+ exceeds/],
    ['huge binary count', head(PacketType.EVENT, 4, 1, S, 0xff, 0xff, 0xff, 0x7f), /binary count 268435455/],
    ['9-byte varint id', head(PacketType.EVENT, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), /longer than 8 bytes/],
    ['id above 2^53', head(PacketType.EVENT, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), /too large/],
    ['non-minimal varint', head(PacketType.EVENT, 6, 0x81, 0x00, 1, S, 1, 1, 1, 0, 9), /not minimally encoded/],
    ['not binary at all', { some: 'object' }, /unsupported message type Object/],
    ['a number', 42, /Unknown type|unsupported/],
    ['text: unknown type', '9', /unknown packet type/],
    ['text: bad attachments', '5-["x"]', /Illegal attachments/],
    ['text: reserved event', '2["disconnect"]', /invalid payload/],
    ['text: too many attachments', '511-["x"]', /too many attachments/],
    ['text: bad JSON', '2["x"', /invalid payload/],
  ];
  const decoder = new Decoder();
  const good = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['ok', new Uint8Array([1])] })[0];
  let decoded = 0;
  decoder.on('decoded', () => decoded++);
  for (const [what, input, pattern] of cases) {
    assert.throws(() => decoder.add(input), pattern, what);
    decoder.add(good);
    assert.is(decoded, 1, `decoder still works after ${what}`);
    decoded = 0;
  }
  // A default placeholder followed by text, or by our frame's absence: the half packet is dropped.
  decoder.add('51-["x",{"_placeholder":true,"num":0}]');
  throwsParse(() => decoder.add('2["y"]'), 'text while awaiting an attachment');
  decoder.add(good);
  assert.is(decoded, 1);
});

Parser('huge declared lengths are refused by the bound check, not by running out of memory', () => {
  const decoder = new Decoder();
  assert.throws(() => decoder.add(head(PacketType.EVENT, 4, 1, S, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x07, 0)), /exceeds the \d+ bytes left/);
  assert.throws(() => decoder.add(head(PacketType.EVENT, 1, 0xff, 0xff, 0xff, 0xff, 0x0f)), /exceeds the \d+ bytes left/);
});

Parser('maxAttachments is configurable like socket.io-parser\'s', () => {
  const data = ['many', ...Array.from({ length: 12 }, (_, i) => new Uint8Array([i]))];
  const messages = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data });
  assert.throws(() => new Decoder().add(messages[0]), /binary count 12 outside 1\.\.10/);
  const decoded = decodeAll(messages, new Decoder({ maxAttachments: 12 }));
  assert.is((decoded[0]!.data as unknown[]).length, 13);
});

Parser('every truncation of a valid frame and 20k random frames are rejected or decode to valid packets', () => {
  const frame = new Encoder().encode({ type: PacketType.EVENT, nsp: '/ns', data: ['state', new Uint8Array([1, 2, 3]), { a: 1 }, new Uint8Array(4)], id: 300 })[0] as Uint8Array;
  const decoder = new Decoder();
  for (let n = 0; n < frame.length; n++) throwsParse(() => decoder.add(frame.subarray(0, n)), `${n}-byte prefix`);
  const rng = createRng(7);
  let accepted = 0;
  decoder.on('decoded', (p: Packet) => {
    assert.ok(p.type === PacketType.EVENT || p.type === PacketType.ACK);
    // Bare state and input messages pass through whole, for the codec and the handlers to check.
    const [name, arg] = p.data as [unknown, unknown];
    if (p.nsp === '/' && (name === 's' || name === 'i') && arg instanceof Uint8Array) return;
    accepted++;
  });
  for (let k = 0; k < 20_000; k++) {
    const junk = new Uint8Array(rng.int(48));
    for (let i = 0; i < junk.length; i++) junk[i] = rng.int(256);
    // Half start like a real frame, so the fuzz reaches past the first byte.
    if (k % 2 === 0 && junk.length > 2) {
      junk[0] = FRAME_MAGIC | (2 + rng.int(2));
      junk[1] = rng.int(8);
    }
    try {
      decoder.add(k % 5 === 0 ? Buffer.from(junk).toString('latin1') : junk);
    } catch (error) {
      assert.instance(error, Error);
    }
  }
  assert.ok(accepted < 200, `${accepted} random frames decoded`);
});

Parser.run();

// Real servers on 127.0.0.1:0 and real socket.io-client clients. They count engine.io packets
// and TCP bytes; they never measure time.

type Transport = 'websocket' | 'polling';

/** A raw Socket.IO server (not the game server) that echoes, counts and keeps its TCP sockets. */
interface WireServer {
  io: Server;
  url: string;
  tcp: TcpSocket[];
  sockets: ServerSocket[];
  /** engine.io message packets the server created / received, per server-side socket. */
  sent: Map<string, number>;
  received: Map<string, number>;
  /** Binary payloads the server got in `s` events. */
  sink: Uint8Array[];
  errors: Error[];
}

async function openServer(custom?: typeof parser): Promise<WireServer> {
  const http = createHttpServer();
  const io = new Server(http, { serveClient: false, ...(custom ? { parser: custom } : {}) });
  const w: WireServer = { io, url: '', tcp: [], sockets: [], sent: new Map(), received: new Map(), sink: [], errors: [] };
  http.on('connection', (tcp) => w.tcp.push(tcp));
  io.on('connection', (socket) => {
    w.sockets.push(socket);
    w.sent.set(socket.id, 0);
    w.received.set(socket.id, 0);
    socket.conn.on('packetCreate', (p: { type: string }) => p.type === 'message' && w.sent.set(socket.id, w.sent.get(socket.id)! + 1));
    socket.conn.on('packet', (p: { type: string }) => p.type === 'message' && w.received.set(socket.id, w.received.get(socket.id)! + 1));
    socket.on('error', (error) => w.errors.push(error));
    socket.on('echo', (...args: unknown[]) => (args.pop() as (...a: unknown[]) => void)(...args));
    socket.on('s', (bytes: Uint8Array) => w.sink.push(bytes));
    socket.on('peek', (bytes: Uint8Array, ack: (b: number[]) => void) => ack([...bytes]));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  w.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return w;
}

async function openClient(url: string, transport: Transport, custom?: typeof parser): Promise<Socket> {
  const socket = connect(url, { transports: [transport], reconnection: false, forceNew: true, ...(custom ? { parser: custom } : {}) });
  await within(3000, new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  }), 'client to connect');
  return socket;
}

/** Emits with an ack and resolves with every argument of the ack. */
function ask(socket: Socket | ServerSocket, event: string, ...args: unknown[]): Promise<unknown[]> {
  return within(3000, new Promise<unknown[]>((resolve, reject) => {
    (socket.timeout(2500).emit as (...a: unknown[]) => void)(event, ...args, (err: Error | null, ...reply: unknown[]) => (err ? reject(err) : resolve(reply)));
  }), `ack of ${event}`);
}

/** Binary arguments as byte arrays, whatever view or buffer type they arrived as. */
function norm(args: unknown[]): unknown[] {
  return args.map((a) => (a instanceof ArrayBuffer ? [...new Uint8Array(a)] : ArrayBuffer.isView(a) ? [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)] : a));
}

const serverSide = (w: WireServer, client: Socket): ServerSocket => w.sockets.find((s) => s.id === client.id)!;

/** Frames and TCP bytes per binary emit of `s` + 100 bytes, each way, over a websocket. */
async function measure(custom?: typeof parser): Promise<{ down: number; up: number; downBytes: number; upBytes: number }> {
  const N = 50;
  const w = await openServer(custom);
  const client = await openClient(w.url, 'websocket', custom);
  try {
    const server = serverSide(w, client);
    assert.is(w.tcp.length, 1, 'one TCP connection');
    const tcp = w.tcp[0]!;
    let got = 0;
    client.on('s', () => got++);
    const [sent0, written0] = [w.sent.get(server.id)!, tcp.bytesWritten];
    for (let i = 0; i < N; i++) server.emit('s', new Uint8Array(100).fill(i));
    await waitFor(() => got === N, 3000, 'client to receive the burst');
    const [received0, read0] = [w.received.get(server.id)!, tcp.bytesRead];
    for (let i = 0; i < N; i++) client.emit('s', new Uint8Array(100).fill(i));
    await waitFor(() => w.sink.length === N, 3000, 'server to receive the burst');
    assert.equal(norm(w.sink.slice(-1)), [Array(100).fill(N - 1)]);
    return {
      down: (w.sent.get(server.id)! - sent0) / N,
      downBytes: (tcp.bytesWritten - written0) / N,
      up: (w.received.get(server.id)! - received0) / N,
      upBytes: (tcp.bytesRead - read0) / N,
    };
  } finally {
    client.disconnect();
    await w.io.close();
  }
}

const Wire = suite<{ closers: (() => unknown)[] }>('net parser over real sockets');
Wire.before.each((ctx) => {
  ctx.closers = [];
});
Wire.after.each(async (ctx) => {
  for (const close of ctx.closers.reverse()) await close();
});

/** Opens a server and registers it (and later clients) for teardown. */
async function serve(ctx: { closers: (() => unknown)[] }, custom?: typeof parser): Promise<WireServer> {
  const w = await openServer(custom);
  ctx.closers.push(() => w.io.close());
  return w;
}
async function join(ctx: { closers: (() => unknown)[] }, url: string, transport: Transport, custom?: typeof parser): Promise<Socket> {
  const socket = await openClient(url, transport, custom);
  ctx.closers.push(() => socket.disconnect());
  return socket;
}

for (const transport of ['websocket', 'polling'] as const) {
  Wire(`binary and JSON events with acks both ways, one engine.io packet per binary emit (${transport})`, async (ctx) => {
    const w = await serve(ctx, parser);
    const client = await join(ctx, w.url, transport, parser);
    assert.is(client.io.engine.transport.name, transport);
    const server = serverSide(w, client);
    assert.equal(await ask(client, 'echo', 'json', { a: [1, 'b'] }, null), ['json', { a: [1, 'b'] }, null]);
    assert.equal(norm(await ask(client, 'echo', new Uint8Array([1, 2, 3]), 'mid', Buffer.from([4]), { k: 2 })), [[1, 2, 3], 'mid', [4], { k: 2 }]);
    client.on('ask', (bytes: Uint8Array, text: string, ack: (...a: unknown[]) => void) => ack(text, bytes.slice().reverse(), new Uint8Array(0)));
    assert.equal(norm(await ask(server, 'ask', new Uint8Array([7, 8, 9]), 'hi')), ['hi', [9, 8, 7], []]);

    const [sent0, received0] = [w.sent.get(server.id)!, w.received.get(server.id)!];
    let got: unknown[] = [];
    client.on('s', (...args: unknown[]) => (got = args));
    server.emit('s', new Uint8Array([5, 6]), { tick: 1 });
    await waitFor(() => got.length > 0, 3000, 'binary event to arrive');
    assert.equal(norm(got), [[5, 6], { tick: 1 }]);
    client.emit('s', new Uint8Array([1]));
    await waitFor(() => w.sink.length === 1, 3000, 'binary event to reach the server');
    assert.is(w.sent.get(server.id)! - sent0, 1, 'server → client: one packet');
    assert.is(w.received.get(server.id)! - received0, 1, 'client → server: one packet');
  });
}

Wire('a binary emit is one WebSocket frame instead of two, and fewer bytes', async () => {
  const ours = await measure(parser);
  const theirs = await measure();
  assert.equal([ours.down, ours.up], [1, 1], 'one frame each way with this parser');
  assert.equal([theirs.down, theirs.up], [2, 2], 'two frames each way with the default parser');
  // 's' + 100 bytes: 108-byte frame + 2-byte header down (+ 4-byte mask up), vs a 39-char
  // placeholder frame plus a 100-byte frame, each with its own header.
  assert.equal([ours.downBytes, ours.upBytes], [110, 114]);
  assert.equal([theirs.downBytes, theirs.upBytes], [143, 151]);
  console.log(`  per binary emit (100-byte payload): default ${theirs.down} frames, ${theirs.downBytes} B down / ${theirs.upBytes} B up; one-frame ${ours.down} frame, ${ours.downBytes} B down / ${ours.upBytes} B up`);
});

for (const transport of ['websocket', 'polling'] as const) {
  Wire(`a plain client with the default parser plays JSON, acks and binary uploads against this parser (${transport})`, async (ctx) => {
    const w = await serve(ctx, parser);
    const plainClient = await join(ctx, w.url, transport);
    const server = serverSide(w, plainClient);
    assert.equal(await ask(plainClient, 'echo', 'move', { x: 1, y: 2 }), ['move', { x: 1, y: 2 }]);
    plainClient.on('hello', (who: string, ack: (reply: unknown) => void) => ack({ hi: who }));
    assert.equal(await ask(server, 'hello', 'server'), [{ hi: 'server' }]);
    // Binary the default way (placeholder + attachment): the decoder reassembles it.
    const received0 = w.received.get(server.id)!;
    plainClient.emit('s', Uint8Array.from([3, 1, 4]));
    await waitFor(() => w.sink.length === 1, 3000, 'default-format binary to arrive');
    assert.equal(norm(w.sink), [[3, 1, 4]]);
    assert.is(w.received.get(server.id)! - received0, 2, 'the default parser sent two packets');
    assert.equal(await ask(plainClient, 'peek', Uint8Array.from([9, 8])), [[9, 8]]);
    // Binary from this server is a frame the default parser cannot read: that closes the plain
    // client's connection, so the game must send plain clients JSON only.
    const closed = new Promise<string>((resolve) => plainClient.once('disconnect', resolve));
    server.emit('s', new Uint8Array([1]));
    assert.is(await within(3000, closed, 'plain client to drop'), 'parse error');
  });
}

Wire('a client with this parser reads a default server\'s binary; its own binary breaks a default server', async (ctx) => {
  const w = await serve(ctx);
  const client = await join(ctx, w.url, 'websocket', parser);
  const server = serverSide(w, client);
  let got: unknown[] = [];
  client.on('s', (...args: unknown[]) => (got = args));
  server.emit('s', Buffer.from([1, 2]), { nested: Buffer.from([3]) });
  await waitFor(() => got.length > 0, 3000, 'default binary to arrive');
  assert.equal(norm(got).slice(0, 1), [[1, 2]]);
  assert.equal(await ask(client, 'echo', 'json'), ['json']);
  const closed = new Promise<string>((resolve) => client.once('disconnect', resolve));
  client.emit('s', new Uint8Array([1]));
  assert.is(await within(3000, closed, 'default server to close'), 'transport close');
  assert.match(w.errors[0]!.message, /got binary data when not reconstructing/);
});

Wire('hostile frames close only the sender\'s connection; the server lives on', async (ctx) => {
  const w = await serve(ctx, parser);
  const bad = await join(ctx, w.url, 'websocket', parser);
  const good = await join(ctx, w.url, 'polling', parser);
  const closed = new Promise<string>((resolve) => bad.once('disconnect', resolve));
  bad.io.engine.write(Uint8Array.from([FRAME_MAGIC | 2, 4, 0xff, 0xff, 0xff, 0xff, 0x0f]) as unknown as string);
  assert.is(await within(3000, closed, 'hostile client to be dropped'), 'transport close');
  assert.match(w.errors[0]!.message, /Skirmish parser: event name length \d+ exceeds/);
  assert.equal(norm(await ask(good, 'echo', new Uint8Array([1]))), [[1]]);
});

Wire.run();
