/**
 * The sweep that reads its reference features tile by tile (a shared project of a province) finds
 * what the sweep over the whole layers finds, figure for figure and in the same order: on the
 * benchmark's county generator (zone polygons with thousands of vertices crossing many tiles, every
 * rule enabled, the 20 km reach of the city rule) in a GeoPackage and in PostGIS, with a parcel far
 * from the rest; and a rule that looks farther than it declares is caught by the engine, not
 * silently cut short by a tile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature, Polygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { readReferenceLayers } from '../../electron/services/check/reference-data';
import { SweepResults } from '../../electron/services/store/sweep-results';
import { runSweep, sweepReferencesFor, type SweepReferences } from '../../electron/services/sweep/run-sweep';
import { parcelTiling } from '../../electron/services/sweep/parcel-tiles';
import type { Profile } from '../../shared/rules/profile';
import { buildReferenceIndex, checkParcels, referenceReachM } from '../../shared/rules/engine';
import { RULES } from '../../shared/rules/catalogue';
import { generateCounty } from '../../bench/county';
import { benchProfile } from '../../bench/postgis-figures';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

const PARCELS = 400;
/** The sweep over whole layers of the GeoPackage: what every tiled sweep must reproduce. */
let whole: string[];
const checkedAt = new Date('2026-12-07T08:00:00Z');

/** Every rule on, with the reaches the benchmark uses (a city's built-up area: 20 km). */
const profile: Profile = benchProfile();

let dir: string;
let pg: ThrowawayPostgis;
const stores: ProjectStore[] = [];

/**
 * The county written into a project, and a parcel far from the others (a quadtree's cells mostly
 * empty). Thinned to every sixth feature of the many small ones (the test's time), keeping the
 * huge zone polygons and the built-up areas whole.
 */
function writeCounty(store: ProjectStore): void {
  const county = generateCounty(PARCELS);
  for (const layer of county.layers) {
    const features = layer.features.length > 500 ? layer.features.filter((_, i) => i % 6 === 0) : layer.features;
    store.writeLayer({ table: layer.table, kind: layer.kind, sourceFile: null, originalCrs: 'EPSG:4490', features });
  }
  const odd: Feature[] = [
    { type: 'Feature', properties: { id: 'FAR-AWAY', plannedUse: '0701' }, geometry: { type: 'Polygon', coordinates: [[[115, 39], [115.001, 39], [115.001, 39.001], [115, 39]]] } },
  ];
  store.writeLayer({ table: 'parcels', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: [...county.parcels, ...odd] });
}

async function sweep(store: ProjectStore, references: SweepReferences, workers = 0): Promise<string[]> {
  const { sweepId, workers: used } = await runSweep(store, references, profile, { trigger: 'cli', checkedAt, workers, elevation: false });
  expect(used).toBe(workers);
  return [...new SweepResults(store).iterate(sweepId)].map((r) => JSON.stringify(r.result));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-sweep-tiles-'));
  pg = startPostgis();
  stores.push(ProjectStore.create(join(dir, 'county.gpkg'), { title: '分块审查' }));
  stores.push(ProjectStore.create(pg.url(freshSchema('tiles')), { title: '分块审查' }));
  for (const store of stores) writeCounty(store);
}, 600_000);

afterAll(() => {
  for (const store of stores) store.close();
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a sweep reading its reference features tile by tile', () => {
  it('reads only what lies within reach of each tile, and places every parcel exactly once', () => {
    const [gpkg] = stores;
    const reach = referenceReachM(profile);
    // the city rule looks 20 km for built-up areas; farmland is only overlapped
    expect(reach.get('built-up-area')).toBe(20_000);
    expect(reach.get('monitoring-station')).toBe(500);
    expect(reach.get('basic-farmland')).toBe(0);
    const tiling = parcelTiling(gpkg, 'parcels', reach, null, 50);
    const places: number[] = [];
    const wholeLayers = readReferenceLayers(gpkg).layers;
    const all = wholeLayers.reduce((n, l) => n + l.features.length, 0);
    let smaller = 0;
    let tiles = 0;
    for (const tile of tiling.tiles()) {
      tiles++;
      places.push(...tile.places);
      const read = tile.references.layers.reduce((n, l) => n + l.features.length, 0);
      if (read < all) smaller++;
      // every kind stays declared, features or not: no "layer missing" notice from a tile
      expect(tile.references.layers.map((l) => l.table).sort()).toEqual(wholeLayers.map((l) => l.table).sort());
    }
    expect(tiles).toBeGreaterThanOrEqual(PARCELS / 50);
    expect(smaller).toBeGreaterThan(tiles / 2);
    expect(places.sort((a, b) => a - b)).toEqual(Array.from({ length: PARCELS + 1 }, (_, i) => i));
  });

  it('finds in a GeoPackage what the sweep over whole layers finds, parcel for parcel', async () => {
    const [gpkg] = stores;
    whole = await sweep(gpkg, { layers: readReferenceLayers(gpkg) });
    expect(whole).toHaveLength(PARCELS + 1);
    const results = whole.map((r) => JSON.parse(r) as { findings: { rule: string; distanceM?: number }[] });
    // findings of every kind the tiles could lose: overlaps, distances up to the 20 km reach, the admin area
    const rules = new Set(results.flatMap((r) => r.findings.map((f) => f.rule)));
    for (const rule of ['air.station-buffer', 'air.urban-no-air-projects', 'soil.adjacent-sequencing', 'coverage.admin-boundary', 'farmland.polluting-project']) expect(rules).toContain(rule);
    expect(Math.max(...results.flatMap((r) => r.findings.map((f) => f.distanceM ?? 0)))).toBeGreaterThan(5_000);
    expect(await sweep(gpkg, { tiled: { tileParcels: 50 } })).toEqual(whole);
  }, 300_000);

  it('is how a PostGIS project is swept, with the same results as the GeoPackage', async () => {
    const [gpkg, postgis] = stores;
    expect('tiled' in sweepReferencesFor(postgis)).toBe(true);
    expect('layers' in sweepReferencesFor(gpkg)).toBe(true);
    // on worker threads that each take whole tiles
    expect(await sweep(postgis, { tiled: { tileParcels: 50 } }, 2)).toEqual(whole);
  }, 300_000);
});

describe('a rule’s declared reach', () => {
  it('is what every rule that looks around a parcel declares, and looking farther is an error finding', () => {
    for (const rule of RULES) {
      if (rule.reachM) expect(rule.reachM(profile.parameters)).toBeGreaterThan(0);
    }
    const index = buildReferenceIndex([{ table: 'stations', kind: 'monitoring-station', features: [{ type: 'Feature', id: 'ST-1', properties: { type: 'air-provincial' }, geometry: { type: 'Point', coordinates: [112.001, 37] } }] }]);
    const parcel: Feature<Polygon>[] = [{ type: 'Feature', id: 'P', properties: {}, geometry: { type: 'Polygon', coordinates: [[[112, 37], [112.0005, 37], [112.0005, 37.0005], [112, 37]]] } }];
    // the rule asks for the station buffer (500 m) while it says it looks only 10 m far
    const station = RULES.find((r) => r.id === 'air.station-buffer')!;
    const declared = station.reachM!;
    try {
      station.reachM = () => 10;
      const [result] = checkParcels(index, parcel, { ...profile, rules: ['air.station-buffer'] }, { checkedAt }).parcels;
      expect(result.findings.map((f) => f.message).join('\n')).toMatch(/超出其声明的 10 米/);
    } finally {
      station.reachM = declared;
    }
  });
});
