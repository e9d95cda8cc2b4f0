// What recording costs in the real server: bytes per player-minute of the file a server process
// wrote while wander bots (in this process, over loopback) played, joins and leaves included.
// The recorder's share of tick time is measured in the engine alone (replay.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyReplay } from '../../engine/replay';
import { parseReplay } from '../../engine/replay/parse';
import { parseBotArgs, runBots } from '../bots';
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

/** Plays `bots` wander bots against a recording server process for `playS` seconds and sizes its file. Never throws. */
export async function benchRecording(options: { bots?: number; playS?: number }, log: (line: string) => void): Promise<RecordingBytesResult> {
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
