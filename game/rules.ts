import type { BattleRules } from '../engine';
import type { MatchType } from '../net';

/** The battle's rules as data (the README's rules table): change them here, not in systems. */
export const defaultRules: BattleRules = {
  map: { width: 100, height: 100 },
  speed: 25,
  health: 100,
  attack: { range: 10, damage: 10, cooldown: 0.5 },
  respawnDelay: 3,
  // Attacks are judged against where targets were on the attacker's screen, up to 250 ms back.
  lagCompensation: { maxRewind: 0.25, history: 1 },
};

/** Rules with a different map size (e.g. 1000 × 1000 for large matches); everything else default. */
export function rulesForMap(width: number, height: number = width): BattleRules {
  return { ...defaultRules, map: { width, height } };
}

/** The classic match: the 100 × 100 map, 16 players, played until the last one leaves. */
export const classicType: MatchType = { name: 'classic', rules: defaultRules, capacity: 16 };

/** The arena: a 1000 × 1000 map for 500 players. */
export const arenaType: MatchType = { name: 'arena', rules: rulesForMap(1000), capacity: 500 };

/** Every match type the battle game offers (`POST /matchmake {"type": …}`). */
export const gameTypes: MatchType[] = [classicType, arenaType];
