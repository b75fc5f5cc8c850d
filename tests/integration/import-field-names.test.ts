/**
 * Land-database field names through the real import paths: a shapefile with the 三调 / 报批
 * pinyin fields a county receives (upper-case DBF names, as ArcGIS and GDAL write them), the
 * import preview of the dialog, and `landgate import` with its stderr notes and `--field`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { landgate, sha256 } from '../support/cli';
import { uploadFile, waitImportJob } from '../support/import-api';
import { rect } from '../support/geometry';
import { importNoteZh } from '../../shared/importers/messages';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-field-names-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A GeoJSON of `properties.length` small parcels near 夏县 (EPSG:4490). */
function writeGeoJson(name: string, properties: Array<Record<string, unknown>>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4490' } },
      features: properties.map((p, i) => ({ type: 'Feature', properties: p, geometry: { type: 'Polygon', coordinates: [rect(111.2 + i * 0.002, 35.1, 111.201 + i * 0.002, 35.101)] } })),
    }),
  );
  return path;
}

/**
 * The same parcels as a polygon shapefile (.shp/.shx/.dbf/.cpg, UTF-8 DBF, no .prj: imported with
 * --crs EPSG:4490). Written here byte by byte so the test needs no GDAL; strings become C fields,
 * numbers N fields with two decimals when any value has a fraction.
 */
function writeShapefile(name: string, properties: Array<Record<string, unknown>>): string {
  const base = join(dir, name);
  const rings = properties.map((_, i) => [...rect(111.2 + i * 0.002, 35.1, 111.201 + i * 0.002, 35.101)].reverse()); // ESRI outer rings run clockwise
  const box = (pts: number[][]) => [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
  const header = (bytes: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(bytes / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(5, 32);
    box(rings.flat()).forEach((v, i) => h.writeDoubleLE(v, 36 + i * 8));
    return h;
  };
  const records = rings.map((ring, i) => {
    const content = Buffer.alloc(44 + 4 + 16 * ring.length);
    content.writeInt32LE(5, 0);
    box(ring).forEach((v, k) => content.writeDoubleLE(v, 4 + k * 8));
    content.writeInt32LE(1, 36);
    content.writeInt32LE(ring.length, 40);
    content.writeInt32LE(0, 44);
    ring.forEach((p, k) => {
      content.writeDoubleLE(p[0], 48 + k * 16);
      content.writeDoubleLE(p[1], 56 + k * 16);
    });
    const head = Buffer.alloc(8);
    head.writeInt32BE(i + 1, 0);
    head.writeInt32BE(content.length / 2, 4);
    return Buffer.concat([head, content]);
  });
  const shpLength = 100 + records.reduce((s, r) => s + r.length, 0);
  writeFileSync(`${base}.shp`, Buffer.concat([header(shpLength), ...records]));
  let offset = 100;
  const index = records.map((r) => {
    const e = Buffer.alloc(8);
    e.writeInt32BE(offset / 2, 0);
    e.writeInt32BE((r.length - 8) / 2, 4);
    offset += r.length;
    return e;
  });
  writeFileSync(`${base}.shx`, Buffer.concat([header(100 + 8 * records.length), ...index]));

  const names = [...new Set(properties.flatMap((p) => Object.keys(p)))];
  const fields = names.map((fieldName) => {
    const values = properties.map((p) => p[fieldName]);
    const numeric = values.every((v) => typeof v === 'number' || v === undefined);
    const decimals = numeric && values.some((v) => typeof v === 'number' && !Number.isInteger(v)) ? 2 : 0;
    const text = (v: unknown) => (v === undefined ? '' : numeric ? (v as number).toFixed(decimals) : String(v));
    const length = Math.max(10, ...values.map((v) => Buffer.byteLength(text(v))));
    return { name: fieldName, type: numeric ? 'N' : 'C', length, decimals, text };
  });
  const recordLength = 1 + fields.reduce((s, f) => s + f.length, 0);
  const headerLength = 32 + 32 * fields.length + 1;
  const dh = Buffer.alloc(headerLength);
  dh.writeUInt8(0x03, 0);
  dh.writeUInt32LE(properties.length, 4);
  dh.writeUInt16LE(headerLength, 8);
  dh.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    dh.write(f.name, 32 + i * 32, 'latin1');
    dh.write(f.type, 32 + i * 32 + 11, 'latin1');
    dh.writeUInt8(f.length, 32 + i * 32 + 16);
    dh.writeUInt8(f.decimals, 32 + i * 32 + 17);
  });
  dh.writeUInt8(0x0d, headerLength - 1);
  const rows = properties.map((p) => {
    const row = Buffer.alloc(recordLength, 0x20);
    let at = 1;
    for (const f of fields) {
      const bytes = Buffer.from(f.text(p[f.name]));
      (f.type === 'N' ? Buffer.concat([Buffer.alloc(f.length - bytes.length, 0x20), bytes]) : bytes).copy(row, at);
      at += f.length;
    }
    return row;
  });
  writeFileSync(`${base}.dbf`, Buffer.concat([dh, ...rows, Buffer.from([0x1a])]));
  writeFileSync(`${base}.cpg`, 'UTF-8');
  return `${base}.shp`;
}

const newProject = (name: string) => {
  const project = join(dir, `${name}.gpkg`);
  expect(landgate(['init', project]).status).toBe(0);
  return project;
};

const readLayer = (project: string, table: string) => {
  const store = ProjectStore.open(project, { readonly: true });
  try {
    return store.readFeatures(table).features.map((f) => f.properties ?? {});
  } finally {
    store.close();
  }
};

describe('land-database field names on import', { timeout: 120_000 }, () => {
  it('a shapefile with DKBH, DKMC, GHYT, DLBM, DLMC, XZQDM, TBBH, BSM: canonical keys, DKBH as the id', () => {
    const shp = writeShapefile('baopi', [
      { BSM: 101, TBBH: '0031', DKBH: '140828-2025-01', DKMC: '东关地块', GHYT: '0701', DLBM: '0601', DLMC: '工业用地', XZQDM: '140828', YDMJ: 1234.5 },
      { BSM: 102, TBBH: '0032', DKBH: '140828-2025-02', DKMC: '西关地块', GHYT: '0801', DLBM: '0103', DLMC: '旱地', XZQDM: '140828', YDMJ: 987.6 },
    ]);
    const project = newProject('baopi');
    const run = landgate(['import', project, shp, '--kind', 'parcel', '--name', 'baopi', '--crs', 'EPSG:4490']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const [first] = readLayer(project, 'baopi');
    expect(first).toMatchObject({ id: '140828-2025-01', name: '东关地块', plannedUse: '0701', currentUse: '0601', currentUseName: '工业用地', adminCode: '140828', BSM: 101, TBBH: '0031', YDMJ: 1234.5 });
    expect(first).not.toHaveProperty('DKBH');

    // 永久基本农田 patches: TBBH is the id, BSM kept; DLBM means nothing to a reference layer and stays
    const patches = writeShapefile('jbnt', [{ BSM: 7, TBBH: '0031', DLBM: '0103', XZQDM: '140828', ZLDWMC: '东关村' }]);
    const farmland = landgate(['import', project, patches, '--kind', 'basic-farmland', '--name', 'farmland', '--crs', 'EPSG:4490']);
    expect(farmland.status, farmland.stderr).toBe(0);
    expect(farmland.stderr).toBe('');
    expect(readLayer(project, 'farmland')[0]).toMatchObject({ id: '0031', BSM: 7, DLBM: '0103', adminCode: '140828', locationUnit: '东关村' });
  });

  it('an admin boundary with XZQDM / XZQMC gets its code and name', () => {
    const shp = writeShapefile('xzq', [{ XZQDM: '140828', XZQMC: '夏县' }]);
    const project = newProject('xzq');
    const run = landgate(['import', project, shp, '--kind', 'admin-boundary', '--name', 'xzq', '--crs', 'EPSG:4490']);
    expect(run.status, run.stderr).toBe(0);
    expect(readLayer(project, 'xzq')[0]).toMatchObject({ id: '1', code: '140828', name: '夏县' });
  });

  it('a parcel shapefile without an id field: zh note on stderr naming the fields and --field, ids 1…N; --field fixes it', () => {
    const shp = writeShapefile('noid', [{ ZDH: 'ZD-7', GHYT: '0701' }, { ZDH: 'ZD-8', GHYT: '0801' }]);
    const project = newProject('noid');
    const run = landgate(['import', project, shp, '--kind', 'parcel', '--name', 'noid', '--crs', 'EPSG:4490']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^注意：没有识别出地块编号字段（文件的字段：ZDH、GHYT），2 个地块已按要素顺序编号为 1…2/m);
    expect(run.stderr).toContain('字段对应');
    expect(run.stderr).toContain('--field 字段名=id');
    expect(readLayer(project, 'noid').map((p) => p.id)).toEqual(['1', '2']);

    const mapped = landgate(['import', project, shp, '--kind', 'parcel', '--name', 'noid_mapped', '--crs', 'EPSG:4490', '--field', 'ZDH=id']);
    expect(mapped.status, mapped.stderr).toBe(0);
    expect(mapped.stderr).toBe('');
    expect(readLayer(project, 'noid_mapped').map((p) => p.id)).toEqual(['ZD-7', 'ZD-8']);
  });

  it('refuses a --field naming a field the file lacks, a key the kind lacks, or no field; nothing written', () => {
    const path = writeGeoJson('refuse.geojson', [{ ZDH: 'ZD-1' }]);
    const project = newProject('refuse');
    const before = sha256(project);
    const missing = landgate(['import', project, path, '--kind', 'parcel', '--field', 'ZDBH=id']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('没有字段“ZDBH”');
    expect(missing.stderr).toContain('ZDH');
    expect(missing.stderr).toMatch(/^error: .*no field "ZDBH"/m);
    const badKey = landgate(['import', project, path, '--kind', 'parcel', '--field', 'ZDH=parcelNo']);
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toContain('“parcelNo”不是报件地块（parcel）图层的标准字段');
    const syntax = landgate(['import', project, path, '--kind', 'parcel', '--field', 'id']);
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toContain('--field 的格式应为 源字段=标准键');
    expect(sha256(project)).toBe(before);
  });
});

describe('the import preview (dialog)', { timeout: 120_000 }, () => {
  let api: ApiService;
  beforeAll(() => {
    const project = join(dir, 'api.gpkg');
    ProjectStore.create(project, { title: '字段名预览' }).close();
    api = createApiService(project);
  });
  afterAll(() => api.close());

  it('warns about a parcel file without an id field, names its fields; none once DKBH is there', async () => {
    const noId = writeGeoJson('地块无编号.geojson', [{ 宗地号: 'ZD-1', GHYT: '0701' }, { 宗地号: 'ZD-2', GHYT: '0801' }]);
    const preview = await api.previewImport({ uploadId: await uploadFile(api, noId, '地块无编号.geojson') });
    expect(preview.kind).toBe('parcel');
    expect(preview.fieldMap).toEqual({ 宗地号: '', GHYT: 'plannedUse' });
    const warning = preview.warnings.map(importNoteZh).find((w) => w.startsWith('没有识别出地块编号字段'));
    expect(warning).toContain('宗地号、GHYT');
    expect(warning).toContain('导入后 2 个地块将按要素顺序编号为 1…2');
    expect(warning).toContain('字段对应');

    // with the mapping chosen in the dialog the import uses 宗地号 and says nothing about ids
    const uploadId = await uploadFile(api, noId, '地块无编号.geojson');
    const { jobId } = await api.startImport({ uploadId, kind: 'parcel', table: 'zdh', fieldMap: { 宗地号: 'id', GHYT: 'plannedUse' } });
    const status = await waitImportJob(api, jobId);
    expect(status.error).toBeUndefined();
    expect(status.warnings ?? []).toEqual([]);
    expect((await api.queryParcels({ table: 'zdh', offset: 0, limit: 10 })).rows.map((p) => p.id)).toEqual(['ZD-1', 'ZD-2']);

    const withId = writeGeoJson('有编号.geojson', [{ BSM: 1, TBBH: '0031', DKBH: 'DK-1' }]);
    const ok = await api.previewImport({ uploadId: await uploadFile(api, withId, '有编号.geojson') });
    expect(ok.fieldMap).toEqual({ BSM: '', TBBH: '', DKBH: 'id' });
    expect(ok.warnings).toEqual([]);
  });
});
