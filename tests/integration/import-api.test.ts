import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { sha256, sharedData } from '../support/cli';
import { uploadFile, waitImportJob } from '../support/import-api';
import { writeShapefile } from '../../bench/import.bench';
import type { ImportJobStatus } from '../../shared/importers/preview';
import { importNoteEn } from '../../shared/importers/messages';
import { connectionOf } from '../../electron/services/store/internal';

const TXT = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');
const COUNTIES = join(sharedData, 'boundaries', 'tianditu_cgcs2000_simplified', 'shanxi_counties_tianditu.geojson');

let dir: string;
let project: string;
let api: ApiService;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-import-api-'));
  project = join(dir, 'p.gpkg');
  ProjectStore.create(project, { title: '导入接口测试' }).close();
  api = createApiService(project);
});
afterAll(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

const upload = (path: string, name: string, chunk = 64 * 1024, uploadId?: string) => uploadFile(api, path, name, chunk, uploadId);
const waitJob = (jobId: string) => waitImportJob(api, jobId, 600);

const stagingDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('landgate-upload-'));

describe('import API (stage → preview → start → job)', { timeout: 120_000 }, () => {
  it('previews a GBK boundary TXT uploaded in small chunks, re-parses with another encoding, imports it as parcels', async () => {
    const uploadId = await upload(TXT, '城区界址点.txt', 1000);
    const preview = await api.previewImport({ uploadId });
    expect(preview).toMatchObject({ format: 'boundary-txt', kind: 'parcel', featureCount: 1, layer: expect.any(String) });
    expect(preview.encoding?.value).toBe('gbk');
    expect(preview.crs).toMatchObject({ value: 'EPSG:4526', confidence: 'certain' });
    expect(preview.rows[0]['地块名称']).toBe('晋城市城区(测试)');
    expect(preview.fieldMap['地块编号']).toBe('id');
    expect(preview.fieldMap['地块名称']).toBe('name');
    expect(preview.outline[0].length).toBeGreaterThan(100);
    expect(preview.crsOptions.some((o) => o.code === 'EPSG:4526')).toBe(true);
    const utf = await api.previewImport({ uploadId, encoding: 'utf-8' });
    expect(utf.encoding).toMatchObject({ value: 'utf-8', source: 'user' });
    expect(utf.rows[0]['地块名称']).not.toBe('晋城市城区(测试)');

    const { jobId } = await api.startImport({ uploadId, kind: 'parcel', table: 'chengqu_txt', fieldMap: preview.fieldMap, title: '城区界址点' });
    const status = await waitJob(jobId);
    expect(status.error).toBeUndefined();
    expect(status).toMatchObject({ state: 'done', progress: 1 });
    expect(status.layer).toMatchObject({ table: 'chengqu_txt', kind: 'parcel', featureCount: 1, originalCrs: 'EPSG:4526' });
    const parcels = (await api.queryParcels({ offset: 0, limit: 500 })).rows;
    expect(parcels).toEqual([expect.objectContaining({ table: 'chengqu_txt', id: '140502', name: '晋城市城区(测试)' })]);
    // staged files are gone
    await expect(api.previewImport({ uploadId })).rejects.toMatchObject({ code: 'import.unknown-upload' });
  });

  it('a failing import (wrong kind for the geometry) leaves the project unchanged; cancel before the write too', async () => {
    const before = (await api.getProject()).layers.length;
    const hash = sha256(project);
    const uploadId = await upload(COUNTIES, 'counties.geojson');
    const preview = await api.previewImport({ uploadId, kind: 'monitoring-station' });
    expect(preview.featureCount).toBe(117);
    const { jobId } = await api.startImport({ uploadId, kind: 'monitoring-station', table: 'wrong_kind' });
    const status = await waitJob(jobId);
    expect(status.state).toBe('failed');
    expect(status.error?.messageZh).toContain('counties.geojson');

    const second = await upload(COUNTIES, 'counties.geojson');
    const started = await api.startImport({ uploadId: second, kind: 'admin-boundary', table: 'counties' });
    await api.cancelImport(started);
    expect((await waitJob(started.jobId)).state).toBe('cancelled');
    expect((await api.getProject()).layers.length).toBe(before);
    expect(sha256(project)).toBe(hash);
  });

  it('Xian 1980 TXT: preview says parameters are needed; import fails without them and works with them', async () => {
    const text = readFileSync(TXT).toString('latin1').replace('2000\xb9\xfa\xbc\xd2', '1980\xce\xf7\xb0\xb2');
    const path = join(dir, 'xian.txt');
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const uploadId = await upload(path, 'xian.txt');
    const preview = await api.previewImport({ uploadId });
    expect(preview.crs.value).toBe('EPSG:2362');
    expect(preview.needsParameters).toBe(true);
    const failed = await waitJob((await api.startImport({ uploadId, kind: 'parcel', table: 'xian_a' })).jobId);
    expect(failed.state).toBe('failed');
    expect(failed.error?.messageZh).toContain('参数');
    const again = await upload(path, 'xian.txt');
    const done = await waitJob((await api.startImport({ uploadId: again, kind: 'parcel', table: 'xian_b', towgs84: '24,-123,-94,0.02,-0.25,-0.13,1.1' })).jobId);
    expect(done.error).toBeUndefined();
    expect(done.layer?.originalCrs).toContain('EPSG:2362');
  });

  it('refuses bad chunks, duplicate table names and unknown uploads with zh messages', async () => {
    await expect(api.stageImportFiles({ files: [{ name: 'a.txt', base64: 'AAAA', offset: 10, totalBytes: 5 }] })).rejects.toMatchObject({ code: 'import.bad-chunk' });
    await expect(api.previewImport({ uploadId: 'nope' })).rejects.toMatchObject({ code: 'import.unknown-upload' });
    const uploadId = await upload(TXT, 'a.txt');
    await expect(api.startImport({ uploadId, kind: 'parcel', table: 'chengqu_txt' })).rejects.toMatchObject({ code: 'layer.exists' });
    await expect(api.startImport({ uploadId, kind: 'parcel', table: '地块' })).rejects.toMatchObject({ code: 'layer.invalid-name' });
    await api.discardImport({ uploadId });
    expect(stagingDirs().every((d) => readdirSync(join(tmpdir(), d)).length === 0 || !existsSync(join(tmpdir(), d, uploadId)))).toBe(true);
  });

  it('a 20 000-polygon shapefile: per-feature progress, cancel mid-write rolls back cleanly, then imports', async () => {
    const base = join(dir, 'big');
    writeShapefile(base, 20_000);
    const stage = async () => {
      let id: string | undefined;
      for (const ext of ['.shp', '.shx', '.dbf', '.prj', '.cpg']) id = await upload(`${base}${ext}`, `big${ext}`, 4 << 20, id);
      return id!;
    };
    const layersBefore = (await api.getProject()).layers.map((l) => l.table);
    const hash = sha256(project);

    // cancel once features are being written: the worker's transaction rolls back
    const first = await api.startImport({ uploadId: await stage(), kind: 'suspect-parcel', table: 'big' });
    let status: ImportJobStatus = await api.getImportJob(first);
    for (let i = 0; i < 3000 && status.state === 'running' && !((status.featuresDone ?? 0) > 0); i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = await api.getImportJob(first);
    }
    expect(status.state).toBe('running');
    expect(status.featuresTotal).toBe(20_000);
    expect(status.featuresDone).toBeGreaterThan(0);
    expect(status.featuresDone).toBeLessThan(20_000);
    await api.cancelImport(first);
    const cancelled = await waitJob(first.jobId);
    expect(cancelled.state).toBe('cancelled');
    expect((await api.getProject()).layers.map((l) => l.table)).toEqual(layersBefore);
    expect(sha256(project)).toBe(hash);
    expect(existsSync(`${project}-journal`)).toBe(false);
    // no lock or half-written table survives the cancel: a fresh connection sees the same project and can write
    const other = ProjectStore.open(project);
    try {
      expect(other.listLayers().map((l) => l.table)).toEqual(layersBefore);
      expect(connectionOf(other.db).prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%big%'").get()).toEqual({ n: 0 });
      other.setMeta('helper-check', 'ok');
    } finally {
      other.close();
    }

    // the same file to the end: progress per feature (throttled), then done
    const second = await api.startImport({ uploadId: await stage(), kind: 'suspect-parcel', table: 'big' });
    const seen: ImportJobStatus[] = [];
    for (let i = 0; i < 6000; i++) {
      status = await api.getImportJob(second);
      seen.push(status);
      if (status.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(status.error).toBeUndefined();
    expect(status).toMatchObject({ state: 'done', progress: 1, featuresDone: 20_000 });
    expect(status.layer).toMatchObject({ table: 'big', featureCount: 20_000, geometryType: 'MULTIPOLYGON' });
    const during = seen.filter((s) => s.state === 'running' && s.featuresDone !== undefined);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((s) => s.featuresTotal === 20_000 && /^已检查并写入 [\d ]+ \/ 20 000 个要素$/.test(s.phaseZh))).toBe(true);
    // the same phase coded, for the reader's language
    expect(during.every((s) => typeof s.phase === 'object' && s.phase.code === 'importNote.phase.writtenOf' && s.phase.params?.total === '20 000')).toBe(true);
    expect(importNoteEn(during[0].phase)).toMatch(/^[\d ]+ \/ 20 000 features checked and written$/);
    const fractions = during.map((s) => s.progress);
    expect(fractions.every((f, i) => f > 0 && f < 1 && (i === 0 || f >= fractions[i - 1]))).toBe(true);
    const attributes = await api.getFeatures({ table: 'big', ids: ['BM-020000'], geometry: false });
    expect(attributes.features[0].properties).toMatchObject({ id: 'BM-020000', name: '地块20000', MJ: 1017 });
  });
});

