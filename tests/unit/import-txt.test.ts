import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Polygon, MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { assemblePolygons, boundaryTxtModule, parseBoundaryTxt, type TxtParcelReport } from '../../shared/importers/boundary-txt';
import { sharedData } from '../support/cli';
import { refusalOf } from '../support/refusal';
import { importNoteZh } from '../../shared/importers/messages';

const EXAMPLE = `[属性描述]
格式版本号=1.01
数据产生单位=XX县自然资源局
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=38
精度=0.001
转换参数=,,,,,,
[地块坐标]
10,0.4200,TY-2025-01,地块1,面,,住宅用地,0701,@
J1,1,4194120.000,38372400.000
J2,1,4194120.000,38372480.000
J3,1,4194065.000,38372480.000
J4,1,4194065.000,38372400.000
J1,1,4194120.000,38372400.000
J5,2,4194100.000,38372430.000
J6,2,4194100.000,38372450.000
J7,2,4194090.000,38372450.000
J8,2,4194090.000,38372430.000
J5,2,4194100.000,38372430.000
`;

const utf8 = (text: string) => new TextEncoder().encode(text);
const parse = (text: string, name = 'test.txt', options = {}) => parseBoundaryTxt({ name, bytes: utf8(text) }, options).layers[0];
const reports = (layer: { extras?: Record<string, unknown> }) => layer.extras?.parcels as TxtParcelReport[];

describe('boundary-point TXT importer', () => {
  it('reads the domain.md §5 example: hole by containment, 0.4400 − 0.0200 = 0.4200 ha, EPSG:4526', () => {
    const layer = parse(EXAMPLE);
    expect(layer.crs).toMatchObject({ value: 'EPSG:4526', confidence: 'certain' });
    expect(layer.features).toHaveLength(1);
    const f = layer.features[0];
    expect(f.properties).toMatchObject({ 地块编号: 'TY-2025-01', 地块名称: '地块1', 地块用途: '住宅用地', 地类编码: '0701', 地块面积: '0.4200' });
    const g = f.geometry as Polygon;
    expect(g.type).toBe('Polygon');
    expect(g.coordinates).toHaveLength(2);
    // x = easting with prefix, y = northing
    expect(g.coordinates[0]).toContainEqual([38372400, 4194120]);
    const [report] = reports(layer);
    expect(report.planarAreaHa).toBeCloseTo(0.42, 10);
    expect(report.headerAreaHa).toBe(0.42);
    expect(report.holes).toBe(1);
    expect(report.geodesicAreaHa).toBeGreaterThan(0.419);
    expect(report.geodesicAreaHa).toBeLessThan(0.42);
    expect(layer.warnings).toEqual([]);
  });

  it('decides holes and parts by containment, not by 圈号 (multipart with ring numbers 4, 5 and a hole numbered 1)', () => {
    const text = `[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=37\n[地块坐标]
15,0.0000,A,甲,面,,,,@
J1,4,4000000,37500000
J2,4,4000000,37500100
J3,4,4000100,37500100
J4,4,4000100,37500000
J1,4,4000000,37500000
J1,5,4000000,37600000
J2,5,4000000,37600010
J3,5,4000010,37600010
J1,5,4000000,37600000
J1,1,4000040,37500040
J2,1,4000040,37500060
J3,1,4000060,37500060
J4,1,4000060,37500040
J1,1,4000040,37500040
`;
    const layer = parse(text);
    const g = layer.features[0].geometry as MultiPolygon;
    expect(g.type).toBe('MultiPolygon');
    expect(g.coordinates).toHaveLength(2);
    const big = g.coordinates.find((p) => p.length === 2)!;
    expect(big).toBeDefined();
    expect(reports(layer)[0].planarAreaHa).toBeCloseTo((100 * 100 - 20 * 20 + 10 * 10 / 2) / 10000, 10);
    // header area 0 vs computed: reported
    expect(layer.warnings.map(importNoteZh).some((w) => w.includes('面积'))).toBe(true);
  });

  it('assemblePolygons puts an island inside a hole as its own part', () => {
    const sq = (x: number, y: number, s: number) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
    const polys = assemblePolygons([sq(2, 2, 6), sq(0, 0, 10), sq(4, 4, 2)]);
    expect(polys.map((p) => p.length).sort()).toEqual([1, 2]);
  });

  it('reads the GBK/CRLF 城区 file by path: encoding, CRS, header area = computed area', () => {
    const path = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');
    const files = [{ name: 'chengqu.txt', bytes: new Uint8Array(readFileSync(path)) }];
    expect(boundaryTxtModule.sniff(files)).toBe(true);
    const layer = boundaryTxtModule.parse(files, {}).layers[0];
    expect(layer.encoding?.value).toBe('gbk');
    expect(layer.crs.value).toBe('EPSG:4526');
    expect(layer.features[0].properties).toMatchObject({ 地块编号: '140502', 地块名称: '晋城市城区(测试)' });
    const [report] = reports(layer);
    expect(Math.abs(report.planarAreaHa - 14747.7832)).toBeLessThan(0.001);
    expect(report.geodesicAreaHa).toBeLessThan(report.planarAreaHa);
    expect(layer.warnings).toEqual([]);
    // decoding with the wrong encoding yields different attribute text (live preview relies on this)
    const wrong = boundaryTxtModule.parse(files, { encoding: 'big5' }).layers[0];
    expect(wrong.features[0].properties?.['地块名称']).not.toBe('晋城市城区(测试)');
  });

  it('reads the found UTF-8 file: empty 带号 → zone from prefix 35, unclosed ring closed with a note', () => {
    const path = join(sharedData, 'boundary-txt', 'found', 'longjie-sir_txt2shp_testfile.txt');
    const layer = parseBoundaryTxt({ name: 'testfile.txt', bytes: new Uint8Array(readFileSync(path)) }).layers[0];
    expect(layer.crs.value).toBe('EPSG:4523');
    expect(layer.encoding?.value).toBe('utf-8');
    const ring = (layer.features[0].geometry as Polygon).coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(ring).toHaveLength(64);
    expect(layer.warnings.map(importNoteZh).join()).toContain('已自动闭合');
  });

  it('detects X/Y written the other way round by magnitude', () => {
    const swapped = EXAMPLE.replace(/^(J\d+),(\d),([\d.]+),([\d.]+)$/gm, '$1,$2,$4,$3');
    const layer = parse(swapped);
    expect(layer.extras?.swappedXY).toBe(true);
    expect(layer.warnings.map(importNoteZh).join()).toContain('对调');
    expect((layer.features[0].geometry as Polygon).coordinates[0]).toContainEqual([38372400, 4194120]);
    expect(reports(layer)[0].planarAreaHa).toBeCloseTo(0.42, 10);
  });

  it('flags 带号 vs prefix mismatch, duplicate 点号 with different coordinates, header area off by > 0.5 %', () => {
    const text = EXAMPLE.replace('带号=38', '带号=37').replace('0.4200,', '0.4300,').replace('J7,2,4194090.000,38372450.000', 'J6,2,4194090.000,38372450.000');
    const layer = parse(text);
    expect(layer.crs.value).toBe('EPSG:4526');
    const all = layer.warnings.map(importNoteZh).join('\n');
    expect(all).toContain('带号=37');
    expect(all).toContain('点号 J6');
    expect(all).toMatch(/0\.4300 公顷.*0\.4200 公顷/);
  });

  it('unprefixed eastings use the 带号 and the no-prefix EPSG code; 6° zones too', () => {
    const noPrefix = EXAMPLE.replace(/,38(3724\d\d\.000)$/gm, ',$1');
    expect(parse(noPrefix).crs.value).toBe('EPSG:4547');
    const six = EXAMPLE.replace('几度分带=3', '几度分带=6').replace('带号=38', '带号=19').replace(/,38(3724\d\d\.000)$/gm, ',19$1');
    expect(parse(six).crs.value).toBe('EPSG:4497');
    const none = noPrefix.replace('带号=38', '带号=');
    expect(parse(none).crs).toMatchObject({ value: null, confidence: 'proposed' });
  });

  it('tolerates GBK bytes, CRLF, 13-field headers and CCTool 地上, full-width brackets', () => {
    const text = EXAMPLE.replace('[地块坐标]', '【地块坐标】').replace('10,0.4200,TY-2025-01,地块1,面,,住宅用地,0701,@', '10,0.4200,TY-2025-01,地块1,面,,住宅用地,地上,@').replace(/\n/g, '\r\n');
    const layer = parseBoundaryTxt({ name: 'gbk.txt', bytes: new Uint8Array(iconv.encode(text, 'gbk')) }).layers[0];
    expect(layer.encoding?.value).toBe('gbk');
    expect(layer.features[0].properties).toMatchObject({ 地块名称: '地块1', 地上地下: '地上' });
    const ext = parse(EXAMPLE.replace('0701,@', '0701,高标准农田,水田,5,4,无,@'));
    expect(ext.features[0].properties).toMatchObject({ 图斑类型: '高标准农田', 地类: '水田', 备注: '无' });
  });

  it('maps 1980西安 / 1954北京 to their GK codes (refused at import without parameters), uses 转换参数 from the file', () => {
    expect(parse(EXAMPLE.replace('2000国家大地坐标系', '1980西安坐标系')).crs.value).toBe('EPSG:2362');
    expect(parse(EXAMPLE.replace('2000国家大地坐标系', '1954北京坐标系')).crs.value).toBe('EPSG:2414');
    const withParams = parse(EXAMPLE.replace('2000国家大地坐标系', '1980西安坐标系').replace('转换参数=,,,,,,', '转换参数=-20.1,30.2,5.3,0,0,0,0'));
    expect(withParams.crs.value).toBe('EPSG:2362+towgs84=-20.1,30.2,5.3,0,0,0,0');
    expect(withParams.warnings.map(importNoteZh).join()).toContain('转换参数');
    expect(reports(withParams)[0].geodesicAreaHa).toBeGreaterThan(0.419);
  });

  it('refuses broken files with the line number', () => {
    expect(refusalOf(() => parse(EXAMPLE.replace('J3,1,4194065.000', 'J3,1,41940x5.000'))).messageZh).toMatch(/第 15 行/);
    expect(refusalOf(() => parse('[属性描述]\n坐标系=2000国家大地坐标系\n[地块坐标]\nJ1,1,4194120,38372400\n')).code).toBe('import.txt-syntax');
    expect(refusalOf(() => parse('hello')).code).toBe('import.txt-no-section');
    expect(refusalOf(() => parse(EXAMPLE.split('J3,1')[0] + '\n')).code).toBe('import.txt-ring');
  });
});

describe('boundary-point TXT export (pure)', () => {
  it('round-trips parse → EPSG:4490 → export → parse to the mm, with holes and parts', async () => {
    const { exportBoundaryTxt } = await import('../../shared/exporters/boundary-txt');
    const { transformer } = await import('../../shared/crs');
    const layer = parse(EXAMPLE);
    const toLonLat = transformer('EPSG:4526', 'EPSG:4490');
    const lonlat = layer.features.map((f) => ({
      ...f,
      properties: { id: 'TY-2025-01', name: '地块1', plannedUse: '住宅用地' },
      geometry: { type: 'Polygon' as const, coordinates: (f.geometry as Polygon).coordinates.map((r) => r.map((p) => toLonLat([p[0], p[1]]))) },
    }));
    const out = exportBoundaryTxt(lonlat, { date: '2025-06-15' });
    expect(out.crs).toBe('EPSG:4526');
    expect(out.text).toContain('\r\n10,0.4200,TY-2025-01,地块1,面,,住宅用地,,@\r\nJ1,1,');
    expect(out.text).toContain('数据产生日期=2025-06-15');
    const again = parse(out.text);
    const a = (again.features[0].geometry as Polygon).coordinates.flat();
    const b = (layer.features[0].geometry as Polygon).coordinates.flat();
    for (const p of a) expect(b.some((q) => Math.abs(p[0] - q[0]) < 0.001 && Math.abs(p[1] - q[1]) < 0.001)).toBe(true);
    expect((again.features[0].geometry as Polygon).coordinates).toHaveLength(2);
    expect(reports(again)[0].planarAreaHa).toBeCloseTo(0.42, 6);
    // outer ring written clockwise (survey convention): J1→J2 heads east along the north edge
    expect(out.text).toMatch(/J1,1,4194120\.000,38372400\.000\r\nJ2,1,4194120\.000,38372480\.000/);
    expect(() => exportBoundaryTxt(lonlat, { crs: 'EPSG:4490' })).toThrow(expect.objectContaining({ messageZh: expect.stringContaining('高斯-克吕格') }));
  });
});
