// The shape of a bench run's results (printed as tables, written as JSON).
import type { MachineInfo } from '../lib/machine';
import type { CodecResult } from './codec';
import type { EngineResult } from './engine';
import type { FirstLoadSummary } from './first-load';
import type { ProfileSummary } from './profile';
import type { RecordingBytesResult } from './recording';
import type { ScenarioResult } from './scenario';
import type { SeekersResult } from './seekers';
import type { ReplayBenchResult } from './replay';
import type { InterestBenchResult } from './interest';

/** Figures compared between our server and the baseline. */
export const FIGURES = [
  'cpuPct', 'lagP99Ms', 'downBytesPerClientPerSec', 'upBytesPerClientPerSec', 'observedP50Ms', 'observedP99Ms', 'heapPerConnKiB',
] as const;
/** One compared figure. */
export type Figure = (typeof FIGURES)[number];

/** Ours and the baseline at one player count, and ours ÷ baseline per figure. */
/** Our server alone on the large map (500 players on 1000 × 1000). */
export type LargeScenario = ScenarioResult;

export interface ServerComparison {
  players: number;
  ours: ScenarioResult;
  baseline: ScenarioResult;
  ratio: Record<Figure | 'updatesPerSec', number | null>;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  mode: 'quick' | 'full';
  command: string;
  machine: MachineInfo;
  engine: EngineResult[];
  codec: CodecResult[];
  servers: ServerComparison[];
  profile?: ProfileSummary;
  /** Our server with 500 players on a 1000 × 1000 map (interest management's target). */
  large?: LargeScenario;
  /** Our server with 200 players on the classic 100 × 100 map, where every client sees every player. */
  classicMap?: ScenarioResult;
  /** Delta clients watching 20 classic seekers: bytes received against the content floor. */
  seekers?: SeekersResult;
  /** 20 engine wander clients on the classic map measuring themselves, against the same floor. */
  wanderers?: SeekersResult;
  /** Deterministic replay in the engine: recording overhead at 500 players, bytes, seeks. */
  replay?: ReplayBenchResult;
  /** Interest management alone: every client's view updated, 500 players on 1000². */
  interest?: InterestBenchResult;
  /** A first visit in headless Chromium on the throttled link; null when Chromium was missing. */
  firstLoad?: FirstLoadSummary | null;
  /** Bytes per player-minute of a file the real server recorded while wander bots played. */
  recording?: RecordingBytesResult;
  elapsedS: number;
}
