/** A player entered the world. */
export interface SpawnEvent { type: 'spawn'; eid: number }
/** A player left the world. `netId` stays valid although the entity is gone. */
export interface DespawnEvent { type: 'despawn'; eid: number; netId: number }
/** `attacker` hit `victim`, leaving it `hp`. */
export interface HitEvent { type: 'hit'; attacker: number; victim: number; damage: number; hp: number }
/** `attacker` killed `victim`. */
export interface KillEvent { type: 'kill'; attacker: number; victim: number }
/** An attack was made (hit or miss): renderers show it. */
export interface AttackEvent { type: 'attack'; eid: number }
/** A dead player came back. */
export interface RespawnEvent { type: 'respawn'; eid: number }

/** Every event the battle systems emit. */
export type BattleEvent = SpawnEvent | DespawnEvent | HitEvent | KillEvent | AttackEvent | RespawnEvent;
