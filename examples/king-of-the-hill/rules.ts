// King of the Hill as data: the battle rules the engine needs, plus the hill, the scoring and the
// shove. Type imports only, so the page bundles it too: the page knows where the hill is without
// the hill ever crossing the wire.
import type { BattleRules, BattleWorld } from 'skirmish';

/** A circle on the map; a player whose centre is inside it (edge included) stands on it. */
export interface Hill {
  x: number;
  y: number;
  radius: number;
}

/** The battle's rules plus what King of the Hill adds to them. */
export interface KingRules extends BattleRules {
  hill: Hill;
  /** Seconds a player must hold the hill alone for each point. */
  secondsPerPoint: number;
  /** Points that win a round: the winner gets a crown and everyone's points start over. */
  winScore: number;
  /** How far a hit pushes its victim straight away from the attacker, in units. */
  shove: number;
}

/** The game as played: change the numbers here, never in the systems. */
export const rules: KingRules = {
  map: { width: 100, height: 100 },
  speed: 25,
  health: 100,
  // A hit does no damage, it shoves: nobody dies, so respawnDelay never applies (BattleRules requires it).
  attack: { range: 8, damage: 0, cooldown: 0.5 },
  respawnDelay: 3,
  // Shoves are judged where the victims were on the attacker's screen, as in the battle.
  lagCompensation: { maxRewind: 0.25, history: 1 },
  // Shove > radius: the king at the centre can clear the whole hill with one hit.
  hill: { x: 50, y: 50, radius: 8 },
  secondsPerPoint: 1,
  winScore: 30,
  shove: 12,
};

// The protocol replicates the battle's Score and no game-defined component, so this game's two
// counters ride in Score's two fields. Systems and HUD name them through these keys.
/** Score field carrying a player's points this round. */
export const POINTS = 'kills' as const;
/** Score field carrying a player's crowns (rounds won). */
export const CROWNS = 'deaths' as const;

/** The King of the Hill rules of a world: the server hands the world the rules object unchanged. */
export function kingRules(world: BattleWorld): KingRules {
  return world.rules as KingRules;
}
