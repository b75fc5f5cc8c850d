/**
 * The sweep: batch checks on worker threads give exactly the single-threaded report;
 * `landgate check --all` reports progress on stderr and stores the sweep; the UI API's
 * startSweep/getSweepJob runs to a summary that matches the stored sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature, Polygon } from 'geojson';
import { runBatchCheck } from '../../electron/services/batch-check';
import { createApiService } from '../../electron/services/api-service';
import { getProfile } from '../../electron/services/profiles';
import { ProjectStore } from '../../electron/services/project-store';
import { SweepResults } from '../../electron/services/store/sweep-results';
import { stripGeometry } from '../../shared/format/check-report';
import { buildReferenceIndex, checkParcels, indexStats } from '../../shared/rules/engine';
import type { CheckReport } from '../../shared/model/check';
import { generateCounty, mulberry32 } from '../../bench/county';
import { landgate, repoRoot } from '../support/cli';

let dir: string;
let demo: string;
const PARCELS = 600;

/** Parcels scattered over the demo county's parcel area (111.20–111.36 E, 35.12–35.22 N). */
function demoAreaParcels(n: number): Feature<Polygon>[] {
  const rand = mulberry32(5);
  const uses = ['0701', '0801', '1001', '0101', '0901'];
  return Array.from({ length: n }, (_, i) => {
    const lon = 111.2 + rand() * 0.16;
    const lat = 35.12 + rand() * 0.1;
    const d = 0.0008 + rand() * 0.0015;
    const ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d * 0.8], [lon, lat + d * 0.8], [lon, lat]];
    return {
      type: 'Feature',
      id: `SW-${i + 1}`,
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { id: `SW-${i + 1}`, plannedUse: uses[i % uses.length], currentUse: uses[(i * 7) % uses.length], action: i % 2 ? 'supply' : 'construct' },
    };
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-sweep-'));
  demo = join(dir, 'demo.gpkg');
  expect(landgate(['demo', demo]).status).toBe(0);
  const file = join(dir, 'sweep-parcels.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: demoAreaParcels(PARCELS) }));
  const imported = landgate(['import', demo, file, '--kind', 'parcel', '--name', 'sweep_parcels']);
  expect(imported.stderr).not.toMatch(/错误/);
  expect(imported.status).toBe(0);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('batch check on worker threads', () => {
  it('uses worker threads and returns exactly the single-threaded report, in submission order', async () => {
    const county = generateCounty(900, 7);
    const profile = getProfile('qinshui');
    const checkedAt = new Date('2026-03-01T00:00:00Z');
    const progress: number[] = [];
    const batch = await runBatchCheck(county.layers, county.parcels, profile, { checkedAt, workers: 2, chunkSize: 100, onProgress: (done) => progress.push(done) });
    expect(batch.workers).toBe(2);
    const index = buildReferenceIndex(county.layers);
    const single = checkParcels(index, county.parcels, profile, { checkedAt });
    expect(JSON.stringify(batch.report)).toBe(JSON.stringify(single));
    expect(batch.report.parcels.map((p) => p.id)).toEqual(county.parcels.map((p) => String(p.id)));
    // Progress rises to the total.
    expect(progress.length).toBeGreaterThanOrEqual(9);
    expect(progress[progress.length - 1]).toBe(900);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    // Verdicts are varied (the comparison is not of empty reports).
    const verdicts = new Set(single.parcels.map((p) => p.verdict));
    expect(verdicts.size).toBe(3);
  }, 180_000);

  it('the spatial index is really used: exact tests are a tiny fraction of parcels × features', () => {
    const county = generateCounty(200, 11);
    const index = buildReferenceIndex(county.layers);
    const before = indexStats(index);
    // Huge zones (≥ 5 000 vertices) are split into pieces of ≤ 256 vertices.
    expect(before.subdividedFeatures).toBeGreaterThanOrEqual(county.hugeFeatures);
    expect(before.parts).toBeGreaterThan(before.features);
    checkParcels(index, county.parcels, getProfile('qinshui'));
    const after = indexStats(index);
    const perParcel = after.exactTests / county.parcels.length;
    expect(perParcel).toBeGreaterThan(0);
    expect(perParcel).toBeLessThan(100);
    expect(after.exactTests).toBeLessThan((county.parcels.length * county.referenceFeatures) / 200);
  });

  it('ids from the feature-number fallback do not depend on the chunking', async () => {
    const county = generateCounty(450, 3);
    const anonymous = county.parcels.map((p) => ({ ...p, id: undefined, properties: { ...p.properties, id: undefined } }));
    const profile = getProfile('xiaxian');
    const checkedAt = new Date('2026-03-01T00:00:00Z');
    const batch = await runBatchCheck(county.layers, anonymous, profile, { checkedAt, workers: 2, chunkSize: 64 });
    expect(batch.report.parcels.map((p) => p.id)).toEqual(anonymous.map((_, i) => String(i + 1)));
  }, 120_000);
});

describe('landgate check --all (sweep)', () => {
  it('checks every parcel layer, prints periodic progress lines on a non-TTY stderr, and stores the sweep', () => {
    const before = ProjectStore.open(demo, { readonly: true });
    const checksBefore = before.listChecks().length;
    before.close();
    const result = landgate(['check', demo, '--all', '--profile', 'xiaoyi']);
    expect(result.stderr).not.toMatch(/错误/);
    expect(result.status).toBe(0);
    const lines = result.stderr.trim().split('\n');
    // Not a TTY under test: plain lines (no carriage-return bar), ending at 100 %, then a summary
    // saying the 600-parcel layer ran on worker threads (under `node bin/landgate.js`).
    expect(result.stderr).not.toContain('\r');
    const summary = lines.pop() as string;
    expect(summary).toMatch(new RegExp(`^已审查 ${PARCELS + 30} 个地块（2 个报件图层，[1-9]\\d* 个审查线程）。$`));
    expect(lines.every((l) => /^审查进度 \d+% \(\d+\/\d+，[\d.]+ s\)$/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^审查进度 100% \((\d+)\/\1，/);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report.profile).toBe('xiaoyi');
    expect(report.profileVersion).toBe('2026.1');
    expect(report.parcels.length).toBe(PARCELS + 30);
    expect(report.parcels.filter((p) => p.id.startsWith('SW-')).length).toBe(PARCELS);

    // Recorded as one stored sweep (no check record holding the whole report), covering every parcel.
    const after = ProjectStore.open(demo, { readonly: true });
    expect(after.listChecks().length).toBe(checksBefore);
    const sweeps = new SweepResults(after).list();
    const stored = [...new SweepResults(after).iterate(sweeps[0].sweepId)];
    after.close();
    expect(sweeps[0].profile).toBe('xiaoyi');
    expect(sweeps[0].parcelCount).toBe(PARCELS + 30);
    expect([...new Set(stored.map((p) => p.table))].sort()).toEqual(['parcels', 'sweep_parcels']);
    // The output was written from the stored rows: the same parcels, in the same order.
    expect(JSON.stringify(stored.map((p) => stripGeometry({ ...report, parcels: [p.result] }).parcels[0]))).toBe(JSON.stringify(report.parcels));
  }, 180_000);
});

/**
 * `landgate check --all` on a copy of the demo, its stdout a pipe nobody reads yet, once every
 * parcel is checked (and `settle` ms more): the report (≈ 1.5 MB of JSON, far more than a pipe
 * holds) has nowhere to go but the command's memory, or it waits.
 */
async function sweepWithUnreadReport(name: string, settle: number) {
  const copy = join(dir, name);
  copyFileSync(demo, copy);
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'landgate.js'), 'check', copy, '--all', '--profile', 'xiaoyi'], { env: { ...process.env, LANDGATE_DEBUG: '' } });
  const run = { copy, child, stderr: '', exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stderr.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
  await expect.poll(() => run.stderr, { timeout: 120_000 }).toMatch(/审查进度 100%/);
  await new Promise((resolve) => setTimeout(resolve, settle));
  return run;
}

describe('landgate check --all writing to a pipe', () => {
  it('writes the report as the reader takes it: a reader that waits holds the command up, and then gets every parcel', async () => {
    const run = await sweepWithUnreadReport('piped.gpkg', 2_000);
    // the closing line follows the report: not written while the report waits for its reader
    expect(run.stderr, 'the report was taken into memory unread').not.toMatch(/已审查 \d+ 个地块/);
    expect(run.child.exitCode).toBeNull();
    const chunks: Buffer[] = [];
    run.child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await run.exited).toBe(0);
    const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CheckReport;
    expect(report.parcels.length).toBe(PARCELS + 30);
    expect(run.stderr).toMatch(new RegExp(`已审查 ${PARCELS + 30} 个地块`));
  }, 180_000);

  it('ends on Ctrl-C with exit 130 and records no sweep, while its reader waits', async () => {
    const run = await sweepWithUnreadReport('piped-cancelled.gpkg', 1_000);
    run.child.kill('SIGINT'); // the report unread: the command waits on its reader, and Ctrl-C still ends it
    expect(await run.exited).toBe(130);
    expect(run.stderr).toContain('已取消全部审查');
    const sweepsIn = (path: string) => {
      const store = ProjectStore.open(path, { readonly: true });
      try {
        return new SweepResults(store).list().length;
      } finally {
        store.close();
      }
    };
    expect(sweepsIn(run.copy)).toBe(sweepsIn(demo));
  }, 180_000);
});

describe('UI sweep API', () => {
  it('startSweep → getSweepJob reports progress and a summary matching the stored sweep', async () => {
    const api = createApiService(demo);
    try {
      const { jobId } = await api.startSweep({ profile: 'qinshui' });
      let job = await api.getSweepJob({ jobId });
      expect(job.total).toBe(PARCELS + 30);
      const deadline = Date.now() + 150_000;
      while (job.state === 'running' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        job = await api.getSweepJob({ jobId });
        expect(job.done).toBeLessThanOrEqual(job.total);
      }
      expect(job.error).toBeUndefined();
      expect(job.state).toBe('done');
      expect(job.done).toBe(job.total);
      const summary = job.summary;
      expect(summary).toBeDefined();
      if (!summary) return;
      expect(summary.prohibited + summary.conditional + summary.permitted).toBe(PARCELS + 30);
      // The results went into a stored sweep (no check records), listed with the same counts.
      expect(summary.checkIds).toEqual([]);
      const listed = (await api.listSweeps())[0];
      expect(listed.sweepId).toBe(job.sweepId);
      expect(listed.complete).toBe(true);
      expect(listed.profile).toBe('qinshui');
      expect(listed.verdicts).toEqual({ prohibited: summary.prohibited, conditional: summary.conditional, permitted: summary.permitted });
      const page = await api.querySweepResults({ sweepId: listed.sweepId, offset: 0, limit: 500 });
      expect(page.total).toBe(PARCELS + 30);
      expect(page.rows).toHaveLength(500);
      await expect(api.getSweepJob({ jobId: 'sweep-999' })).rejects.toMatchObject({ messageZh: expect.stringContaining('sweep-999') });
    } finally {
      api.close();
    }
  }, 180_000);
});
