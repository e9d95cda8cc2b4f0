// Players: bodies, the local player's outline, health bars and attack swings, each kind one
// instanced draw call whatever the number of players. Reads the world; never writes it.
import { AdditiveBlending, DoubleSide } from 'three/src/constants.js';
import type { BufferGeometry } from 'three/src/core/BufferGeometry.js';
import { CircleGeometry } from 'three/src/geometries/CircleGeometry.js';
import { PlaneGeometry } from 'three/src/geometries/PlaneGeometry.js';
import { RingGeometry } from 'three/src/geometries/RingGeometry.js';
import type { Material } from 'three/src/materials/Material.js';
import { MeshBasicMaterial } from 'three/src/materials/MeshBasicMaterial.js';
import { Color } from 'three/src/math/Color.js';
import { Group } from 'three/src/objects/Group.js';
import { Mesh } from 'three/src/objects/Mesh.js';
import { Dead, getStore, hasComponent, Health, LastAttack, LocalPlayer, Offline, Player, Position, query, type EngineWorld } from '../engine';
import { createInstanceLayer } from './instances';
import type { RenderStyle } from './style';

/** Options of `createPlayers`. */
export interface PlayersOptions {
  /** Colours and sizes to draw with. */
  style: RenderStyle;
  /** Radius the attack swing reaches, in map units. */
  attackRange: number;
  /** How long (ms) a swing lasts after `LastAttack.at`: it grows to the range, then fades out. */
  attackFlashMs: number;
  /** How long (ms) a hit player's body flashes after `flash`. */
  hitFlashMs: number;
  /** Instances allocated up front per layer; layers grow beyond it as needed. */
  capacity: number;
  /** First draw order to use; players take the next six. */
  renderOrder: number;
}

/** The drawn players: call `update(now)` before each frame. */
export interface Players {
  /** Every player layer, to add to a scene. */
  readonly object: Group;
  /** Rebuilds every instance from the world; `now` is the client clock in ms (compared with `LastAttack.at`). */
  update(now: number): void;
  /** Reach (map units) the attack ring shows from now on. */
  setAttackRange(range: number): void;
  /**
   * Flashes `eid`'s body from `at` (same clock as `update`) for `hitFlashMs`: it was just hit. A
   * flash the next frame comes too late for (a slow frame rate) starts at that frame instead.
   */
  flash(eid: number, at: number): void;
  /** Where the LocalPlayer entity was at the last update, or null when there is none. */
  readonly local: { readonly x: number; readonly y: number } | null;
  /** Players drawn at the last update (alive and dead). */
  readonly count: number;
  /** Instances the body layer holds before it next grows. */
  readonly capacity: number;
  /** Frees every layer's geometry and material. */
  dispose(): void;
}

/** The swing is a band this share of the range wide: thick enough to read while it is small. */
const SWING_BAND = 0.2;
/** Share of the swing spent growing from the body to the range (ease-out); the rest only fades. */
const SWING_GROW = 0.6;
const BAR_GAP = 0.7;
const BAR_INSET = 0.1;

/** Builds the player layers under one group; nothing is drawn until the first `update`. */
export function createPlayers(world: EngineWorld, options: PlayersOptions): Players {
  const { style, attackRange, attackFlashMs, hitFlashMs, capacity } = options;
  const r = style.radius;
  const object = new Group();
  object.name = 'players';

  const flat = (color: number, opacity = 1): MeshBasicMaterial =>
    new MeshBasicMaterial({ color, opacity, transparent: true, depthTest: false, depthWrite: false, side: DoubleSide, forceSinglePass: true });
  const bodyGeometry = new CircleGeometry(r, 32);
  const ringGeometry = new RingGeometry(attackRange * (1 - SWING_BAND), attackRange, 64);
  const outlineGeometry = new RingGeometry(r + 0.15, r + 0.55, 32);
  const barGeometry = new PlaneGeometry(1, 1);
  // The fill grows rightward from the bar's left edge, so its geometry starts at x = 0.
  const fillGeometry = new PlaneGeometry(1, 1).translate(0.5, 0, 0);
  const geometries: BufferGeometry[] = [bodyGeometry, ringGeometry, outlineGeometry, barGeometry, fillGeometry];

  // Added to what is under it, so an instance fades by its colour going to black: per-player
  // opacity without a per-player material or draw call.
  const ringMaterial = flat(style.attackRing, 0.9);
  ringMaterial.blending = AdditiveBlending;
  const deadMaterial = flat(style.dead, style.deadOpacity);
  const bodyMaterial = flat(0xffffff);
  const outlineMaterial = flat(style.localOutline);
  const barMaterial = flat(style.barBackground, 0.85);
  const fillMaterial = flat(0xffffff);
  const materials: Material[] = [ringMaterial, deadMaterial, bodyMaterial, outlineMaterial, barMaterial, fillMaterial];

  const order = options.renderOrder;
  const rings = createInstanceLayer(object, ringGeometry, ringMaterial, order, true, capacity);
  const dead = createInstanceLayer(object, bodyGeometry, deadMaterial, order + 1, false, capacity);
  const bodies = createInstanceLayer(object, bodyGeometry, bodyMaterial, order + 2, true, capacity);
  const outline = new Mesh(outlineGeometry, outlineMaterial);
  outline.renderOrder = order + 3;
  outline.visible = false;
  object.add(outline);
  const bars = createInstanceLayer(object, barGeometry, barMaterial, order + 4, false, capacity);
  const fills = createInstanceLayer(object, fillGeometry, fillMaterial, order + 5, true, capacity);
  const layers = [rings, dead, bodies, bars, fills];

  const playerColor = new Color(style.player);
  const localColor = new Color(style.localPlayer);
  const offlineColor = new Color(style.offline);
  const fillColor = new Color();
  const hitColor = new Color(style.hitFlash);
  const flashColor = new Color();
  const swingColor = new Color();
  // Entity → when it was hit; a handful at a time, forgotten once their flash is over.
  const hitAt = new Map<number, number>();
  // Flashed since the last update: each is drawn at least once, however long the frame took.
  const unshown = new Set<number>();
  const local = { x: 0, y: 0 };
  let hasLocal = false;
  // The ring geometry is built for the initial range; another range scales it.
  let ringScale = 1;
  let count = 0;

  return {
    object,
    update(now) {
      const pos = getStore(world, Position);
      const health = getStore(world, Health);
      const deadStore = getStore(world, Dead);
      const localStore = getStore(world, LocalPlayer);
      const offlineStore = getStore(world, Offline);
      const lastAttack = getStore(world, LastAttack);
      const entities = query(world, [getStore(world, Player), pos, health]);
      for (const layer of layers) layer.begin();
      hasLocal = false;
      for (let i = 0; i < entities.length; i++) {
        const eid = entities[i]!;
        const x = pos.x[eid]!;
        const y = pos.y[eid]!;
        const isLocal = hasComponent(world, eid, localStore);
        if (isLocal) {
          hasLocal = true;
          local.x = x;
          local.y = y;
        }
        if (hasComponent(world, eid, lastAttack)) {
          const since = now - lastAttack.at[eid]!;
          if (since >= 0 && since < attackFlashMs) {
            // From the body's edge out to the reach, then a fade: a swing, not a static circle.
            const p = since / attackFlashMs;
            const start = Math.min(1, r / (attackRange * ringScale));
            const g = 1 - Math.min(1, p / SWING_GROW);
            const s = ringScale * (start + (1 - start) * (1 - g * g));
            rings.push(x, y, s, s, swingColor.setScalar(1 - p * p));
          }
        }
        if (hasComponent(world, eid, deadStore)) {
          dead.push(x, y, 1, 1);
          continue;
        }
        // A dropped player waiting for its client to come back is drawn greyed out, not removed.
        let body = isLocal ? localColor : hasComponent(world, eid, offlineStore) ? offlineColor : playerColor;
        const hit = hitAt.get(eid);
        if (hit !== undefined) {
          let since = now - hit;
          if (unshown.has(eid) && since >= hitFlashMs) {
            hitAt.set(eid, now);
            since = 0;
          }
          if (since >= 0 && since < hitFlashMs) body = flashColor.copy(body).lerp(hitColor, 1 - since / hitFlashMs);
          else if (since >= hitFlashMs) hitAt.delete(eid);
        }
        bodies.push(x, y, 1, 1, body);
        const max = health.max[eid]!;
        const fraction = max > 0 ? Math.min(1, Math.max(0, health.hp[eid]! / max)) : 0;
        const barY = y - r - BAR_GAP - style.barHeight / 2;
        bars.push(x, barY, style.barWidth, style.barHeight);
        if (fraction > 0) {
          // Hue 120° (green) at full health down to 0° (red) when nearly dead.
          fillColor.setHSL(fraction / 3, 0.85, 0.45);
          const inner = style.barWidth - 2 * BAR_INSET;
          fills.push(x - inner / 2, barY, inner * fraction, style.barHeight - 2 * BAR_INSET, fillColor);
        }
      }
      // What was not drawn (dead, or out of view) is not shown later.
      unshown.clear();
      for (const layer of layers) layer.end();
      outline.visible = hasLocal;
      if (hasLocal) outline.position.set(local.x, local.y, 0);
      count = entities.length;
    },
    setAttackRange(range) {
      ringScale = attackRange > 0 ? range / attackRange : 1;
    },
    flash(eid, at) {
      hitAt.set(eid, at);
      unshown.add(eid);
    },
    get local() {
      return hasLocal ? local : null;
    },
    get count() {
      return count;
    },
    get capacity() {
      return bodies.capacity;
    },
    dispose() {
      for (const layer of layers) layer.dispose();
      object.removeFromParent();
      for (const g of geometries) g.dispose();
      for (const m of materials) m.dispose();
    },
  };
}
