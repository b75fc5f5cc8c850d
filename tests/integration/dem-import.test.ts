/**
 * DEM import through `landgate bands --dem`: real GMTED GeoTIFF (Int16, DEFLATE, EPSG:4326), a
 * real SRTM3 .hgt, a Gauss-Krüger (EPSG:4526) Float32 LZW/predictor tiled GeoTIFF made with
 * gdalwarp, a two-file mosaic, and bad files (truncated, unknown CRS, wrong format): exit 2 and
 * the project byte-for-byte unchanged. GDAL must read every stored DEM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MultiPolygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { StoredDem, storedDemInfo } from '../../electron/services/terrain/dem-store';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { landgate, sha256, sharedData } from '../support/cli';

const GMTED = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');
const HGT = join(sharedData, 'dem', 'N37W122.hgt');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-dem-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newProject(name: string): string {
  const path = join(dir, `${name}.gpkg`);
  expect(landgate(['init', path]).status).toBe(0);
  return path;
}

function gdalJson(path: string): { size: number[]; geoTransform: number[]; stac?: unknown; coordinateSystem?: { wkt: string }; bands: { minimum?: number; maximum?: number; mean?: number }[] } {
  const r = spawnSync('gdalinfo', ['-json', '-stats', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function gdalValue(path: string, lon: number, lat: number): number {
  const r = spawnSync('gdallocationinfo', ['-valonly', '-wgs84', path, String(lon), String(lat)], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function band(project: string, level: number): MultiPolygon {
  const store = ProjectStore.open(project, { readonly: true });
  try {
    return store.readFeatures('elevation_bands').features.find((f) => f.properties?.belowM === level)!.geometry as MultiPolygon;
  } finally {
    store.close();
  }
}

describe('DEM import', { timeout: 240_000 }, () => {
  it('imports the GMTED GeoTIFF: stored exactly, readable by GDAL, values match', () => {
    const project = newProject('gmted');
    const r = landgate(['bands', project, '--dem', GMTED]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('116×100');
    expect(r.stdout).toContain('EPSG:4326');
    const info = storedDemInfo(project)!;
    expect([info.cols, info.rows, info.crs, info.minM, info.maxM]).toEqual([116, 100, 'EPSG:4326', 90, 2378]);
    const stored = gdalJson(`GPKG:${project}:landgate_dem`);
    expect(stored.size).toEqual([116, 100]);
    // values at the county seats named in SOURCES.md (夏县 404 m, 孝义 748 m) agree with GDAL on the source
    const dem = StoredDem.open(project)!;
    try {
      for (const [lon, lat] of [[111.22, 35.14], [111.78, 37.14], [112.85, 35.5]]) {
        const col = Math.floor((lon - info.originX) / info.cellX);
        const row = Math.floor((info.originY - lat) / info.cellY);
        expect(dem.pixel(col, row)).toBe(gdalValue(GMTED, lon, lat));
        expect(gdalValue(`GPKG:${project}:landgate_dem`, lon, lat)).toBe(gdalValue(GMTED, lon, lat));
      }
    } finally {
      dem.close();
    }
  });

  it('imports an SRTM .hgt tile with the SRTM grid (1201², pixel centres on whole arc-seconds); outside China only when confirmed', () => {
    const project = newProject('hgt');
    const before = readFileSync(project);
    const refused = landgate(['bands', project, '--dem', HGT, '--name', 'bay_bands']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/高程文件“N37W122\.hgt”.*不在中国境内.*--accept-suspect/);
    expect(readFileSync(project).equals(before)).toBe(true);
    const r = landgate(['bands', project, '--dem', HGT, '--name', 'bay_bands', '--accept-suspect']);
    expect(r.stderr).toMatch(/^注意：高程数据“N37W122\.hgt”经确认后导入，但可能有误：.*不在中国境内/);
    expect(r.status).toBe(0);
    const stored = gdalJson(`GPKG:${project}:landgate_dem`);
    const src = gdalJson(HGT);
    expect(stored.size).toEqual([1201, 1201]);
    for (let i = 0; i < 6; i++) expect(stored.geoTransform[i]).toBeCloseTo(src.geoTransform[i], 9);
    expect(stored.bands[0].maximum).toBe(src.bands[0].maximum);
    expect(stored.bands[0].minimum).toBe(src.bands[0].minimum);
    expect(gdalValue(`GPKG:${project}:landgate_dem`, -121.5, 37.5)).toBe(gdalValue(HGT, -121.5, 37.5));
    const layers = ProjectStore.open(project, { readonly: true });
    try {
      expect(layers.getLayer('bay_bands').kind).toBe('elevation-band');
    } finally {
      layers.close();
    }
  });

  it('imports a Gauss-Krüger (EPSG:4526) Float32 LZW tiled GeoTIFF; bands land in lon/lat where the GMTED bands are', () => {
    const gk = join(dir, 'gk.tif');
    const w = spawnSync('gdalwarp', ['-q', '-t_srs', 'EPSG:4526', '-tr', '2000', '2000', '-r', 'bilinear', '-ot', 'Float32', '-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=64', '-co', 'BLOCKYSIZE=64', GMTED, gk], { encoding: 'utf8' });
    expect(w.status, w.stderr).toBe(0);
    const project = newProject('gk');
    const r = landgate(['bands', project, '--dem', gk]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('EPSG:4526');
    expect(r.stdout).toContain('无高程数据'); // the warped corners are nodata: said so
    const stored = gdalJson(`GPKG:${project}:landgate_dem`);
    const src = gdalJson(gk);
    expect(stored.size).toEqual(src.size);
    expect(stored.coordinateSystem!.wkt).toMatch(/Gauss|Transverse/);
    for (let i = 0; i < 6; i++) expect(stored.geoTransform[i]).toBeCloseTo(src.geoTransform[i], 3);
    expect(stored.bands[0].mean!).toBeCloseTo(src.bands[0].mean!, 0);
    // reference: the same bands from the geographic original
    const ref = newProject('gk-ref');
    expect(landgate(['bands', ref, '--dem', GMTED]).status).toBe(0);
    for (const level of [400, 900]) {
      const a = geodesicAreaM2(band(project, level));
      const b = geodesicAreaM2(band(ref, level));
      expect(Math.abs(a - b) / b).toBeLessThan(0.05);
    }
    const lon = band(project, 400).coordinates[0][0][0][0];
    expect(lon).toBeGreaterThan(110.3);
    expect(lon).toBeLessThan(113.4);
  });

  it('mosaics several tiles onto one grid', () => {
    const west = join(dir, 'west.tif');
    const east = join(dir, 'east.tif');
    expect(spawnSync('gdal_translate', ['-q', '-srcwin', '0', '0', '60', '100', GMTED, west]).status).toBe(0);
    expect(spawnSync('gdal_translate', ['-q', '-srcwin', '60', '0', '56', '100', GMTED, east]).status).toBe(0);
    const project = newProject('mosaic');
    const r = landgate(['bands', project, '--dem', west, '--dem', east]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stored = gdalJson(`GPKG:${project}:landgate_dem`);
    const src = gdalJson(GMTED);
    expect(stored.size).toEqual([116, 100]);
    expect(stored.bands[0].mean).toBeCloseTo(src.bands[0].mean!, 6);
    const whole = newProject('whole');
    expect(landgate(['bands', whole, '--dem', GMTED]).status).toBe(0);
    for (const level of [400, 900]) expect(geodesicAreaM2(band(project, level))).toBeCloseTo(geodesicAreaM2(band(whole, level)), -2);
  });

  it('refuses bad files with exit 2, a Chinese message naming the file, and the project unchanged', () => {
    const project = newProject('bad');
    expect(landgate(['bands', project, '--dem', GMTED, '--name', 'first']).status).toBe(0);
    const before = sha256(project);
    const truncated = join(dir, 'truncated.tif');
    writeFileSync(truncated, readFileSync(GMTED).subarray(0, 9000));
    const header = join(dir, 'header-only.tif');
    writeFileSync(header, readFileSync(GMTED).subarray(0, 100));
    const shortHgt = join(dir, 'N37W122.hgt');
    writeFileSync(shortHgt, readFileSync(HGT).subarray(0, 1_000_000));
    const utm = join(dir, 'utm.tif');
    expect(spawnSync('gdalwarp', ['-q', '-t_srs', 'EPSG:32649', GMTED, utm]).status).toBe(0);
    const text = join(dir, 'dem.asc');
    copyFileSync(join(sharedData, 'SOURCES.md'), text);
    const cases: [string, RegExp][] = [
      [truncated, /truncated\.tif.*(损坏|不完整)/],
      [header, /header-only\.tif.*GeoTIFF/],
      [shortHgt, /N37W122\.hgt.*不完整/],
      [utm, /utm\.tif.*坐标系 EPSG:32649 不受支持/],
      [text, /dem\.asc.*格式不受支持/],
      [join(dir, 'missing.tif'), /missing\.tif.*不存在/],
    ];
    for (const [file, message] of cases) {
      const r = landgate(['bands', project, '--dem', file, '--name', 'second']);
      expect(r.status, file).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(sha256(project)).toBe(before);
    }
    // an existing band table is refused before anything is written
    const again = landgate(['bands', project, '--dem', GMTED, '--name', 'first']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('已有图层“first”');
    expect(sha256(project)).toBe(before);
  });

  it('rebuilds bands from the stored DEM when --dem is omitted, and refuses when there is none', () => {
    const project = newProject('stored');
    const none = landgate(['bands', project]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('还没有高程数据');
    expect(landgate(['bands', project, '--dem', GMTED]).status).toBe(0);
    const r = landgate(['bands', project, '--levels', '600,1200', '--name', 'bands_600']);
    expect(r.status).toBe(0);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      expect(store.readFeatures('bands_600').features.map((f) => f.properties?.belowM)).toEqual([600, 1200]);
    } finally {
      store.close();
    }
  });
});

describe('per-parcel elevation evidence in the check result', { timeout: 240_000 }, () => {
  it('attaches min / mean / max and share below 400 / 900 m from the demo DEM', () => {
    const project = join(dir, 'demo.gpkg');
    expect(landgate(['demo', project]).status).toBe(0);
    const r = landgate(['check', project, '--all', '--profile', 'xiaxian']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { parcels: { id: string; findings: { rule: string }[]; elevation?: { minM: number; meanM: number; maxM: number; shareBelow: Record<string, number> } }[] };
    for (const parcel of report.parcels) {
      const e = parcel.elevation!;
      expect(e, parcel.id).toBeDefined();
      expect(e.minM).toBeLessThanOrEqual(e.meanM);
      expect(e.meanM).toBeLessThanOrEqual(e.maxM);
      expect(Object.keys(e.shareBelow)).toEqual(['400', '900']);
      // the evidence agrees with the rule: a clean-heating-band finding needs ground below 400 m
      if (parcel.findings.some((f) => f.rule === 'heat.clean-heating-band')) expect(e.shareBelow['400']).toBeGreaterThan(0);
      if (e.minM > 401) expect(e.shareBelow['400']).toBe(0);
    }
    expect(report.parcels.some((p) => p.elevation!.shareBelow['400'] === 1)).toBe(true);
    expect(report.parcels.some((p) => p.elevation!.shareBelow['400'] === 0)).toBe(true);
  });
});
