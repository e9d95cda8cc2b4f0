// A growable batch of flat 2D shapes drawn in one call: an InstancedMesh that is reallocated,
// at the next power of two, when a frame needs more instances than it holds.
import { DynamicDrawUsage } from 'three/src/constants.js';
import type { BufferGeometry } from 'three/src/core/BufferGeometry.js';
import { InstancedBufferAttribute } from 'three/src/core/InstancedBufferAttribute.js';
import type { Material } from 'three/src/materials/Material.js';
import type { Color } from 'three/src/math/Color.js';
import type { Group } from 'three/src/objects/Group.js';
import { InstancedMesh } from 'three/src/objects/InstancedMesh.js';

/** One instanced draw call whose instances are rewritten every frame. */
export interface InstanceLayer {
  /** Instances written this frame so far. */
  readonly count: number;
  /** Instances the current mesh can hold before it is reallocated. */
  readonly capacity: number;
  /** Starts a frame: forgets last frame's instances. */
  begin(): void;
  /** Adds an instance at (x, y) scaled by (sx, sy); `color` is required when the layer is coloured. */
  push(x: number, y: number, sx: number, sy: number, color?: Color): void;
  /** Ends a frame: uploads what changed and hides the mesh when empty. */
  end(): void;
  /** Frees the mesh's instance buffers; geometry and material belong to the caller. */
  dispose(): void;
}

/** Creates a layer under `parent` drawing `geometry` with `material` at `renderOrder`. */
export function createInstanceLayer(
  parent: Group, geometry: BufferGeometry, material: Material, renderOrder: number, colored: boolean, initialCapacity = 64,
): InstanceLayer {
  let mesh = allocate(Math.max(1, initialCapacity));
  let count = 0;

  function allocate(capacity: number): InstancedMesh {
    const next = new InstancedMesh(geometry, material, capacity);
    next.instanceMatrix.setUsage(DynamicDrawUsage);
    if (colored) next.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3).setUsage(DynamicDrawUsage);
    // Instances move every frame, so a bounding sphere computed once would cull them wrongly.
    next.frustumCulled = false;
    next.renderOrder = renderOrder;
    next.count = 0;
    next.visible = false;
    parent.add(next);
    return next;
  }

  function grow(needed: number): void {
    let capacity = mesh.instanceMatrix.count;
    while (capacity < needed) capacity *= 2;
    const next = allocate(capacity);
    // Keep the instances already written this frame.
    (next.instanceMatrix.array as Float32Array).set((mesh.instanceMatrix.array as Float32Array).subarray(0, count * 16));
    if (colored) (next.instanceColor!.array as Float32Array).set((mesh.instanceColor!.array as Float32Array).subarray(0, count * 3));
    mesh.removeFromParent();
    mesh.dispose();
    mesh = next;
  }

  return {
    get count() {
      return count;
    },
    get capacity() {
      return mesh.instanceMatrix.count;
    },
    begin() {
      count = 0;
    },
    push(x, y, sx, sy, color) {
      if (count >= mesh.instanceMatrix.count) grow(count + 1);
      // A 2D translate-and-scale matrix, column-major, written straight into the buffer.
      const m = mesh.instanceMatrix.array as Float32Array;
      const o = count * 16;
      m.fill(0, o, o + 16);
      m[o] = sx;
      m[o + 5] = sy;
      m[o + 10] = 1;
      m[o + 12] = x;
      m[o + 13] = y;
      m[o + 15] = 1;
      if (colored && color !== undefined) color.toArray(mesh.instanceColor!.array as Float32Array, count * 3);
      count++;
    },
    end() {
      mesh.count = count;
      mesh.visible = count > 0;
      if (count === 0) return;
      mesh.instanceMatrix.clearUpdateRanges();
      mesh.instanceMatrix.addUpdateRange(0, count * 16);
      mesh.instanceMatrix.needsUpdate = true;
      if (colored) {
        mesh.instanceColor!.clearUpdateRanges();
        mesh.instanceColor!.addUpdateRange(0, count * 3);
        mesh.instanceColor!.needsUpdate = true;
      }
    },
    dispose() {
      mesh.removeFromParent();
      mesh.dispose();
    },
  };
}
