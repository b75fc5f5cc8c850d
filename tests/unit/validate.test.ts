/** Geometry hygiene: what is repaired (and said), what is refused. */
import { describe, expect, it } from 'vitest';
import type { Polygon, MultiPolygon, Position } from 'geojson';
import { findSelfIntersection, signedRingArea, validateGeometry } from '../../shared/geo/validate';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { rect } from '../support/geometry';
import { RingSegments } from '../../shared/geo/ring-segments';
import { mulberry32 } from '../../electron/services/demo/prng';
import { importNoteZh } from '../../shared/importers/messages';

const square = (x: number, y: number, d: number): Position[] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];

describe('validateGeometry', () => {
  it('closes rings, removes duplicate points and spikes, and says so', () => {
    const ring: Position[] = [
      [0, 0],
      [1, 0],
      [1, 0],
      [1, 1],
      [1.5, 1], // spike out …
      [1, 1], // … and straight back
      [0, 1],
    ];
    const r = validateGeometry({ type: 'Polygon', coordinates: [ring] });
    expect(r.errorZh).toBeUndefined();
    const out = (r.geometry as Polygon).coordinates[0];
    expect(out).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ]);
    expect(r.repairs.map(importNoteZh).join('；')).toMatch(/未闭合.*补上闭合点/);
    expect(r.repairs.map(importNoteZh).join('；')).toMatch(/删除 \d+ 个重复的连续点/);
    expect(r.repairs.map(importNoteZh).join('；')).toMatch(/删除 1 个尖刺/);
  });

  it('orients shells counter-clockwise and holes clockwise (RFC 7946)', () => {
    const shell = square(0, 0, 10).reverse(); // clockwise
    const hole = square(2, 2, 2); // counter-clockwise
    const r = validateGeometry({ type: 'Polygon', coordinates: [shell, hole] });
    const [s, h] = (r.geometry as Polygon).coordinates;
    expect(signedRingArea(s)).toBeGreaterThan(0);
    expect(signedRingArea(h)).toBeLessThan(0);
    expect(r.repairs).toEqual([]);
  });

  it('turns a hole outside its shell into a separate part', () => {
    const r = validateGeometry({ type: 'Polygon', coordinates: [square(0, 0, 1), square(5, 5, 1)] });
    expect(r.geometry?.type).toBe('MultiPolygon');
    expect((r.geometry as MultiPolygon).coordinates).toHaveLength(2);
    expect(r.repairs.map(importNoteZh).join()).toMatch(/1 个洞不在外边界内，已改为独立的面/);
  });

  it('drops degenerate holes and empty parts, refuses a degenerate shell', () => {
    const r = validateGeometry({
      type: 'MultiPolygon',
      coordinates: [
        [square(0, 0, 10), [[2, 2], [3, 3], [2, 2]]],
        [[[20, 20], [21, 21], [20, 20]]],
      ],
    });
    expect(r.geometry?.type).toBe('Polygon');
    expect(r.repairs.map(importNoteZh).join()).toMatch(/删除 1 个退化.*洞/);
    expect(r.repairs.map(importNoteZh).join()).toMatch(/删除 1 个空的或退化的部件/);
    const bad = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0], [1, 1], [0, 0]]] });
    expect(bad.geometry).toBeNull();
    expect(bad.errorZh).toMatch(/少于 3 个不同的点/);
  });

  it('refuses a bow-tie (splitting it would change the area)', () => {
    const bowtie: Position[] = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ];
    expect(findSelfIntersection(bowtie)).toEqual([1, 1]);
    const r = validateGeometry({ type: 'Polygon', coordinates: [bowtie] });
    expect(r.geometry).toBeNull();
    expect(r.errorZh).toMatch(/自相交（在 1\.000000, 1\.000000 附近）.*超过 1%/);
  });

  it('splits a shell with a tiny twisted loop, keeping the area', () => {
    // A 100×100 square whose corner makes a tiny figure-eight loop (0.5 × 0.5).
    const ring: Position[] = [
      [0, 0],
      [100, 0],
      [100, 100],
      [0.5, 100],
      [0, 100.5],
      [0, 100],
      [0.5, 100.5],
      [0.4, 99],
      [0, 99],
      [0, 0],
    ];
    expect(findSelfIntersection(ring)).not.toBeNull();
    const r = validateGeometry({ type: 'Polygon', coordinates: [ring] });
    expect(r.errorZh).toBeUndefined();
    expect(r.geometry?.type).toBe('MultiPolygon');
    expect(r.repairs.map(importNoteZh).join()).toMatch(/边界自相交 1 处.*已在交点处拆分/);
    for (const part of (r.geometry as MultiPolygon).coordinates) expect(findSelfIntersection(part[0])).toBeNull();
  });

  it('refuses a hole that crosses its shell, accepts one that touches it', () => {
    // a hole mostly inside with one corner poking out through the shell
    const poking = validateGeometry({ type: 'Polygon', coordinates: [square(0, 0, 10), [[2, 2], [11, 2], [8, 8], [2, 8], [2, 2]]] });
    expect(poking.geometry).toBeNull();
    expect(poking.errorZh).toMatch(/洞（内环）与外边界或其他洞交叉（在 10\.000000, 2\.000000 附近）/);
    const touching = validateGeometry({ type: 'Polygon', coordinates: [square(0, 0, 10), [[2, 2], [10, 5], [2, 8], [2, 2]]] });
    expect(touching.errorZh).toBeUndefined();
  });

  it('skips zero-length lines, keeps good parts of multi-lines', () => {
    const zero = validateGeometry({ type: 'LineString', coordinates: [[1, 1], [1, 1]] });
    expect(zero.skip).toBe(true);
    expect(zero.errorZh).toMatch(/线的长度为零/);
    const multi = validateGeometry({ type: 'MultiLineString', coordinates: [[[1, 1], [1, 1]], [[0, 0], [1, 0]]] });
    expect(multi.geometry).toEqual({ type: 'LineString', coordinates: [[0, 0], [1, 0]] });
  });

  it('accepts a hole touching its shell at a shell vertex, refuses one whose edge crosses the shell', () => {
    const cornerTouch = validateGeometry({ type: 'Polygon', coordinates: [square(0, 0, 10), [[0, 0], [2, 4], [4, 2], [0, 0]]] });
    expect(cornerTouch.errorZh).toBeUndefined();
    expect(cornerTouch.repairs).toEqual([]);
    expect(cornerTouch.geometry?.type).toBe('Polygon');
    expect((cornerTouch.geometry as Polygon).coordinates).toHaveLength(2);
    const crossing = validateGeometry({ type: 'Polygon', coordinates: [square(0, 0, 10), [[1, 1], [12, 5], [1, 9], [1, 1]]] });
    expect(crossing.geometry).toBeNull();
    expect(crossing.errorZh).toMatch(/洞（内环）与外边界或其他洞交叉/);
  });
});

describe('overlapping parts of a MultiPolygon', () => {
  it('merges overlapping parts into their union and reports the double-counted geodesic area', () => {
    const a = rect(112, 37, 112.01, 37.01);
    const b = rect(112.005, 37, 112.015, 37.01);
    const overlapM2 = geodesicAreaM2({ type: 'Polygon', coordinates: [rect(112.005, 37, 112.01, 37.01)] });
    expect(overlapM2).toBeGreaterThan(440_000);
    expect(overlapM2).toBeLessThan(500_000);
    const r = validateGeometry({ type: 'MultiPolygon', coordinates: [[a], [b]] });
    expect(r.errorZh).toBeUndefined();
    expect(r.geometry).toEqual({ type: 'Polygon', coordinates: [rect(112, 37, 112.015, 37.01)] });
    expect(r.repairs.map(importNoteZh)).toEqual([`多部件面的部件相互重叠，已合并（重叠 ${overlapM2.toFixed(2)} m²）`]);
    // no double counting any more: the union's area is the sum minus the overlap
    const sum = geodesicAreaM2({ type: 'MultiPolygon', coordinates: [[a], [b]] });
    expect(geodesicAreaM2(r.geometry)).toBeCloseTo(sum - overlapM2, 2);
  });

  it('keeps a non-overlapping part separate when only two of three parts overlap', () => {
    const r = validateGeometry({
      type: 'MultiPolygon',
      coordinates: [[rect(112, 37, 112.01, 37.01)], [rect(112.2, 37.2, 112.21, 37.21)], [rect(112.008, 37.008, 112.02, 37.02)]],
    });
    expect(r.geometry?.type).toBe('MultiPolygon');
    const parts = (r.geometry as MultiPolygon).coordinates;
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => p[0].length).sort()).toEqual([5, 9]);
    expect(r.repairs).toHaveLength(1);
    expect(importNoteZh(r.repairs[0])).toMatch(/^多部件面的部件相互重叠，已合并（重叠 \d+\.\d\d m²）$/);
  });

  it('leaves parts that share an edge or touch at a point as they are', () => {
    const edge = validateGeometry({ type: 'MultiPolygon', coordinates: [[rect(112, 37, 112.01, 37.01)], [rect(112.01, 37, 112.02, 37.01)]] });
    expect(edge.repairs).toEqual([]);
    expect((edge.geometry as MultiPolygon).coordinates).toEqual([[rect(112, 37, 112.01, 37.01)], [rect(112.01, 37, 112.02, 37.01)]]);
    const point = validateGeometry({ type: 'MultiPolygon', coordinates: [[rect(112, 37, 112.01, 37.01)], [rect(112.01, 37.01, 112.02, 37.02)]] });
    expect(point.repairs).toEqual([]);
    expect((point.geometry as MultiPolygon).coordinates).toHaveLength(2);
  });

  it('does not count a part lying in another part’s hole as an overlap', () => {
    const shell = rect(112, 37, 112.1, 37.1);
    const hole = rect(112.02, 37.02, 112.08, 37.08).reverse();
    const island = rect(112.03, 37.03, 112.07, 37.07);
    const r = validateGeometry({ type: 'MultiPolygon', coordinates: [[shell, hole], [island]] });
    expect(r.repairs).toEqual([]);
    expect((r.geometry as MultiPolygon).coordinates).toHaveLength(2);
  });
});


/** The first crossing in RingSegments' order: what findSelfIntersection returns for a ring of any size. */
function treeSelfIntersection(ring: Position[]): Position | null {
  const n = ring.length - 1;
  const segments = new RingSegments([ring]);
  const { x, y, from } = segments;
  let found: Position | null = null;
  segments.someOverlappingPair((i, j) => {
    if (j - i === 1 || j - i === n - 1) return false;
    const a = from[i], c = from[j];
    const side = (p: number, q: number, r: number) => (x[q] - x[p]) * (y[r] - y[p]) - (y[q] - y[p]) * (x[r] - x[p]);
    const d1 = side(a, a + 1, c), d2 = side(a, a + 1, c + 1);
    const opposite = (u: number, v: number) => (u > 0 && v < 0) || (u < 0 && v > 0);
    if (opposite(d1, d2) && opposite(side(c, c + 1, a), side(c, c + 1, a + 1))) {
      const t0 = d1 / (d1 - d2);
      found = [x[c] + (x[c + 1] - x[c]) * t0, y[c] + (y[c + 1] - y[c]) * t0];
      return true;
    }
    return false;
  });
  return found;
}

/** Every pair of segments, the definition findSelfIntersection must agree with. */
function bruteSelfIntersects(ring: Position[]): boolean {
  const n = ring.length - 1;
  const cross = (o: Position, a: Position, b: Position) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      const [a, b, c, d] = [ring[i], ring[i + 1], ring[j], ring[j + 1]];
      const [d1, d2, d3, d4] = [cross(a, b, c), cross(a, b, d), cross(c, d, a), cross(c, d, b)];
      if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
      if (d1 === 0 && d2 === 0) {
        const along = (p: Position) => (Math.abs(b[0] - a[0]) >= Math.abs(b[1] - a[1]) ? p[0] : p[1]);
        if (Math.min(Math.max(along(a), along(b)), Math.max(along(c), along(d))) > Math.max(Math.min(along(a), along(b)), Math.min(along(c), along(d)))) return true;
      }
    }
  }
  return false;
}

describe('self-intersection on large rings', () => {
  it('agrees with comparing every pair of segments on 3 000 random rings (grid points: touching, collinear and crossing cases)', () => {
    const random = mulberry32(14);
    let crossing = 0;
    for (let k = 0; k < 3000; k++) {
      // small rings (≤ 64 segments) are searched pair by pair, larger ones through RingSegments
      const n = 4 + Math.floor(random() * 120);
      const ring: Position[] = Array.from({ length: n }, () => [Math.floor(random() * 8), Math.floor(random() * 8)]);
      ring.push(ring[0]);
      const expected = bruteSelfIntersects(ring);
      if (expected) crossing++;
      expect(findSelfIntersection(ring) !== null, JSON.stringify(ring)).toBe(expected);
    }
    expect(crossing).toBeGreaterThan(100);
    expect(crossing).toBeLessThan(3000);
  });

  it('a small ring reports the same crossing point as the segment tree would (first in its order)', () => {
    const random = mulberry32(15);
    let compared = 0;
    for (let k = 0; k < 2000; k++) {
      const n = 4 + Math.floor(random() * 61);
      const ring: Position[] = Array.from({ length: n }, () => [random() * 10, random() * 10]);
      ring.push(ring[0]);
      const viaTree = treeSelfIntersection(ring);
      if (viaTree) compared++;
      expect(findSelfIntersection(ring)).toEqual(viaTree);
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('a 400 000-vertex ring running north–south (every x-range overlapping) is simple; one moved vertex makes it cross there', () => {
    // a thin comb: the east edge zig-zags, the west edge is straight, all within 1 unit of x
    const n = 200_000;
    const east: Position[] = Array.from({ length: n }, (_, i) => [1 + (i % 2) * 0.5, i]);
    const west: Position[] = Array.from({ length: n }, (_, i) => [0, n - 1 - i]);
    const ring = [...east, ...west, east[0]];
    expect(findSelfIntersection(ring)).toBeNull();
    const bad = ring.map((p) => [p[0], p[1]]);
    bad[150_001] = [-1, 150_001];
    expect(findSelfIntersection(bad)).toEqual([0, expect.closeTo(150_000.5, 6)]);
  });

  it('removes 100 000 spikes in one pass', () => {
    const ring: Position[] = [[0, 0]];
    for (let i = 1; i <= 100_000; i++) ring.push([i, 0], [i, 1], [i, 0]);
    ring.push([100_001, 0], [100_001, 5], [0, 5], [0, 0]);
    const r = validateGeometry({ type: 'Polygon', coordinates: [ring] });
    expect(r.errorZh).toBeUndefined();
    expect(r.repairs.map(importNoteZh).join()).toMatch(/删除 100000 个尖刺/);
    expect(Math.abs(signedRingArea((r.geometry as Polygon).coordinates[0]))).toBe(500_005);
  });
});
