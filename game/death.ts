// The death screen: who killed you, your score, and how long until you are back.

/** What the death screen shows. */
export interface Death {
  /** Label of the killer, or undefined when unknown (e.g. died before this page connected). */
  killer: string | undefined;
  kills: number;
  deaths: number;
  /** Server time (ms) of the respawn, or undefined when unknown. */
  respawnAt: number | undefined;
}

/** The overlay; `show` it on death, `update` it every frame, `hide` it on respawn. */
export interface DeathScreen {
  show(death: Death): void;
  /** Refreshes the countdown for the server time `serverNow` (ms). */
  update(serverNow: number): void;
  hide(): void;
  readonly visible: boolean;
}

/** Builds the (hidden) death screen inside `root`. */
export function createDeathScreen(root: HTMLElement): DeathScreen {
  const el = document.createElement('div');
  el.className = 'death';
  el.id = 'death';
  el.hidden = true;
  el.setAttribute('role', 'status');
  el.innerHTML = `
    <div class="death-title">Killed by <strong data-death="killer"></strong></div>
    <div class="death-score">Score <strong data-death="score"></strong></div>
    <div class="death-countdown">Respawning in <strong data-death="countdown"></strong></div>`;
  root.append(el);
  const part = (name: string): HTMLElement => el.querySelector(`[data-death="${name}"]`) as HTMLElement;
  let current: Death | undefined;
  let shown = '';
  return {
    show(death) {
      current = death;
      (part('killer').parentElement as HTMLElement).hidden = death.killer === undefined;
      part('killer').textContent = death.killer ?? '';
      part('score').textContent = `${death.kills} ${death.kills === 1 ? 'kill' : 'kills'} · ${death.deaths} ${death.deaths === 1 ? 'death' : 'deaths'}`;
      (part('countdown').parentElement as HTMLElement).hidden = death.respawnAt === undefined;
      shown = '';
      el.hidden = false;
    },
    update(serverNow) {
      if (current?.respawnAt === undefined || el.hidden) return;
      const text = `${(Math.max(0, current.respawnAt - serverNow) / 1000).toFixed(1)} s`;
      if (text !== shown) part('countdown').textContent = shown = text;
    },
    hide() {
      current = undefined;
      el.hidden = true;
    },
    get visible() {
      return !el.hidden;
    },
  };
}
