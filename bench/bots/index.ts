// Headless bots: load a Skirmish server (delta protocol) or any classic-protocol server from a
// script, as `npm run bots` does from the command line.

export { runBots } from './run';
export type { RunHooks } from './run';
export { parseBotArgs, defaultWorkers, BOTS_USAGE } from './options';
export type { BotOptions, Behavior, Transport, BotProtocol } from './options';
export type { BotSummary } from './summary';
export { summarize } from './summary';
export type { TallyData } from './tally';
export { CountingAgent } from './agent';
export type { WireBytes } from './agent';
export { createBrain, DIRECTIONS } from './behavior';
export type { Brain, BotView } from './behavior';
export { ProbeWalk, TurnWatch, MAX_WAIT_MS, follow, probeInput } from './probe';
