import { getStore, hasComponent, Dead, Health, Input, NetId, Offline, Position, Score, type BattleWorld } from '../../engine';
import type { EntityRecord } from '../wire';

/**
 * Creates a reader that fills one reused record with an entity's replicated fields from the
 * world's stores (the record the codec writes). The record is overwritten by the next call.
 */
export function createRecordReader(world: BattleWorld): (eid: number, mask: number) => Required<EntityRecord> {
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const netIds = getStore(world, NetId);
  const dead = getStore(world, Dead);
  const offline = getStore(world, Offline);
  const input = getStore(world, Input);
  const record: Required<EntityRecord> = {
    id: 0, mask: 0, mx: 0, my: 0, x: 0, y: 0, hp: 0, max: 0, kills: 0, deaths: 0, dead: false, offline: false,
  };
  return (eid, mask) => {
    record.id = netIds.id[eid]!;
    record.mask = mask;
    record.mx = input.mx[eid]!;
    record.my = input.my[eid]!;
    record.x = pos.x[eid]!;
    record.y = pos.y[eid]!;
    record.hp = health.hp[eid]!;
    record.max = health.max[eid]!;
    record.kills = score.kills[eid]!;
    record.deaths = score.deaths[eid]!;
    record.dead = hasComponent(world, eid, dead);
    record.offline = hasComponent(world, eid, offline);
    return record;
  };
}
