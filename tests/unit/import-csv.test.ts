import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { MultiPolygon, Point, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { csvModule, csvRows, CsvTokenizer, MAX_ROW_CHARS, parseCsv, parseCsvRows } from '../../shared/importers/csv';
import { detectEncoding, detectEncodingOf } from '../../shared/importers/encoding';
import { ZipReader } from '../../shared/importers/zip';
import { bytesSource } from '../../shared/importers/types';
import { parseXlsx, xlsxSheets } from '../../electron/services/importers/xlsx';
import { mulberry32 } from '../../electron/services/demo/prng';
import { declareInflatedSize, xlsx } from '../fuzz/corpus';
import { refusalOf } from '../support/refusal';
import { importNoteZh } from '../../shared/importers/messages';

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
    expect(swapped.warnings.map(importNoteZh).join()).toContain('对调');
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
    expect(layer.warnings.map(importNoteZh).join()).toContain('已按点号排序');
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

describe('CSV read as a stream', () => {
  const source = (bytes: Uint8Array, name = 't.csv') => bytesSource({ name, bytes });

  it('splits rows the same however the text is cut into pieces (quotes, doubled quotes, CRLF, line breaks in quotes)', () => {
    const random = mulberry32(7);
    const atoms = ['a', '地块', ',', '"', '""', '\r\n', '\n', '\r', ' ', '1.5', '"x,y"', '"line\nbreak"'];
    for (let k = 0; k < 500; k++) {
      const text = Array.from({ length: 5 + Math.floor(random() * 60) }, () => atoms[Math.floor(random() * atoms.length)]).join('');
      const whole = new CsvTokenizer(',').push(text, true);
      const tokenizer = new CsvTokenizer(',');
      const pieces: string[][] = [];
      for (let at = 0; at < text.length; ) {
        const next = at + 1 + Math.floor(random() * 6);
        pieces.push(...tokenizer.push(text.slice(at, next), next >= text.length));
        at = next;
      }
      if (text.length === 0) pieces.push(...tokenizer.push('', true));
      expect(pieces, JSON.stringify(text)).toEqual(whole);
    }
  });

  it('decodes GBK across chunk boundaries: the same rows in 5-byte chunks as whole; the encoding found the same in 3-byte chunks', () => {
    const text = '名称,类型,X坐标,Y坐标\r\n' + Array.from({ length: 200 }, (_, i) => `监测井${i},“国控”,${3940191 + i}.5,38395629.025`).join('\r\n');
    const bytes = new Uint8Array(iconv.encode(text, 'gbk'));
    const rows = [...csvRows(source(bytes), 'gbk', 5)].map((r) => r.cells);
    expect(rows).toEqual(parseCsvRows(text));
    expect(detectEncodingOf(source(bytes), 3)).toEqual(detectEncoding(bytes));
    expect(detectEncodingOf(source(utf8(text)), 3)).toEqual(detectEncoding(utf8(text)));
    const layer = parseCsv([{ name: 'gbk.csv', bytes }]).layers[0];
    expect(layer.features).toHaveLength(200);
    expect(layer.features[199].properties).toEqual({ 名称: '监测井199', 类型: '“国控”' });
  });

  it('refuses a row longer than the limit (a quote never closed) naming the file and row, without reading on', () => {
    const text = `名称,经度,纬度\nA,111.2,35.1\n"${'x'.repeat(MAX_ROW_CHARS + 10)}`;
    const err = refusalOf(() => csv(text, '长行.csv'));
    expect(err.code).toBe('import.table-row-too-long');
    expect(err.messageZh).toMatch(/文件“长行\.csv”第 3 行超过 4 M 个字符/);
  });

  it('keeps two columns of one header apart; builds interleaved corner lists in the order parcels first appear', () => {
    const layer = csv('备注,备注,经度,纬度\n甲,乙,111.2,35.1\n');
    expect(layer.fields).toEqual(['备注', '备注_2']);
    expect(layer.features[0].properties).toEqual({ 备注: '甲', 备注_2: '乙' });
    const corners = csv(
      ['地块编号,点号,X,Y', 'B,1,4195000,38372400', 'A,1,4194000,38372400', 'B,2,4195000,38372410', 'A,2,4194000,38372410', 'A,3,4194010,38372410', 'B,3,4195010,38372410', 'B,4,4195010,38372400', 'A,4,4194010,38372400'].join('\n'),
    );
    expect(corners.features.map((f) => f.properties?.地块编号)).toEqual(['B', 'A']);
    expect((corners.features[0].geometry as Polygon).coordinates[0]).toEqual([[38372400, 4195000], [38372410, 4195000], [38372410, 4195010], [38372400, 4195010], [38372400, 4195000]]);
    expect((corners.features[1].geometry as Polygon).coordinates[0]).toHaveLength(5);
  });
});

describe('XLSX read as a stream', () => {
  it('reads parts piece by piece: an entry inflating past or short of its declared size is refused as corrupt', () => {
    const bytes = zipSync({ 'a.xml': strToU8('<a>' + 'x'.repeat(100_000) + '</a>') });
    const reader = new ZipReader(bytesSource({ name: '包.zip', bytes }), '包.zip');
    expect([...reader.chunks('a.xml')].reduce((n, c) => n + c.length, 0)).toBe(100_007);
    const short = new ZipReader(bytesSource({ name: '小.zip', bytes: declareInflatedSize(bytes, 1000) }), '小.zip');
    expect(refusalOf(() => [...short.chunks('a.xml')]).messageZh).toMatch(/压缩包“小\.zip”中的“a\.xml”解压后大小与声明不符/);
    const long = new ZipReader(bytesSource({ name: '大.zip', bytes: declareInflatedSize(bytes, 200_000) }), '大.zip');
    expect(refusalOf(() => [...long.chunks('a.xml')]).messageZh).toMatch(/解压后大小与声明不符/);
    expect(refusalOf(() => long.within(['a.xml'], 150_000)).messageZh).toMatch(/压缩包“大\.zip”解压后超过/);
  });

  it('reads what Excel and WPS write: prefixed elements, rich text with phonetic runs, _xHHHH_ escapes, inline and formula strings, sparse cells', () => {
    const sheet = [
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
      '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">',
      '  <x:sheetData>',
      '    <x:row r="2" spans="1:4" x14ac:dyDescent="0.25"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2" t="s"><x:v>1</x:v></x:c><x:c r="C2" t="s"><x:v>2</x:v></x:c><x:c r="D2" t="s"><x:v>3</x:v></x:c></x:row>',
      '    <x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:t xml:space="preserve"> 站&amp;一 </x:t></x:is></x:c><x:c r="B5" t="str"><x:f>A1</x:f><x:v>a_x000D_b</x:v></x:c><x:c r="D5"><x:v>35.5</x:v></x:c><x:c r="C5"><x:v>111.25</x:v></x:c></x:row>',
      '  </x:sheetData>',
      '</x:worksheet>',
    ].join('\n');
    const shared = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>名</t></r><r><rPr><b/></rPr><t>称</t></r><rPh sb="0" eb="1"><t>メイ</t></rPh></si><si><t>备_x005F_x000D_注</t></si><si><t>经度</t></si><si><t>纬度</t></si></sst>';
    const bytes = xlsx([], { sheetXml: sheet, sharedXml: shared });
    const [only] = xlsxSheets({ name: 'wps.xlsx', bytes });
    expect([...only.rows()]).toEqual([
      { row: 2, cells: ['名称', '备_x000D_注', '经度', '纬度'] },
      { row: 5, cells: ['站&一', 'a\rb', '111.25', '35.5'] },
    ]);
  });
});
