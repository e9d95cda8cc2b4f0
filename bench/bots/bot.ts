// What every bot kind shares: its context and the Socket.IO options that route it through the agent.
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { Rng } from '../../engine';
import type { CountingAgent } from './agent';
import type { BotOptions } from './options';
import type { Tally } from './tally';

/** What a bot is started with. */
export interface BotContext {
  readonly options: BotOptions;
  readonly agent: CountingAgent;
  readonly tally: Tally;
  readonly rng: Rng;
}

/** A running bot. */
export interface Bot {
  /** Settles what it measures as of now (before the tally is read at the end of a run). */
  settle?(now: number): void;
  /** Disconnects for good and stops its timers. */
  stop(): void;
}

/**
 * Socket.IO options of a bot: its own connection (no multiplexing), exactly one transport, and the
 * counting agent so every byte on the wire is seen.
 */
export function socketOptions(ctx: BotContext): Partial<ManagerOptions & SocketOptions> {
  return {
    transports: [ctx.options.transport],
    forceNew: true,
    // engine.io-client types `agent` as string | boolean (a browser leftover); in Node it is
    // handed to ws and to the XHR shim, which both take an http.Agent.
    agent: ctx.agent as unknown as string,
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
  };
}

/** Calls `fn` `hz` times a second, starting at a random phase so bots do not fire in lockstep. */
export function every(hz: number, rng: Rng, fn: () => void): () => void {
  const period = 1000 / hz;
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    interval = setInterval(fn, period);
    fn();
  }, rng.next() * period);
  return () => {
    clearTimeout(first);
    clearInterval(interval);
  };
}
