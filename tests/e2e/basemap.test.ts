/**
 * The offline basemap end to end: a project with the real GMTED DEM of southern Shanxi (imported
 * by `landgate bands`) and a raster MBTiles basemap (made here with gdaldem + gdal_translate and
 * added by `landgate basemap add`), served in browser mode and drawn by Chromium. Asserts that the
 * relief (hillshade) and the contour lines are rendered, that the user basemap can be picked and
 * shows its attribution, and that no request ever leaves 127.0.0.1.
 * Screenshots land in test-artifacts/e2e/basemap-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { landgateSync, openSession, prepareArtifactsAndRenderer, repoRoot, screenshotTo, waitForMapReady, type Box, type BrowserSession } from '../support/browser';

const GMTED = join(repoRoot, '..', 'shared', 'data', 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');

let dir: string;
let session: BrowserSession;
let baseUrl: string;
let page: Page;

/** Luminance statistics of the map canvas area of a screenshot. */
function mapStats(png: Buffer, box: Box) {
  const image = PNG.sync.read(png);
  let n = 0, sum = 0, sum2 = 0;
  const levels = new Set<number>();
  let brownish = 0;
  for (let y = Math.floor(box.y + 110); y < Math.floor(box.y + box.height - 60); y += 2) {
    for (let x = Math.floor(box.x + 60); x < Math.floor(box.x + box.width - 60); x += 2) {
      const o = (y * image.width + x) * 4;
      const [r, g, b] = [image.data[o], image.data[o + 1], image.data[o + 2]];
      const l = 0.299 * r + 0.587 * g + 0.114 * b;
      n++;
      sum += l;
      sum2 += l * l;
      levels.add(Math.round(l / 4));
      if (r > g + 25 && g > b) brownish++;
    }
  }
  const mean = sum / n;
  return { std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), levels: levels.size, brownShare: brownish / n, image };
}

function diffShare(a: PNG, b: PNG, box: Box): number {
  let n = 0, changed = 0;
  for (let y = Math.floor(box.y + 110); y < Math.floor(box.y + box.height - 60); y += 2) {
    for (let x = Math.floor(box.x + 60); x < Math.floor(box.x + box.width - 60); x += 2) {
      const o = (y * a.width + x) * 4;
      n++;
      if (Math.abs(a.data[o] - b.data[o]) + Math.abs(a.data[o + 1] - b.data[o + 1]) + Math.abs(a.data[o + 2] - b.data[o + 2]) > 24) changed++;
    }
  }
  return changed / n;
}

async function waitBasemap() {
  await page.waitForFunction(() => (window as { __landgateBasemapReady?: boolean }).__landgateBasemapReady === true, null, { timeout: 60_000 });
  await page.waitForTimeout(500);
}

async function mapBox() {
  const box = await page.getByTestId('map').boundingBox();
  if (!box) throw new Error('no map');
  return box;
}

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-basemap-'));
  const project = join(dir, 'shanxi.gpkg');
  landgateSync(['init', project, '--title', '晋南地形']);
  landgateSync(['bands', project, '--dem', GMTED]);
  // a raster MBTiles basemap: the DEM colour-shaded (green lowlands → white peaks)
  const ramp = join(dir, 'ramp.txt');
  writeFileSync(ramp, '0 40 120 60\n500 120 180 90\n900 220 200 120\n1500 170 120 80\n2400 255 255 255\n');
  const coloured = join(dir, 'coloured.tif');
  execFileSync('gdaldem', ['color-relief', '-q', GMTED, ramp, coloured]);
  const mbtiles = join(dir, 'coloured.mbtiles');
  execFileSync('gdal_translate', ['-q', '-of', 'MBTiles', '-co', 'ZOOM_LEVEL_STRATEGY=UPPER', coloured, mbtiles]);
  execFileSync('gdaladdo', ['-q', mbtiles, '2', '4', '8']);
  landgateSync(['basemap', 'add', project, mbtiles, '--name', 'Shanxi colour relief', '--attribution', '© 测试底图 GMTED2010 着色']);
  session = await openSession(project);
  ({ url: baseUrl, page } = session);
  await waitForMapReady(page);
  await waitBasemap();
}, 300_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('offline basemap in browser mode', { timeout: 120_000 }, () => {
  it('renders the relief (hillshade from the project DEM) and contour lines offline', async () => {
    // hide the band layer so only the basemap is on the map
    await page.getByText('全部隐藏').click();
    await waitBasemap();
    const box = await mapBox();
    const relief = mapStats(await screenshotTo(page, 'basemap-01-relief'), box);
    await page.getByTestId('basemap-select').selectOption('none');
    await waitBasemap();
    const blank = mapStats(await screenshotTo(page, 'basemap-02-none'), box);
    // relief: shading in many grey levels; no basemap: a flat background
    expect(blank.std).toBeLessThan(3);
    expect(relief.std).toBeGreaterThan(8);
    expect(relief.levels).toBeGreaterThan(blank.levels + 15);
    // contours: switching them off changes a thin but real share of the pixels
    await page.getByTestId('basemap-select').selectOption('relief');
    await waitBasemap();
    const withLines = mapStats(await page.screenshot(), box);
    await page.getByTestId('basemap-picker').getByRole('checkbox').uncheck();
    await waitBasemap();
    const withoutLines = mapStats(await screenshotTo(page, 'basemap-03-relief-no-contours'), box);
    const lineShare = diffShare(withLines.image, withoutLines.image, box);
    expect(lineShare).toBeGreaterThan(0.005);
    expect(lineShare).toBeLessThan(0.3);
    await page.getByTestId('basemap-picker').getByRole('checkbox').check();
    await expect(page.getByTestId('basemap-attribution').textContent()).resolves.toContain('gmted2010_lowres_shanxi');
    expect(session.traffic.requestedUrls.some((u) => /\/tiles\/dem\/\d+\/\d+\/\d+\.png$/.test(u))).toBe(true);
  });

  it('offers the added MBTiles basemap in the picker, draws it and shows its attribution', async () => {
    const options = await page.getByTestId('basemap-select').locator('option').allTextContents();
    expect(options).toContain('Shanxi colour relief');
    const value = await page.getByTestId('basemap-select').locator('option', { hasText: 'Shanxi colour relief' }).getAttribute('value');
    await page.getByTestId('basemap-select').selectOption(value!);
    await waitBasemap();
    const box = await mapBox();
    const coloured = mapStats(await screenshotTo(page, 'basemap-04-mbtiles'), box);
    expect(coloured.std).toBeGreaterThan(8);
    expect(coloured.brownShare + 0).toBeGreaterThan(0.02); // the ramp's brown/orange mid-altitudes
    await expect(page.getByTestId('basemap-attribution').textContent()).resolves.toContain('© 测试底图 GMTED2010 着色');
    expect(session.traffic.requestedUrls.some((u) => u.includes('/tiles/basemap/'))).toBe(true);
  });

  it('builds elevation bands from the project DEM in the UI, as landgate bands does', async () => {
    await page.getByTestId('bands-levels').fill('600,1200');
    await page.getByTestId('bands-build').click();
    await expect.poll(() => page.getByTestId('bands-status').textContent().catch(() => ''), { timeout: 60_000 }).toContain('elevation_bands_2');
    await waitForMapReady(page);
    await expect.poll(() => page.getByTestId('layer-panel').textContent(), { timeout: 30_000 }).toContain('600 / 1200 m');
    await waitBasemap();
    await screenshotTo(page, 'basemap-05-bands-built');
  });

  it('never requested anything outside 127.0.0.1 and raised no page errors', () => {
    const { requestedUrls, pageErrors } = session.traffic;
    const origin = `${new URL(baseUrl).origin}/`;
    const foreign = requestedUrls.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requestedUrls.length).toBeGreaterThan(5);
    expect(pageErrors).toEqual([]);
  });
});
