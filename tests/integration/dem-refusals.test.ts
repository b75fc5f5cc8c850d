/**
 * A DEM that cannot be right is refused before it touches the project: the refusal names the file
 * the user gave, exits 2 and leaves the project byte-identical (the stored DEM and its bands
 * included, so a later `bands` without --dem still works). A suspect DEM is stored only with
 * --accept-suspect, and then its findings are warnings on the band layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from '../../electron/services/project-store';
import { storedDemInfo } from '../../electron/services/terrain/dem-store';
import { landgate, sha256 } from '../support/cli';
import { gdalTranslate, hills, patchTag, TAG, writeAsc } from '../fuzz/tiff';

let dir: string;
let project: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-dem-refusal-'));
  writeAsc(file('good.asc'), { cols: 300, rows: 300, west: 112, south: 37, cell: 0.001, value: hills, nodata: -9999 });
  gdalTranslate(file('good.asc'), file('good.tif'), ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE']);
  // a 0-filled hole and a sparse (missing) tile: 256² zeros in the top-left block
  writeAsc(file('hole.asc'), { cols: 512, rows: 512, west: 112, south: 37, cell: 0.001, value: (c, r) => (c < 256 && r < 256 ? 0 : hills(c, r)) });
  gdalTranslate(file('hole.asc'), file('hole.tif'), ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'TILED=YES']);
  gdalTranslate(file('hole.asc'), file('sparse.tif'), ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'TILED=YES', '-co', 'SPARSE_OK=TRUE']);
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3000);
  writeAsc(file('noise.asc'), { cols: 256, rows: 256, west: 112, south: 37, cell: 0.001, value: () => noise() });
  gdalTranslate(file('noise.asc'), file('noise.tif'), ['-a_srs', 'EPSG:4490', '-ot', 'Int16']);
  gdalTranslate(file('good.tif'), file('merc.tif'), ['-a_srs', 'EPSG:3857']);
  gdalTranslate(file('good.tif'), file('huge-origin.tif'), ['-a_ullr', '1e308', '37.3', '112.3', '37']);
  gdalTranslate(file('good.tif'), file('nan-tiepoint.tif'), []);
  patchTag(file('nan-tiepoint.tif'), TAG.ModelTiepoint, NaN, 3);
  gdalTranslate(file('good.tif'), file('inf-scale.tif'), []);
  patchTag(file('inf-scale.tif'), TAG.ModelPixelScale, Infinity, 0);
  gdalTranslate(file('good.tif'), file('giant.tif'), []);
  patchTag(file('giant.tif'), TAG.ImageWidth, 4294967295);
  patchTag(file('giant.tif'), TAG.ImageLength, 4294967295);
  gdalTranslate(file('good.tif'), file('zstd-claimed.tif'), ['-co', 'COMPRESS=DEFLATE']);
  patchTag(file('zstd-claimed.tif'), TAG.Compression, 50000);
  gdalTranslate(file('good.tif'), file('odd-compression.tif'), ['-co', 'COMPRESS=DEFLATE']);
  patchTag(file('odd-compression.tif'), TAG.Compression, 34676);
  gdalTranslate(file('good.tif'), file('float16.tif'), []);
  patchTag(file('float16.tif'), TAG.SampleFormat, 3);
  writeFileSync(file('N99E999.hgt'), Buffer.alloc(1201 * 1201 * 2));
  writeFileSync(file('N37E112.hgt'), Buffer.alloc(1201 * 1201 * 2));
  project = file('project.gpkg');
  expect(landgate(['init', project]).status).toBe(0);
  const stored = landgate(['bands', project, '--dem', file('good.tif')]);
  expect(stored.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DEM refusals', () => {
  const cases: Array<[string, RegExp]> = [
    ['huge-origin.tif', /地理参考数值无效/],
    ['nan-tiepoint.tif', /地理参考数值无效|没有像元坐标/],
    ['inf-scale.tif', /地理参考数值无效|没有像元坐标/],
    ['giant.tif', /尺寸.*超出上限|不是可读的 GeoTIFF/],
    ['zstd-claimed.tif', /读取失败|已损坏|不是可信的高程数据/],
    ['odd-compression.tif', /不支持的压缩方式（Compression=34676）/],
    ['float16.tif', /像元类型（SampleFormat=3，16 位）/],
    ['merc.tif', /EPSG:3857.*不在中国境内/],
    ['hole.tif', /65536 个像元恰为 0 米，而其余像元最低 300 米/],
    ['sparse.tif', /1 个数据块在文件中缺失/],
    ['noise.tif', /不像真实地形/],
    ['N99E999.hgt', /不在 SRTM 网格内/],
    ['N37E112.hgt', /全部 1442401 个像元都是 0 米/],
  ];
  for (const [name, problem] of cases) {
    it(`refuses ${name}, naming it; the project and its DEM are unchanged`, () => {
      const before = sha256(project);
      const r = landgate(['bands', project, '--dem', file(name), '--name', 'other_bands']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^错误：高程文件“${name.replace(/\./g, '\\.')}”`));
      expect(r.stderr).toMatch(problem);
      expect(r.stderr).toMatch(/\nerror: .*\n$/);
      expect(r.stderr).not.toMatch(/内部错误|\n\s+at /);
      expect(sha256(project)).toBe(before);
    });
  }

  it('still builds bands from the stored (good) DEM after the refusals', () => {
    expect(storedDemInfo(project)?.files).toEqual(['good.tif']);
    const r = landgate(['bands', project, '--name', 'again']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('stores a suspect DEM with --accept-suspect: the missing tile is nodata, the finding a warning on the layer', () => {
    const copy = file('accepted.gpkg');
    expect(landgate(['init', copy]).status).toBe(0);
    const r = landgate(['bands', copy, '--dem', file('sparse.tif'), '--accept-suspect']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/注意：高程数据“sparse\.tif”经确认后导入，但可能有误：1 个数据块在文件中缺失/);
    const info = storedDemInfo(copy)!;
    expect(info.nodataCells).toBe(256 * 256);
    expect(info.minM).toBe(300);
    const store = ProjectStore.open(copy, { readonly: true });
    try {
      const audit = store.listAudit();
      const warnings = audit.find((e) => e.action === 'import-warnings');
      expect(JSON.stringify(warnings?.detail)).toMatch(/elevation_bands.*数据块在文件中缺失/);
      expect(audit.some((e) => e.action === 'dem-import')).toBe(true);
    } finally {
      store.close();
    }
  });
});
