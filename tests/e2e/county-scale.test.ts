/**
 * A reviewer on a real county's scale, in Chromium: the benchmark county (100 000 parcels, 20 041
 * reference features; generated once into .cache/ by bench/county-project.ts and reused) opens to
 * an answering map and parcel list, a parcel is found through the list search and checked, and the
 * map pans and zooms. The timings are printed (never asserted: speed is the benchmark's business);
 * what is asserted is behaviour that only holds at scale: the map draws tiles, no request reads a
 * whole layer, the DOM of the list stays small, no page error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { cachedCountyProject } from '../../bench/county-project';
import { type BrowserSession, openSession, postApi, prepareArtifactsAndRenderer, screenshotTo, waitForMapReady } from '../support/browser';

const PARCELS = 100_000;
const TARGET = 'DK-077777';

let dir: string;
let session: BrowserSession;
let page: Page;
const timings: Record<string, number> = {};
const apiBytes: { url: string; bytes: number }[] = [];

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  let started = performance.now();
  const cached = cachedCountyProject(PARCELS);
  timings['county project ready (cached after the first run)'] = performance.now() - started;
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-county-'));
  const path = join(dir, 'county.gpkg');
  copyFileSync(cached, path);
  started = performance.now();
  session = await openSession(path);
  page = session.page;
  page.on('response', (response) => {
    const url = response.url();
    if (!url.includes('/api/') && !url.includes('/tiles/vector/')) return;
    void response.body().then(
      (body) => apiBytes.push({ url, bytes: body.byteLength }),
      () => undefined,
    );
  });
  await waitForMapReady(page, 120_000);
  await page.waitForFunction((total) => document.querySelector('[data-testid="parcel-count"]')?.textContent === total, String(PARCELS), { timeout: 60_000 });
  timings['serve + page load → map ready and list counted'] = performance.now() - started;
}, 600_000);

afterAll(async () => {
  console.log(
    `county-scale e2e (${PARCELS} parcels):\n${Object.entries(timings)
      .map(([what, ms]) => `  ${what}: ${ms.toFixed(0)} ms`)
      .join('\n')}`,
  );
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a county of 100 000 parcels in the browser', () => {
  it('finds a parcel through the list search and checks it', async () => {
    let started = performance.now();
    await page.getByTestId('parcel-search').fill(TARGET);
    await expect.poll(() => page.getByTestId('parcel-count').textContent(), { timeout: 30_000 }).toBe('1');
    timings['list search by id'] = performance.now() - started;
    started = performance.now();
    await page.getByTestId(`parcel-item-${TARGET}`).click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: 60_000 });
    timings['click → verdict shown (first check, index warmed since open)'] = performance.now() - started;
    expect(['permitted', 'conditional', 'prohibited']).toContain(await verdict.getAttribute('data-verdict'));
    expect(await page.locator('[data-testid^="parcel-item-"]').count()).toBeLessThan(100);
    await screenshotTo(page, 'county-parcel-checked');
  }, 120_000);

  it('pans and zooms the map over vector tiles without reading whole layers', async () => {
    const map = page.getByTestId('map');
    const box = (await map.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const tilesBefore = session.traffic.requestedUrls.filter((u) => u.includes('/tiles/vector/')).length;
    const started = performance.now();
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 300, cy - 150, { steps: 12 });
    await page.mouse.up();
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 600); // out towards the whole county
    await requestsSettled(500, 60_000);
    timings['pan + zoom out 4 steps → tile requests settled'] = performance.now() - started - 500;
    const tilesAfter = session.traffic.requestedUrls.filter((u) => u.includes('/tiles/vector/')).length;
    expect(tilesAfter).toBeGreaterThan(tilesBefore);
    expect(session.traffic.requestedUrls.some((u) => /getLayerFeatures|listParcels/.test(u))).toBe(false);
    // no single answer is layer-sized (the whole parcel layer as GeoJSON was 48 MB)
    const largest = apiBytes.reduce((max, r) => Math.max(max, r.bytes), 0);
    console.log(`largest API or tile response: ${largest} bytes`);
    expect(largest).toBeLessThan(5 * 1024 * 1024);
    expect(session.traffic.pageErrors).toEqual([]);
    await screenshotTo(page, 'county-zoomed-out');
  }, 120_000);

  it('zooms to the 100 000-parcel layer from its stored extent, reading none of its features', async () => {
    const project = (await postApi<{ layers: { table: string; kind: string; bbox: number[] }[] }>(session.url, 'getProject', {})).body;
    const parcels = project.layers.find((l) => l.kind === 'parcel')!;
    const asked = session.traffic.requestedUrls.length;
    const answered = apiBytes.length;
    const started = performance.now();
    await page.getByTestId(`layer-row-${parcels.table}`).click({ button: 'right' });
    await page.getByTestId('layer-menu-zoom').click();
    await page.getByTestId('layer-menu').waitFor({ state: 'detached', timeout: 30_000 });
    timings['缩放至图层 on the parcel layer → menu closed'] = performance.now() - started;
    await requestsSettled(500, 60_000);
    const api = session.traffic.requestedUrls.slice(asked).filter((u) => u.includes('/api/'));
    expect(api.filter((u) => u.endsWith('/api/getLayerExtent'))).toHaveLength(1);
    expect(api.filter((u) => /getFeatures|queryFeatures|queryParcels/.test(u))).toEqual([]);
    const extentAnswer = apiBytes.slice(answered).find((r) => r.url.endsWith('/api/getLayerExtent'));
    expect(extentAnswer?.bytes ?? 0).toBeLessThan(512);
    // the whole county in view: its centre under the map's centre
    const map = (await page.getByTestId('map').boundingBox())!;
    // the readout follows mousemove events, rendered by React a moment later: move off the centre
    // first (a move to where the pointer already is sends no event), then wait for the reading
    const coords = /经度 ([\d.]+)° 纬度 ([\d.]+)°/;
    const readout = page.getByTestId('cursor-coords');
    await page.mouse.move(map.x + map.width / 4, map.y + map.height / 4);
    await expect.poll(() => readout.textContent(), { timeout: 10_000 }).toMatch(coords);
    const offCentre = await readout.textContent();
    await page.mouse.move(map.x + map.width / 2, map.y + map.height / 2);
    await expect.poll(() => readout.textContent(), { timeout: 10_000 }).not.toBe(offCentre);
    const text = (await readout.textContent()) ?? '';
    const [, lon, lat] = coords.exec(text)!.map(Number);
    const [minX, minY, maxX, maxY] = parcels.bbox;
    expect(Math.abs(lon - (minX + maxX) / 2)).toBeLessThan((maxX - minX) * 0.05);
    expect(Math.abs(lat - (minY + maxY) / 2)).toBeLessThan((maxY - minY) * 0.05);
    expect(session.traffic.pageErrors).toEqual([]);
    await screenshotTo(page, 'county-zoomed-to-layer');
  }, 120_000);
});

/** Resolves once no request was made for `quietMs` (the map has asked for every tile it needs). */
async function requestsSettled(quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = session.traffic.requestedUrls.length;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await page.waitForTimeout(100);
    const now = session.traffic.requestedUrls.length;
    if (now !== count) {
      count = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return;
  }
  throw new Error(`requests did not settle within ${timeoutMs} ms`);
}
