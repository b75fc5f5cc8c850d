/**
 * `landgate bands` against GDAL's `gdal_contour -p` on the real GMTED crop of southern Shanxi:
 * for 400 m and 900 m the band polygons must agree (symmetric-difference area ≤ 1 % of the band
 * area, geodesic on CGCS2000), be valid (GDAL/GEOS ST_IsValid) and nested (400 inside 900).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import difference from '@turf/difference';
import { featureCollection, multiPolygon } from '@turf/helpers';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { landgate, sharedData } from '../support/cli';

const GMTED = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');

let dir: string;
let project: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-bands-gdal-'));
  project = join(dir, 'p.gpkg');
  expect(landgate(['init', project]).status).toBe(0);
  const run = landgate(['bands', project, '--dem', GMTED]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ours(level: number): MultiPolygon {
  const store = ProjectStore.open(project, { readonly: true });
  try {
    const f = store.readFeatures('elevation_bands').features.find((x) => x.properties?.belowM === level);
    if (!f) throw new Error(`no band ${level}`);
    return f.geometry as MultiPolygon;
  } finally {
    store.close();
  }
}

function gdalBand(level: number): MultiPolygon {
  const out = join(dir, `gdal-${level}.geojson`);
  const r = spawnSync('gdal_contour', ['-q', '-p', '-amax', 'amax', '-fl', '400', '900', '-f', 'GeoJSON', GMTED, out], { encoding: 'utf8' });
  if (r.status !== 0 && !readFileSync(out, 'utf8')) throw new Error(r.stderr);
  const fc = JSON.parse(readFileSync(out, 'utf8')) as { features: Feature<MultiPolygon | Polygon, { amax: number }>[] };
  const polys = fc.features.filter((f) => f.properties.amax <= level).flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates));
  return { type: 'MultiPolygon', coordinates: polys };
}

function diffArea(a: MultiPolygon, b: MultiPolygon): number {
  const d = difference(featureCollection([multiPolygon(a.coordinates), multiPolygon(b.coordinates)]));
  return d ? geodesicAreaM2(d.geometry) : 0;
}

describe('landgate bands vs gdal_contour -p (GMTED, southern Shanxi)', { timeout: 120_000 }, () => {
  for (const level of [400, 900]) {
    it(`the ${level} m band agrees with GDAL within 1 % of its area`, () => {
      const a = ours(level);
      const g = gdalBand(level);
      const area = geodesicAreaM2(g);
      expect(area).toBeGreaterThan(1e8); // both bands are real (夏县 has ground below 400 m)
      const sym = diffArea(a, g) + diffArea(g, a);
      expect(sym / area).toBeLessThan(0.01);
      expect(Math.abs(geodesicAreaM2(a) - area) / area).toBeLessThan(0.01);
    });
  }

  it('the 400 m band lies inside the 900 m band (no slivers) and both are valid for GEOS', () => {
    const outside = diffArea(ours(400), ours(900));
    expect(outside).toBeLessThan(1); // m²: only floating-point dust
    const r = spawnSync('ogrinfo', ['-ro', '-q', project, '-dialect', 'INDIRECT_SQLITE', '-sql', 'SELECT belowM, ST_IsValid(geom) AS valid FROM elevation_bands'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const valid = [...r.stdout.matchAll(/valid \(Integer\) = (\d)/g)].map((m) => m[1]);
    expect(valid).toEqual(['1', '1']);
  });

  it('--smooth keeps the bands valid and within half a cell of the unsmoothed ones', () => {
    const r = landgate(['bands', project, '--smooth', '--name', 'smooth_bands']);
    expect(r.status).toBe(0);
    const store = ProjectStore.open(project, { readonly: true });
    let smooth: MultiPolygon[];
    try {
      smooth = [400, 900].map((l) => store.readFeatures('smooth_bands').features.find((f) => f.properties?.belowM === l)!.geometry as MultiPolygon);
    } finally {
      store.close();
    }
    for (const [i, level] of [400, 900].entries()) {
      const plain = ours(level);
      const area = geodesicAreaM2(plain);
      // half a cell (0.0125°, ~1.2 km) times the boundary length bounds the change; in practice < 1 %
      expect((diffArea(smooth[i], plain) + diffArea(plain, smooth[i])) / area).toBeLessThan(0.01);
    }
    const v = spawnSync('ogrinfo', ['-ro', '-q', project, '-dialect', 'INDIRECT_SQLITE', '-sql', 'SELECT ST_IsValid(geom) AS valid FROM smooth_bands'], { encoding: 'utf8' });
    expect([...v.stdout.matchAll(/valid \(Integer\) = (\d)/g)].map((m) => m[1])).toEqual(['1', '1']);
  });

  it('GDAL reads the DEM stored in the project with the source size, extent and values', () => {
    const info = JSON.parse(spawnSync('gdalinfo', ['-json', '-stats', `GPKG:${project}:landgate_dem`], { encoding: 'utf8' }).stdout);
    const src = JSON.parse(spawnSync('gdalinfo', ['-json', '-stats', GMTED], { encoding: 'utf8' }).stdout);
    expect(info.size).toEqual(src.size);
    expect(info.size).toEqual([116, 100]);
    for (let i = 0; i < 6; i++) expect(info.geoTransform[i]).toBeCloseTo(src.geoTransform[i], 9);
    const stats = (x: { bands: { minimum: number; maximum: number; mean: number }[] }) => x.bands[0];
    expect(stats(info).minimum).toBe(stats(src).minimum);
    expect(stats(info).maximum).toBe(stats(src).maximum);
    expect(stats(info).mean).toBeCloseTo(stats(src).mean, 6);
  });
});
