// How a tick's state messages reach their sockets, measured alone (`npm run bench -- --only-writes`):
// a real Socket.IO server (our parser, in this process) hands one ~60-byte binary message per
// tick at 30 Hz to each of N bare WebSocket clients in another process, through each outbox
// `WriteMode` in turn (interleaved, twice). The figure is this process's CPU time (user + system:
// on loopback the system part runs the receiver's TCP path too) per message, which competing
// load on the machine disturbs far less than latencies; and the p99 of one tick's writes.
//
// Last comes the floor, `tcp`: the same frames, header and all, written with one plain
// `socket.write` each to N plain TCP clients (no WebSocket, Engine.IO or Socket.IO on either
// end). No write path over TCP on this machine can cost less, so a target below it is a target
// for the machine, not for the code. `tcp+inputs` adds what the bench's bots send: each client
// writes an input-sized frame 6 times a second (a wanderer sending as the browser does), which
// the server reads and drops, so its CPU is the floor of a server that only relays bytes at the
// real scenario's rates.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket as NetSocket } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { binaryFrame, createOutbox, type GameSocket, type WriteMode } from '../../net/server';
import { parser } from '../../net/wire';
import { ROOT } from './paths';

/** One mode at one connection count. */
export interface WriteFigure {
  /** An outbox write mode, or `tcp`: plain TCP writes of the same frames, the floor (`tcp+inputs`: reading the bots' 6 inputs/s per client too). */
  mode: WriteMode | 'tcp' | 'tcp+inputs';
  clients: number;
  /** Server CPU (user + system) per message, µs; the better of two windows. */
  cpuUsPerMessage: number;
  /** The same as % of one core at 30 messages per client per second. */
  cpuPct: number;
  /** p99 of one tick's writes (`Outbox.send`), ms. */
  sendP99Ms: number;
  /** Messages the clients read per message sent in the window (about 1 when none was lost or late). */
  delivered: number;
  /** 1-minute load average when the window started. */
  load: number;
}

const MODES: readonly WriteMode[] = ['engineio', 'cork', 'frame'];
/** Bytes of the message each client gets a tick (before its 2-byte WebSocket frame header). */
const MESSAGE_BYTES = 60;
const TICK_MS = 1000 / 30;
/** What the bench's wander bots send, inputs per second per client (~110 B/s up, 18 B each). */
const BOT_INPUTS_PER_S = 6;
const CLIENTS = fileURLToPath(new URL('./writes-clients.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Client counts of the far end, updated by its process. */
interface Seen {
  open: number;
  frames: number;
}

/**
 * Times `tick` (one tick's writes, `messages` of them) at 30 Hz for `windowS` seconds: this
 * process's CPU per message and the p99 of one tick's writes.
 */
async function measure(mode: WriteFigure['mode'], messages: number, tick: () => () => void, seen: () => Seen, windowS: number): Promise<WriteFigure> {
  const times: number[] = [];
  let sent = 0;
  const framesAt = seen().frames;
  const load = loadavg()[0]!;
  const cpuAt = process.cpuUsage();
  const startedAt = performance.now();
  while (performance.now() - startedAt < windowS * 1000) {
    const tickAt = performance.now();
    const send = tick();
    const t0 = performance.now();
    send();
    times.push(performance.now() - t0);
    sent += messages;
    await sleep(Math.max(0, TICK_MS - (performance.now() - tickAt)));
  }
  const cpu = process.cpuUsage(cpuAt);
  await sleep(300); // let the last frames arrive before counting them
  times.sort((a, b) => a - b);
  const us = (cpu.user + cpu.system) / sent;
  return {
    mode, clients: messages, cpuUsPerMessage: us, cpuPct: (us * messages * 30) / 1e4,
    sendP99Ms: times[Math.floor(times.length * 0.99)] ?? 0, delivered: (seen().frames - framesAt) / sent, load,
  };
}

// A delta-looking message of typical size, its own buffer per client as replication makes.
function message(i: number): Uint8Array {
  const bytes = new Uint8Array(MESSAGE_BYTES);
  bytes[0] = 0x10; // a delta state message's kind byte
  bytes[1] = i & 0x7f;
  return bytes;
}

function keepBest(best: Map<WriteFigure['mode'], WriteFigure>, figure: WriteFigure, round: number, log: (line: string) => void): void {
  log(`  writes: ${figure.clients} clients, ${figure.mode}, round ${round + 1}: ${figure.cpuUsPerMessage.toFixed(1)} µs/message, send p99 ${figure.sendP99Ms.toFixed(2)} ms, load ${figure.load.toFixed(1)}`);
  const prev = best.get(figure.mode);
  if (prev === undefined || figure.cpuUsPerMessage < prev.cpuUsPerMessage) best.set(figure.mode, figure);
}

/** Forks the far end (writes-clients.ts) with `args`; `seen()` is its latest count. */
function startClients(args: readonly string[]): { seen: () => Seen; stop: () => void } {
  const child = fork(CLIENTS, [...args], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seen: Seen = { open: 0, frames: 0 };
  child.on('message', (m: Seen) => void (seen = m));
  return { seen: () => seen, stop: () => void child.send('stop') };
}

async function waitFor(what: () => boolean): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!what() && performance.now() < deadline) await sleep(100);
}

/** Each outbox mode, interleaved, twice, against `n` Engine.IO clients. */
async function benchModes(n: number, windowS: number, log: (line: string) => void): Promise<WriteFigure[]> {
  const http = createServer();
  const io = new Server(http, { parser, serveClient: false, pingInterval: 5000, pingTimeout: 4000 });
  const sockets: GameSocket[] = [];
  io.on('connection', (s) => void sockets.push(s as unknown as GameSocket));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients = startClients([url, String(n), 'engineio']);
  await waitFor(() => sockets.length >= n);
  log(`  writes: ${sockets.length}/${n} clients connected`);
  const best = new Map<WriteFigure['mode'], WriteFigure>();
  for (let round = 0; round < 2; round++) {
    for (const mode of MODES) {
      const outbox = createOutbox(mode);
      const tick = (): (() => void) => {
        for (let i = 0; i < sockets.length; i++) outbox.add(sockets[i]!, message(i));
        return () => outbox.send();
      };
      keepBest(best, await measure(mode, sockets.length, tick, clients.seen, windowS), round, log);
    }
  }
  clients.stop();
  io.close();
  http.closeAllConnections();
  await sleep(200);
  return MODES.map((m) => best.get(m)!);
}

/** The floor: the same frames as plain TCP writes to `n` plain TCP clients (sending inputs too, or not), twice. */
async function benchTcpFloor(n: number, withInputs: boolean, windowS: number, log: (line: string) => void): Promise<WriteFigure> {
  const mode = withInputs ? 'tcp+inputs' : 'tcp';
  const sockets: NetSocket[] = [];
  let inputBytes = 0;
  const server = createTcpServer((socket) => {
    socket.setNoDelay(true); // as Engine.IO's WebSocket sockets are
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => void (inputBytes += chunk.length));
    sockets.push(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const clients = startClients([`tcp://127.0.0.1:${port}`, String(n), 'tcp', String(withInputs ? BOT_INPUTS_PER_S : 0)]);
  await waitFor(() => sockets.length >= n);
  log(`  writes: ${sockets.length}/${n} plain TCP clients connected${withInputs ? `, each sending ${BOT_INPUTS_PER_S} inputs/s` : ''}`);
  const best = new Map<WriteFigure['mode'], WriteFigure>();
  for (let round = 0; round < 2; round++) {
    const tick = (): (() => void) => {
      // Built before the timed writes, as the outbox builds its frames in `add`.
      const frames = sockets.map((_, i) => binaryFrame(message(i)));
      return () => {
        for (let i = 0; i < sockets.length; i++) sockets[i]!.write(frames[i]!);
      };
    };
    keepBest(best, await measure(mode, sockets.length, tick, clients.seen, windowS), round, log);
  }
  if (withInputs && inputBytes === 0) throw new Error('the floor clients sent no inputs');
  clients.stop();
  for (const socket of sockets) socket.destroy();
  server.close();
  await sleep(200);
  return best.get(mode)!;
}

/** Runs the write-path bench at each client count, `windowS` seconds per mode and round. */
export async function benchWrites(counts: readonly number[], windowS: number, log: (line: string) => void): Promise<WriteFigure[]> {
  const out: WriteFigure[] = [];
  for (const n of counts) {
    out.push(...(await benchModes(n, windowS, log)));
    out.push(await benchTcpFloor(n, false, windowS, log));
    out.push(await benchTcpFloor(n, true, windowS, log));
  }
  return out;
}
