import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  battleSystems, createBattleWorld, despawnPlayer, getStore, hasComponent, inputSystem, Offline, queueInput, setOffline, spawnPlayer, step, ENGINE_VERSION,
  type BattleWorld, type System,
} from '../../engine';
import { hashWorld, recordMatch, replay, verifyReplay, REPLAY_FORMAT_VERSION } from '../../engine/replay';
import { concat, matchRules, recordTestMatch, type RecordedMatch } from './replay-match';
import { recordedCommands } from '../net/replay-inputs';

const Replay = suite<{ match: RecordedMatch }>('replay');
Replay.before((ctx) => {
  ctx.match = recordTestMatch({ ticks: 3000 });
});

Replay('the test match has kills, respawns, joins and leaves that recycle ids', ({ match }) => {
  assert.ok(match.kills > 20, `kills ${match.kills}`);
  assert.ok(match.joins > 50 && match.leaves > 50);
});

Replay('round trip: the header, and every tick replays to the original hash', ({ match }) => {
  const r = replay(match.bytes);
  assert.is(r.header.formatVersion, REPLAY_FORMAT_VERSION);
  assert.is(r.header.engineVersion, ENGINE_VERSION);
  assert.is(r.header.matchType, 'test');
  assert.is(r.header.matchId, 'm1');
  assert.is(r.header.startedAtMs, 1_700_000_000_000);
  assert.is(r.firstTick, 17);
  assert.is(r.lastTick, 3017);
  assert.is(r.truncated, false);
  assert.is(r.tick, 17);
  assert.equal(r.checkpointTicks, [17, 317, 617, 917, 1217, 1517, 1817, 2117, 2417, 2717, 3017]);
  while (r.tick < r.lastTick) {
    r.stepOne();
    assert.is(hashWorld(r.world), match.hashes.get(r.tick), `tick ${r.tick}`);
    assert.is(r.recordedHash(r.tick), match.hashes.get(r.tick));
  }
  assert.is(hashWorld(r.world), hashWorld(match.world));
});

Replay('inputs are recorded in the order the input system consumed them, which recycled ids make not ascending', ({ match }) => {
  const commands = recordedCommands(match.bytes);
  let descending = 0;
  for (let i = 1; i < commands.length; i++) {
    if (commands[i]!.tick === commands[i - 1]!.tick && commands[i]!.eid < commands[i - 1]!.eid) descending++;
  }
  assert.ok(descending > 0, 'some tick lists a lower id after a higher one');
  assert.ok(commands.length > 10_000, `${commands.length} commands`);
});

Replay('every checkpoint restored into a fresh world steps to the end with identical hashes', ({ match }) => {
  const ticks = replay(match.bytes).checkpointTicks;
  for (const cp of ticks) {
    const r = replay(match.bytes);
    r.seek(cp);
    assert.is(r.tick, cp);
    if (cp > r.firstTick) assert.is(hashWorld(r.world), match.hashes.get(cp), `restored checkpoint ${cp}`);
    while (r.tick < r.lastTick) {
      r.stepOne();
      assert.is(hashWorld(r.world), match.hashes.get(r.tick), `from checkpoint ${cp}, tick ${r.tick}`);
    }
  }
});

Replay('seek to arbitrary ticks, forward and back, equals stepping from the start', ({ match }) => {
  const r = replay(match.bytes);
  for (const tick of [2999, 17, 1500, 1499, 317, 318, 3017, 100, 2500, 2501, 2400]) {
    r.seek(tick);
    assert.is(r.tick, tick);
    assert.is(hashWorld(r.world), tick === 17 ? hashWorld(replay(match.bytes).world) : match.hashes.get(tick), `seek ${tick}`);
  }
  assert.throws(() => r.seek(3018), /Skirmish: replay tick/);
  assert.throws(() => r.seek(16), /Skirmish: replay tick/);
});

Replay('stepOne leaves the tick\'s events in world.events', ({ match }) => {
  const r = replay(match.bytes);
  let kills = 0;
  while (r.tick < r.lastTick) {
    r.stepOne();
    kills += r.world.events.filter((e) => e.type === 'kill').length;
  }
  assert.is(kills, match.kills);
  assert.throws(() => r.stepOne(), /last tick/);
});

Replay('meta round trip', ({ match }) => {
  const r = replay(match.bytes);
  assert.equal(r.meta.map((m) => m.tick), [268, 768, 1268, 1768, 2268, 2768]);
  assert.equal(r.meta[0]!.data, { type: 'name', netId: 250, name: 'player 250' });
});

Replay('verify: a faithful recording verifies', ({ match }) => {
  const result = verifyReplay(match.bytes);
  assert.is(result.error, undefined);
  assert.is(result.ok, true);
  assert.is(result.ticks, 3000);
  assert.is(result.firstMismatchTick, null);
  assert.is(result.bytes, match.bytes.length);
  assert.ok(Math.abs(result.durationS - 100) < 1e-9);
  assert.is(result.players, 12 + match.joins);
});

Replay('joins, leaves and Offline toggles made by a system during a step are replayed by that system, not recorded', () => {
  const director: System<BattleWorld> = (world) => {
    const t = world.time.tick;
    if (t % 10 === 3) spawnPlayer(world);
    if (t % 10 === 7) {
      const players = [...world.inputs.keys()];
      if (players.length > 2) despawnPlayer(world, players[0]!);
    }
    if (t % 10 === 5) {
      const eid = [...world.inputs.keys()].at(-1)!;
      setOffline(world, eid, !hasComponent(world, eid, getStore(world, Offline)));
    }
  };
  const systems = [...battleSystems, director];
  const world = createBattleWorld({ rules: matchRules, seed: 2, capacity: 64, systems: [...systems] });
  spawnPlayer(world);
  const chunks: Uint8Array[] = [];
  const recorder = recordMatch(world, { sink: (c) => chunks.push(c), checkpointEveryTicks: 25 });
  for (let t = 0; t < 100; t++) step(world);
  recorder.close();
  const bytes = concat(chunks);
  const result = verifyReplay(bytes, { systems });
  assert.is(result.error, undefined);
  assert.ok(result.ok);
  const r = replay(bytes, { systems });
  r.seek(r.lastTick);
  assert.is(hashWorld(r.world), hashWorld(world));
  assert.is(r.world.inputs.size, world.inputs.size);
});

Replay('a game whose own input system calls the journal records the same file: its commands are encoded at the step\'s end', () => {
  const ownInput: System<BattleWorld> = (world) => inputSystem(world);
  const theirs = battleSystems.map((s) => (s === inputSystem ? ownInput : s));
  const record = (systems: readonly System<BattleWorld>[]): Uint8Array => {
    const world = createBattleWorld({ rules: matchRules, seed: 5, capacity: 32, systems: [...systems] });
    for (let i = 0; i < 6; i++) spawnPlayer(world);
    const chunks: Uint8Array[] = [];
    const recorder = recordMatch(world, { sink: (c) => chunks.push(c), startedAtMs: 0, checkpointEveryTicks: 40 });
    for (let t = 0; t < 120; t++) {
      for (let eid = 1; eid <= 6; eid++) {
        if ((t + eid) % 7 === 0) queueInput(world, eid, { seq: t, move: { x: Math.cos(t + eid), y: Math.sin(t * eid) } });
        if ((t + eid) % 11 === 0) queueInput(world, eid, { seq: t, attack: true, viewTimeS: world.time.elapsed - 0.05 });
      }
      step(world);
    }
    recorder.close();
    return concat(chunks);
  };
  const standard = record(battleSystems);
  const own = record(theirs);
  // Compared by hand: uvu's diff of two arrays this long takes minutes.
  const firstDifference = own.findIndex((b, i) => b !== standard[i]);
  assert.is(own.length, standard.length);
  assert.is(firstDifference, -1);
  const result = verifyReplay(own, { systems: theirs });
  assert.is(result.error, undefined);
  assert.ok(result.ok);
});

Replay('recording can start right after joins and leaves no step has seen yet', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 8, capacity: 32 });
  const a = spawnPlayer(world);
  spawnPlayer(world);
  step(world);
  const c = spawnPlayer(world);
  despawnPlayer(world, a);
  queueInput(world, c, { seq: 1, move: { x: 1, y: 0 }, attack: true });
  const chunks: Uint8Array[] = [];
  const recorder = recordMatch(world, { sink: (chunk) => chunks.push(chunk), checkpointEveryTicks: 5 });
  for (let t = 0; t < 12; t++) step(world);
  recorder.close();
  const result = verifyReplay(concat(chunks));
  assert.is(result.error, undefined);
  assert.ok(result.ok);
  const r = replay(concat(chunks));
  r.stepOne();
  assert.equal(r.world.sync.spawned, [c]);
  assert.equal(r.world.sync.removed, [1]);
});

Replay('busyMs: the recorder meters its own time inside steps, and stops once closed', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 9, capacity: 64 });
  for (let i = 0; i < 40; i++) spawnPlayer(world);
  const recorder = recordMatch(world, { sink: () => {} });
  assert.is(recorder.busyMs, 0, 'nothing before the first step');
  for (let t = 0; t < 30; t++) step(world);
  const busy = recorder.busyMs;
  assert.ok(busy > 0, `busy ${busy} ms after 30 ticks of 40 players`);
  recorder.close();
  for (let t = 0; t < 10; t++) step(world);
  assert.is(recorder.busyMs, busy);
});

Replay('hashEveryTicks: only every nth tick and checkpoint ticks carry a hash; they verify and seek the same', () => {
  const match = recordTestMatch({ ticks: 600, hashEveryTicks: 7, checkpointEveryTicks: 100 });
  const every = recordTestMatch({ ticks: 600, checkpointEveryTicks: 100 });
  assert.ok(match.bytes.length < every.bytes.length - 500 * 4, `${match.bytes.length} vs ${every.bytes.length}`);
  const result = verifyReplay(match.bytes);
  assert.ok(result.ok, result.error);
  assert.is(result.ticks, 600);
  const hashed = Array.from({ length: 600 }, (_, i) => i + 1).filter((k) => k % 7 === 0 || k % 100 === 0);
  assert.is(result.hashedTicks, hashed.length);
  const r = replay(match.bytes);
  assert.is(r.recordedHash(17 + 7), match.hashes.get(17 + 7));
  assert.is(r.recordedHash(17 + 8), undefined);
  assert.is(r.recordedHash(17 + 100), match.hashes.get(17 + 100));
  r.seek(17 + 555);
  assert.is(hashWorld(r.world), match.hashes.get(17 + 555));
  assert.throws(() => recordMatch(createBattleWorld({ rules: matchRules }), { sink: () => {}, hashEveryTicks: 0 }), /hashEveryTicks must be a positive integer/);
});

Replay.run();
