// Real servers on 127.0.0.1:0 and real socket.io-client clients, closed after each test.
import { io as connect, type Socket } from 'socket.io-client';
import { createClient, createLogger, createServer, type GameClient, type GameServer, type ServerOptions } from '../../net';
import { getStore, Position } from '../../engine';
import { waitFor, within } from '../helpers';
import { rules } from '../rules';
/** The rules every harness server plays by (tests/rules.ts). */
export { rules };

/** Everything a test opened, so teardown can close it all. */
export class Harness {
  /** The server `start` created. */
  server!: GameServer;
  private clients: GameClient[] = [];
  private sockets: Socket[] = [];

  /** Starts a quiet server on a free loopback port (seed 42, no logs); `options` override. */
  async start(options: Partial<ServerOptions> = {}): Promise<GameServer> {
    this.server = await createServer({
      rules, port: 0, host: '127.0.0.1', seed: 42, logger: createLogger('silent'), ...options,
    });
    return this.server;
  }

  /** A delta client, resolved once its own player is in its mirror world. */
  async engine(options: Partial<Parameters<typeof createClient>[0]> = {}): Promise<GameClient> {
    const client = createClient({ url: this.server.url, ...options });
    this.clients.push(client);
    await waitFor(() => client.localEntity !== undefined, 5000, 'delta client to receive its own player');
    return client;
  }

  /** A plain Socket.IO client speaking only the classic events. */
  async classic(options: Parameters<typeof connect>[1] = {}): Promise<Socket> {
    const socket = connect(this.server.url, { transports: ['websocket'], reconnection: false, ...options });
    this.sockets.push(socket);
    await within(5000, new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    }), 'classic client to connect');
    return socket;
  }

  /** Server-side entity of a player, by its public id (first Socket.IO id, `welcome.sid`). */
  eidOf(sid: string): number {
    const session = [...this.server.match.sessions.byToken.values()].find((s) => s.publicId === sid);
    if (!session) throw new Error(`no session ${sid}`);
    return session.eid;
  }

  /** Puts a player somewhere (tests arrange positions; clients never can). */
  place(sid: string, x: number, y: number): void {
    const pos = getStore(this.server.match.world, Position);
    const eid = this.eidOf(sid);
    pos.x[eid] = x;
    pos.y[eid] = y;
  }

  /** Closes every client, then the server. */
  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    for (const s of this.sockets) s.disconnect();
    this.clients = [];
    this.sockets = [];
    await this.server?.close();
  }
}

/** Resolves with the next `event` payload on `socket` that satisfies `match`. */
export function next<T>(socket: Socket, event: string, match: (payload: T) => boolean = () => true, ms = 3000): Promise<T> {
  return within(ms, new Promise<T>((resolve) => {
    const handler = (payload: T) => {
      if (!match(payload)) return;
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  }), `event ${event}`);
}
