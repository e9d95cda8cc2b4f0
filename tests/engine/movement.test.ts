import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, spawnPlayer, queueInput, inputSystem, movementSystem, getStore, Position, Dead,
  addComponent, axisLevel, axisOfLevel, createRng, quantizeAxis, reckonMotion, stepMotion, type BattleWorld,
} from '../../engine';
import { rules } from '../rules';

const dt = 0.1;

const Movement = suite<{ world: BattleWorld }>('movement');
Movement.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt, seed: 7, systems: [inputSystem, movementSystem] });
});

function tick(world: BattleWorld): void {
  inputSystem(world);
  movementSystem(world);
}

Movement('moves at rules.speed along the input direction', ({ world }) => {
  const eid = spawnPlayer(world, { at: { x: 50, y: 50 } });
  queueInput(world, eid, { move: { x: 1, y: 0 } });
  tick(world);
  const pos = getStore(world, Position);
  assert.ok(Math.abs(pos.x[eid]! - 52.5) < 1e-4, `x=${pos.x[eid]}`);
  assert.is(pos.y[eid], 50);
});

Movement('keeps walking while no new input arrives (held key)', ({ world }) => {
  const eid = spawnPlayer(world, { at: { x: 50, y: 50 } });
  queueInput(world, eid, { move: { x: 0, y: -1 } });
  tick(world);
  tick(world);
  assert.ok(Math.abs(getStore(world, Position).y[eid]! - 45) < 1e-4);
});

Movement('diagonal is not faster', ({ world }) => {
  const eid = spawnPlayer(world, { at: { x: 50, y: 50 } });
  queueInput(world, eid, { move: { x: 1, y: 1 } });
  tick(world);
  const pos = getStore(world, Position);
  const travelled = Math.hypot(pos.x[eid]! - 50, pos.y[eid]! - 50);
  assert.ok(Math.abs(travelled - 2.5) < 1e-4, `travelled ${travelled}`);
});

Movement('clamps to the map', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 99, y: 1 } });
  const b = spawnPlayer(world, { at: { x: 1, y: 99 } });
  queueInput(world, a, { move: { x: 1, y: -1 } });
  queueInput(world, b, { move: { x: -1, y: 1 } });
  tick(world);
  const pos = getStore(world, Position);
  assert.equal([pos.x[a], pos.y[a], pos.x[b], pos.y[b]], [100, 0, 0, 100]);
});

Movement('walks toward a seek target without overshooting it', ({ world }) => {
  const eid = spawnPlayer(world, { at: { x: 10, y: 10 } });
  queueInput(world, eid, { target: { x: 11, y: 10 } });
  tick(world);
  const pos = getStore(world, Position);
  assert.is(pos.x[eid], 11);
  queueInput(world, eid, { target: { x: 90, y: 10 } });
  tick(world);
  assert.ok(Math.abs(pos.x[eid]! - 13.5) < 1e-4, `x=${pos.x[eid]}`);
});

Movement('a seek target outside the map stops at the edge', ({ world }) => {
  const eid = spawnPlayer(world, { at: { x: 99, y: 50 } });
  queueInput(world, eid, { target: { x: 500, y: 50 } });
  tick(world);
  assert.is(getStore(world, Position).x[eid], 100);
});

Movement('dead players do not move', ({ world }) => {
  const eid = spawnPlayer(world, { at: { x: 50, y: 50 } });
  addComponent(world, eid, getStore(world, Dead));
  queueInput(world, eid, { move: { x: 1, y: 0 } });
  tick(world);
  assert.is(getStore(world, Position).x[eid], 50);
});

Movement('dead reckoning: reckonMotion over n ticks is the movement system over n ticks, bit for bit', ({ world }) => {
  const rng = createRng(11);
  const pos = getStore(world, Position);
  for (let i = 0; i < 50; i++) {
    const eid = spawnPlayer(world, { at: { x: rng.range(0, 100), y: rng.range(0, 100) } });
    const [x0, y0] = [pos.x[eid]!, pos.y[eid]!];
    const mx = quantizeAxis(rng.range(-1, 1));
    const my = quantizeAxis(rng.range(-1, 1));
    queueInput(world, eid, { move: { x: mx, y: my } });
    const ticks = rng.int(60);
    for (let t = 0; t < ticks; t++) tick(world);
    const out = reckonMotion(x0, y0, mx, my, ticks, rules.speed * dt, 100, 100, { x: 0, y: 0 });
    assert.equal([out.x, out.y], [pos.x[eid], pos.y[eid]], `walker ${i}, ${ticks} ticks`);
  }
  const one = stepMotion(3, 4, 1, 0, 2.5, 100, 100, { x: 0, y: 0 });
  assert.equal(reckonMotion(3, 4, 1, 0, 1, 2.5, 100, 100, { x: 0, y: 0 }), one);
  assert.equal(reckonMotion(3, 4, 1, 0, 0, 2.5, 100, 100, { x: 0, y: 0 }), { x: 3, y: 4 }, 'zero ticks: where it was');
});

Movement('a direction axis is quantized to 255 levels once, and the rounding is stable', () => {
  for (let level = -127; level <= 127; level++) {
    const v = axisOfLevel(level);
    assert.is(axisLevel(v), level);
    assert.is(quantizeAxis(v), v, `level ${level} is a fixed point`);
  }
  assert.is(axisLevel(5), 127, 'clamped');
  assert.is(axisLevel(-1.5), -127, 'clamped');
  assert.is(quantizeAxis(0.5), axisOfLevel(64));
});

Movement.run();
