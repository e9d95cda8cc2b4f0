// A recorded match for the replay tests: wander-like inputs (levels, off-level directions, seeks,
// attacks with view times), kills and respawns, joins and leaves that recycle entity ids, and
// Offline toggles, all driven by a seeded RNG so every run is the same.
import {
  createBattleWorld, createRng, despawnPlayer, queueInput, setOffline, spawnPlayer, step,
  type BattleRules, type BattleWorld,
} from '../../engine';
import { hashWorld, recordMatch, type Recorder } from '../../engine/replay';

export const matchRules: BattleRules = {
  map: { width: 60, height: 60 }, speed: 25, health: 100,
  attack: { range: 10, damage: 34, cooldown: 0.3 }, respawnDelay: 1,
  lagCompensation: { maxRewind: 0.25, history: 1 },
};

export interface RecordedMatch {
  bytes: Uint8Array;
  /** The file as the sink received it, chunk by chunk. */
  chunks: Uint8Array[];
  /** hashWorld after every tick, by tick. */
  hashes: Map<number, number>;
  world: BattleWorld;
  recorder: Recorder;
  kills: number;
  joins: number;
  leaves: number;
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Plays and records `ticks` ticks; `close` false leaves the recorder open (no end marker). */
export function recordTestMatch(options: { ticks?: number; seed?: number; checkpointEveryTicks?: number; flushEveryTicks?: number; close?: boolean; rules?: BattleRules; warmupTicks?: number; hashEveryTicks?: number } = {}): RecordedMatch {
  const ticks = options.ticks ?? 3000;
  const world = createBattleWorld({ rules: options.rules ?? matchRules, seed: options.seed ?? 5, capacity: 64 });
  const rng = createRng((options.seed ?? 5) * 7 + 1);
  const players: number[] = [];
  const seqs = new Map<number, number>();
  const join = (): void => {
    const eid = rng.next() < 0.5 ? spawnPlayer(world) : spawnPlayer(world, { at: { x: rng.range(0, 60), y: rng.range(0, 60) } });
    players.push(eid);
    seqs.set(eid, rng.int(1000));
  };
  for (let i = 0; i < 8; i++) join();
  // Some history before recording, so the first checkpoint is mid-match.
  for (let t = 0; t < (options.warmupTicks ?? 17); t++) step(world);
  const chunks: Uint8Array[] = [];
  const recorder = recordMatch(world, {
    sink: (c) => chunks.push(c), matchType: 'test', matchId: 'm1', startedAtMs: 1_700_000_000_000,
    checkpointEveryTicks: options.checkpointEveryTicks ?? 300, flushEveryTicks: options.flushEveryTicks,
    hashEveryTicks: options.hashEveryTicks,
  });
  for (let i = 0; i < 4; i++) join();
  const hashes = new Map<number, number>();
  let kills = 0;
  let joins = 0;
  let leaves = 0;
  const offline = new Set<number>();
  for (let t = 0; t < ticks; t++) {
    for (const eid of players) {
      if (offline.has(eid) || rng.next() < 0.1) continue;
      const commands = rng.next() < 0.05 ? 2 : 1;
      for (let c = 0; c < commands; c++) {
        const seq = seqs.get(eid)! + 1;
        seqs.set(eid, seq);
        const roll = rng.next();
        const attack = rng.next() < 0.15;
        queueInput(world, eid, {
          seq,
          ...(roll < 0.8 ? { move: { x: rng.int(3) - 1, y: rng.int(3) - 1 } }
            : roll < 0.9 ? { move: { x: rng.range(-1, 1), y: rng.range(-1, 1) } }
            : roll < 0.95 ? { target: { x: rng.range(-5, 65), y: rng.range(0, 60) } } : {}),
          ...(attack ? { attack: true, viewTimeS: rng.next() < 0.7 ? world.time.elapsed - rng.range(0, 0.3) : undefined } : {}),
        });
      }
    }
    step(world);
    kills += world.events.filter((e) => e.type === 'kill').length;
    hashes.set(world.time.tick, hashWorld(world));
    if (t % 37 === 36 && players.length > 3) {
      const eid = players.splice(rng.int(players.length), 1)[0]!;
      offline.delete(eid);
      despawnPlayer(world, eid);
      leaves++;
    }
    if (t % 41 === 40 && players.length < 20) {
      join();
      joins++;
    }
    if (t % 23 === 22) {
      const eid = players[rng.int(players.length)]!;
      const off = !offline.has(eid);
      if (off) offline.add(eid);
      else offline.delete(eid);
      setOffline(world, eid, off);
      if (off) queueInput(world, eid, { move: { x: 0, y: 0 } });
    }
    if (t % 500 === 250) recorder.meta({ type: 'name', netId: t, name: `player ${t}` });
  }
  if (options.close !== false) recorder.close();
  return { bytes: concat(chunks), chunks, hashes, world, recorder, kills, joins, leaves };
}
