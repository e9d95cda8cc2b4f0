// Section 1c: deterministic replay in the engine alone — what recording costs per tick at 500
// players, how many bytes a player-minute takes, and how long a viewer's seek takes.
import { performance } from 'node:perf_hooks';
import { createRng, queueInput, step, type BattleWorld } from '../../engine';
import { recordMatch, replay } from '../../engine/replay';
import { DIRECTIONS } from '../bots/behavior';
import { quantile } from '../lib/stats';
import { fmt, markdownTable } from '../lib/table';
import { populatedWorld } from './engine';

/** Figures of one replay run. */
export interface ReplayBenchResult {
  players: number;
  /** The recorder's `hashEveryTicks`. */
  hashEveryTicks: number;
  ticks: number;
  /** Median tick time without a recorder. */
  plainP50Ms: number;
  /** Median tick time with a recorder (its per-tick hash and input capture included). */
  recordedP50Ms: number;
  /** recordedP50Ms / plainP50Ms − 1, in percent. */
  overheadPct: number;
  /** Mean tick times, GC pauses included, for the same two worlds. */
  plainMeanMs: number;
  recordedMeanMs: number;
  /** File size per player per simulated minute. */
  bytesPerPlayerMinute: number;
  /** Slowest of the timed seeks to random ticks (ms), and their median. */
  seekMaxMs: number;
  seekP50Ms: number;
  /** What recording adds to a tick when ticks come as a server's do: see `benchRecordingPaced`. */
  paced?: PacedRecordingResult;
}

/** Recording's cost per tick, measured the way a server ticks. */
export interface PacedRecordingResult {
  players: number;
  ticks: number;
  /** Idle time before each step (a server steps once per 33 ms and sleeps in between). */
  pauseMs: number;
  /** Mean and median step time without and with a recorder, µs. */
  plainMeanUs: number;
  recordedMeanUs: number;
  plainP50Us: number;
  recordedP50Us: number;
  /** recordedMeanUs − plainMeanUs: what recording adds to a tick. */
  addedUs: number;
  /** The recorder's own meter (`Recorder.busyMs`) per tick, µs. */
  meteredUs: number;
}

// A wander bot's input for `eid` this tick: a new direction every 0.5 s on average, an attack every second.
function wanderInputs(world: BattleWorld, players: readonly number[], dirs: Uint8Array, rng: ReturnType<typeof createRng>, t: number): void {
  const dt = world.time.dt;
  for (const eid of players) {
    if (rng.next() < dt / 0.5) dirs[eid] = rng.int(DIRECTIONS.length);
    const d = DIRECTIONS[dirs[eid]!]!;
    const attack = rng.next() < dt;
    queueInput(world, eid, { seq: t, move: { x: d[0], y: d[1] }, attack, viewTimeS: attack ? world.time.elapsed - 0.1 : undefined });
  }
}

// Two identical worlds of `players` wander players, and `feed(t)` queues tick t's inputs in both.
function twinWorlds(players: number): { plain: BattleWorld; recorded: BattleWorld; feed(t: number): void } {
  const plain = populatedWorld(players);
  const recorded = populatedWorld(players);
  const eids = Array.from({ length: players }, (_, i) => i + 1);
  const rngA = createRng(7);
  const rngB = createRng(7);
  const dirsA = new Uint8Array(players + 16);
  const dirsB = new Uint8Array(players + 16);
  return {
    plain,
    recorded,
    feed(t) {
      wanderInputs(plain, eids, dirsA, rngA, t);
      wanderInputs(recorded, eids, dirsB, rngB, t);
    },
  };
}

/**
 * Steps two identical worlds of `players` wander players tick by tick, one recorded and one not,
 * timing each step (interleaved, so load on the machine hits both alike); then seeks the recording.
 */
export function benchReplay(players = 500, ticks = 1800, warmup = 60, hashEveryTicks = 1): ReplayBenchResult {
  const { plain, recorded, feed } = twinWorlds(players);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const recorder = recordMatch(recorded, { sink: (c) => { chunks.push(c); bytes += c.length; }, hashEveryTicks });
  const plainMs: number[] = [];
  const recordedMs: number[] = [];
  for (let t = 0; t < warmup + ticks; t++) {
    feed(t);
    // Alternate which goes first so neither always runs on a warmer cache.
    const order = t % 2 === 0 ? [plain, recorded] : [recorded, plain];
    for (const world of order) {
      const started = performance.now();
      step(world);
      const ms = performance.now() - started;
      if (t >= warmup) (world === plain ? plainMs : recordedMs).push(ms);
    }
  }
  recorder.close();
  const file = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  const r = replay(file);
  const seekRng = createRng(11);
  const seeks: number[] = [];
  for (let i = 0; i < 20; i++) {
    const target = r.firstTick + seekRng.int(r.lastTick - r.firstTick + 1);
    const started = performance.now();
    r.seek(target);
    seeks.push(performance.now() - started);
  }
  const p50 = (xs: number[]): number => quantile(Float64Array.from(xs).sort(), 0.5);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const plainP50Ms = p50(plainMs);
  const recordedP50Ms = p50(recordedMs);
  return {
    players,
    hashEveryTicks,
    ticks,
    plainP50Ms,
    recordedP50Ms,
    overheadPct: (recordedP50Ms / plainP50Ms - 1) * 100,
    plainMeanMs: mean(plainMs),
    recordedMeanMs: mean(recordedMs),
    bytesPerPlayerMinute: bytes / players / ((warmup + ticks) * plain.time.dt / 60),
    seekMaxMs: Math.max(...seeks),
    seekP50Ms: p50(seeks),
  };
}

/**
 * Steps two identical worlds of `players` wander players, one recorded, alternately and each
 * after `pauseMs` of idle time, as a server steps a match between sleeps: a tight loop keeps
 * every cache warm and makes recording look several times cheaper than it is on a server. The
 * difference of the mean step times is what recording adds to a tick.
 */
export async function benchRecordingPaced(players = 500, ticks = 600, pauseMs = 15, warmup = 100): Promise<PacedRecordingResult> {
  const { plain, recorded, feed } = twinWorlds(players);
  const recorder = recordMatch(recorded, { sink: () => undefined });
  const plainMs: number[] = [];
  const recordedMs: number[] = [];
  let meteredFrom = 0;
  for (let t = 0; t < warmup + ticks; t++) {
    if (t === warmup) meteredFrom = recorder.busyMs;
    feed(t);
    for (const world of t % 2 === 0 ? [plain, recorded] : [recorded, plain]) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      const started = performance.now();
      step(world);
      const ms = performance.now() - started;
      if (t >= warmup) (world === plain ? plainMs : recordedMs).push(ms);
    }
  }
  const metered = recorder.busyMs - meteredFrom;
  recorder.close();
  const mean = (xs: number[]): number => (xs.reduce((a, b) => a + b, 0) / xs.length) * 1000;
  const p50 = (xs: number[]): number => quantile(Float64Array.from(xs).sort(), 0.5) * 1000;
  return {
    players, ticks, pauseMs,
    plainMeanUs: mean(plainMs), recordedMeanUs: mean(recordedMs), plainP50Us: p50(plainMs), recordedP50Us: p50(recordedMs),
    addedUs: mean(recordedMs) - mean(plainMs), meteredUs: (metered / ticks) * 1000,
  };
}

/** The replay figures as a markdown table. */
export function replayTable(r: ReplayBenchResult): string {
  return markdownTable(
    [`replay, ${r.players} players, ${r.ticks} ticks, hash every ${r.hashEveryTicks === 1 ? 'tick' : `${r.hashEveryTicks} ticks`}`, 'value'],
    [
      ['tick p50 without / with recorder', `${fmt(r.plainP50Ms, 3)} / ${fmt(r.recordedP50Ms, 3)} ms`],
      ['recording overhead (p50)', `${fmt(r.overheadPct, 1)} %`],
      ['tick mean without / with recorder (GC included)', `${fmt(r.plainMeanMs, 3)} / ${fmt(r.recordedMeanMs, 3)} ms`],
      ['bytes per player-minute (wander inputs)', fmt(r.bytesPerPlayerMinute, 0)],
      ['seek to a random tick, p50 / max of 20', `${fmt(r.seekP50Ms, 1)} / ${fmt(r.seekMaxMs, 1)} ms`],
      ...(r.paced === undefined ? [] : [
        [`paced like a server (${r.paced.pauseMs} ms idle before each step): step mean without / with recorder`, `${fmt(r.paced.plainMeanUs, 0)} / ${fmt(r.paced.recordedMeanUs, 0)} µs`],
        ['paced: what recording adds to a tick (difference of the means) / what it meters itself', `${fmt(r.paced.addedUs, 0)} / ${fmt(r.paced.meteredUs, 0)} µs`],
      ]),
    ],
  );
}
