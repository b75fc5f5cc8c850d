/**
 * Geometry hygiene (pure): validate every geometry, repair what is safe, say what was repaired,
 * refuse what is not. Works on any planar x/y (LandGate runs it on EPSG:4490 lon/lat after the
 * transform; the checks are topological, so the CRS does not matter).
 *
 * Repairs (each reported): duplicate consecutive points removed, unclosed rings closed, spikes
 * (a vertex where the boundary goes out and straight back) removed, degenerate holes and empty
 * parts dropped, holes lying outside their shell turned into separate parts, self-intersecting
 * shells split with turf's unkinkPolygon *only* when the area is preserved within 1 %. Orientation
 * is normalised to RFC 7946 (shells counter-clockwise, holes clockwise) silently.
 * Parts of a MultiPolygon that overlap each other (an area shared by two parts: invalid in OGC
 * simple features, and every area sum would count it twice) are replaced by their union
 * (polygon-clipping), reported with the double-counted area Σ parts − union, geodesic on the
 * CGCS2000 ellipsoid — that figure assumes lon/lat input, which is how the import runs this.
 * Parts that only touch at points or share an edge are not overlaps and are left as drawn (the
 * area is already right; merging them would silently change how the source's parts are split):
 * "overlap" means an intersection whose area exceeds 1e-9 of the smaller part, so float noise
 * along a shared edge is not one.
 * Refusals: a shell with fewer than 3 distinct points, a self-intersection that cannot be split
 * without changing the area (e.g. a bow-tie), a self-intersecting hole, a line of zero length.
 */
import unkinkPolygon from '@turf/unkink-polygon';
import type { Geometry, Position } from 'geojson';
import polygonClipping, { type MultiPolygon as ClipMultiPolygon, type Polygon as ClipPolygon } from 'polygon-clipping';
import { geodesicAreaM2 } from './geodesy';
import { pointInRing, ringBBox, signedRingArea } from './rings';
import { RingSegments, SEGMENT_RUN } from './ring-segments';
import { text, type CodedText } from '../model/text';

export { signedRingArea };

export interface ValidationResult {
  /** The repaired geometry (null when refused). */
  geometry: Geometry | null;
  /**
   * What was repaired, a coded phrase each (repair.* in shared/importers/messages.ts), e.g.
   * “删除 2 个重复的连续点”: the import and the parcel editor say it in the reader's language.
   */
  repairs: CodedText[];
  /** zh reason when the geometry cannot be repaired. */
  errorZh?: string;
  errorEn?: string;
  /** Rings whose orientation was reversed (RFC 7946), not reported per feature. */
  reoriented: number;
  /** True when the feature is empty junk that is skipped (zero-length line) rather than refused. */
  skip?: boolean;
  /** Why a skipped feature was skipped, coded like the repairs. */
  skipReason?: CodedText;
}

type Ring = Position[];

const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];



/** b is a spike between a and c: the boundary goes out to b and straight back (collinear, backtracking). */
function isSpike(a: Position, b: Position, c: Position): boolean {
  const abx = b[0] - a[0];
  const aby = b[1] - a[1];
  const bcx = c[0] - b[0];
  const bcy = c[1] - b[1];
  const scale2 = Math.max(abx * abx + aby * aby, bcx * bcx + bcy * bcy);
  return scale2 > 0 && Math.abs(abx * bcy - aby * bcx) <= 1e-12 * scale2 && abx * bcx + aby * bcy < 0;
}

/**
 * Closes, removes duplicate consecutive points and spikes. Returns the ring (closed) and counts.
 * One pass with the kept points as a stack (a removed spike can make its neighbour one, or leave
 * two equal points), then the same at the seam where the ring closes: linear in the ring's length
 * however many spikes it has. Positions are shared with the input, not copied.
 */
export function cleanRing(input: Ring): { ring: Ring; duplicates: number; closed: boolean; spikes: number } {
  let duplicates = 0;
  const pts: Position[] = [];
  for (const p of input) {
    if (pts.length > 0 && same(pts[pts.length - 1], p)) duplicates++;
    else pts.push(p.length === 2 ? p : [p[0], p[1]]);
  }
  let closed = false;
  if (pts.length > 1 && same(pts[0], pts[pts.length - 1])) pts.pop();
  else if (pts.length > 1) closed = true;
  // pts is now open (no repeated last point)
  let spikes = 0;
  const kept: Position[] = [];
  for (const p of pts) {
    if (kept.length > 0 && same(kept[kept.length - 1], p)) continue;
    kept.push(p);
    while (kept.length >= 3 && isSpike(kept[kept.length - 3], kept[kept.length - 2], kept[kept.length - 1])) {
      kept[kept.length - 2] = kept[kept.length - 1];
      kept.pop();
      spikes++;
      if (same(kept[kept.length - 2], kept[kept.length - 1])) kept.pop();
    }
  }
  // the seam: the last points and the first ones are neighbours too
  let head = 0;
  for (let changed = true; changed && kept.length - head >= 3; ) {
    changed = true;
    const m = kept.length;
    if (same(kept[head], kept[m - 1])) kept.pop();
    else if (isSpike(kept[m - 2], kept[m - 1], kept[head])) {
      kept.pop();
      spikes++;
    } else if (isSpike(kept[m - 1], kept[head], kept[head + 1])) {
      head++;
      spikes++;
    } else changed = false;
  }
  const ring = head > 0 ? kept.slice(head) : kept;
  if (ring.length > 0) ring.push([ring[0][0], ring[0][1]]);
  return { ring, duplicates, closed, spikes };
}

const opposite = (p: number, q: number) => (p > 0 && q < 0) || (p < 0 && q > 0);

/** Orientation of p relative to a→b: > 0 left, < 0 right, 0 on the line. */
const side = (ax: number, ay: number, bx: number, by: number, px: number, py: number) => (bx - ax) * (py - ay) - (by - ay) * (px - ax);

/**
 * Where c→d crosses a→b properly (each one's ends strictly on both sides of the other), or null;
 * d1, d2: the orientations of c and d relative to a→b.
 */
function properCrossingAt(d1: number, d2: number, ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): Position | null {
  if (!opposite(d1, d2) || !opposite(side(cx, cy, dx, dy, ax, ay), side(cx, cy, dx, dy, bx, by))) return null;
  const t0 = d1 / (d1 - d2);
  return [cx + (dx - cx) * t0, cy + (dy - cy) * t0];
}

/**
 * Where segment c→d crosses segment a→b properly, or starts a collinear overlap with it; null when
 * they only touch or miss.
 */
function crossing(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): Position | null {
  const d1 = side(ax, ay, bx, by, cx, cy);
  const d2 = side(ax, ay, bx, by, dx, dy);
  const proper = properCrossingAt(d1, d2, ax, ay, bx, by, cx, cy, dx, dy);
  if (proper) return proper;
  if (d1 === 0 && d2 === 0) {
    // collinear: overlapping (not just touching) segments
    const alongX = Math.abs(bx - ax) >= Math.abs(by - ay);
    const a = alongX ? ax : ay, b = alongX ? bx : by, c = alongX ? cx : cy, d = alongX ? dx : dy;
    if (Math.min(Math.max(a, b), Math.max(c, d)) > Math.max(Math.min(a, b), Math.min(c, d))) return [cx, cy];
  }
  return null;
}

/**
 * Rings up to this many segments (most parcels) are compared pair by pair without building
 * RingSegments: the same pairs in the same order, without its typed arrays per ring.
 */
const SMALL_RING = 64;

/** First proper crossing (or collinear overlap) between non-adjacent segments of a closed ring, or null. */
export function findSelfIntersection(ring: Ring): Position | null {
  const n = ring.length - 1;
  if (n < 4) return null;
  // adjacent segments share a vertex; a collinear fold-back between them is a spike, removed before
  const adjacent = (i: number, j: number) => j - i === 1 || j - i === n - 1;
  if (n <= SMALL_RING) return smallRingSelfIntersection(ring, n, adjacent);
  const segments = new RingSegments([ring]);
  const { x, y, from } = segments;
  let found: Position | null = null;
  segments.someOverlappingPair((i, j) => {
    if (adjacent(i, j)) return false;
    const a = from[i], c = from[j];
    found = crossing(x[a], y[a], x[a + 1], y[a + 1], x[c], y[c], x[c + 1], y[c + 1]);
    return found !== null;
  });
  return found;
}

/** findSelfIntersection's search in RingSegments' order (run by run, SEGMENT_RUN segments a run), on the ring itself. */
function smallRingSelfIntersection(ring: Ring, n: number, adjacent: (i: number, j: number) => boolean): Position | null {
  for (let c = 0; c < n; c += SEGMENT_RUN) {
    for (let m = c; m < n; m += SEGMENT_RUN) {
      for (let s = c, sEnd = Math.min(n, c + SEGMENT_RUN); s < sEnd; s++) {
        const ax = ring[s][0], ay = ring[s][1];
        const bx = ring[s + 1][0], by = ring[s + 1][1];
        const sMinX = Math.min(ax, bx), sMaxX = Math.max(ax, bx), sMinY = Math.min(ay, by), sMaxY = Math.max(ay, by);
        for (let t = Math.max(m, s + 1), tEnd = Math.min(n, m + SEGMENT_RUN); t < tEnd; t++) {
          const cx = ring[t][0], cy = ring[t][1];
          const dx = ring[t + 1][0], dy = ring[t + 1][1];
          if (Math.min(cx, dx) > sMaxX || Math.max(cx, dx) < sMinX || Math.min(cy, dy) > sMaxY || Math.max(cy, dy) < sMinY) continue;
          if (adjacent(s, t)) continue;
          const found = crossing(ax, ay, bx, by, cx, cy, dx, dy);
          if (found) return found;
        }
      }
    }
  }
  return null;
}

/** First proper crossing between segments of *different* rings (hole × shell, hole × hole), or null. Touching is allowed. */
export function findRingCrossing(rings: Ring[]): Position | null {
  if (rings.length < 2) return null;
  const segments = new RingSegments(rings);
  const { x, y, from, ring } = segments;
  let found: Position | null = null;
  segments.someOverlappingPair((s, t) => {
    if (ring[s] === ring[t]) return false;
    const a = from[s], c = from[t];
    const ax = x[a], ay = y[a], bx = x[a + 1], by = y[a + 1], cx = x[c], cy = y[c], dx = x[c + 1], dy = y[c + 1];
    found = properCrossingAt(side(ax, ay, bx, by, cx, cy), side(ax, ay, bx, by, dx, dy), ax, ay, bx, by, cx, cy, dx, dy);
    return found !== null;
  });
  return found;
}

/** A hole is inside its shell when most of its vertices are. */
function ringInside(inner: Ring, outer: Ring): boolean {
  let votes = 0;
  const step = Math.max(1, Math.floor((inner.length - 1) / 7));
  let total = 0;
  for (let i = 0; i < inner.length - 1; i += step) {
    total++;
    if (pointInRing(inner[i], outer)) votes++;
  }
  return votes * 2 > total;
}

/** Planar area of a polygon (shell minus holes), in squared input units. */
function planarPolygonArea(rings: Ring[]): number {
  return rings.reduce((sum, r, i) => sum + (i === 0 ? 1 : -1) * Math.abs(signedRingArea(r)), 0);
}

/** Relative size below which an intersection of two parts is float noise along a shared edge. */
const OVERLAP_NOISE = 1e-9;

/**
 * When two parts share area: their union (polygons, closed rings) and the double-counted area
 * Σ parts − union in m² (geodesic; lon/lat input). Null when no two parts overlap.
 */
export function mergeOverlappingParts(parts: Ring[][]): { parts: Ring[][]; overlapM2: number } | null {
  if (parts.length < 2) return null;
  const boxes = parts.map((p) => ringBBox(p[0]));
  const areas = parts.map(planarPolygonArea);
  let overlapping = false;
  for (let i = 0; i < parts.length && !overlapping; i++) {
    for (let j = i + 1; j < parts.length && !overlapping; j++) {
      const a = boxes[i], b = boxes[j];
      // boxes that only touch cannot hold a shared area
      if (a[0] >= b[2] || b[0] >= a[2] || a[1] >= b[3] || b[1] >= a[3]) continue;
      const shared = polygonClipping.intersection(parts[i] as ClipPolygon, parts[j] as ClipPolygon);
      const area = shared.reduce((sum, p) => sum + planarPolygonArea(p as Ring[]), 0);
      if (area > OVERLAP_NOISE * Math.min(areas[i], areas[j])) overlapping = true;
    }
  }
  if (!overlapping) return null;
  const union = polygonClipping.union(parts[0] as ClipPolygon, ...(parts.slice(1) as ClipPolygon[])) as ClipMultiPolygon as Ring[][];
  const before = parts.reduce((sum, p) => sum + geodesicAreaM2({ type: 'Polygon', coordinates: p }), 0);
  const after = geodesicAreaM2({ type: 'MultiPolygon', coordinates: union });
  return { parts: union, overlapM2: before - after };
}

const fmt = (p: Position) => `${p[0].toFixed(6)}, ${p[1].toFixed(6)}`;

function orient(ring: Ring, ccw: boolean): { ring: Ring; flipped: boolean } {
  const area = signedRingArea(ring);
  if (area > 0 === ccw || area === 0) return { ring, flipped: false };
  return { ring: [...ring].reverse(), flipped: true };
}

/** Validates and repairs one geometry. */
export function validateGeometry(geometry: Geometry): ValidationResult {
  const repairs: CodedText[] = [];
  let reoriented = 0;
  let duplicates = 0;
  let closed = 0;
  let spikes = 0;
  let droppedHoles = 0;
  let droppedParts = 0;
  let kinks = 0;
  let kinkDelta = 0;
  let firstKink: Position | undefined;
  const finish = (g: Geometry | null, errorZh?: string, errorEn?: string): ValidationResult => {
    if (duplicates > 0) repairs.unshift(text('repair.duplicates', { count: duplicates }));
    if (closed > 0) repairs.unshift(text('repair.unclosed', { count: closed }));
    if (spikes > 0) repairs.push(text('repair.spikes', { count: spikes }));
    if (droppedHoles > 0) repairs.push(text('repair.degenerateHoles', { count: droppedHoles }));
    if (droppedParts > 0) repairs.push(text('repair.emptyParts', { count: droppedParts }));
    return { geometry: errorZh ? null : g, repairs, errorZh, errorEn, reoriented };
  };

  if (geometry.type === 'Point' || geometry.type === 'MultiPoint' || geometry.type === 'GeometryCollection') return finish(geometry);

  if (geometry.type === 'LineString' || geometry.type === 'MultiLineString') {
    const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
    const out: Position[][] = [];
    for (const line of lines) {
      const pts: Position[] = [];
      for (const p of line) {
        if (pts.length > 0 && same(pts[pts.length - 1], p)) duplicates++;
        else pts.push(p);
      }
      if (pts.length >= 2) out.push(pts);
      else droppedParts++;
    }
    if (out.length === 0) return { ...finish(null, '线的长度为零（所有点重合）', 'zero-length line'), skip: true, skipReason: text('repair.zeroLengthLine') };
    if (geometry.type === 'LineString' || out.length === 1) return finish({ type: 'LineString', coordinates: out[0] });
    return finish({ type: 'MultiLineString', coordinates: out });
  }

  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const out: Ring[][] = [];
  for (let pi = 0; pi < polygons.length; pi++) {
    const rings = polygons[pi];
    if (!rings || rings.length === 0) {
      droppedParts++;
      continue;
    }
    const cleaned = rings.map((r) => {
      const c = cleanRing(r);
      duplicates += c.duplicates;
      spikes += c.spikes;
      if (c.closed) closed++;
      return c.ring;
    });
    const shellRaw = cleaned[0];
    const holesRaw = cleaned.slice(1);
    if (shellRaw.length < 4) {
      if (polygons.length > 1) {
        droppedParts++;
        continue;
      }
      return finish(null, '面的外边界少于 3 个不同的点，不是有效的面', 'the shell has fewer than 3 distinct points');
    }
    const holes: Ring[] = [];
    for (const h of holesRaw) {
      if (h.length < 4) droppedHoles++;
      else holes.push(h);
    }
    let shells: Ring[] = [shellRaw];
    const crossing = findSelfIntersection(shellRaw);
    if (crossing) {
      const before = Math.abs(signedRingArea(shellRaw));
      let pieces: Ring[] = [];
      try {
        const fc = unkinkPolygon({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [shellRaw] } });
        pieces = fc.features.map((f) => f.geometry.coordinates[0]);
      } catch {
        pieces = [];
      }
      if (pieces.length < 2) {
        return finish(null, `面的边界自相交（在 ${fmt(crossing)} 附近），无法拆分修复，请在 GIS 软件中修正`, `self-intersecting shell near ${fmt(crossing)}; cannot be split`);
      }
      const after = pieces.reduce((sum, r) => sum + Math.abs(signedRingArea(r)), 0);
      kinkDelta += Math.abs(after - before);
      kinks++;
      firstKink ??= crossing;
      shells = pieces;
    }
    for (const h of holes) {
      const x = findSelfIntersection(h);
      if (x) return finish(null, `洞（内环）的边界自相交（在 ${fmt(x)} 附近），无法安全修复`, `self-intersecting hole near ${fmt(x)}`);
    }
    const assembled: Ring[][] = shells.map((s) => [s]);
    let movedHoles = 0;
    for (const h of holes) {
      const owner = assembled.find((p) => ringInside(h, p[0]));
      if (owner) owner.push(h);
      else {
        movedHoles++;
        assembled.push([h]);
      }
    }
    if (movedHoles > 0) repairs.push(text('repair.holesOutside', { count: movedHoles }));
    for (const rings of assembled) {
      const x = findRingCrossing(rings);
      if (x) return finish(null, `洞（内环）与外边界或其他洞交叉（在 ${fmt(x)} 附近），无法安全修复，请在 GIS 软件中修正`, `a hole crosses the shell or another hole near ${fmt(x)}`);
    }
    out.push(...assembled);
  }
  if (out.length === 0) return finish(null, '面的所有部件都是空的或退化的', 'all parts are empty or degenerate');
  if (kinks > 0) {
    // Safe only when splitting preserves the feature's area (a bow-tie does not: its lobes cancel).
    const total = out.reduce((sum, rings) => sum + Math.abs(signedRingArea(rings[0])), 0);
    const share = total > 0 ? kinkDelta / total : Infinity;
    if (share > 0.01) {
      return finish(
        null,
        `面的边界自相交（在 ${fmt(firstKink!)} 附近），拆分后面积变化 ${Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '无法计算'}，超过 1%（如“8”字形），无法安全修复，请在 GIS 软件中修正`,
        `self-intersecting shell near ${fmt(firstKink!)}; splitting changes the area by more than 1 %`,
      );
    }
    repairs.push(text('repair.selfIntersection', { count: kinks, at: fmt(firstKink!), pct: ((kinkDelta / total) * 100).toFixed(4) }));
  }
  let parts = out;
  const merged = mergeOverlappingParts(out);
  if (merged) {
    parts = merged.parts;
    repairs.push(text('repair.overlappingParts', { m2: merged.overlapM2.toFixed(2) }));
  }
  const oriented = parts.map((rings) =>
    rings.map((r, i) => {
      const o = orient(r, i === 0);
      if (o.flipped) reoriented++;
      return o.ring;
    }),
  );
  return finish(oriented.length === 1 ? { type: 'Polygon', coordinates: oriented[0] } : { type: 'MultiPolygon', coordinates: oriented });
}
