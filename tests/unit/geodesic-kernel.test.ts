/**
 * The geodesic kernel against GeographicLib-JS: every distance, area term, line position and
 * polygon area must be the library's bit for bit (Object.is), not within a tolerance.
 *
 * Seeded random cases; GEODESIC_KERNEL_PAIRS sets the number of point pairs (default 1 000 000),
 * GEODESIC_KERNEL_SEED the seed, GEODESIC_KERNEL_FULL=1 adds the clockwise 2 000 000-vertex ring
 * (the counter-clockwise one always runs; clockwise rings are covered by the small rings).
 */
import { describe, expect, it } from 'vitest';
import * as geographiclibModule from 'geographiclib-geodesic';
import type { Position } from 'geojson';
import { CGCS2000_A, CGCS2000_F } from '../../shared/crs';
import { AREA, DISTANCE, GeodesicKernel, GeodesicLineKernel, PolygonAreaKernel } from '../../shared/geo/geodesic-kernel';
import { geodesicDistanceM, geodesicRingAreaM2 } from '../../shared/geo/geodesy';
import { mulberry32 } from '../../electron/services/demo/prng';

type GeographicLib = typeof geographiclibModule;
const geographiclib: GeographicLib =
  (geographiclibModule as unknown as { default?: GeographicLib }).default ?? geographiclibModule;
const G = geographiclib.Geodesic;
const lib = new G.Geodesic(CGCS2000_A, CGCS2000_F);
const kernel = new GeodesicKernel(CGCS2000_A, CGCS2000_F);

const PAIRS = Number(process.env.GEODESIC_KERNEL_PAIRS ?? 1_000_000);
const FULL = process.env.GEODESIC_KERNEL_FULL === '1';
const SEED = Number(process.env.GEODESIC_KERNEL_SEED ?? 20261207);

const degree = Math.PI / 180;
/** The same azimuth to 1e-11° (±180 are one direction; NaN, for an invalid input, matches NaN). */
const sameAzimuth = (x: number, y: number) => {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  const d = Math.abs(x - y) % 360;
  return Math.min(d, 360 - d) < 1e-11;
};

/** The demo's seeded PRNG (mulberry32). */
const rng = mulberry32;

const M_PER_DEG_LAT = 110_950;
type Pair = [lat1: number, lon1: number, lat2: number, lon2: number];

/** A point pair of one of the kinds the brief lists, chosen by `kind`. */
function pairOf(kind: number, r: () => number): Pair {
  const uni = (lo: number, hi: number) => lo + (hi - lo) * r();
  const anyLat = () => uni(-90, 90);
  const anyLon = () => uni(-180, 180);
  switch (kind) {
    case 0:
    case 1:
    case 2: {
      // parcel-scale edges, 1 mm – 1 km (log-uniform), around Shanxi
      const lat1 = uni(34, 41);
      const lon1 = uni(110, 115);
      const d = Math.pow(10, uni(-3, 3));
      const az = uni(0, 2 * Math.PI);
      const lat2 = lat1 + (d * Math.cos(az)) / M_PER_DEG_LAT;
      const lon2 = lon1 + (d * Math.sin(az)) / (M_PER_DEG_LAT * Math.cos((lat1 * Math.PI) / 180));
      return [lat1, lon1, lat2, lon2];
    }
    case 3: // a Shanxi-scale line (≤ 100 km)
      return [uni(34, 41), uni(110, 115), uni(34, 41), uni(110, 115)];
    case 4: // long lines anywhere
      return [anyLat(), anyLon(), anyLat(), anyLon()];
    case 5: {
      // meridional: same longitude, or opposite meridians (through a pole)
      const lon1 = anyLon();
      const lon2 = r() < 0.5 ? lon1 : lon1 + (r() < 0.5 ? 180 : -180);
      return [anyLat(), lon1, anyLat(), lon2];
    }
    case 6: {
      // equatorial, including differences near 180° (where the equator stops being the geodesic)
      const lon1 = anyLon();
      const lon2 = r() < 0.5 ? lon1 + uni(-180, 180) : lon1 + 180 - Math.pow(10, uni(-8, 0.3));
      const lat = r() < 0.8 ? 0 : r() < 0.5 ? -0 : (r() - 0.5) * 1e-20; // tiny latitudes round to 0
      return [lat, lon1, r() < 0.8 ? lat : -lat, lon2];
    }
    case 7: {
      // coincident points (and -0 / +0 variants)
      const lat = r() < 0.9 ? anyLat() : r() < 0.5 ? 0 : 90 * Math.sign(r() - 0.5);
      const lon = anyLon();
      return r() < 0.8 ? [lat, lon, lat, lon] : [lat, lon, lat, lon + (r() < 0.5 ? 360 : -360)];
    }
    case 8: {
      // nearly antipodal (the astroid start and the Newton bracketing)
      const lat1 = anyLat();
      const lon1 = anyLon();
      const dlat = r() < 0.2 ? 0 : Math.pow(10, uni(-12, 0)) * (r() < 0.5 ? -1 : 1);
      const dlon = r() < 0.2 ? 0 : Math.pow(10, uni(-12, 0.5)) * (r() < 0.5 ? -1 : 1);
      return [lat1, lon1, -lat1 + dlat, lon1 + 180 + dlon];
    }
    case 9: {
      // poles and near-pole points
      const pole = r() < 0.5 ? 90 : -90;
      const near = r() < 0.4 ? pole : pole - Math.sign(pole) * Math.pow(10, uni(-12, 0));
      return r() < 0.5 ? [near, anyLon(), anyLat(), anyLon()] : [near, anyLon(), r() < 0.5 ? near : -near, anyLon()];
    }
    case 10: {
      // across the antimeridian, and longitudes outside [-180, 180]
      const lat1 = anyLat();
      const lon1 = 180 - Math.pow(10, uni(-9, 1));
      const lon2 = -180 + Math.pow(10, uni(-9, 1));
      const shift = r() < 0.3 ? 360 * Math.floor(uni(-3, 4)) : 0;
      return [lat1, lon1 + shift, lat1 + uni(-1, 1), lon2 - shift];
    }
    default: {
      // odd inputs: latitudes beyond ±90 (NaN in the library), NaN, infinite longitudes
      const odd = [NaN, 91, -90.0000001, 180, Infinity, -0];
      return [odd[Math.floor(r() * odd.length)], anyLon(), anyLat(), r() < 0.8 ? anyLon() : odd[Math.floor(r() * odd.length)]];
    }
  }
}
const KINDS = 12;

function describePair(p: Pair): string {
  return p.map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(', ');
}

describe('geodesic kernel: bit-identical to GeographicLib-JS', () => {
  it('has the library\'s constants and series coefficients for GRS80', () => {
    const g = lib as unknown as Record<string, unknown>;
    for (const name of ['_f1', '_e2', '_ep2', '_n', '_b', '_c2', '_etol2'] as const) {
      expect(Object.is(kernel[name], g[name]), name).toBe(true);
    }
    expect(Array.from(kernel._A3x)).toEqual(g._A3x);
    expect(Array.from(kernel._C3x)).toEqual(g._C3x);
    expect(Array.from(kernel._C4x)).toEqual(g._C4x);
  });

  it(`Inverse: distance and area term for ${PAIRS} seeded point pairs`, () => {
    const r = rng(SEED);
    const counts = new Array(KINDS).fill(0);
    const mismatches: string[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const kind = i % KINDS;
      const p = pairOf(kind, r);
      counts[kind]++;
      const [lat1, lon1, lat2, lon2] = p;
      const r12 = lib.Inverse(lat1, lon1, lat2, lon2, G.DISTANCE | G.AZIMUTH);
      const s12 = r12.s12;
      const k12 = kernel.Inverse(lat1, lon1, lat2, lon2, DISTANCE);
      if (!Object.is(s12, k12) && mismatches.length < 20) mismatches.push(`s12 ${describePair(p)}: ${s12} vs ${k12}`);
      // the azimuth at the second point, as its sine and cosine (the distance polish reads them)
      const azi2 = Math.atan2(kernel.salp2, kernel.calp2) / degree;
      if (!sameAzimuth(azi2, r12.azi2 as number) && mismatches.length < 20) mismatches.push(`azi2 ${describePair(p)}: ${r12.azi2} vs ${azi2}`);
      // the distance through geodesy.ts (lon/lat order)
      if (kind % 4 === 0) {
        const viaModule = geodesicDistanceM([lon1, lat1], [lon2, lat2]);
        if (!Object.is(s12, viaModule) && mismatches.length < 20) mismatches.push(`geodesicDistanceM ${describePair(p)}`);
      }
      // the area term, as PolygonArea asks for it (with its own mask)
      if (i % 2 === 0) {
        const S12 = lib.Inverse(lat1, lon1, lat2, lon2, G.LATITUDE | G.LONGITUDE | G.DISTANCE | G.AREA | G.LONG_UNROLL).S12;
        kernel.Inverse(lat1, lon1, lat2, lon2, AREA);
        if (!Object.is(S12, kernel.S12) && mismatches.length < 20) mismatches.push(`S12 ${describePair(p)}: ${S12} vs ${kernel.S12}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(Math.min(...counts)).toBeGreaterThan(PAIRS / KINDS - 1);
  });

  it('Inverse: hand-picked special cases', () => {
    const cases: Pair[] = [
      [0, 0, 0, 0], [-0, 0, 0, -0], [90, 0, 90, 180], [-90, 0, 90, 0], [90, 10, -90, 10], [0, 0, 0, 180], [0, 0, 0, -180],
      [0, 0, 0, 179.5], [0, 0, 0, 179.4], [0, 0, 0.5, 179.5], [0, 0, -0.5, 180], [20.001, 0, 20.001, 0],
      [88.202499451857, 0, -88.202499451857, 179.981022032992859592], [89.262080389218, 0, -89.262080389218, 179.992207982775375662],
      [89.333123580033, 0, -89.333123580032997687, 179.99295812360148422], [48.522876735459, 0, -48.52287673545898293, 179.599720456223079643],
      [30, 0, -30, 180], [30, 0, -30, 179.999999], [0.07476, 0, -0.07476, 180], [0.1, 0, -0.1, 180], [-0, 540, 0, -540],
      [36.5, 112.5, 36.5, 112.5 + 1e-12], [36.5, 112.5, 36.5 + 1e-13, 112.5], [1e-300, 0, -1e-300, 90], [5e-324, 0, 0, 1],
      [45, 45, -45, -135], [30, 30, -30, -150], [36, -180, 37, 180], [36, 180, 37, -180], [-90, 0, -90, 0], [90, 0, -90, 0],
    ];
    for (const p of cases) {
      const [lat1, lon1, lat2, lon2] = p;
      expect(Object.is(kernel.Inverse(lat1, lon1, lat2, lon2, DISTANCE), lib.Inverse(lat1, lon1, lat2, lon2, G.DISTANCE).s12), describePair(p)).toBe(true);
      kernel.Inverse(lat1, lon1, lat2, lon2, AREA);
      expect(Object.is(kernel.S12, lib.Inverse(lat1, lon1, lat2, lon2, G.AREA | G.DISTANCE | G.LONG_UNROLL).S12), describePair(p)).toBe(true);
    }
  });

  it('InverseLine: s13 and Position(s).lat2 / lon2 as minGeodesicDistance uses them', () => {
    const r = rng(SEED + 1);
    const line = new GeodesicLineKernel(kernel);
    const mismatches: string[] = [];
    const n = Math.max(50_000, Math.floor(PAIRS / 20));
    for (let i = 0; i < n; i++) {
      const p = pairOf(i % KINDS, r);
      const [lat1, lon1, lat2, lon2] = p;
      const L = lib.InverseLine(lat1, lon1, lat2, lon2);
      line.SetInverse(lat1, lon1, lat2, lon2);
      if (!Object.is(L.s13, line.s13)) {
        if (mismatches.length < 20) mismatches.push(`s13 ${describePair(p)}: ${L.s13} vs ${line.s13}`);
        continue;
      }
      for (const t of [r(), r(), 0.5, 1e-9, 1]) {
        const q = L.Position(t * L.s13);
        line.Position(t * line.s13);
        if ((!Object.is(q.lat2, line.lat2) || !Object.is(q.lon2, line.lon2)) && mismatches.length < 20) mismatches.push(`Position(${t}) ${describePair(p)}`);
        // the azimuth there, kept as its sine and cosine (the distance polish's derivative)
        if (!sameAzimuth(Math.atan2(line.salp2, line.calp2) / degree, q.azi2 as number) && mismatches.length < 20) mismatches.push(`azi2 at ${t} ${describePair(p)}: ${Math.atan2(line.salp2, line.calp2) / degree} vs ${q.azi2}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Polygon areas

/** geodesicRingAreaM2 as it was, on the library: the reference for the module's function. */
function libraryRingAreaM2(ring: readonly Position[]): number {
  const finite = (p: Position) => Number.isFinite(p[0]) && Number.isFinite(p[1]);
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
  const polygon = lib.Polygon(false);
  for (let i = first; i <= last; i++) if (i !== closing && finite(ring[i])) polygon.AddPoint(ring[i][1], ring[i][0]);
  const { area } = polygon.Compute(false, true);
  return Math.abs(area ?? 0);
}

/** A star-shaped ring of n vertices around (lon0, lat0), radius ≈ rDeg, jittered; closed. */
function ring(r: () => number, lon0: number, lat0: number, rDeg: number, n: number, clockwise: boolean): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < n; i++) {
    const ang = ((clockwise ? -i : i) / n) * 2 * Math.PI;
    const rr = rDeg * (0.6 + 0.4 * r());
    out.push([lon0 + (rr * Math.cos(ang)) / Math.max(0.05, Math.cos((lat0 * Math.PI) / 180)), lat0 + rr * Math.sin(ang)]);
  }
  out.push([out[0][0], out[0][1]]);
  return out;
}

/** Area through the kernel and the library for every (reverse, sign), and through the module. */
function compareRing(coords: readonly Position[], mismatches: string[], label: string): void {
  const ref = libraryRingAreaM2(coords);
  const got = geodesicRingAreaM2(coords);
  if (!Object.is(ref, got) && mismatches.length < 20) mismatches.push(`${label}: geodesicRingAreaM2 ${ref} vs ${got}`);
}

const kernelPolygon = new PolygonAreaKernel(kernel);
function compareRaw(coords: readonly Position[], mismatches: string[], label: string): void {
  const p = lib.Polygon(false);
  kernelPolygon.Clear();
  for (const [lon, lat] of coords) {
    p.AddPoint(lat, lon);
    kernelPolygon.AddPoint(lat, lon);
  }
  for (const reverse of [false, true]) {
    for (const sign of [false, true]) {
      const ref = p.Compute(reverse, sign).area;
      const got = kernelPolygon.ComputeArea(reverse, sign);
      if (!Object.is(ref, got) && mismatches.length < 20) mismatches.push(`${label} reverse=${reverse} sign=${sign}: ${ref} vs ${got}`);
    }
  }
}

describe('polygon areas: bit-identical to GeographicLib-JS PolygonArea', () => {
  it('small parcels and 100 km zones around Shanxi, clockwise and counter-clockwise', () => {
    const r = rng(SEED + 2);
    const mismatches: string[] = [];
    const n = Math.max(10_000, Math.floor(PAIRS / 100));
    for (let i = 0; i < n; i++) {
      const size = i % 3 === 0 ? 0.5 : Math.pow(10, -5 + 3 * r()); // 100 km zones, or 1 m – 1 km parcels
      const coords = ring(r, 110 + 5 * r(), 34 + 7 * r(), size, 3 + Math.floor(r() * (i % 7 === 0 ? 400 : 30)), i % 2 === 0);
      compareRing(coords, mismatches, `ring ${i}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('rings across the antimeridian, around the poles, continental and self-crossing rings', () => {
    const r = rng(SEED + 3);
    const mismatches: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const kind = i % 5;
      let coords: Position[];
      if (kind === 0) coords = ring(r, 180 + (r() - 0.5) * 2, (r() - 0.5) * 160, Math.pow(10, -4 + 4 * r()), 3 + Math.floor(r() * 40), r() < 0.5);
      else if (kind === 1) {
        // around a pole: longitudes all the way round (transit counting)
        const lat = (r() < 0.5 ? 1 : -1) * (60 + 29.9 * r());
        const m = 3 + Math.floor(r() * 60);
        coords = Array.from({ length: m }, (_, j) => [((r() < 0.5 ? j : -j) / m) * 360 - 180 + r(), lat + r() * 0.1]);
      } else if (kind === 2) coords = ring(r, (r() - 0.5) * 360, (r() - 0.5) * 120, 10 + 50 * r(), 3 + Math.floor(r() * 20), r() < 0.5);
      else if (kind === 3) coords = Array.from({ length: 3 + Math.floor(r() * 12) }, () => [(r() - 0.5) * 720, (r() - 0.5) * 180]);
      else coords = ring(r, -180 + 360 * r(), 0, 0.01 + 30 * r(), 3 + Math.floor(r() * 30), r() < 0.5).map(([lon, lat]) => [lon + 360 * Math.floor((r() - 0.5) * 4), lat * (r() < 0.3 ? 0 : 1)]);
      compareRing(coords, mismatches, `ring ${kind}/${i}`);
      compareRaw(coords, mismatches, `raw ${kind}/${i}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('one ring of 2 000 000 vertices (a sampled parcel outline) and one of 200 000 clockwise', () => {
    const r = rng(SEED + 4);
    const mismatches: string[] = [];
    const big = ring(r, 112.3, 37.6, 0.02, 2_000_000, false);
    compareRing(big, mismatches, 'ccw 2M');
    if (FULL) {
      big.reverse();
      compareRing(big, mismatches, 'cw 2M');
    }
    compareRing(ring(r, 111.7, 35.2, 0.05, 200_000, true), mismatches, 'cw 200k');
    expect(mismatches).toEqual([]);
  }, 120_000);
});
