import { query } from 'bitecs';
import { getStore } from '../component';
import { Input } from '../components';
import type { BattleWorld } from '../battle';
import { journalOf, type InputStoreValues } from '../journal';

// The Input store as the tick found a player, for the journal (reused: the system allocates nothing).
const before: InputStoreValues = { seq: 0, mx: 0, my: 0, seek: 0 };

/**
 * Applies every command queued since the last tick: the last movement wins, any attack press
 * counts (with the view time of the last press that has one), the last sequence number is
 * remembered. Without commands a player keeps walking the way it was (held keys), but does not
 * attack again.
 */
export function inputSystem(world: BattleWorld): void {
  const input = getStore(world, Input);
  const journal = journalOf(world);
  const journaled = journal?.consumed !== undefined;
  for (const eid of query(world, [input])) {
    input.attack[eid] = 0;
    input.viewTimeS[eid] = 0;
    const queue = world.inputs.get(eid);
    if (queue === undefined || queue.length === 0) continue;
    if (journaled) {
      before.seq = input.seq[eid]!;
      before.mx = input.mx[eid]!;
      before.my = input.my[eid]!;
      before.seek = input.seek[eid]!;
    }
    for (let i = 0; i < queue.length; i++) {
      const cmd = queue[i]!;
      if (cmd.seq !== undefined) input.seq[eid] = cmd.seq;
      if (cmd.target !== undefined) {
        input.seek[eid] = 1;
        // Clamped here so the seek stops on the map, where clients (told this target) stop it too.
        input.tx[eid] = Math.min(world.rules.map.width, Math.max(0, cmd.target.x));
        input.ty[eid] = Math.min(world.rules.map.height, Math.max(0, cmd.target.y));
        input.mx[eid] = 0;
        input.my[eid] = 0;
      } else if (cmd.move !== undefined) {
        input.seek[eid] = 0;
        input.mx[eid] = cmd.move.x;
        input.my[eid] = cmd.move.y;
      }
      if (cmd.attack) {
        input.attack[eid] = 1;
        const viewTimeS = cmd.viewTimeS;
        if (viewTimeS !== undefined) input.viewTimeS[eid] = viewTimeS;
      }
    }
    if (journaled) journal.consumed!(eid, queue, before);
    queue.length = 0;
  }
}
