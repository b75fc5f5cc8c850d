/**
 * Bad input is refused naming the file the user gave (the .zip, not the .shp inside), exits 2 and
 * leaves the project byte-identical; honest files written by GDAL import. Runs the real command
 * in-process (the same `main` as `landgate`), and once as a process for a reader that closes the pipe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { main } from '../../electron/cli/main';
import { ProjectStore } from '../../electron/services/project-store';
import { repoRoot, sha256 } from '../support/cli';
import { declareInflatedSize, xlsx } from '../fuzz/corpus';

let dir: string;
let template: string;
const file = (name: string) => join(dir, name);

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** Runs an import on a fresh copy of the empty project; a refusal must leave it byte-identical. */
async function importInto(name: string, args: string[]) {
  const project = file(`${name}.gpkg`);
  copyFileSync(template, project);
  const before = sha256(project);
  const r = await run(['import', project, ...args]);
  if (r.code !== 0) expect(sha256(project)).toBe(before);
  expect(r.err).not.toMatch(/内部错误|\n\s+at /);
  return { ...r, project };
}

function ogr(args: string[]) {
  const r = spawnSync('ogr2ogr', ['-q', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

const square = (lon: number, lat: number) => [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-harden-'));
  template = file('template.gpkg');
  expect((await run(['init', template])).code).toBe(0);
  // parcels in GK zone 38 with the zone prefix, declared as zone 37 by the .prj
  const gk = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { DKBH: 'A1' }, geometry: { type: 'Polygon', coordinates: [[[38400000, 3940000], [38400100, 3940000], [38400100, 3940100], [38400000, 3940000]]] } }] };
  writeFileSync(file('gk.geojson'), JSON.stringify(gk));
  ogr(['-f', 'ESRI Shapefile', '-a_srs', 'EPSG:4525', file('zone.shp'), file('gk.geojson')]);
  const zip: Record<string, Uint8Array> = {};
  for (const ext of ['shp', 'shx', 'dbf', 'prj']) zip[`zone.${ext}`] = readFileSync(file(`zone.${ext}`));
  writeFileSync(file('宗地 图.zip'), zipSync(zip));
  writeFileSync(file('bomb.zip'), declareInflatedSize(zipSync(zip), 0x7ff00000));
  writeFileSync(file('bomb.kmz'), declareInflatedSize(zipSync({ 'doc.kml': strToU8('<kml/>') }), 0x7ff00000));
  // honest points and parcels, written by GDAL
  writeFileSync(file('stations.csv'), 'id,name,X,Y\n1,站一,112.5,37.5\n2,站二,112.6,37.6\n');
  ogr(['-f', 'XLSX', file('ogr.xlsx'), file('stations.csv'), '-oo', 'X_POSSIBLE_NAMES=X', '-oo', 'Y_POSSIBLE_NAMES=Y', '-oo', 'AUTODETECT_TYPE=YES']);
  const parcels = { type: 'FeatureCollection', features: [1, 2, 3].map((i) => ({ type: 'Feature', properties: { DKBH: `P${i}` }, geometry: { type: 'Polygon', coordinates: square(112 + i * 0.02, 37.5) } })) };
  writeFileSync(file('parcels.geojson'), JSON.stringify(parcels));
  ogr(['-f', 'GPKG', '-a_srs', 'EPSG:4490', file('ogr.gpkg'), file('parcels.geojson')]);
  ogr(['-f', 'ESRI Shapefile', '-a_srs', 'EPSG:4490', '-lco', 'ENCODING=UTF-8', file('ogr.shp'), file('parcels.geojson')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('refusals name the file given and change nothing', () => {
  it('a .prj declaring GK zone 37 over zone-38 coordinates: refused naming both zones; a zip is named, not its .shp', async () => {
    const shp = await importInto('zone-shp', [file('zone.shp'), '--kind', 'parcel']);
    expect(shp.code).toBe(2);
    expect(shp.err).toMatch(/第 37 带（EPSG:4525.*带号前缀 38.*--crs EPSG:4526/);
    const zipped = await importInto('zone-zip', [file('宗地 图.zip'), '--kind', 'parcel']);
    expect(zipped.code).toBe(2);
    expect(zipped.err).toMatch(/^错误：文件“宗地 图\.zip”声明的坐标系为 3° 带第 37 带/);
    expect(zipped.err).not.toMatch(/“zone\.shp”/);
    const confirmed = await importInto('zone-ok', [file('宗地 图.zip'), '--kind', 'parcel', '--crs', 'EPSG:4526']);
    expect(confirmed.code).toBe(0);
  });

  it('archives declaring more than the inflate budget are refused before inflating, naming the archive', async () => {
    for (const name of ['bomb.zip', 'bomb.kmz']) {
      const r = await importInto(name.replace('.', '-'), [file(name), '--kind', 'monitoring-station']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`“${name.replace('.', '\\.')}”解压后超过 512 MB`));
    }
  });

  it('hostile XLSX: references past XFD / row 1 048 576, empty workbook, an external entity, broken tags', async () => {
    const rows = [['编号', '经度', '纬度'], ['1', '112.5', '37.5']];
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['xfd.xlsx', xlsx(rows, { sheetXml: '<worksheet><sheetData><row r="1"><c r="XFDXFD2"><v>1</v></c></row></sheetData></worksheet>' }), /超出 Excel 的列范围/],
      ['rows.xlsx', xlsx(rows, { sheetXml: '<worksheet><sheetData><row r="1000000000"><c r="A1"><v>1</v></c></row></sheetData></worksheet>' }), /超出 Excel 的行范围/],
      ['empty.xlsx', xlsx(rows, { workbookXml: '' }), /不是 XLSX 工作簿/],
      ['entity.xlsx', xlsx(rows, { sharedPrefix: '<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>' }), /“entity\.xlsx”/],
      ['broken.xlsx', xlsx(rows, { sheetXml: '<worksheet><sheetData><row r="1"><c r="A1"><v>1</c></row></sheetData' }), /“broken\.xlsx”/],
    ];
    for (const [name, bytes, problem] of cases) {
      writeFileSync(file(name), bytes);
      const r = await importInto(name, [file(name), '--kind', 'monitoring-station', '--crs', 'EPSG:4490']);
      expect(r.code, name).toBe(2);
      expect(r.err).toMatch(new RegExp(`^错误：(文件|压缩包)“${name.replace('.', '\\.')}”`));
      expect(r.err).toMatch(problem);
    }
  });

  it('GeoJSON nested a million deep or with 10 000 keys is refused; a NUL in a name is cleaned away', async () => {
    writeFileSync(file('deep.geojson'), `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}},"geometry":null}]}`);
    const deep = await importInto('deep', [file('deep.geojson'), '--kind', 'parcel']);
    expect(deep.code).toBe(2);
    expect(deep.err).toMatch(/“deep\.geojson”的数组或对象嵌套超过 64 层/);
    const keys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    writeFileSync(file('keys.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: keys, geometry: { type: 'Polygon', coordinates: square(112.5, 37.5) } }] }));
    const many = await importInto('keys', [file('keys.geojson'), '--kind', 'parcel']);
    expect(many.code).toBe(2);
    expect(many.err).toMatch(/“keys\.geojson”有 10000 个不同的属性字段，超过 500 个/);
    writeFileSync(file('nul.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { DKBH: 'N1', 'a\u0000b': 1, nested: { x: [1, 2] } }, geometry: { type: 'Polygon', coordinates: square(112.5, 37.5) } }] }));
    const nul = await importInto('nul', [file('nul.geojson'), '--kind', 'parcel']);
    expect(nul.err).toBe('');
    expect(nul.code).toBe(0);
    const store = ProjectStore.open(nul.project, { readonly: true });
    try {
      const props = store.readFeatures('nul').features[0].properties!;
      expect(props.ab).toBe(1);
      expect(props.nested).toBe('{"x":[1,2]}');
    } finally {
      store.close();
    }
  });
});

describe('honest files written by GDAL import', () => {
  it('ogr2ogr XLSX (indented XML), GeoPackage and Shapefile', async () => {
    const x = await importInto('ogr-xlsx', [file('ogr.xlsx'), '--kind', 'monitoring-station', '--crs', 'EPSG:4490']);
    expect(x.err).toBe('');
    expect(x.out).toMatch(/已导入 2 个要素/);
    const g = await importInto('ogr-gpkg', [file('ogr.gpkg'), '--kind', 'parcel']);
    expect(g.out).toMatch(/已导入 3 个要素/);
    const s = await importInto('ogr-shp', [file('ogr.shp'), '--kind', 'parcel']);
    expect(s.out).toMatch(/已导入 3 个要素/);
  });

  it('a 400 000-point boundary ring imports', async () => {
    const n = 400_000;
    const lines = ['[属性描述]', '坐标系=2000国家大地坐标系', '几度分带=3', '投影类型=高斯克吕格', '带号=38', '[地块坐标]', `${n + 1},,BIG1,大环,面,,,,@`];
    for (let i = 0; i <= n; i++) {
      const a = (2 * Math.PI * (i % n)) / n;
      lines.push(`J${(i % n) + 1},1,${(3_940_000 + 5000 * Math.sin(a)).toFixed(3)},${(38_400_000 + 5000 * Math.cos(a)).toFixed(3)}`);
    }
    writeFileSync(file('ring.txt'), lines.join('\r\n'));
    const r = await importInto('ring', [file('ring.txt'), '--kind', 'parcel']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/已导入 1 个要素/);
  }, 180_000);
});

describe('a 2 000 000-vertex polygon', () => {
  /** One value of a one-row `ogrinfo -sql` (SQLite dialect: SpatiaLite's ellipsoidal area). */
  function ogrValue(path: string, sql: string, field: string): number {
    const r = spawnSync('ogrinfo', ['-q', '-ro', '-dialect', 'SQLite', '-sql', sql, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const m = new RegExp(`${field} \\([A-Za-z]+\\) = ([-0-9.e+]+)`).exec(r.stdout);
    if (!m) throw new Error(`ogrinfo: ${r.stdout}${r.stderr}`);
    return Number(m[1]);
  }

  it('written by GDAL as a shapefile imports whole within a 512 MB heap, area as SpatiaLite measures it', () => {
    // a wavy ring around a point in Shanxi: 2 000 000 distinct vertices, simple, 7 700 ha
    const n = 2_000_000;
    const ring: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      const r = 0.05 * (1 + 0.02 * Math.sin(a * 4000));
      ring.push([Number((112.5 + r * Math.cos(a)).toFixed(8)), Number((37.5 + r * Math.sin(a)).toFixed(8))]);
    }
    ring.push(ring[0]);
    writeFileSync(file('big.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { DKBH: 'BIG-1' }, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
    ring.length = 0;
    const written = spawnSync('ogr2ogr', ['-q', '-f', 'ESRI Shapefile', '-a_srs', 'EPSG:4490', file('big.shp'), file('big.geojson')], { encoding: 'utf8', env: { ...process.env, OGR_GEOJSON_MAX_OBJ_SIZE: '0' } });
    expect(written.status, written.stderr).toBe(0);
    const project = file('big.gpkg');
    copyFileSync(template, project);
    // the command as a user runs it, its heap capped: a copy too many of the ring would not fit
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', join(repoRoot, 'bin', 'landgate.js'), 'import', project, file('big.shp'), '--kind', 'parcel'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/已导入 1 个要素/);
    const reference = ogrValue(file('big.shp'), 'SELECT ST_Area(geometry, 1) AS a FROM big', 'a');
    expect(Number(/椭球面积 ([0-9.]+) m²/.exec(r.stdout)?.[1])).toBeCloseTo(reference, 0);
    expect(ogrValue(project, 'SELECT ST_NumPoints(ST_ExteriorRing(geom)) AS n FROM big', 'n')).toBe(n + 1);
    expect(ogrValue(project, 'SELECT ST_Area(geom, 1) AS a FROM big', 'a')).toBeCloseTo(reference, 0);
  }, 300_000);
});

describe('a reader that closes the pipe', () => {
  it('`landgate import … | head -c1` ends without an unhandled EPIPE', () => {
    const project = file('pipe.gpkg');
    copyFileSync(template, project);
    const r = spawnSync('sh', ['-c', `node "${join(repoRoot, 'bin', 'landgate.js')}" import "${project}" "${file('parcels.geojson')}" --kind parcel | head -c1 >/dev/null; echo "status=\${PIPESTATUS:-$?}"`], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Unhandled|EPIPE|\n\s+at /);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      expect(store.listLayers().some((l) => l.table === 'parcels')).toBe(true);
    } finally {
      store.close();
    }
  });
});
