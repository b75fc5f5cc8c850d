/**
 * SaveParcel through the real API service on a real demo GeoPackage — a new parcel in
 * drawn_parcels with its geodesic area, a reshaped demo parcel keeping its attributes, holes and
 * parts surviving, repairs reported, refusals (bow-tie, degenerate, out of range, duplicate id,
 * decided parcel) leaving the file byte-identical, audit entries, and GDAL still reading the layer.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { useDemoProject } from '../support/demo-project';
import { ogrLayers, sha256 } from '../support/cli';
import { importNoteZh } from '../../shared/importers/messages';

const demo = useDemoProject('landgate-parcel-edit-');
const withApi = demo.withApi;

/** Expects fn to reject with a UserInputError and the project file to stay byte-identical; returns the zh message. */
async function refusedUnchanged(fn: (api: ApiService) => Promise<unknown>): Promise<string> {
  const before = sha256(demo.path);
  let message = '(no error)';
  await withApi(async (api) => {
    try {
      await fn(api);
    } catch (error) {
      expect((error as { name?: string }).name).toBe('UserInputError');
      message = (error as { messageZh: string }).messageZh;
    }
  });
  expect(sha256(demo.path)).toBe(before);
  return message;
}

const square = (lon: number, lat: number, d: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ],
  ],
});

function auditOf(action: string) {
  const store = ProjectStore.open(demo.path, { readonly: true });
  try {
    return store.listAudit().filter((e) => e.action === action);
  } finally {
    store.close();
  }
}

function contentsExtent(table: string): number[] {
  const db = new Database(demo.path, { readonly: true });
  try {
    const row = db.prepare('SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?').get(table) as Record<string, number>;
    return [row.min_x, row.min_y, row.max_x, row.max_y];
  } finally {
    db.close();
  }
}

/** `ogrinfo -ro -al -so` extent of one layer. */
function ogrExtent(table: string): number[] {
  const out = spawnSync('ogrinfo', ['-ro', '-so', demo.path, table], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  const m = /Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)/.exec(out.stdout);
  expect(m, out.stdout).not.toBeNull();
  return m!.slice(1).map(Number);
}

describe('saveParcel: a new parcel drawn on the map', () => {
  const drawn = square(111.3, 35.1, 0.002);

  it('creates drawn_parcels (绘制地块) with canonical attributes and the geodesic area', async () => {
    const response = await withApi((api) =>
      api.saveParcel({ geometry: drawn, properties: { id: 'HZ-001', name: '绘制测试地块', currentUse: '0601', plannedUse: '0701', action: '出让' } }),
    );
    expect(response.parcel.table).toBe('drawn_parcels');
    expect(response.parcel.id).toBe('HZ-001');
    expect(response.repairs).toEqual([]);
    expect(response.areaM2).toBeCloseTo(geodesicAreaM2(drawn), 6);
    // ~0.002° × 0.002° at 35° N ≈ 182 m × 222 m
    expect(response.areaM2).toBeGreaterThan(35_000);
    expect(response.areaM2).toBeLessThan(45_000);

    const store = ProjectStore.open(demo.path, { readonly: true });
    try {
      const layer = store.getLayer('drawn_parcels');
      expect(layer.kind).toBe('parcel');
      expect(layer.title).toBe('绘制地块');
      const [feature] = store.readFeatures('drawn_parcels').features;
      expect(feature.properties).toMatchObject({ id: 'HZ-001', name: '绘制测试地块', currentUse: '0601', plannedUse: '0701', action: 'supply' });
      expect(feature.geometry).toEqual({ type: 'MultiPolygon', coordinates: [drawn.coordinates] });
    } finally {
      store.close();
    }
    const [entry] = auditOf('draw-parcel');
    expect(entry.detail).toMatchObject({ table: 'drawn_parcels', parcelId: 'HZ-001', oldAreaM2: null, oldGeometrySha256: null });
    expect((entry.detail as { newAreaM2: number }).newAreaM2).toBeCloseTo(response.areaM2, 6);
    expect((entry.detail as { newGeometrySha256: string }).newGeometrySha256).toMatch(/^[0-9a-f]{64}$/);
    // the layer was made in the app, not imported from a file
    expect(auditOf('layer-create').map((e) => (e.detail as { table: string }).table)).toEqual(['drawn_parcels']);
    expect(auditOf('import').some((e) => (e.detail as { table: string }).table === 'drawn_parcels')).toBe(false);
    expect(ogrLayers(demo.path).get('drawn_parcels')).toEqual({ featureCount: 1, geometry: 'Multi Polygon' });
  });

  it('appends the next drawn parcel, keeps the extent right for GDAL, and the parcel can be checked at once', async () => {
    const second = square(111.31, 35.11, 0.001);
    await withApi(async (api) => {
      const saved = await api.saveParcel({ table: 'drawn_parcels', geometry: second, properties: { id: 'HZ-002' } });
      expect(saved.parcel.id).toBe('HZ-002');
      const parcels = (await api.queryParcels({ table: 'drawn_parcels', offset: 0, limit: 500 })).rows;
      expect(parcels.map((p) => p.id)).toEqual(['HZ-001', 'HZ-002']);
      expect(await api.getParcel({ table: 'drawn_parcels', id: 'HZ-002' })).toMatchObject({ id: 'HZ-002', table: 'drawn_parcels' });
      const report = await api.checkParcel({ table: 'drawn_parcels', parcelId: 'HZ-002', profile: 'xiaxian' });
      expect(report.parcels[0].areaM2).toBeCloseTo(geodesicAreaM2(second), 1);
    });
    expect(ogrLayers(demo.path).get('drawn_parcels')?.featureCount).toBe(2);
    const extent = contentsExtent('drawn_parcels');
    expect(extent).toEqual([111.3, 35.1, 111.311, 35.111]);
    ogrExtent('drawn_parcels').forEach((v, i) => expect(v).toBeCloseTo(extent[i], 6));
  });

  it('repairs what is safe and says so', async () => {
    const sloppy: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [111.32, 35.12],
          [111.321, 35.12],
          [111.321, 35.12],
          [111.321, 35.121],
          [111.32, 35.121],
        ],
      ],
    };
    const saved = await withApi((api) => api.saveParcel({ geometry: sloppy, properties: { id: 'HZ-003' } }));
    expect(saved.repairs.map(importNoteZh).join('；')).toContain('删除 1 个重复的连续点');
    expect(saved.repairs.map(importNoteZh).join('；')).toContain('未闭合');
    const entry = auditOf('draw-parcel').find((e) => (e.detail as { parcelId: string }).parcelId === 'HZ-003')!;
    expect((entry.detail as { repairs: string[] }).repairs.length).toBe(2);
  });

  it('refuses a bow-tie, a degenerate ring, implausible coordinates, a missing or duplicate id — file unchanged', async () => {
    const bowTie: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [111.33, 35.13],
          [111.332, 35.132],
          [111.332, 35.13],
          [111.33, 35.132],
          [111.33, 35.13],
        ],
      ],
    };
    expect(await refusedUnchanged((api) => api.saveParcel({ geometry: bowTie, properties: { id: 'BAD-1' } }))).toMatch(/自相交.*未保存/);
    const line: Polygon = { type: 'Polygon', coordinates: [[[111.33, 35.13], [111.331, 35.13], [111.33, 35.13], [111.331, 35.13]]] };
    expect(await refusedUnchanged((api) => api.saveParcel({ geometry: line, properties: { id: 'BAD-2' } }))).toContain('少于 3 个不同的点');
    expect(await refusedUnchanged((api) => api.saveParcel({ geometry: square(3_700_000, 38_000_000, 100), properties: { id: 'BAD-3' } }))).toContain('EPSG:4490');
    expect(await refusedUnchanged((api) => api.saveParcel({ geometry: square(111.34, 35.14, 0.001), properties: { name: '无编号' } }))).toContain('地块编号');
    expect(await refusedUnchanged((api) => api.saveParcel({ geometry: square(111.34, 35.14, 0.001), properties: { id: 'HZ-001' } }))).toContain('已有编号为“HZ-001”');
    expect(await refusedUnchanged((api) => api.saveParcel({ table: 'rivers', geometry: square(111.34, 35.14, 0.001), properties: { id: 'X' } }))).toContain('不是报件地块图层');
  });
});

describe('saveParcel: reshaping an existing parcel', () => {
  it('moves a vertex of a demo parcel: new geometry, same attributes, audit with old and new area', async () => {
    const before = await withApi(async (api) => (await api.getFeatures({ table: 'parcels', ids: ['XX-2026-001'] })).features[0]);
    const ring = (before.geometry as MultiPolygon).coordinates[0][0].map((p) => [...p]);
    ring[1] = [ring[1][0] + 0.001, ring[1][1] - 0.0005];
    const reshaped: Polygon = { type: 'Polygon', coordinates: [ring] };
    const response = await withApi((api) => api.saveParcel({ table: 'parcels', parcelId: 'XX-2026-001', geometry: reshaped }));
    const oldArea = geodesicAreaM2(before.geometry);
    expect(response.areaM2).toBeCloseTo(geodesicAreaM2(reshaped), 6);
    expect(response.areaM2).toBeGreaterThan(oldArea + 1000);

    const after = await withApi(async (api) => (await api.getFeatures({ table: 'parcels', ids: ['XX-2026-001'] })).features[0]);
    expect(after.properties).toEqual(before.properties);
    expect(after.geometry).toEqual({ type: 'MultiPolygon', coordinates: [[ring]] });
    const entry = auditOf('edit-parcel').at(-1)!;
    const detail = entry.detail as Record<string, unknown>;
    expect(detail).toMatchObject({ table: 'parcels', parcelId: 'XX-2026-001' });
    expect(detail.oldAreaM2 as number).toBeCloseTo(oldArea, 6);
    expect(detail.newAreaM2 as number).toBeCloseTo(response.areaM2, 6);
    expect(detail.oldGeometrySha256).not.toBe(detail.newGeometrySha256);
    expect(ogrLayers(demo.path).get('parcels')?.featureCount).toBe(30);
    // the moved vertex stretches the layer extent only if it leaves it; R*Tree and contents agree with GDAL
    const extent = contentsExtent('parcels');
    ogrExtent('parcels').forEach((v, i) => expect(v).toBeCloseTo(extent[i], 6));
  });

  it('keeps holes and several parts', async () => {
    const outer = [[111.35, 35.15], [111.354, 35.15], [111.354, 35.154], [111.35, 35.154], [111.35, 35.15]];
    const hole = [[111.351, 35.151], [111.351, 35.152], [111.352, 35.152], [111.352, 35.151], [111.351, 35.151]];
    const part2 = [[111.36, 35.15], [111.361, 35.15], [111.361, 35.151], [111.36, 35.151], [111.36, 35.15]];
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [[outer, hole], [part2]] };
    const response = await withApi((api) => api.saveParcel({ table: 'parcels', parcelId: 'XX-2026-002', geometry: multi }));
    expect(response.repairs).toEqual([]);
    expect(response.areaM2).toBeCloseTo(geodesicAreaM2(multi), 6);
    const stored = await withApi(async (api) => (await api.getFeatures({ table: 'parcels', ids: ['XX-2026-002'] })).features[0]);
    expect(stored.geometry).toEqual(multi);
  });

  it('refuses a parcel with a standing signed decision (file unchanged) and accepts it once returned for correction', async () => {
    const id = 'XX-2026-003';
    const sig = { name: '王审查', department: '夏县自然资源局', date: '2026-11-20' };
    const store = ProjectStore.open(demo.path);
    let firstId: number;
    try {
      const review = new ReviewStore(store);
      firstId = review.signDecision({ table: 'parcels', parcelId: id, decision: 'approved', opinion: '同意', conditions: [], signature: sig }).id;
    } finally {
      store.close();
    }
    const moved = square(111.2594, 35.1346, 0.0015);
    const message = await refusedUnchanged((api) => api.saveParcel({ table: 'parcels', parcelId: id, geometry: moved }));
    expect(message).toContain('已签发审查决定');
    expect(message).toContain('退回补正');

    const again = ProjectStore.open(demo.path);
    try {
      new ReviewStore(again).signDecision({ table: 'parcels', parcelId: id, decision: 'returned', opinion: '边界有误，退回补正', conditions: [], signature: sig, supersedes: firstId!, revisionReason: '界址有误' });
    } finally {
      again.close();
    }
    const response = await withApi((api) => api.saveParcel({ table: 'parcels', parcelId: id, geometry: moved }));
    expect(response.areaM2).toBeCloseTo(geodesicAreaM2(moved), 6);
    expect((auditOf('edit-parcel').at(-1)!.detail as { decisionBefore: { decision: string } }).decisionBefore.decision).toBe('returned');
  });

  it('refuses an unknown parcel and a self-intersecting reshape, file unchanged', async () => {
    expect(await refusedUnchanged((api) => api.saveParcel({ table: 'parcels', parcelId: 'NOPE', geometry: square(111.3, 35.1, 0.001) }))).toContain('没有编号为“NOPE”');
    const ring: Position[] = [[111.317, 35.151], [111.319, 35.153], [111.319, 35.151], [111.317, 35.153], [111.317, 35.151]];
    expect(await refusedUnchanged((api) => api.saveParcel({ table: 'parcels', parcelId: 'XX-2026-004', geometry: { type: 'Polygon', coordinates: [ring] } }))).toContain('自相交');
  });
});
