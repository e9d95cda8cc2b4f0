import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/** Running totals of bytes on an HTTP server's TCP sockets. */
export interface WireCounter {
  sent(): number;
  received(): number;
}

/**
 * Counts the bytes an HTTP server writes and reads on its TCP sockets (every request, WebSocket
 * and long-polling framing included), open and closed connections alike.
 */
export function countWire(http: HttpServer): WireCounter {
  const open = new Set<Socket>();
  let closedSent = 0;
  let closedReceived = 0;
  http.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      closedSent += socket.bytesWritten;
      closedReceived += socket.bytesRead;
    });
  });
  return {
    sent() {
      let total = closedSent;
      for (const s of open) total += s.bytesWritten;
      return total;
    },
    received() {
      let total = closedReceived;
      for (const s of open) total += s.bytesRead;
      return total;
    },
  };
}
