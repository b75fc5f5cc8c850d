/**
 * The desktop build's check worker (dist/electron/check.worker.mjs, built by scripts/build.mjs):
 * it runs in plain Node without tsx or node_modules, and gives exactly the in-thread engine's
 * results; checkWorkerEntry picks it next to the bundled main, from app.asar.unpacked inside a
 * packaged app, and the TypeScript source otherwise. `npm test` builds before running the tests.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkWorkerEntry, startCheckWorker } from '../../electron/services/batch-check';
import type { WorkerReply, WorkerRequest } from '../../electron/services/check.worker';
import { getProfile } from '../../electron/services/profiles';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';
import { generateCounty } from '../../bench/county';
import { repoRoot } from '../support/cli';

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

    const worker = startCheckWorker({ kind: 'bundled', path: bundled });
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
