import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { storedDemInfo } from '../../electron/services/terrain/dem-store';
import { sha256, sharedData } from '../support/cli';
import { uploadFile, waitImportJob } from '../support/import-api';
import { gdalTranslate, hills, writeAsc } from '../fuzz/tiff';
import { importNoteEn, importNoteZh } from '../../shared/importers/messages';

const DEM = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');

let dir: string;
let project: string;
let api: ApiService;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-dem-import-api-'));
  project = join(dir, 'p.gpkg');
  ProjectStore.create(project, { title: 'DEM 导入接口测试' }).close();
  api = createApiService(project);
});
afterAll(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

const upload = (path: string, name: string, chunk = 4096, uploadId?: string) => uploadFile(api, path, name, chunk, uploadId);
const waitJob = (jobId: string) => waitImportJob(api, jobId, 1500);

describe('DEM import through the import API (stage → preview → start → job)', { timeout: 120_000 }, () => {
  it('previews a GeoTIFF DEM and imports it as the project DEM + an elevation-band layer', async () => {
    const uploadId = await upload(DEM, 'shanxi_dem.tif');
    const preview = await api.previewImport({ uploadId });
    expect(preview).toMatchObject({ format: 'geotiff', kind: 'elevation-band', table: 'elevation_bands', featureCount: 0 });
    expect(importNoteZh(preview.formatLabel)).toBe('GeoTIFF 高程数据');
    expect(importNoteEn(preview.formatLabel)).toBe('GeoTIFF elevation data');
    const dem = preview.dem!;
    expect(dem.crs).toMatch(/^EPSG:(4326|4490)$/);
    expect(dem.cols).toBeGreaterThan(10);
    expect(dem.rows).toBeGreaterThan(10);
    expect(dem.cellX).toBeGreaterThan(0);
    expect(dem.levels).toEqual([400, 900]);
    // the file name says 110.4–113.3E, 34.9–37.4N
    expect(dem.extent[0]).toBeCloseTo(110.4, 0);
    expect(dem.extent[3]).toBeCloseTo(37.4, 0);
    expect(dem.minM).not.toBeNull();
    expect(dem.minM!).toBeLessThan(400);
    expect(dem.maxM!).toBeGreaterThan(900);
    expect(storedDemInfo(project)).toBeNull(); // preview writes nothing

    const { jobId } = await api.startImport({ uploadId, kind: 'elevation-band', table: preview.table, levels: [400, 900] });
    const status = await waitJob(jobId);
    expect(status.error).toBeUndefined();
    expect(status).toMatchObject({ state: 'done', progress: 1 });
    expect(status.layer).toMatchObject({ table: 'elevation_bands', kind: 'elevation-band' });

    const info = await api.getProject();
    expect(info.layers.some((l) => l.table === 'elevation_bands' && l.kind === 'elevation-band')).toBe(true);
    const bands = await api.getFeatures({ table: 'elevation_bands', geometry: false });
    expect(bands.features.map((f) => f.properties?.belowM as number).sort((a, b) => a - b)).toEqual([400, 900]);
    expect(storedDemInfo(project)).toMatchObject({ cols: dem.cols, rows: dem.rows, crs: dem.crs });
    expect(await api.getTerrainInfo()).not.toBeNull();
    // the staged upload is gone
    await expect(api.previewImport({ uploadId })).rejects.toMatchObject({ code: 'import.unknown-upload' });
  });

  it('a cancelled DEM import leaves the project unchanged', async () => {
    const before = sha256(project);
    const uploadId = await upload(DEM, 'shanxi_dem.tif');
    const { jobId } = await api.startImport({ uploadId, kind: 'elevation-band', table: 'elevation_bands_2', levels: [500] });
    await api.cancelImport({ jobId });
    const status = await waitJob(jobId);
    expect(status.state).toBe('cancelled');
    expect(sha256(project)).toBe(before);
    expect((await api.getProject()).layers.some((l) => l.table === 'elevation_bands_2')).toBe(false);
  });

  it('refuses invalid band levels before starting a job', async () => {
    const uploadId = await upload(DEM, 'shanxi_dem.tif');
    await expect(api.startImport({ uploadId, kind: 'elevation-band', table: 'elevation_bands_3', levels: [99999] })).rejects.toMatchObject({ code: 'bands.levels' });
    await api.discardImport({ uploadId });
  });

  it('refuses a truncated GeoTIFF with a Chinese message and leaves the project unchanged', async () => {
    const truncated = join(dir, 'truncated.tif');
    const bytes = readFileSync(DEM);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const before = sha256(project);
    const layersBefore = (await api.getProject()).layers.length;

    const uploadId = await upload(truncated, 'truncated.tif');
    const refused = await api.previewImport({ uploadId }).then(
      () => null,
      (e: { code: string; messageZh: string }) => e,
    );
    expect(refused).not.toBeNull();
    expect(refused!.code).toMatch(/^dem\./);
    expect(refused!.messageZh).toContain('truncated.tif');

    // starting anyway fails (or is refused) without touching the project
    const started = await api.startImport({ uploadId, kind: 'elevation-band', table: 'elevation_bands_2' }).catch(() => null);
    if (started) {
      const status = await waitJob(started.jobId);
      expect(status.state).toBe('failed');
      expect(status.error?.messageZh).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(sha256(project)).toBe(before);
    expect((await api.getProject()).layers.length).toBe(layersBefore);
  });

  it('asks before storing an implausible DEM: the preview names why, the import refuses it unchanged, and stores it with a warning once confirmed', async () => {
    // a 0-filled hole in hills that never go below 100 m
    const asc = join(dir, 'hole.asc');
    const holed = join(dir, '有空洞的 高程.tif');
    writeAsc(asc, { cols: 512, rows: 512, west: 112, south: 37, cell: 0.001, value: (c, r) => (c < 256 && r < 256 ? 0 : hills(c, r)) });
    gdalTranslate(asc, holed, ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'TILED=YES']);

    const uploadId = await upload(holed, '有空洞的 高程.tif');
    const preview = await api.previewImport({ uploadId });
    expect(preview.dem!.suspicions.map(importNoteZh).join('；')).toMatch(/恰为 0 米/);

    const before = sha256(project);
    const refused = await waitJob((await api.startImport({ uploadId, kind: 'elevation-band', table: 'holed_bands' })).jobId);
    expect(refused.state).toBe('failed');
    expect(refused.error?.messageZh).toContain('有空洞的 高程.tif');
    expect(refused.error?.messageZh).toContain('确认数据无误');
    expect(sha256(project)).toBe(before);

    const again = await upload(holed, '有空洞的 高程.tif');
    const accepted = await waitJob((await api.startImport({ uploadId: again, kind: 'elevation-band', table: 'holed_bands', acceptSuspect: true })).jobId);
    expect(accepted.state).toBe('done');
    expect(accepted.warnings?.map(importNoteZh).join('；')).toMatch(/经确认后导入，但可能有误.*恰为 0 米/);
    expect((await api.getProject()).layers.map((l) => l.table)).toContain('holed_bands');
  });
});
