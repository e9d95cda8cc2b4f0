// The viewer's scoreboard and kill feed, as of the replayed tick. DOM only: it reads the view world
// and the player's kill list, and asks the page to follow a player when a name is clicked.
import { getStore, NetId, query, Score } from '../engine';
import type { Replay } from '../engine/replay';
import { guestName } from '../net/wire';
import type { FeedKill } from './replay-player';
import type { ReplayView } from './replay-view';

/** Rows of the scoreboard. */
export const REPLAY_BOARD_ROWS = 10;

/** Player names of a recording as of a tick, from its meta (`{type: 'name', netId, name}`). */
export interface ReplayNames {
  /** The name `netId` had at `tick`: the last one recorded up to then, else the guest name the server gives. */
  label(netId: number, tick: number): string;
}

/** Reads the names out of `replay.meta` once. */
export function createReplayNames(replay: Replay): ReplayNames {
  const byId = new Map<number, { tick: number; name: string }[]>();
  for (const entry of replay.meta) {
    const data = entry.data as { type?: unknown; netId?: unknown; name?: unknown } | null;
    if (data === null || typeof data !== 'object' || data.type !== 'name') continue;
    if (typeof data.netId !== 'number' || typeof data.name !== 'string') continue;
    const list = byId.get(data.netId) ?? [];
    list.push({ tick: entry.tick, name: data.name });
    byId.set(data.netId, list);
  }
  for (const list of byId.values()) list.sort((a, b) => a.tick - b.tick);
  return {
    label(netId, tick) {
      const list = byId.get(netId);
      if (list === undefined) return guestName(netId);
      let name = list[0]!.name; // named before its first recorded tick: still that player
      for (const e of list) if (e.tick <= tick) name = e.name;
      return name;
    },
  };
}

/** The scoreboard and the kill feed. */
export interface ReplayHud {
  /** Redraws both as of `tick`. */
  update(tick: number, kills: readonly FeedKill[]): void;
}

/** Builds the scoreboard and feed inside `root`; a click on a row calls `onPick(netId)`. */
export function createReplayHud(root: HTMLElement, view: ReplayView, names: ReplayNames, onPick: (netId: number) => void): ReplayHud {
  const board = document.createElement('ol');
  board.className = 'hud-board replay-board';
  board.setAttribute('aria-label', 'Scoreboard');
  const feed = document.createElement('ul');
  feed.className = 'hud-feed replay-feed';
  feed.setAttribute('aria-label', 'Kill feed');
  root.append(board, feed);
  board.addEventListener('click', (e) => {
    const li = (e.target as HTMLElement).closest('li');
    if (li?.dataset.netId !== undefined) onPick(Number(li.dataset.netId));
  });
  const score = getStore(view.world, Score);
  const netId = getStore(view.world, NetId);
  let shown = '';

  return {
    update(tick, kills) {
      const ranked = [...query(view.world, [score, netId])]
        .sort((a, b) => score.kills[b]! - score.kills[a]! || score.deaths[a]! - score.deaths[b]! || netId.id[a]! - netId.id[b]!)
        .slice(0, REPLAY_BOARD_ROWS);
      const rows = ranked.map((eid) => ({ id: netId.id[eid]!, kd: `${score.kills[eid]} / ${score.deaths[eid]}` }));
      const feedRows = kills.slice(0, 5).map((k) => `${names.label(k.attacker, tick)} ⚔ ${names.label(k.victim, tick)}`);
      // Rebuilt only when something shown changed: a paused viewer does not churn the DOM every frame.
      const key = JSON.stringify([rows, feedRows, view.followed, rows.map((r) => names.label(r.id, tick))]);
      if (key === shown) return;
      shown = key;
      board.replaceChildren(...rows.map((r, i) => {
        const li = document.createElement('li');
        li.dataset.netId = String(r.id);
        li.title = 'Follow this player (Esc: free camera)';
        if (r.id === view.followed) li.className = 'me';
        const rank = document.createElement('span');
        rank.className = 'rank';
        rank.textContent = String(i + 1);
        const who = document.createElement('span');
        who.className = 'who';
        // textContent: names are player-chosen.
        who.textContent = names.label(r.id, tick);
        const kd = document.createElement('span');
        kd.className = 'kd';
        kd.textContent = r.kd;
        li.append(rank, who, kd);
        return li;
      }));
      feed.replaceChildren(...feedRows.map((text) => {
        const li = document.createElement('li');
        li.textContent = text;
        return li;
      }));
    },
  };
}
