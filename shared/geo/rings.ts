/**
 * Planar ring helpers used wherever rings are sorted into shells and holes or oriented (importers,
 * exporters, validation, overlays). Planar on purpose: they decide topology and orientation, never
 * a reported figure (those are geodesic, see geodesy.ts).
 */
import type { Position } from 'geojson';

/**
 * Signed shoelace area (positive = counter-clockwise with x east, y north). Works for closed and
 * open rings. Coordinates are taken relative to the first vertex, so Gauss-Krüger values with a zone
 * prefix (~3.8e7) do not lose precision in the products.
 */
export function signedRingArea(ring: readonly Position[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  // (indexed reads, not `const [x, y] = …`: V8 runs array destructuring through the iterator
  // protocol, an allocation and several calls per point, ≈ 20× slower on these hot paths)
  const x0 = ring[0][0], y0 = ring[0][1];
  let twice = 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % n];
    twice += (a[0] - x0) * (b[1] - y0) - (b[0] - x0) * (a[1] - y0);
  }
  return twice / 2;
}

/** Even-odd point-in-ring test (a point on the boundary may fall either way). */
export function pointInRing(p: Position, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0], yi = ring[i][1];
    const xj = ring[j][0], yj = ring[j][1];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Even-odd test against several rings at once: a polygon's shell and holes, or every ring of a
 * multipolygon (parts do not overlap, so parity gives "inside some part and outside its holes").
 */
export function pointInRings(p: Position, rings: Iterable<readonly Position[]>): boolean {
  let inside = false;
  for (const ring of rings) if (pointInRing(p, ring)) inside = !inside;
  return inside;
}

/** [minX, minY, maxX, maxY] of a ring (any planar coordinates). */
export function ringBBox(ring: readonly Position[]): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < ring.length; i++) {
    const x = ring[i][0], y = ring[i][1];
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}
