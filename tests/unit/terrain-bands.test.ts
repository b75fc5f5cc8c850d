/**
 * The pure band extraction (shared/terrain/bands.ts) on tiny grids: single cells, holes, saddles,
 * nodata, grid edges, exact-level values, nesting of levels and the smoothing bound.
 */
import { describe, expect, it } from 'vitest';
import { BandBuilder, bandsOfGrid, pointInRing, ringSignedArea, smoothRing, type PolygonRings } from '../../shared/terrain/bands';
import { decodePng, encodePng16, encodePngRgba } from '../../shared/terrain/png';
import { parcelElevation } from '../../shared/terrain/stats';

const N = NaN;

function area(polygons: PolygonRings[]): number {
  return polygons.reduce((sum, rings) => sum + rings.reduce((s, ring) => s + ringSignedArea(ring), 0), 0);
}

/** Inside test for a polygon set (even-odd over all rings of each polygon). */
function covers(polygons: PolygonRings[], x: number, y: number): boolean {
  return polygons.some((rings) => pointInRing(x, y, rings[0]) && !rings.slice(1).some((h) => pointInRing(x, y, h)));
}

function band(values: number[], cols: number, level: number): PolygonRings[] {
  return bandsOfGrid(values, cols, values.length / cols, [level]).get(level)!;
}

function assertClosedAndSimple(polygons: PolygonRings[]) {
  for (const rings of polygons) {
    for (const ring of rings) {
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      const seen = new Set(ring.slice(0, -1).map((p) => `${p[0]},${p[1]}`));
      expect(seen.size, 'a ring visits a point twice').toBe(ring.length - 1);
    }
  }
}

describe('band extraction (marching squares)', () => {
  it('a grid entirely below the level gives its full pixel extent (as gdal_contour -p)', () => {
    const polys = band([1, 2, 3, 4, 5, 6], 3, 100);
    expect(polys).toHaveLength(1);
    expect(polys[0]).toHaveLength(1);
    // 3 × 2 pixels minus the four ⅛-cell corner cuts
    expect(area(polys)).toBeCloseTo(6 - 4 * 0.125, 9);
    expect(covers(polys, 1.5, 1)).toBe(true);
    assertClosedAndSimple(polys);
  });

  it('a grid entirely above the level gives nothing', () => {
    expect(band([500, 600, 700, 800], 2, 400)).toEqual([]);
  });

  it('a single low cell gives a diamond around its centre, interpolated linearly', () => {
    // centre 0, neighbours 200: the 100 m line is half-way between the centres
    const polys = band([200, 200, 200, 200, 0, 200, 200, 200, 200], 3, 100);
    expect(polys).toHaveLength(1);
    const ring = polys[0][0];
    expect(ring).toContainEqual([1.5, 1]);
    expect(ring).toContainEqual([2, 1.5]);
    expect(ring).toContainEqual([1.5, 2]);
    expect(ring).toContainEqual([1, 1.5]);
    expect(area(polys)).toBeCloseTo(0.5, 9);
    expect(ringSignedArea(ring)).toBeGreaterThan(0); // exterior orientation
  });

  it('keeps a high spot inside a low area as a hole with the opposite orientation', () => {
    const g = [100, 100, 100, 100, 100, 500, 500, 100, 100, 100, 100, 100];
    const polys = band(g, 4, 400);
    expect(polys).toHaveLength(1);
    expect(polys[0]).toHaveLength(2);
    expect(ringSignedArea(polys[0][1])).toBeLessThan(0);
    expect(covers(polys, 2, 1.5)).toBe(false); // between the two high cells
    expect(covers(polys, 0.5, 0.5)).toBe(true);
    // the hole is GDAL's: [[2.75,1.5],[2.5,1.25],[1.5,1.25],[1.25,1.5],[1.5,1.75],[2.5,1.75]]
    expect(Math.abs(ringSignedArea(polys[0][1]))).toBeCloseTo(0.625, 9);
    assertClosedAndSimple(polys);
  });

  it('nests a low island inside a high ring inside a low area (polygon in a hole)', () => {
    const H = 900;
    const g = [
      0, 0, 0, 0, 0, 0, 0,
      0, H, H, H, H, H, 0,
      0, H, H, H, H, H, 0,
      0, H, H, 0, H, H, 0,
      0, H, H, H, H, H, 0,
      0, H, H, H, H, H, 0,
      0, 0, 0, 0, 0, 0, 0,
    ];
    const polys = band(g, 7, 400);
    expect(polys).toHaveLength(2);
    const outer = polys.find((p) => p.length === 2)!;
    const island = polys.find((p) => p.length === 1)!;
    expect(outer).toBeDefined();
    expect(island).toBeDefined();
    expect(covers(polys, 3.5, 3.5)).toBe(true); // the island
    expect(covers(polys, 2.5, 2.5)).toBe(false); // the ridge
    expect(covers(polys, 0.5, 0.5)).toBe(true);
    // the island lies in the hole of the outer polygon
    expect(pointInRing(3.5, 3.5, outer[1])).toBe(true);
    assertClosedAndSimple(polys);
  });

  it('resolves saddles by the centre value, consistently for every level', () => {
    // diagonal lows (0) and highs (H): centre = H/2
    const saddle = (H: number) => [0, H, H, 0];
    // centre 300 < 400: the two low corners are connected → one polygon
    expect(band(saddle(600), 2, 400)).toHaveLength(1);
    // centre 500 > 400: separate → two polygons
    const apart = band(saddle(1000), 2, 400);
    expect(apart).toHaveLength(2);
    assertClosedAndSimple(apart);
    // the shared square's diagonal point (1, 1) is below 400 only when connected
    expect(covers(band(saddle(600), 2, 400), 1, 1)).toBe(true);
    expect(covers(apart, 1, 1)).toBe(false);
  });

  it('treats nodata as unknown: never inside, boundary on the pixel footprint', () => {
    const g = [100, 100, 100, 100, 500, 500, 100, 100, N];
    const polys = band(g, 3, 400);
    expect(covers(polys, 2.5, 2.5)).toBe(false); // the nodata pixel
    expect(covers(polys, 2.2, 2.2)).toBe(false);
    expect(covers(polys, 0.5, 0.5)).toBe(true);
    assertClosedAndSimple(polys);
    // an all-nodata grid gives nothing, and a nodata hole in a low area is a hole
    expect(band([N, N, N, N], 2, 400)).toEqual([]);
    const holed = band([100, 100, 100, 100, N, 100, 100, 100, 100], 3, 400);
    expect(holed).toHaveLength(1);
    expect(holed[0]).toHaveLength(2);
    expect(covers(holed, 1.5, 1.5)).toBe(false);
  });

  it('values exactly at the level count as not below and never make self-touching rings', () => {
    const g = [100, 400, 100, 400, 400, 400, 100, 400, 100];
    const polys = band(g, 3, 400);
    expect(polys).toHaveLength(4); // the four corner cells, apart
    assertClosedAndSimple(polys);
    expect(covers(polys, 1.5, 1.5)).toBe(false);
  });

  it('the lower band is always inside the higher one', () => {
    // pseudo-random terrain with saddles everywhere
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const cols = 40, rows = 30;
    const g = Array.from({ length: cols * rows }, () => 200 + 1000 * rnd());
    g[5] = NaN;
    g[300] = NaN;
    const bands = bandsOfGrid(g, cols, rows, [400, 900]);
    const low = bands.get(400)!, high = bands.get(900)!;
    expect(area(low)).toBeLessThan(area(high));
    for (const rings of low) for (const ring of rings) for (const [x, y] of ring) {
      // every vertex of the 400 band is inside (or on the edge of) the 900 band: test a point nudged towards the 400 band's inside
      expect(covers(high, x, y) || high.some((r) => r.some((hr) => hr.some((p) => Math.hypot(p[0] - x, p[1] - y) < 1e-9))) || onGridEdge(x, y, cols, rows)).toBe(true);
    }
    for (const polys of [low, high]) assertClosedAndSimple(polys);
  });

  it('streams row by row with the same result as the whole grid', () => {
    const cols = 5;
    const g = [0, 500, 0, 500, 0, 500, 0, 500, 0, 500, 0, 0, 0, 900, 900, 100, N, 100, 900, 0];
    const whole = bandsOfGrid(g, cols, 4, [300]);
    const builder = new BandBuilder(cols, [300]);
    for (let r = 0; r < 4; r++) builder.pushRow(Float32Array.from(g.slice(r * cols, (r + 1) * cols)));
    expect(builder.finish()).toEqual(whole);
  });

  it('strips with their blocks’ ranges give the bands of the rows pushed one by one; the ranges are what it trusts', () => {
    // terrain with plateaus (blocks of one class), slopes across both levels, saddles, holes of
    // nodata (whole blocks and single cells) and values exactly on a level
    let seed = 11;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const cols = 37, rows = 41;
    const g = new Float32Array(cols * rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const plateau = c < 10 ? 1200 : c < 15 ? 650 : r > 30 ? 100 : NaN;
      g[r * cols + c] = plateau === plateau ? plateau + 20 * rnd() : 150 + 30 * c + 200 * Math.sin(r / 3) + 80 * rnd();
    }
    for (let r = 5; r < 12; r++) for (let c = 20; c < 30; c++) g[r * cols + c] = NaN;
    g[3 * cols + 33] = NaN;
    g[7 * cols + 3] = 900;
    g[35 * cols + 18] = 400;
    const levels = [400, 900];
    const reference = new BandBuilder(cols, levels);
    for (let r = 0; r < rows; r++) reference.pushRow(g.subarray(r * cols, (r + 1) * cols));
    const expected = reference.finish();
    const rangesOf = (strip: Float32Array, count: number, width: number) => {
      const blocks = Math.ceil(cols / width);
      const ranges = { width, min: new Float64Array(blocks).fill(Infinity), max: new Float64Array(blocks).fill(-Infinity), known: new Float64Array(blocks) };
      for (let r = 0; r < count; r++) for (let c = 0; c < cols; c++) {
        const v = strip[r * cols + c];
        if (v !== v) continue;
        const b = Math.floor(c / width);
        ranges.min[b] = Math.min(ranges.min[b], v);
        ranges.max[b] = Math.max(ranges.max[b], v);
        ranges.known[b]++;
      }
      return ranges;
    };
    for (const width of [1, 5, 8, 37, 64]) {
      for (const stripRows of [1, 3, 7, 41]) {
        const builder = new BandBuilder(cols, levels);
        for (let r0 = 0; r0 < rows; r0 += stripRows) {
          const count = Math.min(stripRows, rows - r0);
          const strip = g.slice(r0 * cols, (r0 + count) * cols);
          builder.pushRows(strip, count, rangesOf(strip, count, width));
          strip.fill(-1); // the builder keeps no reference to the caller's strip
        }
        expect(builder.finish(), `blocks of ${width}, strips of ${stripRows}`).toEqual(expected);
      }
    }
    // a range that claims one class where the cells differ: the builder skips what it is told to
    const lying = new BandBuilder(cols, levels);
    const strip = g.slice();
    const ranges = rangesOf(strip, rows, 5);
    ranges.min[4] = ranges.max[4] = 1000;
    ranges.known[4] = 5 * rows;
    lying.pushRows(strip, rows, ranges);
    expect(lying.finish()).not.toEqual(expected);
  });

  it('smoothing moves the boundary by less than half a cell and keeps the area close', () => {
    const g = [200, 200, 200, 200, 200, 200, 0, 0, 0, 200, 200, 0, 0, 0, 200, 200, 200, 200, 200, 200];
    const polys = band(g, 5, 100);
    const ring = polys[0][0];
    const smooth = smoothRing(ring);
    for (const p of smooth) {
      let best = Infinity;
      for (let i = 0; i + 1 < ring.length; i++) best = Math.min(best, distToSeg(p, ring[i], ring[i + 1]));
      expect(best).toBeLessThan(0.5);
    }
    expect(Math.abs(ringSignedArea(smooth) - ringSignedArea(ring))).toBeLessThan(0.5);
    const viaOption = bandsOfGrid(g, 5, 4, [100], { smooth: true }).get(100)!;
    expect(viaOption[0][0]).toEqual(smooth);
  });
});

function onGridEdge(x: number, y: number, cols: number, rows: number): boolean {
  return x <= 0.5 || y <= 0.5 || x >= cols - 0.5 || y >= rows - 0.5;
}

function distToSeg(p: number[], a: number[], b: number[]): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

describe('PNG codec for DEM tiles', () => {
  it('round-trips 16-bit greyscale and 8-bit RGBA', () => {
    const values = Uint16Array.from({ length: 12 }, (_, i) => i * 5000 + 7);
    const png = decodePng(encodePng16(values, 4, 3));
    expect([png.width, png.height, png.bitDepth, png.channels]).toEqual([4, 3, 16, 1]);
    expect(Array.from(png.samples)).toEqual(Array.from(values));
    const rgba = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => (i * 37) % 256);
    const back = decodePng(encodePngRgba(rgba, 2, 2));
    expect(Array.from(back.samples)).toEqual(Array.from(rgba));
  });
});

describe('parcel elevation statistics', () => {
  // a 10 × 10 grid in EPSG:4490, 0.01° cells, elevation rising 100 m per column from 0 at x=0.5
  const info = { cols: 10, rows: 10, crs: 'EPSG:4490', originX: 111, originY: 36, cellX: 0.01, cellY: 0.01 };
  const sample = (x: number, y: number) => {
    const px = (x - 111) / 0.01 - 0.5;
    void y;
    return px < -0.5 || px > 9.5 ? NaN : Math.max(0, Math.min(9, px)) * 100;
  };
  it('gives min / mean / max and the area share below each level', () => {
    // parcel over columns 2..6 (pixel x 2.5..6.5 → elevations 200..600)
    const parcel = { type: 'Polygon' as const, coordinates: [[[111.03, 35.95], [111.07, 35.95], [111.07, 35.97], [111.03, 35.97], [111.03, 35.95]]] };
    const e = parcelElevation(parcel, info, sample, [400, 900], 'test')!;
    expect(e.minM).toBeGreaterThanOrEqual(250);
    expect(e.maxM).toBeLessThanOrEqual(650);
    expect(e.meanM).toBeCloseTo(450, 0);
    expect(e.shareBelow['400']).toBeCloseTo(0.375, 1);
    expect(e.shareBelow['900']).toBe(1);
    expect(e.unknownShare).toBe(0);
  });
  it('reports the part outside the DEM as unknown, and null when entirely outside', () => {
    const half = { type: 'Polygon' as const, coordinates: [[[111.08, 35.95], [111.12, 35.95], [111.12, 35.97], [111.08, 35.97], [111.08, 35.95]]] };
    const e = parcelElevation(half, info, sample, [400], 'test')!;
    expect(e.unknownShare).toBeCloseTo(0.5, 1);
    const out = { type: 'Polygon' as const, coordinates: [[[112, 35.95], [112.1, 35.95], [112.1, 35.97], [112, 35.97], [112, 35.95]]] };
    expect(parcelElevation(out, info, sample, [400], 'test')).toBeNull();
  });
});
