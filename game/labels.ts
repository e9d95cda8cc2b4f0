// Names above players: a pool of absolutely positioned elements over the canvas, placed each frame
// through the renderer's map → screen mapping. Text changes only when a name does, so a frame
// costs a transform per visible player, and the nearest `maxLabels` players get one.
import { getStore, Position, type StoreHost } from '../engine';

/** What labels read of a world: positions, players by NetId, the own NetId (a client's mirror world, or the replay viewer's). */
export interface LabelledWorld extends StoreHost {
  /** NetId → entity of every player shown. */
  readonly entities: ReadonlyMap<number, number>;
  /** NetId of the player drawn as the own one (0: none). */
  readonly localId: number;
}

/** Names drawn above the players of a world. */
export interface NameLabels {
  /** Places the labels for this frame; `toScreen` maps map units to CSS pixels. */
  update(toScreen: (x: number, y: number) => { x: number; y: number }, radiusPx: number): void;
  /** Removes the labels from the page. */
  dispose(): void;
}

/** Creates the labels of `world`'s players inside `root`, each named by `label(netId)`. */
export function createNameLabels(root: HTMLElement, world: LabelledWorld, label: (netId: number) => string, maxLabels = 64): NameLabels {
  const layer = document.createElement('div');
  layer.className = 'name-labels';
  root.append(layer);
  const pool: HTMLDivElement[] = [];
  const shown: string[] = [];
  const position = getStore(world, Position);
  const byDistance: { eid: number; id: number; d: number }[] = [];
  return {
    update(toScreen, radiusPx) {
      byDistance.length = 0;
      const width = layer.clientWidth;
      const height = layer.clientHeight;
      // Every mirrored entity is a player.
      for (const [id, eid] of world.entities) {
        const at = toScreen(position.x[eid]!, position.y[eid]!);
        if (at.x < -50 || at.y < -50 || at.x > width + 50 || at.y > height + 50) continue;
        byDistance.push({ eid, id, d: (at.x - width / 2) ** 2 + (at.y - height / 2) ** 2 });
      }
      if (byDistance.length > maxLabels) byDistance.sort((a, b) => a.d - b.d).length = maxLabels;
      for (let i = 0; i < byDistance.length; i++) {
        const { eid, id } = byDistance[i]!;
        let el = pool[i];
        if (el === undefined) {
          el = document.createElement('div');
          el.className = 'name-label';
          layer.append(el);
          pool.push(el);
          shown.push('');
        }
        const text = label(id);
        if (shown[i] !== text) {
          el.textContent = text;
          shown[i] = text;
        }
        el.dataset.id = String(id);
        el.dataset.local = id === world.localId ? '1' : '';
        const at = toScreen(position.x[eid]!, position.y[eid]!);
        el.style.transform = `translate(${at.x.toFixed(1)}px, ${(at.y - radiusPx).toFixed(1)}px) translate(-50%, -100%)`;
        el.hidden = false;
      }
      for (let i = byDistance.length; i < pool.length; i++) pool[i]!.hidden = true;
    },
    dispose() {
      layer.remove();
    },
  };
}
