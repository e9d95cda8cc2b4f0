import { createWorld as createBitWorld } from 'bitecs';
import type { StoreHost } from './component';
import { createRng, type Rng } from './rng';

/** A system: a plain function over the world, run once per tick. */
export type System<W extends EngineWorld = EngineWorld> = (world: W) => void;

/** Something that happened during a tick (a hit, a kill, a spawn…): read after `step`, cleared at the next. */
export interface EngineEvent {
  /** What kind of event it is (e.g. 'hit'): narrows a union of event types. */
  readonly type: string;
}

/** Simulation time. `elapsed` is always `tick * dt`, so it never drifts. */
export interface WorldTime {
  /** Ticks run so far. */
  tick: number;
  /** Seconds per tick. */
  readonly dt: number;
  /** Seconds simulated so far. */
  elapsed: number;
}

/** The context every Skirmish world carries; it is also a bitECS world. */
export interface EngineWorld extends StoreHost {
  /** Simulation time, advanced only by `step`. */
  readonly time: WorldTime;
  /** The world's seeded randomness: the only kind systems may use, so a match replays. */
  readonly rng: Rng;
  /** The seed `rng` was created with (replays record it). */
  readonly seed: number;
  /** The systems `step` runs, in order. */
  systems: System<any>[];
  /**
   * Events of the last `step`, preceded by any emitted between that step and the one before
   * (e.g. `spawnPlayer` called from a connection handler), so nothing is lost between ticks.
   */
  events: EngineEvent[];
  /** How many of `events` the last step has already published (cleared by the next step). */
  publishedEvents: number;
  /** Called when a system throws; the tick goes on with the next system. The default rethrows. */
  onError: (error: unknown, system: System<any>) => void;
}

/** Options of `createWorld`. */
export interface WorldOptions<W extends EngineWorld = EngineWorld> {
  /** Seconds per tick. Default 1/30. */
  dt?: number;
  /** Seed of the world's RNG. Default 1. */
  seed?: number;
  /** Entity capacity of component stores. Default 4096. */
  capacity?: number;
  /** Systems run by `step`, in order. */
  systems?: System<W>[];
  /** Called when a system throws (see `EngineWorld.onError`). Default: rethrow. */
  onError?: (error: unknown, system: System<any>) => void;
}

const rethrow = (error: unknown): never => {
  throw error;
};

/**
 * Creates a world: a bitECS world carrying time, a seeded RNG, per-world component stores and
 * a system list. `extra` is merged in as game-specific context (rules, queues…).
 * @throws if dt or capacity is not a positive finite number.
 */
export function createWorld<X extends object = {}>(options: WorldOptions<EngineWorld & X> = {}, extra?: X): EngineWorld & X {
  const dt = options.dt ?? 1 / 30;
  const capacity = options.capacity ?? 4096;
  if (!(dt > 0 && Number.isFinite(dt))) throw new Error(`Skirmish: dt must be a positive number of seconds, got ${dt}`);
  if (!(Number.isInteger(capacity) && capacity > 1)) throw new Error(`Skirmish: capacity must be an integer > 1, got ${capacity}`);
  const context = {
    time: { tick: 0, dt, elapsed: 0 },
    rng: createRng(options.seed ?? 1),
    seed: options.seed ?? 1,
    capacity,
    stores: new Map(),
    systems: (options.systems ?? []) as System<any>[],
    events: [] as EngineEvent[],
    publishedEvents: 0,
    onError: options.onError ?? rethrow,
    ...extra,
  };
  return createBitWorld(context) as unknown as EngineWorld & X;
}

/**
 * Advances the world by one fixed tick: drops the events already published, then runs every system in order.
 * @throws what a system throws, when the world's `onError` rethrows it (the default).
 */
export function step(world: EngineWorld): void {
  world.time.tick++;
  world.time.elapsed = world.time.tick * world.time.dt;
  world.events.splice(0, world.publishedEvents);
  const systems = world.systems;
  for (let i = 0; i < systems.length; i++) {
    try {
      systems[i]!(world);
    } catch (error) {
      world.onError(error, systems[i]!);
    }
  }
  world.publishedEvents = world.events.length;
}

/** Records an event for whoever reads the world after this tick (network, renderer, tests). */
export function emit<E extends EngineEvent>(world: EngineWorld, event: E): void {
  world.events.push(event);
}
