// The far end of the write-path bench (bench/suite/writes.ts), in its own process: `count`
// clients that connect and count the binary frames they read. `engine`: bare Engine.IO/Socket.IO
// WebSocket clients that answer pings; `tcp`: plain TCP sockets reading the same frames (the
// floor's far end). As light as a client can be, so the server's cost per write is what the
// bench sees.
import { connect, type Socket as NetSocket } from 'node:net';
import WebSocket from 'ws';

const [url, countText, kind = 'engine'] = process.argv.slice(2);
const count = Number(countText);
// Every frame of the bench is the same size: its 2-byte WebSocket header and 60 bytes.
const FRAME_BYTES = 62;
let open = 0;
let frames = 0;
const closers: (() => void)[] = [];

function engineClient(): void {
  const ws = new WebSocket(`${url!.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  ws.on('message', (data, binary) => {
    if (binary) {
      frames++;
      return;
    }
    const text = data.toString();
    if (text.startsWith('0')) ws.send('40'); // Engine.IO open: join the main namespace
    else if (text.startsWith('40')) open++;
    else if (text === '2') ws.send('3');
  });
  ws.on('error', () => undefined);
  closers.push(() => ws.terminate());
}

function tcpClient(): void {
  const { hostname, port } = new URL(url!);
  const socket: NetSocket = connect(Number(port), hostname, () => void open++);
  let bytes = 0;
  socket.on('data', (chunk) => {
    bytes += chunk.length;
    frames += Math.floor(bytes / FRAME_BYTES);
    bytes %= FRAME_BYTES;
  });
  socket.on('error', () => undefined);
  closers.push(() => socket.destroy());
}

for (let i = 0; i < count; i++) (kind === 'tcp' ? tcpClient : engineClient)();
const report = setInterval(() => process.send?.({ open, frames }), 250);
process.on('message', () => {
  clearInterval(report);
  for (const close of closers) close();
  process.exit(0);
});
