// The far end of the write-path bench (bench/suite/writes.ts), in its own process: `count` bare
// Engine.IO/Socket.IO WebSocket clients that connect, answer pings and count what they read.
// As light as a client can be, so the server's cost per write is what the bench sees.
import WebSocket from 'ws';

const [url, countText] = process.argv.slice(2);
const count = Number(countText);
let open = 0;
let frames = 0;
const sockets: WebSocket[] = [];
for (let i = 0; i < count; i++) {
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
  sockets.push(ws);
}
const report = setInterval(() => process.send?.({ open, frames }), 250);
process.on('message', () => {
  clearInterval(report);
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
