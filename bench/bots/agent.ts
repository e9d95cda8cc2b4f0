import { Agent, type AgentOptions } from 'node:http';
import type { Socket } from 'node:net';

/** Bytes read and written on TCP sockets. */
export interface WireBytes {
  read: number;
  written: number;
}

/**
 * An http.Agent that remembers every TCP socket it opens, so the bytes a client moves can be
 * counted as the wire carries them: HTTP, WebSocket and Engine.IO framing included. Socket.IO's
 * Node client takes it as `agent` for both the websocket and the polling transport.
 */
export class CountingAgent extends Agent {
  private readonly open = new Set<Socket>();
  private closed: WireBytes = { read: 0, written: 0 };

  constructor(options: AgentOptions = { keepAlive: true }) {
    super(options);
  }

  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args) as Socket;
    this.open.add(socket);
    socket.once('close', () => {
      this.open.delete(socket);
      this.closed.read += socket.bytesRead;
      this.closed.written += socket.bytesWritten;
    });
    return socket;
  }

  /** Bytes moved so far on every socket this agent ever opened. */
  bytes(): WireBytes {
    let { read, written } = this.closed;
    for (const s of this.open) {
      read += s.bytesRead;
      written += s.bytesWritten;
    }
    return { read, written };
  }
}
