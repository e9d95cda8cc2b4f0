// Touch controls: a virtual joystick (nipplejs) on the left half of the screen and an attack
// button at the bottom right. Loaded on demand, only on touch screens, so keyboard players neither
// see nor download them.
import nipplejs from 'nipplejs';
import type { InputIntent } from '../engine';
import type { InputSource } from './controls';

/** The on-screen controls, an input source like the keyboard. */
export interface TouchControls extends InputSource {
  /** Lifts every finger (focus lost, game over). */
  releaseAll(): void;
  dispose(): void;
}

/** Below this share of the stick's reach, the stick is treated as centred (a resting thumb). */
const DEAD_ZONE = 0.15;

/**
 * Adds the joystick zone and the attack button to `root`. `onChange` is called on every change,
 * so the caller can send at once. A tap of the button attacks once even if it is shorter than a
 * frame (latched until an input carrying it is sent).
 */
export function createTouchControls(root: HTMLElement, onChange: () => void): TouchControls {
  const zone = document.createElement('div');
  zone.className = 'touch-stick';
  zone.setAttribute('aria-label', 'Move');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'touch-attack';
  button.textContent = 'Attack';
  root.append(zone, button);

  const stick = { x: 0, y: 0 };
  let pressing = 0;
  let tapped = false;
  let tapSent = false;

  const manager = nipplejs.create({ zone, mode: 'dynamic', color: 'white', size: 120, restOpacity: 0.5 });
  manager.on('move', ({ data }) => {
    const f = Math.min(1, data.force);
    if (f < DEAD_ZONE) {
      stick.x = 0;
      stick.y = 0;
    } else {
      // nipplejs's y points up; the map's y points down.
      const len = Math.hypot(data.vector.x, data.vector.y) || 1;
      stick.x = data.vector.x / len;
      stick.y = -data.vector.y / len;
    }
    onChange();
  });
  manager.on('end', () => {
    stick.x = 0;
    stick.y = 0;
    onChange();
  });

  const press = (e: PointerEvent): void => {
    e.preventDefault();
    button.setPointerCapture?.(e.pointerId);
    pressing++;
    tapped = true;
    tapSent = false;
    button.classList.add('down');
    onChange();
  };
  const release = (): void => {
    pressing = Math.max(0, pressing - 1);
    if (pressing === 0) button.classList.remove('down');
    onChange();
  };
  button.addEventListener('pointerdown', press);
  button.addEventListener('pointerup', release);
  button.addEventListener('pointercancel', release);
  // A long press would open the context menu on some phones.
  button.addEventListener('contextmenu', (e) => e.preventDefault());

  return {
    intent(): InputIntent {
      if (tapped && tapSent && pressing === 0) tapped = false;
      return { mx: stick.x, my: stick.y, attack: pressing > 0 || tapped };
    },
    sent() {
      if (tapped) tapSent = true;
    },
    releaseAll() {
      stick.x = 0;
      stick.y = 0;
      pressing = 0;
      tapped = false;
      button.classList.remove('down');
    },
    dispose() {
      manager.destroy();
      zone.remove();
      button.remove();
    },
  };
}
