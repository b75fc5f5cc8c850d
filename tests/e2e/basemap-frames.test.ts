/**
 * The basemap chosen on the map goes under every map of a parcel: the check panel's small map,
 * 汇报模式 and the 意见书 exported from the workbench. The demo project gets a raster MBTiles
 * basemap of four recognisable colours around parcel XX-2026-001 (tests/support/basemap-pattern.ts,
 * made with GDAL, added with `landgate basemap add`); Chromium draws it, and the PDF downloaded
 * from the workbench names it in its legend. Screenshots: test-artifacts/e2e/basemap-frames-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { ProjectStore } from '../../electron/services/project-store';
import { bboxOf } from '../../shared/geo/geodesy';
import { isPatternColour, makePatternBasemap } from '../support/basemap-pattern';
import { landgateSync, openSession, prepareArtifactsAndRenderer, screenshotTo, waitForMapReady, type BrowserSession } from '../support/browser';

const PARCEL = 'XX-2026-001';
let dir: string;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-basemap-frames-'));
  const project = join(dir, 'demo.gpkg');
  landgateSync(['demo', project]);
  const store = ProjectStore.open(project, { readonly: true });
  const [w, s, e, n] = bboxOf(store.requestFeatures('parcels', { ids: [PARCEL] })[0].geometry!);
  store.close();
  landgateSync(['basemap', 'add', project, makePatternBasemap(dir, [(w + e) / 2, (s + n) / 2]), '--name', 'pattern', '--attribution', '© 测试底图']);
  session = await openSession(project, { page: { acceptDownloads: true } });
  page = session.page;
  await waitForMapReady(page);
}, 300_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Share of a map's pixels in the basemap's colours, from a screenshot of the page. */
async function patternShare(map: Locator, name: string): Promise<number> {
  await map.scrollIntoViewIfNeeded();
  const box = (await map.boundingBox())!;
  const png = PNG.sync.read(await screenshotTo(page, name));
  let n = 0;
  let coloured = 0;
  for (let y = Math.ceil(box.y) + 2; y < Math.floor(box.y + box.height) - 2; y += 2) {
    for (let x = Math.ceil(box.x) + 2; x < Math.floor(box.x + box.width) - 2; x += 2) {
      const o = (y * png.width + x) * 4;
      n++;
      if (isPatternColour([png.data[o], png.data[o + 1], png.data[o + 2]])) coloured++;
    }
  }
  return coloured / n;
}

const ready = (frame: Locator, suffix: string) => expect.poll(() => frame.getAttribute('data-frame-ready'), { timeout: 60_000 }).toMatch(new RegExp(`^parcels\\u0000${PARCEL}\\u0000.*${suffix}$`));

describe('the chosen basemap under the maps of a parcel', { timeout: 180_000 }, () => {
  it('draws it under the check panel\'s map, and the relief again when that is chosen', async () => {
    const value = await page.getByTestId('basemap-select').locator('option', { hasText: 'pattern' }).getAttribute('value');
    await page.getByTestId('basemap-select').selectOption(value!);
    await page.getByTestId('parcel-search').fill(PARCEL);
    await page.getByTestId(`parcel-item-${PARCEL}`).click();
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    const frame = page.getByTestId('check-map');
    await ready(frame, `\\u0000parcel\\u0000${value}`);
    expect(await frame.getByTestId('check-map-legend').textContent()).toContain('底图：© 测试底图');
    const view = frame.locator('.frame-map-view');
    const withPattern = await patternShare(view, 'basemap-frames-01-check-map');
    expect(withPattern).toBeGreaterThan(0.3);

    await page.getByTestId('basemap-select').selectOption('relief');
    await ready(frame, '\\u0000parcel\\u0000relief');
    expect(await frame.getByTestId('check-map-legend').textContent()).toContain('地形：项目高程数据');
    // (a few pixels of the layers' own colours pass for the pattern's)
    expect(await patternShare(view, 'basemap-frames-02-check-map-relief')).toBeLessThan(withPattern / 5);
    await page.getByTestId('basemap-select').selectOption(value!);
    await ready(frame, `\\u0000parcel\\u0000${value}`);
  });

  it('draws it under the 汇报模式 map of the parcel', async () => {
    await page.getByTestId('open-presentation').click();
    await page.getByTestId('presentation').waitFor();
    expect(await page.getByTestId('presentation-parcel').textContent()).toBe(PARCEL);
    await page.waitForFunction((id) => /\u0000pattern$/.test((window as { __landgateFrameReady?: string }).__landgateFrameReady ?? '') && (window as { __landgateFrameReady?: string }).__landgateFrameReady!.startsWith(`parcels\u0000${id}\u0000review`), PARCEL, { timeout: 60_000 });
    const frame = page.getByTestId('presentation-map');
    expect(await page.getByTestId('frame-legend').textContent()).toContain('底图：© 测试底图');
    expect(await patternShare(frame, 'basemap-frames-03-presentation')).toBeGreaterThan(0.3);
    await page.keyboard.press('Escape');
    await page.getByTestId('presentation').waitFor({ state: 'detached' });
  });

  it('prints it under the 意见书 map exported from the workbench', async () => {
    await page.getByTestId('open-review').click();
    await page.getByTestId('review-tab-review').click();
    await page.getByTestId('review-panel').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
    const pdf = join(dir, 'report.pdf');
    await download.saveAs(pdf);
    const text = spawnSync('pdftotext', ['-layout', '-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('底图：pattern');
    expect(text).toContain('底图 © 测试底图');
    expect(text).not.toContain('地形晕渲');
  });
});
