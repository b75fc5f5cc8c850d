/**
 * A shared project's vector tiles are cut by PostGIS (ST_AsMVTGeom / ST_AsMVT), a GeoPackage's by
 * the JavaScript cutter: the same data imported into both (the demo county, and generated layers
 * with sub-pixel parcels, verdicts and attributes of every column type) gives tiles that MapLibre
 * decodes alike — the same source-layers, feature ids and properties, the same dots at low zoom
 * (one per cell, a refused parcel winning its cell), geometry within a screen pixel. A check that
 * refuses a parcel is in the shared project's next tile; an empty tile is empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature, LineString, Polygon, Position } from 'geojson';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import polygonClipping from 'polygon-clipping';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { generateDemoProject } from '../../electron/services/demo';
import { importFile } from '../../electron/services/import-file';
import { TILE_EXTENT, VectorTileService } from '../../electron/services/map/vector-tiles';
import { ProjectStore } from '../../electron/services/project-store';
import { bboxOf } from '../../shared/geo/geodesy';
import { tileContaining } from '../../shared/map/vector-tiles';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

/** One screen pixel of MapLibre's 512 px vector tile, in tile units. */
const PIXEL = TILE_EXTENT / 512;

let pg: ThrowawayPostgis;
let dir: string;
let url: string;
const stores = {} as { gpkg: ProjectStore; postgis: ProjectStore };
const services = {} as { gpkg: VectorTileService; postgis: VectorTileService; postgisJs: VectorTileService };

/** A deterministic pseudo-random sequence (the layers must be the same in both projects). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * 3 000 parcels over 0.06° × 0.05°: most a few metres to tens of metres across (dots up to z12,
 * dozens to a z10 cell), some hundreds of metres (outlines); ids with blanks around them or none
 * (the fid stands for it), names empty or absent.
 */
function generatedParcels(): Feature<Polygon>[] {
  const next = random(7);
  return Array.from({ length: 3000 }, (_, i) => {
    const [lon, lat] = [112.6 + next() * 0.06, 36.9 + next() * 0.05];
    const size = i % 50 === 0 ? 0.002 + next() * 0.006 : 0.00003 + next() * 0.0004;
    const ring = [
      [lon, lat],
      [lon + size, lat + size * 0.1],
      [lon + size, lat + size],
      [lon + size * 0.2, lat + size * 0.9],
      [lon, lat],
    ];
    const id = i % 97 === 0 ? '' : i % 89 === 0 ? `  G-${i}  ` : `G-${i}`;
    const name = i % 5 === 0 ? '' : i % 7 === 0 ? null : `地块${i}号`;
    return { type: 'Feature', properties: { id, name, plannedUse: '0701' }, geometry: { type: 'Polygon', coordinates: [ring] } };
  });
}

/** Short rivers whose `class` mixes numbers, text, booleans and lists: a JSON column, scalars only in tiles. */
function generatedRivers(): Feature<LineString>[] {
  const next = random(11);
  const classes: unknown[] = [1, '二级', true, ['a', 'b'], null, 2.5, { x: 1 }];
  return Array.from({ length: 600 }, (_, i) => {
    const [lon, lat] = [112.6 + next() * 0.06, 36.9 + next() * 0.05];
    const length = i % 20 === 0 ? 0.01 : 0.0001 + next() * 0.0005;
    const coordinates: Position[] = [
      [lon, lat],
      [lon + length * 0.5, lat + length * 0.3],
      [lon + length, lat + length * 0.2],
    ];
    return { type: 'Feature', properties: { id: `R-${i}`, name: `河${i}`, class: classes[i % classes.length] }, geometry: { type: 'LineString', coordinates } };
  });
}

/** Latest verdicts of the generated parcels: every 7th refused, every 3rd conditional, every 11th never checked. */
function generatedVerdicts(store: ProjectStore): { id: string; verdict: string }[] {
  return store
    .requestFeatures('generated', { geometry: false, attributes: [] })
    .filter((f) => f.fid % 11 !== 0)
    .map((f) => ({ id: f.id, verdict: f.fid % 7 === 0 ? 'prohibited' : f.fid % 3 === 0 ? 'conditional' : 'permitted' }));
}

beforeAll(() => {
  pg = startPostgis();
  dir = mkdtempSync(join(tmpdir(), 'landgate-pg-tiles-'));
  const demo = join(dir, 'demo.gpkg');
  generateDemoProject(demo);
  const source = ProjectStore.open(demo, { readonly: true });
  const layers = source.listLayers();
  source.close();
  url = pg.url(freshSchema('tiles'));
  stores.gpkg = ProjectStore.create(join(dir, 'copy.gpkg'), { title: '切片' });
  stores.postgis = ProjectStore.create(url, { title: '切片' });
  for (const store of Object.values(stores)) {
    for (const layer of layers) importFile(store, demo, { layer: layer.table, kind: layer.kind, table: layer.table });
    store.writeLayer({ table: 'generated', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: generatedParcels() });
    store.writeLayer({ table: 'generated_rivers', kind: 'river', sourceFile: null, originalCrs: 'EPSG:4490', features: generatedRivers() });
    store.recordLatestVerdicts('generated', 1, '2024-05-01T00:00:00.000Z', generatedVerdicts(store));
  }
  services.gpkg = new VectorTileService(stores.gpkg);
  services.postgis = new VectorTileService(stores.postgis);
  services.postgisJs = new VectorTileService(stores.postgis, { cutter: 'javascript' });
}, 600_000);

afterAll(() => {
  for (const store of Object.values(stores)) store?.close();
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface DecodedFeature {
  id: number;
  type: number;
  properties: Record<string, unknown>;
  geometry: { x: number; y: number }[][];
}

function decode(body: Uint8Array): Record<string, DecodedFeature[]> {
  const tile = new VectorTile(new PbfReader(body));
  return Object.fromEntries(
    Object.entries(tile.layers).map(([name, layer]) => [
      name,
      Array.from({ length: layer.length }, (_, i) => layer.feature(i))
        .map((f) => ({ id: Number(f.id), type: f.type, properties: f.properties, geometry: f.loadGeometry().map((ring) => ring.map(({ x, y }) => ({ x, y }))) }))
        .sort((a, b) => a.id - b.id || a.geometry[0][0].x - b.geometry[0][0].x),
    ]),
  );
}

function tileOf(service: VectorTileService, table: string, [z, x, y]: readonly number[]): Record<string, DecodedFeature[]> {
  const response = service.handle(`/tiles/vector/${table}/${z}/${x}/${y}.pbf`);
  expect(response?.status).toBe(200);
  return decode(response!.body);
}

/** Farthest a vertex of one geometry is from the other's outline (tile units), both ways; the buffer's far side aside. */
function geometryDistance(a: DecodedFeature['geometry'], b: DecodedFeature['geometry']): number {
  const segment = (p: { x: number; y: number }, s: { x: number; y: number }, e: { x: number; y: number }) => {
    const [dx, dy] = [e.x - s.x, e.y - s.y];
    const length2 = dx * dx + dy * dy;
    const t = length2 ? Math.max(0, Math.min(1, ((p.x - s.x) * dx + (p.y - s.y) * dy) / length2)) : 0;
    return Math.hypot(p.x - s.x - t * dx, p.y - s.y - t * dy);
  };
  const oneWay = (from: DecodedFeature['geometry'], to: DecodedFeature['geometry']) => {
    let worst = 0;
    for (const p of from.flat()) {
      let best = Infinity;
      for (const ring of to) {
        if (ring.length === 1) best = Math.min(best, Math.hypot(p.x - ring[0].x, p.y - ring[0].y));
        for (let i = 1; i < ring.length; i++) best = Math.min(best, segment(p, ring[i - 1], ring[i]));
      }
      worst = Math.max(worst, best);
    }
    return worst;
  };
  return Math.max(oneWay(a, b), oneWay(b, a));
}

/**
 * A polygon feature's rings as the area they enclose (MVT ring classification, then a union): the
 * two cutters may describe the same area differently — geojson-vt can leave a hole that runs along
 * the clipped outer ring, where PostGIS's clip makes it one valid ring.
 */
function areaOutline(rings: DecodedFeature['geometry']): DecodedFeature['geometry'] {
  const signedArea = (ring: { x: number; y: number }[]) => ring.reduce((sum, p, i) => (i ? sum + (p.x - ring[i - 1].x) * (p.y + ring[i - 1].y) : 0), 0);
  const polygons: [number, number][][][] = [];
  const outerSign = Math.sign(signedArea(rings[0]));
  for (const ring of rings) {
    const coordinates = ring.map(({ x, y }) => [x, y] as [number, number]);
    if (Math.sign(signedArea(ring)) === outerSign || polygons.length === 0) polygons.push([coordinates]);
    else polygons[polygons.length - 1].push(coordinates);
  }
  const [first, ...rest] = polygons;
  return polygonClipping.union(first, ...rest).flatMap((polygon) => polygon.map((ring) => ring.map(([x, y]) => ({ x, y }))));
}

/** The two tiles have the same layers, features (id, type, properties) and, within a pixel, geometry. */
function expectSameTile(gpkg: Record<string, DecodedFeature[]>, postgis: Record<string, DecodedFeature[]>, where: string): void {
  const described = (tile: Record<string, DecodedFeature[]>) => Object.fromEntries(Object.entries(tile).map(([name, features]) => [name, features.map(({ id, type, properties }) => ({ id, type, properties }))]));
  expect(described(postgis), where).toEqual(described(gpkg));
  for (const [name, features] of Object.entries(gpkg)) {
    features.forEach((feature, i) => {
      const [a, b] = feature.type === 3 ? [areaOutline(feature.geometry), areaOutline(postgis[name][i].geometry)] : [feature.geometry, postgis[name][i].geometry];
      expect(geometryDistance(a, b), `${where} ${name} #${feature.id}`).toBeLessThanOrEqual(PIXEL);
    });
  }
}

/** Tiles at zoom z: the one at the layer's centre and those of a few of its features. */
function tilesOf(table: string, z: number): [number, number, number][] {
  const store = stores.gpkg;
  const layer = store.getLayer(table);
  const [w, s, e, n] = layer.bbox!;
  const points: Position[] = [[(w + e) / 2, (s + n) / 2]];
  const step = Math.max(1, Math.floor(layer.featureCount / 4));
  for (let fid = 1; fid <= layer.featureCount; fid += step) {
    const feature = store.requestFeatures(table, { fids: [fid] })[0];
    if (feature?.geometry) points.push(bboxOf(feature.geometry).slice(0, 2) as Position);
  }
  const tiles = new Map(points.map((p) => [tileContaining(p[0], p[1], z).join('/'), [z, ...tileContaining(p[0], p[1], z)] as [number, number, number]]));
  return [...tiles.values()];
}

describe('vector tiles of a shared project, cut by PostGIS', () => {
  it('are cut in the database on PostGIS and in JavaScript on a GeoPackage', () => {
    expect(services.postgis.cutterName).toBe('database');
    expect(services.postgisJs.cutterName).toBe('javascript');
    expect(services.gpkg.cutterName).toBe('javascript');
  });

  it('every demo layer: the same features, properties and geometry as the GeoPackage copy, at high zoom and as dots at low zoom', () => {
    const tables = stores.gpkg.listLayers().map((l) => l.table);
    expect(tables.length).toBeGreaterThan(10);
    let features = 0;
    let markers = 0;
    let rings = 0;
    for (const table of tables) {
      for (const z of [8, 10, 13, 15]) {
        for (const tile of tilesOf(table, z)) {
          const gpkg = tileOf(services.gpkg, table, tile);
          expectSameTile(gpkg, tileOf(services.postgis, table, tile), `${table} ${tile.join('/')}`);
          for (const [name, list] of Object.entries(gpkg)) {
            features += list.length;
            markers += list.filter((f) => f.properties.marker === true).length;
            if (name.endsWith(':buffer')) rings += list.length;
          }
        }
      }
    }
    // the comparison covered outlines, dots and the stations' rings
    expect(features).toBeGreaterThan(200);
    expect(markers).toBeGreaterThan(10);
    expect(rings).toBeGreaterThan(5);
  }, 300_000);

  it('generated parcels: one dot per cell with the same winner (refused first, then the lowest fid), verdicts and ids as the GeoPackage copy', () => {
    let refusedWinners = 0;
    for (const z of [10, 11, 12, 14, 16]) {
      for (const tile of tilesOf('generated', z)) {
        const gpkg = tileOf(services.gpkg, 'generated', tile);
        const postgis = tileOf(services.postgis, 'generated', tile);
        expectSameTile(gpkg, postgis, `generated ${tile.join('/')}`);
        refusedWinners += (postgis.generated ?? []).filter((f) => f.properties.marker === true && f.properties.verdict === 'prohibited' && f.id % 7 === 0).length;
        if (z >= 14) expect((postgis.generated ?? []).some((f) => f.properties.marker)).toBe(false);
      }
    }
    // refused parcels (every 7th fid) won cells where a lower fid lay: 1 in 7 would win by chance of order alone
    expect(refusedWinners).toBeGreaterThan(20);
    // ids: the trimmed id, else the fid
    const z16 = tilesOf('generated', 16).flatMap((tile) => tileOf(services.postgis, 'generated', tile).generated ?? []);
    const stored = new Map(stores.postgis.requestFeatures('generated', { fids: z16.map((f) => f.id), geometry: false }).map((f) => [f.fid, f]));
    for (const feature of z16) expect(feature.properties.id).toBe(stored.get(feature.id)!.id);
    expect(z16.some((f) => f.properties.id === String(f.id))).toBe(true);
  }, 300_000);

  it('generated lines with a JSON column: its scalar values travel, its lists and objects do not', () => {
    const seen = new Set<string>();
    for (const z of [10, 12, 15]) {
      for (const tile of tilesOf('generated_rivers', z)) {
        const gpkg = tileOf(services.gpkg, 'generated_rivers', tile);
        const postgis = tileOf(services.postgis, 'generated_rivers', tile);
        expectSameTile(gpkg, postgis, `generated_rivers ${tile.join('/')}`);
        for (const f of postgis.generated_rivers ?? []) seen.add(typeof f.properties.class);
      }
    }
    expect([...seen].sort()).toEqual(['boolean', 'number', 'string', 'undefined']);
  }, 120_000);

  it('an empty tile is empty: 200 and no bytes', () => {
    for (const table of ['parcels', 'generated', 'monitoring_stations']) {
      for (const path of [`/tiles/vector/${table}/14/0/0.pbf`, `/tiles/vector/${table}/8/0/0.pbf`]) {
        const response = services.postgis.handle(path);
        expect(response?.status, path).toBe(200);
        expect(response?.body.byteLength, path).toBe(0);
      }
    }
  });
});

describe('a check on the shared project', () => {
  let api: ApiService;
  beforeAll(() => {
    api = createApiService(url);
  });
  afterAll(() => api?.close());

  const fetchTile = async (z: number, x: number, y: number) => {
    const response = await api.tile!(`/tiles/vector/parcels/${z}/${x}/${y}.pbf`);
    expect(response?.status).toBe(200);
    return decode(response!.body).parcels ?? [];
  };

  it('that refuses a parcel is in the next tile: its verdict, and at low zoom its dot wins the cell (the cache follows the revision)', async () => {
    // two 2 m parcels 1 m apart on the contaminated site CP-01; the later (higher fid) one is checked
    const site = stores.postgis.featureById('contaminated_parcels', 'CP-01')!;
    const [w, s, e, n] = bboxOf(site.geometry!);
    const [cx, cy] = [(w + e) / 2, (s + n) / 2];
    const d = 0.00001;
    const square = (x: number): Polygon => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, cy],
          [x + 2 * d, cy],
          [x + 2 * d, cy + 2 * d],
          [x, cy + 2 * d],
          [x, cy],
        ],
      ],
    });
    const first = stores.postgis.insertFeature('parcels', { type: 'Feature', properties: { id: 'TINY-A', plannedUse: '0701' }, geometry: square(cx) });
    const second = stores.postgis.insertFeature('parcels', { type: 'Feature', properties: { id: 'TINY-B', plannedUse: '0701' }, geometry: square(cx + 3 * d) });
    const low = [12, ...tileContaining(cx, cy, 12)] as const;
    const high = [17, ...tileContaining(cx, cy, 17)] as const;
    const before = await fetchTile(...low);
    expect(before.map((f) => f.id)).toContain(first);
    expect(before.map((f) => f.id)).not.toContain(second);
    expect((await fetchTile(...high)).find((f) => f.id === second)?.properties).toEqual({ id: 'TINY-B' });

    const report = await api.checkParcel({ table: 'parcels', parcelId: 'TINY-B', profile: 'xiaxian' });
    expect(report.parcels[0].verdict).toBe('prohibited');
    const after = await fetchTile(...low);
    expect(after.map((f) => f.id)).not.toContain(first);
    expect(after.find((f) => f.id === second)?.properties).toEqual({ id: 'TINY-B', verdict: 'prohibited', marker: true });
    expect((await fetchTile(...high)).find((f) => f.id === second)?.properties).toEqual({ id: 'TINY-B', verdict: 'prohibited' });
  }, 120_000);
});
