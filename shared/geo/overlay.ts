/**
 * Overlap of a parcel with a polygon feature (rules.md §2): the intersection polygon (turf's
 * polygon clipping in lon/lat, which is planar but exact enough for edges of parcel size) and its
 * geodesic area on CGCS2000.
 *
 * Robustness matters more than elegance here: one self-touching ring in a 名录 layer must not take
 * down the check of a whole submission. Clipping is retried on cleaned input and part by part; if
 * every attempt fails the result says so (`failed`) and the engine reports a manual-review finding
 * instead of silently passing.
 */
import { featureCollection, intersect, multiPolygon, polygon } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { bboxOf, geodesicAreaM2 } from './geodesy';

export interface OverlapResult {
  /** Geodesic area of the intersection, m² (unrounded). 0 when disjoint or only touching. */
  overlapAreaM2: number;
  /** The intersection polygon (lon/lat), null when empty. */
  geometry: Polygon | MultiPolygon | null;
  /** True when clipping failed on every attempt; overlapAreaM2 is then meaningless (0). */
  failed: boolean;
  /** Reason for failure, for the log. */
  error?: string;
}

const EMPTY: OverlapResult = { overlapAreaM2: 0, geometry: null, failed: false };

/** Intersection of two polygonal geometries with its geodesic area. Never throws. */
export function overlapOf(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): OverlapResult {
  if (!bboxesIntersect(bboxOf(a), bboxOf(b))) return EMPTY;
  let lastError = '';
  // Attempt 1: as given. Attempt 2: cleaned (closed rings, duplicate vertices dropped, degenerate
  // rings removed). Attempt 3: part by part of the cleaned geometries, summing the pieces.
  const attempts: Array<() => Polygon | MultiPolygon | null> = [
    () => clip(a, b),
    () => clip(clean(a), clean(b)),
    () => clipPartwise(clean(a), clean(b)),
  ];
  for (const attempt of attempts) {
    try {
      const geometry = attempt();
      if (!geometry) return EMPTY;
      const overlapAreaM2 = geodesicAreaM2(geometry);
      if (!Number.isFinite(overlapAreaM2)) throw new Error('non-finite overlap area');
      return { overlapAreaM2, geometry: overlapAreaM2 > 0 ? geometry : null, failed: false };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return { overlapAreaM2: 0, geometry: null, failed: true, error: lastError };
}

/** True when the intersection area exceeds the threshold (rules.md §2: strictly greater). */
export function isOverlap(overlapAreaM2: number, minOverlapM2: number): boolean {
  return overlapAreaM2 > minOverlapM2;
}

function clip(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): Polygon | MultiPolygon | null {
  const fa = a.type === 'Polygon' ? polygon(a.coordinates) : multiPolygon(a.coordinates);
  const fb = b.type === 'Polygon' ? polygon(b.coordinates) : multiPolygon(b.coordinates);
  const result = intersect(featureCollection<Polygon | MultiPolygon>([fa, fb]));
  return result ? result.geometry : null;
}

function clipPartwise(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): Polygon | MultiPolygon | null {
  const pieces: Position[][][] = [];
  for (const partA of partsOf(a)) {
    for (const partB of partsOf(b)) {
      if (!bboxesIntersect(bboxOf(partA), bboxOf(partB))) continue;
      const piece = clip(partA, partB);
      if (!piece) continue;
      if (piece.type === 'Polygon') pieces.push(piece.coordinates);
      else pieces.push(...piece.coordinates);
    }
  }
  if (pieces.length === 0) return null;
  return pieces.length === 1 ? { type: 'Polygon', coordinates: pieces[0] } : { type: 'MultiPolygon', coordinates: pieces };
}

function partsOf(g: Polygon | MultiPolygon): Polygon[] {
  return g.type === 'Polygon' ? [g] : g.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
}

/** Drops non-finite and repeated vertices, closes rings, removes rings with < 3 distinct vertices. */
export function clean(g: Polygon | MultiPolygon): Polygon | MultiPolygon {
  const cleanRing = (ring: Position[]): Position[] | null => {
    const out: Position[] = [];
    for (const p of ring) {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
      const last = out[out.length - 1];
      if (last && last[0] === p[0] && last[1] === p[1]) continue;
      out.push([p[0], p[1]]);
    }
    if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
    if (out.length < 3) return null;
    out.push([out[0][0], out[0][1]]);
    return out;
  };
  const cleanPolygon = (rings: Position[][]): Position[][] | null => {
    if (rings.length === 0) return null;
    const shell = cleanRing(rings[0]);
    if (!shell) return null;
    const holes = rings.slice(1).map(cleanRing).filter((r): r is Position[] => r !== null);
    return [shell, ...holes];
  };
  if (g.type === 'Polygon') {
    const rings = cleanPolygon(g.coordinates);
    return { type: 'Polygon', coordinates: rings ?? [] };
  }
  const parts = g.coordinates.map(cleanPolygon).filter((p): p is Position[][] => p !== null);
  return { type: 'MultiPolygon', coordinates: parts };
}

export function bboxesIntersect(a: readonly number[], b: readonly number[]): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
