// The viewer's transport bar: play/pause, speed, a timeline over the recorded ticks with its
// checkpoints marked, the time and tick, the last seek's duration, and the keyboard shortcuts.
import type { ReplayPlayer } from './replay-player';

/** The shortcuts, as the help line shows them. */
export const REPLAY_HELP =
  'Space play/pause · ←/→ ±1 s (Shift: ±1 tick) · +/− speed · Home/End · F follow next player · Esc free camera · drag/wheel pan and zoom';

/** Camera actions the keyboard asks of the page. */
export interface CameraKeys {
  /** Follow the next player (`F`). */
  followNext(): void;
  /** Back to the free camera (`Escape`). */
  free(): void;
}

/** The bar; `update` refreshes what it shows. */
export interface ReplayControls {
  /** Shows the player's tick, state and speed. */
  update(): void;
}

/** `m:ss.s` of a duration in seconds. */
export function formatTime(seconds: number): string {
  const s = Math.max(0, seconds);
  const minutes = Math.floor(s / 60);
  return `${minutes}:${(s - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

/** Builds the bar inside `root` and listens for shortcuts on `keys` (the window). */
export function createReplayControls(root: HTMLElement, player: ReplayPlayer, keys: Window, camera: CameraKeys): ReplayControls {
  const { replay } = player;
  const bar = document.createElement('div');
  bar.className = 'replay-bar';
  bar.innerHTML = `
    <button type="button" data-replay="play" aria-label="Play">▶</button>
    <button type="button" data-replay="slower" aria-label="Slower">−</button>
    <span class="replay-speed" data-replay="speed">1×</span>
    <button type="button" data-replay="faster" aria-label="Faster">+</button>
    <input type="range" data-replay="scrub" aria-label="Timeline" list="replay-checkpoints" step="1">
    <datalist id="replay-checkpoints"></datalist>
    <span class="replay-time" data-replay="time"></span>
    <span class="replay-seek" data-replay="seek"></span>
    <div class="replay-help" data-replay="help"></div>`;
  root.append(bar);
  const el = <T extends HTMLElement>(name: string): T => bar.querySelector(`[data-replay="${name}"]`) as T;
  const playButton = el<HTMLButtonElement>('play');
  const scrub = el<HTMLInputElement>('scrub');
  const marks = bar.querySelector('datalist') as HTMLDataListElement;
  scrub.min = String(replay.firstTick);
  scrub.max = String(replay.lastTick);
  for (const t of replay.checkpointTicks) {
    const option = document.createElement('option');
    option.value = String(t);
    marks.append(option);
  }
  el('help').textContent = REPLAY_HELP + (replay.truncated || !replay.ended ? ' · recording still being written (or cut short): showing what is complete' : '');
  const tickS = player.tickMs / 1000;
  const secondTicks = Math.round(1 / tickS);

  // Buttons never take focus: Space would then press the focused one as well as toggle playback.
  for (const button of bar.querySelectorAll('button')) button.addEventListener('mousedown', (e) => e.preventDefault());
  playButton.addEventListener('click', () => player.toggle());
  el('slower').addEventListener('click', () => player.changeSpeed(-1));
  el('faster').addEventListener('click', () => player.changeSpeed(1));
  // `input` fires while dragging: each position is a seek (within the 200 ms a seek may take).
  scrub.addEventListener('input', () => player.seek(Number(scrub.value)));

  keys.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    // The timeline has its own arrow keys; the page's are the same but in seconds.
    const handled = ((): boolean => {
      switch (e.key) {
        case ' ':
          if (!e.repeat) player.toggle();
          return true;
        case 'ArrowLeft':
          player.seek(player.tick - (e.shiftKey ? 1 : secondTicks));
          return true;
        case 'ArrowRight':
          player.seek(player.tick + (e.shiftKey ? 1 : secondTicks));
          return true;
        case '+':
        case '=':
          player.changeSpeed(1);
          return true;
        case '-':
        case '_':
          player.changeSpeed(-1);
          return true;
        case 'Home':
          player.seek(replay.firstTick);
          return true;
        case 'End':
          player.seek(replay.lastTick);
          return true;
        case 'f':
        case 'F':
          camera.followNext();
          return true;
        case 'Escape':
          camera.free();
          return true;
        default:
          return false;
      }
    })();
    if (handled) e.preventDefault();
  });

  let shown = '';
  return {
    update() {
      const tick = player.tick;
      const seek = player.lastSeekMs;
      const key = `${tick}|${player.playing}|${player.speed}|${seek}`;
      if (key === shown) return;
      shown = key;
      playButton.textContent = player.playing ? '❚❚' : '▶';
      playButton.setAttribute('aria-label', player.playing ? 'Pause' : 'Play');
      el('speed').textContent = `${player.speed}×`;
      // Not while the thumb is held: the browser owns its position then.
      if (document.activeElement !== scrub || !player.playing) scrub.value = String(tick);
      el('time').textContent =
        `${formatTime((tick - replay.firstTick) * tickS)} / ${formatTime((replay.lastTick - replay.firstTick) * tickS)} · tick ${tick}`;
      el('seek').textContent = Number.isNaN(seek) ? '' : `seek ${seek.toFixed(1)} ms`;
    },
  };
}
