// Prometheus metrics at /metrics: what an operator watches (players, tick time, bytes, refusals).
import type { Server as HttpServer } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Match, MatchStats } from './match';

const RING = 300;

/** The server's Prometheus metrics and the hooks that feed them. */
export interface ServerMetrics {
  /** The prom-client registry holding every metric (its content type is served with the text). */
  readonly registry: Registry;
  /**
   * Records one tick, in seconds: simulating and building every client's message, then writing
   * them to the sockets.
   */
  observeTick(simulateSeconds: number, writeSeconds: number, type?: string): void;
  /** Keeps the counters of a disposed match, so that process totals never go down. */
  retire(match: Match): void;
  /** 99th percentile of the last 300 ticks' simulate time of each match type, in ms (for dashboards). */
  recentTickP99(): Record<string, number>;
  /** The Prometheus text exposition, as served at `/metrics`. */
  text(): Promise<string>;
  /** Stops background collection. */
  stop(): void;
}

/**
 * Creates a registry with the process defaults (CPU, heap, event-loop lag) and the game's own:
 * players, tick duration, bytes on the wire (TCP payload, framing included), messages, rejections.
 */
export function createMetrics(http: HttpServer, live: () => Iterable<{ type: { name: string }; match: Match }>): ServerMetrics {
  const registry = new Registry();
  // Counters of matches already disposed, added to the live ones'.
  const retired = { received: 0, rejected: 0, stateBytes: 0, stateMessages: 0, classicMessages: 0, recordingMs: 0 };
  const total = (key: keyof typeof retired): number => {
    let n = retired[key];
    for (const m of live()) n += m.match.stats[key as keyof MatchStats];
    return n;
  };
  collectDefaultMetrics({ register: registry, prefix: 'skirmish_', eventLoopMonitoringPrecision: 10 });

  // Bytes are counted on the TCP sockets themselves: that is what the wire carries, WebSocket
  // and long-polling framing included, which a count of payloads would miss.
  const sockets = new Set<TcpSocket>();
  let closedWritten = 0;
  let closedRead = 0;
  http.on('connection', (socket: TcpSocket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      closedWritten += socket.bytesWritten;
      closedRead += socket.bytesRead;
    });
  });
  const sum = (pick: (s: TcpSocket) => number, closed: () => number) => () => {
    let total = closed();
    for (const s of sockets) total += pick(s);
    return total;
  };
  const written = sum((s) => s.bytesWritten, () => closedWritten);
  const read = sum((s) => s.bytesRead, () => closedRead);

  new Gauge({
    name: 'skirmish_players', help: 'Players connected, by protocol.', labelNames: ['protocol'], registers: [registry],
    collect() {
      let delta = 0;
      let classic = 0;
      for (const { match } of live()) for (const s of match.sessions.bySocketId.values()) s.kind === 'delta' ? delta++ : classic++;
      this.set({ protocol: 'delta' }, delta);
      this.set({ protocol: 'classic' }, classic);
    },
  });
  const buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
  const tick = new Histogram({
    name: 'skirmish_tick_seconds', help: 'Time to simulate one tick and build every client\'s message.', registers: [registry], buckets,
  });
  const write = new Histogram({
    name: 'skirmish_tick_write_seconds', help: 'Time to write one tick\'s messages to the sockets.', registers: [registry], buckets,
  });
  // A histogram cannot say what the p99 was lately; a ring of recent ticks per type can.
  const recent = new Map<string, { samples: Float64Array; count: number }>();
  const typeTick = new Histogram({
    name: 'skirmish_match_tick_seconds', help: 'Time to simulate one tick of one match and build its messages, by match type.',
    labelNames: ['type'], registers: [registry], buckets,
  });
  new Gauge({
    name: 'skirmish_matches', help: 'Matches hosted, by type.', labelNames: ['type'], registers: [registry],
    collect() {
      this.reset();
      const n = new Map<string, number>();
      for (const m of live()) n.set(m.type.name, (n.get(m.type.name) ?? 0) + 1);
      for (const [type, count] of n) this.set({ type }, count);
    },
  });
  new Gauge({
    name: 'skirmish_match_players', help: 'Players (connected or within grace), by match type.', labelNames: ['type'], registers: [registry],
    collect() {
      this.reset();
      const n = new Map<string, number>();
      for (const m of live()) n.set(m.type.name, (n.get(m.type.name) ?? 0) + m.match.sessions.byToken.size);
      for (const [type, count] of n) this.set({ type }, count);
    },
  });
  new Gauge({
    name: 'skirmish_spectators', help: 'Spectators watching (never counted as players), by match type.', labelNames: ['type'], registers: [registry],
    collect() {
      this.reset();
      const n = new Map<string, number>();
      for (const m of live()) n.set(m.type.name, (n.get(m.type.name) ?? 0) + m.match.spectators.count);
      for (const [type, count] of n) this.set({ type }, count);
    },
  });
  new Counter({
    name: 'skirmish_wire_sent_bytes_total', help: 'Bytes the server wrote to TCP sockets.', registers: [registry],
    collect() { this.reset(); this.inc(written()); },
  });
  new Counter({
    name: 'skirmish_wire_received_bytes_total', help: 'Bytes the server read from TCP sockets.', registers: [registry],
    collect() { this.reset(); this.inc(read()); },
  });
  new Counter({
    name: 'skirmish_messages_sent_total', help: 'Socket.IO messages sent, by kind.', labelNames: ['kind'], registers: [registry],
    collect() {
      this.reset();
      this.inc({ kind: 'state' }, total('stateMessages'));
      this.inc({ kind: 'classic' }, total('classicMessages'));
    },
  });
  new Counter({
    name: 'skirmish_messages_received_total', help: 'Socket.IO messages received from clients.', registers: [registry],
    collect() { this.reset(); this.inc(total('received')); },
  });
  new Counter({
    name: 'skirmish_state_bytes_total', help: 'Payload bytes of state messages (before framing).', registers: [registry],
    collect() { this.reset(); this.inc(total('stateBytes')); },
  });
  new Counter({
    name: 'skirmish_recording_seconds_total', help: 'Time ticks spent recording matches (replay files), in seconds.', registers: [registry],
    collect() { this.reset(); this.inc(total('recordingMs') / 1000); },
  });
  new Counter({
    name: 'skirmish_inputs_rejected_total', help: 'Messages dropped by validation.', registers: [registry],
    collect() { this.reset(); this.inc(total('rejected')); },
  });
  new Gauge({
    name: 'skirmish_tick', help: 'Highest simulation tick of the matches hosted.', registers: [registry],
    collect() {
      let tick = 0;
      for (const { match } of live()) tick = Math.max(tick, match.world.time.tick);
      this.set(tick);
    },
  });

  return {
    registry,
    observeTick(simulateSeconds, writeSeconds, type) {
      tick.observe(simulateSeconds);
      write.observe(writeSeconds);
      if (type !== undefined) {
        typeTick.observe({ type }, simulateSeconds);
        let ring = recent.get(type);
        if (ring === undefined) recent.set(type, (ring = { samples: new Float64Array(RING), count: 0 }));
        ring.samples[ring.count++ % RING] = simulateSeconds;
      }
    },
    recentTickP99() {
      const out: Record<string, number> = {};
      for (const [type, ring] of recent) {
        const n = Math.min(ring.count, RING);
        if (n === 0) continue;
        const sorted = Array.from(ring.samples.subarray(0, n)).sort((a, b) => a - b);
        out[type] = Math.round(sorted[Math.min(n - 1, Math.floor(n * 0.99))]! * 1e6) / 1000;
      }
      return out;
    },
    retire(match) {
      for (const key of Object.keys(retired) as (keyof typeof retired)[]) retired[key] += match.stats[key];
    },
    text: () => registry.metrics(),
    stop: () => registry.clear(),
  };
}
