// The HUD: who holds the hill, your points and crowns, a scoreboard, and a banner when a round is
// won. It reads the client's mirror world only; points and crowns are the replicated Score.
import { getStore, NetId, Player, query, Score } from 'skirmish';
import type { ConnectionStatus, GameClient } from 'skirmish/net/client';
import type { Holder } from './hill-view';
import { CROWNS, POINTS, rules } from './rules';

/** The HUD's handle: `update` once in a while, `setStatus` on connection changes. */
export interface Hud {
  update(holder: Holder, king: number | undefined): void;
  setStatus(status: ConnectionStatus): void;
}

const HOLDER_TEXT: Record<Holder, string> = { free: 'free', contested: 'contested', you: 'you', other: '' };

/** Builds the HUD inside `root`. */
export function createHud(root: HTMLElement, client: GameClient): Hud {
  root.innerHTML = `
    <div class="bar">
      <span data-hud="status">connecting…</span>
      <span>Hill <strong data-hud="king">–</strong></span>
      <span>Points <strong data-hud="points">0</strong> / ${rules.winScore}</span>
      <span>Crowns <strong data-hud="crowns">0</strong></span>
    </div>
    <ol class="board" data-hud="board"></ol>
    <div class="banner" data-hud="banner" hidden></div>
    <div class="help">Stand on the hill alone to score · Move: arrows / WASD · Shove: Space</div>`;
  const el = (name: string): HTMLElement => root.querySelector(`[data-hud="${name}"]`)!;
  const { world } = client;
  const score = getStore(world, Score);
  const netId = getStore(world, NetId);
  const label = (eid: number): string => (eid === client.localEntity ? 'you' : `#${netId.id[eid]}`);
  // Crowns last seen per NetId: one going up is the only sign of a won round that reaches the page.
  const crownsSeen = new Map<number, number>();
  let bannerTimer: ReturnType<typeof setTimeout> | undefined;

  return {
    update(holder, king) {
      el('king').textContent = holder === 'other' && king !== undefined ? label(king) : HOLDER_TEXT[holder];
      const me = client.localEntity;
      if (me !== undefined) {
        el('points').textContent = String(score[POINTS][me]);
        el('crowns').textContent = String(score[CROWNS][me]);
      }
      const players = [...query(world, [getStore(world, Player), score])];
      for (const eid of players) {
        const id = netId.id[eid]!;
        const crowns = score[CROWNS][eid]!;
        const seen = crownsSeen.get(id);
        crownsSeen.set(id, crowns);
        if (seen === undefined || crowns <= seen) continue;
        el('banner').textContent = `${label(eid)} ${eid === me ? 'take' : 'takes'} the crown!`;
        el('banner').hidden = false;
        clearTimeout(bannerTimer);
        bannerTimer = setTimeout(() => (el('banner').hidden = true), 3000);
      }
      el('board').innerHTML = players
        .sort((a, b) => score[CROWNS][b]! - score[CROWNS][a]! || score[POINTS][b]! - score[POINTS][a]!)
        .slice(0, 8)
        .map((eid) => `<li class="${eid === me ? 'me' : ''}"><span>${label(eid)}</span><span>${'♛'.repeat(Math.min(5, score[CROWNS][eid]!))} ${score[POINTS][eid]}</span></li>`)
        .join('');
    },
    setStatus(status) {
      el('status').textContent = status.endsWith('ing') ? `${status}…` : status;
      el('status').dataset.status = status;
    },
  };
}
