import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { MultiPolygon, Point, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { csvModule, parseCsv, parseCsvRows } from '../../shared/importers/csv';
import { parseXlsx } from '../../electron/services/importers/xlsx';
import { refusalOf } from '../support/refusal';

const utf8 = (t: string) => new TextEncoder().encode(t);
const csv = (text: string, name = 't.csv', options = {}) => parseCsv([{ name, bytes: utf8(text) }], options).layers[0];

describe('CSV coordinate tables', () => {
  it('splits quoted fields, CRLF, tabs', () => {
    expect(parseCsvRows('a,"b,c","d""e"\r\n1,2,3\r\n')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['1', '2', '3'],
    ]);
    expect(parseCsvRows('a\tb\n1\t2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads a station table with lon/lat columns (UTF-8 with BOM, title row above the header)', () => {
    const layer = csv('\uFEFF监测站点一览表,,,\n站点名称,类型,经度,纬度\n夏县站,国控,111.2201,35.1408\n城区站,省控,112.8512,35.4978\n');
    expect(layer.features).toHaveLength(2);
    expect(layer.features[0].geometry).toEqual({ type: 'Point', coordinates: [111.2201, 35.1408] });
    expect(layer.features[0].properties).toEqual({ 站点名称: '夏县站', 类型: '国控' });
    expect(layer.fields).toEqual(['站点名称', '类型']);
    expect(layer.crs).toMatchObject({ value: 'EPSG:4490', confidence: 'proposed' });
    expect(layer.encoding?.value).toBe('utf-8');
  });

  it('reads GK X/Y columns with X = northing (GBK file), swapped lat/lon columns too', () => {
    const text = '名称,X坐标,Y坐标\n井1,3940191.872,38395629.025\n';
    const layer = parseCsv([{ name: 'gbk.csv', bytes: new Uint8Array(iconv.encode(text, 'gbk')) }]).layers[0];
    expect(layer.encoding?.value).toBe('gbk');
    expect(layer.features[0].properties).toEqual({ 名称: '井1' });
    expect((layer.features[0].geometry as Point).coordinates).toEqual([38395629.025, 3940191.872]);
    expect(layer.crs).toMatchObject({ value: 'EPSG:4526', confidence: 'proposed' });
    const swapped = csv('name,lat,lon\nA,111.2,35.1\n');
    expect((swapped.features[0].geometry as Point).coordinates).toEqual([111.2, 35.1]);
    expect(swapped.warnings.join()).toContain('对调');
  });

  it('builds parcels from corner lists grouped by 地块编号, holes by containment, rows out of order', () => {
    const text = [
      '地块编号,地块名称,点号,圈号,X,Y',
      'A,甲,J1,1,4194120,38372400',
      'A,甲,J2,1,4194120,38372480',
      'A,甲,J3,1,4194065,38372480',
      'A,甲,J4,1,4194065,38372400',
      'A,甲,J5,2,4194100,38372430',
      'A,甲,J6,2,4194100,38372450',
      'A,甲,J7,2,4194090,38372450',
      'A,甲,J8,2,4194090,38372430',
      'B,乙,3,,4195010,38372410',
      'B,乙,1,,4195000,38372400',
      'B,乙,2,,4195000,38372410',
      'B,乙,4,,4195010,38372400',
    ].join('\n');
    const layer = csv(text);
    expect(layer.features).toHaveLength(2);
    const [a, b] = layer.features;
    expect(a.properties).toEqual({ 地块编号: 'A', 地块名称: '甲' });
    expect((a.geometry as Polygon).coordinates).toHaveLength(2);
    expect((a.geometry as Polygon).coordinates[0]).toHaveLength(5);
    const ringB = (b.geometry as Polygon).coordinates[0];
    // sorted by 点号 1,2,3,4 → a square, not a bow-tie
    expect(new Set(ringB.slice(0, 4).map((p) => p.join()))).toEqual(new Set(['38372400,4195000', '38372410,4195000', '38372410,4195010', '38372400,4195010']));
    expect(layer.warnings.join()).toContain('已按点号排序');
    expect(layer.extras?.mode).toBe('corners');
    expect((b.geometry as MultiPolygon).type).toBe('Polygon');
  });

  it('names the row and column of a bad value; refuses tables without coordinate columns', () => {
    const err = refusalOf(() => csv('名称,经度,纬度\nA,111.2,35.1\nB,abc,35.2\n', '站点.csv'));
    expect(err.code).toBe('import.table-number');
    expect(err.messageZh).toContain('站点.csv');
    expect(err.messageZh).toContain('第 3 行');
    expect(err.messageZh).toContain('“经度”列');
    expect(refusalOf(() => csv('名称,地址\nA,夏县\n')).code).toBe('import.table-no-coordinates');
    expect(refusalOf(() => csv('名称,X,Y\nA,12,13000\n')).code).toBe('import.table-magnitude');
    expect(csvModule.sniff([{ name: 'a.CSV', bytes: utf8('') }])).toBe(true);
  });

  it('honours explicit column choices', () => {
    const layer = csv('名称,东,北\nA,38395629.025,3940191.872\n', 't.csv', { columns: { x: '东', y: '北' } });
    expect((layer.features[0].geometry as Point).coordinates).toEqual([38395629.025, 3940191.872]);
  });
});

describe('XLSX coordinate tables', () => {
  it('reads every sheet with coordinates written by a real XLSX writer (exceljs)', async () => {
    const wb = new ExcelJS.Workbook();
    const s1 = wb.addWorksheet('站点');
    s1.addRow(['站点名称', '类型', '经度', '纬度']);
    s1.addRow(['夏县站', '国控', 111.2201, 35.1408]);
    s1.addRow(['城区站', '省控', 112.8512, 35.4978]);
    wb.addWorksheet('说明').addRow(['本表由测试生成']);
    const s3 = wb.addWorksheet('界址点');
    s3.addRow(['地块编号', '点号', 'X', 'Y']);
    s3.addRow(['TY-1', 'J1', 4194120, 38372400]);
    s3.addRow(['TY-1', 'J2', 4194120, 38372480]);
    s3.addRow(['TY-1', 'J3', 4194065, 38372480]);
    s3.addRow(['TY-1', 'J4', 4194065, 38372400]);
    s3.addRow(['TY-1', 'J1', 4194120, 38372400]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const source = parseXlsx([{ name: '坐标.xlsx', bytes }]);
    expect(source.layers.map((l) => [l.name, l.features.length])).toEqual([
      ['站点', 2],
      ['界址点', 1],
    ]);
    expect(source.layers[0].features[1].properties).toEqual({ 站点名称: '城区站', 类型: '省控' });
    expect((source.layers[1].features[0].geometry as Polygon).coordinates[0]).toHaveLength(5);
    expect(source.layers[1].crs.value).toBe('EPSG:4526');
  });

  it('refuses a corrupt file naming it', () => {
    const err = refusalOf(() => parseXlsx([{ name: '坏.xlsx', bytes: utf8('not a zip') }]));
    expect(err.messageZh).toContain('坏.xlsx');
  });
});
