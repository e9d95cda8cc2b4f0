// Clock probing: the client asks the server's time now and then (the `t` event, answered through
// a Socket.IO ack) and feeds the answers to its clock estimate and its interpolation delay.
import { DeltaEvents, type ServerTickTimes } from '../wire';
import type { ClockSync } from './clock';
import type { ClientSocket } from './connection';
import type { DelayEstimator } from './delay';

/** Bytes a probe takes on the link (for the conditioner's bandwidth model). */
const PROBE_BYTES = 16;

/** Probes a server's clock while connected. */
export interface ClockProber {
  /** Probes now, then every little while (quickly until the clock has settled). */
  start(): void;
  /** Stops probing (until the next `start`). */
  stop(): void;
}

/**
 * Creates the prober of `socket`; it stops by itself when the socket disconnects. `send` puts an
 * outgoing message through the link (the conditioner, if any); `onTickTimes` hears the server's
 * recent tick costs that ride on each answer.
 */
export function createClockProber(
  socket: ClientSocket, clock: ClockSync, delay: DelayEstimator, send: (bytes: number, emit: () => void) => void, now: () => number,
  onTickTimes: (times: ServerTickTimes) => void = () => {},
): ClockProber {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const probe = (): void => {
    if (!socket.connected) return;
    const sentAt = now();
    send(PROBE_BYTES, () =>
      socket.timeout(5000).emit(DeltaEvents.time, sentAt, (err: Error | null, serverTime: number, times?: ServerTickTimes) => {
        if (err === null && typeof serverTime === 'number') {
          clock.sample(sentAt, serverTime, now());
          delay.seed(clock.rtt);
        }
        if (err === null && typeof times?.simulateMs === 'number' && typeof times.sendMs === 'number') onTickTimes(times);
      }),
    );
    // Probe quickly at first to settle the clock, then every two seconds.
    timer = setTimeout(probe, clock.samples < 5 ? 100 : 2000);
  };
  const stop = (): void => clearTimeout(timer);
  socket.on('disconnect', stop);
  return {
    start() {
      stop();
      probe();
    },
    stop,
  };
}
