import { defineComponent, defineTag } from './component';

/** Where an entity stands, in map units. */
export const Position = defineComponent('Position', { x: Float32Array, y: Float32Array });

/** Hit points: `hp` now, `max` on (re)spawn. */
export const Health = defineComponent('Health', { hp: Float32Array, max: Float32Array });

/** What the player asks for this tick, as the input system leaves it for movement and combat. */
export const Input = defineComponent('Input', {
  /** Walk direction along x (the direction's length is at most 1). */
  mx: Float32Array,
  /** Walk direction along y. */
  my: Float32Array,
  /** 1 while walking toward (tx, ty) instead of along (mx, my). */
  seek: Uint8Array,
  /** Seek target x, in map units. */
  tx: Float32Array,
  /** Seek target y, in map units. */
  ty: Float32Array,
  /** 1 when this tick's input asks to attack. */
  attack: Uint8Array,
  /** Sequence number of the last input command applied. */
  seq: Uint32Array,
  /** Simulation time, in seconds, the player saw when pressing this tick's attack (0 = none). */
  viewTimeS: Float64Array,
});

/** Simulation time (seconds) at which the next attack is allowed. */
export const Cooldown = defineComponent('Cooldown', { readyAt: Float64Array });

/** Present while dead; `respawnAt` is the simulation time of the respawn. */
export const Dead = defineComponent('Dead', { respawnAt: Float64Array });

/** Kills and deaths of a player. */
export const Score = defineComponent('Score', { kills: Uint32Array, deaths: Uint32Array });

/** A stable id for the wire: unlike entity ids, never reused within a world. */
export const NetId = defineComponent('NetId', { id: Uint32Array });

/** Marks a player entity. */
export const Player = defineTag('Player');

/** A player whose connection dropped: kept in the world for a grace window, shown as disconnected. */
export const Offline = defineTag('Offline');

/** Client mirror: marks the entity this client controls. */
export const LocalPlayer = defineTag('LocalPlayer');

/** Client mirror: when (client clock, ms) the entity last attacked, so renderers can show it. */
export const LastAttack = defineComponent('LastAttack', { at: Float64Array });
