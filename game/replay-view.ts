// What the viewer draws: a world of its own that mirrors the replayed battle for the renderer. The
// renderer reads what a client world has (LastAttack, LocalPlayer); writing those into the replay's
// world would change the state it hashes and checks, so they live here, keyed by NetId.
import {
  addComponent, addEntity, createWorld, Dead, getStore, hasComponent, Health, LastAttack, LocalPlayer, NetId, Player,
  Position, query, removeComponent, removeEntity, Score, type BattleEvent, type BattleWorld, type EngineWorld,
} from '../engine';

/** The replayed players as the renderer draws them. */
export interface ReplayView {
  /** The world to hand the renderer and minimap: only players, in match time. */
  readonly world: EngineWorld;
  /** The NetId → view entity of every player at the last capture. */
  readonly entities: ReadonlyMap<number, number>;
  /** The followed player (drawn as the local one), or undefined for the free camera. */
  followed: number | undefined;
  /** Takes the players as the replay's world has them after a tick, with that tick's events. */
  capture(source: BattleWorld, events: readonly BattleEvent[]): void;
  /** Takes the players as they are with nothing in between (after a seek): no interpolation, no old rings. */
  reset(source: BattleWorld): void;
  /**
   * Writes the drawn state: positions `alpha` (0 to 1) of the way from the previous capture to the
   * last (1 draws the last exactly), and whether the followed player is marked.
   */
  draw(alpha: number): void;
  /** Entities hit in the captures since the last call (for the renderer's hit flash); clears the list. */
  takeHits(): number[];
}

/** Creates an empty view; `tickMs` converts ticks into the match-time clock `LastAttack.at` is on. */
export function createReplayView(tickMs: number, capacity = 4096): ReplayView {
  const world = createWorld({ capacity });
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const dead = getStore(world, Dead);
  const score = getStore(world, Score);
  const netIds = getStore(world, NetId);
  const lastAttack = getStore(world, LastAttack);
  const local = getStore(world, LocalPlayer);
  const player = getStore(world, Player);
  const prevX = new Float32Array(capacity);
  const prevY = new Float32Array(capacity);
  const curX = new Float32Array(capacity);
  const curY = new Float32Array(capacity);
  // A player further from its last position than this (units) respawned: drawn there, not slid there.
  let jumpUnits = Infinity;
  const entities = new Map<number, number>();
  const seen = new Set<number>();
  let hits: number[] = [];
  let followed: number | undefined;
  let marked: number | undefined;

  const take = (source: BattleWorld, fresh: boolean): void => {
    jumpUnits = source.rules.speed * source.time.dt * 3;
    const sPos = getStore(source, Position);
    const sHealth = getStore(source, Health);
    const sDead = getStore(source, Dead);
    const sScore = getStore(source, Score);
    const sNet = getStore(source, NetId);
    seen.clear();
    for (const eid of query(source, [getStore(source, Player), sNet])) {
      const id = sNet.id[eid]!;
      seen.add(id);
      let v = entities.get(id);
      const added = v === undefined;
      if (v === undefined) {
        v = addEntity(world);
        for (const c of [player, pos, health, score, netIds, lastAttack]) addComponent(world, v, c);
        netIds.id[v] = id;
        lastAttack.at[v] = -Infinity;
        entities.set(id, v);
      }
      const x = sPos.x[eid]!;
      const y = sPos.y[eid]!;
      const far = Math.abs(x - curX[v]!) > jumpUnits || Math.abs(y - curY[v]!) > jumpUnits;
      prevX[v] = fresh || added || far ? x : curX[v]!;
      prevY[v] = fresh || added || far ? y : curY[v]!;
      curX[v] = x;
      curY[v] = y;
      health.hp[v] = sHealth.hp[eid]!;
      health.max[v] = sHealth.max[eid]!;
      score.kills[v] = sScore.kills[eid]!;
      score.deaths[v] = sScore.deaths[eid]!;
      const isDead = hasComponent(source, eid, sDead);
      if (isDead !== hasComponent(world, v, dead)) {
        if (isDead) addComponent(world, v, dead);
        else removeComponent(world, v, dead);
      }
      if (fresh) lastAttack.at[v] = -Infinity;
    }
    for (const [id, v] of entities) {
      if (seen.has(id)) continue;
      removeEntity(world, v);
      entities.delete(id);
      if (marked === v) marked = undefined;
    }
  };

  return {
    world,
    entities,
    get followed() {
      return followed;
    },
    set followed(id) {
      followed = id;
    },
    capture(source, events) {
      take(source, false);
      const sNet = getStore(source, NetId);
      const atMs = source.time.tick * tickMs;
      for (const e of events) {
        if (e.type === 'attack') {
          const v = entities.get(sNet.id[e.eid]!);
          if (v !== undefined) lastAttack.at[v] = atMs;
        } else if (e.type === 'hit') {
          const v = entities.get(sNet.id[e.victim]!);
          if (v !== undefined) hits.push(v);
        }
      }
    },
    reset(source) {
      hits = [];
      take(source, true);
    },
    draw(alpha) {
      const a = Math.max(0, Math.min(1, alpha));
      for (const v of entities.values()) {
        // Exactly the captured position when not in between: what a paused frame shows is the state.
        pos.x[v] = a >= 1 ? curX[v]! : prevX[v]! + (curX[v]! - prevX[v]!) * a;
        pos.y[v] = a >= 1 ? curY[v]! : prevY[v]! + (curY[v]! - prevY[v]!) * a;
      }
      const next = followed === undefined ? undefined : entities.get(followed);
      if (next !== marked) {
        if (marked !== undefined && hasComponent(world, marked, local)) removeComponent(world, marked, local);
        if (next !== undefined) addComponent(world, next, local);
        marked = next;
      }
    },
    takeHits() {
      const out = hits;
      hits = [];
      return out;
    },
  };
}
