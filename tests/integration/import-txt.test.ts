/**
 * Boundary-point TXT through the real CLI: import (GBK/CRLF and UTF-8 files by path, the domain.md
 * §5 example with a hole), refusals with exit 2 and an unchanged project, Xian 1980 only with
 * --towgs84, and the round trip import → export-txt → import giving the same coordinates to 1 mm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Polygon, Position } from 'geojson';
import { parseBoundaryTxt, type TxtParcelReport } from '../../shared/importers/boundary-txt';
import { landgate, ogrLayers, sha256, sharedData } from '../support/cli';

const CHENGQU = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');
const FOUND = join(sharedData, 'boundary-txt', 'found', 'longjie-sir_txt2shp_testfile.txt');
const EXAMPLE = `[属性描述]\r\n坐标系=2000国家大地坐标系\r\n几度分带=3\r\n投影类型=高斯克吕格\r\n计量单位=米\r\n带号=38\r\n精度=0.001\r\n转换参数=,,,,,,\r\n[地块坐标]\r\n10,0.4200,TY-2025-01,地块1,面,,住宅用地,0701,@\r\nJ1,1,4194120.000,38372400.000\r\nJ2,1,4194120.000,38372480.000\r\nJ3,1,4194065.000,38372480.000\r\nJ4,1,4194065.000,38372400.000\r\nJ1,1,4194120.000,38372400.000\r\nJ5,2,4194100.000,38372430.000\r\nJ6,2,4194100.000,38372450.000\r\nJ7,2,4194090.000,38372450.000\r\nJ8,2,4194090.000,38372430.000\r\nJ5,2,4194100.000,38372430.000\r\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-txt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function project(): string {
  const path = join(dir, `p${++n}.gpkg`);
  expect(landgate(['init', path]).status).toBe(0);
  return path;
}
function write(name: string, text: string, encoding: 'gbk' | 'utf-8' = 'gbk'): string {
  const path = join(dir, name);
  writeFileSync(path, encoding === 'gbk' ? iconv.encode(text, 'gbk') : text);
  return path;
}
const parse = (path: string) => parseBoundaryTxt({ name: path, bytes: new Uint8Array(readFileSync(path)) }).layers[0];
const vertices = (path: string): Position[] => parse(path).features.flatMap((f) => (f.geometry as Polygon).coordinates.flat());

/** Every vertex of `a` has a vertex of `b` within `tol` metres, and vice versa. */
function sameVertices(a: Position[], b: Position[], tol = 0.001) {
  const near = (p: Position, set: Position[]) => set.some((q) => Math.abs(p[0] - q[0]) <= tol && Math.abs(p[1] - q[1]) <= tol);
  expect(a.filter((p) => !near(p, b))).toEqual([]);
  expect(b.filter((p) => !near(p, a))).toEqual([]);
}

// each CLI run takes a few seconds on a loaded two-core machine
describe('landgate import / export-txt with boundary-point TXT', { timeout: 300_000 }, () => {
  it('imports the GBK 城区 file as a parcel layer and exports it back identically to the mm', () => {
    const p = project();
    const res = landgate(['import', p, CHENGQU, '--kind', 'parcel', '--name', 'chengqu']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(ogrLayers(p).get('chengqu')?.featureCount).toBe(1);

    const out = join(dir, 'chengqu_out.txt');
    const exp = landgate(['export-txt', p, 'chengqu', '--out', out]);
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    expect(exp.stdout).toContain('EPSG:4526');
    const text = iconv.decode(readFileSync(out), 'gbk');
    expect(text).toMatch(/^\[属性描述\]\r\n/);
    expect(text).toContain('带号=38\r\n');
    expect(text).toMatch(/\r\n\d+,14747\.78\d\d,140502,晋城市城区\(测试\),面,,,,@\r\n/);
    const back = parse(out);
    expect(back.encoding?.value).toBe('gbk');
    expect(back.crs.value).toBe('EPSG:4526');
    sameVertices(vertices(out), vertices(CHENGQU));
    // and the exported file imports again
    expect(landgate(['import', p, out, '--kind', 'parcel', '--name', 'chengqu_again']).status).toBe(0);
  });

  it('imports the domain.md example with its hole: 0.4200 ha; exports UTF-8 in a chosen zone and round-trips', () => {
    const p = project();
    const file = write('example.txt', EXAMPLE);
    const res = landgate(['import', p, file, '--kind', 'parcel', '--name', 'example']);
    expect(res.status).toBe(0);
    const out = join(dir, 'example_out.txt');
    expect(landgate(['export-txt', p, 'example', '--out', out, '--encoding', 'utf-8', '--parcel', 'TY-2025-01']).status).toBe(0);
    const layer = parse(out);
    expect(layer.encoding?.value).toBe('utf-8');
    expect(layer.features[0].properties).toMatchObject({ 地块编号: 'TY-2025-01', 地块名称: '地块1', 地块用途: '住宅用地' });
    expect((layer.features[0].geometry as Polygon).coordinates).toHaveLength(2);
    const report = (layer.extras?.parcels as TxtParcelReport[])[0];
    expect(report.planarAreaHa).toBeCloseTo(0.42, 6);
    expect(report.headerAreaHa).toBeCloseTo(0.42, 4);
    sameVertices(vertices(out), vertices(file));
    // another zone: unprefixed 3° CM 114°E (same zone, no prefix) → eastings lose the 38 prefix
    const out2 = join(dir, 'example_4547.txt');
    expect(landgate(['export-txt', p, 'example', '--out', out2, '--crs', 'EPSG:4547']).status).toBe(0);
    const v2 = vertices(out2);
    sameVertices(v2.map((q) => [q[0] + 38e6, q[1]]), vertices(file));
    expect(parse(out2).crs.value).toBe('EPSG:4547');
  });

  it('imports the found UTF-8 file (empty 带号, unclosed ring) with a note', () => {
    const p = project();
    const res = landgate(['import', p, FOUND, '--kind', 'parcel', '--name', 'found']);
    expect(res.status).toBe(0);
    expect(ogrLayers(p).get('found')?.featureCount).toBe(1);
  });

  it('refuses broken files with exit 2, the file named, the project unchanged', () => {
    const p = project();
    const hash = sha256(p);
    const cases = [
      write('坏坐标.txt', EXAMPLE.replace('4194065.000,38372480.000', '4194065.0x0,38372480.000')),
      write('无坐标段.txt', '[属性描述]\r\n坐标系=2000国家大地坐标系\r\n'),
      write('西安80.txt', EXAMPLE.replace('2000国家大地坐标系', '1980西安坐标系')),
      write('两点.txt', EXAMPLE.split('J3,1')[0]),
    ];
    for (const file of cases) {
      const res = landgate(['import', p, file, '--kind', 'parcel']);
      expect(res.status, file).toBe(2);
      expect(res.stderr).toContain(file.split('/').pop()!.replace('.txt', ''));
      expect(res.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect(sha256(p)).toBe(hash);
    }
    // Xian 1980 with user parameters is accepted
    expect(landgate(['import', p, cases[2], '--kind', 'parcel', '--name', 'xian', '--towgs84', '24,-123,-94,0.02,-0.25,-0.13,1.1']).status).toBe(0);
  });

  it('export-txt refuses unknown tables, non-parcel layers, unknown parcels and non-GK CRS with exit 2', () => {
    const p = project();
    expect(landgate(['import', p, write('e.txt', EXAMPLE), '--kind', 'parcel', '--name', 'e']).status).toBe(0);
    expect(landgate(['import', p, join(sharedData, 'boundaries', 'tianditu_cgcs2000_simplified', 'shanxi_cities_tianditu.geojson'), '--kind', 'admin-boundary', '--name', 'cities']).status).toBe(0);
    const out = join(dir, 'never.txt');
    for (const args of [
      ['nope', '--out', out],
      ['cities', '--out', out],
      ['e', '--out', out, '--parcel', 'XX-1'],
      ['e', '--out', out, '--crs', 'EPSG:4490'],
      ['e', '--out', out, '--encoding', 'latin1'],
      ['e'],
    ]) {
      const res = landgate(['export-txt', p, ...args]);
      expect(res.status, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(() => readFileSync(out)).toThrow();
  });
});
