// Fuzz of the Socket.IO parser (net/wire/parser.ts), bounded and seeded (FUZZ_SEED to vary it):
// random and mutated messages of every format decode to valid packets or throw, never hang, and
// leave the decoder usable. A failure message names the seed and the case, so it replays.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Encoder as DefaultEncoder, isPacketValid, PacketType, type Packet } from 'socket.io-parser';
import { createRng, type Rng } from '../../engine';
import { Decoder, Encoder, ParserError } from '../../net/wire/parser';
import { CaseCount, chance, FUZZ_SEED, hex, mutateBytes, mutateText, pick, randomBytes, randomValue, size, type ValueOptions } from './fuzzing';

const cases = new CaseCount('parser fuzz');
const FuzzParser = suite('fuzz: parser');

/** A random packet of any type, with random JSON (and, if `withBinary`, top-level binary) data. */
function randomPacket(rng: Rng, withBinary: boolean): Packet {
  const options: ValueOptions = { maxBinary: 0, maxDepth: 3, json: true };
  const nsp = pick(rng, ['/', '/', '/admin', '/ü']);
  const json = (): unknown => randomValue(rng, options);
  const data: unknown[] = [];
  for (let i = size(rng, 5); i > 0; i--) data.push(withBinary && chance(rng, 0.4) ? randomBytes(rng, size(rng, 40)) : json());
  switch (withBinary ? pick(rng, [PacketType.EVENT, PacketType.ACK]) : rng.int(5)) {
    case PacketType.CONNECT:
      return { type: PacketType.CONNECT, nsp, data: chance(rng, 0.5) ? { skirmish: 1, token: 'abc' } : undefined };
    case PacketType.DISCONNECT:
      return { type: PacketType.DISCONNECT, nsp };
    case PacketType.EVENT: {
      if (withBinary && !data.some((d) => d instanceof Uint8Array)) data.push(randomBytes(rng, 3));
      const packet: Packet = { type: PacketType.EVENT, nsp, data: [pick(rng, ['i', 'move', 'x', 7]), ...data] };
      if (chance(rng, 0.3)) packet.id = rng.int(1e6);
      return packet;
    }
    case PacketType.ACK:
      if (withBinary && !data.some((d) => d instanceof Uint8Array)) data.push(randomBytes(rng, 3));
      return { type: PacketType.ACK, nsp, data, id: rng.int(1e6) };
    default:
      return { type: PacketType.CONNECT_ERROR, nsp, data: chance(rng, 0.5) ? 'refused' : { message: 'no' } };
  }
}

/**
 * What Socket.IO's server can rely on in a decoded packet: a known type, a namespace, and data, when
 * present, that passes socket.io-parser's own gate (`isPacketValid`: EVENT data is an array whose
 * first item is a non-reserved name, and so on). socket.io-parser's text format also lets a packet
 * carry no payload ('2', '3/ns') or a NaN ack id ('010 1'); the server copes with both (an EVENT
 * without data is refused as an unknown event, an unknown ack id is ignored).
 */
function packetOk(p: Packet): boolean {
  if (!Number.isInteger(p.type) || p.type < 0 || p.type > 4 || typeof p.nsp !== 'string' || !p.nsp.startsWith('/')) return false;
  if (p.id !== undefined && typeof p.id !== 'number') return false;
  return p.data === undefined || isPacketValid({ ...p, id: undefined });
}

FuzzParser('socket.io parser: random and mutated frames (text, one-frame binary, placeholders) decode to valid packets or throw, leaving the decoder usable', () => {
  const rng = createRng(FUZZ_SEED + 2);
  const decoder = new Decoder();
  const decoded: Packet[] = [];
  decoder.on('decoded', (p: Packet) => decoded.push(p));
  const good = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['ok', new Uint8Array([1])] })[0]!;
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 40_000; i++) {
    const roll = rng.int(10);
    let messages: unknown[];
    if (roll < 3) {
      const text = new DefaultEncoder().encode(randomPacket(rng, false))[0] as string;
      messages = [chance(rng, 0.8) ? mutateText(rng, text) : text];
    } else if (roll < 6) {
      const frame = new Encoder().encode(randomPacket(rng, true))[0] as Uint8Array;
      messages = [chance(rng, 0.8) ? mutateBytes(rng, frame, [{ at: 1, bytes: 1 }, { at: 2, bytes: 1 }, { at: 3, bytes: 1 }]) : frame];
    } else if (roll < 8) {
      // Default format: a placeholder text, then its attachments (maybe too few, too many, mutated).
      const parts = new DefaultEncoder().encode(randomPacket(rng, true)) as unknown[];
      const head = chance(rng, 0.5) ? mutateText(rng, parts[0] as string) : (parts[0] as string);
      messages = [head, ...parts.slice(1, 1 + rng.int(parts.length + 1))];
      if (chance(rng, 0.2)) messages.push(randomBytes(rng, size(rng, 32)));
    } else if (roll === 8) {
      messages = [chance(rng, 0.5) ? Uint8Array.of(0xb0 | rng.int(16), ...randomBytes(rng, size(rng, 64))) : randomBytes(rng, size(rng, 64))];
    } else {
      // Deep nesting up to what a 16 KiB message holds, placeholders too; JSON junk of every packet
      // type; things that are not messages at all.
      const depth = 1 + rng.int(8000);
      messages = [pick(rng, [
        '2["x",' + '['.repeat(depth) + ']'.repeat(depth) + ']', `2["x",${'{"x":'.repeat(depth >> 2)}1${'}'.repeat(depth >> 2)}]`,
        `51-["x",${'['.repeat(depth)}{"_placeholder":true,"num":0}${']'.repeat(depth)}]`,
        String(rng.int(10)) + JSON.stringify(randomValue(rng, { maxBinary: 0, maxDepth: 3, json: true }) ?? null), 42, { a: 1 }, [1],
      ])];
      const first = messages[0];
      if (typeof first === 'string' && first.startsWith('51-')) messages.push(randomBytes(rng, 4));
    }
    decoded.length = 0;
    const started = performance.now();
    let threw: unknown;
    for (const m of messages) {
      try {
        decoder.add(m);
      } catch (error) {
        threw = error;
        break;
      }
    }
    const took = performance.now() - started;
    const what = (): string => `parser case ${i} (seed ${FUZZ_SEED}): ${messages.map((m) => (m instanceof Uint8Array ? hex(m) : JSON.stringify(m)?.slice(0, 200))).join(' + ')}`;
    // Generous: a GC pause is not a hang, and the decoder is stateful so a case cannot be re-timed.
    if (took > 500) assert.unreachable(`${what()}: took ${took.toFixed(1)} ms`);
    for (const p of decoded) if (!packetOk(p)) assert.unreachable(`${what()}: decoded an invalid packet ${JSON.stringify(p)}`);
    if (threw === undefined) {
      accepted++;
      continue;
    }
    refused++;
    // One-frame binary is refused with ParserError; text and attachments by socket.io-parser's plain Error.
    const kind = (threw as Error)?.constructor;
    if (!(threw instanceof ParserError) && kind !== Error) assert.unreachable(`${what()}: threw ${String(threw)} (${kind?.name})`);
    // After a refusal the decoder is clean: the next packet decodes.
    decoded.length = 0;
    decoder.add(good);
    if (decoded.length !== 1) assert.unreachable(`${what()}: decoder not usable after a refusal`);
  }
  decoder.destroy();
  cases.add('parser', accepted + refused);
  assert.ok(refused > 10_000 && accepted > 5_000, `both outcomes exercised: ${accepted} accepted, ${refused} refused`);
});

FuzzParser('at least 40,000 cases', () => {
  const total = cases.total();
  assert.ok(total >= 40_000, `${total} cases`);
});

// Found by this fuzz, fixed (net/wire/parser.ts Decoder.add, default-format attachments): a placeholder
// nested a few thousand levels deep (~12 KB, under maxHttpBufferSize) made socket.io-parser's
// recursive reconstructPacket overflow the stack, and the Decoder rethrew that RangeError instead of
// a ParserError. Over a socket the connection was closed (Socket.IO catches decoder errors), so not
// a crash; but it broke the Decoder's error contract.
FuzzParser('socket.io parser: a deeply nested placeholder is refused with ParserError, not a stack overflow', () => {
  for (const depth of [1000, 3000, 5000, 6000, 7000, 8000]) {
    const decoder = new Decoder();
    decoder.on('decoded', () => {});
    try {
      decoder.add(`51-["x",${'['.repeat(depth)}{"_placeholder":true,"num":0}${']'.repeat(depth)}]`);
      decoder.add(new Uint8Array(4));
    } catch (error) {
      assert.instance(error, ParserError, `depth ${depth}: ${String(error)}`);
    }
  }
});

// Not reachable from the network (engine.io hands the decoder only strings and binary), but the
// Decoder's contract: while a default-format packet awaits attachments, a non-binary value is
// handed to socket.io-parser, which reads `obj.base64` and throws TypeError on null/undefined.
// net/wire/parser.ts Decoder.add, the `this.awaiting > 0` branch (fixed).
FuzzParser('socket.io parser: null while awaiting an attachment is refused with ParserError', () => {
  const decoder = new Decoder();
  decoder.add('51-["x",{"_placeholder":true,"num":0}]');
  try {
    decoder.add(null);
    assert.unreachable('accepted null as an attachment');
  } catch (error) {
    assert.instance(error, ParserError, String(error));
  }
});

FuzzParser.run();
