// The classic JSON protocol's side of a tick (docs/protocol.md, "Classic protocol"): hits and kills
// as player_attacked / player_killed, and at most one player_moved per player per tick for
// whatever moved, was hit or respawned.
import { getStore, query, Health, Player, Position, type BattleEvent, type BattleWorld } from '../../engine';
import { ClassicEvents, type ClassicPosition } from '../wire';
import type { GameNamespace } from './session';

/** Room of classic clients. */
export const CLASSIC_ROOM = 'classic';

/** Counters the classic adapter adds to. */
export interface ClassicStats {
  classicMessages: number;
}

/** Turns a tick's results into classic events. */
export interface ClassicAdapter {
  /**
   * The classic view of a newcomer, as its new_player tells it at join: its player_moved events
   * report changes from there, a walk in its very first tick included.
   */
  announce(eid: number): ClassicPosition;
  /** Emits the tick's classic events to the classic room. */
  send(events: readonly BattleEvent[]): void;
  /** The classic view of a player. */
  classicPosition(eid: number): ClassicPosition;
}

/**
 * Creates the classic adapter of a match. `publicIdOf` maps an entity to its classic id; `room` is
 * the match's own classic room, so that several matches on one namespace never hear each other.
 */
export function createClassicAdapter(
  world: BattleWorld, nsp: GameNamespace, stats: ClassicStats, publicIdOf: (eid: number) => string | undefined, room = CLASSIC_ROOM,
): ClassicAdapter {
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const player = getStore(world, Player);
  // What classic clients were last told per player.
  const toldX = new Float32Array(world.capacity);
  const toldY = new Float32Array(world.capacity);
  const toldHp = new Float32Array(world.capacity);
  const classicPosition = (eid: number): ClassicPosition => ({ x: pos.x[eid]!, y: pos.y[eid]!, hp: health.hp[eid]! });
  const remember = (eid: number): void => {
    toldX[eid] = pos.x[eid]!;
    toldY[eid] = pos.y[eid]!;
    toldHp[eid] = health.hp[eid]!;
  };
  return {
    classicPosition,
    announce(eid) {
      remember(eid);
      return classicPosition(eid);
    },
    send(events) {
      const classic = nsp.to(room);
      for (const event of events) {
        if (event.type === 'hit') {
          classic.emit(ClassicEvents.playerAttacked, { id: publicIdOf(event.victim) ?? '', hp: event.hp });
          stats.classicMessages++;
        } else if (event.type === 'kill') {
          classic.emit(ClassicEvents.playerKilled, { id: publicIdOf(event.victim) ?? '' });
          stats.classicMessages++;
        }
      }
      for (const eid of query(world, [player, pos, health])) {
        if (toldX[eid] === pos.x[eid] && toldY[eid] === pos.y[eid] && toldHp[eid] === health.hp[eid]) continue;
        remember(eid);
        const id = publicIdOf(eid);
        if (id === undefined) continue;
        classic.emit(ClassicEvents.playerMoved, { id, position: classicPosition(eid) });
        stats.classicMessages++;
      }
    },
  };
}
