/**
 * The import dialog end to end in Chromium against `landgate serve`: pick a GBK boundary-point
 * TXT and a GeoJSON through the file input, check the preview (format, encoding, CRS, count,
 * outline, rows, live re-parse on an encoding change), confirm, and see the new layers with their
 * feature counts in the layer panel. Screenshots: test-artifacts/e2e/import-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sharedData } from '../support/cli';
import { writeShapefile } from '../../bench/import.bench';
import { gdalTranslate, hills, writeAsc } from '../fuzz/tiff';
import { landgateSync, openSession, prepareArtifactsAndRenderer, screenshotTo, type BrowserSession } from '../support/browser';

const TXT = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');
const SHP_DIR = join(sharedData, 'shapefiles', 'derived_cgcs2000_gk_gbk');
const NO_PRJ = join(sharedData, 'shapefiles', 'cn1to4m_gbk_no_cpg_no_prj');
const GEOJSON = join(sharedData, 'boundaries', 'tianditu_cgcs2000_simplified', 'shanxi_cities_tianditu.geojson');
const DEM = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');

let dir: string;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-import-'));
  const projectPath = join(dir, 'p.gpkg');
  landgateSync(['init', projectPath, '--title', '导入测试项目']);
  session = await openSession(projectPath);
  page = session.page;
  await page.getByTestId('project-title').filter({ hasText: '导入测试项目' }).waitFor({ timeout: 60_000 });
}, 240_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('import dialog in Chromium', () => {
  it('imports a GBK boundary-point TXT as parcels after the preview', async () => {
    await page.getByTestId('import-file-input').setInputFiles(TXT);
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    await expect.poll(() => page.getByTestId('import-format').textContent(), { timeout: 30_000 }).toContain('界址点坐标 TXT');
    expect(await page.getByTestId('import-count').textContent()).toBe('1');
    expect(await page.getByTestId('import-encoding').inputValue()).toBe('gbk');
    expect(await page.getByTestId('import-crs').inputValue()).toBe('EPSG:4526');
    expect(await page.getByTestId('import-kind').inputValue()).toBe('parcel');
    await expect(page.getByTestId('import-rows').textContent()).resolves.toContain('晋城市城区(测试)');
    expect(await page.getByTestId('import-outline').locator('polyline').count()).toBe(1);
    expect(await page.getByTestId('import-map-地块名称').inputValue()).toBe('name');
    await expect(page.getByTestId('import-area').textContent()).resolves.toContain('14747.7832');
    await screenshotTo(page, 'import-txt-preview');

    // live re-parse with another encoding: the names turn into mojibake, and back
    await page.getByTestId('import-encoding').selectOption('utf-8');
    await expect.poll(() => page.getByTestId('import-rows').textContent(), { timeout: 30_000 }).not.toContain('晋城市城区(测试)');
    await page.getByTestId('import-encoding').selectOption('gbk');
    await expect.poll(() => page.getByTestId('import-rows').textContent(), { timeout: 30_000 }).toContain('晋城市城区(测试)');

    await page.getByTestId('import-table').fill('chengqu_parcels');
    await page.getByTestId('import-title').fill('城区界址点地块');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    const row = page.getByTestId('layer-row-chengqu_parcels');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('城区界址点地块');
    expect(await row.locator('.layer-count').textContent()).toBe('1');
    await expect.poll(() => page.getByText('晋城市城区(测试)').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await screenshotTo(page, 'import-txt-done');
  });

  it('imports a GeoJSON as administrative boundaries, choosing the kind', async () => {
    await page.getByTestId('import-file-input').setInputFiles(GEOJSON);
    await expect.poll(() => page.getByTestId('import-count').textContent(), { timeout: 30_000 }).toBe('11');
    expect(await page.getByTestId('import-format').textContent()).toMatch(/GeoJSON/);
    await page.getByTestId('import-kind').selectOption('admin-boundary');
    await expect.poll(() => page.getByTestId('import-map-city_name').locator('option').allTextContents(), { timeout: 30_000 }).toContain('→ code');
    const table = await page.getByTestId('import-table').inputValue();
    expect(table).toMatch(/^[a-z][a-z0-9_]*$/);
    await screenshotTo(page, 'import-geojson-preview');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    const row = page.getByTestId(`layer-row-${table}`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.layer-count').textContent()).toBe('11');
    await screenshotTo(page, 'import-geojson-done');
  });

  it('takes a shapefile dropped on the map with its siblings (.shp .dbf .shx .prj)', async () => {
    const files = ['shp', 'dbf', 'shx', 'prj'].map((ext) => {
      const name = `five_counties_CGCS2000_3GK_zone37.${ext}`;
      return { name, base64: readFileSync(join(SHP_DIR, name)).toString('base64') };
    });
    await page.getByTestId('map').evaluate((target, list) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
      for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    await expect.poll(() => page.getByTestId('import-format').textContent(), { timeout: 30_000 }).toMatch(/Shapefile/i);
    expect(await page.getByTestId('import-crs').inputValue()).toBe('EPSG:4525');
    const count = Number(await page.getByTestId('import-count').textContent());
    expect(count).toBeGreaterThanOrEqual(5);
    await page.getByTestId('import-kind').selectOption('admin-boundary');
    await expect.poll(() => page.getByTestId('import-kind').inputValue()).toBe('admin-boundary');
    await page.getByTestId('import-table').fill('five_counties');
    await screenshotTo(page, 'import-shapefile-preview');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    const row = page.getByTestId('layer-row-five_counties');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.layer-count').textContent()).toBe(String(count));
  });

  it('asks to confirm a CRS proposed from coordinate magnitudes (shapefile without .prj)', async () => {
    await page.getByTestId('import-file-input').setInputFiles(['shp', 'dbf', 'shx'].map((ext) => join(NO_PRJ, `hyd2_4l.${ext}`)));
    await page.getByTestId('import-crs-confirm').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-kind').inputValue()).toBe('river');
    expect(await page.getByTestId('import-confirm').isDisabled()).toBe(true);
    await page.getByTestId('import-crs-confirm').check();
    expect(await page.getByTestId('import-confirm').isDisabled()).toBe(false);
    await screenshotTo(page, 'import-proposed-crs');
    await page.getByTestId('import-close').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
  });

  it("says the preview's notes in English when English is chosen (codes rendered by the catalogue)", async () => {
    await page.getByTestId('locale-select').selectOption('en');
    try {
      await page.getByTestId('import-file-input').setInputFiles(['shp', 'dbf', 'shx'].map((ext) => join(NO_PRJ, `hyd2_4l.${ext}`)));
      const note = page.getByTestId('import-crs-note');
      await note.waitFor({ timeout: 30_000 });
      expect(await note.textContent()).toMatch(/^There is no \.prj file\. The coordinate range [\d.–-]+, [\d.–-]+ is longitude\/latitude, taken as CGCS2000 longitude\/latitude \(EPSG:4490\)/);
      const warnings = await page.getByTestId('import-warnings').textContent();
      expect(warnings).toContain('Attribute table encoding: There is no .cpg file and the DBF names no code page.');
      expect(warnings).not.toMatch(/\p{Script=Han}/u);
      // the CRS choices are named in English too
      expect(await page.getByTestId('import-crs').locator('option[value="EPSG:4526"]').textContent()).toBe('CGCS2000 3° Gauss-Krüger zone 38 (EPSG:4526)');
      await screenshotTo(page, 'import-notes-en');
      await page.getByTestId('import-close').click();
      await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
    } finally {
      await page.getByTestId('locale-select').selectOption('zh-CN');
    }
  });

  it('imports a GeoTIFF DEM: DEM preview with band levels, then an elevation-band layer', async () => {
    await page.getByTestId('import-file-input').setInputFiles(DEM);
    await expect.poll(() => page.getByTestId('import-format').textContent(), { timeout: 30_000 }).toContain('GeoTIFF');
    expect(await page.getByTestId('import-dem-size').textContent()).toMatch(/\d+ × \d+/);
    expect(await page.getByTestId('import-dem-range').textContent()).toMatch(/\d+ – \d+ m/);
    expect(await page.getByTestId('import-dem-levels').inputValue()).toBe('400,900');
    expect(await page.getByTestId('import-table').inputValue()).toBe('elevation_bands');
    expect(await page.getByTestId('import-kind').count()).toBe(0); // no vector preview
    await screenshotTo(page, 'import-dem-preview');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    const row = page.getByTestId('layer-row-elevation_bands');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.layer-count').textContent()).toBe('2');
    await expect.poll(() => page.getByTestId('basemap-select').inputValue(), { timeout: 30_000 }).toBe('relief');
    await screenshotTo(page, 'import-dem-done');
  });

  it('asks before importing an implausible DEM and imports it only once confirmed', async () => {
    const asc = join(dir, 'hole.asc');
    const holed = join(dir, '有空洞的高程.tif');
    writeAsc(asc, { cols: 512, rows: 512, west: 112, south: 37, cell: 0.001, value: (c, r) => (c < 256 && r < 256 ? 0 : hills(c, r)) });
    gdalTranslate(asc, holed, ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'TILED=YES']);
    await page.getByTestId('import-file-input').setInputFiles(holed);
    const suspect = page.getByTestId('import-dem-suspect');
    await suspect.waitFor({ timeout: 30_000 });
    expect(await suspect.textContent()).toMatch(/恰为 0 米/);
    expect(await page.getByTestId('import-confirm').isDisabled()).toBe(true);
    await page.getByTestId('import-dem-accept').check();
    expect(await page.getByTestId('import-confirm').isDisabled()).toBe(false);
    const table = await page.getByTestId('import-table').inputValue();
    await page.getByTestId('import-confirm').click();
    await page.getByTestId(`layer-row-${table}`).waitFor({ timeout: 60_000 });
  });

  it('shows a zh refusal for an unsupported file and changes nothing', async () => {
    const before = await page.locator('[data-testid^="layer-row-"]').count();
    await page.getByTestId('import-file-input').setInputFiles({ name: '图纸.dwg', mimeType: 'application/octet-stream', buffer: Buffer.from('AC1032 not really') });
    await expect.poll(() => page.getByTestId('import-error').textContent(), { timeout: 30_000 }).toContain('图纸.dwg');
    expect(await page.getByTestId('import-confirm').isDisabled()).toBe(true);
    await screenshotTo(page, 'import-refused');
    await page.getByTestId('import-close').click();
    expect(await page.locator('[data-testid^="layer-row-"]').count()).toBe(before);
    expect(session.traffic.pageErrors).toEqual([]);
  });

  it('shows per-feature progress on a large shapefile; cancel mid-import changes nothing', async () => {
    const base = join(dir, 'parcels_30k');
    writeShapefile(base, 30_000);
    const before = await page.locator('[data-testid^="layer-row-"]').count();
    await page.getByTestId('import-file-input').setInputFiles(['shp', 'shx', 'dbf', 'prj', 'cpg'].map((ext) => `${base}.${ext}`));
    await expect.poll(() => page.getByTestId('import-count').textContent(), { timeout: 120_000 }).toBe('30000');
    await page.getByTestId('import-confirm').click();
    const counts = page.getByTestId('import-features');
    await expect.poll(() => counts.textContent(), { timeout: 120_000 }).toMatch(/^正在导入：已检查并写入 [1-9][\d ]* \/ 30 000 个要素$/);
    expect(await page.getByTestId('import-progress').getAttribute('max')).toBe('30000');
    expect(Number(await page.getByTestId('import-progress').getAttribute('value'))).toBeGreaterThan(0);
    await screenshotTo(page, 'import-progress');
    await page.getByTestId('import-cancel').click();
    await page.getByTestId('import-cancelled').waitFor({ timeout: 60_000 });
    await page.getByTestId('import-close').click();
    expect(await page.locator('[data-testid^="layer-row-"]').count()).toBe(before);
    expect(session.traffic.pageErrors).toEqual([]);
  }, 300_000);
});

