/**
 * CSV and XLSX tables stream: a large table imports with the heap capped far below what holding
 * its text (or its sheet's DOM) and rows would take, the preview counts every row but keeps a
 * sample, and tables written by GDAL (CSV, GBK-resaved CSV) and by a streaming XLSX writer import
 * with the right attributes and coordinates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Point } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { createApiService } from '../../electron/services/api-service';
import { repoRoot } from '../support/cli';
import { uploadFile } from '../support/import-api';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-tables-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 300_000;
const lon = (i: number) => 111 + (i % 1000) * 0.003;
const lat = (i: number) => 35 + Math.floor(i / 1000) * 0.003;

/** A station table of `ROWS` rows written in pieces, as GBK (a bureau's export), CRLF. */
function writeGbkCsv(path: string) {
  const fd = openSync(path, 'w');
  try {
    let text = '编号,站点名称,类型,经度,纬度\r\n';
    for (let i = 0; i < ROWS; i++) {
      text += `S${i + 1},"监测站,${i + 1}号",国控,${lon(i).toFixed(6)},${lat(i).toFixed(6)}\r\n`;
      if (text.length > 1 << 20 || i === ROWS - 1) {
        writeSync(fd, iconv.encode(text, 'gbk'));
        text = '';
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The CLI as a user runs it, with the heap capped: a table held whole would not fit. */
function importCapped(project: string, source: string, heapMB: number, args: string[]) {
  return spawnSync(process.execPath, [`--max-old-space-size=${heapMB}`, join(repoRoot, 'bin', 'landgate.js'), 'import', project, source, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
}

function newProject(name: string): string {
  const path = file(name);
  ProjectStore.create(path, { title: '表格导入' }).close();
  return path;
}

describe('large tables stream', () => {
  it('a 300 000-row GBK CSV imports within a 128 MB heap: every row, GBK attributes, coordinates as written', () => {
    writeGbkCsv(file('stations.csv'));
    const project = newProject('csv.gpkg');
    const r = importCapped(project, file('stations.csv'), 128, ['--kind', 'monitoring-station', '--crs', 'EPSG:4490', '--name', 'stations']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/已导入 300000 个要素.*CSV 坐标表（GBK）/);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      expect(store.listLayers().find((l) => l.table === 'stations')?.featureCount).toBe(ROWS);
      const last = store.featureById('stations', `S${ROWS}`)!;
      expect(last.properties).toMatchObject({ id: `S${ROWS}`, name: `监测站,${ROWS}号`, type: 'air-national' });
      expect((last.geometry as Point).coordinates).toEqual([Number(lon(ROWS - 1).toFixed(6)), Number(lat(ROWS - 1).toFixed(6))]);
    } finally {
      store.close();
    }
  }, 600_000);

  it('a 200 000-row XLSX written by a streaming writer imports within a 160 MB heap', async () => {
    const rows = 200_000;
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file('stations.xlsx'), useSharedStrings: true });
    const sheet = writer.addWorksheet('站点');
    sheet.addRow(['编号', '站点名称', 'X坐标', 'Y坐标']).commit();
    for (let i = 0; i < rows; i++) sheet.addRow([`W${i + 1}`, `井${i % 50}`, 3_940_000 + Math.floor(i / 1000) * 10, 38_400_000 + (i % 1000) * 10]).commit();
    sheet.commit();
    await writer.commit();
    const project = newProject('xlsx.gpkg');
    const r = importCapped(project, file('stations.xlsx'), 160, ['--kind', 'monitoring-station', '--crs', 'EPSG:4526', '--name', 'wells']);
    expect(r.stderr.trim()).toBe('注意：按数值大小，“X坐标”列为北坐标（X），“Y坐标”列为东坐标（Y）。');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/已导入 200000 个要素/);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const w = store.featureById('wells', 'W1')!;
      expect(w.properties).toMatchObject({ id: 'W1', name: '井0' });
      const [lonW, latW] = (w.geometry as Point).coordinates;
      // cs2cs EPSG:4526 → EPSG:4490 of 3 940 000 N, 38 400 000 E
      expect(lonW).toBeCloseTo(112.896687, 6);
      expect(latW).toBeCloseTo(35.58449, 6);
    } finally {
      store.close();
    }
  }, 600_000);

  it('the preview of the 300 000-row CSV counts every row and shows the first ones', async () => {
    const project = newProject('preview.gpkg');
    const api = createApiService(project);
    try {
      const uploadId = await uploadFile(api, file('stations.csv'), 'stations.csv', 4 << 20);
      const preview = await api.previewImport({ uploadId });
      expect(preview).toMatchObject({ format: 'csv', featureCount: ROWS, kind: 'monitoring-station' });
      expect(preview.encoding?.value).toBe('gbk');
      expect(preview.rows[9]).toMatchObject({ 编号: 'S10', 站点名称: '监测站,10号' });
      expect(preview.bbox?.[0]).toBeCloseTo(111, 6);
    } finally {
      api.close();
    }
  }, 600_000);
});

describe('tables written by GDAL', () => {
  it('ogr2ogr -f CSV (GEOMETRY=AS_XY), as written and resaved as GBK, imports with its attributes', () => {
    const features = [1, 2, 3].map((i) => ({ type: 'Feature', properties: { 站点名称: `站${i}`, 类型: i === 1 ? '国控' : '省控' }, geometry: { type: 'Point', coordinates: [112 + i / 10, 37 + i / 10] } }));
    writeFileSync(file('pts.geojson'), JSON.stringify({ type: 'FeatureCollection', features }));
    const ogr = spawnSync('ogr2ogr', ['-q', '-f', 'CSV', file('gdal.csv'), file('pts.geojson'), '-lco', 'GEOMETRY=AS_XY'], { encoding: 'utf8' });
    expect(ogr.status, ogr.stderr).toBe(0);
    writeFileSync(file('gdal-gbk.csv'), iconv.encode(readFileSync(file('gdal.csv'), 'utf8'), 'gbk'));
    for (const name of ['gdal.csv', 'gdal-gbk.csv']) {
      const project = newProject(`${name}.gpkg`);
      const r = importCapped(project, file(name), 256, ['--kind', 'monitoring-station', '--crs', 'EPSG:4490', '--name', 'pts']);
      expect(r.stderr, name).toBe('');
      expect(r.stdout).toMatch(name === 'gdal.csv' ? /已导入 3 个要素.*UTF-8/ : /已导入 3 个要素.*GBK/);
      const store = ProjectStore.open(project, { readonly: true });
      try {
        const got = store.readFeatures('pts').features.map((f) => [f.properties?.name, f.properties?.type, ...(f.geometry as Point).coordinates]);
        expect(got).toEqual([
          ['站1', 'air-national', 112.1, 37.1],
          ['站2', 'air-provincial', 112.2, 37.2],
          ['站3', 'air-provincial', 112.3, 37.3],
        ]);
      } finally {
        store.close();
      }
    }
  }, 120_000);
});
