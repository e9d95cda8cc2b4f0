// The baseline: a battle server written the classic way, as small .io games are. Every `move` is
// re-broadcast at once, as JSON `player_moved`, to every player: no tick, no filtering, no binary.
// It speaks exactly the classic protocol (docs/protocol.md), so the same classic bots can load it.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { createBaselineMetrics } from './metrics';
import { countWire } from './wire';

/** Options of the baseline server; the rules default to the game's. */
export interface BaselineOptions {
  /** TCP port; 0 picks a free one. Default 5001. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Map side in units. Default 100. */
  mapSize?: number;
  speed?: number;
  health?: number;
  range?: number;
  damage?: number;
  /** Seconds between attacks. */
  cooldown?: number;
  /** Seconds from death to respawn. */
  respawnDelay?: number;
}

/** A running baseline server. */
export interface BaselineServer {
  readonly url: string;
  readonly port: number;
  readonly http: HttpServer;
  readonly io: Server;
  /** Players connected. */
  readonly players: number;
  close(): Promise<void>;
}

interface Player {
  x: number;
  y: number;
  hp: number;
  /** ms (performance.now) of the last move, to cap the step at the speed limit. */
  movedAt: number;
  readyAt: number;
  respawn?: NodeJS.Timeout;
}

/** A move covers at most this much time: a player silent for a while does not teleport. */
const MAX_STEP_S = 0.1;

/**
 * Starts the baseline server: Socket.IO with its defaults, the classic events, and `/metrics`.
 * @throws if the port cannot be bound.
 */
export async function createBaselineServer(options: BaselineOptions = {}): Promise<BaselineServer> {
  const size = options.mapSize ?? 100;
  const speed = options.speed ?? 25;
  const health = options.health ?? 100;
  const range = options.range ?? 10;
  const damage = options.damage ?? 10;
  const cooldownMs = (options.cooldown ?? 0.5) * 1000;
  const respawnMs = (options.respawnDelay ?? 3) * 1000;
  const players = new Map<string, Player>();

  const http = createHttpServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (!req.url?.startsWith('/socket.io/')) {
      res.writeHead(404).end('not found\n');
    }
  });
  const registry = createBaselineMetrics(countWire(http), () => players.size);
  const io = new Server(http);
  const position = (p: Player) => ({ x: p.x, y: p.y, hp: p.hp });
  const clamp = (v: number): number => Math.min(size, Math.max(0, v));

  io.on('connection', (socket) => {
    const me: Player = { x: Math.random() * size, y: Math.random() * size, hp: health, movedAt: performance.now(), readyAt: 0 };
    players.set(socket.id, me);
    for (const [id, p] of players) socket.emit('new_player', { id, position: position(p) });
    socket.broadcast.emit('new_player', { id: socket.id, position: position(me) });

    socket.on('move', (target: unknown) => {
      const t = target as { x?: unknown; y?: unknown } | null;
      if (typeof t?.x !== 'number' || typeof t.y !== 'number' || !Number.isFinite(t.x) || !Number.isFinite(t.y)) return;
      if (me.hp <= 0) return;
      const now = performance.now();
      const most = speed * Math.min(MAX_STEP_S, (now - me.movedAt) / 1000);
      me.movedAt = now;
      const dx = t.x - me.x;
      const dy = t.y - me.y;
      const dist = Math.hypot(dx, dy);
      const f = dist > most ? most / dist : 1;
      me.x = clamp(me.x + dx * f);
      me.y = clamp(me.y + dy * f);
      io.emit('player_moved', { id: socket.id, position: position(me) });
    });

    socket.on('attack', () => {
      const now = performance.now();
      if (me.hp <= 0 || now < me.readyAt) return;
      me.readyAt = now + cooldownMs;
      for (const [id, p] of players) {
        if (p === me || p.hp <= 0 || Math.hypot(p.x - me.x, p.y - me.y) > range) continue;
        p.hp = Math.max(0, p.hp - damage);
        io.emit('player_attacked', { id, hp: p.hp });
        if (p.hp > 0) continue;
        io.emit('player_killed', { id });
        p.respawn = setTimeout(() => {
          p.respawn = undefined;
          p.hp = health;
          p.x = Math.random() * size;
          p.y = Math.random() * size;
          io.emit('player_moved', { id, position: position(p) });
        }, respawnMs);
      }
    });

    socket.on('disconnect', () => {
      clearTimeout(me.respawn);
      players.delete(socket.id);
      io.emit('player_left', { id: socket.id });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 5001, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    port,
    http,
    io,
    get players() {
      return players.size;
    },
    async close() {
      for (const p of players.values()) clearTimeout(p.respawn);
      io.disconnectSockets(true);
      registry.clear();
      // Do not wait on clients that are slow to hang up (a drowning server has thousands of writes queued).
      http.closeAllConnections();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
