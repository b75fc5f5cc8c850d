/** `.prj` → EPSG, CRS proposals from magnitudes, GCJ-02/BD-09, and the GCJ-02 offset check. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature } from 'geojson';
import { crsFromPrj } from '../../shared/crs/prj';
import { proposeCrsFromPositions } from '../../shared/crs/guess';
import { bd09ToWgs84, gcj02ToWgs84, wgs84ToBd09, wgs84ToGcj02 } from '../../shared/crs/gcj02';
import { detectGcjOffset } from '../../shared/crs/offset';
import { normalizeCrs, transformer } from '../../shared/crs';
import { geodesicDistanceM } from '../../shared/geo/geodesy';
import { sharedData } from '../support/cli';
import { importNoteZh } from '../../shared/importers/messages';

const SHP = join(sharedData, 'shapefiles');
const prj = (path: string) => crsFromPrj(readFileSync(join(SHP, path), 'utf8'));

describe('crsFromPrj', () => {
  it('maps every GDAL-generated ESRI .prj to the EPSG code in its file name', () => {
    const dir = join(SHP, 'prj_generated_gdal');
    const files = readdirSync(dir).filter((f) => f.endsWith('.prj'));
    expect(files.length).toBeGreaterThanOrEqual(19);
    for (const file of files) {
      const expected = `EPSG:${/^EPSG_(\d+)_/.exec(file)![1]}`;
      expect({ file, code: crsFromPrj(readFileSync(join(dir, file), 'utf8')).code }).toEqual({ file, code: expected });
    }
  });

  it('reads the real-world variants', () => {
    expect(prj('prj_real/nmc_shanxi_GEOGCS_CGCS_2000_variant.prj').code).toBe('EPSG:4490');
    expect(prj('prj_real/mapshaper_issue193_Beijing_1954_3_Degree_GK_CM_114E.prj').code).toBe('EPSG:2435');
    // A WGS84 .prj on GCJ-02 data cannot be told from the .prj (the offset check is for that).
    expect(prj('prj_real/garybikini_district_WGS84_but_actually_GCJ02.prj').code).toBe('EPSG:4326');
    expect(prj('edge_cases/mapshaper/invalid_coordinates.prj').code).toBe('EPSG:4326');
    const sweref = prj('edge_cases/mapshaper/data_corruption_error.prj');
    expect(sweref.code).toBeNull();
    expect(importNoteZh(sweref.note)).toMatch(/SWEREF99_TM.*不是 LandGate 支持的/);
  });

  it('decides zone and prefix from false easting and central meridian, not the name', () => {
    const gk = (name: string, fe: number, cm: number) =>
      `PROJCS["${name}",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",${fe}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${cm}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;
    expect(crsFromPrj(gk('anything', 38500000, 114)).code).toBe('EPSG:4526');
    expect(crsFromPrj(gk('anything', 20500000, 117)).code).toBe('EPSG:4498');
    expect(crsFromPrj(gk('anything', 500000, 114)).code).toBe('EPSG:4547');
    expect(crsFromPrj(gk('CGCS2000_GK_CM_117E', 500000, 117)).code).toBe('EPSG:4509');
    expect(crsFromPrj(gk('bad', 37500000, 114)).code).toBeNull();
    expect(crsFromPrj('not wkt at all').code).toBeNull();
    expect(crsFromPrj('').code).toBeNull();
  });
});

describe('proposeCrsFromPositions', () => {
  it('zone prefix → 3° or 6° code, always as a proposal', () => {
    expect(proposeCrsFromPositions([[37455340, 3950000], [37460000, 3960000]])).toMatchObject({ value: 'EPSG:4525', confidence: 'proposed' });
    expect(proposeCrsFromPositions([[38395629, 4100000]])).toMatchObject({ value: 'EPSG:4526' });
    expect(proposeCrsFromPositions([[19455340, 3950000]])).toMatchObject({ value: 'EPSG:4497' });
    expect(proposeCrsFromPositions([[112.5, 37.5]])).toMatchObject({ value: 'EPSG:4490', confidence: 'proposed' });
    expect(proposeCrsFromPositions([[37455340, 3950000], [38455340, 3950000]])?.value).toBeNull();
  });

  it('6-digit eastings: zone 37 or 38 from the position in Shanxi, flagged as a guess', () => {
    // 太原 (112.55°E) in zone 38 (CM 114°E) has easting ≈ 373 km; in zone 37 it would land at ≈ 111.9+°E … both in Shanxi.
    const [x, y] = transformer('EPSG:4490', 'EPSG:4547')([113.8, 40.0]);
    const p = proposeCrsFromPositions([[x, y]]);
    expect(p?.confidence).toBe('proposed');
    expect(importNoteZh(p!.note!)).toMatch(/6 位（不含带号）.*请确认/);
    // 112.6°E in zone 38 has easting ≈ 374 km; read as zone 37 it would be ≈ 109.6°E, west of Shanxi
    const [x2, y2] = transformer('EPSG:4490', 'EPSG:4547')([112.6, 37.0]);
    expect(proposeCrsFromPositions([[x2, y2]])?.value).toBe('EPSG:4547');
  });
});

describe('GCJ-02 / BD-09', () => {
  it('shifts Shanxi points by 500–650 m and reverses to ~1e-9°', () => {
    for (const [lon, lat] of [
      [110.5, 34.8],
      [112.55, 37.87],
      [113.3, 40.1],
      [111.2, 35.1],
    ]) {
      const [gLon, gLat] = wgs84ToGcj02(lon, lat);
      const shift = geodesicDistanceM([lon, lat], [gLon, gLat]);
      expect(shift).toBeGreaterThan(450);
      expect(shift).toBeLessThan(650);
      const [wLon, wLat] = gcj02ToWgs84(gLon, gLat);
      expect(Math.abs(wLon - lon)).toBeLessThan(1e-8);
      expect(Math.abs(wLat - lat)).toBeLessThan(1e-8);
      const [bLon, bLat] = wgs84ToBd09(lon, lat);
      const [rLon, rLat] = bd09ToWgs84(bLon, bLat);
      expect(Math.abs(rLon - lon)).toBeLessThan(1e-8);
      expect(Math.abs(rLat - lat)).toBeLessThan(1e-8);
    }
    expect(normalizeCrs('gcj-02')).toBe('GCJ02');
    expect(normalizeCrs('BD-09')).toBe('BD09');
  });

  it('warns when points match the project only after removing the GCJ-02 shift', () => {
    const stations: [number, number][] = [
      [112.55, 37.87],
      [112.6, 37.8],
      [111.2, 35.1],
      [113.1, 36.2],
      [112.9, 35.5],
    ];
    const point = (p: [number, number]): Feature => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } });
    const reference = stations.map(point);
    const copiedFromAmap = stations.map((p) => point(wgs84ToGcj02(p[0], p[1])));
    const finding = detectGcjOffset(copiedFromAmap, reference);
    expect(finding).not.toBeNull();
    expect(finding!.matchedIfGcj).toBe(5);
    expect(finding!.shiftM).toBeGreaterThan(450);
    expect(importNoteZh(finding!.message)).toMatch(/疑似 GCJ-02.*--crs GCJ02/);
    expect(detectGcjOffset(stations.map(point), reference)).toBeNull();
    expect(detectGcjOffset(copiedFromAmap, [])).toBeNull();
  });
});

describe('crsFromPrj against GDAL for every code LandGate knows', () => {
  const codes = [
    4490, 4326, 3857, 4610, 4214,
    ...Array.from({ length: 21 }, (_, i) => 4513 + i),
    ...Array.from({ length: 21 }, (_, i) => 4534 + i),
    ...Array.from({ length: 11 }, (_, i) => 4491 + i),
    ...Array.from({ length: 11 }, (_, i) => 4502 + i),
    2361, 2362, 2382, 2383, 2413, 2414, 2434, 2435, 2333, 21419,
  ];
  it('ESRI WKT (as ArcGIS writes .prj) and OGC WKT1 (as GDAL/QGIS write it)', async () => {
    const { spawnSync } = await import('node:child_process');
    const wrong: string[] = [];
    for (const code of codes) {
      for (const form of ['wkt_esri', 'wkt1']) {
        const r = spawnSync('gdalsrsinfo', ['--single-line', '-o', form, `EPSG:${code}`], { encoding: 'utf8' });
        expect(r.status).toBe(0);
        const got = crsFromPrj(r.stdout).code;
        // 3° and 6° zones with the same central meridian and no prefix are the same projection.
        const same = (a: string | null, b: string) => a === b || (a !== null && transformerEquivalent(a, b));
        if (!same(got, `EPSG:${code}`)) wrong.push(`${form} EPSG:${code} → ${got}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);
});

/** Two codes that project identically (e.g. EPSG:4508 ≡ EPSG:4546, both CM 111°E, no prefix). */
function transformerEquivalent(a: string, b: string): boolean {
  try {
    const p = transformer('EPSG:4490', a)([112.3, 37.1]);
    const q = transformer('EPSG:4490', b)([112.3, 37.1]);
    return Math.abs(p[0] - q[0]) < 1e-6 && Math.abs(p[1] - q[1]) < 1e-6;
  } catch {
    return false;
  }
}
