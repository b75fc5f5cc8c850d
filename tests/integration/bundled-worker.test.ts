/**
 * The desktop build's workers (built by scripts/build.mjs next to dist/electron/main.mjs), run in
 * plain Node without tsx: the check worker (self-contained) gives exactly the in-thread engine's
 * results and is picked from app.asar.unpacked inside a packaged app; the import worker imports a
 * shapefile into a real project through its own connection, reporting progress; the check
 * service's worker opens the project and checks as the engine does in this thread. The entries pick
 * the bundled files next to the bundled main and the TypeScript sources otherwise. `npm test`
 * builds before running the tests. (Electron itself cannot run here.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkWorkerEntry } from '../../electron/services/batch-check';
import { startWorker } from '../../electron/services/worker-entry';
import type { WorkerReply, WorkerRequest } from '../../electron/services/check.worker';
import { getProfile } from '../../electron/services/profiles';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';
import { generateCounty } from '../../bench/county';
import { importWorkerEntry } from '../../electron/services/importers/staging';
import { ProjectStore } from '../../electron/services/project-store';
import { landgate, repoRoot, sharedData } from '../support/cli';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { CheckHostReply, CheckHostRequest } from '../../electron/services/check/check-host.worker';
import { readReferenceLayers } from '../../electron/services/check/reference-data';

const bundled = join(repoRoot, 'dist/electron/check.worker.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('bundled check worker', () => {
  it('is built next to the desktop main and chosen there', () => {
    expect(existsSync(bundled), 'run `npm run build` first').toBe(true);
    expect(checkWorkerEntry(pathToFileURL(join(repoRoot, 'dist/electron/main.mjs')).href)).toEqual({ kind: 'bundled', path: bundled });
    const fromSource = checkWorkerEntry(pathToFileURL(join(repoRoot, 'electron/services/batch-check.ts')).href);
    expect(fromSource?.kind).toBe('source');
    expect(checkWorkerEntry(pathToFileURL(join(tmpdir(), 'nowhere', 'main.mjs')).href)).toBeNull();
  });

  it('is loaded from app.asar.unpacked inside a packaged app', () => {
    const app = mkdtempSync(join(tmpdir(), 'landgate-asar-'));
    dirs.push(app);
    mkdirSync(join(app, 'resources/app.asar.unpacked/dist/electron'), { recursive: true });
    copyFileSync(bundled, join(app, 'resources/app.asar.unpacked/dist/electron/check.worker.mjs'));
    const main = pathToFileURL(join(app, 'resources/app.asar/dist/electron/main.mjs')).href;
    expect(checkWorkerEntry(main)).toEqual({ kind: 'bundled', path: join(app, 'resources/app.asar.unpacked/dist/electron/check.worker.mjs') });
  });

  it('checks parcels in plain Node exactly as the engine does in this thread', async () => {
    const county = generateCounty(60, 11);
    const profile = getProfile('xiaxian');
    const checkedAt = '2026-03-01T00:00:00.000Z';
    const expected = checkParcels(buildReferenceIndex(county.layers), county.parcels, profile, { checkedAt: new Date(checkedAt), indexOffset: 0 }).parcels;
    expect(expected.some((p) => p.findings.length > 0)).toBe(true);

    const worker = startWorker({ kind: 'bundled', path: bundled });
    try {
      const replies: WorkerReply[] = [];
      const result = await new Promise<unknown[]>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (reply: WorkerReply) => {
          replies.push(reply);
          if (reply.type === 'ready') worker.postMessage({ type: 'check', chunk: 0, parcels: county.parcels, offset: 0, checkedAt, includeGeometry: false } satisfies WorkerRequest);
          else if (reply.type === 'result') resolve(reply.parcels);
          else reject(new Error(reply.message));
        });
        worker.postMessage({ type: 'init', layers: county.layers, profile } satisfies WorkerRequest);
      });
      expect(replies[0].type).toBe('ready');
      expect(result).toEqual(expected);
    } finally {
      await worker.terminate();
    }
  });
});

describe('bundled import worker', () => {
  const bundledImport = join(repoRoot, 'dist/electron/import.worker.cjs');

  it('is built next to the desktop main and chosen there; the source elsewhere', () => {
    expect(existsSync(bundledImport), 'run `npm run build` first').toBe(true);
    expect(importWorkerEntry(pathToFileURL(join(repoRoot, 'dist/electron/main.mjs')).href)).toEqual({ kind: 'bundled', path: bundledImport });
    expect(importWorkerEntry(pathToFileURL(join(repoRoot, 'electron/services/importers/staging.ts')).href)?.kind).toBe('source');
  });

  it('imports a GBK shapefile into a project in plain Node, with progress, through its own connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'landgate-import-worker-'));
    dirs.push(dir);
    const project = join(dir, 'p.gpkg');
    expect(landgate(['init', project]).status).toBe(0);
    const shp = join(sharedData, 'shapefiles/derived_cgcs2000_gk_gbk/five_counties_CGCS2000_3GK_zone37.shp');
    const siblings = ['.shp', '.shx', '.dbf', '.prj'].map((ext) => shp.replace(/\.shp$/, ext));
    const worker = startWorker({ kind: 'bundled', path: bundledImport }, {
      workerData: { projectPath: project, paths: siblings, options: { kind: 'admin-boundary', table: 'counties' }, cancel: new SharedArrayBuffer(4) },
    });
    const messages: { type: string; done?: number; result?: { table: string; featureCount: number }; error?: unknown }[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (m: (typeof messages)[number]) => {
        messages.push(m);
        if (m.type === 'done' || m.type === 'error') resolve();
      });
    });
    await worker.terminate();
    const done = messages.at(-1)!;
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ type: 'done', result: { table: 'counties', featureCount: 5 } });
    expect(messages.some((m) => m.type === 'progress')).toBe(true);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const names = store.readFeatures('counties').features.map((f) => f.properties?.name);
      expect(names).toContain('夏县');
    } finally {
      store.close();
    }
  });
});

describe('bundled check-service worker', () => {
  const bundledHost = join(repoRoot, 'dist/electron/check-host.worker.cjs');

  it('opens the project itself, builds the index for its data version and checks a parcel as this thread does', async () => {
    expect(existsSync(bundledHost), 'run `npm run build` first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'landgate-check-host-'));
    dirs.push(dir);
    const project = join(dir, 'demo.gpkg');
    expect(landgate(['demo', project]).status).toBe(0);
    const store = ProjectStore.open(project, { readonly: true });
    const parcels = store.readFeatures('parcels').features.slice(0, 5) as Feature<Polygon | MultiPolygon>[];
    const profile = getProfile('xiaxian');
    const checkedAt = '2026-03-01T00:00:00.000Z';
    const expected = checkParcels(buildReferenceIndex(readReferenceLayers(store)), parcels, profile, { checkedAt: new Date(checkedAt) });
    const dataVersion = store.db.dataVersion();
    store.close();
    const worker = startWorker({ kind: 'bundled', path: bundledHost }, { workerData: { projectPath: project } });
    try {
      const reply = await new Promise<CheckHostReply>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', resolve);
        worker.postMessage({ type: 'check', requestId: 1, parcels, profile, includeGeometry: false, checkedAt } satisfies CheckHostRequest);
      });
      expect(reply).toMatchObject({ type: 'result', requestId: 1, dataVersion });
      expect(reply.type === 'result' ? reply.report : null).toEqual(expected);
    } finally {
      await worker.terminate();
    }
  });
});
