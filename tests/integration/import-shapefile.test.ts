/**
 * Every shapefile under ../shared/data/shapefiles imports with correct attributes and coordinates
 * or is refused with a precise Chinese message — and a refusal leaves the project file unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { importFile, readSourceFiles } from '../../electron/services/import-file';
import { inspectSource } from '../../electron/services/importers/registry';
import { UserInputError } from '../../shared/model/errors';
import { landgate, sha256, sharedData } from '../support/cli';
import { PolygonShapefileWriter } from '../../electron/services/reports/shapefile-writer';
import { refusalOf } from '../support/refusal';
import { importNoteZh } from '../../shared/importers/messages';

const SHP = join(sharedData, 'shapefiles');
const DERIVED = join(SHP, 'derived_cgcs2000_gk_gbk');
const ZONE37 = join(DERIVED, 'five_counties_CGCS2000_3GK_zone37.shp');
const ZONE38 = join(DERIVED, 'five_counties_CGCS2000_3GK_zone38.shp');
const CM111 = join(DERIVED, 'five_counties_CGCS2000_3GK_CM111E.shp');
const SHANXI = join(SHP, 'nmc_shanxi_outline_cgcs2000_ldid936', '山西.shp');
const EDGE = join(SHP, 'edge_cases');
const EG = join(EDGE, 'shapelib_shape_eg_data');
const WGS84_SOURCE = join(sharedData, 'boundaries', 'derived_wgs84', 'five_counties_wgs84_from_datav.geojson');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-shp-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
const newProject = () => ProjectStore.create(join(dir, `p${++counter}.gpkg`), { title: 'Shapefile 导入测试' });

/** Refused, with the project byte-for-byte unchanged. */
function refusedUnchanged(file: string | string[], options: Parameters<typeof importFile>[2]): UserInputError {
  const path = join(dir, `r${++counter}.gpkg`);
  ProjectStore.create(path).close();
  const before = sha256(path);
  const store = ProjectStore.open(path);
  const error = refusalOf(() => importFile(store, file, options));
  expect(store.listLayers()).toEqual([]);
  store.close();
  expect(sha256(path)).toBe(before);
  return error;
}

const allValues = (features: Feature[]) => features.flatMap((f) => Object.values(f.properties ?? {}).map(String));

function bbox(features: Feature[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    const g = f.geometry as Polygon | MultiPolygon;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const p of polys) for (const r of p) for (const [x, y] of r) {
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    }
  }
  return b;
}

describe('GBK Gauss-Krüger shapefiles as Chinese land data comes (derived_cgcs2000_gk_gbk)', () => {
  const source = JSON.parse(readFileSync(WGS84_SOURCE, 'utf8')) as { features: Feature[] };

  it.each([
    { file: ZONE37, crs: 'EPSG:4525', encodingSource: 'heuristic' },
    { file: ZONE38, crs: 'EPSG:4526', encodingSource: 'cpg' },
    { file: CM111, crs: 'EPSG:4546', encodingSource: 'cpg' },
  ])('$crs: GBK names, coordinates back to the source within 1e-7°, geodesic and planar areas', ({ file, crs, encodingSource }) => {
    const preview = inspectSource(readSourceFiles(file));
    expect(preview.format).toBe('shapefile');
    expect(preview.layers[0].encoding).toMatchObject({ value: 'gbk', source: encodingSource });
    expect(preview.layers[0].crs).toMatchObject({ value: crs, source: 'prj', confidence: 'certain' });

    const store = newProject();
    const layer = importFile(store, file, { kind: 'admin-boundary' });
    expect(layer).toMatchObject({ featureCount: 5, originalCrs: crs, encoding: 'gbk', sourceFile: file.split('/').pop() });
    const features = store.readFeatures(layer.table).features;
    const values = allValues(features);
    for (const county of ['夏县', '乡宁县', '运城市', '临汾市']) expect(values).toContain(county);
    expect(features.find((f) => f.properties?.code === '140828')).toBeTruthy();

    const got = bbox(features);
    const want = bbox(source.features);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-7));

    expect(layer.areas.geodesicM2).toBeGreaterThan(5e9);
    expect(layer.areas.planarCrs).toBe(crs);
    // GK planar area is slightly larger than geodesic, by < 0.2 % in Shanxi.
    const ratio = layer.areas.planarM2! / layer.areas.geodesicM2;
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(1.002);
    store.close();
  });

  it('the same data in three CRSs give the same geodesic area', () => {
    const areas = [ZONE37, ZONE38, CM111].map((file) => {
      const store = newProject();
      const a = importFile(store, file, { kind: 'admin-boundary' }).areas.geodesicM2;
      store.close();
      return a;
    });
    expect(Math.abs(areas[0] - areas[1])).toBeLessThan(1);
    expect(Math.abs(areas[0] - areas[2])).toBeLessThan(1);
  });

  it('an --encoding override that is wrong is not silent', () => {
    const store = newProject();
    const layer = importFile(store, ZONE37, { kind: 'admin-boundary', encoding: 'utf-8' });
    expect(layer.encoding).toBe('utf-8');
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/按 UTF-8 无法解码的字节/);
    store.close();
  });

  it('refuses a truncated .shp and a truncated .dbf, naming the file', () => {
    for (const [ext, cut, message] of [
      ['.shp', 0.5, /文件“trunc\.shp”不完整：文件头记录的长度为 \d+ 字节，实际只有 \d+ 字节/],
      ['.dbf', 0.6, /文件“trunc\.dbf”不完整：文件头记录有 5 条记录，实际只有 \d 条完整记录/],
    ] as const) {
      const sub = mkdtempSync(join(dir, 'trunc-'));
      for (const e of ['.shp', '.shx', '.dbf', '.prj']) copyFileSync(ZONE37.replace(/\.shp$/, e), join(sub, `trunc${e}`));
      const bytes = readFileSync(join(sub, `trunc${ext}`));
      writeFileSync(join(sub, `trunc${ext}`), bytes.subarray(0, Math.floor(bytes.length * cut)));
      const error = refusedUnchanged(join(sub, 'trunc.shp'), { kind: 'admin-boundary' });
      expect(error.code).toBe('import.truncated');
      expect(error.messageZh).toMatch(message);
    }
  });

  it('Xian 1980 .prj: refused without parameters, imported with --towgs84', () => {
    const sub = mkdtempSync(join(dir, 'xian-'));
    for (const e of ['.shp', '.shx', '.dbf']) copyFileSync(ZONE37.replace(/\.shp$/, e), join(sub, `xian${e}`));
    copyFileSync(join(SHP, 'prj_generated_gdal', 'EPSG_2361_Xian_1980_3_Degree_GK_Zone_37.prj'), join(sub, 'xian.prj'));
    const error = refusedUnchanged(join(sub, 'xian.shp'), { kind: 'admin-boundary' });
    expect(error.code).toBe('crs.needs-parameters');
    expect(error.messageZh).toMatch(/文件“xian\.shp”.*EPSG:2361（西安 1980 3° 高斯-克吕格第 37 带.*零参数近似转换.*--towgs84/);
    const store = newProject();
    const layer = importFile(store, join(sub, 'xian.shp'), { kind: 'admin-boundary', towgs84: '24,-123,-94,0.02,-0.25,-0.13,1.1' });
    expect(layer.originalCrs).toBe('EPSG:2361+towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1');
    expect(layer.featureCount).toBe(5);
    store.close();
  });
});

describe('real Chinese shapefiles', () => {
  it('山西.shp: non-ASCII name, LDID 0x4D (GBK), ESRI CGCS_2000 variant .prj, PolyLineZ, .sbn/.sbx/.shp.xml ignored', () => {
    const files = readSourceFiles(SHANXI);
    expect(files.map((f) => f.name).sort()).toEqual(['山西.dbf', '山西.prj', '山西.shp', '山西.shx']);
    const store = newProject();
    const layer = importFile(store, SHANXI, { kind: 'river' });
    expect(layer).toMatchObject({ featureCount: 1, originalCrs: 'EPSG:4490', encoding: 'gbk', geometryType: 'MULTILINESTRING' });
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/Z（高程）.*值已忽略/);
    const [feature] = store.readFeatures(layer.table).features;
    expect(feature.properties).toMatchObject({ name: '山西省' });
    const [minX, minY, maxX, maxY] = layer.bbox!;
    expect(minX).toBeGreaterThan(110);
    expect(maxX).toBeLessThan(114.7);
    expect(minY).toBeGreaterThan(34.4);
    expect(maxY).toBeLessThan(40.8);
    store.close();
  });

  it('a zip with a Chinese file name inside', () => {
    const entries: Record<string, Uint8Array> = {};
    for (const f of readSourceFiles(SHANXI)) entries[`数据/${f.name}`] = f.bytes;
    const zip = join(dir, '山西边界.zip');
    writeFileSync(zip, zipSync(entries));
    const store = newProject();
    const layer = importFile(store, zip, { kind: 'river' });
    expect(layer.featureCount).toBe(1);
    expect(layer.sourceFile).toBe('山西边界.zip');
    store.close();
  });

  it('a zip with two shapefiles needs --layer', () => {
    const entries: Record<string, Uint8Array> = {};
    for (const f of [...readSourceFiles(ZONE37), ...readSourceFiles(ZONE38)]) entries[f.name] = f.bytes;
    const zip = join(dir, 'two.zip');
    writeFileSync(zip, zipSync(entries));
    const error = refusedUnchanged(zip, { kind: 'admin-boundary' });
    expect(error.code).toBe('import.choose-layer');
    expect(error.messageZh).toMatch(/文件“two\.zip”包含 2 个图层：five_counties_CGCS2000_3GK_zone3[78]、five_counties_CGCS2000_3GK_zone3[78]。请用 --layer 选择一个/);
    const store = newProject();
    const layer = importFile(store, zip, { kind: 'admin-boundary', layer: 'five_counties_CGCS2000_3GK_zone38' });
    expect(layer).toMatchObject({ originalCrs: 'EPSG:4526', featureCount: 5, table: 'five_counties_cgcs2000_3gk_zone38' });
    expect(refusalOf(() => importFile(store, zip, { kind: 'admin-boundary', layer: 'nope' })).code).toBe('import.layer-not-found');
    store.close();
  });

  it('a corrupt zip is refused naming it', () => {
    const zip = join(dir, 'broken.zip');
    const good = zipSync({ 'a.shp': readFileSync(ZONE37) });
    writeFileSync(zip, good.subarray(0, good.length - 30));
    const error = refusedUnchanged(zip, { kind: 'admin-boundary' });
    expect(error.code).toBe('import.bad-zip');
    expect(error.messageZh).toMatch(/压缩包“broken\.zip”无法解压/);
  });

  it('cn1to4m (GBK, no .cpg, no .prj): lon/lat proposed, must be confirmed with --crs', () => {
    const bou = join(SHP, 'cn1to4m_gbk_no_cpg_no_prj', 'bou2_4p.shp');
    const error = refusedUnchanged(bou, { kind: 'admin-boundary' });
    expect(error.code).toBe('import.crs-proposed');
    expect(error.messageZh).toMatch(/文件“bou2_4p\.shp”没有可靠的坐标系说明。缺少 \.prj 文件。.*经纬度.*EPSG:4490.*--crs EPSG:4490 确认/);
    const store = newProject();
    const layer = importFile(store, bou, { kind: 'admin-boundary', crs: 'EPSG:4490' });
    expect(layer.featureCount).toBe(925);
    expect(layer.encoding).toBe('gbk');
    const names = store.readFeatures(layer.table).features.map((f) => f.properties?.name);
    expect(names).toContain('山西省');
    expect(names).toContain('黑龙江省');
    const rivers = importFile(store, join(SHP, 'cn1to4m_gbk_no_cpg_no_prj', 'hyd2_4l.shp'), { kind: 'river', crs: '4490' });
    expect(rivers.featureCount).toBe(2143);
    const riverNames = store.readFeatures(rivers.table).features.map((f) => f.properties?.name);
    expect(riverNames).toContain('汾河');
    expect(riverNames).toContain('黄河');
    store.close();
  });
});

describe('encoding cases', () => {
  const layerOf = (file: string, encoding?: string) => inspectSource(readSourceFiles(join(SHP, 'encoding_cases', file)), { encoding }).layers[0];

  it('LDID 0x7A → GBK, .cpg Big-5, ANSI 1250, UTF-8', () => {
    const ldid = layerOf('mapshaper_ldid_chinese.shp');
    expect(ldid.encoding).toMatchObject({ value: 'gbk', source: 'ldid' });
    expect(ldid.features[0].properties?.NAME).toBe('简体');
    const big5 = layerOf('mapshaper_big5_cpg.shp');
    expect(big5.encoding).toMatchObject({ value: 'big5', source: 'cpg' });
    expect(big5.features[0].properties?.NAME).toBe('國語');
    const cz = layerOf('shapefilejs_codepage_ansi1250.shp');
    expect(cz.encoding).toMatchObject({ value: 'windows-1250', source: 'cpg' });
    expect(allValues(cz.features)).toContain('Hněvošický háj');
    const utf = layerOf('shapefilejs_utf8_cpg.shp');
    expect(utf.encoding).toMatchObject({ value: 'utf-8', source: 'cpg' });
    expect(allValues(utf.features)).toContain('Hněvošický háj');
    // the user override wins
    expect(layerOf('mapshaper_big5_cpg.shp', 'gbk').encoding).toMatchObject({ value: 'gbk', source: 'user' });
  });

  it('files whose coordinates do not fit their (missing or declared) CRS are refused precisely', () => {
    const big5 = refusedUnchanged(join(SHP, 'encoding_cases', 'mapshaper_big5_cpg.shp'), { kind: 'monitoring-station' });
    expect(big5.code).toBe('import.crs-unknown');
    expect(big5.messageZh).toMatch(/缺少 \.prj 文件，坐标范围也不像经纬度或高斯-克吕格坐标/);
    const ldid = refusedUnchanged(join(SHP, 'encoding_cases', 'mapshaper_ldid_chinese.shp'), { kind: 'monitoring-station' });
    expect(ldid.code).toBe('import.out-of-range');
    expect(ldid.messageZh).toMatch(/“mapshaper_ldid_chinese\.shp”第 1 个要素的坐标 .* 超出经纬度范围/);
  });

  it('a standalone DBF is refused as such', () => {
    const error = refusedUnchanged(join(SHP, 'encoding_cases', 'mapshaper_gbk_no_cpg.dbf'), { kind: 'river' });
    expect(error.code).toBe('import.unsupported-format');
    expect(error.messageZh).toMatch(/“mapshaper_gbk_no_cpg\.dbf”是 单独的 DBF 属性表（缺少 \.shp 几何文件）/);
  });
});

describe('edge cases', () => {
  it.each(['multipatch.shp', 'mpatch3.shp'])('MultiPatch %s is refused with a clear message', (file) => {
    const error = refusedUnchanged(join(EG, file), { kind: 'admin-boundary', crs: 'EPSG:4546' });
    expect(error.code).toBe('import.multipatch');
    expect(error.messageZh).toMatch(new RegExp(`文件“${file.replace('.', '\\.')}”是 MultiPatch（三维多面体，几何类型 31）`));
  });

  it('csah.shp: 24 null shapes skipped and named, a zero-length line skipped and named', () => {
    const store = newProject();
    const layer = importFile(store, join(EG, 'csah.shp'), { kind: 'river', crs: 'EPSG:4546' });
    expect(layer.featureCount).toBe(124 - 24 - 1);
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/第 4、5、6、20、.* 等 条记录（共 24 条）是空几何（Null Shape），已跳过/);
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/要素“66”（第 66 个）线的长度为零/);
    store.close();
  });

  it('polygon.shp: 474 polygons, multi-ring ones keep their holes/islands; no .prj → CRS must be given', () => {
    const error = refusedUnchanged(join(EG, 'polygon.shp'), { kind: 'admin-boundary' });
    expect(error.code).toBe('import.crs-unknown');
    expect(error.messageZh).toMatch(/6 位（不含带号）.*无法推定带号/);
    const files = readSourceFiles(join(EG, 'polygon.shp'));
    const layer = inspectSource(files).layers[0];
    expect(layer.features).toHaveLength(474);
    const multiRing = layer.features.filter((f) => {
      const g = f.geometry as Polygon | MultiPolygon;
      return g.type === 'MultiPolygon' || g.coordinates.length > 1;
    });
    expect(multiRing).toHaveLength(14);
    const store = newProject();
    expect(importFile(store, join(EG, 'polygon.shp'), { kind: 'admin-boundary', crs: 'EPSG:4546' }).featureCount).toBe(474);
    store.close();
  });

  it('point, multipoint and Z variants import with Z dropped and said', () => {
    const store = newProject();
    const pz = importFile(store, join(EG, '3dpoints.shp'), { kind: 'monitoring-station', crs: 'EPSG:4490' });
    expect(pz.geometryType).toBe('POINT');
    expect(pz.warnings.map(importNoteZh).join()).toMatch(/Z（高程）/);
    const mp = importFile(store, join(EG, 'multipnt.shp'), { kind: 'monitoring-station', crs: 'EPSG:4546' });
    expect(mp.geometryType).toBe('MULTIPOINT');
    const lz = importFile(store, join(EG, 'brklinz.shp'), { kind: 'river', crs: 'EPSG:4546' });
    expect(lz.warnings.map(importNoteZh).join()).toMatch(/Z（高程）/);
    const polyZ = importFile(store, join(EDGE, 'pyshp', 'MyPolyZ.shp'), { kind: 'admin-boundary', crs: 'EPSG:4490' });
    expect(polyZ.featureCount).toBe(1);
    expect(polyZ.warnings.map(importNoteZh).join()).toMatch(/Z（高程）和 M（量测）值已忽略/);
    store.close();
  });

  it('NullTest.shp: null attribute values stay null', () => {
    const layer = inspectSource(readSourceFiles(join(EDGE, 'pyshp', 'NullTest.shp'))).layers[0];
    const rows = layer.features.map((f) => f.properties);
    // as GDAL reads it: records 1 and 3 have null text, int, real and date; record 2 has values
    expect(rows).toEqual([
      { id: 3, MY_TEXT: null, MY_INT: null, MY_REAL: null, MY_DATE: null },
      { id: 2, MY_TEXT: 'Number two has data', MY_INT: 42, MY_REAL: 123.45, MY_DATE: '2014-12-03' },
      { id: 1, MY_TEXT: null, MY_INT: null, MY_REAL: null, MY_DATE: null },
    ]);
  });

  it('invalid coordinates, a foreign projection and a mislabelled .prj are refused precisely', () => {
    const invalid = refusedUnchanged(join(EDGE, 'mapshaper', 'invalid_coordinates.shp'), { kind: 'monitoring-station' });
    expect(invalid.messageZh).toMatch(/“invalid_coordinates\.shp”第 1 个要素的坐标 \(-1\.79\d*e\+308/);
    const sweref = refusedUnchanged(join(EDGE, 'mapshaper', 'data_corruption_error.shp'), { kind: 'river' });
    expect(sweref.code).toBe('import.crs-unknown');
    expect(sweref.messageZh).toMatch(/SWEREF99_TM/);
    const mislabelled = refusedUnchanged(join(EDGE, 'mapshaper', 'gauss_kruger.shp'), { kind: 'monitoring-station' });
    expect(mislabelled.code).toBe('import.crs-proposed');
    expect(mislabelled.messageZh).toMatch(/\.prj 声明为 北京 1954.*但坐标值是经纬度，坐标系说明与数据不符/);
  });

  it('no-dbf.shp: numbered ids, a note, self-intersections repaired and named per feature', () => {
    const store = newProject();
    const layer = importFile(store, join(EDGE, 'shapefilejs', 'no-dbf.shp'), { kind: 'admin-boundary', crs: 'EPSG:4490' });
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/缺少属性表“no-dbf\.dbf”，只导入几何，要素按记录序号编号/);
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/要素“4”（第 4 个）：边界自相交 \d+ 处.*面积变化/);
    const ids = store.readFeatures(layer.table).features.map((f) => f.properties?.id);
    expect(ids.slice(0, 3)).toEqual(['1', '2', '3']);
    store.close();
  });

  it('zero-len-line.zip: a zipped shapefile', () => {
    const store = newProject();
    const layer = importFile(store, join(EDGE, 'shapefilejs', 'zero-len-line.zip'), { kind: 'river' });
    expect(layer.originalCrs).toBe('EPSG:4326');
    expect(layer.featureCount).toBe(2);
    expect(layer.warnings.map(importNoteZh).join()).toMatch(/第 2 条记录（共 1 条）是空几何/);
    store.close();
  });
});

describe('reading a shapefile from disk through one reused window', () => {
  it('a .shp of several windows with a record larger than one imports as the same file from a zip (in memory)', () => {
    // 3 000 small parcels, then one of 80 000 vertices (1.3 MB, more than the 1 MiB window),
    // then 3 000 more: reads cross window ends and the window grows once, on a file read from
    // disk; a zip is read in memory, with no window. Both must give the same features.
    const base = join(dir, 'windowed');
    const writer = new PolygonShapefileWriter<{ id: string }>(`${base}.shp`, [{ name: 'DKBH', type: 'C', length: 12, decimals: 0, value: (r) => r.id }]);
    const square = (i: number): Polygon => {
      const x = 111 + (i % 100) * 0.002;
      const y = 35 + Math.floor(i / 100) * 0.002;
      return { type: 'Polygon', coordinates: [[[x, y], [x, y + 0.001], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y]]] };
    };
    for (let i = 0; i < 3000; i++) writer.add(square(i), { id: `A${i}` });
    const ring: number[][] = [];
    for (let k = 0; k < 80_000; k++) ring.push([112 + 0.05 * Math.cos((-2 * Math.PI * k) / 80_000), 36 + 0.05 * Math.sin((-2 * Math.PI * k) / 80_000)]);
    ring.push(ring[0]);
    writer.add({ type: 'Polygon', coordinates: [ring] }, { id: 'BIG' });
    for (let i = 3000; i < 6000; i++) writer.add(square(i), { id: `B${i}` });
    const files = writer.finish();
    const zip = join(dir, 'windowed.zip');
    writeFileSync(zip, zipSync(Object.fromEntries(files.map((f) => [f.split(/[\\/]/).pop()!, readFileSync(f)]))));

    const read = (path: string) => {
      const store = newProject();
      const layer = importFile(store, path, { kind: 'suspect-parcel', table: 'parcels' });
      const features = store.readFeatures(layer.table).features;
      store.close();
      return { layer, features };
    };
    const fromDisk = read(`${base}.shp`);
    const fromZip = read(zip);
    expect(fromDisk.layer.featureCount).toBe(6001);
    // DKBH is the parcel number: imported as the feature's id
    const ids = fromDisk.features.map((f) => f.properties?.id);
    expect(ids.slice(2999, 3002)).toEqual(['A2999', 'BIG', 'B3000']);
    expect(ids).toEqual(fromZip.features.map((f) => f.properties?.id));
    expect(fromDisk.features.map((f) => f.geometry)).toEqual(fromZip.features.map((f) => f.geometry));
    const big = fromDisk.features.find((f) => f.properties?.id === 'BIG');
    const g = big?.geometry as Polygon | MultiPolygon;
    expect((g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).map((r) => r.length)).toEqual([80_001]);
  });
});

describe('landgate import (CLI)', () => {
  it('imports a GBK shapefile, prints areas, warnings on stderr; a proposed CRS exits 2 leaving the project unchanged', () => {
    const project = join(dir, 'cli.gpkg');
    expect(landgate(['init', project]).status).toBe(0);
    const ok = landgate(['import', project, ZONE37, '--kind', 'admin-boundary', '--name', 'counties']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/已导入 5 个要素到图层 counties（admin-boundary，Shapefile（GBK 编码），编码 GBK，原坐标系 CGCS2000 3° 高斯-克吕格第 37 带（EPSG:4525））/);
    expect(ok.stdout).toMatch(/面积合计：椭球面积 [\d.]+ m²（[\d.]+ 公顷，[\d.]+ 亩）（CGCS2000 椭球）；EPSG:4525 平面面积/);
    expect(ok.stderr).toMatch(/注意：.*GBK/);

    const before = sha256(project);
    const bou = join(SHP, 'cn1to4m_gbk_no_cpg_no_prj', 'bou2_4p.shp');
    const proposed = landgate(['import', project, bou, '--kind', 'admin-boundary']);
    expect(proposed.status).toBe(2);
    expect(proposed.stderr).toMatch(/推定为 CGCS2000 经纬度（EPSG:4490）.*--crs EPSG:4490 确认/);
    expect(sha256(project)).toBe(before);
    const confirmed = landgate(['import', project, bou, '--kind', 'admin-boundary', '--crs', 'EPSG:4490', '--encoding', 'gbk']);
    expect(confirmed.status).toBe(0);
    expect(confirmed.stdout).toMatch(/已导入 925 个要素/);
  }, 300_000);
});
