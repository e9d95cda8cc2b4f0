// What spectators cost the server per tick: the broadcaster's build (interest + encoding) for a
// match of wandering players, with and without spectators (who see every player), and the state
// bytes a spectator is sent compared with a player. No sockets: messages are counted, not written.
// Run: node --import tsx bench/spectate.ts [players] [spectators] [ticks]
import { createBattleWorld, createRng, queueInput, spawnPlayer, step, type BattleRules } from '../engine';
import { createBroadcaster, defaultInterest, NO_ENTITY, type Session, type Viewer } from '../net';
import { quantile } from './lib/stats';

const players = Number(process.argv[2] ?? 500);
const spectators = Number(process.argv[3] ?? 50);
const ticks = Number(process.argv[4] ?? 600);
const side = 1000;

interface Sink { bytes: number; messages: number }
const socketInto = (sink: Sink) => ({ conn: { write: (b: Uint8Array) => { sink.bytes += b.byteLength; sink.messages++; } } }) as never;

function run(withSpectators: number): { median: number; p99: number; playerBytes: number; spectatorBytes: number } {
  const rules: BattleRules = {
    map: { width: side, height: side }, speed: 25, health: 100, attack: { range: 10, damage: 10, cooldown: 0.5 }, respawnDelay: 3,
  };
  const world = createBattleWorld({ rules, dt: 1 / 30, seed: 1, capacity: players + 2 });
  const rng = createRng(7);
  const playerSink: Sink = { bytes: 0, messages: 0 };
  const spectatorSink: Sink = { bytes: 0, messages: 0 };
  const sessions: Session[] = [];
  for (let i = 0; i < players; i++) {
    const eid = spawnPlayer(world);
    sessions.push({
      socket: socketInto(playerSink), kind: 'delta', eid, netId: 0, token: '', publicId: '', name: '', needsFull: true, rejected: 0,
      guard: undefined as never, replication: { seen: new Set(), sent: { tick: 0, ack: 0 } },
    });
  }
  const watchers: Viewer[] = Array.from({ length: withSpectators }, () => ({
    socket: socketInto(spectatorSink), eid: NO_ENTITY, needsFull: true, replication: { seen: new Set(), sent: { tick: 0, ack: 0 } },
  }));
  const nsp = { to: () => ({ emit: () => true }) } as never;
  const broadcaster = createBroadcaster(world, nsp, { stateBytes: 0, stateMessages: 0, sharedMessages: 0, classicMessages: 0 }, () => undefined, defaultInterest);
  const times: number[] = [];
  const warmup = 30;
  for (let t = 0; t < ticks; t++) {
    for (const s of sessions) if (rng.next() < 0.05) queueInput(world, s.eid, { move: { x: rng.range(-1, 1), y: rng.range(-1, 1) } });
    step(world);
    if (t === warmup) {
      playerSink.bytes = 0;
      spectatorSink.bytes = 0;
    }
    const t0 = performance.now();
    broadcaster.build(sessions, watchers);
    broadcaster.send();
    if (t >= warmup) times.push(performance.now() - t0);
  }
  const sorted = Float64Array.from(times).sort();
  const measured = ticks - warmup;
  return {
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    playerBytes: playerSink.bytes / players / measured,
    spectatorBytes: withSpectators === 0 ? 0 : spectatorSink.bytes / withSpectators / measured,
  };
}

const without = run(0);
const withS = run(spectators);
const perSpectatorUs = ((withS.median - without.median) / Math.max(1, spectators)) * 1000;
console.log(`${players} players wandering on ${side}×${side}, view radius ${defaultInterest.viewRadius}, ${ticks} ticks at 30 Hz`);
console.log(`build+send per tick, no spectators:   median ${without.median.toFixed(3)} ms, p99 ${without.p99.toFixed(3)} ms`);
console.log(`build+send per tick, ${spectators} spectators: median ${withS.median.toFixed(3)} ms, p99 ${withS.p99.toFixed(3)} ms`);
console.log(`per spectator: ${perSpectatorUs.toFixed(1)} µs a tick; state bytes a tick: spectator ${withS.spectatorBytes.toFixed(0)}, player ${withS.playerBytes.toFixed(0)}`);
