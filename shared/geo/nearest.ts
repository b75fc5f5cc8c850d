/**
 * The minimum geodesic distance between two geometries on CGCS2000 (rules.md §2), and the points
 * where it is reached.
 *
 * The nearest pair of edges is found in a local transverse Mercator plane centred between the two
 * geometries (conformal, so the foot of a perpendicular is preserved), then measured and polished
 * with the inverse problem on the ellipsoid: the distance is stationary at the minimum, so the
 * plane only contributes second-order error. This keeps us within millimetres of PostGIS
 * geography ST_Distance for the distances the rules use (≤ 20 km).
 *
 * A sweep measures a parcel against every reference piece near it, 14 pieces a parcel on the
 * county, each of up to 256 vertices: the search runs on flat coordinate arrays of this module,
 * reused from one measurement to the next, so it allocates nothing per vertex or per pair of
 * segments (the GeoJSON form made two arrays per vertex and one per segment, which the garbage
 * collector then had to find).
 */
import type { Geometry, Position } from 'geojson';
import proj4 from 'proj4';
import { directTmerc, into, type DirectPair } from '../crs/tmerc-direct';
import { DISTANCE, GeodesicLineKernel } from './geodesic-kernel';
import { CGCS2000_KERNEL, geodesicDistanceM, type LonLat } from './geodesy';

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

/**
 * Minimum geodesic distance between two geometries (points, lines, polygons and their multi forms,
 * lon/lat). Returns 0 with the touching point when they intersect, touch, or one contains the
 * other. Returns null when either geometry is empty.
 *
 * With `decideBeyondM`, a pair clearly farther apart than that in the plane is returned with its
 * planar figure, unpolished and marked `approximate`: the caller only asked whether it is within.
 */
export function minGeodesicDistance(a: Geometry, b: Geometry, options: { decideBeyondM?: number } = {}): NearestPair | null {
  const A = SHAPE_A;
  const B = SHAPE_B;
  A.bboxOf(a);
  B.bboxOf(b);
  if (!Number.isFinite(A.minX) || !Number.isFinite(B.minX)) return null;
  // Local transverse Mercator centred between the two geometries: scale error stays below
  // (d/2)²/(2R²) ≈ 1.3e-6 at 20 km, and it is conformal.
  const lon0 = (Math.min(A.minX, B.minX) + Math.max(A.maxX, B.maxX)) / 2;
  const lat0 = (Math.min(A.minY, B.minY) + Math.max(A.maxY, B.maxY)) / 2;
  const plane = localPlane(lon0, lat0);
  A.load(a, plane);
  B.load(b, plane);
  if (A.segments === 0 || B.segments === 0) return null;

  // 1. Intersecting or touching: any two segments meet (the first such pair in this order), or
  //    one contains a vertex of the other. 2. Else the nearest pair of segments in the plane
  //    (vertex-to-segment suffices once they do not cross). One pass over the pairs does both.
  //    All pairs, pruned by segment bboxes: the engine only calls this on index parts — pieces of
  //    ≤ 256 vertices of huge polygons, runs of ≤ 32 segments of long lines (shared/rules/engine.ts)
  //    — picked by the R-tree over those parts, which is the segment index.
  const xa = A.xy;
  const xb = B.xy;
  let bestD2 = Infinity;
  let bestI = 0;
  let bestJ = 0;
  let pax = 0, pay = 0, pbx = 0, pby = 0;
  let contact = false;
  search: for (let i = 0; i < A.segments; i++) {
    const a0 = 2 * A.segFrom[i];
    const a1 = 2 * A.segTo[i];
    for (let j = 0; j < B.segments; j++) {
      const b0 = 2 * B.segFrom[j];
      const b1 = 2 * B.segTo[j];
      // Cheap rejection on the segments' bounding boxes before the exact tests.
      const gap = boxGap2(xa[a0], xa[a0 + 1], xa[a1], xa[a1 + 1], xb[b0], xb[b0 + 1], xb[b1], xb[b1 + 1]);
      if (!(gap > 0) && segmentContact(xa[a0], xa[a0 + 1], xa[a1], xa[a1 + 1], xb[b0], xb[b0 + 1], xb[b1], xb[b1 + 1])) {
        contact = true;
        break search;
      }
      if (gap >= bestD2) continue;
      const d2 = nearestBetweenSegments(xa[a0], xa[a0 + 1], xa[a1], xa[a1 + 1], xb[b0], xb[b0 + 1], xb[b1], xb[b1 + 1]);
      if (d2 < bestD2) {
        bestD2 = d2;
        bestI = i;
        bestJ = j;
        pax = nearAx;
        pay = nearAy;
        pbx = nearBx;
        pby = nearBy;
      }
    }
  }
  // segments did not meet: one polygon may lie inside the other
  if (contact || vertexInside(A, B) || vertexInside(B, A)) {
    const at = plane.inverse([hitX, hitY]) as LonLat;
    return { distanceM: 0, from: at, to: at };
  }

  // 2b. Only "is it within D?" is asked and the planar distance is clearly beyond D (the local
  //     plane is conformal with scale error < 1e-5 at these distances): skip the geodesic polish
  //     and say the figure is approximate. Callers re-ask without the option when they need it.
  if (options.decideBeyondM !== undefined) {
    const planar = Math.sqrt(bestD2);
    if (planar > options.decideBeyondM * 1.0001 + 1) {
      return { distanceM: planar, from: plane.inverse([pax, pay]) as LonLat, to: plane.inverse([pbx, pby]) as LonLat, approximate: true };
    }
  }

  // 3. Measure geodesically and polish on the two chosen edges.
  const a0 = 2 * A.segFrom[bestI];
  const a1 = 2 * A.segTo[bestI];
  const b0 = 2 * B.segFrom[bestJ];
  const b1 = 2 * B.segTo[bestJ];
  const edgeA = new GeodesicEdge(plane.inverse([xa[a0], xa[a0 + 1]]) as LonLat, plane.inverse([xa[a1], xa[a1 + 1]]) as LonLat);
  const edgeB = new GeodesicEdge(plane.inverse([xb[b0], xb[b0 + 1]]) as LonLat, plane.inverse([xb[b1], xb[b1 + 1]]) as LonLat);
  const sa = clamp01(paramOf(xa[a0], xa[a0 + 1], xa[a1], xa[a1 + 1], pax, pay)) * edgeA.lengthM;
  const sb = clamp01(paramOf(xb[b0], xb[b0 + 1], xb[b1], xb[b1 + 1], pbx, pby)) * edgeB.lengthM;
  return polish(edgeA, edgeB, sa, sb);
}

// ---------------------------------------------------------------------------------------------
// The local plane

/**
 * Local transverse Mercator planes, cached by centre rounded to 0.02° (≈2 km): building one parses
 * its definition, which dominated the distance search of a sweep. The rounding moves the centre
 * by ≤ 1.1 km, so the scale error at 20 km stays ≤ (21 km)²/(2R²) ≈ 5.4e-6 — the plane only
 * chooses the nearest edges, the figure comes from the geodesic polish.
 */
const planeCache = new Map<number, DirectPair>();

function localPlane(lon: number, lat: number): DirectPair {
  const i = Math.round(lon * 50);
  const j = Math.round(lat * 50);
  // both are multiples of 0.02° within ±180 / ±90: i in ±9 000, j in ±4 500
  const key = (i + 10_000) * 20_000 + (j + 10_000);
  let plane = planeCache.get(key);
  if (!plane) {
    if (planeCache.size > 4096) planeCache.clear();
    const lon0 = i / 50;
    const lat0 = j / 50;
    const tmerc = `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs`;
    // proj4's arithmetic on numbers (tmerc-direct.ts); proj4 itself should that ever not apply
    plane = directTmerc('EPSG:4490', tmerc) ?? converterPair(proj4('EPSG:4490', tmerc));
    planeCache.set(key, plane);
  }
  return plane;
}

function converterPair(c: proj4.Converter): DirectPair {
  const forward = (p: readonly number[]) => c.forward([p[0], p[1]]) as [number, number];
  return { forward, inverse: (p) => c.inverse([p[0], p[1]]) as [number, number], forwardInto: into(forward) };
}

// ---------------------------------------------------------------------------------------------
// A geometry in the plane

/**
 * A geometry's finite vertices projected into the plane, cut in runs (a line, a closed ring, or a
 * single point), with its segments (a point is the degenerate segment from it to itself) and its
 * polygons (runs of their rings, shell first) for the containment test. Two of these are reused
 * by every measurement: the module runs one measurement at a time (no callbacks inside). They
 * keep the size of the largest geometry measured (16 bytes a vertex, 8 a segment).
 */
class PlaneShape {
  xy = new Float64Array(1024);
  vertices = 0;
  runStart = new Int32Array(64);
  runEnd = new Int32Array(64);
  runs = 0;
  segFrom = new Int32Array(512);
  segTo = new Int32Array(512);
  segments = 0;
  /** per polygon, its first run and how many runs (rings) it has */
  polygonRun = new Int32Array(32);
  polygonRuns = new Int32Array(32);
  polygons = 0;
  minX = Infinity;
  minY = Infinity;
  maxX = -Infinity;
  maxY = -Infinity;
  private plane: DirectPair | null = null;

  /** The lon/lat bounding box of the geometry's finite vertices (Infinity-filled when none). */
  bboxOf(g: Geometry): void {
    this.minX = this.minY = Infinity;
    this.maxX = this.maxY = -Infinity;
    this.visit(g, false);
  }

  load(g: Geometry, plane: DirectPair): void {
    this.plane = plane;
    this.vertices = this.runs = this.segments = this.polygons = 0;
    this.visit(g, true);
  }

  private visit(g: Geometry, project: boolean): void {
    switch (g.type) {
      case 'Point':
        this.line([g.coordinates], project, false);
        break;
      case 'MultiPoint':
        for (const p of g.coordinates) this.line([p], project, false);
        break;
      case 'LineString':
        this.line(g.coordinates, project, false);
        break;
      case 'MultiLineString':
        for (const line of g.coordinates) this.line(line, project, false);
        break;
      case 'Polygon':
        this.polygon(g.coordinates, project);
        break;
      case 'MultiPolygon':
        for (const rings of g.coordinates) this.polygon(rings, project);
        break;
      case 'GeometryCollection':
        for (const child of g.geometries) this.visit(child, project);
        break;
    }
  }

  private polygon(rings: readonly Position[][], project: boolean): void {
    if (!project) {
      for (const ring of rings) this.line(ring, false, false);
      return;
    }
    const firstRun = this.runs;
    let enclosing = false;
    for (let r = 0; r < rings.length; r++) {
      const vertices = this.line(rings[r], true, true);
      // a shell of fewer than four positions (closed) encloses nothing
      if (r === 0) enclosing = vertices >= 4;
    }
    if (enclosing) {
      const k = this.polygons++;
      if (k === this.polygonRun.length) {
        this.polygonRun = grownInt(this.polygonRun);
        this.polygonRuns = grownInt(this.polygonRuns);
      }
      this.polygonRun[k] = firstRun;
      this.polygonRuns[k] = this.runs - firstRun;
    }
  }

  /** Adds a line (closed when `ring`); returns how many finite vertices it had. */
  private line(positions: readonly Position[], project: boolean, ring: boolean): number {
    const n = positions.length;
    const close = ring && n > 0 && (positions[0][0] !== positions[n - 1][0] || positions[0][1] !== positions[n - 1][1]);
    const total = close ? n + 1 : n;
    if (!project) {
      for (let k = 0; k < n; k++) {
        const x = positions[k][0], y = positions[k][1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        if (x < this.minX) this.minX = x;
        if (y < this.minY) this.minY = y;
        if (x > this.maxX) this.maxX = x;
        if (y > this.maxY) this.maxY = y;
      }
      return 0;
    }
    if (2 * (this.vertices + total) > this.xy.length) this.xy = grownFloat(this.xy, 2 * (this.vertices + total));
    const start = this.vertices;
    const plane = this.plane as DirectPair;
    for (let k = 0; k < total; k++) {
      const p = positions[k < n ? k : 0];
      const x = p[0], y = p[1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      plane.forwardInto(x, y, this.xy, 2 * this.vertices);
      this.vertices++;
    }
    const count = this.vertices - start;
    if (count === 0) return 0;
    const run = this.runs++;
    if (run === this.runStart.length) {
      this.runStart = grownInt(this.runStart);
      this.runEnd = grownInt(this.runEnd);
    }
    this.runStart[run] = start;
    this.runEnd[run] = this.vertices;
    const segments = count === 1 ? 1 : count - 1;
    if (this.segments + segments > this.segFrom.length) {
      this.segFrom = grownInt(this.segFrom, this.segments + segments);
      this.segTo = grownInt(this.segTo, this.segments + segments);
    }
    if (count === 1) {
      this.segFrom[this.segments] = start;
      this.segTo[this.segments] = start;
      this.segments++;
    } else {
      for (let v = start; v + 1 < this.vertices; v++) {
        this.segFrom[this.segments] = v;
        this.segTo[this.segments] = v + 1;
        this.segments++;
      }
    }
    return count;
  }

  /** Even-odd test of (x, y) against the rings of polygon k (shell and holes). */
  inPolygon(k: number, x: number, y: number): boolean {
    let inside = false;
    const xy = this.xy;
    for (let r = this.polygonRun[k], end = r + this.polygonRuns[k]; r < end; r++) {
      const s = this.runStart[r];
      const e = this.runEnd[r];
      for (let i = s, j = e - 1; i < e; j = i++) {
        const xi = xy[2 * i], yi = xy[2 * i + 1];
        const xj = xy[2 * j], yj = xy[2 * j + 1];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  }
}

function grownFloat(a: Float64Array, atLeast = 0): Float64Array<ArrayBuffer> {
  const b = new Float64Array(Math.max(2 * a.length, atLeast));
  b.set(a);
  return b;
}

function grownInt(a: Int32Array, atLeast = 0): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(2 * a.length, atLeast));
  b.set(a);
  return b;
}

const SHAPE_A = new PlaneShape();
const SHAPE_B = new PlaneShape();

// ---------------------------------------------------------------------------------------------
// Contact and the nearest segments, in the plane

/**
 * "Touching" is judged with a 1 mm tolerance in the plane: shared vertices and shared edges of
 * adjacent parcels survive the projection round trip only to floating-point precision, and a gap
 * of 1 mm is a touch for every purpose of land review.
 */
const TOUCH_TOLERANCE_M = 1e-3;

// Results of the helpers below, in module fields rather than returned objects (nothing allocated).
/** the contact point of segmentContact / vertexInside */
let hitX = NaN;
let hitY = NaN;
/** the nearest points of nearestBetweenSegments, on its first and second segment */
let nearAx = NaN;
let nearAy = NaN;
let nearBx = NaN;
let nearBy = NaN;
/** projectOnSegment's foot */
let footX = NaN;
let footY = NaN;

/** Whether the first vertex of some run of `of` lies in a polygon of `in_`; it is left in hitX, hitY. */
function vertexInside(of: PlaneShape, in_: PlaneShape): boolean {
  if (in_.polygons === 0) return false;
  for (let r = 0; r < of.runs; r++) {
    const v = 2 * of.runStart[r];
    const x = of.xy[v], y = of.xy[v + 1];
    for (let k = 0; k < in_.polygons; k++) {
      if (in_.inPolygon(k, x, y)) {
        hitX = x;
        hitY = y;
        return true;
      }
    }
  }
  return false;
}

/** Squared gap between the bounding boxes of segments p-p2 and q-q2 (0 when they overlap). */
function boxGap2(px: number, py: number, p2x: number, p2y: number, qx: number, qy: number, q2x: number, q2y: number): number {
  const dx = Math.max(0, Math.min(px, p2x) - Math.max(qx, q2x), Math.min(qx, q2x) - Math.max(px, p2x));
  const dy = Math.max(0, Math.min(py, p2y) - Math.max(qy, q2y), Math.min(qy, q2y) - Math.max(py, p2y));
  return dx * dx + dy * dy;
}

/** Whether segments p-p2 and q-q2 cross or come within the touch tolerance; the point is left in hitX, hitY. */
function segmentContact(px: number, py: number, p2x: number, p2y: number, qx: number, qy: number, q2x: number, q2y: number): boolean {
  const rx = p2x - px, ry = p2y - py;
  const ux = q2x - qx, uy = q2y - qy;
  const denom = rx * uy - ry * ux;
  if (denom !== 0) {
    const qpx = qx - px, qpy = qy - py;
    const tParam = (qpx * uy - qpy * ux) / denom;
    const uParam = (qpx * ry - qpy * rx) / denom;
    if (tParam >= 0 && tParam <= 1 && uParam >= 0 && uParam <= 1) {
      hitX = px + tParam * rx;
      hitY = py + tParam * ry;
      return true;
    }
  }
  const d2 = nearestBetweenSegments(px, py, p2x, p2y, qx, qy, q2x, q2y);
  if (d2 > TOUCH_TOLERANCE_M * TOUCH_TOLERANCE_M) return false;
  hitX = nearAx;
  hitY = nearAy;
  return true;
}

/**
 * Squared distance between two segments that do not cross: the best of the four vertex-to-segment
 * projections. The nearest points are left in nearAx, nearAy (first) and nearBx, nearBy (second).
 */
function nearestBetweenSegments(px: number, py: number, p2x: number, p2y: number, qx: number, qy: number, q2x: number, q2y: number): number {
  let best = Infinity;
  nearAx = px;
  nearAy = py;
  nearBx = qx;
  nearBy = qy;
  // each vertex of either segment projected on the other, in the order p, p2, q, q2
  for (let k = 0; k < 4; k++) {
    const ofFirst = k < 2;
    const x = k === 0 ? px : k === 1 ? p2x : k === 2 ? qx : q2x;
    const y = k === 0 ? py : k === 1 ? p2y : k === 2 ? qy : q2y;
    if (ofFirst) projectOnSegment(x, y, qx, qy, q2x, q2y);
    else projectOnSegment(x, y, px, py, p2x, p2y);
    const d2 = dist2(x, y, footX, footY);
    if (d2 < best) {
      best = d2;
      nearAx = ofFirst ? x : footX;
      nearAy = ofFirst ? y : footY;
      nearBx = ofFirst ? footX : x;
      nearBy = ofFirst ? footY : y;
    }
  }
  return best;
}

/** The point of segment a-b nearest to (x, y), left in footX, footY. */
function projectOnSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): void {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) {
    footX = ax;
    footY = ay;
    return;
  }
  const t = clamp01(((x - ax) * dx + (y - ay) * dy) / len2);
  footX = ax + t * dx;
  footY = ay + t * dy;
}

function dist2(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  return dx * dx + dy * dy;
}

/** Where (x, y) falls along segment a-b, as a fraction of it (unclamped; 0 for a point). */
function paramOf(ax: number, ay: number, bx: number, by: number, x: number, y: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  return len2 === 0 ? 0 : ((x - ax) * dx + (y - ay) * dy) / len2;
}

function clamp01(t: number): number {
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

// ---------------------------------------------------------------------------------------------
// The geodesic polish

/**
 * Refines the planar nearest pair on the two chosen edges, treating each edge as the geodesic
 * between its vertices (as the ellipsoidal meaning of a GeoJSON edge; a straight tmerc line bends
 * away from it by up to ~15 cm over a 60 km edge). Alternately moves each point to the foot of
 * the other on its edge until the distance stops improving.
 */
function polish(edgeA: GeodesicEdge, edgeB: GeodesicEdge, sa: number, sb: number): NearestPair {
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
