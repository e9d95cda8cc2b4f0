// Command-line options of the bots (`npm run bots -- …`), parsed with Node's own util.parseArgs.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

/** How a bot moves: `wander` (the reference load), `chase` the nearest player, or `idle`. */
export type Behavior = 'wander' | 'chase' | 'idle';
/** Socket.IO transport a bot uses (no upgrade: exactly this one). */
export type Transport = 'websocket' | 'polling';
/** Wire protocol: the binary delta protocol, or the classic JSON events. */
export type BotProtocol = 'delta' | 'classic';

/** Everything a bot run needs to know. */
export interface BotOptions {
  url: string;
  /** Match type to matchmake into (POST /matchmake); undefined connects straight to `url` (the server places the bot). */
  type?: string;
  /** Match to join by id (matchmaking too). */
  match?: string;
  count: number;
  /** Whole run in seconds, ramp included. */
  duration: number;
  /** How often a bot asks its brain for an input (the browser asks every frame). */
  inputHz: number;
  /** Engine bots resend an unchanged held direction after this many ms (the browser's 250). */
  resendHeldMs: number;
  behavior: Behavior;
  transport: Transport;
  protocol: BotProtocol;
  /** Two of `count` become a probe (turns at known times) and an observer (sees the turns), per pair. */
  probe: boolean;
  /** Probe pairs (with `probe`): each pair adds its own turns to one latency sample. */
  probePairs: number;
  /** Worker threads running the bots; 0 runs them all in the main thread. */
  workers: number;
  /** Connections opened per second while ramping up. */
  rampPerSec: number;
  /** Map side the classic probe assumes (classic clients are never told the map). */
  mapSize: number;
  seed: number;
  /** Live progress line on stderr. */
  progress: boolean;
}

/** Usage text of the bots command. */
export const BOTS_USAGE = `Usage: npm run bots -- [options]
  --url URL              server or gateway to load (default http://127.0.0.1:5000)
  --type T               matchmake into this match type first (POST /matchmake), like the page's ?type=; without it
                         (and without --match) a bot connects straight to --url and the server places it in classic
  --match ID             join this match (POST /matchmake {matchId})
  --count N              bots (default 10; 2 of them are the probe pair with --probe)
  --duration S           whole run in seconds, ramp included (default 30; Ctrl-C ends it early)
  --input-hz N           how often a bot decides its input, per second (default 20); classic bots send each one,
                         delta bots send as the browser does: on a change, else a held direction every --resend-ms
  --resend-ms N          delta bots: ms before an unchanged held direction is sent again (default 250, the browser's;
                         50 with --input-hz 20 sends every decision, as bots did before)
  --behavior B           wander | chase | idle (default wander)
  --transport T          websocket | polling (default websocket)
  --protocol P           delta | classic (default delta)
  --probe                measure input→observed latency with a probe and an observer bot
  --probes N             probe pairs (implies --probe; default 1): more turns, a p99 that rests on more samples
  --workers N            worker threads (default: 0 up to 150 bots, else ≥ 2)
  --ramp N               connections per second while ramping up (default 200)
  --map-size N           map side the classic probe assumes (default 100)
  --seed N               seed of the bots' choices (default 1)
  --quiet                no progress line
Prints a progress line on stderr and a one-line JSON summary as the last line of stdout.`;

/** Worker threads for `count` bots: none up to 150, else at least 2, one per 150 bots up to the cores. */
export function defaultWorkers(count: number, cores: number = availableParallelism()): number {
  if (count <= 150) return 0;
  return Math.max(2, Math.min(cores, Math.ceil(count / 150)));
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`bots: --${name} must be one of ${allowed.join(', ')}, got ${value}`);
  return value as T;
}

function number(name: string, value: string, min: number, max: number, integer = true): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`bots: --${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${value}`);
  }
  return n;
}

/**
 * Parses bot options from command-line arguments (without `node` and the script).
 * @throws with the offending option when a value is missing, unknown or out of range.
 */
export function parseBotArgs(argv: readonly string[]): BotOptions & { help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:5000' },
      type: { type: 'string' },
      match: { type: 'string' },
      count: { type: 'string', default: '10' },
      duration: { type: 'string', default: '30' },
      'input-hz': { type: 'string', default: '20' },
      'resend-ms': { type: 'string', default: '250' },
      behavior: { type: 'string', default: 'wander' },
      transport: { type: 'string', default: 'websocket' },
      protocol: { type: 'string', default: 'delta' },
      probe: { type: 'boolean', default: false },
      probes: { type: 'string' },
      workers: { type: 'string' },
      ramp: { type: 'string', default: '200' },
      'map-size': { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new Error(`bots: --url must be an http(s) URL, got ${values.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`bots: --url must be http(s), got ${values.url}`);
  const probePairs = values.probes === undefined ? (values.probe ? 1 : 0) : number('probes', values.probes, 0, 1000);
  const probe = probePairs > 0;
  const count = number('count', values.count, probe ? 2 * probePairs : 1, 10_000);
  return {
    url: url.origin,
    type: values.type,
    match: values.match,
    count,
    duration: number('duration', values.duration, 0.1, 86_400, false),
    inputHz: number('input-hz', values['input-hz'], 0.1, 1000, false),
    resendHeldMs: number('resend-ms', values['resend-ms'], 0, 60_000, false),
    behavior: oneOf('behavior', values.behavior, ['wander', 'chase', 'idle'] as const),
    transport: oneOf('transport', values.transport, ['websocket', 'polling'] as const),
    protocol: oneOf('protocol', values.protocol, ['delta', 'classic'] as const),
    probe,
    probePairs,
    workers: values.workers === undefined ? defaultWorkers(count - 2 * probePairs) : number('workers', values.workers, 0, 64),
    rampPerSec: number('ramp', values.ramp, 1, 100_000, false),
    mapSize: number('map-size', values['map-size'], 1, 1e6, false),
    seed: number('seed', values.seed, 0, 2 ** 31),
    progress: !values.quiet,
    help: values.help,
  };
}
