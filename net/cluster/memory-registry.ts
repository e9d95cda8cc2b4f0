// The registry in one process's memory: the embedded default (gateway and workers in one process,
// no external service). Every method runs to completion synchronously before its promise settles,
// which is what makes it atomic; semantics match the Redis registry exactly (one test suite).
import {
  checkHeartbeat, checkPlaceRequest, newMatchId, newSeatToken, registryTimings, RegistryError,
  type ClaimResult, type MatchInfo, type Placement, type PlaceRequest, type Registry, type RegistryOptions,
  type RegistryStats, type WorkerInfo, type WorkerView,
} from './registry';

/** Options of the in-memory registry. */
export interface MemoryRegistryOptions extends RegistryOptions {
  /** Clock in epoch ms; tests may drive it. Default Date.now. */
  now?: () => number;
}

interface WorkerRecord {
  info: WorkerInfo;
  seen: number;
  registered: number;
}

interface MatchRecord {
  info: MatchInfo;
  /** Pending reservations: token → expiresAt. */
  reservations: Map<string, number>;
  /** Used and expired tokens: token → time to forget them. */
  used: Map<string, number>;
  expired: Map<string, number>;
}

/** The in-memory registry. */
export class MemoryRegistry implements Registry {
  private readonly timings: Required<RegistryOptions>;
  private readonly now: () => number;
  private readonly workerRecords = new Map<string, WorkerRecord>();
  private readonly matchRecords = new Map<string, MatchRecord>();
  private readonly counters: RegistryStats = { made: 0, used: 0, expired: 0 };
  private closed = false;

  constructor(options: MemoryRegistryOptions = {}) {
    this.timings = registryTimings(options);
    this.now = options.now ?? Date.now;
  }

  async heartbeat(worker: WorkerInfo, matches: MatchInfo[]): Promise<void> {
    this.open();
    checkHeartbeat(worker, matches);
    const now = this.now();
    this.sweep(now);
    const previous = this.workerRecords.get(worker.id);
    this.workerRecords.set(worker.id, { info: { ...worker }, seen: now, registered: previous?.registered ?? now });
    const reported = new Set<string>();
    for (const m of matches) {
      reported.add(m.id);
      const record = this.matchRecords.get(m.id);
      if (record) {
        record.info = { ...record.info, type: m.type, players: m.players, capacity: m.capacity, worker: worker.id, spectators: m.spectators ?? 0 };
      } else {
        this.matchRecords.set(m.id, {
          info: { id: m.id, type: m.type, players: m.players, capacity: m.capacity, worker: worker.id, createdAt: m.createdAt, spectators: m.spectators ?? 0 },
          reservations: new Map(), used: new Map(), expired: new Map(),
        });
      }
    }
    for (const [id, record] of this.matchRecords) {
      if (record.info.worker !== worker.id || reported.has(id)) continue;
      const live = this.prune(record, now);
      if (live === 0 && now - record.info.createdAt >= this.timings.pendingMatchMs) this.matchRecords.delete(id);
    }
  }

  async removeWorker(id: string): Promise<void> {
    this.open();
    this.workerRecords.delete(id);
    for (const [matchId, record] of this.matchRecords) if (record.info.worker === id) this.matchRecords.delete(matchId);
  }

  async workers(): Promise<WorkerView[]> {
    this.open();
    const now = this.now();
    this.sweep(now);
    return [...this.workerRecords.values()]
      .sort((a, b) => a.registered - b.registered)
      .map((w) => ({ ...w.info, heartbeatAgeMs: now - w.seen }));
  }

  async matches(): Promise<MatchInfo[]> {
    this.open();
    const now = this.now();
    this.sweep(now);
    return [...this.matchRecords.values()].map((r) => ({ ...r.info, reserved: this.prune(r, now) }));
  }

  async match(id: string): Promise<MatchInfo | undefined> {
    this.open();
    const now = this.now();
    this.sweep(now);
    const record = this.matchRecords.get(id);
    return record ? { ...record.info, reserved: this.prune(record, now) } : undefined;
  }

  async placeSeat(request: PlaceRequest): Promise<Placement> {
    this.open();
    checkPlaceRequest(request);
    const now = this.now();
    this.sweep(now);
    if (request.matchId !== undefined) {
      const record = this.matchRecords.get(request.matchId);
      if (!record || record.info.type !== request.type) throw new RegistryError('not_found', `no match ${request.matchId} of type ${request.type}`);
      if (record.info.players + this.prune(record, now) >= record.info.capacity) throw new RegistryError('full', `match ${request.matchId} is full`);
      return this.reserve(record, now, false);
    }
    if (!request.create) {
      let best: MatchRecord | undefined;
      let bestLoad = -1;
      // Oldest first, so ties go to the oldest match; the fullest with room wins.
      for (const record of [...this.matchRecords.values()].sort((a, b) => a.info.createdAt - b.info.createdAt)) {
        if (record.info.type !== request.type) continue;
        const load = record.info.players + this.prune(record, now);
        if (load < record.info.capacity && load > bestLoad) {
          best = record;
          bestLoad = load;
        }
      }
      if (best) return this.reserve(best, now, false);
    }
    const worker = this.leastLoaded(now);
    const id = newMatchId();
    const record: MatchRecord = {
      info: { id, type: request.type, players: 0, capacity: request.capacity, worker, createdAt: now, spectators: 0 },
      reservations: new Map(), used: new Map(), expired: new Map(),
    };
    this.matchRecords.set(id, record);
    return this.reserve(record, now, true);
  }

  async claimSeat(matchId: string, token: string): Promise<ClaimResult> {
    this.open();
    const now = this.now();
    this.sweep(now);
    const record = this.matchRecords.get(matchId);
    if (!record || typeof token !== 'string') return 'unknown';
    this.prune(record, now);
    if (record.reservations.has(token)) {
      record.reservations.delete(token);
      record.used.set(token, now + this.timings.rememberSeatsMs);
      record.info.players++;
      this.counters.used++;
      return 'ok';
    }
    if (record.used.has(token)) return 'used';
    if (record.expired.has(token)) return 'expired';
    return 'unknown';
  }

  async releasePlayer(matchId: string): Promise<void> {
    this.open();
    const record = this.matchRecords.get(matchId);
    if (record && record.info.players > 0) record.info.players--;
  }

  async removeMatch(id: string): Promise<void> {
    this.open();
    this.matchRecords.delete(id);
  }

  async stats(): Promise<RegistryStats> {
    this.open();
    const now = this.now();
    this.sweep(now);
    for (const record of this.matchRecords.values()) this.prune(record, now);
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.workerRecords.clear();
    this.matchRecords.clear();
  }

  private open(): void {
    if (this.closed) throw new RegistryError('unavailable', 'registry closed');
  }

  /** Drops workers past their TTL and their matches: what Redis key expiry does for the other implementation. */
  private sweep(now: number): void {
    for (const [id, w] of this.workerRecords) if (now - w.seen >= this.timings.workerTtlMs) this.workerRecords.delete(id);
    for (const [id, record] of this.matchRecords) if (!this.workerRecords.has(record.info.worker)) this.matchRecords.delete(id);
  }

  /** Moves reservations whose time is up to the expired list; returns how many are still live. */
  private prune(record: MatchRecord, now: number): number {
    for (const [token, expiresAt] of record.reservations) {
      if (expiresAt <= now) {
        record.reservations.delete(token);
        record.expired.set(token, now + this.timings.rememberSeatsMs);
        this.counters.expired++;
      }
    }
    for (const remembered of [record.used, record.expired]) {
      for (const [token, forgetAt] of remembered) if (forgetAt <= now) remembered.delete(token);
    }
    return record.reservations.size;
  }

  /** The live worker with the fewest players plus reservations, ties by fewer matches, then oldest. */
  private leastLoaded(now: number): string {
    let best: string | undefined;
    let bestPlayers = Infinity;
    let bestMatches = Infinity;
    const ordered = [...this.workerRecords.values()].sort((a, b) => a.registered - b.registered);
    for (const w of ordered) {
      let players = 0;
      let matches = 0;
      for (const record of this.matchRecords.values()) {
        if (record.info.worker !== w.info.id) continue;
        players += record.info.players + this.prune(record, now);
        matches++;
      }
      if (players < bestPlayers || (players === bestPlayers && matches < bestMatches)) {
        best = w.info.id;
        bestPlayers = players;
        bestMatches = matches;
      }
    }
    if (best === undefined) throw new RegistryError('no_workers', 'no live worker to host a new match');
    return best;
  }

  private reserve(record: MatchRecord, now: number, created: boolean): Placement {
    const token = newSeatToken();
    const expiresAt = now + this.timings.seatTtlMs;
    record.reservations.set(token, expiresAt);
    this.counters.made++;
    return {
      seat: { matchId: record.info.id, token, expiresAt },
      match: { ...record.info, reserved: record.reservations.size },
      created,
    };
  }
}

/** Creates the in-memory registry (the embedded default). */
export function createMemoryRegistry(options: MemoryRegistryOptions = {}): MemoryRegistry {
  return new MemoryRegistry(options);
}
