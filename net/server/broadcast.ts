// After each tick, what every client is sent: delta-protocol clients one binary state message
// each (net/server/replication.ts), classic clients the old game's JSON events
// (net/server/classic.ts). Messages are built first and written later (net/server/outbox.ts).
import type { BattleEvent, BattleWorld } from '../../engine';
import type { ClassicPosition } from '../wire';
import { createClassicAdapter } from './classic';
import { defaultInterest, type InterestOptions } from './interest';
import { createOutbox } from './outbox';
import { createReplicator } from './replication';
import type { GameNamespace, Session, Viewer } from './session';

export { CLASSIC_ROOM } from './classic';
export { defaultInterest } from './interest';
export type { InterestOptions } from './interest';

/** Room of delta-protocol clients (sessions of kind 'delta'). */
export const DELTA_ROOM = 'delta';

/** Counters the broadcaster adds to. */
export interface BroadcastStats {
  stateBytes: number;
  stateMessages: number;
  /** Of `stateMessages`, those sharing a body built once for the tick. */
  sharedMessages: number;
  classicMessages: number;
}

/** Sends the results of a tick. */
export interface Broadcaster {
  /**
   * Builds every delta client's message for the tick just run, and emits the classic events.
   * `spectators` get delta messages too, seeing every player (see `NO_ENTITY`).
   */
  build(sessions: Iterable<Session>, spectators?: Iterable<Viewer>): void;
  /**
   * Writes the built messages to their sockets. Separate from `build` so the server can time the
   * simulation-and-encoding part of a tick apart from the socket writes.
   */
  send(): void;
  /** The classic view of a player. */
  classicPosition(eid: number): ClassicPosition;
  /** The classic view of a newcomer, announced in new_player: later player_moved events report changes from it. */
  announcePosition(eid: number): ClassicPosition;
}

/** Creates the broadcaster of a match. `publicIdOf` maps an entity to its classic id; `classicRoom` is the match's classic room. */
export function createBroadcaster(
  world: BattleWorld,
  nsp: GameNamespace,
  stats: BroadcastStats,
  publicIdOf: (eid: number) => string | undefined,
  interest: InterestOptions = defaultInterest,
  classicRoom?: string,
): Broadcaster {
  const classic = createClassicAdapter(world, nsp, stats, publicIdOf, classicRoom);
  const replicator = createReplicator(world, stats, interest);
  const outbox = createOutbox();
  const live: Viewer[] = [];
  const rotated: Viewer[] = [];
  let firstWritten = 0;
  return {
    build(sessions, spectators = []) {
      live.length = 0;
      let classicCount = 0;
      for (const s of sessions) {
        if (s.socket === null) continue;
        if (s.kind === 'delta') live.push(s);
        else classicCount++;
      }
      for (const s of spectators) if (s.socket !== null) live.push(s);
      const events = world.events as BattleEvent[];
      if (classicCount > 0) classic.send(events);
      // Messages are written in the order they are built, and writing 500 of them takes ~10 ms:
      // start one viewer further along each tick, so nobody is always written last.
      const n = live.length;
      const start = n === 0 ? 0 : firstWritten++ % n;
      for (let i = 0; i < n; i++) rotated[i] = live[(start + i) % n]!;
      rotated.length = n;
      replicator.build(rotated, events, outbox);
      live.length = 0;
      rotated.length = 0;
    },
    send() {
      outbox.send();
    },
    classicPosition: classic.classicPosition,
    announcePosition: classic.announce,
  };
}
