/**
 * The geometry being drawn or reshaped (pure, immutable). Rings are kept open (no repeated
 * closing vertex) so every vertex is one handle; holes and parts are ordinary rings and survive
 * every operation. `toGeometry` closes the rings again for saving.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { ScreenPoint, Projector } from './snap';

export interface Sketch {
  /** 'drawing': the first ring is still open and grows by clicks; 'editing': a closed shape whose vertices move. */
  phase: 'drawing' | 'editing';
  /** polygons → rings (0 = shell) → vertices, rings open. */
  polygons: readonly (readonly (readonly Position[])[])[];
  /** The saved geometry type: a reshaped MultiPolygon stays one even with one part. */
  multi: boolean;
}

export interface VertexRef {
  polygon: number;
  ring: number;
  index: number;
}

export const MIN_RING_VERTICES = 3;

export function emptySketch(): Sketch {
  return { phase: 'drawing', polygons: [[[]]], multi: false };
}

export function sketchFromGeometry(geometry: Polygon | MultiPolygon): Sketch {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const open = (ring: Position[]) => {
    const last = ring.length - 1;
    const closed = last > 0 && ring[0][0] === ring[last][0] && ring[0][1] === ring[last][1];
    return (closed ? ring.slice(0, last) : ring).map((p) => [p[0], p[1]]);
  };
  return { phase: 'editing', polygons: polygons.map((rings) => rings.map(open)), multi: geometry.type === 'MultiPolygon' };
}

/** Closed-ring GeoJSON of the sketch; null while it has no ring of at least 3 vertices. */
export function sketchGeometry(sketch: Sketch): Polygon | MultiPolygon | null {
  const close = (ring: readonly Position[]) => [...ring.map((p) => [p[0], p[1]]), [ring[0][0], ring[0][1]]];
  const polygons = sketch.polygons
    .filter((rings) => rings[0] && rings[0].length >= MIN_RING_VERTICES)
    .map((rings) => rings.filter((ring) => ring.length >= MIN_RING_VERTICES).map(close));
  if (polygons.length === 0) return null;
  if (!sketch.multi && polygons.length === 1) return { type: 'Polygon', coordinates: polygons[0] };
  return { type: 'MultiPolygon', coordinates: polygons };
}

export function vertexCount(sketch: Sketch): number {
  return sketch.polygons.reduce((n, rings) => n + rings.reduce((m, ring) => m + ring.length, 0), 0);
}

function withRing(sketch: Sketch, polygon: number, ring: number, update: (vertices: readonly Position[]) => readonly Position[]): Sketch {
  return {
    ...sketch,
    polygons: sketch.polygons.map((rings, pi) => (pi !== polygon ? rings : rings.map((vertices, ri) => (ri !== ring ? vertices : update(vertices))))),
  };
}

/** Drawing: appends a vertex to the open ring. */
export function addVertex(sketch: Sketch, position: Position): Sketch {
  return withRing(sketch, 0, 0, (vertices) => [...vertices, [position[0], position[1]]]);
}

/** Drawing → editing, once the ring has 3 vertices; otherwise unchanged. */
export function closeSketch(sketch: Sketch): Sketch {
  if (sketch.phase !== 'drawing' || sketch.polygons[0][0].length < MIN_RING_VERTICES) return sketch;
  return { ...sketch, phase: 'editing' };
}

export function moveVertex(sketch: Sketch, ref: VertexRef, position: Position): Sketch {
  return withRing(sketch, ref.polygon, ref.ring, (vertices) => vertices.map((p, i) => (i === ref.index ? [position[0], position[1]] : p)));
}

/** Inserts a vertex after `ref.index` (between it and the next vertex of the ring). */
export function insertVertex(sketch: Sketch, ref: VertexRef, position: Position): Sketch {
  return withRing(sketch, ref.polygon, ref.ring, (vertices) => [...vertices.slice(0, ref.index + 1), [position[0], position[1]], ...vertices.slice(ref.index + 1)]);
}

/** Removes a vertex; null when its ring would drop below 3 vertices (the shape would stop being an area). */
export function deleteVertex(sketch: Sketch, ref: VertexRef): Sketch | null {
  const ring = sketch.polygons[ref.polygon]?.[ref.ring];
  if (!ring || ref.index < 0 || ref.index >= ring.length) return null;
  if (sketch.phase === 'editing' && ring.length <= MIN_RING_VERTICES) return null;
  return withRing(sketch, ref.polygon, ref.ring, (vertices) => vertices.filter((_, i) => i !== ref.index));
}

export function vertexAt(sketch: Sketch, ref: VertexRef): Position | undefined {
  return sketch.polygons[ref.polygon]?.[ref.ring]?.[ref.index] as Position | undefined;
}

/** Every vertex with its reference. */
export function vertices(sketch: Sketch): { ref: VertexRef; position: Position }[] {
  const out: { ref: VertexRef; position: Position }[] = [];
  sketch.polygons.forEach((rings, polygon) => rings.forEach((ring, r) => ring.forEach((position, index) => out.push({ ref: { polygon, ring: r, index }, position: position as Position }))));
  return out;
}

/** Midpoint handles of every edge of a closed sketch; `ref.index` is the edge's first vertex. */
export function midpoints(sketch: Sketch): { ref: VertexRef; position: Position }[] {
  if (sketch.phase !== 'editing') return [];
  const out: { ref: VertexRef; position: Position }[] = [];
  sketch.polygons.forEach((rings, polygon) =>
    rings.forEach((ring, r) =>
      ring.forEach((a, index) => {
        const b = ring[(index + 1) % ring.length];
        out.push({ ref: { polygon, ring: r, index }, position: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] });
      }),
    ),
  );
  return out;
}

/** The handle nearest to the pointer within `tolerancePx`, or null. */
export function nearestHandle(handles: readonly { ref: VertexRef; position: Position }[], pointer: ScreenPoint, project: Projector, tolerancePx: number): VertexRef | null {
  let best: VertexRef | null = null;
  let bestDistance = Infinity;
  for (const handle of handles) {
    const p = project(handle.position);
    const d = Math.hypot(p.x - pointer.x, p.y - pointer.y);
    if (d <= tolerancePx && d < bestDistance) {
      best = handle.ref;
      bestDistance = d;
    }
  }
  return best;
}
