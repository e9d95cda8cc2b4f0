// Many clients, one broadcaster: where every client sees every player (the classic map), clients
// told the whole tick's news share one message body built once, each with its own header (tick
// and ack steps). Every client's mirror must still match the server exactly, through joins,
// leaves, attacks and acks that differ per client; on a large map nobody shares.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, createRng, despawnPlayer, getStore, queueInput, spawnPlayer, step, Position,
  type BattleRules, type BattleWorld,
} from '../../engine';
import {
  applyState, createBroadcaster, createMirrorWorld, decodeState, defaultInterest, mirrorPositionAt,
  type Broadcaster, type MirrorWorld, type Session,
} from '../../net';
import { rules } from '../rules';

interface Client {
  session: Session;
  mirror: MirrorWorld;
}

interface Room {
  world: BattleWorld;
  clients: Client[];
  stats: { stateBytes: number; stateMessages: number; sharedMessages: number; classicMessages: number };
  broadcaster: Broadcaster;
  join(at?: { x: number; y: number }): Client;
  tick(): void;
}

function room(r: BattleRules, viewRadius = defaultInterest.viewRadius): Room {
  const world = createBattleWorld({ rules: r, seed: 11 });
  const stats = { stateBytes: 0, stateMessages: 0, sharedMessages: 0, classicMessages: 0 };
  const nsp = { to: () => ({ emit: () => true }) } as never;
  const broadcaster = createBroadcaster(world, nsp, stats, () => undefined, { ...defaultInterest, viewRadius });
  const self: Room = {
    world, clients: [], stats, broadcaster,
    join(at) {
      const eid = spawnPlayer(world, at === undefined ? {} : { at });
      const mirror = createMirrorWorld();
      mirror.rules = r;
      mirror.tickMs = 1000 / 30;
      const client: Client = {
        mirror,
        session: {
          socket: { conn: { write: (bytes: Uint8Array) => {
            applyState(mirror, decodeState(bytes, mirror.stream));
          } } } as never,
          kind: 'delta', eid, netId: 0, token: `t${eid}`, publicId: `p${eid}`, name: `n${eid}`, needsFull: true, rejected: 0,
          guard: undefined as never, replication: { seen: new Set(), sent: { tick: 0, ack: 0 } },
        },
      };
      self.clients.push(client);
      return client;
    },
    tick() {
      step(world);
      for (const c of self.clients) {
        // The mirror's own id: the NetId of its player, known once the server gave it one.
        for (const [id, e] of world.sync.byNetId) if (e === c.session.eid) c.mirror.localId = id;
      }
      broadcaster.build(self.clients.map((c) => c.session));
      broadcaster.send();
    },
  };
  return self;
}

const at = { x: 0, y: 0 };
function assertExact(world: BattleWorld, c: Client, what: string): number {
  const pos = getStore(world, Position);
  let n = 0;
  for (const [id, eid] of world.sync.byNetId) {
    const m = c.mirror.entities.get(id);
    if (m === undefined) continue;
    n++;
    mirrorPositionAt(c.mirror, m, world.time.tick, at, Infinity);
    assert.is(at.x, pos.x[eid], `${what}: x of ${id}`);
    assert.is(at.y, pos.y[eid], `${what}: y of ${id}`);
  }
  return n;
}

const Shared = suite('replication: one body shared by the clients told the same news');

Shared('20 clients on the classic map: mirrors exact through joins, leaves and attacks; most messages share a body', () => {
  const r = room(rules);
  for (let i = 0; i < 20; i++) r.join();
  const rng = createRng(5);
  let extra: number | undefined;
  for (let t = 0; t < 30 * 20; t++) {
    for (const c of r.clients) {
      if (rng.next() < 1 / 10) {
        const d = rng.int(8);
        queueInput(r.world, c.session.eid, { move: { x: Math.round(Math.cos((d * Math.PI) / 4)), y: Math.round(Math.sin((d * Math.PI) / 4)) }, attack: rng.next() < 0.5 });
      }
    }
    // A player nobody's client holds yet enters everyone's view, then leaves it again.
    if (t === 200) extra = spawnPlayer(r.world);
    if (t === 400 && extra !== undefined) despawnPlayer(r.world, extra);
    r.tick();
    for (const c of r.clients) if (c.mirror.lastTick === r.world.time.tick) assert.ok(assertExact(r.world, c, `tick ${t}`) >= 20);
  }
  assert.ok(r.stats.sharedMessages > r.stats.stateMessages * 0.8, `${r.stats.sharedMessages} of ${r.stats.stateMessages} shared`);
});

Shared('on a large map, clients far apart see different news: nobody shares, and each view stays exact', () => {
  const big: BattleRules = { ...rules, map: { width: 1000, height: 1000 } };
  const r = room(big, 100);
  r.join({ x: 100, y: 100 });
  r.join({ x: 900, y: 900 });
  r.join({ x: 130, y: 100 });
  for (let t = 0; t < 60; t++) {
    for (const c of r.clients) queueInput(r.world, c.session.eid, { move: { x: t % 20 < 10 ? 1 : -1, y: 0 } });
    r.tick();
    for (const c of r.clients) assertExact(r.world, c, `tick ${t}`);
  }
  assert.is(r.stats.sharedMessages, 0);
  assert.ok(r.stats.stateMessages > 0);
});

Shared('each tick writes from one viewer further along, so nobody is always written last', () => {
  const r = room(rules);
  const order: number[] = [];
  for (let i = 0; i < 4; i++) {
    const c = r.join({ x: 10 + i, y: 10 });
    const conn = (c.session.socket as unknown as { conn: { write(bytes: Uint8Array): void } }).conn;
    const write = conn.write;
    conn.write = (bytes) => {
      order.push(i);
      write(bytes);
    };
  }
  const firsts: number[] = [];
  for (let t = 0; t < 8; t++) {
    // A turn each tick, so every client has news and gets a message.
    for (const c of r.clients) queueInput(r.world, c.session.eid, { move: { x: t % 2 === 0 ? 1 : -1, y: 0 } });
    order.length = 0;
    r.tick();
    assert.is(order.length, 4, `tick ${t}: every client written`);
    assert.equal([...order].sort(), [0, 1, 2, 3]);
    firsts.push(order[0]!);
    // The order itself is kept, only where it starts moves.
    for (let k = 1; k < 4; k++) assert.is(order[k], (order[0]! + k) % 4);
  }
  assert.equal(new Set(firsts).size, 4, `first written per tick: ${firsts.join(' ')}`);
});

Shared.run();
