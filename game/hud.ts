import { getStore, hasComponent, query, Dead, Health, NetId, Player, Score } from '../engine';
import type { ConnectionStatus, GameClient } from '../net/client';
import type { WireEvent } from '../net/wire';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  disconnected: 'disconnected',
};

/** The heads-up display: health, players online, score, ping, connection status, scoreboard, kill feed. */
export interface Hud {
  update(): void;
  setStatus(status: ConnectionStatus, reason?: string): void;
  onEvents(events: WireEvent[]): void;
  dispose(): void;
}

/** Builds the HUD inside `root` (DOM only; reads the client world, never writes it). */
export function createHud(root: HTMLElement, client: GameClient): Hud {
  root.innerHTML = `
    <div class="hud-top">
      <div class="hud-status" data-status="connecting"><span class="dot"></span><span class="text">connecting…</span></div>
      <div class="hud-stat">HP <strong data-hud="hp">–</strong></div>
      <div class="hud-healthbar"><div data-hud="hpbar"></div></div>
      <div class="hud-stat">K/D <strong data-hud="kd">0 / 0</strong></div>
      <div class="hud-stat">Players <strong data-hud="players">0</strong></div>
      <div class="hud-stat">Ping <strong data-hud="ping">–</strong></div>
    </div>
    <div class="hud-dead" data-hud="dead" hidden>You died: respawning…</div>
    <ol class="hud-board" data-hud="board"></ol>
    <ul class="hud-feed" data-hud="feed"></ul>
    <div class="hud-help">Move: arrows / WASD · Attack: Space</div>`;
  const el = (name: string) => root.querySelector(`[data-hud="${name}"]`) as HTMLElement;
  const statusEl = root.querySelector('.hud-status') as HTMLElement;
  const { world } = client;
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const netId = getStore(world, NetId);
  const dead = getStore(world, Dead);
  const feedTimers = new Set<ReturnType<typeof setTimeout>>();

  const label = (id: number): string => (id === world.localId ? 'you' : `#${id}`);

  return {
    update() {
      const me = client.localEntity;
      if (me !== undefined) {
        const hp = health.hp[me]!;
        const max = health.max[me]! || 1;
        el('hp').textContent = String(Math.max(0, Math.round(hp)));
        (el('hpbar') as HTMLElement).style.width = `${Math.max(0, Math.min(1, hp / max)) * 100}%`;
        el('kd').textContent = `${score.kills[me]} / ${score.deaths[me]}`;
        el('dead').hidden = !hasComponent(world, me, dead);
      }
      el('players').textContent = String(world.entities.size);
      el('ping').textContent = Number.isNaN(client.ping) ? '–' : `${Math.round(client.ping)} ms`;
      const rows = [...query(world, [getStore(world, Player), score])]
        .sort((a, b) => score.kills[b]! - score.kills[a]! || score.deaths[a]! - score.deaths[b]!)
        .slice(0, 8);
      el('board').innerHTML = rows
        .map((eid) => `<li class="${eid === me ? 'me' : ''}"><span>${label(netId.id[eid]!)}</span><span>${score.kills[eid]} / ${score.deaths[eid]}</span></li>`)
        .join('');
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
