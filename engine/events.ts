/** A player entered the world. */
export interface SpawnEvent {
  /** Tells the battle events apart. */
  type: 'spawn';
  /** The new player. */
  eid: number;
}

/** A player left the world. `netId` stays valid although the entity is gone. */
export interface DespawnEvent {
  /** Tells the battle events apart. */
  type: 'despawn';
  /** The removed player's entity id, free for reuse by now. */
  eid: number;
  /** The removed player's NetId, which clients know it by. */
  netId: number;
}

/** `attacker` hit `victim`, leaving it `hp`. */
export interface HitEvent {
  /** Tells the battle events apart. */
  type: 'hit';
  /** Who attacked. */
  attacker: number;
  /** Who was hit. */
  victim: number;
  /** Hit points taken. */
  damage: number;
  /** The victim's hit points after the hit. */
  hp: number;
}

/** `attacker` killed `victim`. */
export interface KillEvent {
  /** Tells the battle events apart. */
  type: 'kill';
  /** Who is credited the kill. */
  attacker: number;
  /** Who died. */
  victim: number;
}

/** An attack was made (hit or miss): renderers show it. */
export interface AttackEvent {
  /** Tells the battle events apart. */
  type: 'attack';
  /** Who attacked. */
  eid: number;
}

/** A dead player came back. */
export interface RespawnEvent {
  /** Tells the battle events apart. */
  type: 'respawn';
  /** The player back in the game. */
  eid: number;
}

/** Every event the battle systems emit. */
export type BattleEvent = SpawnEvent | DespawnEvent | HitEvent | KillEvent | AttackEvent | RespawnEvent;
