// The replay API at the gateway: every recording lives on the worker that hosted its match, so
// GET /replays merges the live workers' lists and GET /replays/<id> is proxied to the worker
// holding that file (the registry names a live match's worker; a finished one is looked up in
// the lists). A worker that is gone takes its recordings with it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RECORDING_ID, type RecordingEntry } from '../server/recordings';
import { noSuchReplay } from '../server/replays-http';
import { sendJson } from './http-api';
import type { Registry, WorkerView } from './registry';

/** What the gateway lends its replay API. */
export interface GatewayReplaysOptions {
  registry: Registry;
  /** Live workers (the registry's, or the gateway's last copy when it is down). */
  workers(): Promise<WorkerView[]>;
  /** A live worker by id. */
  findWorker(id: string): Promise<WorkerView | undefined>;
  /** Proxies the request, its URL already rewritten, to `worker`. */
  forward(req: IncomingMessage, res: ServerResponse, worker: WorkerView): void;
  /** How long a worker may take to list its recordings. Default 2000 ms. */
  listTimeoutMs?: number;
}

/** A listing entry at the gateway: the worker's entry plus the worker's id. */
export type ClusterRecordingEntry = RecordingEntry & { worker: string };

/** Creates the gateway's handler of /replays (`id` '') and /replays/<id>. */
export function createGatewayReplays(options: GatewayReplaysOptions): (req: IncomingMessage, res: ServerResponse, id: string) => Promise<void> {
  const timeoutMs = options.listTimeoutMs ?? 2000;

  /** Each live worker's recordings (an unreachable worker lists none). */
  const lists = async (): Promise<{ worker: WorkerView; entries: RecordingEntry[] }[]> =>
    Promise.all((await options.workers()).map(async (worker) => {
      try {
        const res = await fetch(`${worker.url}/replays`, { signal: AbortSignal.timeout(timeoutMs) });
        const body = (await res.json()) as unknown;
        return { worker, entries: res.ok && Array.isArray(body) ? (body as RecordingEntry[]) : [] };
      } catch {
        return { worker, entries: [] };
      }
    }));

  return async (req, res, id) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: 'method', message: 'GET or HEAD only' }, { allow: 'GET, HEAD' });
    }
    if (id === '') {
      const merged: ClusterRecordingEntry[] = (await lists()).flatMap(({ worker, entries }) => entries.map((e) => ({ ...e, worker: worker.id })));
      merged.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : 1));
      return sendJson(res, 200, merged);
    }
    if (!RECORDING_ID.test(id)) return noSuchReplay(res);
    const live = (await options.registry.matches().catch(() => [])).find((m) => m.id === id);
    let worker = live === undefined ? undefined : await options.findWorker(live.worker);
    worker ??= (await lists()).find(({ entries }) => entries.some((e) => e.id === id))?.worker;
    if (worker === undefined) return noSuchReplay(res);
    req.url = `/replays/${id}`;
    options.forward(req, res, worker);
  };
}
