import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { DEMO_TIMESTAMP, DEMO_TITLE, buildDemoLayers, generateDemoProject } from '../../electron/services/demo';
import { elevationAt } from '../../electron/services/demo/synthetic-dem';
import { ProjectStore } from '../../electron/services/project-store';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { LAYER_KINDS } from '../../shared/model/layers';
import { UserInputError } from '../../shared/model/errors';

const hasOgrinfo = spawnSync('ogrinfo', ['--version']).status === 0;
const ROOT = join(__dirname, '..', '..');

let dir: string;
let first: string;
let second: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-demo-'));
  first = join(dir, 'demo-1.gpkg');
  second = join(dir, 'demo-2.gpkg');
  generateDemoProject(first);
  generateDemoProject(second);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function read(path: string) {
  const store = ProjectStore.open(path, { readonly: true });
  try {
    const info = store.info();
    const features = Object.fromEntries(info.layers.map((l) => [l.table, store.readFeatures(l.table).features]));
    return { info, features };
  } finally {
    store.close();
  }
}

/** Ray casting on the outer rings (the demo boundary has no holes). */
function inside(point: Position, polygon: Position[][]): boolean {
  const ring = polygon[0];
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

function centroidOf(feature: Feature): Position {
  const ring = (feature.geometry as MultiPolygon).coordinates[0][0];
  const pts = ring.slice(0, -1);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

describe('demo project', () => {
  it('is deterministic: two generations give identical layers and features', () => {
    const a = read(first);
    const b = read(second);
    expect(b.features).toEqual(a.features);
    expect(b.info.layers.map(({ table, kind, title, featureCount, geometryType, bbox, importedAt }) => ({ table, kind, title, featureCount, geometryType, bbox, importedAt }))).toEqual(
      a.info.layers.map(({ table, kind, title, featureCount, geometryType, bbox, importedAt }) => ({ table, kind, title, featureCount, geometryType, bbox, importedAt })),
    );
    expect(JSON.stringify(buildDemoLayers())).toBe(JSON.stringify(buildDemoLayers()));
  });

  it('is labelled synthetic and has every layer kind, each with features', () => {
    const { info } = read(first);
    expect(info.title).toBe(DEMO_TITLE);
    expect(info.title).toContain('示例数据');
    expect(info.synthetic).toBe(true);
    expect(info.layers.length).toBeGreaterThanOrEqual(11);
    expect(new Set(info.layers.map((l) => l.kind))).toEqual(new Set(LAYER_KINDS));
    for (const layer of info.layers) {
      expect(layer.featureCount, layer.table).toBeGreaterThan(0);
      expect(layer.importedAt).toBe(DEMO_TIMESTAMP);
      expect(layer.sourceFile).toBeNull();
      expect(layer.originalCrs).toBe('EPSG:4490');
      const [minLon, minLat, maxLon, maxLat] = layer.bbox!;
      expect(minLon, layer.table).toBeGreaterThanOrEqual(111.1 - 1e-9);
      expect(maxLon, layer.table).toBeLessThanOrEqual(111.5 + 1e-9);
      expect(minLat, layer.table).toBeGreaterThanOrEqual(35.0 - 1e-9);
      expect(maxLat, layer.table).toBeLessThanOrEqual(35.3 + 1e-9);
    }
    expect(info.layers.map((l) => l.table)).toEqual([
      'admin_boundary',
      'water_source_zones',
      'contaminated_parcels',
      'suspect_parcels',
      'key_supervised_units',
      'monitoring_stations',
      'elevation_bands',
      'basic_farmland',
      'coal_ban_zones',
      'rivers',
      'built_up_areas',
      'parcels',
    ]);
  });

  it('has realistic reference layers', () => {
    const { features } = read(first);
    const zones = features.water_source_zones;
    expect(new Set(zones.map((z) => z.properties!.level))).toEqual(new Set(['1', '2', 'quasi']));
    // Well-field level-1 circles 30–100 m, level-2 300–1000 m (domain.md §3), from their areas.
    const radius = (polygon: Position[][]) => Math.sqrt(geodesicAreaM2({ type: 'Polygon', coordinates: [polygon[0]] }) / Math.PI);
    for (const id of ['WS-01-1', 'WS-02-1']) {
      for (const polygon of (zones.find((z) => z.id === id)!.geometry as MultiPolygon).coordinates) {
        expect(radius(polygon)).toBeGreaterThan(29);
        expect(radius(polygon)).toBeLessThan(101);
      }
    }
    for (const id of ['WS-01-2', 'WS-02-2']) {
      const r = radius((zones.find((z) => z.id === id)!.geometry as MultiPolygon).coordinates[0]);
      expect(r).toBeGreaterThan(299);
      expect(r).toBeLessThan(1001);
    }
    expect(zones.map((z) => z.properties!.name)).toEqual(expect.arrayContaining([expect.stringContaining('水库'), expect.stringContaining('取水口')]));

    const contaminated = features.contaminated_parcels.map((f) => f.properties!);
    expect(contaminated.some((p) => p.listed === true && p.delisted === false)).toBe(true);
    expect(contaminated.some((p) => p.delisted === true)).toBe(true);
    expect(contaminated.some((p) => p.heavy === true && p.industry === '焦化')).toBe(true);
    expect(contaminated.some((p) => p.heavy === true && p.industry === '化工')).toBe(true);
    expect(contaminated.some((p) => p.targetsMet === true)).toBe(true);
    expect(new Set(contaminated.map((p) => p.stage)).size).toBeGreaterThanOrEqual(4);

    expect(new Set(features.monitoring_stations.map((s) => s.properties!.type))).toEqual(new Set(['air-national', 'air-provincial', 'air-township', 'water-section', 'groundwater']));
    const rivers = features.rivers.map((r) => r.properties!);
    expect(rivers).toEqual(expect.arrayContaining([expect.objectContaining({ name: '涑水河', class: 'main' }), expect.objectContaining({ class: 'tributary' })]));
    expect(features.built_up_areas.map((b) => b.properties!.level)).toContain('county');
    expect(features.elevation_bands.map((b) => b.properties!.belowM)).toEqual([400, 900]);
    for (const layer of ['suspect_parcels', 'key_supervised_units', 'basic_farmland', 'coal_ban_zones']) {
      for (const f of features[layer]) expect(typeof f.properties!.name, `${layer} ${f.id}`).toBe('string');
    }
  });

  it('derives the 400 m band from the synthetic DEM: a south-west valley', () => {
    const { features } = read(first);
    const band = features.elevation_bands.find((b) => b.properties!.belowM === 400)!.geometry as MultiPolygon;
    // Interior points are below 400 m, the county seat (≈450 m) is not in the band.
    expect(elevationAt(111.15, 35.05)).toBeLessThan(400);
    expect(band.coordinates.some((p) => inside([111.15, 35.05], p))).toBe(true);
    expect(elevationAt(111.3, 35.15)).toBeGreaterThan(400);
    expect(band.coordinates.some((p) => inside([111.3, 35.15], p))).toBe(false);
    // The band's vertices lie on the 400 m contour of the same terrain (except along the DEM edge).
    for (const polygon of band.coordinates) {
      for (const [lon, lat] of polygon[0]) {
        if (lon <= 111.1 + 1e-9 || lon >= 111.5 - 1e-9 || lat <= 35 + 1e-9 || lat >= 35.3 - 1e-9) continue;
        expect(Math.abs(elevationAt(lon, lat) - 400)).toBeLessThan(3);
      }
    }
  });

  it('has ~30 realistic parcel submissions inside the county', () => {
    const { features } = read(first);
    const parcels = features.parcels;
    expect(parcels.length).toBeGreaterThanOrEqual(25);
    expect(parcels.length).toBeLessThanOrEqual(40);
    const ids = parcels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const county = (features.admin_boundary[0].geometry as MultiPolygon).coordinates[0];
    for (const parcel of parcels) {
      const props = parcel.properties!;
      expect(props.id).toMatch(/^XX-2026-\d{3}$/);
      expect(typeof props.name).toBe('string');
      expect(props.currentUse).toMatch(/^\d{4}$|^\d{2}H\d$/);
      expect(props.plannedUse).toMatch(/^\d{4}$|^\d{2}H\d$/);
      expect(['supply', 'recover', 'acquire', 'change-use', 'transfer', 'construct', 'reclaim']).toContain(props.action);
      expect(['none', 'in-progress', 'passed', 'exceeds']).toContain(props.soilSurvey);
      const areaHa = geodesicAreaM2(parcel.geometry as Polygon | MultiPolygon) / 10_000;
      expect(areaHa, String(props.id)).toBeGreaterThanOrEqual(0.5 - 1e-3);
      expect(areaHa, String(props.id)).toBeLessThanOrEqual(5 + 1e-3);
      expect(inside(centroidOf(parcel), county), String(props.id)).toBe(true);
    }
    const plannedUses = new Set(parcels.map((p) => p.properties!.plannedUse));
    for (const code of ['0701', '0801', '0810', '1001', '0101', '08H2']) expect(plannedUses).toContain(code);
    expect(parcels.some((p) => Array.isArray(p.properties!.projectType) && (p.properties!.projectType as string[]).length > 0)).toBe(true);
  });

  it('refuses to overwrite an existing file', () => {
    expect(() => generateDemoProject(first)).toThrow(UserInputError);
  });

  it('never reads the licensed test data', () => {
    const demoDir = join(ROOT, 'electron', 'services', 'demo');
    for (const file of [...readdirSync(demoDir).map((f) => join(demoDir, f)), ...readdirSync(join(ROOT, 'data', 'demo')).map((f) => join(ROOT, 'data', 'demo', f))]) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/shared\/data|shared\\data/);
    }
  });

  it.skipIf(!hasOgrinfo)('GDAL lists at least 10 layers with features and no warnings', () => {
    const result = spawnSync('ogrinfo', ['-so', '-al', first], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toBe('');
    const counts = [...result.stdout.matchAll(/^Layer name: (\S+)[\s\S]*?^Feature Count: (\d+)/gm)].map((m) => [m[1], Number(m[2])] as const);
    const spatial = counts.filter(([name, n]) => !name.startsWith('landgate_') && n > 0);
    expect(spatial.length).toBeGreaterThanOrEqual(10);
    expect(Object.fromEntries(counts)).toMatchObject({ parcels: 30, monitoring_stations: 10, rivers: 3 });
  });
});
