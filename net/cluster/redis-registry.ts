// One file over 250 lines because it is one Registry over one key layout: the Lua scripts and the
// class that runs them must agree on every key and field below.
// The registry in Redis, shared by every gateway and worker of a cluster. Each operation is one Lua
// script (run by EVALSHA through ioredis's defineCommand), so placement, capacity accounting and
// seat claims are atomic across processes. Liveness is Redis key expiry: a worker's keys and its
// matches' keys carry the worker's TTL, refreshed by its heartbeats, so a dead worker and its
// matches vanish on their own; reads also skip matches whose worker key is gone. Keys, all under
// `prefix` (default 'skirmish:'):
//   w:<worker>      hash   the worker's last report (capacity -1: none) + `seen` (ms)   TTL workerTtlMs
//   wm:<worker>     set    ids of the worker's matches                        TTL workerTtlMs
//   workers         zset   worker id → first registration (index; dead members pruned on read)
//   m:<match>       hash   type, players, capacity, worker, createdAt         TTL workerTtlMs
//   r:<match>       zset   pending reservation token → expiresAt              expires with m:
//   s:<token>       string `<match> <expiresAt>`, then `<match> used`: what became of an issued
//                          seat, kept apart from its match so 'expired'/'used' outlive it
//                                                                              TTL rememberSeatsMs after its end
//   t:<type>        zset   match id → createdAt (index; dead members pruned on read)
//   stats           hash   made, used, expired
// Time is Redis's own clock (TIME), so gateways and workers with skewed clocks agree.
// Scripts touch keys they compute from the prefix: this needs one Redis (or a primary with
// replicas), not Redis Cluster.
import { Redis, type RedisOptions } from 'ioredis';
import { pino, type Logger } from 'pino';
import {
  checkHeartbeat, checkPlaceRequest, clusterFullMessage, ID_PATTERN, newMatchId, newSeatToken, registryTimings, RegistryError,
  type ClaimResult, type MatchInfo, type Placement, type PlaceRequest, type Registry, type RegistryOptions,
  type RegistryStats, type WorkerInfo, type WorkerView,
} from './registry';

/** Options of the Redis registry. */
export interface RedisRegistryOptions extends RegistryOptions {
  /** `redis://[:password@]host:port[/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prefix of every key, so that clusters (and tests) sharing one Redis never collide. Default 'skirmish:'. */
  prefix?: string;
  /**
   * A command without a reply after this long fails as 'unavailable' (a Redis that is down fails
   * at once: its connection is closed). Default 3000 ms: Node runs due timers before it reads
   * sockets, so an event loop held up longer than this (GC, a long tick, a starved CPU) fails a
   * command Redis had already answered — a placement then answers 503 for a seat it made.
   */
  commandTimeoutMs?: number;
  /** Most time between reconnection attempts. Default 1000 ms, so recovery is prompt. */
  maxReconnectDelayMs?: number;
  /** Extra ioredis options (TLS, username, password…); the fail-fast settings above win. */
  redis?: RedisOptions;
  logger?: Logger;
}

// Shared by every script: the prefix, Redis's clock, and the helpers that keep per-match keys tidy.
const PRELUDE = `
local P = ARGV[1]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local stats = P .. 'stats'

-- Per-match keys expire with the match record, which expires with its worker.
local function follow(key, id, fallback)
  local ttl = redis.call('PTTL', P .. 'm:' .. id)
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PEXPIRE', key, fallback) end
end

-- The match if its record and its worker are alive, else nil.
local function alive(id)
  local m = redis.call('HMGET', P .. 'm:' .. id, 'type', 'players', 'capacity', 'worker', 'createdAt', 'spectators')
  if not m[1] then return nil end
  if redis.call('EXISTS', P .. 'w:' .. m[4]) == 0 then return nil end
  return { id = id, type = m[1], players = tonumber(m[2]) or 0, capacity = tonumber(m[3]) or 0, worker = m[4], createdAt = tonumber(m[5]) or 0,
    spectators = tonumber(m[6]) or 0 }
end

-- Drops reservations whose time is up (and counts them); returns how many are still live. Their
-- tokens' s: keys say 'expired' by their own expiresAt.
local function prune(id)
  local r = P .. 'r:' .. id
  local gone = redis.call('ZREMRANGEBYSCORE', r, '-inf', now)
  if gone > 0 then redis.call('HINCRBY', stats, 'expired', gone) end
  return redis.call('ZCARD', r)
end

local function drop(id, worker, mtype)
  redis.call('DEL', P .. 'm:' .. id, P .. 'r:' .. id)
  if worker then redis.call('SREM', P .. 'wm:' .. worker, id) end
  if mtype then redis.call('ZREM', P .. 't:' .. mtype, id) end
end

-- Live worker ids in registration order; dead ones leave the index.
local function liveWorkers()
  local out = {}
  for _, wid in ipairs(redis.call('ZRANGE', P .. 'workers', 0, -1)) do
    if redis.call('EXISTS', P .. 'w:' .. wid) == 1 then out[#out + 1] = wid
    else redis.call('ZREM', P .. 'workers', wid) end
  end
  return out
end

-- Live matches of a worker, each with its live reservation count.
local function workerMatches(wid)
  local out = {}
  local wm = P .. 'wm:' .. wid
  for _, id in ipairs(redis.call('SMEMBERS', wm)) do
    local m = alive(id)
    if m then
      m.reserved = prune(id)
      out[#out + 1] = m
    else
      redis.call('SREM', wm, id)
    end
  end
  return out
end
`;

// ARGV: prefix, mode (join|auto|create), type, capacity, matchId, newId, token, seatTtl, remember.
// Returns {'ok', matchJson, expiresAt, created} or {'err', code}.
const PLACE = PRELUDE + `
local mode, mtype, capacity = ARGV[2], ARGV[3], tonumber(ARGV[4])
local matchId, newId, token = ARGV[5], ARGV[6], ARGV[7]
local seatTtl, remember = tonumber(ARGV[8]), tonumber(ARGV[9])

local function reserve(m, created)
  local r = P .. 'r:' .. m.id
  redis.call('ZADD', r, now + seatTtl, token)
  follow(r, m.id, seatTtl)
  redis.call('SET', P .. 's:' .. token, m.id .. ' ' .. (now + seatTtl), 'PX', seatTtl + math.max(1, remember))
  redis.call('HINCRBY', stats, 'made', 1)
  m.reserved = redis.call('ZCARD', r)
  return { 'ok', cjson.encode(m), tostring(now + seatTtl), created }
end

-- A worker's players plus live reservations over its matches, and its match count, once per call.
local loads = {}
local function load(wid)
  if not loads[wid] then
    local players, count = 0, 0
    for _, m in ipairs(workerMatches(wid)) do
      players = players + m.players + m.reserved
      count = count + 1
    end
    loads[wid] = { players = players, count = count }
  end
  return loads[wid]
end
-- True when the worker takes no more players (its reported capacity is reached).
local function full(wid)
  local capacity = tonumber(redis.call('HGET', P .. 'w:' .. wid, 'capacity')) or -1
  return capacity > 0 and load(wid).players >= capacity
end

if mode == 'join' then
  local m = alive(matchId)
  if not m or m.type ~= mtype then return { 'err', 'not_found' } end
  if m.players + prune(matchId) >= m.capacity then return { 'err', 'full' } end
  if full(m.worker) then return { 'err', 'worker_full' } end
  return reserve(m, '0')
end

if mode == 'auto' then
  -- The fullest match of the type with room, on a worker with room; ties go to the oldest (index order).
  local index = P .. 't:' .. mtype
  local best, bestLoad = nil, -1
  for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    local m = alive(id)
    if not m then
      redis.call('ZREM', index, id)
    else
      local matchLoad = m.players + prune(id)
      if matchLoad < m.capacity and matchLoad > bestLoad and not full(m.worker) then best, bestLoad = m, matchLoad end
    end
  end
  if best then return reserve(best, '0') end
end

-- A new match on the live worker with room with the fewest players plus reservations, then fewest matches.
local bestW, bestPlayers, bestCount = nil, math.huge, math.huge
local live = liveWorkers()
for _, wid in ipairs(live) do
  local l = load(wid)
  if not full(wid) and (l.players < bestPlayers or (l.players == bestPlayers and l.count < bestCount)) then
    bestW, bestPlayers, bestCount = wid, l.players, l.count
  end
end
if #live == 0 then return { 'err', 'no_workers' } end
if not bestW then return { 'err', 'cluster_full', #live } end
local mk = P .. 'm:' .. newId
if redis.call('EXISTS', mk) == 1 then return { 'err', 'collision' } end
local ttl = redis.call('PTTL', P .. 'w:' .. bestW)
if ttl <= 0 then ttl = seatTtl end
redis.call('HSET', mk, 'type', mtype, 'players', 0, 'capacity', capacity, 'worker', bestW, 'createdAt', now)
redis.call('PEXPIRE', mk, ttl)
redis.call('ZADD', P .. 't:' .. mtype, now, newId)
redis.call('SADD', P .. 'wm:' .. bestW, newId)
redis.call('PEXPIRE', P .. 'wm:' .. bestW, ttl)
return reserve({ id = newId, type = mtype, players = 0, capacity = capacity, worker = bestW, createdAt = now, spectators = 0 }, '1')
`;

// ARGV: prefix, matchId, token, remember. Returns ok | used | expired | unknown.
const CLAIM = PRELUDE + `
local id, token, remember = ARGV[2], ARGV[3], tonumber(ARGV[4])
local seat = P .. 's:' .. token
if alive(id) then
  prune(id)
  if redis.call('ZREM', P .. 'r:' .. id, token) == 1 then
    redis.call('HINCRBY', P .. 'm:' .. id, 'players', 1)
    redis.call('SET', seat, id .. ' used', 'PX', math.max(1, remember))
    redis.call('HINCRBY', stats, 'used', 1)
    return 'ok'
  end
end
-- Not claimable: what became of it, even if its match is gone (a pending match dropped once its
-- seats expired, a disposed match, a dead worker's).
local fate = redis.call('GET', seat)
if not fate then return 'unknown' end
local sep = string.find(fate, ' ', 1, true)
if not sep or string.sub(fate, 1, sep - 1) ~= id then return 'unknown' end
local state = string.sub(fate, sep + 1)
if state == 'used' then return 'used' end
if (tonumber(state) or now + 1) <= now then return 'expired' end
return 'unknown'
`;

// ARGV: prefix, matchId.
const RELEASE = PRELUDE + `
local mk = P .. 'm:' .. ARGV[2]
if (tonumber(redis.call('HGET', mk, 'players')) or 0) > 0 then redis.call('HINCRBY', mk, 'players', -1) end
return 1
`;

// ARGV: prefix, workerTtl, pendingMs, workerJson, matchesJson.
const HEARTBEAT = PRELUDE + `
local ttl, pending = tonumber(ARGV[2]), tonumber(ARGV[3])
local w = cjson.decode(ARGV[4])
local list = cjson.decode(ARGV[5])
local wk = P .. 'w:' .. w.id
redis.call('HSET', wk, 'id', w.id, 'pid', w.pid, 'host', w.host, 'url', w.url, 'matches', w.matches, 'players', w.players, 'cpu', w.cpu or -1,
  'capacity', w.capacity or -1, 'seen', now)
redis.call('PEXPIRE', wk, ttl)
redis.call('ZADD', P .. 'workers', 'NX', now, w.id)
local wm = P .. 'wm:' .. w.id
local function refresh(id)
  for _, k in ipairs({ 'm:', 'r:' }) do redis.call('PEXPIRE', P .. k .. id, ttl) end
end
local reported = {}
for _, m in ipairs(list) do
  reported[m.id] = true
  local mk = P .. 'm:' .. m.id
  local old = redis.call('HMGET', mk, 'createdAt', 'type')
  local createdAt = tonumber(old[1]) or m.createdAt
  if old[2] and old[2] ~= m.type then redis.call('ZREM', P .. 't:' .. old[2], m.id) end
  redis.call('HSET', mk, 'type', m.type, 'players', m.players, 'capacity', m.capacity, 'worker', w.id, 'createdAt', createdAt, 'spectators', m.spectators)
  refresh(m.id)
  redis.call('ZADD', P .. 't:' .. m.type, createdAt, m.id)
  redis.call('SADD', wm, m.id)
end
-- Matches the worker did not report: keep those still waiting for their first player.
for _, id in ipairs(redis.call('SMEMBERS', wm)) do
  if not reported[id] then
    local m = alive(id)
    if not m then
      redis.call('SREM', wm, id)
    elseif prune(id) > 0 or now - m.createdAt < pending then
      refresh(id)
    else
      drop(id, m.worker, m.type)
    end
  end
end
redis.call('PEXPIRE', wm, ttl)
return 1
`;

// ARGV: prefix, matchId.
const REMOVE_MATCH = PRELUDE + `
local m = redis.call('HMGET', P .. 'm:' .. ARGV[2], 'worker', 'type')
drop(ARGV[2], m[1], m[2])
return 1
`;

// ARGV: prefix, workerId.
const REMOVE_WORKER = PRELUDE + `
local wid = ARGV[2]
for _, id in ipairs(redis.call('SMEMBERS', P .. 'wm:' .. wid)) do
  local m = redis.call('HMGET', P .. 'm:' .. id, 'worker', 'type')
  drop(id, m[1], m[2])
end
redis.call('DEL', P .. 'w:' .. wid, P .. 'wm:' .. wid)
redis.call('ZREM', P .. 'workers', wid)
return 1
`;

// ARGV: prefix. Returns one JSON string per live worker.
const WORKERS = PRELUDE + `
local out = {}
for _, wid in ipairs(liveWorkers()) do
  local h = redis.call('HGETALL', P .. 'w:' .. wid)
  local w = {}
  for i = 1, #h, 2 do w[h[i]] = h[i + 1] end
  out[#out + 1] = cjson.encode({
    id = w.id, pid = tonumber(w.pid), host = w.host, url = w.url, matches = tonumber(w.matches),
    players = tonumber(w.players), cpu = tonumber(w.cpu), capacity = tonumber(w.capacity), heartbeatAgeMs = now - (tonumber(w.seen) or now),
  })
end
return out
`;

// ARGV: prefix, matchId ('' for all). Returns one JSON string per live match.
const MATCHES = PRELUDE + `
local only = ARGV[2]
local out = {}
if only ~= '' then
  local m = alive(only)
  if m then
    m.reserved = prune(only)
    out[1] = cjson.encode(m)
  end
  return out
end
for _, wid in ipairs(liveWorkers()) do
  for _, m in ipairs(workerMatches(wid)) do out[#out + 1] = cjson.encode(m) end
end
return out
`;

// ARGV: prefix. Notices expired reservations everywhere first, so 'expired' is current.
const STATS = PRELUDE + `
for _, wid in ipairs(liveWorkers()) do workerMatches(wid) end
return redis.call('HMGET', stats, 'made', 'used', 'expired')
`;

interface Scripts {
  skirmishPlace(...args: (string | number)[]): Promise<[string, string, string?, string?]>;
  skirmishClaim(...args: (string | number)[]): Promise<string>;
  skirmishRelease(...args: (string | number)[]): Promise<number>;
  skirmishHeartbeat(...args: (string | number)[]): Promise<number>;
  skirmishRemoveMatch(...args: (string | number)[]): Promise<number>;
  skirmishRemoveWorker(...args: (string | number)[]): Promise<number>;
  skirmishWorkers(...args: (string | number)[]): Promise<string[]>;
  skirmishMatches(...args: (string | number)[]): Promise<string[]>;
  skirmishStats(...args: (string | number)[]): Promise<(string | null)[]>;
}

/** The Redis registry. Fails fast with RegistryError 'unavailable' while Redis is unreachable, and reconnects by itself. */
export class RedisRegistry implements Registry {
  /** The ioredis client (for diagnostics; do not issue commands on the registry's keys). */
  readonly redis: Redis;
  private readonly scripts: Scripts;
  private readonly prefix: string;
  private readonly timings: Required<RegistryOptions>;
  private readonly log: Logger;
  private closed = false;
  private lastErrorLog = 0;

  constructor(options: RedisRegistryOptions = {}) {
    this.timings = registryTimings(options);
    this.prefix = options.prefix ?? 'skirmish:';
    this.log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'skirmish-registry' } });
    const maxDelay = options.maxReconnectDelayMs ?? 1000;
    const failFast: RedisOptions = {
      // Matchmaking must answer "unavailable" now, not queue until Redis is back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 3000,
      connectTimeout: 2000,
      // Never give up: the heartbeats re-register everything once Redis is back.
      retryStrategy: (times) => Math.min(50 * times, maxDelay),
    };
    this.redis = new Redis(options.url ?? 'redis://127.0.0.1:6379', { ...options.redis, ...failFast });
    this.redis.on('error', (error: Error) => {
      // ioredis reports every failed reconnection; one line per 30 s is enough.
      const now = Date.now();
      if (now - this.lastErrorLog < 30_000) return;
      this.lastErrorLog = now;
      this.log.warn({ err: error.message }, 'registry: Redis unreachable; matchmaking unavailable, retrying');
    });
    this.redis.on('ready', () => {
      if (this.lastErrorLog !== 0) this.log.info('registry: Redis reachable again');
      this.lastErrorLog = 0;
    });
    const define = (name: keyof Scripts, lua: string): void => this.redis.defineCommand(name, { numberOfKeys: 0, lua });
    define('skirmishPlace', PLACE);
    define('skirmishClaim', CLAIM);
    define('skirmishRelease', RELEASE);
    define('skirmishHeartbeat', HEARTBEAT);
    define('skirmishRemoveMatch', REMOVE_MATCH);
    define('skirmishRemoveWorker', REMOVE_WORKER);
    define('skirmishWorkers', WORKERS);
    define('skirmishMatches', MATCHES);
    define('skirmishStats', STATS);
    this.scripts = this.redis as unknown as Scripts;
  }

  /** Resolves once connected; rejects with 'unavailable' after `timeoutMs`. Calls made before then fail fast. */
  async ready(timeoutMs = 5000): Promise<void> {
    if (this.closed) throw new RegistryError('unavailable', 'registry closed');
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(new RegistryError('unavailable', `Redis not reachable within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }

  heartbeat(worker: WorkerInfo, matches: MatchInfo[]): Promise<void> {
    return this.run(async () => {
      checkHeartbeat(worker, matches);
      const w = {
        id: worker.id, pid: worker.pid, host: worker.host, url: worker.url, matches: worker.matches, players: worker.players, cpu: worker.cpu,
        capacity: worker.capacity,
      };
      const list = matches.map((m) => ({ id: m.id, type: m.type, players: m.players, capacity: m.capacity, createdAt: m.createdAt, spectators: m.spectators ?? 0 }));
      await this.scripts.skirmishHeartbeat(
        this.prefix, this.timings.workerTtlMs, this.timings.pendingMatchMs,
        JSON.stringify(w), list.length === 0 ? '[]' : JSON.stringify(list),
      );
    });
  }

  removeWorker(id: string): Promise<void> {
    return this.run(async () => {
      await this.scripts.skirmishRemoveWorker(this.prefix, id);
    });
  }

  workers(): Promise<WorkerView[]> {
    return this.run(async () => {
      const rows = await this.scripts.skirmishWorkers(this.prefix);
      return rows.map((row) => {
        const w = JSON.parse(row) as WorkerView & { cpu: number | null; capacity: number | null };
        const view: WorkerView = {
          id: w.id, pid: w.pid, host: w.host, url: w.url, matches: w.matches, players: w.players, heartbeatAgeMs: w.heartbeatAgeMs,
        };
        if (typeof w.cpu === 'number' && w.cpu >= 0) view.cpu = w.cpu;
        if (typeof w.capacity === 'number' && w.capacity >= 1) view.capacity = w.capacity;
        return view;
      });
    });
  }

  matches(): Promise<MatchInfo[]> {
    return this.run(async () => (await this.scripts.skirmishMatches(this.prefix, '')).map(parseMatch));
  }

  match(id: string): Promise<MatchInfo | undefined> {
    return this.run(async () => {
      if (typeof id !== 'string' || id === '') return undefined;
      const rows = await this.scripts.skirmishMatches(this.prefix, id);
      return rows.length > 0 ? parseMatch(rows[0]!) : undefined;
    });
  }

  placeSeat(request: PlaceRequest): Promise<Placement> {
    return this.run(async () => {
      checkPlaceRequest(request);
      const mode = request.matchId !== undefined ? 'join' : request.create ? 'create' : 'auto';
      const token = newSeatToken();
      // A fresh id collides with a live one about never; the script refuses rather than merge.
      for (let attempt = 0; attempt < 3; attempt++) {
        const reply = await this.scripts.skirmishPlace(
          this.prefix, mode, request.type, request.capacity, request.matchId ?? '', newMatchId(), token,
          this.timings.seatTtlMs, this.timings.rememberSeatsMs,
        );
        if (reply[0] === 'ok') {
          const match = parseMatch(reply[1]);
          return { seat: { matchId: match.id, token, expiresAt: Number(reply[2]) }, match, created: reply[3] === '1' };
        }
        const code = reply[1];
        if (code === 'collision') continue;
        if (code === 'full') throw new RegistryError('full', `match ${request.matchId} is full`);
        if (code === 'worker_full') throw new RegistryError('full', `the server of match ${request.matchId} is full`);
        if (code === 'cluster_full') throw new RegistryError('full', clusterFullMessage(Number(reply[2])));
        if (code === 'not_found') throw new RegistryError('not_found', `no match ${request.matchId} of type ${request.type}`);
        if (code === 'no_workers') throw new RegistryError('no_workers', 'no live worker to host a new match');
        throw new RegistryError('unavailable', `unexpected registry reply ${code}`);
      }
      throw new RegistryError('unavailable', 'could not mint a unique match id');
    });
  }

  claimSeat(matchId: string, token: string): Promise<ClaimResult> {
    return this.run(async () => {
      // Tokens are base64url: anything else was never issued (and stays out of key names).
      if (typeof matchId !== 'string' || typeof token !== 'string' || !ID_PATTERN.test(matchId) || !ID_PATTERN.test(token)) return 'unknown';
      const reply = await this.scripts.skirmishClaim(this.prefix, matchId, token, this.timings.rememberSeatsMs);
      if (reply === 'ok' || reply === 'used' || reply === 'expired') return reply;
      return 'unknown';
    });
  }

  releasePlayer(matchId: string): Promise<void> {
    return this.run(async () => {
      await this.scripts.skirmishRelease(this.prefix, matchId);
    });
  }

  removeMatch(id: string): Promise<void> {
    return this.run(async () => {
      await this.scripts.skirmishRemoveMatch(this.prefix, id);
    });
  }

  stats(): Promise<RegistryStats> {
    return this.run(async () => {
      const [made, used, expired] = await this.scripts.skirmishStats(this.prefix);
      return { made: Number(made ?? 0), used: Number(used ?? 0), expired: Number(expired ?? 0) };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const ended = this.redis.status === 'end' ? Promise.resolve() : new Promise<void>((resolve) => this.redis.once('end', () => resolve()));
    try {
      await this.redis.quit();
    } catch {
      // Redis is down: nothing to say goodbye to.
    }
    this.redis.disconnect();
    // Resolve only once the socket is closed, so a caller that exits next leaves nothing open.
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  /** Runs a call, turning every ioredis failure into RegistryError 'unavailable'. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) throw new RegistryError('unavailable', 'registry closed');
    try {
      return await call();
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new RegistryError('unavailable', `registry unavailable: ${message}`, { cause: error });
    }
  }
}

function parseMatch(json: string): MatchInfo {
  const m = JSON.parse(json) as MatchInfo;
  return {
    id: m.id, type: m.type, players: m.players, capacity: m.capacity, worker: m.worker, createdAt: m.createdAt,
    reserved: m.reserved ?? 0, spectators: m.spectators ?? 0,
  };
}

/** Creates the Redis registry; it connects in the background (see `ready()`). */
export function createRedisRegistry(options: RedisRegistryOptions = {}): RedisRegistry {
  return new RedisRegistry(options);
}
