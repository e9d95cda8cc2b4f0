// The map itself: floor, grid lines and border, built once per renderer.
import { DoubleSide } from 'three/src/constants.js';
import { Float32BufferAttribute } from 'three/src/core/BufferAttribute.js';
import { BufferGeometry } from 'three/src/core/BufferGeometry.js';
import { PlaneGeometry } from 'three/src/geometries/PlaneGeometry.js';
import { LineBasicMaterial } from 'three/src/materials/LineBasicMaterial.js';
import { MeshBasicMaterial } from 'three/src/materials/MeshBasicMaterial.js';
import { Group } from 'three/src/objects/Group.js';
import { LineSegments } from 'three/src/objects/LineSegments.js';
import { Mesh } from 'three/src/objects/Mesh.js';
import type { RenderStyle } from './style';
import type { MapSize } from './view';

/** The drawn map: add `object` to the scene, call `dispose()` to free its GPU resources. */
export interface Arena {
  /** Floor, grid and border, to add to a scene. */
  readonly object: Group;
  /** Frees the arena's geometries and materials. */
  dispose(): void;
}

/** Draw order of the arena's parts; players draw above `ARENA_LAYERS`. */
export const ARENA_LAYERS = 3;

/** Builds the floor (the map rectangle), a grid line every `style.gridStep` units and the border. */
export function createArena(map: MapSize, style: RenderStyle): Arena {
  const { width, height } = map;
  const floorGeometry = new PlaneGeometry(width, height);
  const floorMaterial = new MeshBasicMaterial({ color: style.floor, side: DoubleSide, transparent: true, depthTest: false, forceSinglePass: true });
  const floor = new Mesh(floorGeometry, floorMaterial);
  floor.position.set(width / 2, height / 2, 0);
  floor.renderOrder = 0;

  const gridGeometry = lines(gridPoints(width, height, style.gridStep));
  const gridMaterial = new LineBasicMaterial({ color: style.grid, transparent: true, depthTest: false });
  const grid = new LineSegments(gridGeometry, gridMaterial);
  grid.renderOrder = 1;

  const borderGeometry = lines([0, 0, width, 0, width, 0, width, height, width, height, 0, height, 0, height, 0, 0]);
  const borderMaterial = new LineBasicMaterial({ color: style.border, transparent: true, depthTest: false });
  const border = new LineSegments(borderGeometry, borderMaterial);
  border.renderOrder = 2;

  const object = new Group();
  object.name = 'arena';
  object.add(floor, grid, border);
  return {
    object,
    dispose() {
      object.removeFromParent();
      for (const g of [floorGeometry, gridGeometry, borderGeometry]) g.dispose();
      for (const m of [floorMaterial, gridMaterial, borderMaterial]) m.dispose();
    },
  };
}

// Interior lines only: the border covers x = 0, x = width, y = 0 and y = height.
function gridPoints(width: number, height: number, step: number): number[] {
  const points: number[] = [];
  if (!(step > 0)) return points;
  for (let x = step; x < width; x += step) points.push(x, 0, x, height);
  for (let y = step; y < height; y += step) points.push(0, y, width, y);
  return points;
}

function lines(xy: number[]): BufferGeometry {
  const positions = new Float32Array((xy.length / 2) * 3);
  for (let i = 0, j = 0; i < xy.length; i += 2, j += 3) {
    positions[j] = xy[i]!;
    positions[j + 1] = xy[i + 1]!;
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  return geometry;
}
