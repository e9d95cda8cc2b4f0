// One behavioural suite, run against both registries: in memory, and Redis (a real redis-server
// started here on a free port). Whatever one does, the other must do too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { MemoryRegistry } from '../../net/cluster/memory-registry';
import { RedisRegistry } from '../../net/cluster/redis-registry';
import { RegistryError, type MatchInfo, type Registry, type RegistryOptions, type WorkerInfo } from '../../net/cluster/registry';
import { startHeartbeat } from '../../net/cluster/worker';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';
import { sleep, waitFor, within } from '../helpers';
import { pino } from 'pino';

const silent = pino({ level: 'silent' });

/** Builds a registry; `shared` registries see the same store (for Redis: one prefix, separate connections). */
interface Backend {
  make(options?: RegistryOptions, shared?: string): Promise<Registry>;
}

const worker = (id: string, extra: Partial<WorkerInfo> = {}): WorkerInfo => ({
  id, pid: 100, host: 'test', url: `http://127.0.0.1:1/${id}`, matches: 0, players: 0, ...extra,
});
const match = (id: string, worker: string, players: number, extra: Partial<MatchInfo> = {}): MatchInfo => ({
  id, type: 'classic', players, capacity: 16, worker, createdAt: Date.now(), ...extra,
});

async function rejects(promise: Promise<unknown>, code: string): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, RegistryError, `expected RegistryError, got ${String(error)}`);
    assert.is((error as RegistryError).code, code);
    return error as RegistryError;
  }
  assert.unreachable(`expected RegistryError ${code}, got success`);
  throw new Error('unreachable');
}

function behaviour(label: string, backend: Backend, extra?: (S: ReturnType<typeof suite<Ctx>>) => void, hooks?: {
  before?: () => Promise<void>; after?: () => Promise<void>;
}): void {
  const S = suite<Ctx>(`registry (${label})`);
  if (hooks?.before) S.before(hooks.before);
  if (hooks?.after) S.after(hooks.after);
  S.before.each((ctx) => {
    ctx.open = [];
    ctx.make = async (options, shared) => {
      const r = await backend.make(options, shared);
      ctx.open.push(r);
      return r;
    };
  });
  S.after.each(async (ctx) => {
    for (const r of ctx.open) await r.close();
  });

  S('joinOrCreate fills the fullest match with room, then creates one', async ({ make }) => {
    const r = await make();
    await r.heartbeat(worker('w1'), []);
    const a = await r.placeSeat({ type: 'classic', capacity: 3, create: true });
    const b = await r.placeSeat({ type: 'classic', capacity: 3, create: true });
    assert.ok(a.created && b.created);
    await r.placeSeat({ type: 'classic', capacity: 3, matchId: a.match.id });
    // a: 2 reserved, b: 1 → the next goes to a (fullest), filling it.
    const next = await r.placeSeat({ type: 'classic', capacity: 3 });
    assert.is(next.match.id, a.match.id);
    assert.not.ok(next.created);
    assert.is(next.seat.matchId, a.match.id);
    // a is full → b, the fullest with room, until it is full too.
    assert.is((await r.placeSeat({ type: 'classic', capacity: 3 })).match.id, b.match.id);
    assert.is((await r.placeSeat({ type: 'classic', capacity: 3 })).match.id, b.match.id);
    const c = await r.placeSeat({ type: 'classic', capacity: 3 });
    assert.ok(c.created, 'every match full: a new one');
    assert.is.not(c.match.id, a.match.id);
    assert.is.not(c.match.id, b.match.id);
    // Another type never shares a match.
    const duel = await r.placeSeat({ type: 'duel', capacity: 2 });
    assert.ok(duel.created);
    const byId = new Map((await r.matches()).map((m) => [m.id, m]));
    assert.is(byId.get(a.match.id)!.reserved, 3);
    assert.is(byId.get(b.match.id)!.reserved, 3);
    assert.is(byId.get(c.match.id)!.reserved, 1);
    assert.is(byId.get(duel.match.id)!.type, 'duel');
  });

  S('two hundred concurrent placements on capacity 16 never overfill', async ({ make }) => {
    const shared = randomBytes(4).toString('hex');
    // Four clients on one store: for Redis, four connections racing, as four gateways would.
    const clients = await Promise.all([0, 1, 2, 3].map(() => make({}, shared)));
    await clients[0]!.heartbeat(worker('w1'), []);
    await clients[1]!.heartbeat(worker('w2'), []);
    const placed = await within(10_000, Promise.all(
      Array.from({ length: 200 }, (_, i) => clients[i % 4]!.placeSeat({ type: 'classic', capacity: 16 })),
    ), '200 placements');
    const perMatch = new Map<string, number>();
    for (const p of placed) perMatch.set(p.seat.matchId, (perMatch.get(p.seat.matchId) ?? 0) + 1);
    for (const [id, n] of perMatch) assert.ok(n <= 16, `match ${id} got ${n} seats`);
    assert.is([...perMatch.values()].reduce((s, n) => s + n, 0), 200);
    assert.is(perMatch.size, 13, 'twelve full matches and one with the remaining eight');
    assert.is(new Set(placed.map((p) => p.seat.token)).size, 200, 'tokens are unique');
    const listed = await clients[0]!.matches();
    assert.is(listed.length, 13);
    for (const m of listed) assert.ok(m.players + (m.reserved ?? 0) <= m.capacity);
    const workers = new Set(listed.map((m) => m.worker));
    assert.equal([...workers].sort(), ['w1', 'w2'], 'new matches spread over both workers');
  });

  S('a seat is claimed once; forged, reused and expired seats are refused', async ({ make }) => {
    const r = await make({ seatTtlMs: 150 });
    await r.heartbeat(worker('w1'), []);
    const p = await r.placeSeat({ type: 'classic', capacity: 2 });
    assert.ok(p.seat.token.length >= 22, 'at least 128 bits');
    assert.ok(p.seat.expiresAt > Date.now() - 1000);
    assert.is(await r.claimSeat(p.seat.matchId, 'forged-token-aaaaaaaaa'), 'unknown');
    assert.is(await r.claimSeat('mNoSuchMatch', p.seat.token), 'unknown');
    assert.is(await r.claimSeat(p.seat.matchId, p.seat.token), 'ok');
    assert.is(await r.claimSeat(p.seat.matchId, p.seat.token), 'used');
    assert.is((await r.match(p.seat.matchId))!.players, 1);
    const late = await r.placeSeat({ type: 'classic', capacity: 2 });
    assert.is(late.seat.matchId, p.seat.matchId);
    await sleep(250);
    assert.is(await r.claimSeat(late.seat.matchId, late.seat.token), 'expired');
    assert.is(await r.claimSeat(late.seat.matchId, late.seat.token), 'expired', 'still expired when asked again');
    // The expired reservation's place is free again: capacity 2 holds one player and one new seat.
    const again = await r.placeSeat({ type: 'classic', capacity: 2, matchId: p.seat.matchId });
    await rejects(r.placeSeat({ type: 'classic', capacity: 2, matchId: p.seat.matchId }), 'full');
    assert.is(await r.claimSeat(again.seat.matchId, again.seat.token), 'ok');
    assert.equal(await r.stats(), { made: 3, used: 2, expired: 1 });
  });

  S('an issued seat stays expired (or used) after its match is gone; forgotten after rememberSeatsMs', async ({ make }) => {
    const r = await make({ seatTtlMs: 150, pendingMatchMs: 250 });
    await r.heartbeat(worker('w1'), [match('m1', 'w1', 1)]);
    const inExisting = await r.placeSeat({ type: 'classic', capacity: 16, matchId: 'm1' });
    // A new match the worker never hears of: dropped once its seats are spent and its window passed.
    const inPending = await r.placeSeat({ type: 'classic', capacity: 16, create: true });
    const claimed = await r.placeSeat({ type: 'classic', capacity: 16, matchId: inPending.match.id });
    assert.is(await r.claimSeat(claimed.seat.matchId, claimed.seat.token), 'ok');
    await sleep(350);
    await r.heartbeat(worker('w1'), [match('m1', 'w1', 1)]);
    assert.is(await r.match(inPending.match.id), undefined, 'the pending match was dropped');
    assert.is(await r.claimSeat('m1', inExisting.seat.token), 'expired');
    assert.is(await r.claimSeat(inPending.seat.matchId, inPending.seat.token), 'expired', 'expired, not unknown, with its match gone');
    assert.is(await r.claimSeat(claimed.seat.matchId, claimed.seat.token), 'used');
    assert.is(await r.claimSeat(inPending.seat.matchId, 'forged-token-aaaaaaaaa'), 'unknown');
    assert.is(await r.claimSeat('m1', inPending.seat.token), 'unknown', 'a token only counts for its own match');
    assert.is(await r.claimSeat('m1', 'bad token:*'), 'unknown');
    await r.removeMatch('m1');
    assert.is(await r.claimSeat('m1', inExisting.seat.token), 'expired', 'and after its match was disposed');
    assert.equal(await r.stats(), { made: 3, used: 1, expired: 2 });

    const brief = await make({ seatTtlMs: 100, rememberSeatsMs: 200 });
    await brief.heartbeat(worker('w1'), []);
    const p = await brief.placeSeat({ type: 'classic', capacity: 16 });
    await sleep(150);
    assert.is(await brief.claimSeat(p.seat.matchId, p.seat.token), 'expired');
    await sleep(250);
    assert.is(await brief.claimSeat(p.seat.matchId, p.seat.token), 'unknown', 'forgotten');
  });

  S('a worker at its capacity takes no seat; with every worker full, placement fails full', async ({ make }) => {
    const r = await make({ seatTtlMs: 300 });
    await r.heartbeat(worker('w1', { capacity: 2 }), []);
    await r.heartbeat(worker('w2', { capacity: 1 }), []);
    assert.equal((await r.workers()).map((w) => [w.id, w.capacity]), [['w1', 2], ['w2', 1]]);
    const a = await r.placeSeat({ type: 'classic', capacity: 16 });
    assert.is(a.match.worker, 'w1');
    assert.is((await r.placeSeat({ type: 'classic', capacity: 16 })).match.id, a.match.id, 'the fullest match with room');
    // a's match has room, its worker has none: a new match on w2.
    const c = await r.placeSeat({ type: 'classic', capacity: 16 });
    assert.ok(c.created);
    assert.is(c.match.worker, 'w2');
    const full = await rejects(r.placeSeat({ type: 'classic', capacity: 16 }), 'full');
    assert.match(full.message, /all 2 workers are at capacity/);
    await rejects(r.placeSeat({ type: 'classic', capacity: 16, matchId: a.match.id }), 'full');
    await rejects(r.placeSeat({ type: 'duel', capacity: 2, create: true }), 'full');
    // Players count like reservations; expired reservations free their places.
    assert.is(await r.claimSeat(a.seat.matchId, a.seat.token), 'ok');
    await rejects(r.placeSeat({ type: 'classic', capacity: 16 }), 'full');
    await sleep(400);
    assert.is((await r.placeSeat({ type: 'classic', capacity: 16 })).match.id, a.match.id);
    assert.is((await r.placeSeat({ type: 'classic', capacity: 16 })).match.worker, 'w2');
    await rejects(r.placeSeat({ type: 'classic', capacity: 16 }), 'full');
    // A worker reporting no capacity has no limit; one worker alone says 'server full'.
    await r.heartbeat(worker('w3'), []);
    for (let i = 0; i < 20; i++) assert.is((await r.placeSeat({ type: 'classic', capacity: 16 })).match.worker, 'w3');
    const one = await make();
    await one.heartbeat(worker('solo', { capacity: 1 }), []);
    await one.placeSeat({ type: 'classic', capacity: 16 });
    assert.match((await rejects(one.placeSeat({ type: 'classic', capacity: 16 }), 'full')).message, /server full/);
    await rejects(one.heartbeat(worker('solo', { capacity: 0 }), []), 'bad_request');
  });

  S('an unclaimed seat expires by itself and is counted', async ({ make }) => {
    const r = await make({ seatTtlMs: 100 });
    await r.heartbeat(worker('w1'), []);
    const p = await r.placeSeat({ type: 'classic', capacity: 1 });
    await rejects(r.placeSeat({ type: 'classic', capacity: 1, matchId: p.seat.matchId }), 'full');
    await sleep(200);
    assert.equal(await r.stats(), { made: 1, used: 0, expired: 1 });
    assert.is((await r.match(p.seat.matchId))!.reserved, 0);
  });

  S('join by id: not_found for unknown ids and other types, full when full', async ({ make }) => {
    const r = await make();
    await r.heartbeat(worker('w1'), []);
    await rejects(r.placeSeat({ type: 'classic', capacity: 2, matchId: 'mNope' }), 'not_found');
    const p = await r.placeSeat({ type: 'classic', capacity: 2 });
    await rejects(r.placeSeat({ type: 'duel', capacity: 2, matchId: p.seat.matchId }), 'not_found');
    await r.placeSeat({ type: 'classic', capacity: 2, matchId: p.seat.matchId });
    await rejects(r.placeSeat({ type: 'classic', capacity: 2, matchId: p.seat.matchId }), 'full');
    await rejects(r.placeSeat({ type: 'bad type!', capacity: 2 }), 'bad_type');
    await rejects(r.placeSeat({ type: 'classic', capacity: 0 }), 'bad_request');
  });

  S('heartbeats with ids unsafe in a URL or counts that are not numbers are refused', async ({ make }) => {
    const r = await make();
    await rejects(r.heartbeat(worker('w/1'), []), 'bad_request');
    await rejects(r.heartbeat(worker('w1', { players: Number.NaN }), []), 'bad_request');
    await rejects(r.heartbeat(worker('w1'), [match('m 1', 'w1', 0)]), 'bad_request');
    await rejects(r.heartbeat(worker('w1'), [match('m1', 'w1', 0, { capacity: 0 })]), 'bad_request');
    assert.equal(await r.workers(), []);
  });

  S('no live worker: no_workers', async ({ make }) => {
    const r = await make();
    await rejects(r.placeSeat({ type: 'classic', capacity: 4 }), 'no_workers');
  });

  S('a new match goes to the least-loaded live worker (players, then match count)', async ({ make }) => {
    const r = await make();
    await r.heartbeat(worker('w1'), [match('m1', 'w1', 5)]);
    await r.heartbeat(worker('w2'), [match('m2', 'w2', 2), match('m3', 'w2', 1)]);
    await r.heartbeat(worker('w3'), []);
    const first = await r.placeSeat({ type: 'classic', capacity: 16, create: true });
    assert.is(first.match.worker, 'w3', 'w3 has no players');
    // Reservations count as players: w3 at 4 reserved is now above w2 (3 players), below w1 (5).
    for (let i = 0; i < 3; i++) await r.placeSeat({ type: 'classic', capacity: 16, matchId: first.match.id });
    const second = await r.placeSeat({ type: 'classic', capacity: 16, create: true });
    assert.is(second.match.worker, 'w2');
    // Ties on players go to the worker with fewer matches.
    const t = await make();
    await t.heartbeat(worker('a'), [match('ma1', 'a', 0), match('ma2', 'a', 0)]);
    await t.heartbeat(worker('b'), [match('mb1', 'b', 0)]);
    assert.is((await t.placeSeat({ type: 'duel', capacity: 2 })).match.worker, 'b');
  });

  S('a worker past its TTL vanishes with its matches', async ({ make }) => {
    const r = await make({ workerTtlMs: 300 });
    await r.heartbeat(worker('w1', { matches: 1, players: 3 }), [match('m1', 'w1', 3)]);
    await r.heartbeat(worker('w2'), []);
    const placed = await r.placeSeat({ type: 'classic', capacity: 16, create: true });
    assert.is(placed.match.worker, 'w2');
    assert.is((await r.workers()).length, 2);
    assert.is((await r.matches()).length, 2);
    // w1 keeps beating; w2 goes silent.
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      await r.heartbeat(worker('w1', { matches: 1, players: 3 }), [match('m1', 'w1', 3)]);
    }
    const workers = await r.workers();
    assert.equal(workers.map((w) => w.id), ['w1']);
    assert.ok(workers[0]!.heartbeatAgeMs < 300);
    assert.equal((await r.matches()).map((m) => m.id), ['m1']);
    assert.is(await r.match(placed.match.id), undefined);
    assert.is(await r.claimSeat(placed.seat.matchId, placed.seat.token), 'unknown');
    await sleep(400);
    assert.equal(await r.workers(), []);
    assert.equal(await r.matches(), []);
    await rejects(r.placeSeat({ type: 'classic', capacity: 16 }), 'no_workers');
  });

  S('heartbeats are the truth: counts follow the worker, unreported matches go once nothing waits for them', async ({ make }) => {
    const r = await make({ seatTtlMs: 150, pendingMatchMs: 250 });
    await r.heartbeat(worker('w1'), [match('m1', 'w1', 4)]);
    const pending = await r.placeSeat({ type: 'classic', capacity: 16, create: true });
    assert.is(pending.match.worker, 'w1');
    // The worker has not heard of the new match yet: it stays while its seat is live.
    await r.heartbeat(worker('w1'), [match('m1', 'w1', 2)]);
    const ids = (await r.matches()).map((m) => m.id).sort();
    assert.equal(ids, ['m1', pending.match.id].sort());
    assert.is((await r.match('m1'))!.players, 2, 'player count from the heartbeat');
    await sleep(300);
    await r.heartbeat(worker('w1'), [match('m1', 'w1', 2)]);
    assert.equal((await r.matches()).map((m) => m.id), ['m1'], 'seat expired, never claimed: match dropped');
    // A reported match stays however old, and takes players.
    const p = await r.placeSeat({ type: 'classic', capacity: 16 });
    assert.is(p.seat.matchId, 'm1');
  });

  S('releasePlayer, removeMatch and removeWorker free places at once', async ({ make }) => {
    const r = await make();
    await r.heartbeat(worker('w1'), [match('m1', 'w1', 2, { capacity: 2 })]);
    await r.heartbeat(worker('w2'), [match('m2', 'w2', 0)]);
    await rejects(r.placeSeat({ type: 'classic', capacity: 2, matchId: 'm1' }), 'full');
    await r.releasePlayer('m1');
    assert.is((await r.match('m1'))!.players, 1);
    await r.placeSeat({ type: 'classic', capacity: 2, matchId: 'm1' });
    await r.removeMatch('m1');
    assert.is(await r.match('m1'), undefined);
    await r.removeWorker('w2');
    assert.equal((await r.workers()).map((w) => w.id), ['w1']);
    assert.equal(await r.matches(), []);
    await r.releasePlayer('nope');
  });

  extra?.(S);
  S.run();
}

interface Ctx {
  open: Registry[];
  make: (options?: RegistryOptions, shared?: string) => Promise<Registry>;
}

behaviour('memory', {
  async make(options = {}, shared) {
    // Shared memory registries are one object; closing it twice is harmless.
    if (shared !== undefined) return memoryShared.get(shared) ?? memoryShared.set(shared, new MemoryRegistry(options)).get(shared)!;
    return new MemoryRegistry(options);
  },
});
const memoryShared = new Map<string, MemoryRegistry>();

if (!haveRedis()) {
  reportRedisSkipped();
} else {
  let server: RedisServer;
  behaviour('redis', {
    async make(options = {}, shared) {
      const registry = new RedisRegistry({ url: server.url, prefix: `test:${shared ?? randomBytes(4).toString('hex')}:`, logger: silent, ...options });
      await registry.ready(5000);
      return registry;
    },
  }, (S) => {
    S('Redis down: unavailable within 2 s, matches keep their worker; back up: heartbeats restore everything', async ({ make }) => {
      const r = (await make({ workerTtlMs: 2000 })) as RedisRegistry;
      const hosted = [match('m1', 'w1', 3), match('m2', 'w1', 1, { type: 'duel', capacity: 2 })];
      const beat = startHeartbeat({
        registry: r, intervalMs: 200, logger: silent,
        report: () => ({ worker: worker('w1', { matches: 2, players: 4 }), matches: hosted }),
      });
      try {
        await waitFor(() => beat.healthy, 2000, 'first heartbeat');
        assert.is((await r.matches()).length, 2);
        await server.stop();
        const started = Date.now();
        const error = await rejects(r.placeSeat({ type: 'classic', capacity: 16 }), 'unavailable');
        assert.ok(Date.now() - started < 2000, `failed in ${Date.now() - started} ms`);
        assert.match(error.message, /unavailable/);
        await rejects(r.claimSeat('m1', 'x'.repeat(22)), 'unavailable');
        await rejects(r.workers(), 'unavailable');
        await waitFor(() => !beat.healthy, 2000, 'heartbeat to notice');
        // A new, empty redis-server on the same port: no process restarts, the heartbeat re-puts it all.
        await server.start();
        const back = Date.now();
        await waitFor(() => beat.healthy, 5000, 'heartbeat to reach Redis again');
        const matches = await r.matches();
        assert.equal(matches.map((m) => m.id).sort(), ['m1', 'm2']);
        assert.is(matches.find((m) => m.id === 'm1')!.players, 3);
        assert.equal((await r.workers()).map((w) => w.id), ['w1']);
        const placed = await r.placeSeat({ type: 'classic', capacity: 16 });
        assert.is(placed.match.id, 'm1', 'joins the re-registered match');
        assert.ok(Date.now() - back < 5000, `recovered in ${Date.now() - back} ms`);
      } finally {
        beat.stop();
      }
    });

    S('an event loop held up for 1.5 s does not turn an answered command into unavailable', async ({ make }) => {
      const r = await make();
      await r.heartbeat(worker('w1'), []);
      const placing = r.placeSeat({ type: 'classic', capacity: 16 });
      // The script is on the wire; Redis answers in a millisecond, but nothing is read until the
      // loop turns, and due timers (the command timeout) run before sockets are read.
      const until = Date.now() + 1500;
      while (Date.now() < until) { /* a long tick, a GC pause */ }
      const placed = await placing;
      assert.is((await r.match(placed.match.id))?.reserved, 1);
      assert.equal(await r.stats(), { made: 1, used: 0, expired: 0 });
    });

    S('prefixes keep clusters apart', async ({ make }) => {
      const a = await make();
      const b = await make();
      await a.heartbeat(worker('w1'), [match('m1', 'w1', 1)]);
      assert.is((await a.matches()).length, 1);
      assert.equal(await b.matches(), []);
      assert.equal(await b.workers(), []);
    });
  }, {
    async before() {
      server = new RedisServer(await freePort());
      await server.start();
    },
    async after() {
      await server.stop();
    },
  });
}
