// Which part of the map the camera shows, and how map points land on the canvas.
// Map coordinates are used as scene coordinates: x grows to the right, y grows DOWN the screen
// (as in the classic canvas game and in screen space), the map spans [0, width] × [0, height].
import type { OrthographicCamera } from 'three/src/cameras/OrthographicCamera.js';

/** The visible rectangle of the map: its centre and half extents, in map units. */
export interface View {
  /** Centre x. */
  cx: number;
  /** Centre y. */
  cy: number;
  /** Half the visible width. */
  halfW: number;
  /** Half the visible height. */
  halfH: number;
}

/** Map size in units. */
export interface MapSize {
  /** Extent along x: the map spans [0, width]. */
  width: number;
  /** Extent along y: the map spans [0, height]. */
  height: number;
}

/**
 * The view that shows the whole map plus `margin` units around it, keeping the aspect ratio:
 * the leftover canvas on one axis is letterbox (background colour).
 */
export function frameMap(width: number, height: number, map: MapSize, margin: number): View {
  const unitsW = map.width + 2 * margin;
  const unitsH = map.height + 2 * margin;
  const scale = Math.min(width / unitsW, height / unitsH);
  return { cx: map.width / 2, cy: map.height / 2, halfW: width / scale / 2, halfH: height / scale / 2 };
}

/**
 * The view centred on `target` showing `viewSize` units across the canvas's shorter side.
 * It stops at the map's edges (plus `margin`) when the map is larger than the view on that axis.
 */
export function followTarget(
  width: number, height: number, map: MapSize, margin: number, viewSize: number, target: { x: number; y: number },
): View {
  const scale = Math.min(width, height) / viewSize;
  const halfW = width / scale / 2;
  const halfH = height / scale / 2;
  return {
    cx: clampAxis(target.x, halfW, map.width, margin),
    cy: clampAxis(target.y, halfH, map.height, margin),
    halfW,
    halfH,
  };
}

function clampAxis(at: number, half: number, size: number, margin: number): number {
  if (2 * half >= size + 2 * margin) return size / 2;
  return Math.min(Math.max(at, half - margin), size + margin - half);
}

/**
 * Points `camera` at `view`. The camera sits on the -z side looking toward +z with up = -y: a proper
 * rotation (no mirroring) that puts +x right and +y down on screen, so materials are double-sided.
 */
export function applyView(camera: OrthographicCamera, view: View): void {
  camera.position.set(view.cx, view.cy, -100);
  camera.up.set(0, -1, 0);
  camera.lookAt(view.cx, view.cy, 0);
  camera.left = -view.halfW;
  camera.right = view.halfW;
  camera.top = view.halfH;
  camera.bottom = -view.halfH;
  camera.near = 0.1;
  camera.far = 1000;
  camera.updateProjectionMatrix();
}

/** Where the map point (x, y) lands on a canvas of `width` × `height` CSS pixels showing `view`. */
export function mapToScreen(view: View, width: number, height: number, x: number, y: number): { x: number; y: number } {
  return {
    x: ((x - view.cx) / (2 * view.halfW) + 0.5) * width,
    y: ((y - view.cy) / (2 * view.halfH) + 0.5) * height,
  };
}
