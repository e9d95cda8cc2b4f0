// Interest management on its own: which players each view holds as players move, leave, join
// under a recycled entity id, and when a view is cleared for a full resend.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBattleWorld, despawnPlayer, getStore, NetId, Position, spawnPlayer, step } from '../../engine';
import { createInterest, defaultInterest, type ViewChanges } from '../../net/server/interest';
import { rulesForMap } from '../../game';

const Interest = suite('interest');

function setup() {
  const world = createBattleWorld({ rules: rulesForMap(1000), capacity: 16, seed: 3 });
  const interest = createInterest(world, defaultInterest);
  const out: ViewChanges = { stayed: [], entered: [], removed: [] };
  const news = new Uint8Array(world.capacity);
  const netId = (eid: number): number => getStore(world, NetId).id[eid]!;
  const update = (seen: Set<number>, me: number): ViewChanges => {
    interest.update(seen, me, world.sync.byNetId, news, out);
    return out;
  };
  const tick = (): void => {
    step(world);
    interest.rebuild();
  };
  return { world, interest, update, tick, netId };
}

Interest('a player leaving is removed from views, and one reusing its entity id enters as itself', () => {
  const { world, update, tick, netId } = setup();
  const me = spawnPlayer(world, { at: { x: 500, y: 500 } });
  const other = spawnPlayer(world, { at: { x: 520, y: 500 } });
  const seen = new Set<number>();
  tick();
  const first = update(seen, me);
  assert.equal([...first.entered].sort(), [me, other].sort());
  const otherId = netId(other);
  despawnPlayer(world, other);
  const newcomer = spawnPlayer(world, { at: { x: 510, y: 500 } });
  assert.is(newcomer, other, 'bitECS recycled the entity id');
  tick();
  const second = update(seen, me);
  assert.equal(second.removed, [otherId]);
  assert.equal(second.entered, [newcomer]);
  assert.ok(seen.has(netId(newcomer)) && !seen.has(otherId));
});

Interest('a view cleared for a full resend is filled again; one walking out past the band leaves', () => {
  const { world, update, tick, netId } = setup();
  const me = spawnPlayer(world, { at: { x: 500, y: 500 } });
  const near = spawnPlayer(world, { at: { x: 560, y: 500 } });
  const seen = new Set<number>();
  tick();
  update(seen, me);
  seen.clear();
  tick();
  assert.equal([...update(seen, me).entered].sort(), [me, near].sort());
  // 105 units away: outside the view (100) but inside the hysteresis band (110), so it stays.
  getStore(world, Position).x[near] = 605;
  tick();
  assert.equal(update(seen, me).removed, []);
  getStore(world, Position).x[near] = 615;
  tick();
  assert.equal(update(seen, me).removed, [netId(near)]);
  assert.equal([...seen], [netId(me)]);
});

Interest.run();
