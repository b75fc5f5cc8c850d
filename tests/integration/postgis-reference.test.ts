/**
 * Our figures against PostGIS `geography` (areas within 0.02 %, distances within 0.05 m).
 *
 * A throwaway PostgreSQL + PostGIS cluster (Unix socket only) is started with
 * ../shared/scripts/throwaway-postgis.sh; CI installs postgresql-15-postgis-3 (.ci/run). If the
 * cluster cannot be started this test FAILS — it is the reference for every figure on a review
 * record, so it must never be skipped silently.
 *
 * Cases are generated around Shanxi with a seeded PRNG: star-shaped parcels (some with holes) against
 * zone / contaminated polygons with holes and multipolygons, and parcels against points (stations),
 * lines (rivers) and polygons (neighbouring parcels) at 0–20 km. SRID 4490 (CGCS2000, GRS80) is used
 * so PostGIS measures on the same ellipsoid; `ST_Area(geog, true)` / `ST_Distance(a, b, true)` use
 * the spheroid.
 *
 * What differs by construction (quantified by the assertions below, weakness (c) of the issue):
 * PostGIS geography reads an edge as a great-circle arc, we read it as an ellipsoidal geodesic; both
 * clip in lon/lat (planar) first. For edges of parcel and zone size (≤ a few km) the two curves are
 * millimetres apart, so the overlap areas agree to ~1e-6 relative and distances to well under 1 cm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Geometry, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { minGeodesicDistance } from '../../shared/geo/nearest';
import { overlapOf } from '../../shared/geo/overlay';
import { startPostgis, type ThrowawayPostgis } from '../support/postgis';
import { mulberry32 } from '../../electron/services/demo/prng';
import { M_PER_DEG_LAT, mPerDegLon, starRing } from '../../bench/county';

let pg: ThrowawayPostgis | undefined;
const psql = (sql: string): string[][] => pg!.psql(sql);

// No try/catch: a cluster that does not start fails the suite (required on CI).
beforeAll(() => {
  pg = startPostgis();
}, 600_000);

afterAll(() => pg?.stop());

// ---------------------------------------------------------------------------------------------
// Seeded generators

function starPolygon(rand: () => number, lon: number, lat: number, size: number, withHole: boolean): Polygon {
  const n = 5 + Math.floor(rand() * 20);
  const shell = starRing(rand, lon, lat, size * 0.6, size, n);
  const rings = [shell];
  if (withHole) rings.push(starRing(rand, lon, lat, size * 0.15, size * 0.45, 4 + Math.floor(rand() * 8), true));
  return { type: 'Polygon', coordinates: rings };
}

/** Somewhere in Shanxi (lon 110.3–114.4, lat 34.7–40.6). */
function shanxiPoint(rand: () => number): [number, number] {
  return [110.3 + rand() * 4.1, 34.7 + rand() * 5.9];
}

function offset(lon: number, lat: number, dxM: number, dyM: number): [number, number] {
  return [lon + dxM / mPerDegLon(lat), lat + dyM / M_PER_DEG_LAT];
}

interface OverlapCase {
  id: number;
  parcel: Polygon;
  zone: Polygon | MultiPolygon;
}

function overlapCases(count: number, seed: number): OverlapCase[] {
  const rand = mulberry32(seed);
  const cases: OverlapCase[] = [];
  for (let id = 0; id < count; id++) {
    const [lon, lat] = shanxiPoint(rand);
    const zoneSize = 300 + rand() * 2500;
    const kind = id % 3;
    let zone: Polygon | MultiPolygon;
    if (kind === 0) zone = starPolygon(rand, lon, lat, zoneSize, false);
    else if (kind === 1) zone = starPolygon(rand, lon, lat, zoneSize, true);
    else {
      const [lon2, lat2] = offset(lon, lat, zoneSize * 2.2, zoneSize * 0.3);
      zone = { type: 'MultiPolygon', coordinates: [starPolygon(rand, lon, lat, zoneSize, true).coordinates, starPolygon(rand, lon2, lat2, zoneSize * 0.7, false).coordinates] };
    }
    // Parcel: 40–600 m across, placed so that most cases overlap partly (edges crossing the shell,
    // the hole or the gap between parts), some fully inside, some outside.
    const parcelSize = 40 + rand() * 560;
    const angle = rand() * Math.PI * 2;
    const dist = zoneSize * (kind === 2 ? rand() * 2.4 : rand() * 1.3);
    const [plon, plat] = offset(lon, lat, dist * Math.cos(angle), dist * Math.sin(angle));
    cases.push({ id, parcel: starPolygon(rand, plon, plat, parcelSize, rand() < 0.2), zone });
  }
  return cases;
}

interface DistanceCase {
  id: number;
  parcel: Polygon;
  other: Point | LineString | Polygon;
}

function distanceCases(count: number, seed: number): DistanceCase[] {
  const rand = mulberry32(seed);
  const cases: DistanceCase[] = [];
  for (let id = 0; id < count; id++) {
    const [lon, lat] = shanxiPoint(rand);
    const parcel = starPolygon(rand, lon, lat, 40 + rand() * 400, rand() < 0.2);
    // Distance scale: mostly the buffers the rules use (50 m … 2 km), some up to 20 km.
    const d = rand() < 0.8 ? 20 + rand() * 2500 : 2500 + rand() * 17_500;
    const angle = rand() * Math.PI * 2;
    const [olon, olat] = offset(lon, lat, d * Math.cos(angle), d * Math.sin(angle));
    let other: Point | LineString | Polygon;
    const kind = id % 3;
    if (kind === 0) other = { type: 'Point', coordinates: [olon, olat] };
    else if (kind === 1) {
      // A river: a polyline of 3–12 vertices with segments of 50 m – 3 km.
      const coords: Position[] = [];
      let [x, y] = [olon, olat];
      let heading = rand() * Math.PI * 2;
      for (let i = 0, n = 3 + Math.floor(rand() * 10); i < n; i++) {
        coords.push([x, y]);
        heading += (rand() - 0.5) * 1.2;
        const step = 50 + rand() * 2950;
        [x, y] = offset(x, y, step * Math.cos(heading), step * Math.sin(heading));
      }
      other = { type: 'LineString', coordinates: coords };
    } else other = starPolygon(rand, olon, olat, 30 + rand() * Math.min(d * 0.5, 800), rand() < 0.3);
    cases.push({ id, parcel, other });
  }
  return cases;
}

const wkbLiteral = (g: Geometry) => `ST_SetSRID(ST_GeomFromGeoJSON('${JSON.stringify(g)}'), 4490)`;

// ---------------------------------------------------------------------------------------------

describe('figures match PostGIS geography (CGCS2000 spheroid)', () => {
  it('parcel areas within 0.02 % and overlap areas within 0.02 % (polygons with holes, multipolygons)', () => {
    const cases = overlapCases(600, 20261122);
    const sql = [
      'create temp table c(id int, parcel geometry, zone geometry);',
      ...cases.map((c) => `insert into c values (${c.id}, ${wkbLiteral(c.parcel)}, ${wkbLiteral(c.zone)});`),
      // 17 significant digits: the comparison must not be limited by printing.
      'set extra_float_digits = 3;',
      `select id, ST_Area(parcel::geography, true), coalesce(ST_Area(ST_Intersection(parcel, zone)::geography, true), 0), ST_IsValid(parcel) and ST_IsValid(zone) from c order by id;`,
    ].join('\n');
    const rows = psql(sql);
    expect(rows).toHaveLength(cases.length);
    let overlapping = 0;
    let worstArea = 0;
    let worstOverlap = 0;
    for (const [idText, parcelArea, overlapArea, valid] of rows) {
      const c = cases[Number(idText)];
      expect(valid, `case ${idText} generated invalid geometry`).toBe('t');
      const ours = geodesicAreaM2(c.parcel);
      const ref = Number(parcelArea);
      const relArea = Math.abs(ours - ref) / ref;
      worstArea = Math.max(worstArea, relArea);
      expect(relArea, `parcel ${idText}: ours ${ours} vs PostGIS ${ref}`).toBeLessThanOrEqual(0.0002);

      const result = overlapOf(c.parcel, c.zone);
      expect(result.failed, `overlap ${idText} failed: ${result.error}`).toBe(false);
      const refOverlap = Number(overlapArea);
      if (refOverlap > 1) {
        overlapping++;
        const rel = Math.abs(result.overlapAreaM2 - refOverlap) / refOverlap;
        worstOverlap = Math.max(worstOverlap, rel);
        expect(rel, `overlap ${idText}: ours ${result.overlapAreaM2} vs PostGIS ${refOverlap}`).toBeLessThanOrEqual(0.0002);
      } else {
        // Disjoint or a sliver for PostGIS: ours must agree to within 0.02 % of the parcel (never
        // report an overlap PostGIS does not see).
        expect(Math.abs(result.overlapAreaM2 - refOverlap), `overlap ${idText}`).toBeLessThanOrEqual(Math.max(0.01, 0.0002 * ref));
      }
    }
    // The generator must actually produce the hard cases (partial overlaps in quantity).
    expect(overlapping).toBeGreaterThan(200);
    expect(overlapping).toBeLessThan(cases.length - 50);
    console.info(`PostGIS reference: ${cases.length} overlap cases (${overlapping} overlapping); worst relative difference: parcel area ${worstArea.toExponential(2)}, overlap ${worstOverlap.toExponential(2)}`);
  });

  it('distances parcel → point / line / polygon within 0.05 m (0–20 km)', () => {
    const cases = distanceCases(450, 4490);
    const sql = [
      'create temp table d(id int, parcel geometry, other geometry);',
      ...cases.map((c) => `insert into d values (${c.id}, ${wkbLiteral(c.parcel)}, ${wkbLiteral(c.other)});`),
      'set extra_float_digits = 3;',
      'select id, ST_Distance(parcel::geography, other::geography, true) from d order by id;',
    ].join('\n');
    const rows = psql(sql);
    expect(rows).toHaveLength(cases.length);
    let worst = 0;
    let far = 0;
    const disagreements: Array<{ c: DistanceCase; ours: number; ref: number; from: Position; to: Position }> = [];
    for (const [idText, distance] of rows) {
      const c = cases[Number(idText)];
      const pair = minGeodesicDistance(c.parcel, c.other);
      expect(pair).not.toBeNull();
      if (!pair) continue;
      const ref = Number(distance);
      if (ref > 2500) far++;
      const diff = Math.abs(pair.distanceM - ref);
      if (diff <= 0.05) worst = Math.max(worst, diff);
      else disagreements.push({ c, ours: pair.distanceM, ref, from: pair.from, to: pair.to });
    }
    // PostGIS's geography ST_Distance picks the closest pair of points ON THE SPHERE and then
    // measures that pair on the spheroid; when two vertex pairs are nearly equidistant it can pick
    // the wrong one and report up to ~0.1 m too much (seen here at ~600 m). Such a case is accepted
    // only when PostGIS itself confirms our answer: our distance is shorter, PostGIS measures our
    // pair of points to within 0.05 m of our figure, and both points lie on their geometries.
    if (disagreements.length > 0) {
      const pt = (p: Position) => `ST_SetSRID(ST_MakePoint(${p[0]}, ${p[1]}), 4490)::geography`;
      const check = psql(
        [
          'set extra_float_digits = 3;',
          ...disagreements.map(
            (d, i) =>
              `select ${i}, ST_Distance(${pt(d.from)}, ${pt(d.to)}, true), ST_Distance(${pt(d.from)}, ${wkbLiteral(d.c.parcel)}::geography, true), ST_Distance(${pt(d.to)}, ${wkbLiteral(d.c.other)}::geography, true);`,
          ),
        ].join('\n'),
      );
      for (const [iText, pairDistance, fromOff, toOff] of check) {
        const d = disagreements[Number(iText)];
        const label = `distance ${d.c.id} (${d.c.other.type}): ours ${d.ours} vs PostGIS ${d.ref}`;
        expect(d.ours, label).toBeLessThan(d.ref);
        expect(Math.abs(Number(pairDistance) - d.ours), label).toBeLessThanOrEqual(0.05);
        expect(Number(fromOff), label).toBeLessThanOrEqual(0.01);
        expect(Number(toOff), label).toBeLessThanOrEqual(0.01);
      }
      // Rare by nature; many of them would mean our search is what is off.
      expect(disagreements.length).toBeLessThanOrEqual(cases.length * 0.05);
    }
    console.info(`PostGIS reference: ${cases.length} distance cases; worst difference ${worst.toFixed(4)} m where PostGIS found the true minimum; ${disagreements.length} where PostGIS's sphere-based pair selection overestimated (confirmed by PostGIS measuring our pair)`);
  });

  it('touching and overlapping geometries are at distance 0 for both', () => {
    const rand = mulberry32(7);
    const cases: DistanceCase[] = [];
    for (let id = 0; id < 60; id++) {
      const [lon, lat] = shanxiPoint(rand);
      const parcel = starPolygon(rand, lon, lat, 200, false);
      const shell = parcel.coordinates[0];
      // Shares a vertex of the parcel (touching) or lies over its centre (overlapping).
      const other: Point | LineString =
        id % 2 === 0 ? { type: 'Point', coordinates: shell[3] } : { type: 'LineString', coordinates: [[lon, lat], offset(lon, lat, 900, 700)] };
      cases.push({ id, parcel, other });
    }
    const rows = psql(
      ['create temp table t(id int, parcel geometry, other geometry);', ...cases.map((c) => `insert into t values (${c.id}, ${wkbLiteral(c.parcel)}, ${wkbLiteral(c.other)});`), 'select id, ST_Distance(parcel::geography, other::geography, true) from t order by id;'].join('\n'),
    );
    for (const [idText, distance] of rows) {
      const pair = minGeodesicDistance(cases[Number(idText)].parcel, cases[Number(idText)].other);
      expect(Number(distance)).toBeLessThanOrEqual(0.05);
      expect(pair?.distanceM).toBeLessThanOrEqual(0.05);
    }
  });
});
