// The bots of one thread: started over a ramp, sharing one counting agent and one tally.
import { performance } from 'node:perf_hooks';
import { createRng } from '../../engine';
import { CountingAgent } from './agent';
import type { Bot, BotContext } from './bot';
import { startClassicBot } from './classic-bot';
import { startDeltaBot } from './delta-bot';
import type { BotOptions } from './options';
import { startClassicProbe } from './probe-classic';
import { startDeltaProbe } from './probe-delta';
import { Tally } from './tally';

/** What one thread runs. */
export interface SwarmPlan {
  options: BotOptions;
  /** Plain bots (the probe pairs not included). */
  count: number;
  /** Probe pairs to run here too (0: none). */
  probe: number;
  seed: number;
  /** Connections this thread opens per second while ramping. */
  rampPerSec: number;
}

/** A thread's running bots. */
export interface Swarm {
  readonly tally: Tally;
  /** Lets every bot settle its measurements; call before reading the tally at the end. */
  settle(): void;
  /** Stops every bot and closes the agent's sockets. */
  stop(): void;
}

/** Starts a thread's bots: the probe pairs first (if any), then one bot every 1/rampPerSec s. */
export function startSwarm(plan: SwarmPlan): Swarm {
  const agent = new CountingAgent();
  const tally = new Tally(() => agent.bytes());
  const bots: Bot[] = [];
  const timers: NodeJS.Timeout[] = [];
  const { options } = plan;
  const context = (i: number): BotContext => ({ options, agent, tally, rng: createRng(plan.seed * 7919 + i) });
  for (let k = 0; k < plan.probe; k++) bots.push(options.protocol === 'delta' ? startDeltaProbe(context(-1 - k)) : startClassicProbe(context(-1 - k)));
  const start = options.protocol === 'delta' ? startDeltaBot : startClassicBot;
  // One timer per batch of bots due within the same 10 ms, not one per bot.
  const batchMs = 10;
  const perBatch = Math.max(1, Math.round((plan.rampPerSec * batchMs) / 1000));
  for (let first = 0; first < plan.count; first += perBatch) {
    const last = Math.min(plan.count, first + perBatch);
    timers.push(setTimeout(() => {
      for (let i = first; i < last; i++) bots.push(start(context(i)));
    }, (first / plan.rampPerSec) * 1000));
  }
  return {
    tally,
    settle() {
      const now = performance.now();
      for (const bot of bots) bot.settle?.(now);
    },
    stop() {
      for (const t of timers) clearTimeout(t);
      for (const bot of bots) bot.stop();
      agent.destroy();
    },
  };
}
