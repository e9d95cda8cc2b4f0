// Reading a replay file into an index: the header, every step's outside changes, input bytes and
// hash, the checkpoints and meta. Input commands stay bytes until their tick is replayed (they
// decode against the replayed world), so even a long match indexes quickly and stays small.
import { ByteReader } from './bytes';
import { splitChunks } from './chunks';
import { ReplayFormatError } from './errors';
import { RecordKind, REPLAY_FORMAT_VERSION } from './format';
import type { ReplayHeader } from './header';

/** A change made from outside a step, applied before that step's inputs. */
export type OutsideChange =
  | { kind: 'spawn'; eid: number; random: boolean; x: number; y: number }
  | { kind: 'despawn'; eid: number }
  | { kind: 'offline'; eid: number; offline: boolean };

/** One recorded step. */
export interface RecordedStep {
  /** The tick this step ran (the world's tick after it). */
  tick: number;
  /** Changes made before it, in order. */
  outside: OutsideChange[];
  /** The encoded input queues it consumed. */
  inputs: Uint8Array;
  /** `hashWorld` after it; undefined when the recorder did not hash this tick. */
  hash: number | undefined;
}

/** A parsed replay file. */
export interface ParsedReplay {
  header: ReplayHeader;
  /** Steps in tick order: steps[i].tick === header.startTick + 1 + i. */
  steps: RecordedStep[];
  /** Checkpoint bodies by tick, in tick order. */
  checkpoints: { tick: number; body: Uint8Array }[];
  meta: { tick: number; data: Record<string, unknown> }[];
  /** Outside changes recorded after the last step (applied by the next step, never recorded). */
  trailing: OutsideChange[];
  truncated: boolean;
  /** The end marker was read: the recorder was closed. */
  ended: boolean;
}

// Far above any real match (the arena holds 500), low enough that a corrupt header cannot make
// the reader allocate more than a few hundred megabytes.
const MAX_CAPACITY = 1 << 16;
const MAX_HISTORY_ENTRIES = 1 << 24;

function checkHeader(value: unknown): ReplayHeader {
  const h = value as Partial<ReplayHeader> | null;
  const ok = h !== null && typeof h === 'object'
    && typeof h.formatVersion === 'number' && typeof h.engineVersion === 'string' && typeof h.matchType === 'string'
    && typeof h.matchId === 'string' && typeof h.rules === 'object' && h.rules !== null && typeof h.seed === 'number'
    && typeof h.tickRate === 'number' && typeof h.dtS === 'number' && h.dtS > 0 && Number.isInteger(h.capacity) && h.capacity! > 1
    && h.capacity! <= MAX_CAPACITY && Number.isInteger(h.startTick) && h.startTick! >= 0 && typeof h.startedAtMs === 'number';
  if (!ok) throw new ReplayFormatError('the header is missing fields or has fields of the wrong type (or a capacity over 65536)');
  // A corrupt header must not make the reader allocate gigabytes for the position history.
  const history = (h.rules as { lagCompensation?: { history?: unknown } }).lagCompensation?.history;
  if (typeof history === 'number' && (history / h.dtS!) * h.capacity! > MAX_HISTORY_ENTRIES) {
    throw new ReplayFormatError(`the header's position history (${history} s of ${h.capacity} entities) is larger than a replay can hold`);
  }
  if (h.formatVersion !== REPLAY_FORMAT_VERSION) throw new ReplayFormatError(`header says format version ${h.formatVersion}, expected ${REPLAY_FORMAT_VERSION}`);
  return h as ReplayHeader;
}

/**
 * Parses a replay file. A file cut short (mid-chunk, or without an end marker) parses up to its
 * last whole chunk.
 * @throws ReplayFormatError when it is not a replay, is corrupt, or ends before its first checkpoint.
 */
export function parseReplay(bytes: Uint8Array): ParsedReplay {
  const { payloads, truncated } = splitChunks(bytes);
  let header: ReplayHeader | undefined;
  const steps: RecordedStep[] = [];
  const checkpoints: ParsedReplay['checkpoints'] = [];
  const meta: ParsedReplay['meta'] = [];
  let outside: OutsideChange[] = [];
  let tick = 0;
  let ended = false;
  for (const payload of payloads) {
    const r = new ByteReader(payload);
    while (!r.done) {
      if (ended) throw new ReplayFormatError('records after the end marker');
      const kind = r.u8();
      if (header === undefined && kind !== RecordKind.header) throw new ReplayFormatError(`the first record is of kind ${kind}, not the header`);
      switch (kind) {
        case RecordKind.header: {
          if (header !== undefined) throw new ReplayFormatError('a second header');
          let json: unknown;
          try {
            json = JSON.parse(r.string());
          } catch (error) {
            if (error instanceof ReplayFormatError) throw error;
            throw new ReplayFormatError('the header is not valid JSON');
          }
          header = checkHeader(json);
          tick = header.startTick;
          break;
        }
        case RecordKind.checkpoint: {
          const length = r.varint();
          const body = r.raw(length);
          checkpoints.push({ tick, body });
          break;
        }
        case RecordKind.spawn:
          outside.push({ kind: 'spawn', eid: r.varint(), random: r.u8() === 1, x: r.f32(), y: r.f32() });
          break;
        case RecordKind.despawn:
          outside.push({ kind: 'despawn', eid: r.varint() });
          break;
        case RecordKind.offline:
          outside.push({ kind: 'offline', eid: r.varint(), offline: r.u8() === 1 });
          break;
        case RecordKind.tick:
        case RecordKind.tickUnhashed: {
          if (checkpoints.length === 0) throw new ReplayFormatError('a tick before the first checkpoint');
          const length = r.varint();
          const inputs = r.raw(length);
          tick++;
          steps.push({ tick, outside, inputs, hash: kind === RecordKind.tick ? r.u32() : undefined });
          outside = [];
          break;
        }
        case RecordKind.meta: {
          let data: unknown;
          try {
            data = JSON.parse(r.string());
          } catch (error) {
            if (error instanceof ReplayFormatError) throw error;
            throw new ReplayFormatError(`meta at tick ${tick} is not valid JSON`);
          }
          if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ReplayFormatError(`meta at tick ${tick} is not a JSON object`);
          meta.push({ tick, data: data as Record<string, unknown> });
          break;
        }
        case RecordKind.end:
          ended = true;
          break;
        default:
          throw new ReplayFormatError(`unknown record kind ${kind} at byte ${r.offset - 1} of a chunk`);
      }
    }
  }
  if (header === undefined) throw new ReplayFormatError(truncated ? 'the file ends before its header' : 'the file has no header');
  if (checkpoints.length === 0) throw new ReplayFormatError('the file ends before its first checkpoint');
  if (checkpoints[0]!.tick !== header.startTick) throw new ReplayFormatError(`the first checkpoint is at tick ${checkpoints[0]!.tick}, not the start tick ${header.startTick}`);
  return { header, steps, checkpoints, meta, trailing: outside, truncated, ended };
}
