// Recording files on disk: one file per match (`<matchId>.skr`) streamed through a write stream,
// a small JSON sidecar (`<matchId>.json`: type, start, ticks) so listings never parse a replay,
// and retention: the newest `maxFiles` recordings or `maxBytes`, whichever keeps fewer; a file
// still being written is never deleted. What goes into a file is the engine's business
// (engine/replay); this module only keeps the bytes.
// One file over 250 lines because writing, listing and retention are one store of one folder:
// all three read the set of files still being written, which retention must never delete.
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from './logger';

/** Where and how much the server records (`ServerOptions.record`). */
export interface RecordingOptions {
  /** Folder of the files, relative to the process's cwd. Default `RECORD_DIR`, else `recordings`. */
  dir?: string;
  /** Most recordings kept (the newest). Default 50. */
  maxFiles?: number;
  /** Most bytes kept, all recordings together (the newest first). Default 500 MB. */
  maxBytes?: number;
  /** A file whose writes back up beyond this many bytes (a stalled disk) stops recording. Default 32 MiB. */
  maxPendingBytes?: number;
  /**
   * Hash the state every n ticks (and at every checkpoint) instead of every tick: cheaper for big
   * matches, and a mismatch is then found within n ticks rather than at its tick. Default 1.
   */
  hashEveryTicks?: number;
  /**
   * Longest stretch of a match one file covers (seconds of match time); a longer match goes on in
   * a new file. Default 3600. Whatever the length, a match that empties closes its file.
   */
  segmentS?: number;
}

/** One recording as `GET /replays` lists it. */
export interface RecordingEntry {
  /** Its id: the file name without `.skr` (the match id, in safe characters). */
  id: string;
  /** Match type, when known. */
  type?: string;
  /** When recording began, epoch ms (the file's time when nothing better is known). */
  startedAt: number;
  /** Ticks recorded, once finished (undefined while live or when unknown). */
  ticks?: number;
  /** Simulated seconds recorded, once finished. */
  durationS?: number;
  /** Bytes written so far. */
  bytes: number;
  /** True while the match is still being recorded. */
  live: boolean;
}

/** A recording file being written. */
export interface RecordingFile {
  /** Its id (file name without `.skr`). */
  readonly id: string;
  /** Absolute path of the file. */
  readonly path: string;
  /** Bytes handed to `write` so far. */
  readonly bytes: number;
  /** False once the file failed (disk error, backed-up writes): later writes are ignored. */
  readonly ok: boolean;
  /**
   * Appends bytes: copied, so the caller may reuse its buffer, unless `handedOver` says the caller
   * never touches these bytes again (a recorder's chunks), which saves a copy a second.
   */
  write(chunk: Uint8Array, handedOver?: boolean): void;
  /** Ends the file, writes its sidecar with what is known, then applies retention. Resolves once all of it is on disk. */
  finish(summary?: { ticks?: number; durationS?: number }): Promise<void>;
}

/** The recordings folder of a server. */
export interface RecordingStore {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** Starts a file for match `matchId` of `type`. @throws if the folder or the file cannot be created. */
  open(matchId: string, type: string): RecordingFile;
  /** Every recording in the folder, newest first. */
  list(): Promise<RecordingEntry[]>;
  /** A recording by id (unknown or malformed ids: undefined). */
  find(id: string): Promise<{ path: string; entry: RecordingEntry } | undefined>;
  /** Deletes the oldest recordings beyond the limits (never a live one). */
  prune(): Promise<void>;
  /** Waits until every file opened so far is finished and retention has run. */
  settled(): Promise<void>;
}

/** Ids a recording may have: the registry's match id alphabet, plus room for a collision suffix. */
export const RECORDING_ID = /^[A-Za-z0-9_-]{1,72}$/;
const EXT = '.skr';
const SIDECAR = '.json';

interface Sidecar {
  id: string;
  type?: string;
  startedAt?: number;
  ticks?: number;
  durationS?: number;
}

/** The recording options of the environment: `RECORD=0` turns recording off; `RECORD_DIR` is the folder. */
export function recordingFromEnv(env: NodeJS.ProcessEnv = process.env): RecordingOptions | false {
  if (env.RECORD === '0' || env.RECORD === 'false' || env.RECORD === 'off') return false;
  return env.RECORD_DIR ? { dir: env.RECORD_DIR } : {};
}

/**
 * Creates the store of a recordings folder. The folder is made on first use.
 * @throws if a limit is not a positive number.
 */
export function createRecordingStore(options: RecordingOptions, log: Logger): RecordingStore {
  const dir = resolve(options.dir ?? process.env.RECORD_DIR ?? 'recordings');
  const maxFiles = options.maxFiles ?? 50;
  const maxBytes = options.maxBytes ?? 500 * 1000 * 1000;
  const maxPending = options.maxPendingBytes ?? 32 * 1024 * 1024;
  for (const [name, value] of [['maxFiles', maxFiles], ['maxBytes', maxBytes], ['maxPendingBytes', maxPending]] as const) {
    if (!(typeof value === 'number' && value > 0)) throw new Error(`Skirmish: recording ${name} must be a positive number, got ${String(value)}`);
  }
  const live = new Map<string, { file: RecordingFile; type: string; startedAt: number }>();
  const pending = new Set<Promise<void>>();
  let made = false;
  // One retention pass at a time; a request during a pass runs one more pass after it.
  let pruning: Promise<void> | undefined;
  let again = false;

  const track = (p: Promise<void>): Promise<void> => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
    return p;
  };

  const writeSidecar = (id: string, sidecar: Sidecar): Promise<void> =>
    writeFile(join(dir, id + SIDECAR), `${JSON.stringify(sidecar)}\n`).catch((error: unknown) => {
      log.warn({ err: error, recording: id }, 'recording sidecar not written');
    });

  const readSidecar = async (id: string): Promise<Sidecar | undefined> => {
    try {
      const parsed = JSON.parse(await readFile(join(dir, id + SIDECAR), 'utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Sidecar) : undefined;
    } catch {
      return undefined;
    }
  };

  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

  const entryOf = async (id: string, size: number, mtimeMs: number): Promise<RecordingEntry> => {
    const running = live.get(id);
    if (running) return { id, type: running.type, startedAt: running.startedAt, bytes: size, live: true };
    const side = await readSidecar(id);
    return {
      id,
      type: typeof side?.type === 'string' ? side.type : undefined,
      startedAt: num(side?.startedAt) ?? Math.round(mtimeMs),
      ticks: num(side?.ticks),
      durationS: num(side?.durationS),
      bytes: size,
      live: false,
    };
  };

  /** Files of the folder with their size and time, newest first. */
  const scan = async (): Promise<{ id: string; size: number; mtimeMs: number }[]> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      // No folder yet, or one that cannot be read: no recordings to list or keep.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error, dir }, 'recordings folder unreadable');
      return [];
    }
    const files: { id: string; size: number; mtimeMs: number }[] = [];
    await Promise.all(names.map(async (name) => {
      if (!name.endsWith(EXT)) return;
      const id = name.slice(0, -EXT.length);
      if (!RECORDING_ID.test(id)) return;
      try {
        const s = await stat(join(dir, name));
        if (s.isFile()) files.push({ id, size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // Deleted between readdir and stat: not a recording any more.
      }
    }));
    // A live file is the newest whatever its time says; then by time, then by id for a stable order.
    return files.sort((a, b) => Number(live.has(b.id)) - Number(live.has(a.id)) || b.mtimeMs - a.mtimeMs || (a.id < b.id ? -1 : 1));
  };

  const pruneOnce = async (): Promise<void> => {
    const files = await scan();
    let keptFiles = 0;
    let keptBytes = 0;
    let full = false;
    for (const f of files) {
      if (live.has(f.id)) {
        keptFiles++;
        keptBytes += f.size;
        continue;
      }
      if (!full && keptFiles + 1 <= maxFiles && keptBytes + f.size <= maxBytes) {
        keptFiles++;
        keptBytes += f.size;
        continue;
      }
      // Once one recording does not fit, every older one goes too: retention keeps the newest.
      full = true;
      await unlink(join(dir, f.id + EXT)).catch(() => undefined);
      await unlink(join(dir, f.id + SIDECAR)).catch(() => undefined);
      log.info({ recording: f.id, bytes: f.size }, 'recording deleted (retention)');
    }
  };

  const prune = (): Promise<void> => {
    if (pruning) {
      again = true;
      return pruning;
    }
    pruning = (async () => {
      do {
        again = false;
        await pruneOnce().catch((error: unknown) => log.warn({ err: error }, 'recording retention failed'));
      } while (again);
    })().finally(() => {
      pruning = undefined;
    });
    return track(pruning);
  };

  const openFree = (base: string): { id: string; path: string; fd: number } => {
    // A name already on disk (a restarted process reusing an id) gets a suffix: never overwrite a recording.
    for (let n = 0; n < 100; n++) {
      const id = n === 0 ? base : `${base}-${n}`;
      const path = join(dir, id + EXT);
      try {
        return { id, path, fd: openSync(path, 'wx') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new Error(`Skirmish: no free recording file name for ${base} in ${dir}`);
  };

  return {
    dir,
    open(matchId, type) {
      if (!made) {
        mkdirSync(dir, { recursive: true });
        made = true;
      }
      const base = matchId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'match';
      const { id, path, fd } = openFree(base);
      const startedAt = Date.now();
      const stream: WriteStream = createWriteStream(path, { fd });
      let bytes = 0;
      let ok = true;
      let finished: Promise<void> | undefined;
      const closed = new Promise<void>((done) => stream.once('close', () => done()));
      stream.on('error', (error) => {
        if (ok) log.error({ err: error, recording: id }, 'recording write failed; this match is no longer recorded');
        ok = false;
      });
      const file: RecordingFile = {
        id,
        path,
        get bytes() {
          return bytes;
        },
        get ok() {
          return ok;
        },
        write(chunk, handedOver = false) {
          if (!ok || finished) return;
          if (stream.writableLength > maxPending) {
            ok = false;
            log.error({ recording: id, pendingBytes: stream.writableLength }, 'recording writes backed up; this match is no longer recorded');
            return;
          }
          bytes += chunk.byteLength;
          stream.write(handedOver ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.from(chunk));
        },
        finish(summary = {}) {
          finished ??= track((async () => {
            stream.end();
            await closed;
            await started;
            live.delete(id);
            await writeSidecar(id, { id, type, startedAt, ...summary });
            await prune();
          })());
          return finished;
        },
      };
      live.set(id, { file, type, startedAt });
      const started = writeSidecar(id, { id, type, startedAt });
      void prune();
      return file;
    },
    async list() {
      const files = await scan();
      const entries = await Promise.all(files.map((f) => entryOf(f.id, f.size, f.mtimeMs)));
      return entries.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : 1));
    },
    async find(id) {
      if (!RECORDING_ID.test(id)) return undefined;
      const path = join(dir, id + EXT);
      try {
        const s = await stat(path);
        if (!s.isFile()) return undefined;
        return { path, entry: await entryOf(id, s.size, s.mtimeMs) };
      } catch {
        return undefined;
      }
    },
    prune,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
