import { getStore, hasComponent, query, Dead, Health, NetId, Player, Score } from '../engine';
import type { ConnectionStatus, GameClient } from '../net/client';
import type { WireEvent } from '../net/wire';
import type { Names } from './names';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  disconnected: 'disconnected',
};

/** Rows of the scoreboard: the top ten, plus the own row under them when it is not among them. */
export const BOARD_ROWS = 10;

/** The heads-up display: name, health, players online, score, ping, connection status, scoreboard, kill feed. */
export interface Hud {
  update(): void;
  setStatus(status: ConnectionStatus, reason?: string): void;
  onEvents(events: WireEvent[]): void;
  dispose(): void;
}

/** Builds the HUD inside `root` (DOM only; reads the client world, never writes it); players are labelled by `names`. */
export function createHud(root: HTMLElement, client: GameClient, names: Names): Hud {
  root.innerHTML = `
    <div class="hud-left">
    <div class="hud-top">
      <div class="hud-status" data-status="connecting"><span class="dot"></span><span class="text">connecting…</span></div>
      <div class="hud-name" data-hud="name"></div>
      <div class="hud-stat">HP <strong data-hud="hp">–</strong></div>
      <div class="hud-healthbar"><div data-hud="hpbar"></div></div>
      <div class="hud-stat">K/D <strong data-hud="kd">0 / 0</strong></div>
      <div class="hud-stat">Players <strong data-hud="players">0</strong></div>
      <div class="hud-stat">Ping <strong data-hud="ping">–</strong></div>
    </div>
    <ul class="hud-feed" data-hud="feed"></ul>
    </div>
    <ol class="hud-board" data-hud="board" aria-label="Scoreboard"></ol>
    <div class="hud-help">Move: arrows / WASD · Attack: Space</div>`;
  const el = (name: string) => root.querySelector(`[data-hud="${name}"]`) as HTMLElement;
  const statusEl = root.querySelector('.hud-status') as HTMLElement;
  const { world } = client;
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const netId = getStore(world, NetId);
  const dead = getStore(world, Dead);
  const feedTimers = new Set<ReturnType<typeof setTimeout>>();

  const label = (id: number): string => names.label(id);
  // Text goes in with textContent: names are player-chosen.
  const row = (eid: number, rank: number, me: number | undefined): HTMLLIElement => {
    const li = document.createElement('li');
    if (eid === me) li.className = 'me';
    // The player's NetId: a spectator follows the player whose row it clicks.
    li.dataset.id = String(netId.id[eid]);
    const place = document.createElement('span');
    place.className = 'rank';
    place.textContent = `${rank}`;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = label(netId.id[eid]!);
    const kd = document.createElement('span');
    kd.className = 'kd';
    kd.textContent = `${score.kills[eid]} / ${score.deaths[eid]}`;
    li.append(place, who, kd);
    return li;
  };

  return {
    update() {
      const me = client.localEntity;
      if (me !== undefined) {
        const hp = health.hp[me]!;
        const max = health.max[me]! || 1;
        el('hp').textContent = String(Math.max(0, Math.round(hp)));
        (el('hpbar') as HTMLElement).style.width = `${Math.max(0, Math.min(1, hp / max)) * 100}%`;
        el('kd').textContent = `${score.kills[me]} / ${score.deaths[me]}`;
        el('name').textContent = label(world.localId);
        el('name').classList.toggle('dead', hasComponent(world, me, dead));
      }
      el('players').textContent = String(world.entities.size);
      el('ping').textContent = Number.isNaN(client.ping) ? '–' : `${Math.round(client.ping)} ms`;
      // Only the players this client sees: on a big map the server sends those nearby, not everyone.
      const ranked = [...query(world, [getStore(world, Player), score])]
        .sort((a, b) => score.kills[b]! - score.kills[a]! || score.deaths[a]! - score.deaths[b]! || netId.id[a]! - netId.id[b]!);
      const rows = ranked.slice(0, BOARD_ROWS).map((eid, i) => row(eid, i + 1, me));
      const mine = me === undefined ? -1 : ranked.indexOf(me);
      if (mine >= BOARD_ROWS) rows.push(row(me!, mine + 1, me));
      el('board').replaceChildren(...rows);
    },
    setStatus(status, reason) {
      statusEl.dataset.status = status;
      (statusEl.querySelector('.text') as HTMLElement).textContent = STATUS_TEXT[status];
      statusEl.title = reason ?? '';
    },
    onEvents(events) {
      const feed = el('feed');
      for (const e of events) {
        if (e.type !== 'kill') continue;
        const li = document.createElement('li');
        li.textContent = `${label(e.attacker)} ⚔ ${label(e.victim)}`;
        feed.prepend(li);
        while (feed.children.length > 5) feed.lastElementChild!.remove();
        const timer = setTimeout(() => {
          li.remove();
          feedTimers.delete(timer);
        }, 5000);
        feedTimers.add(timer);
      }
    },
    dispose() {
      for (const t of feedTimers) clearTimeout(t);
      root.innerHTML = '';
    },
  };
}
