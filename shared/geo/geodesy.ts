/**
 * Geodesic measures on the CGCS2000 ellipsoid (GRS80), the figures LandGate reports (rules.md §2).
 *
 * Input coordinates are GeoJSON positions in EPSG:4490: [longitude, latitude] in degrees.
 * Areas use GeographicLib's PolygonArea (exact geodesic edges, the 三调 "椭球面积" notion);
 * distances use Geodesic.Inverse. Both run in `geodesic-kernel.ts`, a port of exactly those
 * GeographicLib-JS paths that allocates nothing per call and gives bit-identical results
 * (tests/unit/geodesic-kernel.test.ts compares them with the library, Object.is). The minimum
 * distance between two geometries is `nearest.ts`.
 */
import * as geographiclibModule from 'geographiclib-geodesic';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { CGCS2000_A, CGCS2000_F, gaussKrugerCrsForLon, transformer } from '../crs';
import { DISTANCE, GeodesicKernel, PolygonAreaKernel } from './geodesic-kernel';
import { signedRingArea } from './rings';

// The package is CommonJS: under Node's ESM loader only the default export exists, while bundlers
// also expose the names. Accept both shapes.
type GeographicLib = typeof geographiclibModule;
const geographiclib: GeographicLib =
  (geographiclibModule as unknown as { default?: GeographicLib }).default ?? geographiclibModule;

/** The GRS80 geodesic of GeographicLib-JS (the reference the kernel is tested against; Direct). */
export const CGCS2000_GEODESIC = new geographiclib.Geodesic.Geodesic(CGCS2000_A, CGCS2000_F);

/** The same ellipsoid in the non-allocating port, used for every reported area and distance. */
export const CGCS2000_KERNEL = new GeodesicKernel(CGCS2000_A, CGCS2000_F);
// One polygon accumulator, cleared per ring: geodesicRingAreaM2 runs to completion before the
// next call (no callbacks inside), so sharing it is safe.
const ringPolygon = new PolygonAreaKernel(CGCS2000_KERNEL);

export type LonLat = [number, number];

// ---------------------------------------------------------------------------------------------
// Area

/** Unsigned geodesic area of one ring (closing vertex optional), m². */
export function geodesicRingAreaM2(ring: readonly Position[]): number {
  // the finite points, once each: a closing repeat of the first is left out (no copy of the ring)
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = 0; i < ring.length; i++) {
    if (!finite(ring[i])) continue;
    if (first < 0) first = i;
    last = i;
    count++;
  }
  const closing = count > 1 && ring[first][0] === ring[last][0] && ring[first][1] === ring[last][1] ? last : -1;
  if (closing >= 0) count--;
  if (count < 3) return 0;
  const polygon = ringPolygon;
  polygon.Clear();
  for (let i = first; i <= last; i++) if (i !== closing && finite(ring[i])) polygon.AddPoint(ring[i][1], ring[i][0]);
  // sign=true gives a signed area (counter-clockwise positive). With sign=false a clockwise ring
  // would be read as "the rest of the Earth", so take the signed value and its magnitude: rings
  // from shapefiles (clockwise shells) and GeoJSON (counter-clockwise) then measure alike.
  // (PolygonArea.Compute(false, true).area)
  const area = polygon.ComputeArea(false, true);
  return Math.abs(area);
}

const finite = (p: Position) => Number.isFinite(p[0]) && Number.isFinite(p[1]);

/**
 * geodesicRingAreaM2 of a ring stored as `count` x, y pairs of doubles from byte `offset` of
 * `view`, `stride` bytes apart (WKB): the same points in the same order, so the same figure, bit
 * for bit, without making a position per point.
 */
export function geodesicRingAreaOfDoubles(view: DataView, offset: number, count: number, stride: number, littleEndian: boolean): number {
  const x = (i: number) => view.getFloat64(offset + i * stride, littleEndian);
  const y = (i: number) => view.getFloat64(offset + i * stride + 8, littleEndian);
  const isFinite = (i: number) => Number.isFinite(x(i)) && Number.isFinite(y(i));
  let first = -1;
  let last = -1;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    if (!isFinite(i)) continue;
    if (first < 0) first = i;
    last = i;
    kept++;
  }
  const closing = kept > 1 && x(first) === x(last) && y(first) === y(last) ? last : -1;
  if (closing >= 0) kept--;
  if (kept < 3) return 0;
  const polygon = ringPolygon;
  polygon.Clear();
  for (let i = first; i <= last; i++) if (i !== closing && isFinite(i)) polygon.AddPoint(y(i), x(i));
  return Math.abs(polygon.ComputeArea(false, true));
}

/**
 * Geodesic area of a Polygon or MultiPolygon in m²: shells minus holes, parts summed. Other
 * geometry types have no area (0). Overlapping parts of a MultiPolygon are counted twice, as in
 * PostGIS; inputs from turf's boolean operations never overlap.
 */
export function geodesicAreaM2(geometry: Geometry | null | undefined): number {
  if (!geometry) return 0;
  switch (geometry.type) {
    case 'Polygon':
      return polygonArea(geometry.coordinates);
    case 'MultiPolygon':
      return geometry.coordinates.reduce((sum, rings) => sum + polygonArea(rings), 0);
    case 'GeometryCollection':
      return geometry.geometries.reduce((sum, g) => sum + geodesicAreaM2(g), 0);
    default:
      return 0;
  }
}

function polygonArea(rings: readonly Position[][]): number {
  if (rings.length === 0) return 0;
  const shellArea = geodesicRingAreaM2(rings[0]);
  // the holes summed from 0 in order, as gpkgBlobGeodesicAreaM2 sums them
  let holeArea = 0;
  for (let i = 1; i < rings.length; i++) holeArea += geodesicRingAreaM2(rings[i]);
  return Math.max(0, shellArea - holeArea);
}

export interface PlanarArea {
  /** Planar area in the Gauss-Krüger plane, m² (坐标解析法, as 勘测定界 reports use). */
  planarAreaM2: number;
  /** CGCS2000 3° GK zone (no prefix) used: the zone of the geometry's bbox centre. */
  crs: string;
}

/**
 * Planar Gauss-Krüger area: the geometry projected into the CGCS2000 3° zone of its centre and
 * measured with the shoelace formula. Slightly larger than the geodesic area (up to ≈0.043 % at a
 * Shanxi zone edge, domain.md §4). A reference figure only, never used for decisions.
 */
export function planarGaussKrugerAreaM2(geometry: Polygon | MultiPolygon): PlanarArea {
  const box = bboxOf(geometry);
  const crs = gaussKrugerCrsForLon((box[0] + box[2]) / 2);
  const forward = transformer('EPSG:4490', crs);
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let planarAreaM2 = 0;
  for (const rings of polygons) {
    rings.forEach((ring, index) => {
      const area = Math.abs(signedRingArea(ring.map((p) => forward([p[0], p[1]]))));
      planarAreaM2 += index === 0 ? area : -area;
    });
  }
  return { planarAreaM2: Math.max(0, planarAreaM2), crs };
}


// ---------------------------------------------------------------------------------------------
// Distance

/** Geodesic distance between two lon/lat positions, m. */
export function geodesicDistanceM(a: Position, b: Position): number {
  // Geodesic.Inverse(lat1, lon1, lat2, lon2, DISTANCE).s12
  return CGCS2000_KERNEL.Inverse(a[1], a[0], b[1], b[0], DISTANCE);
}

// ---------------------------------------------------------------------------------------------
// Bounding boxes

/** [minLon, minLat, maxLon, maxLat]; Infinity-filled for empty geometries. */
export function bboxOf(geometry: Geometry): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const add = (p: Position) => {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return;
    if (p[0] < box[0]) box[0] = p[0];
    if (p[1] < box[1]) box[1] = p[1];
    if (p[0] > box[2]) box[2] = p[0];
    if (p[1] > box[3]) box[3] = p[1];
  };
  const visit = (g: Geometry) => {
    switch (g.type) {
      case 'Point':
        add(g.coordinates);
        break;
      case 'MultiPoint':
      case 'LineString':
        g.coordinates.forEach(add);
        break;
      case 'MultiLineString':
      case 'Polygon':
        g.coordinates.forEach((line) => line.forEach(add));
        break;
      case 'MultiPolygon':
        g.coordinates.forEach((rings) => rings.forEach((ring) => ring.forEach(add)));
        break;
      case 'GeometryCollection':
        g.geometries.forEach(visit);
        break;
    }
  };
  visit(geometry);
  return box;
}

/**
 * Lon/lat bbox grown by `distanceM` on every side, generously (10 % extra plus a metre), for
 * candidate search before exact geodesic distance tests.
 */
export function expandBBoxByMetres(box: readonly [number, number, number, number], distanceM: number): [number, number, number, number] {
  if (distanceM <= 0) return [box[0], box[1], box[2], box[3]];
  const margin = distanceM * 1.1 + 1;
  // Meridian degree ≥ 110 574 m; parallel degree = ~111 320·cos φ m at the most poleward edge.
  const dLat = margin / 110_574;
  const maxAbsLat = Math.min(89, Math.max(Math.abs(box[1]), Math.abs(box[3])) + dLat);
  const dLon = margin / (111_320 * Math.cos((maxAbsLat * Math.PI) / 180));
  return [box[0] - dLon, box[1] - dLat, box[2] + dLon, box[3] + dLat];
}
