// Interest management: which entities each delta client sees. A square around its own player,
// with a hysteresis band so an entity walking along the edge does not flicker in and out; a
// spatial grid of the players, rebuilt once per tick, finds who is inside. Where the square
// covers the whole map from anywhere (the classic 100 × 100 map), every client sees every player:
// a client whose view already holds them all is then only told who has news, with no scan.
import { createSpatialGrid, getStore, NetId, Player, Position, query, queryRect, rebuild, type BattleWorld, type SpatialGrid } from '../../engine';

/** Interest management settings. */
export interface InterestOptions {
  /** Half the side of the square a client sees, centred on its player (units). Default 100. */
  viewRadius: number;
  /** Entities stay visible until this much further out, so edge-walkers do not flicker. Default 0.1 (10 %). */
  hysteresis: number;
  /**
   * Shortest gap (ms) between two messages that carry nothing but an acknowledgement of inputs:
   * acks otherwise ride on the next message with news. Default 100. Quiet clients get no message
   * at all; Socket.IO's ping tells them the connection lives.
   */
  ackOnlyMs: number;
}

/** Default interest settings: on the classic 100 × 100 map everyone sees everyone. */
export const defaultInterest: Readonly<InterestOptions> = Object.freeze({ viewRadius: 100, hysteresis: 0.1, ackOnlyMs: 100 });

/** What one client's view did this tick, written by `Interest.update` into reused arrays. */
export interface ViewChanges {
  /** Entities still in view (the client's own player included) that have news this tick. */
  stayed: number[];
  /** Entities newly in view (the own player first, when it is new); now in `seen`. */
  entered: number[];
  /** NetIds gone from view: left the world, or beyond the hysteresis band; no longer in `seen`. */
  removed: number[];
}

/** The interest scan of one world. */
export interface Interest {
  /** Indexes where the players are; once per tick, before any `update`. */
  rebuild(): void;
  /**
   * Moves one client's view on a tick: `seen` (NetIds it mirrors) loses what left and gains what
   * entered around its player `me`; `out` lists both, and what stayed and has news (nonzero in
   * `news`, by entity: filtered here to spare a second pass over everything in view). Only
   * `update` changes `seen`, apart from clearing it.
   */
  update(seen: Set<number>, me: number, byNetId: ReadonlyMap<number, number>, news: Uint8Array, out: ViewChanges): void;
  /** As `update`, for a viewer with no player of its own (a spectator): every player is in view. */
  everything(seen: Set<number>, byNetId: ReadonlyMap<number, number>, news: Uint8Array, out: ViewChanges): void;
}

/** Creates the interest scan of `world`. */
export function createInterest(world: BattleWorld, options: InterestOptions): Interest {
  const pos = getStore(world, Position);
  const netIds = getStore(world, NetId);
  const player = getStore(world, Player);
  const view = options.viewRadius;
  const keep = view * (1 + options.hysteresis);
  const grid: SpatialGrid = createSpatialGrid(world.rules.map, Math.max(8, view / 2), world.capacity);
  const found: number[] = [];
  // The whole map in view from any point: nothing ever leaves a view but by leaving the world.
  const covers = view >= world.rules.map.width && view >= world.rules.map.height;
  // With `covers`: this tick's players, a number that changes whenever they do, and the number
  // each client's `seen` was last brought up to date at (it then holds exactly `players`).
  const players: number[] = [];
  let epoch = 0;
  const upToDate = new WeakMap<Set<number>, number>();
  // Which entities the view being updated holds: `inView[eid] === stamp`, a new stamp per update.
  // Typed-array reads instead of a Set lookup per entity found, ~30 per client per tick: at 500
  // clients the interest scan was the largest part of building a tick's messages.
  const inView = new Int32Array(world.capacity);
  let stamp = 0;
  // The players of this tick: `live[eid] === liveStamp`, set by `rebuild`.
  const live = new Int32Array(world.capacity);
  let liveStamp = 0;
  // Per view, its NetIds in `seen`'s order with the entity each stood for when it entered, so a
  // tick reads typed arrays instead of looking each NetId up in byNetId: an entry still holds
  // while that entity is a player with that NetId (NetIds are never reused, entity ids are).
  const cached = new WeakMap<Set<number>, { ids: number[]; eids: number[] }>();
  return {
    rebuild() {
      const all = query(world, [player, pos]);
      rebuild(grid, all, pos.x, pos.y);
      if (++liveStamp === 0x7fffffff) {
        live.fill(0);
        liveStamp = 1;
      }
      for (let i = 0; i < all.length; i++) live[all[i]!] = liveStamp;
      if (!covers) return;
      let same = all.length === players.length;
      for (let i = 0; same && i < all.length; i++) same = all[i] === players[i];
      if (same) return;
      players.length = 0;
      for (const eid of all) players.push(eid);
      epoch++;
    },
    update(seen, me, byNetId, news, out) {
      out.stayed.length = 0;
      out.entered.length = 0;
      out.removed.length = 0;
      if (covers && upToDate.get(seen) === epoch && seen.size === players.length) {
        for (const eid of players) if (news[eid] !== 0) out.stayed.push(eid);
        return;
      }
      const cx = pos.x[me]!;
      const cy = pos.y[me]!;
      // A stamp must never match an old mark: before the counter wraps, the marks are wiped.
      if (++stamp === 0x7fffffff) {
        inView.fill(0);
        stamp = 1;
      }
      let entry = cached.get(seen);
      // Only `update` adds to `seen`; anything else may only have cleared it.
      if (entry === undefined || entry.ids.length !== seen.size) {
        const ids = [...seen];
        entry = { ids, eids: ids.map((id) => byNetId.get(id) ?? -1) };
        cached.set(seen, entry);
      }
      const { ids, eids } = entry;
      let kept = 0;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const eid = eids[i]!;
        const gone = eid < 0 || live[eid] !== liveStamp || netIds.id[eid] !== id;
        if (gone || (eid !== me && (Math.abs(pos.x[eid]! - cx) > keep || Math.abs(pos.y[eid]! - cy) > keep))) {
          seen.delete(id);
          out.removed.push(id);
          continue;
        }
        ids[kept] = id;
        eids[kept++] = eid;
        inView[eid] = stamp;
        if (news[eid] !== 0) out.stayed.push(eid);
      }
      ids.length = kept;
      eids.length = kept;
      // Entering: inside the view square and not yet seen, always including oneself.
      if (inView[me] !== stamp) out.entered.push(me);
      const n = queryRect(grid, cx - view, cy - view, cx + view, cy + view, found);
      for (let i = 0; i < n; i++) {
        const eid = found[i]!;
        if (eid !== me && inView[eid] !== stamp) out.entered.push(eid);
      }
      for (const eid of out.entered) {
        const id = netIds.id[eid]!;
        if (seen.has(id)) continue;
        seen.add(id);
        ids.push(id);
        eids.push(eid);
      }
      if (covers) upToDate.set(seen, epoch);
    },
    everything(seen, byNetId, news, out) {
      // This changes `seen` without its cache: a later `update` rebuilds it.
      cached.delete(seen);
      out.stayed.length = 0;
      out.entered.length = 0;
      out.removed.length = 0;
      for (const id of seen) {
        const eid = byNetId.get(id);
        if (eid === undefined) {
          seen.delete(id);
          out.removed.push(id);
        } else if (news[eid] !== 0) out.stayed.push(eid);
      }
      for (const eid of query(world, [player, pos])) {
        const id = netIds.id[eid]!;
        if (seen.has(id)) continue;
        seen.add(id);
        out.entered.push(eid);
      }
    },
  };
}
