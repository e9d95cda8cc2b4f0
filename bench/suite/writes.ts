// How a tick's state messages reach their sockets, measured alone (`npm run bench -- --only-writes`):
// a real Socket.IO server (our parser, in this process) hands one ~60-byte binary message per
// tick at 30 Hz to each of N bare WebSocket clients in another process, through each outbox
// `WriteMode` in turn (interleaved, twice). The figure is this process's CPU time (user + system:
// on loopback the system part runs the receiver's TCP path too) per message, which competing
// load on the machine disturbs far less than latencies; and the p99 of one tick's writes.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { createOutbox, type GameSocket, type WriteMode } from '../../net/server';
import { parser } from '../../net/wire';
import { ROOT } from './paths';

/** One mode at one connection count. */
export interface WriteFigure {
  mode: WriteMode;
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

const MODES: readonly WriteMode[] = ['engine', 'cork', 'frame'];
const TICK_MS = 1000 / 30;
const CLIENTS = fileURLToPath(new URL('./writes-clients.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the write-path bench at each client count, `windowS` seconds per mode and round. */
export async function benchWrites(counts: readonly number[], windowS: number, log: (line: string) => void): Promise<WriteFigure[]> {
  const out: WriteFigure[] = [];
  for (const n of counts) {
    const http = createServer();
    const io = new Server(http, { parser, serveClient: false, pingInterval: 5000, pingTimeout: 4000 });
    const sockets: GameSocket[] = [];
    io.on('connection', (s) => void sockets.push(s as unknown as GameSocket));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const child = fork(CLIENTS, [url, String(n)], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let seen = { open: 0, frames: 0 };
    child.on('message', (m: typeof seen) => void (seen = m));
    const deadline = performance.now() + 60_000;
    while (sockets.length < n && performance.now() < deadline) await sleep(100);
    log(`  writes: ${sockets.length}/${n} clients connected`);
    const best = new Map<WriteMode, WriteFigure>();
    for (let round = 0; round < 2; round++) {
      for (const mode of MODES) {
        const outbox = createOutbox(mode);
        const times: number[] = [];
        let messages = 0;
        const framesAt = seen.frames;
        const load = loadavg()[0]!;
        const cpuAt = process.cpuUsage();
        const startedAt = performance.now();
        while (performance.now() - startedAt < windowS * 1000) {
          const tickAt = performance.now();
          for (let i = 0; i < sockets.length; i++) {
            // A delta-looking message of typical size, its own buffer per client as replication makes.
            const bytes = new Uint8Array(60);
            bytes[0] = 1;
            bytes[1] = i & 0x7f;
            outbox.add(sockets[i]!, bytes);
          }
          const t0 = performance.now();
          outbox.send();
          times.push(performance.now() - t0);
          messages += sockets.length;
          await sleep(Math.max(0, TICK_MS - (performance.now() - tickAt)));
        }
        const cpu = process.cpuUsage(cpuAt);
        await sleep(300); // let the last frames arrive before counting them
        times.sort((a, b) => a - b);
        const us = (cpu.user + cpu.system) / messages;
        const figure: WriteFigure = {
          mode, clients: sockets.length, cpuUsPerMessage: us, cpuPct: (us * sockets.length * 30) / 1e4,
          sendP99Ms: times[Math.floor(times.length * 0.99)] ?? 0, delivered: (seen.frames - framesAt) / messages, load,
        };
        log(`  writes: ${n} clients, ${mode}, round ${round + 1}: ${us.toFixed(1)} µs/message, send p99 ${figure.sendP99Ms.toFixed(2)} ms, load ${load.toFixed(1)}`);
        const prev = best.get(mode);
        if (prev === undefined || figure.cpuUsPerMessage < prev.cpuUsPerMessage) best.set(mode, figure);
      }
    }
    out.push(...MODES.map((m) => best.get(m)!));
    child.send('stop');
    io.close();
    http.closeAllConnections();
    await new Promise((r) => setTimeout(r, 200));
  }
  return out;
}
