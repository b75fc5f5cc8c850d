import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import {
  CGCS2000_GEODESIC,
  geodesicAreaM2,
  geodesicDistanceM,
  planarGaussKrugerAreaM2,
} from '../../shared/geo/geodesy';
import { minGeodesicDistance } from '../../shared/geo/nearest';
import { chunkLines, overlapOf, subdividePolygon, vertexCount } from '../../shared/geo/overlay';
import { StaticBBoxIndex } from '../../shared/geo/spatial-index';
import { CGCS2000_A, CGCS2000_F } from '../../shared/crs';
import { mulberry32 } from '../../electron/services/demo/prng';

const rad = Math.PI / 180;

/**
 * Area between two parallels and two meridians on the ellipsoid, closed form (authalic q). The
 * geodesic top/bottom edges of a 0.01° square differ from the parallels by ~1e-2 m sagitta on each
 * side, with opposite effects; the net difference is far below 0.01 m².
 */
function quadrangleAreaM2(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const b = CGCS2000_A * (1 - CGCS2000_F);
  const e2 = CGCS2000_F * (2 - CGCS2000_F);
  const e = Math.sqrt(e2);
  const q = (phi: number) => {
    const s = Math.sin(phi);
    return s / (1 - e2 * s * s) + (1 / (2 * e)) * Math.log((1 + e * s) / (1 - e * s));
  };
  return ((b * b * (lon2 - lon1) * rad) / 2) * (q(lat2 * rad) - q(lat1 * rad));
}

const square = (lon: number, lat: number, d: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});

describe('geodesic area (CGCS2000)', () => {
  it('0.01° × 0.01° square at 35°N matches the closed-form ellipsoidal quadrangle', () => {
    const area = geodesicAreaM2(square(111.2, 35, 0.01));
    expect(area).toBeCloseTo(quadrangleAreaM2(111.2, 35, 111.21, 35.01), 2);
    // ≈ 1 012 695.42 m² (GeographicLib PolygonArea, GRS80).
    expect(area).toBeCloseTo(1012695.42, 1);
  });

  it('does not depend on ring orientation', () => {
    const cw: Polygon = { type: 'Polygon', coordinates: [square(111.2, 35, 0.01).coordinates[0].slice().reverse()] };
    expect(geodesicAreaM2(cw)).toBeCloseTo(geodesicAreaM2(square(111.2, 35, 0.01)), 6);
  });

  it('subtracts holes and sums multipolygon parts', () => {
    const outer = square(111.2, 35, 0.01).coordinates[0];
    const hole = square(111.202, 35.002, 0.002).coordinates[0];
    const withHole: Polygon = { type: 'Polygon', coordinates: [outer, hole] };
    const expected = quadrangleAreaM2(111.2, 35, 111.21, 35.01) - quadrangleAreaM2(111.202, 35.002, 111.204, 35.004);
    expect(geodesicAreaM2(withHole)).toBeCloseTo(expected, 2);
    const multi = { type: 'MultiPolygon' as const, coordinates: [[outer], square(111.3, 35.1, 0.001).coordinates] };
    expect(geodesicAreaM2(multi)).toBeCloseTo(quadrangleAreaM2(111.2, 35, 111.21, 35.01) + quadrangleAreaM2(111.3, 35.1, 111.301, 35.101), 2);
  });

  it('planar Gauss-Krüger area is labelled with its zone and slightly larger (< 0.05 %)', () => {
    const poly = square(111.2, 35, 0.01);
    const planar = planarGaussKrugerAreaM2(poly);
    expect(planar.crs).toBe('EPSG:4546');
    const geodesic = geodesicAreaM2(poly);
    expect(planar.planarAreaM2).toBeGreaterThan(geodesic);
    expect((planar.planarAreaM2 - geodesic) / geodesic).toBeLessThan(0.0005);
  });
});

describe('geodesic distance', () => {
  // Pairs in the spirit of GeographicLib's test set: short, Shanxi-scale, long, and near-antipodal.
  const pairs: Array<[number, number, number, number]> = [
    [111.2, 35, 111.21, 35.01],
    [111.2, 35.1, 111.2, 35.1000001],
    [110.5, 34.6, 114.5, 40.7],
    [0, 0, 179.5, 0.5],
    [-73.8, 40.6, -0.4, 51.6],
    [151.2, -33.9, -118.4, 33.9],
  ];

  it('reproduces GeographicLib\'s documented JFK–LHR example (5551759.400 m on WGS84) within GRS80–WGS84 difference', () => {
    // GeographicLib docs: inverse (40.6, -73.8) → (51.6, -0.5), s12 = 5551759.400319 m (WGS84).
    // GRS80 and WGS84 differ only in f (by 5e-9 relative); here that moves the distance < 5 mm.
    expect(geodesicDistanceM([-73.8, 40.6], [-0.5, 51.6])).toBeCloseTo(5551759.4, 2);
    expect(CGCS2000_GEODESIC.f).toBe(1 / 298.257222101);
  });

  let geod = false;
  try {
    execFileSync('geod', [], { stdio: 'ignore' });
    geod = true;
  } catch (error) {
    geod = (error as { status?: number }).status !== undefined;
  }

  it.skipIf(!geod)('matches PROJ geod -I +ellps=GRS80 to 1 mm', () => {
    const input = pairs.map(([lon1, lat1, lon2, lat2]) => `${lat1} ${lon1} ${lat2} ${lon2}`).join('\n');
    const out = execFileSync('geod', ['-I', '+ellps=GRS80', '-f', '%.8f'], { input }).toString().trim().split('\n');
    pairs.forEach(([lon1, lat1, lon2, lat2], i) => {
      const reference = Number(out[i].trim().split(/\s+/)[2]);
      expect(Math.abs(geodesicDistanceM([lon1, lat1], [lon2, lat2]) - reference)).toBeLessThan(1e-3);
    });
  });
});

describe('minimum geodesic distance between geometries', () => {
  it('point to point equals the inverse problem', () => {
    const pair = minGeodesicDistance({ type: 'Point', coordinates: [111.2, 35] }, { type: 'Point', coordinates: [111.21, 35.01] });
    expect(pair?.distanceM).toBeCloseTo(geodesicDistanceM([111.2, 35], [111.21, 35.01]), 6);
  });

  it('point to a meridian segment matches a brute-force geodesic minimum (< 1 mm)', () => {
    const point = [111.21, 35.05];
    const pair = minGeodesicDistance({ type: 'Point', coordinates: point }, { type: 'LineString', coordinates: [[111.2, 35], [111.2, 35.1]] });
    // A meridian is a geodesic: minimise the inverse distance along it by golden-section search.
    let lo = 35;
    let hi = 35.1;
    const f = (lat: number) => geodesicDistanceM(point, [111.2, lat]);
    for (let i = 0; i < 200; i++) {
      const m1 = lo + (hi - lo) / 3;
      const m2 = hi - (hi - lo) / 3;
      if (f(m1) < f(m2)) hi = m2;
      else lo = m1;
    }
    expect(Math.abs((pair?.distanceM ?? NaN) - f((lo + hi) / 2))).toBeLessThan(1e-3);
    expect(pair?.distanceM).toBeCloseTo(912.33, 2);
  });

  it('point far from a long edge (20 km) still matches brute force (< 5 mm)', () => {
    const point = [111.45, 35.3];
    const line = { type: 'LineString' as const, coordinates: [[111.2, 35.0], [111.2, 35.6]] };
    const pair = minGeodesicDistance({ type: 'Point', coordinates: point }, line);
    let best = Infinity;
    for (let i = 0; i <= 6000; i++) best = Math.min(best, geodesicDistanceM(point, [111.2, 35 + (0.6 * i) / 6000]));
    expect(Math.abs((pair?.distanceM ?? NaN) - best)).toBeLessThan(5e-3);
  });

  it('is 0 for touching, crossing and nested geometries', () => {
    const a = square(111.2, 35, 0.01);
    const touching = square(111.21, 35, 0.01);
    const inside = square(111.202, 35.002, 0.001);
    expect(minGeodesicDistance(a, touching)?.distanceM).toBe(0);
    expect(minGeodesicDistance(a, inside)?.distanceM).toBe(0);
    expect(minGeodesicDistance(inside, a)?.distanceM).toBe(0);
    expect(minGeodesicDistance(a, { type: 'Point', coordinates: [111.205, 35.005] })?.distanceM).toBe(0);
    expect(minGeodesicDistance(a, { type: 'LineString', coordinates: [[111.19, 35.005], [111.22, 35.005]] })?.distanceM).toBe(0);
  });

  it('polygon in a hole is not inside', () => {
    const withHole: Polygon = { type: 'Polygon', coordinates: [square(111.2, 35, 0.01).coordinates[0], square(111.203, 35.003, 0.004).coordinates[0]] };
    const pair = minGeodesicDistance(withHole, square(111.204, 35.004, 0.002));
    expect(pair?.distanceM).toBeGreaterThan(80);
  });

  it('finds the geodesic minimum between random edges and points (< 1 µm of a brute-force search on the library)', () => {
    // The minimum between two edges that do not cross lies at a vertex of one of them, so the
    // reference is the least of the four vertex-to-edge minima, each a golden-section search over
    // the library's own GeodesicLine to the end of double precision.
    const footDistance = (p: number[], a: number[], b: number[]): number => {
      const line = CGCS2000_GEODESIC.InverseLine(a[1], a[0], b[1], b[0]);
      const f = (s: number) => {
        const q = line.Position(s);
        return CGCS2000_GEODESIC.Inverse(p[1], p[0], q.lat2 as number, q.lon2 as number).s12 as number;
      };
      let lo = 0;
      let hi = line.s13 as number;
      const ratio = (Math.sqrt(5) - 1) / 2;
      for (let i = 0; i < 120; i++) {
        const x1 = hi - ratio * (hi - lo);
        const x2 = lo + ratio * (hi - lo);
        if (f(x1) < f(x2)) hi = x2;
        else lo = x1;
      }
      return Math.min(f((lo + hi) / 2), f(0), f(line.s13 as number));
    };
    const random = mulberry32(20261207);
    const offset = (p: number[], azimuth: number, distanceM: number) => {
      const r = CGCS2000_GEODESIC.Direct(p[1], p[0], azimuth, distanceM);
      return [r.lon2 as number, r.lat2 as number];
    };
    const worst = { error: 0, at: '' };
    for (let i = 0; i < 300; i++) {
      const a0 = [110.5 + 4 * random(), 34.6 + 6 * random()];
      // edges from 1 m to 60 km, gaps from 5 cm to 20 km, every orientation
      const a1 = offset(a0, 360 * random(), 10 ** (6 * random() - 1.5) * 1.9);
      // near a random point along the edge: far from its vertices the tmerc plane's parameter
      // along a long edge is off the geodesic's by up to metres, which the polish has to remove
      const along = CGCS2000_GEODESIC.InverseLine(a0[1], a0[0], a1[1], a1[0]);
      const near = along.Position(random() * (along.s13 as number));
      const gap = 10 ** (5.6 * random() - 1.3);
      const b0 = offset([near.lon2 as number, near.lat2 as number], 360 * random(), gap);
      const isPoint = i % 3 === 0;
      const b1 = isPoint ? b0 : offset(b0, 360 * random(), 10 ** (4.5 * random()));
      const a = { type: 'LineString' as const, coordinates: [a0, a1] };
      const b = isPoint ? { type: 'Point' as const, coordinates: b0 } : { type: 'LineString' as const, coordinates: [b0, b1] };
      const pair = minGeodesicDistance(a, b);
      if (!pair || pair.distanceM === 0) continue; // crossing: not what this measures
      const reference = isPoint ? footDistance(b0, a0, a1) : Math.min(footDistance(b0, a0, a1), footDistance(b1, a0, a1), footDistance(a0, b0, b1), footDistance(a1, b0, b1));
      // the reported pair is the pair measured
      expect(Object.is(pair.distanceM, geodesicDistanceM(pair.from, pair.to))).toBe(true);
      const error = Math.abs(pair.distanceM - reference);
      if (error > worst.error) Object.assign(worst, { error, at: `case ${i}: ${JSON.stringify([a0, a1, b0, b1])} ${pair.distanceM} vs ${reference}` });
    }
    expect(worst.error, worst.at).toBeLessThan(1e-6);
  });

  it('a geometry larger than the working arrays of the search, and the calls around it, measure as their parts do', () => {
    // 150 squares of 21 vertices each (3 150 vertices, 150 polygons, rings open and closed, one
    // vertex not finite), a line and a point beside them: more than the arrays the search starts
    // with, so they grow; and the calls before and after must not see each other's vertices.
    const parts: Polygon[] = [];
    for (let k = 0; k < 150; k++) {
      const lon = 111.2 + (k % 15) * 0.003;
      const lat = 35 + Math.floor(k / 15) * 0.003;
      const ring: number[][] = [];
      for (let v = 0; v < 20; v++) ring.push([lon + 0.001 * Math.cos((v * Math.PI) / 10), lat + 0.001 * Math.sin((v * Math.PI) / 10)]);
      if (k % 2 === 0) ring.push(ring[0]);
      parts.push({ type: 'Polygon', coordinates: [ring] });
    }
    const many = { type: 'MultiPolygon' as const, coordinates: parts.map((p) => p.coordinates) };
    many.coordinates[7][0].splice(3, 0, [NaN, 35]);
    const probes = [
      { type: 'Point' as const, coordinates: [111.16, 35.012] },
      { type: 'LineString' as const, coordinates: [[111.27, 34.99], [111.26, 35.05]] },
      { type: 'GeometryCollection' as const, geometries: [{ type: 'Point' as const, coordinates: [111.2, 34.97] }, square(111.19, 35.04, 0.002)] },
    ];
    const small = minGeodesicDistance(probes[0], { type: 'Point', coordinates: [111.161, 35.012] });
    for (const probe of probes) {
      const whole = minGeodesicDistance(probe, many);
      const byPart = Math.min(...parts.map((part) => minGeodesicDistance(probe, part)?.distanceM ?? Infinity));
      expect(whole?.distanceM).toBeGreaterThan(100);
      expect(Math.abs((whole?.distanceM ?? NaN) - byPart)).toBeLessThan(1e-6);
      // and the other way round: the many-part geometry first
      expect(Math.abs((minGeodesicDistance(many, probe)?.distanceM ?? NaN) - byPart)).toBeLessThan(1e-6);
    }
    // inside one of the squares, and a small measurement after the large ones
    expect(minGeodesicDistance({ type: 'Point', coordinates: [111.203, 35.003] }, many)?.distanceM).toBe(0);
    expect(minGeodesicDistance(probes[0], { type: 'Point', coordinates: [111.161, 35.012] })).toEqual(small);
  });

  it('diagonal corner-to-corner distance equals the vertex inverse', () => {
    const pair = minGeodesicDistance(square(111.2, 35, 0.01), square(111.211, 35.011, 0.01));
    expect(pair?.distanceM).toBeCloseTo(geodesicDistanceM([111.21, 35.01], [111.211, 35.011]), 4);
  });
});

describe('overlay', () => {
  it('overlap of two offset squares has the geodesic area of the intersection', () => {
    const result = overlapOf(square(111.2, 35, 0.01), square(111.205, 35.005, 0.01));
    expect(result.failed).toBe(false);
    expect(result.overlapAreaM2).toBeCloseTo(quadrangleAreaM2(111.205, 35.005, 111.21, 35.01), 1);
  });

  it('shared edge gives no overlap area', () => {
    const result = overlapOf(square(111.2, 35, 0.01), square(111.21, 35, 0.01));
    // Clipping may leave a zero-width sliver of ~1e-6 m²; minOverlapM2 exists for exactly this.
    expect(result.overlapAreaM2).toBeLessThan(0.01);
  });

  it('survives a self-intersecting (bow-tie) ring without throwing', () => {
    const bowtie: Polygon = { type: 'Polygon', coordinates: [[[111.2, 35], [111.21, 35.01], [111.21, 35], [111.2, 35.01], [111.2, 35]]] };
    expect(() => overlapOf(bowtie, square(111.2, 35, 0.01))).not.toThrow();
  });
});

describe('spatial index', () => {
  it('returns exactly the boxes that intersect the query, in ascending order', () => {
    const boxes: Array<[number, number, number, number]> = [];
    for (let i = 0; i < 500; i++) {
      const x = 110 + ((i * 37) % 100) / 20;
      const y = 34 + ((i * 53) % 100) / 15;
      boxes.push([x, y, x + 0.1, y + 0.1]);
    }
    const index = new StaticBBoxIndex(boxes);
    const query: [number, number, number, number] = [111, 35, 112, 36];
    const expected = boxes.map((b, i) => [b, i] as const).filter(([b]) => b[0] <= query[2] && query[0] <= b[2] && b[1] <= query[3] && query[1] <= b[3]).map(([, i]) => i);
    expect(index.search(query)).toEqual(expected);
  });
});

describe('subdivision of huge reference polygons', () => {
  // Seeded star polygon with a hole: 6 000 + 600 vertices around 112.5°E 37°N, radius ≈ 5 km.
  const rand = (() => {
    let a = 12345;
    return () => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a / 2147483648;
    };
  })();
  const ringAround = (n: number, rMin: number, rMax: number, clockwise: boolean) => {
    const ring: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const t = ((clockwise ? -1 : 1) * i * 2 * Math.PI) / n;
      const r = rMin + (rMax - rMin) * rand();
      ring.push([112.5 + (r * Math.cos(t)) / 88_900, 37 + (r * Math.sin(t)) / 110_950]);
    }
    ring.push(ring[0]);
    return ring;
  };
  const huge: Polygon = { type: 'Polygon', coordinates: [ringAround(6000, 4600, 5000, false), ringAround(600, 1000, 1500, true)] };
  const pieces = subdividePolygon(huge, 256);

  it('pieces are small and cover the polygon exactly (areas add up)', () => {
    expect(vertexCount(huge)).toBeGreaterThan(5000);
    expect(pieces.length).toBeGreaterThan(20);
    for (const piece of pieces) expect(vertexCount(piece)).toBeLessThanOrEqual(300);
    const whole = geodesicAreaM2(huge);
    const sum = pieces.reduce((s, p) => s + geodesicAreaM2(p), 0);
    // Not exact: see the cut-line lens in shared/geo/overlay.ts splitRings.
    expect(Math.abs(sum - whole) / whole).toBeLessThan(1e-6);
  });

  it('overlap with the pieces sums to the overlap with the whole; distance is the minimum over pieces', () => {
    let partial = 0;
    for (let i = 0; i < 150; i++) {
      // Parcels of 50–300 m anywhere from the hole to outside the shell.
      const r = rand() * 6000;
      const t = rand() * 2 * Math.PI;
      const lon = 112.5 + (r * Math.cos(t)) / 88_900;
      const lat = 37 + (r * Math.sin(t)) / 110_950;
      const d = (50 + rand() * 250) / 88_900;
      const parcel = square(lon, lat, d);
      const whole = overlapOf(parcel, huge);
      expect(whole.failed).toBe(false);
      const sum = pieces.reduce((s, p) => s + overlapOf(parcel, p).overlapAreaM2, 0);
      // ≤ 1e-5 relative (the PostGIS tolerance is 2e-4) plus 1 mm² for empty overlaps.
      expect(Math.abs(sum - whole.overlapAreaM2)).toBeLessThanOrEqual(1e-5 * whole.overlapAreaM2 + 1e-6);
      const parcelArea = geodesicAreaM2(parcel);
      if (whole.overlapAreaM2 > 1 && whole.overlapAreaM2 < parcelArea - 1) partial++;
      if (i % 5 === 0) {
        const direct = minGeodesicDistance(parcel, huge)?.distanceM ?? NaN;
        const viaPieces = Math.min(...pieces.map((p) => minGeodesicDistance(parcel, p)?.distanceM ?? Infinity));
        expect(Math.abs(direct - viaPieces)).toBeLessThan(0.001);
      }
    }
    expect(partial).toBeGreaterThan(5);
  }, 240_000);

  it('a parcel wholly inside (no boundary near it) overlaps by its own area without clipping', () => {
    const inside = square(112.5 + 3000 / 88_900, 37, 0.001);
    const result = overlapOf(inside, huge);
    expect(result.geometry).toBe(inside);
    expect(result.overlapAreaM2).toBe(geodesicAreaM2(inside));
    const inHole = square(112.5, 37, 0.001);
    expect(overlapOf(inHole, huge).overlapAreaM2).toBe(0);
  });

  it('lines are chunked into runs sharing their end vertices', () => {
    const line: [number, number][] = Array.from({ length: 101 }, (_, i) => [112 + i * 0.001, 37]);
    const runs = chunkLines([line], 32);
    expect(runs.map((r) => r.length)).toEqual([33, 33, 33, 5]);
    expect(runs[1][0]).toEqual(runs[0][32]);
  });
});
