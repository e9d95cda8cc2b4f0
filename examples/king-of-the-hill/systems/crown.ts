import { emit, getStore, Player, query, Score, type BattleWorld } from 'skirmish';
import { CROWNS, kingRules, POINTS } from '../rules';

/** Ends the round when a player reaches `winScore`: it gets a crown, and everyone's points start over. */
export function crownSystem(world: BattleWorld): void {
  const score = getStore(world, Score);
  const players = query(world, [getStore(world, Player), score]);
  // Only the king scores, at most a point a tick, so at most one player can be at winScore.
  const winner = players.find((eid) => score[POINTS][eid]! >= kingRules(world).winScore);
  if (winner === undefined) return;
  score[CROWNS][winner]!++;
  for (const eid of players) score[POINTS][eid] = 0;
  // For server-side listeners (logs, tests); clients see the crown in the winner's replicated Score.
  emit(world, { type: 'crown', eid: winner });
}
