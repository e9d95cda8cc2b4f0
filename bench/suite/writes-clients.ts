// The far end of the write-path bench (bench/suite/writes.ts), in its own process: `count`
// clients that connect and count the binary frames they read. `engineio`: bare Engine.IO/Socket.IO
// WebSocket clients that answer pings; `tcp`: plain TCP sockets reading the same frames (the
// floor's far end), each also sending `inputsPerS` input-sized writes a second when given. As
// light as a client can be, so the server's cost per write is what the bench sees.
import { connect, type Socket as NetSocket } from 'node:net';
import WebSocket from 'ws';

const [url, countText, kind = 'engineio', inputsPerSText = '0'] = process.argv.slice(2);
const count = Number(countText);
const inputsPerS = Number(inputsPerSText);
// A bare input message as a browser sends it: a masked WebSocket frame of 12 bytes (2 + 4 + 12).
const INPUT_FRAME = new Uint8Array(18).fill(7);
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
  if (inputsPerS > 0) {
    // Spread over the second, as players' inputs are.
    const timer = setInterval(() => socket.writable && socket.write(INPUT_FRAME), 1000 / inputsPerS);
    closers.push(() => clearInterval(timer));
  }
}

for (let i = 0; i < count; i++) (kind === 'tcp' ? tcpClient : engineClient)();
const report = setInterval(() => process.send?.({ open, frames }), 250);
process.on('message', () => {
  clearInterval(report);
  for (const close of closers) close();
  process.exit(0);
});
