/**
 * Stored sweep results at scale (a demo project with ~2 000 parcels): what a sweep stores is
 * exactly a single-threaded check, paged and filtered in the store; a cancelled sweep (API or
 * Ctrl-C) leaves nothing; exports read back in exceljs, GDAL and as GBK dBASE; the CLI refuses
 * bad input with exit 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import type { Feature, Polygon } from 'geojson';
import { createApiService, readParcelLayer, readReferenceLayers, type ApiService } from '../../electron/services/api-service';
import { getProfile } from '../../electron/services/profiles';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { SweepResults } from '../../electron/services/store/sweep-results';
import { SWEEP_EXPORT_HEADERS } from '../../electron/services/sweep/sweep-export';
import { attachElevation } from '../../electron/services/terrain/parcel-elevation';
import type { SweepJob } from '../../shared/api/contract';
import { VERDICT_LABEL_ZH, type ParcelResult } from '../../shared/model/check';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';
import { mulberry32 } from '../../bench/county';
import { landgate, repoRoot } from '../support/cli';

let dir: string;
let project: string;
let api: ApiService;
let sweepId: number;
const PARCELS = 2000;
const TOTAL = PARCELS + 30; // plus the demo's own parcels

function parcels(n: number): Feature<Polygon>[] {
  const rand = mulberry32(17);
  const uses = ['0701', '0801', '1001', '0101', '0901', '0601'];
  return Array.from({ length: n }, (_, i) => {
    const lon = 111.2 + rand() * 0.16;
    const lat = 35.12 + rand() * 0.1;
    const d = 0.0008 + rand() * 0.0015;
    const ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d * 0.8], [lon, lat + d * 0.8], [lon, lat]];
    return {
      type: 'Feature',
      id: `SR-${i + 1}`,
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { id: `SR-${i + 1}`, name: `地块${i + 1}号`, plannedUse: uses[i % uses.length], currentUse: uses[(i * 5) % uses.length], action: i % 2 ? 'supply' : 'construct' },
    };
  });
}

async function runToEnd(jobId: string): Promise<SweepJob> {
  let job = await api.getSweepJob({ jobId });
  const deadline = Date.now() + 240_000;
  while (job.state === 'running' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    job = await api.getSweepJob({ jobId });
  }
  return job;
}

function raw<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(project, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const verdictRows = () => raw((db) => db.prepare('SELECT * FROM landgate_parcel_verdicts ORDER BY parcel_table, parcel_id').all());
const auditCount = () => raw((db) => (db.prepare('SELECT count(*) AS n FROM landgate_audit').get() as { n: number }).n);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-sweep-results-'));
  project = join(dir, 'demo.gpkg');
  expect(landgate(['demo', project]).status).toBe(0);
  const file = join(dir, 'parcels.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: parcels(PARCELS) }));
  expect(landgate(['import', project, file, '--kind', 'parcel', '--name', 'county_parcels']).status).toBe(0);
  api = createApiService(project);
  const { jobId } = await api.startSweep({ profile: 'xiaxian' });
  const job = await runToEnd(jobId);
  expect(job.error).toBeUndefined();
  expect(job.state).toBe('done');
  sweepId = job.sweepId!;
}, 400_000);

afterAll(() => {
  api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a stored sweep', () => {
  it('holds exactly the results of a single-threaded check, updates the latest verdicts and appends one audit entry', () => {
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const results = new SweepResults(store);
      const sweep = results.get(sweepId);
      expect(sweep.complete).toBe(true);
      expect(sweep.parcelCount).toBe(TOTAL);
      const stored = [...results.iterate(sweepId)];
      const profile = getProfile('xiaxian');
      const index = buildReferenceIndex(readReferenceLayers(store));
      const expected: ParcelResult[] = [];
      for (const layer of store.listLayers().filter((l) => l.kind === 'parcel')) {
        const features = readParcelLayer(store, layer.table);
        expected.push(...attachElevation(store, checkParcels(index, features, profile, { checkedAt: new Date(sweep.checkedAt) }), features).parcels);
      }
      expect(JSON.stringify(stored.map((p) => p.result))).toBe(JSON.stringify(expected));
      expect(new Set(expected.map((p) => p.verdict)).size).toBe(3);
      // Row columns agree with the stored result.
      for (const p of stored.slice(0, 50)) {
        expect(p.findingCount).toBe(p.result.findings.length);
        expect(p.ruleIds).toEqual([...new Set(p.result.findings.map((f) => f.rule))]);
      }

      // Every parcel's latest verdict is the sweep's (check_id holds the negated sweep id).
      const verdicts = new Map((verdictRows() as { parcel_table: string; parcel_id: string; verdict: string; check_id: number }[]).map((r) => [`${r.parcel_table}/${r.parcel_id}`, r]));
      for (const p of stored) {
        const row = verdicts.get(`${p.table}/${p.parcelId}`);
        expect(row?.verdict).toBe(p.verdict);
        expect(row?.check_id).toBe(-sweepId);
      }

      const entries = store.listAudit().filter((e) => e.action === 'check' && (e.detail as { sweepId?: number }).sweepId === sweepId);
      expect(entries).toHaveLength(1);
      const detail = entries[0].detail as { profile: string; parcelCount: number; verdicts: Record<string, number>; trigger: string };
      expect(detail).toMatchObject({ profile: 'xiaxian', parcelCount: TOTAL, verdicts: sweep.verdicts, trigger: 'ui' });
      expect(new ReviewStore(store).verify().ok).toBe(true);
      // The sweep is a parcel's latest check for the review workbench.
      const first = stored.find((p) => p.table === 'county_parcels')!;
      expect(new ReviewStore(store).latestCheck(first.table, first.parcelId)).toMatchObject({ checkId: -sweepId, verdict: first.verdict });
      expect(new ReviewStore(store).checkResult(-sweepId, first.parcelId).parcel).toEqual(first.result);
      // …and its audit entry is part of that parcel's trail.
      expect(new ReviewStore(store).auditTrail({ table: first.table, parcelId: first.parcelId }).some((e) => e.action === 'check' && (e.detail as { sweepId?: number }).sweepId === sweepId)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('lists, pages and filters by verdict, rule and id in the store', async () => {
    const listed = await api.listSweeps();
    expect(listed[0]).toMatchObject({ sweepId, complete: true, profile: 'xiaxian', parcelCount: TOTAL });
    const ids: string[] = [];
    let first;
    for (let offset = 0; offset < TOTAL; offset += 500) {
      const page = await api.querySweepResults({ sweepId, offset, limit: 500 });
      first ??= page;
      expect(page.total).toBe(TOTAL);
      ids.push(...page.rows.map((r) => r.parcelId));
    }
    expect(ids).toHaveLength(TOTAL);
    expect(ids.slice(30, 33)).toEqual(['SR-1', 'SR-2', 'SR-3']);

    for (const verdict of ['prohibited', 'conditional', 'permitted'] as const) {
      const page = await api.querySweepResults({ sweepId, verdict, offset: 0, limit: 500 });
      expect(page.total).toBe(listed[0].verdicts[verdict]);
      expect(page.rows.every((r) => r.verdict === verdict)).toBe(true);
    }
    const rule = first!.rules[0];
    expect(rule.parcels).toBeGreaterThan(0);
    const byRule = await api.querySweepResults({ sweepId, ruleId: rule.ruleId, offset: 0, limit: 500 });
    expect(byRule.total).toBe(rule.parcels);
    expect(byRule.rows.every((r) => r.ruleIds.includes(rule.ruleId))).toBe(true);
    const both = await api.querySweepResults({ sweepId, ruleId: rule.ruleId, verdict: 'prohibited', offset: 0, limit: 10 });
    expect(both.rows.length).toBeLessThanOrEqual(10);
    expect(both.rows.every((r) => r.verdict === 'prohibited' && r.ruleIds.includes(rule.ruleId))).toBe(true);

    const search = await api.querySweepResults({ sweepId, search: 'sr-12', offset: 0, limit: 500 });
    expect(search.total).toBe(ids.filter((id) => id.startsWith('SR-12')).length);
    const byName = await api.querySweepResults({ sweepId, search: '地块1999号', offset: 0, limit: 5 });
    expect(byName.rows.map((r) => r.parcelId)).toEqual(['SR-1999']);

    await expect(api.querySweepResults({ sweepId, offset: 0, limit: 501 })).rejects.toMatchObject({ messageZh: expect.stringContaining('501') });
    await expect(api.querySweepResults({ sweepId: 9999, offset: 0, limit: 10 })).rejects.toMatchObject({ messageZh: expect.stringContaining('9999') });
  });
});

describe('cancel', () => {
  it('through the API: workers stop, rows deleted, nothing listed, verdicts and audit untouched, integrity ok', async () => {
    const listedBefore = await api.listSweeps();
    const verdictsBefore = JSON.stringify(verdictRows());
    const auditBefore = auditCount();
    const { jobId } = await api.startSweep({ profile: 'qinshui' });
    let job = await api.getSweepJob({ jobId });
    const deadline = Date.now() + 120_000;
    while (job.state === 'running' && job.done === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await api.getSweepJob({ jobId });
    }
    expect(job.state).toBe('running');
    const cancelled = await api.cancelSweep({ jobId });
    expect(cancelled.state).toBe('cancelled');
    expect((await api.getSweepJob({ jobId })).state).toBe('cancelled');
    expect(await api.listSweeps()).toEqual(listedBefore);
    raw((db) => {
      expect(db.prepare('SELECT count(*) AS n FROM landgate_sweep_parcels WHERE sweep_id = ?').get(cancelled.sweepId)).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM landgate_sweeps WHERE complete = 0').get()).toEqual({ n: 0 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    });
    expect(JSON.stringify(verdictRows())).toBe(verdictsBefore);
    expect(auditCount()).toBe(auditBefore);
  }, 180_000);

  it('Ctrl-C during landgate check --all: exit 130, nothing listed, no rows, integrity ok', async () => {
    const rowsBefore = raw((db) => db.prepare('SELECT count(*) AS n FROM landgate_sweep_parcels').get());
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'landgate.js'), 'check', project, '--all', '--profile', 'xiaxian', '--out', join(dir, 'cancelled.json')], {
      cwd: repoRoot,
      env: { ...process.env, LANDGATE_DEBUG: '' },
    });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes('审查进度') && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (status) => resolve(status));
    });
    expect(stderr).toContain('已取消全部审查');
    expect(code).toBe(130);
    expect(existsSync(join(dir, 'cancelled.json'))).toBe(false);
    expect((await api.listSweeps()).map((s) => s.sweepId)).toEqual([sweepId]);
    raw((db) => {
      expect(db.prepare('SELECT count(*) AS n FROM landgate_sweep_parcels').get()).toEqual(rowsBefore);
      expect(db.prepare('SELECT count(*) AS n FROM landgate_sweeps WHERE complete = 0').get()).toEqual({ n: 0 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    });
  }, 180_000);
});

describe('exports', () => {
  it('XLSX (streamed) reads back in exceljs with the filter applied', async () => {
    const prohibited = (await api.listSweeps())[0].verdicts.prohibited;
    const file = await api.exportSweepResults({ sweepId, format: 'xlsx', verdict: 'prohibited' });
    expect(file.fileName).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(SWEEP_EXPORT_HEADERS.map(([, label]) => label));
    expect(sheet.rowCount - 1).toBe(prohibited);
    const verdictColumn = SWEEP_EXPORT_HEADERS.findIndex(([key]) => key === 'verdict') + 1;
    for (let i = 2; i <= sheet.rowCount; i++) expect(sheet.getRow(i).getCell(verdictColumn).value).toBe(VERDICT_LABEL_ZH.prohibited);
  }, 120_000);

  it('GeoPackage: a parcel layer GDAL reads with verdict, rules and counts', async () => {
    const file = await api.exportSweepResults({ sweepId, format: 'gpkg' });
    const path = join(dir, 'export.gpkg');
    writeFileSync(path, Buffer.from(file.base64, 'base64'));
    const info = spawnSync('ogrinfo', ['-so', '-al', path], { encoding: 'utf8' });
    expect(info.status).toBe(0);
    expect(info.stdout).toContain(`Layer name: sweep_${sweepId}`);
    expect(info.stdout).toContain(`Feature Count: ${TOTAL}`);
    for (const field of ['verdict: String', 'verdict_code: String', 'rules: String', 'rule_ids: String', 'findings: Integer', 'prohibit: Integer']) expect(info.stdout).toContain(field);
    const one = spawnSync('ogrinfo', ['-al', '-geom=NO', '-where', "id = 'SR-7'", path], { encoding: 'utf8' });
    expect(one.stdout).toMatch(/verdict \(String\) = (不予准入|有条件准入|准予准入)/);
  }, 120_000);

  it('Shapefile zip: GBK dBASE with .cpg, ≤ 10-character field names, filtered by rule; every export audited', async () => {
    const page = await api.querySweepResults({ sweepId, offset: 0, limit: 1 });
    const rule = page.rules[0];
    const file = await api.exportSweepResults({ sweepId, format: 'shapefile', ruleId: rule.ruleId });
    const entries = unzipSync(new Uint8Array(Buffer.from(file.base64, 'base64')));
    const name = (ext: string) => Object.keys(entries).find((n) => n.endsWith(ext))!;
    expect(Buffer.from(entries[name('.cpg')]).toString()).toBe('GBK');
    const dbf = Buffer.from(entries[name('.dbf')]);
    expect(dbf.readUInt32LE(4)).toBe(rule.parcels);
    expect(dbf[29]).toBe(0x4d);
    const headerLength = dbf.readUInt16LE(8);
    const fields: { name: string; length: number }[] = [];
    for (let o = 32; dbf[o] !== 0x0d; o += 32) fields.push({ name: dbf.toString('latin1', o, o + 11).replace(/\0.*$/, ''), length: dbf[o + 16] });
    expect(fields.every((f) => f.name.length <= 10)).toBe(true);
    const offsetOf = (field: string) => 1 + fields.slice(0, fields.findIndex((f) => f.name === field)).reduce((s, f) => s + f.length, 0);
    const text = (field: string) => iconv.decode(dbf.subarray(headerLength + offsetOf(field), headerLength + offsetOf(field) + fields.find((f) => f.name === field)!.length), 'gbk').trim();
    expect(Object.values(VERDICT_LABEL_ZH)).toContain(text('VERDICT'));
    expect(text('RULE_IDS').split(',')).toContain(rule.ruleId);
    expect(text('RULES')).toMatch(/[\u4e00-\u9fff]/);

    const store = ProjectStore.open(project, { readonly: true });
    const exports = store.listAudit().filter((e) => e.action === 'export' && (e.detail as { sweepId?: number }).sweepId === sweepId);
    store.close();
    expect(exports.map((e) => (e.detail as { format: string }).format)).toEqual(['sweep-xlsx', 'sweep-gpkg', 'sweep-shapefile']);
  }, 120_000);
});

describe('landgate sweep', () => {
  it('lists the stored sweeps and exports one; bad input exits 2 naming the problem, writing nothing', () => {
    const list = landgate(['sweep', 'list', project]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`#${sweepId}\t`);
    expect(list.stdout).toContain('不予准入');

    const out = join(dir, 'cli.gpkg');
    const ok = landgate(['sweep', 'export', project, '--format', 'gpkg', '--out', out, '--verdict', '不予准入']);
    expect(ok.stderr).toContain(`已导出全部审查 #${sweepId}`);
    expect(ok.status).toBe(0);
    expect(spawnSync('ogrinfo', ['-so', '-al', out], { encoding: 'utf8' }).stdout).toMatch(/Feature Count: [1-9]/);
    const zip = join(dir, 'cli.zip');
    expect(landgate(['sweep', 'export', project, '--sweep', String(sweepId), '--format', 'shp', '--out', zip]).status).toBe(0);
    expect(Object.keys(unzipSync(new Uint8Array(readFileSync(zip)))).sort()).toEqual(['cpg', 'dbf', 'prj', 'shp', 'shx'].map((e) => `landgate_sweep_${sweepId}.${e}`));

    const refusals: [string[], string][] = [
      [['sweep', 'export', project, '--sweep', '999', '--format', 'xlsx', '--out', join(dir, 'no.xlsx')], '999'],
      [['sweep', 'export', project, '--sweep', 'abc', '--format', 'xlsx', '--out', join(dir, 'no.xlsx')], 'abc'],
      [['sweep', 'export', project, '--format', 'pdf', '--out', join(dir, 'no.pdf')], 'pdf'],
      [['sweep', 'export', project, '--format', 'xlsx', '--out', join(dir, 'no.xlsx'), '--verdict', 'maybe'], 'maybe'],
      [['sweep', 'export', project, '--format', 'xlsx', '--out', join(dir, 'no.xlsx'), '--rule', 'soil.nothing'], 'soil.nothing'],
      [['sweep', 'export', project, '--format', 'xlsx', '--out', join(dir, 'no.csv')], 'no.csv'],
      [['sweep', 'frobnicate', project], 'frobnicate'],
    ];
    for (const [args, named] of refusals) {
      const r = landgate(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^错误：/);
      expect(r.stderr).toContain(named);
      expect(r.stderr).toMatch(/\nerror: /);
    }
    expect(existsSync(join(dir, 'no.xlsx'))).toBe(false);
    const help = landgate(['sweep', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout + help.stderr).toContain('landgate sweep list');
  }, 180_000);
});
