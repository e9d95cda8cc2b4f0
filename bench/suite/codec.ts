// Section 1b: the wire codec alone — encode and decode time and bytes per entity of state messages,
// built with the wire's StateEncoder from records read off the stores, as the server's replication does.
import { performance } from 'node:perf_hooks';
import { createRecordReader, decodeState, StateEncoder } from '../../net';
import { Changed, step, type BattleWorld } from '../../engine';
import { quantile } from '../lib/stats';
import { populatedWorld } from './engine';

/** Codec figures for one message shape. */
export interface CodecShape {
  /** Bytes of the whole message, and per entity. */
  bytes: number;
  bytesPerEntity: number;
  /** Time to encode one message for all entities (fill records from the stores, write), µs p50, and ns per entity. */
  encodeUs: number;
  encodeNsPerEntity: number;
  /** Time to decode one message, µs p50, and ns per entity. */
  decodeUs: number;
  decodeNsPerEntity: number;
}

/** Codec figures at one entity count: a delta where every entity turned, and a full snapshot. */
export interface CodecResult {
  entities: number;
  reps: number;
  /** Every entity changed direction this tick (a direction record each: the common wander change). */
  turn: CodecShape;
  /** Every entity entering view (what a joining client gets). */
  full: CodecShape;
}

function time(reps: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return quantile(Float64Array.from(times).sort(), 0.5);
}

/** `changes`: the engine's `Changed` bits of every entity; `full`: every entity entering instead. */
function shape(world: BattleWorld, entities: number, changes: number, full: boolean, reps: number): CodecShape {
  const encoder = new StateEncoder();
  const read = createRecordReader(world);
  const prev = { tick: world.time.tick - 1, ack: 0 };
  let message: Uint8Array = new Uint8Array(0);
  const encode = (): void => {
    encoder.begin(full, world.time.tick, 1, prev);
    // Filled from the stores per entity, as the server's replication does.
    for (let eid = 1; eid <= entities; eid++) encoder.entity(read(eid), changes, full, false);
    message = encoder.finish([], [], []);
  };
  encode();
  const encodeMs = time(reps, encode);
  const decodeMs = time(reps, () => void decodeState(message, prev));
  return {
    bytes: message.byteLength,
    bytesPerEntity: message.byteLength / entities,
    encodeUs: encodeMs * 1000,
    encodeNsPerEntity: (encodeMs * 1e6) / entities,
    decodeUs: decodeMs * 1000,
    decodeNsPerEntity: (decodeMs * 1e6) / entities,
  };
}

/** Times encoding and decoding state for `entities` players, `reps` times each (median reported). */
export function benchCodec(entities: number, reps: number): CodecResult {
  const world = populatedWorld(entities);
  step(world);
  return { entities, reps, turn: shape(world, entities, Changed.direction, false, reps), full: shape(world, entities, 0, true, reps) };
}
