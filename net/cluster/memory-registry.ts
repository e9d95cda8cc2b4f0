// The registry in one process's memory: the embedded default (gateway and workers in one process,
// no external service). Every method runs to completion synchronously before its promise settles,
// which is what makes it atomic; semantics match the Redis registry exactly (one test suite).
// Over 250 lines because it is one Registry, operation for operation the same as
// redis-registry.ts, so the two read side by side.
import {
  checkHeartbeat, checkPlaceRequest, clusterFullMessage, ID_PATTERN, newMatchId, newSeatToken, registryTimings, RegistryError,
  type ClaimResult, type MatchInfo, type Placement, type PlaceRequest, type Registry, type RegistryOptions,
  type RegistryStats, type WorkerInfo, type WorkerView,
} from './registry';

/** Options of the in-memory registry. */
export interface MemoryRegistryOptions extends RegistryOptions {
  /** Clock in epoch ms; tests may drive it. Default Date.now. */
  now?: () => number;
}

interface WorkerLoad {
  players: number;
  matches: number;
  full: boolean;
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
}

/** Every token issued, kept apart from its match so that its fate outlives the match. */
interface SeatRecord {
  matchId: string;
  expiresAt: number;
  used: boolean;
  forgetAt: number;
}

/** The in-memory registry. */
export class MemoryRegistry implements Registry {
  private readonly timings: Required<RegistryOptions>;
  private readonly now: () => number;
  private readonly workerRecords = new Map<string, WorkerRecord>();
  private readonly matchRecords = new Map<string, MatchRecord>();
  /** Issued tokens in issue order (so forgetting is from the front), until rememberSeatsMs after they ended. */
  private readonly seats = new Map<string, SeatRecord>();
  private readonly counters: RegistryStats = { made: 0, used: 0, expired: 0 };
  private closed = false;

  constructor(options: MemoryRegistryOptions = {}) {
    this.timings = registryTimings(options);
    this.now = options.now ?? Date.now;
  }

  async ready(): Promise<void> {
    if (this.closed) throw new RegistryError('unavailable', 'registry closed');
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
          reservations: new Map(),
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
    const loads = this.workerLoads(now);
    if (request.matchId !== undefined) {
      const record = this.matchRecords.get(request.matchId);
      if (!record || record.info.type !== request.type) throw new RegistryError('not_found', `no match ${request.matchId} of type ${request.type}`);
      if (record.info.players + this.prune(record, now) >= record.info.capacity) throw new RegistryError('full', `match ${request.matchId} is full`);
      if (loads.get(record.info.worker)!.full) throw new RegistryError('full', `the server of match ${request.matchId} is full`);
      return this.reserve(record, now, false);
    }
    if (!request.create) {
      let best: MatchRecord | undefined;
      let bestLoad = -1;
      // Oldest first, so ties go to the oldest match; the fullest with room wins.
      for (const record of [...this.matchRecords.values()].sort((a, b) => a.info.createdAt - b.info.createdAt)) {
        if (record.info.type !== request.type || loads.get(record.info.worker)!.full) continue;
        const load = record.info.players + this.prune(record, now);
        if (load < record.info.capacity && load > bestLoad) {
          best = record;
          bestLoad = load;
        }
      }
      if (best) return this.reserve(best, now, false);
    }
    const worker = this.leastLoaded(loads);
    const id = newMatchId();
    const record: MatchRecord = {
      info: { id, type: request.type, players: 0, capacity: request.capacity, worker, createdAt: now, spectators: 0 },
      reservations: new Map(),
    };
    this.matchRecords.set(id, record);
    return this.reserve(record, now, true);
  }

  async claimSeat(matchId: string, token: string): Promise<ClaimResult> {
    this.open();
    const now = this.now();
    this.sweep(now);
    if (typeof matchId !== 'string' || typeof token !== 'string' || !ID_PATTERN.test(token)) return 'unknown';
    const record = this.matchRecords.get(matchId);
    if (record) {
      this.prune(record, now);
      if (record.reservations.has(token)) {
        record.reservations.delete(token);
        const seat = this.seats.get(token);
        if (seat) {
          seat.used = true;
          seat.forgetAt = now + this.timings.rememberSeatsMs;
        }
        record.info.players++;
        this.counters.used++;
        return 'ok';
      }
    }
    // Not claimable: what became of it, even if its match is gone (a pending match dropped once
    // its seats expired, a disposed match, a dead worker's).
    const seat = this.seats.get(token);
    if (!seat || seat.matchId !== matchId || seat.forgetAt <= now) return 'unknown';
    if (seat.used) return 'used';
    return seat.expiresAt <= now ? 'expired' : 'unknown';
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
    this.seats.clear();
  }

  private open(): void {
    if (this.closed) throw new RegistryError('unavailable', 'registry closed');
  }

  /** Drops workers past their TTL and their matches: what Redis key expiry does for the other implementation. */
  private sweep(now: number): void {
    for (const [id, w] of this.workerRecords) if (now - w.seen >= this.timings.workerTtlMs) this.workerRecords.delete(id);
    for (const [id, record] of this.matchRecords) if (!this.workerRecords.has(record.info.worker)) this.matchRecords.delete(id);
    // Issue order is nearly forget order (a claim only brings forgetting closer): stop at the first
    // token still remembered; claimSeat checks forgetAt itself.
    for (const [token, seat] of this.seats) {
      if (seat.forgetAt > now) break;
      this.seats.delete(token);
    }
  }

  /** Drops reservations whose time is up (counting them); returns how many are still live. */
  private prune(record: MatchRecord, now: number): number {
    for (const [token, expiresAt] of record.reservations) {
      if (expiresAt <= now) {
        record.reservations.delete(token);
        this.counters.expired++;
      }
    }
    return record.reservations.size;
  }

  /** Every live worker's players plus reservations and match count, oldest registration first, and whether it is at capacity. */
  private workerLoads(now: number): Map<string, WorkerLoad> {
    const loads = new Map<string, WorkerLoad>();
    const ordered = [...this.workerRecords.values()].sort((a, b) => a.registered - b.registered);
    for (const w of ordered) loads.set(w.info.id, { players: 0, matches: 0, full: false });
    for (const record of this.matchRecords.values()) {
      const load = loads.get(record.info.worker);
      if (!load) continue;
      load.players += record.info.players + this.prune(record, now);
      load.matches++;
    }
    for (const w of ordered) {
      const load = loads.get(w.info.id)!;
      load.full = w.info.capacity !== undefined && load.players >= w.info.capacity;
    }
    return loads;
  }

  /** The live worker with room with the fewest players plus reservations, ties by fewer matches, then oldest. */
  private leastLoaded(loads: Map<string, WorkerLoad>): string {
    if (loads.size === 0) throw new RegistryError('no_workers', 'no live worker to host a new match');
    let best: string | undefined;
    let bestLoad: WorkerLoad | undefined;
    for (const [id, load] of loads) {
      if (load.full) continue;
      if (!bestLoad || load.players < bestLoad.players || (load.players === bestLoad.players && load.matches < bestLoad.matches)) {
        best = id;
        bestLoad = load;
      }
    }
    if (best === undefined) throw new RegistryError('full', clusterFullMessage(loads.size));
    return best;
  }

  private reserve(record: MatchRecord, now: number, created: boolean): Placement {
    const token = newSeatToken();
    const expiresAt = now + this.timings.seatTtlMs;
    record.reservations.set(token, expiresAt);
    this.seats.set(token, { matchId: record.info.id, expiresAt, used: false, forgetAt: expiresAt + this.timings.rememberSeatsMs });
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
