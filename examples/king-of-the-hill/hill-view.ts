// The hill on screen: a translucent disc with a rim, coloured by who holds it. The renderer draws
// the battle's map and players; a game's own scenery goes into its Three.js scene.
import { CircleGeometry, DoubleSide, Mesh, MeshBasicMaterial, RingGeometry } from 'three';
import type { Renderer } from 'skirmish/render';
import type { Hill } from './rules';

/** Who holds the hill as this page sees it. */
export type Holder = 'free' | 'contested' | 'you' | 'other';

/** Disc colour per holder (CSS hex), and the disc's opacity over the floor. */
export const hillLook: Readonly<Record<Holder, number>> & { opacity: number } = {
  free: 0x94a3b8,
  contested: 0xef4444,
  you: 0x22c55e,
  other: 0xa855f7,
  opacity: 0.5,
};

/** The drawn hill: `show(holder)` recolours it. */
export interface HillView {
  show(holder: Holder): void;
  dispose(): void;
}

// The arena draws at orders 0–2 and players from 3: the hill lies on the floor, under everyone.
const HILL_ORDER = 2.5;

/** Adds the hill to the renderer's scene. */
export function addHill(renderer: Renderer, hill: Hill): HillView {
  const flat = (opacity: number): MeshBasicMaterial =>
    new MeshBasicMaterial({ color: hillLook.free, opacity, transparent: true, depthTest: false, depthWrite: false, side: DoubleSide });
  const discMaterial = flat(hillLook.opacity);
  const rimMaterial = flat(1);
  const disc = new Mesh(new CircleGeometry(hill.radius, 64), discMaterial);
  const rim = new Mesh(new RingGeometry(hill.radius - 0.3, hill.radius, 64), rimMaterial);
  for (const mesh of [disc, rim]) {
    mesh.position.set(hill.x, hill.y, 0);
    mesh.renderOrder = HILL_ORDER;
    renderer.three.scene.add(mesh);
  }
  return {
    show(holder) {
      discMaterial.color.setHex(hillLook[holder]);
      rimMaterial.color.setHex(hillLook[holder]);
    },
    dispose() {
      for (const mesh of [disc, rim]) {
        mesh.removeFromParent();
        mesh.geometry.dispose();
        mesh.material.dispose();
      }
    },
  };
}
