// The outbox's write modes against a real Socket.IO server (our parser) and real socket.io-client
// connections: state messages and ordinary events reach the client in the order they were sent,
// over WebSocket, over long-polling and across the polling → WebSocket upgrade; `frame` writes
// idle WebSocket connections straight to TCP (no Engine.IO packet for them).
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { binaryFrame, createOutbox, type GameSocket, type WriteMode } from '../../net/server';
import { decodeState, parser, StateEncoder } from '../../net/wire';
import { waitFor } from '../helpers';

const Outbox = suite<{ http: HttpServer; io: Server; url: string; clients: Socket[] }>('outbox');
Outbox.before.each(async (ctx) => {
  ctx.http = createServer();
  ctx.io = new Server(ctx.http, { parser, serveClient: false });
  ctx.clients = [];
  await new Promise<void>((r) => ctx.http.listen(0, '127.0.0.1', r));
  ctx.url = `http://127.0.0.1:${(ctx.http.address() as AddressInfo).port}`;
});
Outbox.after.each(async (ctx) => {
  for (const c of ctx.clients) c.close();
  await new Promise((r) => ctx.io.close(r));
  ctx.http.closeAllConnections();
});

Outbox('binaryFrame: FIN + binary opcode, 7-, 16- and 64-bit lengths, payload after', () => {
  for (const [n, head] of [[0, 2], [125, 2], [126, 4], [65_535, 4], [65_536, 10]] as const) {
    const payload = new Uint8Array(n).fill(7);
    const f = binaryFrame(payload);
    assert.is(f.length, head + n);
    assert.is(f[0], 0x82);
    const len = head === 2 ? f[1] : head === 4 ? f.readUInt16BE(2) : f.readUInt32BE(2) * 2 ** 32 + f.readUInt32BE(6);
    assert.is(head === 2 ? len : f[1], head === 2 ? n : head === 4 ? 126 : 127);
    if (head !== 2) assert.is(len, n);
    assert.ok(f.subarray(head).every((b) => b === 7));
  }
});

/**
 * Sends 120 messages to one client, alternating a state message (tick i) with a plain event
 * (`n`, i), and returns what the client received, in order, and how many state messages went
 * through Engine.IO's packet path.
 */
async function exchange(ctx: { io: Server; url: string; clients: Socket[] }, mode: WriteMode, transports: string[], gapMs = 0): Promise<{ got: string[]; enginePackets: number; transport: string }> {
  const server = new Promise<GameSocket>((r) => ctx.io.once('connection', (s) => r(s as unknown as GameSocket)));
  const client = connect(ctx.url, { parser, transports, reconnection: false });
  ctx.clients.push(client);
  const got: string[] = [];
  let prev = { tick: 0, ack: 0 };
  client.on('s', (bytes: Uint8Array) => {
    const m = decodeState(bytes, prev);
    prev = { tick: m.tick, ack: m.ack };
    got.push(`s${m.tick}`);
  });
  client.on('n', (i: number) => got.push(`n${i}`));
  const socket = await server;
  let enginePackets = 0;
  socket.conn.on('packetCreate', (p: { data?: unknown }) => {
    if (p.data instanceof Uint8Array) enginePackets++;
  });
  const outbox = createOutbox(mode);
  const encoder = new StateEncoder();
  let sent = { tick: 0, ack: 0 };
  for (let i = 1; i <= 60; i++) {
    encoder.begin(false, i, 0, sent);
    outbox.add(socket, encoder.finish([], [], []));
    sent = { tick: i, ack: 0 };
    outbox.send();
    (socket as unknown as { emit(event: string, i: number): void }).emit('n', i);
    // Spread over the upgrade (Socket.IO upgrades polling to WebSocket within a few round trips).
    if (gapMs > 0 || i % 10 === 0) await new Promise((r) => setTimeout(r, Math.max(gapMs, 30 * Number(i % 10 === 0))));
  }
  await waitFor(() => got.length === 120, 5000, `120 messages, got ${got.length}`);
  return { got, enginePackets, transport: client.io.engine.transport.name };
}

const expected = Array.from({ length: 60 }, (_, i) => [`s${i + 1}`, `n${i + 1}`]).flat();

for (const mode of ['frame', 'engineio', 'cork'] as const) {
  Outbox(`${mode}: in order over WebSocket, long-polling, and across the upgrade`, async (ctx) => {
    // Back to back with events: Engine.IO still holds an event when the next message comes, so
    // that message waits behind it (the fallback) and order holds.
    const ws = await exchange(ctx, mode, ['websocket']);
    assert.equal(ws.got, expected);
    // A tick apart, as the server sends: straight to TCP, no state message becomes an Engine.IO packet.
    const ticks = await exchange(ctx, mode, ['websocket'], 15);
    assert.equal(ticks.got, expected);
    assert.is(ticks.enginePackets, mode === 'frame' ? 0 : 60);
    const polling = await exchange(ctx, mode, ['polling']);
    assert.is(polling.transport, 'polling');
    assert.equal(polling.got, expected);
    assert.is(polling.enginePackets, 60);
    const upgrading = await exchange(ctx, mode, ['polling', 'websocket']);
    assert.equal(upgrading.got, expected);
  });
}

Outbox.run();
