import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { WireCounter } from './wire';

/** Prefix of every baseline metric (`baseline_process_cpu_seconds_total`, …). */
export const BASELINE_PREFIX = 'baseline_';

/**
 * The baseline's Prometheus registry: prom-client's process metrics (CPU, heap, event-loop lag,
 * sampled like the Skirmish server's), players, and bytes on the wire.
 */
export function createBaselineMetrics(wire: WireCounter, players: () => number): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: BASELINE_PREFIX, eventLoopMonitoringPrecision: 10 });
  new Gauge({
    name: `${BASELINE_PREFIX}players`, help: 'Players connected.', registers: [registry],
    collect() { this.set(players()); },
  });
  new Counter({
    name: `${BASELINE_PREFIX}wire_sent_bytes_total`, help: 'Bytes the server wrote to TCP sockets.', registers: [registry],
    collect() { this.reset(); this.inc(wire.sent()); },
  });
  new Counter({
    name: `${BASELINE_PREFIX}wire_received_bytes_total`, help: 'Bytes the server read from TCP sockets.', registers: [registry],
    collect() { this.reset(); this.inc(wire.received()); },
  });
  return registry;
}
