/**
 * Display-only geometry helpers. Reported figures come from the Node side (geodesic on the
 * CGCS2000 ellipsoid); these spherical approximations only draw things on screen.
 */
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import type { BBox } from '../../shared/model/layers';

export { circlePolygon, destination } from '../../shared/geo/display-circle';
import { circlePolygon } from '../../shared/geo/display-circle';

/** Buffer rings around every point of a collection; each ring carries its station's properties plus `__idx`. */
export function pointBufferRings(collection: FeatureCollection, radiusM: number): FeatureCollection {
  const features: Feature[] = [];
  collection.features.forEach((feature, index) => {
    const points = pointsOf(feature.geometry);
    for (const point of points) {
      features.push({ type: 'Feature', properties: { ...(feature.properties ?? {}), __idx: index }, geometry: circlePolygon(point, radiusM) });
    }
  });
  return { type: 'FeatureCollection', features };
}

function pointsOf(geometry: Geometry | null): Position[] {
  if (!geometry) return [];
  if (geometry.type === 'Point') return [geometry.coordinates];
  if (geometry.type === 'MultiPoint') return geometry.coordinates;
  return [];
}

/** [minLon, minLat, maxLon, maxLat] of any geometry, or null when it has no coordinates. */
export function geometryBBox(geometry: Geometry | null | undefined): BBox | null {
  if (!geometry) return null;
  if (geometry.type === 'GeometryCollection') return unionBBox(geometry.geometries.map(geometryBBox));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'number') {
      const [x, y] = value as number[];
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
      return;
    }
    for (const item of value) visit(item);
  };
  visit(geometry.coordinates);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}

export function unionBBox(boxes: readonly (BBox | null | undefined)[]): BBox | null {
  let out: BBox | null = null;
  for (const b of boxes) {
    if (!b || !b.every(Number.isFinite)) continue;
    out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : [...b];
  }
  return out;
}
