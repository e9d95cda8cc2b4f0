// The world's side of a state record: an entity's replicated fields read off the stores. Which of
// them a record carries is said by the engine's `Changed` bits; how they become bytes, net/wire's.
import { getStore, hasComponent, Dead, Health, Input, NetId, Offline, Position, Score, type BattleWorld } from '../../engine';
import type { EntityState } from '../wire';

/** Reads every replicated field of an entity into one reused EntityState. */
export type RecordReader = (eid: number) => EntityState;

/**
 * Creates a reader that fills one reused EntityState from the world's stores. It is overwritten
 * by the next call: encode it before reading another.
 */
export function createRecordReader(world: BattleWorld): RecordReader {
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const netIds = getStore(world, NetId);
  const dead = getStore(world, Dead);
  const offline = getStore(world, Offline);
  const input = getStore(world, Input);
  const state: EntityState = { id: 0, mx: 0, my: 0, seek: false, tx: 0, ty: 0, x: 0, y: 0, hp: 0, max: 0, kills: 0, deaths: 0, dead: false, offline: false };
  return (eid) => {
    state.id = netIds.id[eid]!;
    state.mx = input.mx[eid]!;
    state.my = input.my[eid]!;
    state.seek = input.seek[eid] === 1;
    state.tx = input.tx[eid]!;
    state.ty = input.ty[eid]!;
    state.x = pos.x[eid]!;
    state.y = pos.y[eid]!;
    state.hp = health.hp[eid]!;
    state.max = health.max[eid]!;
    state.kills = score.kills[eid]!;
    state.deaths = score.deaths[eid]!;
    state.dead = hasComponent(world, eid, dead);
    state.offline = hasComponent(world, eid, offline);
    return state;
  };
}
