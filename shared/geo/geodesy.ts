/**
 * Geodesic measures on the CGCS2000 ellipsoid (GRS80), the figures LandGate reports (rules.md §2).
 *
 * Input coordinates are GeoJSON positions in EPSG:4490: [longitude, latitude] in degrees.
 * Areas use GeographicLib's PolygonArea (exact geodesic edges, the 三调 "椭球面积" notion);
 * distances use Geodesic.Inverse. Both run in `geodesic-kernel.ts`, a port of exactly those
 * GeographicLib-JS paths that allocates nothing per call and gives bit-identical results
 * (tests/unit/geodesic-kernel.test.ts compares them with the library, Object.is). The minimum distance between two geometries is found in a local
 * transverse-Mercator plane (conformal, so angles — and therefore the foot of a perpendicular —
 * are preserved) and then measured, and refined, with Geodesic.Inverse: the distance is
 * stationary at the minimum, so the planar search only contributes second-order error. This keeps
 * us within a few millimetres of PostGIS geography ST_Distance for the distances the rules use
 * (≤ 20 km).
 */
import * as geographiclibModule from 'geographiclib-geodesic';
import proj4 from 'proj4';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { CGCS2000_A, CGCS2000_F, gaussKrugerCrsForLon, transformer } from '../crs';
import { directTmerc, type DirectPair } from '../crs/tmerc-direct';
import { DISTANCE, GeodesicKernel, GeodesicLineKernel, PolygonAreaKernel } from './geodesic-kernel';
import { pointInRings, signedRingArea } from './rings';

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

/**
 * Local transverse Mercator planes, cached by centre rounded to 0.02° (≈2 km): building a proj4
 * projection parses its definition string, which dominated the distance search of a sweep. The
 * rounding moves the centre by ≤ 1.1 km, so the scale error at 20 km stays ≤ (21 km)²/(2R²) ≈
 * 5.4e-6 — the plane only chooses the nearest edges, the figure comes from the geodesic polish.
 */
const planeCache = new Map<string, DirectPair>();
const converterPair = (c: proj4.Converter): DirectPair => ({
  forward: (p) => c.forward([p[0], p[1]]) as [number, number],
  inverse: (p) => c.inverse([p[0], p[1]]) as [number, number],
});
function localPlane(lon: number, lat: number): DirectPair {
  const lon0 = Math.round(lon * 50) / 50;
  const lat0 = Math.round(lat * 50) / 50;
  const key = `${lon0},${lat0}`;
  let plane = planeCache.get(key);
  if (!plane) {
    if (planeCache.size > 4096) planeCache.clear();
    const tmerc = `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs`;
    // proj4's arithmetic on numbers (tmerc-direct.ts); proj4 itself should that ever not apply
    plane = directTmerc('EPSG:4490', tmerc) ?? converterPair(proj4('EPSG:4490', tmerc));
    planeCache.set(key, plane);
  }
  return plane;
}

export interface NearestPair {
  /** Minimum geodesic distance, m; 0 when the geometries intersect or touch. */
  distanceM: number;
  /** Point of the first geometry nearest to the second (lon/lat). */
  from: LonLat;
  /** Point of the second geometry nearest to the first (lon/lat). */
  to: LonLat;
  /** Set when only known to be beyond `decideBeyondM` (planar figure, not polished). */
  approximate?: true;
}

type XY = [number, number];

/** A geometry flattened into what the distance search needs, in the local plane. */
interface Flattened {
  /** Every segment (polygon rings and lines); degenerate [p, p] for points. */
  segments: [XY, XY][];
  /** Polygon parts as rings in the plane (shell first), for point-in-polygon. */
  polygons: XY[][][];
  /** One representative vertex per component, for the containment test. */
  vertices: XY[];
}

/**
 * Minimum geodesic distance between two geometries (points, lines, polygons and their multi forms,
 * lon/lat). Returns 0 with the touching point when they intersect, touch, or one contains the
 * other. Returns null when either geometry is empty.
 */
export function minGeodesicDistance(a: Geometry, b: Geometry, options: { decideBeyondM?: number } = {}): NearestPair | null {
  const boxA = bboxOf(a);
  const boxB = bboxOf(b);
  if (!Number.isFinite(boxA[0]) || !Number.isFinite(boxB[0])) return null;
  // Local transverse Mercator centred between the two geometries: scale error stays below
  // (d/2)²/(2R²) ≈ 1.3e-6 at 20 km, and it is conformal.
  const lon0 = (Math.min(boxA[0], boxB[0]) + Math.max(boxA[2], boxB[2])) / 2;
  const lat0 = (Math.min(boxA[1], boxB[1]) + Math.max(boxA[3], boxB[3])) / 2;
  const local = localPlane(lon0, lat0);
  const toPlane = (p: Position): XY => local.forward(p);
  const toLonLat = (p: XY): LonLat => local.inverse(p);

  const fa = flatten(a, toPlane);
  const fb = flatten(b, toPlane);
  if (fa.segments.length === 0 || fb.segments.length === 0) return null;

  // 1. Intersecting or touching: any two segments meet, or one contains a vertex of the other.
  const contact = findContact(fa, fb);
  if (contact) {
    const at = toLonLat(contact);
    return { distanceM: 0, from: at, to: at };
  }

  // 2. Nearest pair of segments in the plane (vertex-to-segment suffices once they do not cross).
  //    All pairs, pruned by segment bboxes: the engine only calls this on index parts — pieces of
  //    ≤ 256 vertices of huge polygons, runs of ≤ 32 segments of long lines (shared/rules/engine.ts)
  //    — picked by the R-tree over those parts, which is the segment index (weakness (b)).
  let best = { d2: Infinity, segA: fa.segments[0], segB: fb.segments[0], pa: [0, 0] as XY, pb: [0, 0] as XY };
  for (const segA of fa.segments) {
    for (const segB of fb.segments) {
      // Cheap rejection on the segments' bounding boxes before the exact test.
      const gap = boxGap2(segA, segB);
      if (gap >= best.d2) continue;
      const candidate = nearestBetweenSegments(segA, segB);
      if (candidate.d2 < best.d2) best = { d2: candidate.d2, segA, segB, pa: candidate.pa, pb: candidate.pb };
    }
  }

  // 2b. Only "is it within D?" is asked and the planar distance is clearly beyond D (the local
  //     plane is conformal with scale error < 1e-5 at these distances): skip the geodesic polish
  //     and say the figure is approximate. Callers re-ask without the option when they need it.
  if (options.decideBeyondM !== undefined) {
    const planar = Math.sqrt(best.d2);
    if (planar > options.decideBeyondM * 1.0001 + 1) return { distanceM: planar, from: toLonLat(best.pa), to: toLonLat(best.pb), approximate: true };
  }

  // 3. Measure geodesically and polish: alternately re-optimise the position on each segment
  //    with Inverse, so the result is the geodesic minimum along these two (straight-in-plane)
  //    edges rather than the planar one.
  const polished = polishOnSegments(best.segA, best.segB, best.pa, best.pb, toLonLat);
  return polished;
}

/**
 * Refines the planar nearest pair on the two chosen edges, treating each edge as the geodesic
 * between its vertices (as the ellipsoidal meaning of a GeoJSON edge; a straight tmerc line bends
 * away from it by up to ~15 cm over a 60 km edge). Alternately moves each point to the foot of
 * the other on its edge until the distance stops improving.
 */
function polishOnSegments(segA: [XY, XY], segB: [XY, XY], pa: XY, pb: XY, toLonLat: (p: XY) => LonLat): NearestPair {
  const paramOf = (seg: [XY, XY], p: XY) => {
    const dx = seg[1][0] - seg[0][0];
    const dy = seg[1][1] - seg[0][1];
    const len2 = dx * dx + dy * dy;
    return len2 === 0 ? 0 : ((p[0] - seg[0][0]) * dx + (p[1] - seg[0][1]) * dy) / len2;
  };
  const edgeA = new GeodesicEdge(toLonLat(segA[0]), toLonLat(segA[1]));
  const edgeB = new GeodesicEdge(toLonLat(segB[0]), toLonLat(segB[1]));
  let sa = clamp01(paramOf(segA, pa)) * edgeA.lengthM;
  let sb = clamp01(paramOf(segB, pb)) * edgeB.lengthM;
  let from = edgeA.at(sa);
  let to = edgeB.at(sb);
  let distanceM = geodesicDistanceM(from, to);
  for (let round = 0; round < 4; round++) {
    const before = distanceM;
    if (edgeA.lengthM > 0) {
      sa = edgeA.footOf(to, sa);
      from = edgeA.at(sa);
    }
    if (edgeB.lengthM > 0) {
      sb = edgeB.footOf(from, sb);
      to = edgeB.at(sb);
    }
    distanceM = geodesicDistanceM(from, to);
    if (before - distanceM < 1e-6) break;
  }
  return { distanceM, from, to };
}

/**
 * An edge as the geodesic between its vertices, by distance s along it (m). A vertex is returned
 * as given, not recomputed, so vertex-to-vertex figures are the inverse problem's exactly.
 */
class GeodesicEdge {
  readonly lengthM: number;
  private readonly line: GeodesicLineKernel;

  constructor(
    private readonly a: LonLat,
    private readonly b: LonLat,
  ) {
    // Geodesic.InverseLine(lat1, lon1, lat2, lon2) and its Position(s).lat2 / lon2
    this.line = new GeodesicLineKernel(CGCS2000_KERNEL).SetInverse(a[1], a[0], b[1], b[0]);
    this.lengthM = this.line.s13;
  }

  at(s: number): LonLat {
    if (s <= 0) return this.a;
    if (s >= this.lengthM) return this.b;
    this.line.Position(s);
    return [this.line.lon2, this.line.lat2];
  }

  /**
   * The distance s of the point of this edge nearest to p, starting from s0 (the planar foot,
   * within millimetres of it). The distance from p to the edge's point at s changes at the rate
   * cos θ, θ the angle there between the edge and the geodesic arriving from p (first variation
   * of arc length), and in the plane the foot lies d·cos θ back along the edge; on the ellipsoid
   * that step is right to second order in the step, so from a start within millimetres one or two
   * steps reach the foot to a micrometre. (A golden-section search to 0.1 mm took ≈ 25 inverse
   * problems per edge where this takes two or three.)
   */
  footOf(p: LonLat, s0: number): number {
    const line = this.line;
    const geod = CGCS2000_KERNEL;
    let s = s0 < 0 ? 0 : s0 > this.lengthM ? this.lengthM : s0;
    let bestS = s;
    let bestD = Infinity;
    for (let step = 0; step < 8; step++) {
      // the point at s and the edge's azimuth there (sine, cosine; not normalised)
      let lat: number, lon: number;
      if (s <= 0) {
        lat = this.a[1];
        lon = this.a[0];
        line.Position(0);
      } else {
        line.Position(s);
        if (s >= this.lengthM) {
          lat = this.b[1];
          lon = this.b[0];
        } else {
          lat = line.lat2;
          lon = line.lon2;
        }
      }
      const se = line.salp2;
      const ce = line.calp2;
      // the geodesic from p: its length and its azimuth on arrival (normalised)
      const d = geod.Inverse(p[1], p[0], lat, lon, DISTANCE);
      if (d < bestD) {
        bestD = d;
        bestS = s;
      } else break; // no longer improving: the foot is reached to rounding
      if (d === 0) break;
      const cosTheta = (ce * geod.calp2 + se * geod.salp2) / Math.hypot(se, ce);
      let next = s - d * cosTheta;
      if (next < 0) next = 0;
      else if (next > this.lengthM) next = this.lengthM;
      if (Math.abs(next - s) < 1e-6) break;
      s = next;
    }
    return bestS;
  }
}

function clamp01(t: number): number {
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

function flatten(geometry: Geometry, toPlane: (p: Position) => XY): Flattened {
  const out: Flattened = { segments: [], polygons: [], vertices: [] };
  const addLine = (line: readonly Position[]) => {
    const pts = line.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])).map(toPlane);
    if (pts.length === 0) return;
    out.vertices.push(pts[0]);
    if (pts.length === 1) out.segments.push([pts[0], pts[0]]);
    for (let i = 0; i + 1 < pts.length; i++) out.segments.push([pts[i], pts[i + 1]]);
  };
  const addPolygon = (rings: readonly Position[][]) => {
    const planeRings: XY[][] = [];
    for (const ring of rings) {
      const closed = ring.length > 0 && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1]) ? [...ring, ring[0]] : ring;
      addLine(closed);
      planeRings.push(closed.map(toPlane));
    }
    if (planeRings.length > 0 && planeRings[0].length >= 4) out.polygons.push(planeRings);
  };
  const visit = (g: Geometry) => {
    switch (g.type) {
      case 'Point':
        addLine([g.coordinates]);
        break;
      case 'MultiPoint':
        for (const p of g.coordinates) addLine([p]);
        break;
      case 'LineString':
        addLine(g.coordinates);
        break;
      case 'MultiLineString':
        for (const line of g.coordinates) addLine(line);
        break;
      case 'Polygon':
        addPolygon(g.coordinates);
        break;
      case 'MultiPolygon':
        for (const rings of g.coordinates) addPolygon(rings);
        break;
      case 'GeometryCollection':
        for (const child of g.geometries) visit(child);
        break;
    }
  };
  visit(geometry);
  return out;
}

function findContact(a: Flattened, b: Flattened): XY | null {
  for (const segA of a.segments) {
    for (const segB of b.segments) {
      if (boxGap2(segA, segB) > 0) continue;
      const hit = segmentContact(segA, segB);
      if (hit) return hit;
    }
  }
  // segments did not meet: one polygon lies inside the other, or they are apart
  for (const vertex of a.vertices) if (b.polygons.some((rings) => pointInRings(vertex, rings))) return vertex;
  for (const vertex of b.vertices) if (a.polygons.some((rings) => pointInRings(vertex, rings))) return vertex;
  return null;
}


/** Squared gap between the bounding boxes of two segments (0 when they overlap). */
function boxGap2(s: [XY, XY], t: [XY, XY]): number {
  const dx = Math.max(0, Math.min(s[0][0], s[1][0]) - Math.max(t[0][0], t[1][0]), Math.min(t[0][0], t[1][0]) - Math.max(s[0][0], s[1][0]));
  const dy = Math.max(0, Math.min(s[0][1], s[1][1]) - Math.max(t[0][1], t[1][1]), Math.min(t[0][1], t[1][1]) - Math.max(s[0][1], s[1][1]));
  return dx * dx + dy * dy;
}

/**
 * Contact point of two segments, or null. "Touching" is judged with a 1 mm tolerance in the plane:
 * shared vertices and shared edges of adjacent parcels survive the projection round trip only to
 * floating-point precision, and a gap of 1 mm is a touch for every purpose of land review.
 */
const TOUCH_TOLERANCE_M = 1e-3;

function segmentContact(s: [XY, XY], t: [XY, XY]): XY | null {
  const p = s[0], p2 = s[1];
  const q = t[0], q2 = t[1];
  const r: XY = [p2[0] - p[0], p2[1] - p[1]];
  const u: XY = [q2[0] - q[0], q2[1] - q[1]];
  const denom = r[0] * u[1] - r[1] * u[0];
  if (denom !== 0) {
    const qp: XY = [q[0] - p[0], q[1] - p[1]];
    const tParam = (qp[0] * u[1] - qp[1] * u[0]) / denom;
    const uParam = (qp[0] * r[1] - qp[1] * r[0]) / denom;
    if (tParam >= 0 && tParam <= 1 && uParam >= 0 && uParam <= 1) return [p[0] + tParam * r[0], p[1] + tParam * r[1]];
  }
  const nearest = nearestBetweenSegments(s, t);
  return nearest.d2 <= TOUCH_TOLERANCE_M * TOUCH_TOLERANCE_M ? nearest.pa : null;
}

/** Nearest points of two non-crossing segments: the best of the four vertex-to-segment projections. */
function nearestBetweenSegments(s: [XY, XY], t: [XY, XY]): { d2: number; pa: XY; pb: XY } {
  let best = { d2: Infinity, pa: s[0], pb: t[0] };
  for (const p of s) {
    const foot = projectOnSegment(p, t);
    const d2 = dist2(p, foot);
    if (d2 < best.d2) best = { d2, pa: p, pb: foot };
  }
  for (const q of t) {
    const foot = projectOnSegment(q, s);
    const d2 = dist2(q, foot);
    if (d2 < best.d2) best = { d2, pa: foot, pb: q };
  }
  return best;
}

function projectOnSegment(p: XY, segment: [XY, XY]): XY {
  const a = segment[0], b = segment[1];
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return a;
  const t = clamp01(((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2);
  return [a[0] + t * dx, a[1] + t * dy];
}

function dist2(a: XY, b: XY): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
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
