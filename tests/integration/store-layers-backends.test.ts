/**
 * One store, two backends: the same real GBK shapefiles imported into a GeoPackage project and
 * into a PostGIS project (a throwaway cluster, in a database whose own collation is Chinese, as a
 * bureau's would be) answer every feature request, count, position, tile, parcel-list page and
 * check alike; writes (insert, attribute edits, geometry, rename, remove) land alike; geometries
 * come back bit for bit; GDAL's PostgreSQL driver sees the layers in EPSG:4490.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { CheckService } from '../../electron/services/check/check-service';
import { importFile } from '../../electron/services/import-file';
import { VectorTileService } from '../../electron/services/map/vector-tiles';
import { createParcelQueryApi } from '../../electron/services/parcels/parcel-query';
import { getProfile } from '../../electron/services/profiles';
import { ProjectStore, type FeatureRequest } from '../../electron/services/project-store';
import { PgBridge } from '../../electron/services/store/postgres/pg-bridge';
import { TileSourceRepository } from '../../electron/services/store/tile-source';
import type { ParcelQuery } from '../../shared/api/contract';
import type { CheckReport } from '../../shared/model/check';
import { sharedData } from '../support/cli';
import { refusalOf } from '../support/refusal';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

const CN = join(sharedData, 'shapefiles', 'cn1to4m_gbk_no_cpg_no_prj');
const BOUNDARIES = join(CN, 'bou2_4p.shp');
const RIVERS = join(CN, 'hyd2_4l.shp');
/** A box around Shanxi. */
const SHANXI: [number, number, number, number] = [110.2, 34.5, 114.6, 40.8];

const BACKENDS = ['gpkg', 'postgis'] as const;
type Backend = (typeof BACKENDS)[number];

let pg: ThrowawayPostgis;
let dir: string;
let schema: string;
const stores = {} as Record<Backend, ProjectStore>;

const square = (x: number, y: number, size: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

/**
 * Parcels with what the requests must treat alike: ASCII case variants, LIKE's own characters,
 * NULL and empty names, numbers, booleans, lists, a column no feature has a value in.
 */
const CRAFTED: Feature[] = [
  { id: 'SX-001', name: 'Fenhe 汾河', plannedUse: '0701', action: '出让', area: 12.5, listed: true, tags: ['a', 'b'], remark: null },
  { id: 'sx-002', name: 'fenhe', plannedUse: '07', action: '出让', area: 3, listed: false, tags: null, remark: null },
  { id: 'SX-010', name: 'FENHE river', plannedUse: '0901', area: null, listed: null, remark: null },
  { id: 'ab_%', name: '', plannedUse: null, area: 7, listed: true, remark: null },
  { id: '山西-1', name: null, plannedUse: '0701', action: '划拨', area: 1.25, remark: null },
  { id: 'Z', name: '中文名称', plannedUse: '', area: 12.5, listed: false, remark: null },
].map((properties, i) => ({ type: 'Feature', properties, geometry: square(112.3 + i * 0.05, 37.7, 0.01) }));

/** The project URL of a schema in the Chinese-collated database. */
const zhUrl = (name: string, login?: string) => pg.url(name, login).replace('@/gis?', '@/gis_zh?');

function eachStore<T>(fn: (store: ProjectStore, backend: Backend) => T): Record<Backend, T> {
  return { gpkg: fn(stores.gpkg, 'gpkg'), postgis: fn(stores.postgis, 'postgis') };
}

/** Both backends give the same answer; it is returned (from the GeoPackage) for further checks. */
function same<T>(fn: (store: ProjectStore, backend: Backend) => T): T {
  const answers = eachStore(fn);
  expect(answers.postgis).toEqual(answers.gpkg);
  return answers.gpkg;
}

beforeAll(() => {
  pg = startPostgis();
  pg.psql("CREATE DATABASE gis_zh TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN' LOCALE 'C.UTF-8';\n\\c gis_zh\nCREATE EXTENSION postgis;");
  dir = mkdtempSync(join(tmpdir(), 'landgate-backends-'));
  schema = freshSchema('backends');
  stores.gpkg = ProjectStore.create(join(dir, 'project.gpkg'), { title: '两种存储' });
  stores.postgis = ProjectStore.create(zhUrl(schema), { title: '两种存储' });
  for (const store of Object.values(stores)) {
    importFile(store, BOUNDARIES, { kind: 'admin-boundary', crs: 'EPSG:4490' });
    importFile(store, RIVERS, { kind: 'river', crs: 'EPSG:4490' });
    importFile(store, BOUNDARIES, { kind: 'parcel', crs: 'EPSG:4490', table: 'provinces' });
    store.writeLayer({ table: 'crafted', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: CRAFTED });
  }
}, 600_000);

afterAll(() => {
  for (const store of Object.values(stores)) store?.close();
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the database the PostGIS project lives in', () => {
  it('orders text by its own (Chinese) collation, so the layer columns must not rely on it', () => {
    const [[order]] = pg.psql("\\c gis_zh\nSELECT string_agg(x, ',' ORDER BY x) FROM (VALUES ('陕'), ('山'), ('河'), ('b'), ('B')) v(x);");
    expect(order).toBe('河,山,陕,b,B');
  });
});

describe('layers imported from the same GBK shapefiles', () => {
  it('are listed alike: counts, geometry types, extents, titles', () => {
    const layers = same((store) => store.listLayers().map(({ importedAt: _at, ...layer }) => layer));
    expect(layers.map((l) => [l.table, l.kind, l.featureCount, l.geometryType])).toEqual([
      ['bou2_4p', 'admin-boundary', 925, 'MULTIPOLYGON'],
      ['hyd2_4l', 'river', 2143, 'MULTILINESTRING'],
      ['provinces', 'parcel', 925, 'MULTIPOLYGON'],
      ['crafted', 'parcel', 6, 'MULTIPOLYGON'],
    ]);
    same((store) => store.layers.extent('bou2_4p'));
  });

  it('hold the same features, GBK names decoded, geometries identical to the last bit', () => {
    const boundaries = same((store) => store.requestFeatures('bou2_4p'));
    expect(boundaries).toHaveLength(925);
    expect(boundaries.filter((f) => f.properties.name === '山西省').length).toBeGreaterThan(0);
    const rivers = same((store) => store.requestFeatures('hyd2_4l'));
    expect(rivers.filter((f) => f.properties.name === '汾河').length).toBeGreaterThan(0);
  });

  const requests: [string, FeatureRequest][] = [
    ['a box', { bbox: SHANXI }],
    ['a box, attributes only, paged', { bbox: SHANXI, geometry: false, attributes: ['name'], limit: 7, offset: 3 }],
    ['feature ids', { ids: ['1', '26', '925', '9999'] }],
    ['fids', { fids: [5, 6, 7, 100000], geometry: false }],
    ['a name prefix', { filters: [{ key: 'name', op: 'prefix', value: '山' }], geometry: false }],
    ['a name substring, sorted descending, paged', { filters: [{ key: 'name', op: 'contains', value: '江' }], orderBy: [{ key: 'name', descending: true }], limit: 10, offset: 5, geometry: false }],
    ['names missing', { filters: [{ key: 'name', op: 'isNull' }], geometry: false }],
    ['sorted by name: NULLs first', { orderBy: [{ key: 'name' }], limit: 20, geometry: false }],
    ['sorted by name descending: NULLs last', { orderBy: [{ key: 'name', descending: true }], offset: 900, geometry: false }],
    ['a number column equal to a text', { filters: [{ key: 'ADCODE99', op: 'eq', value: '140000' }], geometry: false }],
    ['a number column equal to a word', { filters: [{ key: 'ADCODE99', op: 'eq', value: '山西' }], geometry: false }],
    ['a number column in a mixed list', { filters: [{ key: 'ADCODE99', op: 'in', values: [140000, '610000', 'x'] }], geometry: false }],
    ['a number column by prefix', { filters: [{ key: 'ADCODE99', op: 'prefix', value: '14' }], geometry: false }],
    ['a box and a filter, sorted by a number', { bbox: SHANXI, filters: [{ key: 'name', op: 'notNull' }], orderBy: [{ key: 'AREA', descending: true }], geometry: false }],
    ['any of two conditions', { filters: [{ op: 'any', filters: [{ key: 'name', op: 'eq', value: '山西省' }, { key: 'id', op: 'prefix', value: '92' }] }], geometry: false }],
    ['nothing', { ids: [], geometry: false }],
    ['any of several boxes (overlapping ones too), a filter', { bboxes: [[112, 37, 112.5, 37.5], [112.4, 37.4, 113, 38], [120, 30, 121, 31]], filters: [{ key: 'name', op: 'notNull' }], geometry: false }],
    ['no boxes', { bboxes: [], geometry: false }],
  ];
  it.each(requests)('answer %s alike (features, count, each one’s position)', (_what, request) => {
    const features = same((store) => store.requestFeatures('bou2_4p', request));
    const count = same((store) => store.countFeatures('bou2_4p', request));
    if (request.limit === undefined && request.offset === undefined) expect(count).toBe(features.length);
    for (const feature of features.slice(0, 5)) same((store) => store.featurePosition('bou2_4p', request, feature.fid));
  });

  it('answer what meets any of many small boxes as each box alone would, without reading the layer', () => {
    const boxes: [number, number, number, number][] = [];
    for (let i = 0; i < 300; i++) boxes.push([110.5 + (i % 20) * 0.2, 35 + Math.floor(i / 20) * 0.3, 110.52 + (i % 20) * 0.2, 35.02 + Math.floor(i / 20) * 0.3]);
    const near = same((store) => store.requestFeatures('hyd2_4l', { bboxes: boxes, geometry: false }).map((f) => f.fid));
    const union = new Set(boxes.flatMap((bbox) => stores.gpkg.requestFeatures('hyd2_4l', { bbox, geometry: false }).map((f) => f.fid)));
    expect(near.length).toBeGreaterThan(10);
    expect(near).toEqual([...union].sort((a, b) => a - b));
  });

  it('answer the rivers in a box alike, unnamed ones included', () => {
    const rivers = same((store) => store.requestFeatures('hyd2_4l', { bbox: SHANXI, orderBy: [{ key: 'name' }] }));
    expect(rivers.length).toBeGreaterThan(50);
    expect(rivers[0].properties.name).toBeUndefined();
  });

  it('are seen by GDAL in the PostGIS schema: every feature, multipolygons in EPSG:4490, names in UTF-8', () => {
    const connection = `PG:host=${pg.env.PGHOST} port=${pg.env.PGPORT} dbname=gis_zh user=postgres active_schema=${schema}`;
    const summary = spawnSync('ogrinfo', ['-ro', '-so', connection, 'bou2_4p'], { encoding: 'utf8' });
    expect(summary.status, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/Feature Count: 925/);
    expect(summary.stdout).toMatch(/Geometry: Multi Polygon/);
    expect(summary.stdout).toMatch(/ID\["EPSG",4490\]/);
    expect(summary.stdout).toMatch(/FID Column = fid/);
    const shanxi = stores.gpkg.requestFeatures('bou2_4p', { filters: [{ key: 'name', op: 'eq', value: '山西省' }], geometry: false })[0];
    const one = spawnSync('ogrinfo', ['-ro', '-q', connection, 'bou2_4p', '-fid', String(shanxi.fid)], { encoding: 'utf8' });
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/name \(String\) = 山西省/);
    expect(one.stdout).toMatch(/MULTIPOLYGON \(\(\(11\d\.\d+ [34]\d\.\d+/);
  });
});

describe('requests on parcels with case, LIKE characters, NULLs and empties', () => {
  const requests: [string, FeatureRequest][] = [
    ['an id prefix, case-insensitive', { filters: [{ key: 'id', op: 'prefix', value: 'sx' }] }],
    ['a name substring, case-insensitive', { filters: [{ key: 'name', op: 'contains', value: 'HE' }] }],
    ['LIKE characters taken literally', { filters: [{ key: 'id', op: 'prefix', value: 'ab_' }] }],
    ['a % that is not there', { filters: [{ key: 'id', op: 'prefix', value: 'a%' }] }],
    ['Chinese', { filters: [{ key: 'name', op: 'contains', value: '汾' }] }],
    ['empty or NULL names', { filters: [{ key: 'name', op: 'isNull' }] }],
    ['numbers present', { filters: [{ key: 'area', op: 'notNull' }] }],
    ['numbers missing', { filters: [{ key: 'area', op: 'isNull' }] }],
    ['a boolean', { filters: [{ key: 'listed', op: 'eq', value: true }] }],
    ['a boolean as text', { filters: [{ key: 'listed', op: 'eq', value: 'x' }] }],
    ['a number as text', { filters: [{ key: 'area', op: 'eq', value: '7' }] }],
    ['sorted by name', { orderBy: [{ key: 'name' }] }],
    ['sorted by name descending', { orderBy: [{ key: 'name', descending: true }] }],
    ['sorted by id', { orderBy: [{ key: 'id' }] }],
    ['sorted by number, ties by fid', { orderBy: [{ key: 'area', descending: true }] }],
    ['sorted by boolean', { orderBy: [{ key: 'listed' }] }],
    ['a page', { orderBy: [{ key: 'name' }], limit: 2, offset: 1 }],
    ['an offset without a limit', { orderBy: [{ key: 'id', descending: true }], offset: 2 }],
  ];
  it.each(requests)('%s', (_what, request) => {
    const features = same((store) => store.requestFeatures('crafted', request));
    same((store) => store.countFeatures('crafted', request));
    for (const feature of features) same((store) => store.featurePosition('crafted', request, feature.fid));
  });

  it('match what the requests ask, not merely each other', () => {
    const ids = (request: FeatureRequest) => stores.postgis.requestFeatures('crafted', { ...request, geometry: false }).map((f) => f.id);
    expect(ids({ filters: [{ key: 'id', op: 'prefix', value: 'sx' }] })).toEqual(['SX-001', 'sx-002', 'SX-010']);
    expect(ids({ filters: [{ key: 'name', op: 'contains', value: 'HE' }] })).toEqual(['SX-001', 'sx-002', 'SX-010']);
    expect(ids({ filters: [{ key: 'id', op: 'prefix', value: 'ab_' }] })).toEqual(['ab_%']);
    expect(ids({ filters: [{ key: 'name', op: 'isNull' }] })).toEqual(['ab_%', '山西-1']);
    // byte order, NULL lowest: NULL, '', 'FENHE river', 'Fenhe 汾河', 'fenhe', '中文名称'
    expect(ids({ orderBy: [{ key: 'name' }] })).toEqual(['山西-1', 'ab_%', 'SX-010', 'SX-001', 'sx-002', 'Z']);
    expect(ids({ orderBy: [{ key: 'name', descending: true }] })).toEqual(['Z', 'sx-002', 'SX-001', 'SX-010', 'ab_%', '山西-1']);
    expect(ids({ orderBy: [{ key: 'area', descending: true }] })).toEqual(['SX-001', 'Z', 'ab_%', 'sx-002', '山西-1', 'SX-010']);
    expect(stores.postgis.featurePosition('crafted', { orderBy: [{ key: 'name', descending: true }] }, 5)).toBe(5);
  });
});

describe('writes', () => {
  const crafted = (store: ProjectStore) => store.requestFeatures('crafted');

  it('insert a feature: the same fid, a new column for a new key, the extent grown', () => {
    const fid = same((store) => store.insertFeature('crafted', { type: 'Feature', properties: { id: 'new-1', name: 'fenhe new', extra: 'x' }, geometry: square(112.9, 37.9, 0.02) }));
    expect(fid).toBe(7);
    same(crafted);
    same((store) => store.layers.columns('crafted'));
    same((store) => store.layers.extent('crafted'));
  });

  it('update attributes: the values before, a new key, a text column that becomes yes/no', () => {
    const before = same((store) => store.updateFeatureAttributes('crafted', 3, { name: 'Renamed', area: 99.5, listed: true }));
    expect(before).toEqual({ name: 'FENHE river', area: undefined, listed: undefined });
    same((store) => store.updateFeatureAttributes('crafted', 1, { flag: true, remark: true }));
    same((store) => store.updateFeatureAttributes('crafted', 2, { remark: false, area: '4.5' }));
    const features = same(crafted);
    expect(features.find((f) => f.fid === 1)?.properties).toMatchObject({ flag: true, remark: true });
    expect(features.find((f) => f.fid === 2)?.properties).toMatchObject({ remark: false, area: 4.5 });
    expect(same((store) => store.layers.columns('crafted')).find((c) => c.key === 'remark')?.type).toBe('boolean');
    same((store) => store.requestFeatures('crafted', { filters: [{ key: 'remark', op: 'eq', value: false }], geometry: false }));
  });

  it('replace a geometry: read back bit for bit, the extent refreshed', () => {
    const awkward: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [112.12345678901234, 37.98765432109876],
            [112.12345678901234 + 0.1 + 0.2, 37.98765432109876],
            [112.3, 38 + 1 / 3],
            [112.12345678901234, 37.98765432109876],
          ],
        ],
      ],
    };
    eachStore((store) => store.replaceFeatureGeometry('crafted', 2, awkward));
    const [feature] = same((store) => store.requestFeatures('crafted', { fids: [2] }));
    expect(feature.geometry).toEqual(awkward);
    same((store) => store.layers.extent('crafted'));
  });

  it('a parcel drawn with an awkward geometry comes back exactly', () => {
    const drawn: Polygon = { type: 'Polygon', coordinates: [[[111.1, 36.2], [111.1 + 1e-9, 36.2], [111.10000000000002, 36.2 + Math.PI / 1e4], [111.1, 36.2]]] };
    const fid = same((store) => store.insertFeature('crafted', { type: 'Feature', properties: { id: 'drawn' }, geometry: drawn }));
    const [feature] = same((store) => store.requestFeatures('crafted', { fids: [fid] }));
    expect(feature.geometry).toEqual({ type: 'MultiPolygon', coordinates: [drawn.coordinates] });
  });

  it('keeps attributes whose names PostgreSQL keeps for itself or would cut short', () => {
    const long = '土壤污染状况调查报告评审意见书文号及评审结论说明'.repeat(2);
    const properties = { id: 'K-1', xmin: 1.5, XMIN: 2, ctid: 'c', [`${long}甲`]: '甲', [`${long}乙`]: '乙' };
    const layer = same((store) => store.writeLayer({ table: 'odd_names', kind: 'suspect-parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: [{ type: 'Feature', properties, geometry: square(112, 37, 0.01) }] }).featureCount);
    expect(layer).toBe(1);
    const [feature] = same((store) => store.requestFeatures('odd_names', { geometry: false }));
    expect(feature.properties).toEqual(properties);
    same((store) => store.requestFeatures('odd_names', { filters: [{ key: `${long}乙`, op: 'eq', value: '乙' }], orderBy: [{ key: 'xmin' }], geometry: false }).length);
  });

  it('rename and remove a layer', () => {
    same((store) => store.layers.rename('hyd2_4l', '全国河流'));
    same((store) => store.getLayer('hyd2_4l').title);
    const removed = same((store) => store.layers.remove('hyd2_4l'));
    expect(removed).toMatchObject({ table: 'hyd2_4l', featureCount: 2143 });
    same((store) => store.listLayers().map((l) => l.table));
    expect(pg.psql(`\\c gis_zh\nSELECT to_regclass('${schema}.hyd2_4l') IS NULL, (SELECT count(*) FROM ${schema}.gpkg_contents WHERE table_name = 'hyd2_4l');`)).toEqual([['t', '0']]);
  });

  it('writes a layer in a few statements, not one round trip per feature', () => {
    const features: Feature[] = Array.from({ length: 12_000 }, (_, i) => ({
      type: 'Feature',
      properties: { id: `P${i}`, name: `地块 ${i}`, a: i, b: i / 3, c: i % 2 === 0, d: 'x', e: 'y', f: 'z', g: i * 2, h: null },
      geometry: { type: 'Point', coordinates: [110 + (i % 100) / 100, 35 + Math.floor(i / 100) / 100] },
    }));
    // every statement and transaction step is one round trip through the bridge
    const query = vi.spyOn(PgBridge.prototype, 'query');
    try {
      stores.postgis.writeLayer({ table: 'stations', kind: 'monitoring-station', sourceFile: null, originalCrs: 'EPSG:4490', features });
      // two INSERTs (10 000 rows, then 2 000), plus the DDL, indexes, registry and audit
      expect(query.mock.calls.filter((c) => String(c[0]).startsWith('INSERT INTO "stations"'))).toHaveLength(2);
      expect(query.mock.calls.length).toBeLessThan(40);
    } finally {
      query.mockRestore();
    }
    stores.gpkg.writeLayer({ table: 'stations', kind: 'monitoring-station', sourceFile: null, originalCrs: 'EPSG:4490', features });
    const box: [number, number, number, number] = [110.2, 35.3, 110.5, 35.6];
    expect(same((store) => store.requestFeatures('stations', { bbox: box }))).toHaveLength(31 * 31);
    same((store) => store.getLayer('stations').featureCount);
  });
});

describe('the map and the parcel list', () => {
  it('index envelopes of a box: the same features, the same boxes within float32 rounding', () => {
    const envelopes = eachStore((store) => new TileSourceRepository(store.db).envelopes('bou2_4p', SHANXI).sort((a, b) => a[0] - b[0]));
    expect(envelopes.postgis.map((e) => e[0])).toEqual(envelopes.gpkg.map((e) => e[0]));
    expect(envelopes.gpkg.length).toBeGreaterThan(0);
    envelopes.postgis.forEach((e, i) => e.forEach((v, k) => expect(v).toBeCloseTo(envelopes.gpkg[i][k], 4)));
  });

  it('vector tiles hold the same features with the same attributes', async () => {
    const services = eachStore((store) => new VectorTileService(store));
    for (const [z, x, y] of [
      [6, 51, 24],
      [8, 206, 98],
      [12, 3325, 1567],
    ]) {
      const decoded = eachStore((_store, backend) => {
        const response = services[backend].handle(`/tiles/vector/bou2_4p/${z}/${x}/${y}.pbf`);
        expect(response?.status).toBe(200);
        const tile = new VectorTile(new PbfReader(response!.body));
        const layer = tile.layers.bou2_4p;
        if (!layer) return [];
        return Array.from({ length: layer.length }, (_, i) => layer.feature(i)).map((f) => ({ id: f.id, properties: f.properties })).sort((a, b) => Number(a.id) - Number(b.id));
      });
      expect(decoded.postgis).toEqual(decoded.gpkg);
      if (z === 8) expect(decoded.gpkg.length).toBeGreaterThan(0);
    }
  });

  const pages: [string, ParcelQuery][] = [
    ['the first page by id', { offset: 0, limit: 30 }],
    ['a page deep in the list', { offset: 500, limit: 50, sort: { key: 'id', descending: true } }],
    ['an id prefix, case-insensitive, across layers', { offset: 0, limit: 50, search: 'sx' }],
    ['an id prefix of digits', { offset: 0, limit: 50, search: '12' }],
    ['a name substring', { offset: 0, limit: 50, search: '山' }],
    ['sorted by name, empties last', { offset: 0, limit: 40, sort: { key: 'name' } }],
    ['sorted by name descending', { offset: 900, limit: 40, sort: { key: 'name', descending: true } }],
    ['a planned-use prefix', { offset: 0, limit: 10, plannedUse: '07' }],
    ['sorted by planned use', { offset: 0, limit: 10, table: 'crafted', sort: { key: 'plannedUse', descending: true } }],
    ['an action', { offset: 0, limit: 10, action: '出让' }],
  ];
  it.each(pages)('pages the parcel list alike: %s', async (_what, query) => {
    const answers = await Promise.all(BACKENDS.map((backend) => createParcelQueryApi(stores[backend]).queryParcels(query)));
    const [gpkg, postgis] = answers.map((page) => ({ total: page.total, rows: page.rows.map(({ bbox: _bbox, ...row }) => row) }));
    expect(postgis).toEqual(gpkg);
    expect(gpkg.rows.length).toBeGreaterThan(0);
    answers[1].rows.forEach((row, i) => row.bbox.forEach((v, k) => expect(v).toBeCloseTo(answers[0].rows[i].bbox[k], 4)));
  });

  it('finds a parcel by its id alike', async () => {
    for (const [table, id] of [
      ['crafted', 'sx-002'],
      ['provinces', '26'],
    ]) {
      const [gpkg, postgis] = await Promise.all(BACKENDS.map((backend) => createParcelQueryApi(stores[backend]).getParcel({ table, id })));
      const { bbox: _g, ...gpkgRow } = gpkg;
      const { bbox: _p, ...postgisRow } = postgis;
      expect(postgisRow).toEqual(gpkgRow);
      expect(gpkgRow).toMatchObject({ table, id });
    }
  });

  it('filters and sorts by verdict, and counts again after an edit (also one made by another client)', async () => {
    const verdicts = [
      { id: 'SX-001', verdict: 'prohibited' },
      { id: 'sx-002', verdict: 'conditional' },
      { id: 'Z', verdict: 'permitted' },
    ];
    eachStore((store) => store.recordLatestVerdicts('crafted', 1, new Date().toISOString(), verdicts));
    for (const query of [
      { offset: 0, limit: 20, verdict: 'prohibited' },
      { offset: 0, limit: 20, table: 'crafted', verdict: 'unchecked' },
      { offset: 0, limit: 20, table: 'crafted', sort: { key: 'verdict' } },
    ] as ParcelQuery[]) {
      const [gpkg, postgis] = await Promise.all(BACKENDS.map((backend) => createParcelQueryApi(stores[backend]).queryParcels(query)));
      expect(postgis.rows.map(({ bbox: _b, ...r }) => r)).toEqual(gpkg.rows.map(({ bbox: _b, ...r }) => r));
      expect(postgis.total).toBe(gpkg.total);
    }
    same((store) => [...new TileSourceRepository(store.db).refusedFids('crafted')]);

    const api = eachStore((store) => createParcelQueryApi(store));
    const planned = { offset: 0, limit: 50, plannedUse: '09' } as ParcelQuery;
    expect((await api.postgis.queryParcels(planned)).total).toBe(1);
    eachStore((store) => store.updateFeatureAttributes('crafted', 4, { plannedUse: '0902' }));
    expect((await api.gpkg.queryParcels(planned)).total).toBe(2);
    expect((await api.postgis.queryParcels(planned)).total).toBe(2);
    // another client of the shared project edits the same layer
    const other = ProjectStore.open(zhUrl(schema));
    try {
      other.updateFeatureAttributes('crafted', 5, { plannedUse: '0903' });
    } finally {
      other.close();
    }
    expect((await api.postgis.queryParcels(planned)).total).toBe(3);
  });
});

describe('checks', () => {
  const comparable = (report: CheckReport) => report.parcels.map(({ id, verdict, findings }) => ({ id, verdict, findings }));

  it('check a parcel alike, the PostGIS project reopened by its URL in the check worker', async () => {
    const profile = getProfile('xiaxian');
    const reports = await Promise.all(
      BACKENDS.map(async (backend) => {
        const service = new CheckService(stores[backend], { worker: true });
        try {
          return await service.checkParcel('crafted', 'SX-010', profile);
        } finally {
          service.close();
        }
      }),
    );
    expect(comparable(reports[1])).toEqual(comparable(reports[0]));
    expect(reports[0].parcels[0].findings.length).toBeGreaterThan(0);
    same((store) => store.latestVerdicts('crafted', ['SX-010']));
  });
});

describe('rights on the layers of a shared project', () => {
  const login = (role: string) => `${schema}_${role}1`;

  it('a parcel layer belongs to the planners, a reference layer to the administrators, and everyone reads both', () => {
    pg.psql(
      ['p', 'q', 'a', 'r'].map((who) => `CREATE ROLE ${schema}_${who}1 LOGIN;`).join('\n') +
        `\nGRANT ${schema}_planner TO ${login('p')}, ${login('q')};\nGRANT ${schema}_admin TO ${login('a')};\nGRANT ${schema}_readonly TO ${login('r')};`,
    );
    const as = <T>(who: string, fn: (store: ProjectStore) => T, readonly = false): T => {
      const store = ProjectStore.open(zhUrl(schema, login(who)), { readonly });
      try {
        return fn(store);
      } finally {
        store.close();
      }
    };
    as('p', (store) => store.writeLayer({ table: 'submitted', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: CRAFTED.slice(0, 2) }));
    // another planner edits and draws in it; an administrator is a planner too
    as('q', (store) => store.updateFeatureAttributes('submitted', 1, { plannedUse: '0702' }));
    as('q', (store) => store.insertFeature('submitted', { type: 'Feature', properties: { id: 'Q-1' }, geometry: square(112.8, 37.6, 0.01) }));
    as('a', (store) => store.layers.rename('submitted', '报件（已核）'));
    const read = as('r', (store) => store.requestFeatures('submitted', { geometry: false }).map((f) => [f.id, f.properties.plannedUse ?? null]), true);
    expect(read).toEqual([
      ['SX-001', '0702'],
      ['sx-002', '07'],
      ['Q-1', null],
    ]);
    const tables = () => pg.psql(`\\c gis_zh\nSELECT count(*) FROM pg_tables WHERE schemaname = '${schema}';`);
    const before = tables();
    // a reference layer is the administrators': the database refuses a planner's import, and nothing of it stays
    const refusal = as('p', (store) => refusalOf(() => importFile(store, BOUNDARIES, { kind: 'admin-boundary', crs: 'EPSG:4490', table: 'planner_boundaries' })));
    expect(refusal.messageEn).toMatch(new RegExp(login('p')));
    expect(tables()).toEqual(before);
    as('r', (store) => expect(store.listLayers().some((l) => l.table === 'planner_boundaries')).toBe(false), true);
    // nor may a planner edit or drop the administrators' layer
    as('p', (store) => refusalOf(() => store.updateFeatureAttributes('bou2_4p', 1, { name: '改' })));
    as('p', (store) => refusalOf(() => store.layers.remove('bou2_4p')));
    expect(as('a', (store) => store.layers.remove('submitted').featureCount)).toBe(3);
    expect(pg.psql(`\\c gis_zh\nSELECT tableowner FROM pg_tables WHERE schemaname = '${schema}' AND tablename = 'bou2_4p';`)).toEqual([[`${schema}_admin`]]);
  });
});
