/**
 * The kind the import dialog proposes for real bureau-style files (previewImport, the dialog's
 * call): the five-county shapefile with XZQDM/XZQMC is an administrative boundary, not 报件地块;
 * the national boundary and river files go by their names and fields; a renamed copy of a
 * boundary file named like farmland with 三调 fields becomes farmland; the boundary-point TXT stays a parcel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { sharedData } from '../support/cli';
import { uploadFile } from '../support/import-api';
import { proposeKindFromSigns } from '../../shared/importers/kind-guess';

let dir: string;
let api: ApiService;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-kind-proposal-'));
  const project = join(dir, 'p.gpkg');
  ProjectStore.create(project, { title: '图层类型推断' }).close();
  api = createApiService(project);
});
afterAll(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function previewOf(folder: string, base: string, exts: string[], as = base) {
  let uploadId: string | undefined;
  for (const ext of exts) uploadId = await uploadFile(api, join(folder, `${base}.${ext}`), `${as}.${ext}`, 256 * 1024, uploadId);
  const preview = await api.previewImport({ uploadId: uploadId! });
  await api.discardImport({ uploadId: uploadId! });
  return preview;
}

const GK = join(sharedData, 'shapefiles', 'derived_cgcs2000_gk_gbk');
const CN = join(sharedData, 'shapefiles', 'cn1to4m_gbk_no_cpg_no_prj');

describe('kind proposed on import', { timeout: 120_000 }, () => {
  it('a shapefile with XZQDM/XZQMC → 行政区, saying why', async () => {
    const preview = await previewOf(GK, 'five_counties_CGCS2000_3GK_zone38', ['shp', 'shx', 'dbf', 'prj', 'cpg']);
    expect(preview.fields).toEqual(expect.arrayContaining(['XZQDM', 'XZQMC']));
    expect(preview.kind).toBe('admin-boundary');
    expect(preview.kindBasis?.fields).toEqual(expect.arrayContaining(['XZQDM', 'XZQMC']));
    // the alias table of the proposed kind maps the codes to the boundary's own code and name
    expect(preview.fieldMap).toMatchObject({ XZQDM: 'code', XZQMC: 'name' });
  });

  it('the same file named 行政区 says so by its name too', async () => {
    const preview = await previewOf(GK, 'five_counties_CGCS2000_3GK_zone38', ['shp', 'shx', 'dbf', 'prj', 'cpg'], '夏县行政区');
    expect(preview.kind).toBe('admin-boundary');
    expect(preview.kindBasis?.name).toBe('夏县行政区');
  });

  it('national boundaries (bou2_4p, ADCODE99) and rivers (hyd2_4l, LEVEL_RIVE)', async () => {
    expect((await previewOf(CN, 'bou2_4p', ['shp', 'shx', 'dbf'])).kind).toBe('admin-boundary');
    expect((await previewOf(CN, 'hyd2_4l', ['shp', 'shx', 'dbf'])).kind).toBe('river');
  });

  it('a polygon file named 永久基本农田 is farmland; the boundary-point TXT stays a parcel', async () => {
    const copy = join(dir, 'copy');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy);
    for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) copyFileSync(join(GK, `five_counties_CGCS2000_3GK_zone38.${ext}`), join(copy, `永久基本农田2024.${ext}`));
    // farmland patches carry XZQDM/XZQMC as context too: the file's name outweighs them
    const farmland = await previewOf(copy, '永久基本农田2024', ['shp', 'shx', 'dbf', 'prj', 'cpg']);
    expect(farmland.kind).toBe('basic-farmland');
    const txt = await previewOf(join(sharedData, 'boundary-txt', 'derived'), 'chengqu_140502_CGCS2000_3GK_zone38_GBK', ['txt']);
    expect(txt.kind).toBe('parcel');
  });
});

describe('the signs themselves', () => {
  it('三调 fields back a farmland name; on their own they prove nothing', () => {
    expect(proposeKindFromSigns({ names: ['三调图斑.shp'], fields: ['BSM', 'DLBM', 'TBBH', 'DLMC'], family: 'polygon' })?.kind).toBe('basic-farmland');
    expect(proposeKindFromSigns({ names: ['data.shp'], fields: ['BSM', 'DLBM', 'TBBH'], family: 'polygon' })).toBeNull();
  });

  it('疑似污染地块 is the suspect kind, 污染地块 the contaminated one, 报件地块 a parcel', () => {
    expect(proposeKindFromSigns({ names: ['疑似污染地块.shp'], fields: [], family: 'polygon' })?.kind).toBe('suspect-parcel');
    expect(proposeKindFromSigns({ names: ['污染地块名录.shp'], fields: [], family: 'polygon' })?.kind).toBe('contaminated-parcel');
    expect(proposeKindFromSigns({ names: ['2025年第三批报件地块.shp'], fields: ['DKBH', 'GHYT'], family: 'polygon' })?.kind).toBe('parcel');
  });

  it('never proposes a kind the geometry cannot be', () => {
    // points named like a boundary: not an admin boundary (polygon kind)
    expect(proposeKindFromSigns({ names: ['行政区驻地.shp'], fields: ['XZQDM'], family: 'point' })?.kind).not.toBe('admin-boundary');
    expect(proposeKindFromSigns({ names: ['水质监测站点.shp'], fields: [], family: 'point' })?.kind).toBe('monitoring-station');
  });
});
