// What recording costs: (a) bytes per player-minute of a file the real server wrote while wander
// bots played (server process, bots in this one, over loopback), and (b) the recorder's share of
// tick time in the engine alone at 500 players (the same world stepped with and without it,
// alternating blocks so drift in the machine's load falls on both equally).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRng, queueInput, recordMatch, step, verifyReplay } from '../../engine';
import { parseReplay } from '../../engine/replay/parse';
import { parseBotArgs, runBots } from '../bots';
import { DIRECTIONS } from '../bots/behavior';
import { quantile } from '../lib/stats';
import { populatedWorld } from './engine';
import { startServerProcess } from './server-process';

/** Bytes a recorded match of wander bots took. */
export interface RecordingBytesResult {
  bots: number;
  /** Seconds the bots played. */
  playS: number;
  /** Size of the file. */
  bytes: number;
  ticks: number;
  /** Sum over ticks of the players present, ÷ tick rate ÷ 60. */
  playerMinutes: number;
  bytesPerPlayerMinute: number;
  /** The file verified tick by tick. */
  verified: boolean;
  error?: string;
}

/** Tick time of one world with and without a recorder. */
export interface RecordingOverheadResult {
  players: number;
  ticks: number;
  /** Mean ms per tick without recording, and with. */
  plainMeanMs: number;
  recordedMeanMs: number;
  plainP50Ms: number;
  recordedP50Ms: number;
  /** (recorded − plain) ÷ plain of the means, %. */
  overheadPct: number;
  /** Bytes the recorder produced per tick at this size. */
  bytesPerTick: number;
}

/** Plays `bots` wander bots against a recording server process for `playS` seconds and sizes its file. Never throws. */
export async function benchRecordingBytes(options: { bots?: number; playS?: number }, log: (line: string) => void): Promise<RecordingBytesResult> {
  const bots = options.bots ?? 20;
  const playS = options.playS ?? 60;
  const result: RecordingBytesResult = { bots, playS, bytes: 0, ticks: 0, playerMinutes: 0, bytesPerPlayerMinute: 0, verified: false };
  const dir = mkdtempSync(join(tmpdir(), 'skirmish-bench-recording-'));
  try {
    const server = await startServerProcess('engine', { RECORD_DIR: dir, MAP_SIZE: '100' });
    try {
      log(`bench: recording, ${bots} wander bots for ${playS} s`);
      await runBots({ ...parseBotArgs(['--url', server.url, '--count', String(bots), '--duration', String(playS), '--quiet']), progress: false });
    } finally {
      // SIGINT: the server closes its matches, so the file is complete with its end marker.
      await server.stop();
    }
    const [name] = readdirSync(dir).filter((f) => f.endsWith('.skr'));
    if (name === undefined) return { ...result, error: 'the server wrote no recording' };
    const bytes = new Uint8Array(readFileSync(join(dir, name)));
    const parsed = parseReplay(bytes);
    let present = 0;
    let playerTicks = 0;
    for (const s of parsed.steps) {
      for (const change of s.outside) present += change.kind === 'spawn' ? 1 : change.kind === 'despawn' ? -1 : 0;
      playerTicks += present;
    }
    const playerMinutes = playerTicks / parsed.header.tickRate / 60;
    return {
      ...result,
      bytes: bytes.length,
      ticks: parsed.steps.length,
      playerMinutes,
      bytesPerPlayerMinute: playerMinutes > 0 ? bytes.length / playerMinutes : 0,
      verified: verifyReplay(bytes).ok,
    };
  } catch (error) {
    return { ...result, error: error instanceof Error ? error.message : String(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Steps two identical worlds of `players` wander players, one recorded (into memory), in
 * alternating blocks of `block` ticks, and compares their tick times.
 */
export function benchRecordingOverhead(players = 500, ticks = 600, block = 30): RecordingOverheadResult {
  const plain = populatedWorld(players, 3);
  const recorded = populatedWorld(players, 3);
  let bytes = 0;
  const recorder = recordMatch(recorded, { sink: (chunk) => void (bytes += chunk.length) });
  const startBytes = bytes;
  const rngs = [createRng(9), createRng(9)];
  const dirs = [new Uint8Array(players + 16), new Uint8Array(players + 16)];
  const times: [number[], number[]] = [[], []];
  const warmup = 30;
  const tickOf = (which: 0 | 1, t: number, timed: boolean): void => {
    const world = which === 0 ? plain : recorded;
    const rng = rngs[which]!;
    const dt = world.time.dt;
    for (let eid = 1; eid <= players; eid++) {
      if (rng.next() < dt / 0.5) dirs[which]![eid] = rng.int(DIRECTIONS.length);
      const d = DIRECTIONS[dirs[which]![eid]!]!;
      queueInput(world, eid, { seq: t, move: { x: d[0], y: d[1] }, attack: rng.next() < dt / 1 });
    }
    const started = performance.now();
    step(world);
    if (timed) times[which].push(performance.now() - started);
  };
  for (let t = 0; t < warmup; t++) {
    tickOf(0, t, false);
    tickOf(1, t, false);
  }
  for (let done = 0; done < ticks; done += block) {
    for (let t = done; t < done + block; t++) tickOf(0, warmup + t, true);
    for (let t = done; t < done + block; t++) tickOf(1, warmup + t, true);
  }
  recorder.close();
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const p50 = (xs: number[]): number => quantile(Float64Array.from(xs).sort(), 0.5);
  const plainMeanMs = mean(times[0]);
  const recordedMeanMs = mean(times[1]);
  return {
    players,
    ticks,
    plainMeanMs,
    recordedMeanMs,
    plainP50Ms: p50(times[0]),
    recordedP50Ms: p50(times[1]),
    overheadPct: ((recordedMeanMs - plainMeanMs) / plainMeanMs) * 100,
    bytesPerTick: (bytes - startBytes) / (warmup + ticks),
  };
}

/** Both recording figures: a short run with `quick`, else 20 bots for 60 s and 600 ticks each way at 500 players. */
export async function benchRecording(quick: boolean, log: (line: string) => void): Promise<{ bytes: RecordingBytesResult; overhead: RecordingOverheadResult }> {
  const bytes = await benchRecordingBytes({ bots: 20, playS: quick ? 15 : 60 }, log);
  log('bench: recording overhead, 500 players in the engine alone');
  const overhead = benchRecordingOverhead(500, quick ? 300 : 900);
  return { bytes, overhead };
}
