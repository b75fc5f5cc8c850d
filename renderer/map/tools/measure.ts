/**
 * What the 测量 tool reports for the points clicked so far, on the CGCS2000 ellipsoid (the same
 * geodesics the checks use, shared/geo/geodesy.ts): a path's length segment by segment, or a
 * polygon's area and perimeter (the closing edge included).
 */
import type { Feature, FeatureCollection, Position } from 'geojson';
import { geodesicDistanceM, geodesicRingAreaM2 } from '../../../shared/geo/geodesy';

export type MeasureMode = 'distance' | 'area';

export interface Measurement {
  mode: MeasureMode;
  /** Path length (distance) or perimeter including the closing edge (area), m. */
  lengthM: number;
  /** Length of the last segment, m (distance mode; 0 before the second point). */
  lastSegmentM: number;
  /** Geodesic area, m² (area mode with ≥ 3 points; else 0). */
  areaM2: number;
  points: number;
}

export function pathLengthM(points: readonly Position[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += geodesicDistanceM(points[i - 1], points[i]);
  return total;
}

export function measure(mode: MeasureMode, points: readonly Position[]): Measurement {
  const n = points.length;
  const open = pathLengthM(points);
  if (mode === 'distance') {
    return { mode, lengthM: open, lastSegmentM: n >= 2 ? geodesicDistanceM(points[n - 2], points[n - 1]) : 0, areaM2: 0, points: n };
  }
  const closing = n >= 3 ? geodesicDistanceM(points[n - 1], points[0]) : 0;
  return { mode, lengthM: open + closing, lastSegmentM: 0, areaM2: n >= 3 ? geodesicRingAreaM2(points) : 0, points: n };
}

/** What the map draws: the vertices, the path (or the ring and its fill once it has three points). */
export function measureFeatures(mode: MeasureMode, points: readonly Position[]): FeatureCollection {
  const features: Feature[] = points.map((p) => ({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: [...p] } }));
  if (mode === 'area' && points.length >= 3) {
    features.unshift({ type: 'Feature', properties: { role: 'area' }, geometry: { type: 'Polygon', coordinates: [[...points.map((p) => [...p]), [...points[0]]]] } });
  } else if (points.length >= 2) {
    features.unshift({ type: 'Feature', properties: { role: 'path' }, geometry: { type: 'LineString', coordinates: points.map((p) => [...p]) } });
  }
  return { type: 'FeatureCollection', features };
}
