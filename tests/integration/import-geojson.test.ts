import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { MultiPolygon, Point } from 'geojson';
import { wgs84ToGcj02 } from '../../shared/crs/gcj02';
import { geodesicDistanceM } from '../../shared/geo/geodesy';
import { ProjectStore } from '../../electron/services/project-store';
import { defaultTableName, importFile, readParcelsFile } from '../../electron/services/import-file';
import { transformer } from '../../shared/crs';
import { refusalOf } from '../support/refusal';
import { importNoteZh } from '../../shared/importers/messages';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data');
const TIANDITU = join(DATA, 'boundaries', 'tianditu_cgcs2000_simplified', 'shanxi_counties_tianditu.geojson');
const DATAV_ARRAY = join(DATA, 'boundaries', 'datav_2019_gcj02_feature_array', '140828.json');
const RIVERS = join(DATA, 'rivers', 'cn1to4m_hyd2_4l_shanxi_bbox_utf8.geojson');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-import-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
const newProject = () => ProjectStore.create(join(dir, `p${++counter}.gpkg`), { title: '导入测试' });
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

const ring = (x: number, y: number, d = 0.002) => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const polygonFeature = (properties: Record<string, unknown>, x = 111.2, y = 35.1) => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [ring(x, y)] } });

describe('importFile (GeoJSON)', () => {
  it('imports the 天地图 CGCS2000 county boundaries (FeatureCollection, Polygons)', () => {
    const store = newProject();
    const layer = importFile(store, TIANDITU, { kind: 'admin-boundary' });
    expect(layer).toMatchObject({
      table: 'shanxi_counties_tianditu',
      kind: 'admin-boundary',
      featureCount: 117,
      geometryType: 'MULTIPOLYGON',
      sourceFile: 'shanxi_counties_tianditu.geojson',
      originalCrs: 'EPSG:4490',
    });
    expect(layer.warnings).toEqual([]);
    const [minLon, minLat, maxLon, maxLat] = layer.bbox!;
    expect(minLon).toBeGreaterThan(110);
    expect(maxLon).toBeLessThan(115);
    expect(minLat).toBeGreaterThan(34);
    expect(maxLat).toBeLessThan(41);
    const features = store.readFeatures(layer.table).features;
    const xiaxian = features.find((f) => f.properties!.district_adcode === 140828)!;
    expect(xiaxian.properties).toMatchObject({ district_name: '夏县', city_name: '运城市' });
    expect(xiaxian.geometry.type).toBe('MultiPolygon');
    expect(features.map((f) => f.id)).toEqual(Array.from({ length: 117 }, (_, i) => String(i + 1)));
    // Coordinates are stored unchanged (EPSG:4490 in, EPSG:4490 out).
    const source = JSON.parse(readFileSync(TIANDITU, 'utf8'));
    expect((features[0].geometry as MultiPolygon).coordinates[0]).toEqual(source.features[0].geometry.coordinates);
    expect(store.listAudit().at(-1)).toMatchObject({ action: 'import', detail: { table: 'shanxi_counties_tianditu', featureCount: 117 } });
    store.close();
  });

  it('imports a bare array of Features (DataV 2019) and says what it tolerated', () => {
    const store = newProject();
    const layer = importFile(store, DATAV_ARRAY, { kind: 'admin-boundary', title: '夏县行政区' });
    expect(layer).toMatchObject({ table: 'admin_boundary_140828', featureCount: 1, title: '夏县行政区' });
    expect(layer.warnings.map(importNoteZh).join('\n')).toMatch(/要素数组/);
    expect(layer.warnings.map(importNoteZh).join('\n')).toMatch(/GCJ-02/);
    const [feature] = store.readFeatures(layer.table).features;
    // adcode is the 行政区划代码 alias of `code`.
    expect(feature.properties).toMatchObject({ code: '140828', name: '夏县', id: '1' });
    expect(store.listAudit().map((a) => a.action)).toEqual(['create', 'import', 'import-warnings']);
    store.close();
  });

  it('--crs GCJ02 removes the 高德 offset (≈ 500–620 m in Shanxi) from DataV data', () => {
    const store = newProject();
    const asIs = importFile(store, DATAV_ARRAY, { kind: 'admin-boundary', table: 'as_is' });
    const fixed = importFile(store, DATAV_ARRAY, { kind: 'admin-boundary', table: 'fixed', crs: 'GCJ02' });
    expect(fixed.originalCrs).toBe('GCJ02');
    const first = (table: string) => (store.readFeatures(table).features[0].geometry as MultiPolygon).coordinates[0][0][0];
    const shift = geodesicDistanceM(first('as_is'), first('fixed'));
    expect(shift).toBeGreaterThan(450);
    expect(shift).toBeLessThan(650);
    // the corrected position is west/south-west of the GCJ-02 one
    expect(first('fixed')[0]).toBeLessThan(first('as_is')[0]);
    expect(asIs.featureCount).toBe(1);
    store.close();
  });

  it('warns (without changing data) when points look GCJ-02-offset against the project', () => {
    const store = newProject();
    const stations = [
      [111.21, 35.13],
      [111.25, 35.16],
      [111.3, 35.1],
      [111.18, 35.2],
    ];
    const fc = (coords: number[][]) => ({ type: 'FeatureCollection', features: coords.map((c, i) => ({ type: 'Feature', properties: { 站点名称: `站${i + 1}` }, geometry: { type: 'Point', coordinates: c } })) });
    importFile(store, writeJson('stations_official.geojson', fc(stations)), { kind: 'monitoring-station' });
    // a big layer elsewhere in the project: the check looks near the new points only
    const far = Array.from({ length: 2000 }, (_, i) => [113 + (i % 50) * 0.01, 38 + Math.floor(i / 50) * 0.01]);
    importFile(store, writeJson('far_away.geojson', fc(far)), { kind: 'monitoring-station', table: 'far_away' });
    const amap = stations.map(([lon, lat]) => wgs84ToGcj02(lon, lat));
    const requests = vi.spyOn(store, 'requestFeatures');
    const whole = vi.spyOn(store, 'readFeatures');
    const layer = importFile(store, writeJson('stations_amap.geojson', fc(amap)), { kind: 'monitoring-station' });
    expect(whole).not.toHaveBeenCalled();
    expect(requests.mock.calls.map(([table, request]) => [table, request?.bboxes?.length])).toEqual([
      ['stations_official', 4],
      ['far_away', 4],
    ]);
    const found = requests.mock.results.map((r) => (r.value as unknown[]).length);
    expect(found).toEqual([4, 0]);
    requests.mockRestore();
    whole.mockRestore();
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/疑似 GCJ-02（高德\/腾讯）加偏坐标：4 个点中有 4 个在去除 GCJ-02 偏移（约 \d+ 米）后与项目中已有图层的点重合/);
    const stored = store.readFeatures(layer.table).features.map((f) => (f.geometry as Point).coordinates);
    stored.forEach((p, i) => expect(p).toEqual(amap[i]));
    // the same points imported as GCJ02 land on the official ones, and no warning
    const fixed = importFile(store, writeJson('stations_amap2.geojson', fc(amap)), { kind: 'monitoring-station', crs: 'GCJ02' });
    expect(fixed.warnings.map(importNoteZh).join()).not.toMatch(/疑似 GCJ-02/);
    store.readFeatures(fixed.table).features.forEach((f, i) => expect(geodesicDistanceM((f.geometry as Point).coordinates, stations[i])).toBeLessThan(0.01));
    store.close();
  });

  it('imports real river lines with Chinese names', () => {
    const store = newProject();
    const layer = importFile(store, RIVERS, { kind: 'river', table: 'rivers' });
    expect(layer).toMatchObject({ table: 'rivers', featureCount: 169, geometryType: 'MULTILINESTRING' });
    const names = new Set(store.readFeatures('rivers').features.map((f) => f.properties!.NAME ?? f.properties!.name));
    expect(names).toContain('汾河');
    store.close();
  });

  it('honours a legacy crs member and --crs, transforming to EPSG:4490', () => {
    const toGk = transformer('EPSG:4490', 'EPSG:4525');
    const projected = (x: number, y: number) => ring(x, y).map(([lon, lat]) => toGk([lon, lat]));
    const collection = (crs?: unknown) => ({
      type: 'FeatureCollection',
      ...(crs ? { crs } : {}),
      features: [{ type: 'Feature', properties: { 编号: 'SP-1', 名称: '原焦化厂', 行业: '焦化' }, geometry: { type: 'Polygon', coordinates: [projected(111.2, 35.1)] } }],
    });
    const store = newProject();
    const urn = writeJson('gk_urn.geojson', collection({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4525' } }));
    const layer = importFile(store, urn, { kind: 'suspect-parcel' });
    expect(layer.originalCrs).toBe('EPSG:4525');
    const [feature] = store.readFeatures(layer.table).features;
    expect(feature.id).toBe('SP-1');
    expect(feature.properties).toEqual({ id: 'SP-1', name: '原焦化厂', industry: '焦化' });
    const first = (feature.geometry as MultiPolygon).coordinates[0][0][0];
    expect(first[0]).toBeCloseTo(111.2, 9);
    expect(first[1]).toBeCloseTo(35.1, 9);

    const short = writeJson('gk_short.geojson', collection({ type: 'name', properties: { name: 'EPSG:4525' } }));
    expect(importFile(store, short, { kind: 'suspect-parcel' }).originalCrs).toBe('EPSG:4525');

    // No crs member but projected metres: the zone prefix gives a proposal that --crs must confirm…
    const bare = writeJson('gk_bare.geojson', collection());
    const error = refusalOf(() => importFile(store, bare, { kind: 'suspect-parcel' }));
    expect(error.code).toBe('import.crs-proposed');
    expect(error.messageZh).toMatch(/文件“gk_bare\.geojson”没有可靠的坐标系说明.*带号前缀 37.*EPSG:4525.*--crs EPSG:4525/);
    // …and --crs fixes it.
    const fixed = importFile(store, bare, { kind: 'suspect-parcel', crs: '4525' });
    expect(fixed.originalCrs).toBe('EPSG:4525');
    expect(fixed.table).toBe('gk_bare');

    const unknown = writeJson('odd_crs.geojson', collection({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32649' } }));
    expect(refusalOf(() => importFile(store, unknown, { kind: 'suspect-parcel' })).messageZh).toMatch(/“odd_crs\.geojson”声明的坐标系 EPSG:32649 不受支持/);
    // Xian 1980 is known but refused without user parameters (no silent ballpark shift).
    const xian = writeJson('xian_crs.geojson', collection({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2385' } }));
    const xianError = refusalOf(() => importFile(store, xian, { kind: 'suspect-parcel' }));
    expect(xianError.code).toBe('crs.needs-parameters');
    expect(xianError.messageZh).toMatch(/“xian_crs\.geojson”.*西安 1980.*7 参数或 3 参数/);
    store.close();
  });

  it('derives table names from file names', () => {
    expect(defaultTableName('/x/Water Zones-2024.geojson', 'water-source-zone')).toBe('water_zones_2024');
    expect(defaultTableName('/x/水源保护区.geojson', 'water-source-zone')).toBe('water_source_zone');
    expect(defaultTableName('/x/水源保护区.geojson', 'water-source-zone', ['water_source_zone'])).toBe('water_source_zone_2');
    expect(defaultTableName('/x/140828_夏县.json', 'admin-boundary')).toBe('admin_boundary_140828');
    expect(defaultTableName('/x/gpkg_contents.json', 'river')).toBe('layer_gpkg_contents');

    const store = newProject();
    const file = writeJson('水源保护区.geojson', { type: 'FeatureCollection', features: [polygonFeature({ 级别: '一级' })] });
    expect(importFile(store, file, { kind: 'water-source-zone' }).table).toBe('water_source_zone');
    expect(importFile(store, file, { kind: 'water-source-zone' }).table).toBe('water_source_zone_2');
    expect(store.readFeatures('water_source_zone').features[0].properties).toEqual({ id: '1', level: '1' });
    store.close();
  });

  it('closes unclosed rings and says so; drops Z', () => {
    const store = newProject();
    const open = ring(111.2, 35.1).slice(0, 4).map(([x, y]) => [x, y, 500]);
    const file = writeJson('open_ring.geojson', { type: 'Feature', properties: { name: '基本农田' }, geometry: { type: 'Polygon', coordinates: [open] } });
    const layer = importFile(store, file, { kind: 'basic-farmland' });
    expect(layer.warnings.map(importNoteZh).join('\n')).toMatch(/1 个面边界（环）未闭合，已自动补上闭合点/);
    expect(layer.warnings.map(importNoteZh).join('\n')).toMatch(/高程（Z）/);
    const geometry = store.readFeatures(layer.table).features[0].geometry as MultiPolygon;
    expect(geometry.coordinates[0][0]).toEqual(ring(111.2, 35.1));
    store.close();
  });

  describe('refusals name the file and the problem, and leave the project unchanged', () => {
    const cases: { name: string; content: unknown; kind?: 'water-source-zone' | 'monitoring-station'; message: RegExp; code: string }[] = [
      { name: 'syntax.geojson', content: '{\n  "type": "FeatureCollection",\n  "features": [ }\n}', message: /文件“syntax\.geojson”不是有效的 GeoJSON：第 3 行第 17 列 JSON 语法错误/, code: 'import.invalid-geojson' },
      { name: 'truncated.geojson', content: '{"type": "FeatureCollection", "features": [', message: /不是有效的 GeoJSON：第 1 行.*文件意外结束/, code: 'import.invalid-geojson' },
      { name: 'empty_file.geojson', content: '  ', message: /文件“empty_file\.geojson”不是有效的 GeoJSON：文件是空的/, code: 'import.invalid-geojson' },
      { name: 'topo.json', content: { type: 'Topology', objects: {} }, message: /顶层 type 为“Topology”/, code: 'import.invalid-geojson' },
      { name: 'empty.geojson', content: { type: 'FeatureCollection', features: [] }, message: /文件“empty\.geojson”不包含任何要素/, code: 'import.empty' },
      {
        name: 'null_geom.geojson',
        content: { type: 'FeatureCollection', features: [polygonFeature({ 级别: '1' }), { type: 'Feature', properties: { 级别: '2' }, geometry: null }] },
        message: /文件“null_geom\.geojson”第 2 个要素没有几何图形/,
        code: 'import.null-geometry',
      },
      {
        name: 'points.geojson',
        content: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [111.2, 35.1] } }] },
        message: /第 1 个要素是点（Point），而“饮用水水源保护区”（water-source-zone）图层需要面/,
        code: 'import.geometry-type',
      },
      {
        name: 'polygon_station.geojson',
        content: { type: 'FeatureCollection', features: [polygonFeature({})] },
        kind: 'monitoring-station',
        message: /第 1 个要素是面（Polygon），而“监测站点”（monitoring-station）图层需要点/,
        code: 'import.geometry-type',
      },
      {
        name: 'string_coords.geojson',
        content: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[['111.2', '35.1'], [111.3, 35.1], [111.3, 35.2], ['111.2', '35.1']]] } }] },
        message: /第 1 个要素含有无效坐标/,
        code: 'import.bad-coordinate',
      },
      {
        name: 'lon_range.geojson',
        content: { type: 'FeatureCollection', features: [polygonFeature({}), polygonFeature({}, 211.2, 35.1)] },
        message: /第 2 个要素的坐标 \(211\.2, 35\.1\) 超出经纬度范围/,
        code: 'import.out-of-range',
      },
      {
        name: 'degenerate.geojson',
        content: { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[111.2, 35.1], [111.3, 35.1], [111.2, 35.1]]] } },
        message: /第 1 个要素的面边界（环）少于 3 个不同的点/,
        code: 'import.degenerate-ring',
      },
      {
        name: 'bad_crs.geojson',
        content: { type: 'FeatureCollection', crs: { type: 'link', properties: { href: 'http://example.com/crs' } }, features: [polygonFeature({})] },
        message: /文件“bad_crs\.geojson”的 crs 声明无法识别/,
        code: 'import.unsupported-crs-member',
      },
      { name: 'parcels.shp', content: 'not really', message: /文件“parcels\.shp”太短（10 字节），不是完整的 Shapefile/, code: 'import.invalid-shapefile' },
      { name: 'drawing.dwg', content: 'AC1027', message: /文件“drawing\.dwg”是 DWG（AutoCAD 图形），LandGate 不能导入这种格式/, code: 'import.unsupported-format' },
    ];

    it.each(cases)('$name', ({ name, content, kind, message, code }) => {
      const path = join(dir, `refusal-${name.replace(/\W/g, '_')}.gpkg`);
      const seed = ProjectStore.create(path);
      importFile(seed, TIANDITU, { kind: 'admin-boundary', table: 'counties' });
      seed.close();
      const before = sha256(path);

      const file = writeJson(name, content);
      const store = ProjectStore.open(path);
      const error = refusalOf(() => importFile(store, file, { kind: kind ?? 'water-source-zone' }));
      expect(error.code).toBe(code);
      expect(error.messageZh).toMatch(message);
      expect(sha256(path)).toBe(before);
      expect(store.listLayers().map((l) => l.table)).toEqual(['counties']);
      store.close();
      expect(sha256(path)).toBe(before);
    });

    it('missing file and existing table', () => {
      const path = join(dir, 'refusal-misc.gpkg');
      const seed = ProjectStore.create(path);
      importFile(seed, TIANDITU, { kind: 'admin-boundary', table: 'counties' });
      seed.close();
      const before = sha256(path);
      const store = ProjectStore.open(path);
      expect(refusalOf(() => importFile(store, join(dir, 'nope.geojson'), { kind: 'river' })).messageZh).toMatch(/文件“nope\.geojson”不存在/);
      expect(refusalOf(() => importFile(store, TIANDITU, { kind: 'admin-boundary', table: 'counties' })).code).toBe('layer.exists');
      expect(refusalOf(() => importFile(store, TIANDITU, { kind: 'admin-boundary', table: 'Counties 2' })).code).toBe('layer.invalid-name');
      expect(refusalOf(() => importFile(store, TIANDITU, { kind: 'admin-boundary', crs: 'EPSG:32649' })).code).toBe('crs.unknown');
      expect(refusalOf(() => importFile(store, TIANDITU, { kind: 'admin-boundary', crs: 'EPSG:2385' })).code).toBe('crs.needs-parameters');
      store.close();
      expect(sha256(path)).toBe(before);
    });
  });
});

describe('readParcelsFile', () => {
  it('normalises Chinese field names and values', () => {
    const file = writeJson('报件.geojson', {
      type: 'FeatureCollection',
      features: [
        polygonFeature({ 地块编号: 'XX-2026-101', 地块名称: '城东住宅', 现状用途: '0601', 规划用途: '0701', 拟办事项: '出让', 土壤污染状况调查: '未开展', 项目类型: '餐饮、排放污染物' }),
        polygonFeature({ 地块编号: 'XX-2026-102', 规划用途: '1001', 曾涉及有毒有害物质: '否' }, 111.3, 35.2),
      ],
    });
    const parcels = readParcelsFile(file);
    expect(parcels.map((p) => p.id)).toEqual(['XX-2026-101', 'XX-2026-102']);
    expect(parcels[0].properties).toEqual({
      id: 'XX-2026-101',
      name: '城东住宅',
      currentUse: '0601',
      plannedUse: '0701',
      action: 'supply',
      soilSurvey: 'none',
      projectType: ['catering', 'discharging'],
    });
    expect(parcels[1].properties).toMatchObject({ toxicHistory: false });
    expect(parcels[0].geometry.type).toBe('Polygon');
  });

  it('refuses duplicate parcel ids', () => {
    const file = writeJson('dupes.geojson', {
      type: 'FeatureCollection',
      features: [polygonFeature({ 地块编号: 'A-1' }), polygonFeature({ 地块编号: 'A-2' }), polygonFeature({ 地块编号: 'A-1' })],
    });
    const error = refusalOf(() => readParcelsFile(file));
    expect(error.code).toBe('import.duplicate-id');
    expect(error.messageZh).toMatch(/文件“dupes\.geojson”中地块编号重复：“A-1”（第 1、3 个要素）/);
  });

  it('refuses points as parcels and reads GBK files', () => {
    const points = writeJson('points_parcels.geojson', { type: 'Feature', properties: { id: 'P' }, geometry: { type: 'Point', coordinates: [111.2, 35.1] } });
    expect(refusalOf(() => readParcelsFile(points)).messageZh).toMatch(/“报件地块”（parcel）图层需要面/);
    const gbk = join(dir, 'gbk.geojson');
    writeFileSync(gbk, iconv.encode(JSON.stringify({ type: 'FeatureCollection', features: [polygonFeature({ 地块编号: '甲-1', 地块名称: '县城南' })] }), 'gbk'));
    expect(readParcelsFile(gbk)[0].properties).toMatchObject({ id: '甲-1', name: '县城南' });
  });
});
