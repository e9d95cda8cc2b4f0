// A recorded battle for the viewer's tests, made in Node without the network: a battle world
// recorded by the engine's recorder while scripted players walk about a crowded centre and hit each
// other (so there are kills), one joins late and one leaves. Inputs come from a seeded generator of
// the test's own, never from the world's RNG, which the recording must reproduce by itself.
import { createBattleWorld, despawnPlayer, getStore, NetId, queueInput, spawnPlayer, step, type BattleWorld } from '../../engine';
import { recordMatch } from '../../engine/replay';
import { defaultRules } from '../../game';

/** A recording and what went into it. */
export interface ScriptedRecording {
  bytes: Uint8Array;
  /** NetId → the name recorded for it. */
  names: Map<number, string>;
  /** Ticks stepped after the first. */
  ticks: number;
}

const NAMES = ['Alice', 'Bob', 'Chandra', 'Dmitri', 'Eun-ji', 'Femi', 'Gustav', 'Hana'];

/** A small deterministic generator (mulberry32) for the scripted inputs. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Records `seconds` of a scripted match of `players` (plus one joining late) and returns the file. */
export function recordScriptedMatch(options: { seconds?: number; players?: number; seed?: number } = {}): ScriptedRecording {
  const seconds = options.seconds ?? 40;
  const count = options.players ?? 6;
  const random = generator(options.seed ?? 11);
  const world: BattleWorld = createBattleWorld({ rules: defaultRules, seed: options.seed ?? 11 });
  const chunks: Uint8Array[] = [];
  const recorder = recordMatch(world, { sink: (bytes: Uint8Array) => void chunks.push(bytes.slice()), matchType: 'classic', matchId: 'scripted' });
  const names = new Map<number, string>();
  const players: number[] = [];
  const join = (at?: { x: number; y: number }): void => {
    const eid = spawnPlayer(world, at === undefined ? {} : { at });
    const id = getStore(world, NetId).id[eid]!;
    const name = NAMES[names.size % NAMES.length]!;
    names.set(id, name);
    recorder.meta({ type: 'name', netId: id, name });
    players.push(eid);
  };
  // Close together, so attacks land and players die within seconds.
  for (let i = 0; i < count; i++) join({ x: 45 + 10 * random(), y: 45 + 10 * random() });
  const tickRate = Math.round(1 / world.time.dt);
  const total = Math.round(seconds * tickRate);
  for (let t = 0; t < total; t++) {
    if (t === Math.round(total / 3)) join(); // a random spot, from the world's RNG
    if (t === Math.round((2 * total) / 3)) despawnPlayer(world, players.splice(1, 1)[0]!);
    for (const eid of players) {
      // Wander near the centre: a pull back toward it plus noise, in arbitrary (unquantised) directions.
      const r = random();
      if (r < 0.3) queueInput(world, eid, { move: { x: random() * 2 - 1, y: random() * 2 - 1 } });
      else if (r < 0.35) queueInput(world, eid, { target: { x: 40 + 20 * random(), y: 40 + 20 * random() } });
      if (random() < 0.2) queueInput(world, eid, { attack: true });
    }
    step(world);
  }
  recorder.close();
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, names, ticks: total };
}
