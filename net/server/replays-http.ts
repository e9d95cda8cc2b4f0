// GET /replays (the recordings of this process's folder, newest first) and GET /replays/<id> (one
// file: a finished one cached by ETag, a live one as far as it is written, never cached).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../cluster/http-api';
import { RECORDING_ID, type RecordingStore } from './recordings';

/** Path prefix of the replay API. */
export const REPLAYS_PATH = '/replays';

/** Answers /replays and /replays/<id>; resolves false for any other path. */
export type ReplaysApi = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/** The id in a `/replays/<id>` path ('' for the list), or undefined when `path` is not the replay API's. */
export function replayPathId(path: string): string | undefined {
  if (path === REPLAYS_PATH || path === `${REPLAYS_PATH}/`) return '';
  if (!path.startsWith(`${REPLAYS_PATH}/`)) return undefined;
  return path.slice(REPLAYS_PATH.length + 1);
}

/** The 404 every unknown or malformed recording id gets. */
export function noSuchReplay(res: ServerResponse): void {
  sendJson(res, 404, { error: 'not_found', message: 'no such recording: GET /replays lists them' });
}

/** True when an If-None-Match header names `etag` (or `*`). */
function notModified(header: string | undefined, etag: string): boolean {
  return header !== undefined && header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);
}

/**
 * Creates the handler of the replay API over `store`; with no store (recording off) the list is
 * empty and every id is unknown.
 */
export function createReplaysApi(store: RecordingStore | undefined): ReplaysApi {
  return async (req, res, path) => {
    const id = replayPathId(path);
    if (id === undefined) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method', message: 'GET or HEAD only' }, { allow: 'GET, HEAD' });
      return true;
    }
    if (id === '') {
      sendJson(res, 200, store ? await store.list() : []);
      return true;
    }
    // Matched before any decoding, so `..`, `%2F` and friends can never name a file.
    const found = RECORDING_ID.test(id) && store ? await store.find(id) : undefined;
    if (found === undefined) {
      noSuchReplay(res);
      return true;
    }
    const { entry, path: file } = found;
    // Bytes on disk now: a live file grows, and what was written up to here is a valid prefix.
    let size: number;
    let mtimeMs: number;
    try {
      ({ size, mtimeMs } = await stat(file));
    } catch {
      noSuchReplay(res);
      return true;
    }
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${entry.id}.skr"`,
      'x-content-type-options': 'nosniff',
      'x-recording-live': entry.live ? '1' : '0',
    };
    if (entry.live) {
      headers['cache-control'] = 'no-store';
    } else {
      // A finished recording never changes; its size and time name it.
      const etag = `"${size.toString(36)}-${Math.round(mtimeMs).toString(36)}"`;
      headers.etag = etag;
      headers['cache-control'] = 'public, max-age=86400';
      if (notModified(req.headers['if-none-match'], etag)) {
        res.writeHead(304, headers).end();
        return true;
      }
    }
    headers['content-length'] = size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return true;
    }
    const body = createReadStream(file, { start: 0, end: size - 1 });
    // Deleted by retention mid-download, or a disk error: the client sees a cut transfer, the server carries on.
    body.once('error', () => res.destroy());
    body.pipe(res);
    return true;
  };
}
