/**
 * Every file under ../shared/data/boundaries imports with its attributes and coordinates, as an
 * administrative-boundary layer: the 天地图 CGCS2000 sets as they are, the DataV GCJ-02 sets with a
 * warning (default) or corrected to CGCS2000 with --crs GCJ02. The correction is checked against
 * the data set's own WGS84 conversion (derived_wgs84, made with the same public formula).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { geodesicDistanceM } from '../../shared/geo/geodesy';
import { importFile } from '../../electron/services/import-file';
import { ProjectStore } from '../../electron/services/project-store';
import { sharedData } from '../support/cli';
import { importNoteZh } from '../../shared/importers/messages';

const BOUNDARIES = join(sharedData, 'boundaries');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** The raw file's features, whether it is a FeatureCollection or a bare array (2019 DataV dump). */
function rawFeatures(path: string): Feature[] {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  return Array.isArray(json) ? json : (json as FeatureCollection).features;
}

function firstVertex(feature: Feature): Position {
  const g = feature.geometry as Polygon | MultiPolygon;
  return g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0][0][0];
}

const isGcj02 = (path: string) => relative(BOUNDARIES, path).startsWith('datav_');

let dir: string;
let store: ProjectStore;
let tableNumber = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-boundaries-'));
  store = ProjectStore.create(join(dir, 'p.gpkg'), { title: 'boundaries' });
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const files = listFiles(BOUNDARIES);

describe('every boundary file imports', () => {
  it('finds the data set', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const path of files) {
    it(relative(BOUNDARIES, path), () => {
      const raw = rawFeatures(path);
      const layer = importFile(store, path, { kind: 'admin-boundary', table: `b${++tableNumber}` });
      expect(layer.featureCount).toBe(raw.length);
      // A GCJ-02 file is never taken silently for CGCS2000.
      if (isGcj02(path)) expect(layer.warnings.map(importNoteZh).join('\n')).toContain('GCJ-02');
      const stored = store.readFeatures(layer.table).features;
      // Names survive (UTF-8 Chinese), and coordinates are kept as given when no CRS is declared.
      const nameOf = (f: Feature) => String(f.properties?.name ?? f.properties?.district_name ?? f.properties?.short_name ?? '');
      expect(stored.map(nameOf)).toEqual(raw.map(nameOf));
      expect(stored.map(nameOf).join('')).toMatch(/[\u4e00-\u9fff]/);
      const [x0, y0] = firstVertex(raw[0]);
      const [x1, y1] = firstVertex(stored[0]);
      expect(Math.abs(x1 - x0)).toBeLessThan(1e-9);
      expect(Math.abs(y1 - y0)).toBeLessThan(1e-9);
    });
  }
});

describe('GCJ-02 correction', () => {
  it('matches the WGS84 conversion of the same county boundaries within 2 m', () => {
    const reference = rawFeatures(join(BOUNDARIES, 'derived_wgs84', 'five_counties_wgs84_from_datav.geojson'));
    const xiaxianReference = reference.find((f) => f.properties?.adcode === 140828)!;
    const layer = importFile(store, join(BOUNDARIES, 'datav_v3_gcj02', '140828_夏县.json'), { kind: 'admin-boundary', table: 'xiaxian_corrected', crs: 'GCJ02' });
    const corrected = store.readFeatures(layer.table).features[0];
    const raw = rawFeatures(join(BOUNDARIES, 'datav_v3_gcj02', '140828_夏县.json'))[0];
    const rawRing = (raw.geometry as MultiPolygon).coordinates[0][0];
    const ourRing = (corrected.geometry as MultiPolygon).coordinates[0][0];
    const refRing = (xiaxianReference.geometry as MultiPolygon).coordinates[0][0];
    expect(ourRing.length).toBe(rawRing.length);
    expect(refRing.length).toBe(rawRing.length);
    let worstM = 0;
    let shiftM = 0;
    for (let i = 0; i < rawRing.length; i += 25) {
      worstM = Math.max(worstM, geodesicDistanceM(ourRing[i], refRing[i]));
      shiftM = Math.max(shiftM, geodesicDistanceM(ourRing[i], rawRing[i]));
    }
    expect(worstM).toBeLessThan(2);
    // The GCJ-02 offset in Shanxi is 530–615 m (domain.md §4); the correction removes it.
    expect(shiftM).toBeGreaterThan(500);
    expect(shiftM).toBeLessThan(650);
  });
});
