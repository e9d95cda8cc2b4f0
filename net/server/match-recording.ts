// A match's recording: the engine's recorder (engine/replay) on the match's world, streaming its
// chunks into a file of the recordings folder, plus the players' names as meta for viewers.
// Recording is a side effect the match must survive: a recorder or a disk that fails is logged
// and the match plays on unrecorded.
import type { BattleWorld } from '../../engine';
import { recordMatch, type Recorder } from '../../engine/replay';
import type { MatchRecording } from './match';
import type { RecordingFile, RecordingStore } from './recordings';
import type { Logger } from './logger';

/** Starts recording `world` from its state now (between two ticks) into `store`; undefined when that fails. */
export function startMatchRecording(
  store: RecordingStore, world: BattleWorld, match: { id: string; type: string }, log: Logger, options: { hashEveryTicks?: number } = {},
): MatchRecording | undefined {
  let file: RecordingFile;
  try {
    file = store.open(match.id, match.type);
  } catch (error) {
    log.error({ err: error, match: match.id, dir: store.dir }, 'recording file not created; the match is not recorded');
    return undefined;
  }
  let recorder: Recorder;
  try {
    recorder = recordMatch(world, {
      // A recorder's chunks are the sink's to keep.
      sink: (chunk) => file.write(chunk, true), matchType: match.type, matchId: match.id, hashEveryTicks: options.hashEveryTicks,
    });
  } catch (error) {
    log.error({ err: error, match: match.id }, 'recorder failed to start; the match is not recorded');
    void file.finish();
    return undefined;
  }
  const startTick = world.time.tick;
  let closed = false;
  log.debug({ match: match.id, file: file.path }, 'recording');
  return {
    name(netId, name) {
      if (closed) return;
      try {
        recorder.meta({ type: 'name', netId, name });
      } catch (error) {
        log.warn({ err: error, match: match.id }, 'recording meta failed');
      }
    },
    get busyMs() {
      return recorder.busyMs;
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        recorder.close();
      } catch (error) {
        log.error({ err: error, match: match.id }, 'recorder failed to close; the file may lack its end marker');
      }
      const ticks = world.time.tick - startTick;
      void file.finish({ ticks, durationS: ticks * world.time.dt });
    },
  };
}
