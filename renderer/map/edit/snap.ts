/**
 * Snapping candidates for drawing and vertex editing (pure). The pointer snaps to the nearest
 * vertex of a visible project layer within the pixel tolerance; only when no vertex is that close
 * does it snap onto the nearest edge. A vertex snap returns the layer's own coordinate object
 * values, so a shared boundary point is stored bit-for-bit equal to the reference vertex.
 *
 * Distances are measured on screen (the caller's `project` maps lon/lat to pixels), because the
 * tolerance is what the user sees, whatever the zoom.
 */
import type { FeatureCollection, Geometry, Position } from 'geojson';
import type { BBox } from '../../../shared/model/layers';
import { idOfFeature } from '../../../shared/model/attributes';

export interface ScreenPoint {
  x: number;
  y: number;
}

export type Projector = (position: Position) => ScreenPoint;

/** Default snapping radius in CSS pixels. */
export const SNAP_TOLERANCE_PX = 10;

interface SnapEntry {
  table: string;
  featureId: string;
  bbox: BBox;
  /** Vertex chains; `closed` chains also have an edge from the last vertex back to the first. */
  chains: { vertices: Position[]; closed: boolean }[];
}

export interface SnapIndex {
  entries: SnapEntry[];
}

export interface SnapResult {
  position: Position;
  kind: 'vertex' | 'edge';
  table: string;
  featureId: string;
  distancePx: number;
}

export interface SnapLayer {
  table: string;
  data: FeatureCollection;
}

/** Open chains of a geometry (rings without their repeated closing point). */
function chainsOf(geometry: Geometry | null): SnapEntry['chains'] {
  if (!geometry) return [];
  const ring = (r: Position[]) => {
    const closed = r.length > 1 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1];
    return { vertices: closed ? r.slice(0, -1) : r, closed };
  };
  switch (geometry.type) {
    case 'Point':
      return [{ vertices: [geometry.coordinates], closed: false }];
    case 'MultiPoint':
      return geometry.coordinates.map((p) => ({ vertices: [p], closed: false }));
    case 'LineString':
      return [{ vertices: geometry.coordinates, closed: false }];
    case 'MultiLineString':
      return geometry.coordinates.map((l) => ({ vertices: l, closed: false }));
    case 'Polygon':
      return geometry.coordinates.map(ring);
    case 'MultiPolygon':
      return geometry.coordinates.flat().map(ring);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(chainsOf);
  }
}

function bboxOfChains(chains: SnapEntry['chains']): BBox | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const chain of chains) {
    for (const [x, y] of chain.vertices) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}

/**
 * Index of every feature of the given layers. `exclude` leaves out one feature (the parcel being
 * reshaped: its old vertices would pull the dragged vertex back).
 */
export function buildSnapIndex(layers: readonly SnapLayer[], exclude?: { table: string; id: string } | null): SnapIndex {
  const entries: SnapEntry[] = [];
  for (const { table, data } of layers) {
    data.features.forEach((feature, index) => {
      const featureId = idOfFeature(feature, index + 1);
      if (exclude && exclude.table === table && exclude.id === featureId) return;
      const chains = chainsOf(feature.geometry).filter((c) => c.vertices.length > 0);
      const bbox = bboxOfChains(chains);
      if (bbox) entries.push({ table, featureId, bbox, chains });
    });
  }
  return { entries };
}

export interface SnapQuery {
  pointer: ScreenPoint;
  project: Projector;
  tolerancePx?: number;
  /** Tables the user has hidden: never snapped to. */
  hidden?: Readonly<Record<string, boolean>>;
  /** Lon/lat box around the pointer (the tolerance unprojected) to skip far features quickly. */
  near?: BBox;
}

const intersects = (a: BBox, b: BBox) => a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];

/** The snap target for the pointer, or null when nothing visible is within the tolerance. */
export function findSnap(index: SnapIndex, query: SnapQuery): SnapResult | null {
  const tolerance = query.tolerancePx ?? SNAP_TOLERANCE_PX;
  const { pointer, project } = query;
  let bestVertex: SnapResult | null = null;
  let bestEdge: SnapResult | null = null;
  for (const entry of index.entries) {
    if (query.hidden?.[entry.table]) continue;
    if (query.near && !intersects(entry.bbox, query.near)) continue;
    for (const chain of entry.chains) {
      const screen = chain.vertices.map(project);
      for (let i = 0; i < screen.length; i++) {
        const d = Math.hypot(screen[i].x - pointer.x, screen[i].y - pointer.y);
        if (d <= tolerance && (!bestVertex || d < bestVertex.distancePx)) {
          bestVertex = { position: chain.vertices[i], kind: 'vertex', table: entry.table, featureId: entry.featureId, distancePx: d };
        }
      }
      if (bestVertex) continue; // a vertex wins over any edge: no need to look at edges any more
      const segments = chain.closed ? screen.length : screen.length - 1;
      for (let i = 0; i < segments; i++) {
        const j = (i + 1) % screen.length;
        const a = screen[i];
        const b = screen[j];
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const lengthSq = dx * dx + dy * dy;
        if (lengthSq === 0) continue;
        const t = Math.max(0, Math.min(1, ((pointer.x - a.x) * dx + (pointer.y - a.y) * dy) / lengthSq));
        const d = Math.hypot(a.x + t * dx - pointer.x, a.y + t * dy - pointer.y);
        if (d <= tolerance && (!bestEdge || d < bestEdge.distancePx)) {
          const p = chain.vertices[i];
          const q = chain.vertices[j];
          bestEdge = { position: [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])], kind: 'edge', table: entry.table, featureId: entry.featureId, distancePx: d };
        }
      }
    }
  }
  return bestVertex ?? bestEdge;
}
