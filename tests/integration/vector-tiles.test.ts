/**
 * The map's vector tiles on a real demo project, decoded as MapLibre decodes them: a tile holds
 * exactly the features whose geometry meets it (with its buffer), fid as id, the style's attributes,
 * parcel verdicts; edits and checks are seen at once; bad paths are 404.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import polygonClipping from 'polygon-clipping';
import type { Geometry, Polygon, Position } from 'geojson';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { generateDemoProject } from '../../electron/services/demo';
import { ProjectStore } from '../../electron/services/project-store';
import { TILE_EXTENT, tileBounds } from '../../electron/services/map/vector-tiles';
import { bufferSourceLayer } from '../../shared/map/vector-tiles';
import { bboxOf } from '../../shared/geo/geodesy';
import type { BBox } from '../../shared/model/layers';

let dir: string;
let path: string;
let api: ApiService;
let store: ProjectStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-tiles-'));
  path = join(dir, 'demo.gpkg');
  generateDemoProject(path);
  api = createApiService(path);
  store = ProjectStore.open(path);
});
afterAll(() => {
  store?.close();
  api?.close();
  rmSync(dir, { recursive: true, force: true });
});

function tileOf([lon, lat]: Position, z: number): [number, number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [z, Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

/** The tile's box with the 64-unit buffer the service cuts with. */
function bufferedBox(z: number, x: number, y: number): BBox {
  const [w, s, e, n] = tileBounds(z, x, y);
  const px = ((e - w) * 64) / TILE_EXTENT;
  const py = ((n - s) * 64) / TILE_EXTENT;
  return [w - px, s - py, e + px, n + py];
}

async function fetchTile(table: string, z: number, x: number, y: number) {
  const response = await api.tile!(`/tiles/vector/${encodeURIComponent(table)}/${z}/${x}/${y}.pbf`);
  expect(response?.status).toBe(200);
  expect(response?.contentType).toBe('application/x-protobuf');
  return new VectorTile(new PbfReader(response!.body));
}

function layerFeatures(tile: VectorTile, name: string) {
  const layer = tile.layers[name];
  if (!layer) return [];
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i));
}

function firstPosition(geometry: Geometry): Position {
  const flat = (geometry as { coordinates: unknown }).coordinates as unknown[];
  let p: unknown = flat;
  while (Array.isArray(p) && Array.isArray(p[0])) p = p[0];
  return p as Position;
}

/** Does the geometry meet the box (area overlap for polygons, any vertex or crossing for others)? */
function meetsBox(geometry: Geometry, [w, s, e, n]: BBox): boolean {
  const box: Polygon = { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
  if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') {
    const coords = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    return polygonClipping.intersection(coords as never, box.coordinates as never).length > 0;
  }
  if (geometry.type === 'Point') return geometry.coordinates[0] >= w && geometry.coordinates[0] <= e && geometry.coordinates[1] >= s && geometry.coordinates[1] <= n;
  throw new Error(`meetsBox: ${geometry.type} not used here`);
}

/** Fids of the layer's features whose geometry meets the box, from the store (R*Tree, then exact). */
function expectedFids(table: string, box: BBox): number[] {
  return store
    .requestFeatures(table, { bbox: box })
    .filter((f) => f.geometry && meetsBox(f.geometry, box))
    .map((f) => f.fid)
    .sort((a, b) => a - b);
}

function layerOfKind(kind: string) {
  const layer = store.listLayers().find((l) => l.kind === kind);
  if (!layer) throw new Error(`demo has no ${kind} layer`);
  return layer;
}

describe('vector tiles', () => {
  it('a parcel tile holds exactly the parcels meeting it, fid as id, with id, name and the verdict once checked', async () => {
    const parcels = layerOfKind('parcel');
    const some = store.requestFeatures(parcels.table, { limit: 1 })[0];
    for (const z of [13, 15]) {
      const [, x, y] = tileOf(firstPosition(some.geometry!), z);
      const features = layerFeatures(await fetchTile(parcels.table, z, x, y), parcels.table);
      const fids = features.map((f) => Number(f.id)).sort((a, b) => a - b);
      expect(fids.length).toBeGreaterThan(0);
      expect(fids).toEqual(expectedFids(parcels.table, bufferedBox(z, x, y)));
      const stored = new Map(store.requestFeatures(parcels.table, { fids, geometry: false }).map((f) => [f.fid, f]));
      for (const feature of features) {
        const original = stored.get(Number(feature.id))!;
        expect(feature.properties.id).toBe(original.id);
        if (original.properties.name !== undefined) expect(feature.properties.name).toBe(original.properties.name);
        // only what the style reads: no other attribute travels in the tile
        expect(Object.keys(feature.properties).every((k) => ['id', 'name', 'verdict'].includes(k))).toBe(true);
      }
    }

    // a recorded check colours the parcel at once (the cached tile is not served again)
    const [z, x, y] = tileOf(firstPosition(some.geometry!), 14);
    await fetchTile(parcels.table, z, x, y);
    const report = await api.checkParcel({ table: parcels.table, parcelId: some.id, profile: 'xiaxian' });
    const after = layerFeatures(await fetchTile(parcels.table, z, x, y), parcels.table).find((f) => Number(f.id) === some.fid);
    expect(after?.properties.verdict).toBe(report.parcels[0].verdict);
  });

  it('reference layers carry their style attributes; stations also their buffer rings', async () => {
    const contaminated = layerOfKind('contaminated-parcel');
    const one = store.requestFeatures(contaminated.table, { limit: 1 })[0];
    const [z, x, y] = tileOf(firstPosition(one.geometry!), 14);
    const features = layerFeatures(await fetchTile(contaminated.table, z, x, y), contaminated.table);
    expect(features.map((f) => Number(f.id)).sort((a, b) => a - b)).toEqual(expectedFids(contaminated.table, bufferedBox(z, x, y)));
    const hit = features.find((f) => Number(f.id) === one.fid)!;
    expect(hit.properties.listed).toBe(one.properties.listed);

    const stations = layerOfKind('monitoring-station');
    const station = store.requestFeatures(stations.table, { limit: 1 })[0];
    const [sz, sx, sy] = tileOf(firstPosition(station.geometry!), 15);
    const tile = await fetchTile(stations.table, sz, sx, sy);
    const points = layerFeatures(tile, stations.table);
    expect(points.map((f) => Number(f.id)).sort((a, b) => a - b)).toEqual(expectedFids(stations.table, bufferedBox(sz, sx, sy)));
    expect(points.find((f) => Number(f.id) === station.fid)?.properties.type).toBe(station.properties.type);
    const rings = layerFeatures(tile, bufferSourceLayer(stations.table));
    expect(rings.some((f) => Number(f.id) === station.fid && f.type === 3)).toBe(true);
  });

  it('low zoom: sub-pixel parcels become markers; a refused parcel stands for its cell', async () => {
    const parcels = layerOfKind('parcel');
    const some = store.requestFeatures(parcels.table, { limit: 1 })[0];
    const [z, x, y] = tileOf(firstPosition(some.geometry!), 8);
    const features = layerFeatures(await fetchTile(parcels.table, z, x, y), parcels.table);
    expect(features.length).toBeGreaterThan(0);
    for (const f of features) expect(f.type === 3 || (f.type === 1 && f.properties.marker === true)).toBe(true);

    // a refused parcel is never hidden behind a neighbour's dot: two 2 m parcels 1 m apart on the
    // contaminated site CP-01, the later (higher fid) one refused, the earlier one never checked
    const site = store.featureById(layerOfKind('contaminated-parcel').table, 'CP-01')!;
    const [w, s, e, n] = bboxOf(site.geometry!);
    const [cx, cy] = [(w + e) / 2, (s + n) / 2];
    const d = 0.00001; // ~1 m
    const square = (x: number): Polygon => ({ type: 'Polygon', coordinates: [[[x, cy], [x + 2 * d, cy], [x + 2 * d, cy + 2 * d], [x, cy + 2 * d], [x, cy]]] });
    const first = store.insertFeature(parcels.table, { type: 'Feature', properties: { id: 'TINY-A', plannedUse: '0701' }, geometry: square(cx) });
    const second = store.insertFeature(parcels.table, { type: 'Feature', properties: { id: 'TINY-B', plannedUse: '0701' }, geometry: square(cx + 3 * d) });
    const [tz, tx, ty] = tileOf([cx, cy], 12);
    const beforeCheck = layerFeatures(await fetchTile(parcels.table, tz, tx, ty), parcels.table).map((f) => Number(f.id));
    expect(beforeCheck).toContain(first);
    expect(beforeCheck).not.toContain(second);
    const report = await api.checkParcel({ table: parcels.table, parcelId: 'TINY-B', profile: 'xiaxian' });
    expect(report.parcels[0].verdict).toBe('prohibited');
    const afterCheck = layerFeatures(await fetchTile(parcels.table, tz, tx, ty), parcels.table);
    expect(afterCheck.map((f) => Number(f.id))).not.toContain(first);
    expect(afterCheck.find((f) => Number(f.id) === second)?.properties).toMatchObject({ verdict: 'prohibited', marker: true });
  });

  it('a tile without data is empty (200, no bytes)', async () => {
    const parcels = layerOfKind('parcel');
    const response = await api.tile!(`/tiles/vector/${parcels.table}/14/0/0.pbf`);
    expect(response?.status).toBe(200);
    expect(response?.body.byteLength).toBe(0);
  });

  it('an inserted or reshaped feature is in the next tile (the cache follows the layer revision)', async () => {
    const parcels = layerOfKind('parcel');
    const some = store.requestFeatures(parcels.table, { limit: 1 })[0];
    const [z, x, y] = tileOf(firstPosition(some.geometry!), 15);
    const [w, s, e, n] = tileBounds(z, x, y);
    const square = (cx: number, cy: number, r: number): Polygon => ({ type: 'Polygon', coordinates: [[[cx - r, cy - r], [cx + r, cy - r], [cx + r, cy + r], [cx - r, cy + r], [cx - r, cy - r]]] });
    const before = layerFeatures(await fetchTile(parcels.table, z, x, y), parcels.table).map((f) => Number(f.id));
    const fid = store.insertFeature(parcels.table, { type: 'Feature', properties: { id: 'TILE-NEW-1', name: '切片测试' }, geometry: square((w + e) / 2, (s + n) / 2, (e - w) / 20) });
    const inserted = layerFeatures(await fetchTile(parcels.table, z, x, y), parcels.table);
    expect(inserted.map((f) => Number(f.id)).sort((a, b) => a - b)).toEqual([...before, fid].sort((a, b) => a - b));
    expect(inserted.find((f) => Number(f.id) === fid)?.properties.name).toBe('切片测试');

    // moved far away: gone from this tile, present in its new one
    store.replaceFeatureGeometry(parcels.table, fid, square(e + (e - w) * 3, (s + n) / 2, (e - w) / 20));
    const moved = layerFeatures(await fetchTile(parcels.table, z, x, y), parcels.table).map((f) => Number(f.id));
    expect(moved).not.toContain(fid);
    const there = layerFeatures(await fetchTile(parcels.table, z, x + 3, y), parcels.table).map((f) => Number(f.id));
    expect(there).toContain(fid);
  });

  it('bad paths are 404, never 500', async () => {
    const parcels = layerOfKind('parcel').table;
    for (const path of [
      `/tiles/vector/${parcels}/25/0/0.pbf`,
      `/tiles/vector/${parcels}/2/4/0.pbf`,
      `/tiles/vector/${parcels}/2/0/4.pbf`,
      `/tiles/vector/no_such_layer/2/0/0.pbf`,
      `/tiles/vector/%2e%2e/2/0/0.pbf`,
      `/tiles/vector/..%2f..%2fetc/2/0/0.pbf`,
      `/tiles/vector/%E0%A4%A/2/0/0.pbf`,
      `/tiles/vector/${parcels}/2/0/0.png`,
      `/tiles/vector/${parcels}/-1/0/0.pbf`,
      `/tiles/vector/${parcels}`,
    ]) {
      const response = await api.tile!(path);
      expect(response?.status, path).toBe(404);
    }
  });
});
