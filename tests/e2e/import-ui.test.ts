/**
 * The import dialog end to end in Chromium against `landgate serve`: pick a GBK boundary-point
 * TXT and a GeoJSON through the file input, check the preview (format, encoding, CRS, count,
 * outline, rows, live re-parse on an encoding change), confirm, and see the new layers with their
 * feature counts in the layer panel. Screenshots: test-artifacts/e2e/import-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sharedData } from '../support/cli';

const repoRoot = resolve(import.meta.dirname, '../..');
const cli = join(repoRoot, 'bin', 'landgate.js');
const artifacts = join(repoRoot, 'test-artifacts', 'e2e');
const CHROMIUM = process.env.LANDGATE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const TXT = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');
const SHP_DIR = join(sharedData, 'shapefiles', 'derived_cgcs2000_gk_gbk');
const NO_PRJ = join(sharedData, 'shapefiles', 'cn1to4m_gbk_no_cpg_no_prj');
const GEOJSON = join(sharedData, 'boundaries', 'tianditu_cgcs2000_simplified', 'shanxi_cities_tianditu.geojson');

let dir: string;
let server: ChildProcess | undefined;
let output = '';
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

function startServer(projectPath: string): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', projectPath, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`landgate serve exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'))) {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-import-'));
  const projectPath = join(dir, 'p.gpkg');
  execFileSync(process.execPath, [cli, 'init', projectPath, '--title', '导入测试项目'], { cwd: repoRoot, stdio: 'pipe' });
  const baseUrl = await startServer(projectPath);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(baseUrl);
  await page.getByTestId('project-title').filter({ hasText: '导入测试项目' }).waitFor({ timeout: 60_000 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.removeAllListeners('exit');
    const exited = new Promise((r) => server?.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
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
    await page.screenshot({ path: join(artifacts, 'import-txt-preview.png') });

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
    await page.screenshot({ path: join(artifacts, 'import-txt-done.png') });
  });

  it('imports a GeoJSON as administrative boundaries, choosing the kind', async () => {
    await page.getByTestId('import-file-input').setInputFiles(GEOJSON);
    await expect.poll(() => page.getByTestId('import-count').textContent(), { timeout: 30_000 }).toBe('11');
    expect(await page.getByTestId('import-format').textContent()).toMatch(/GeoJSON/);
    await page.getByTestId('import-kind').selectOption('admin-boundary');
    await expect.poll(() => page.getByTestId('import-map-city_name').locator('option').allTextContents(), { timeout: 30_000 }).toContain('→ code');
    const table = await page.getByTestId('import-table').inputValue();
    expect(table).toMatch(/^[a-z][a-z0-9_]*$/);
    await page.screenshot({ path: join(artifacts, 'import-geojson-preview.png') });
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    const row = page.getByTestId(`layer-row-${table}`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.layer-count').textContent()).toBe('11');
    await page.screenshot({ path: join(artifacts, 'import-geojson-done.png') });
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
    await page.screenshot({ path: join(artifacts, 'import-shapefile-preview.png') });
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
    await page.screenshot({ path: join(artifacts, 'import-proposed-crs.png') });
    await page.getByTestId('import-close').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
  });

  it('shows a zh refusal for an unsupported file and changes nothing', async () => {
    const before = await page.locator('[data-testid^="layer-row-"]').count();
    await page.getByTestId('import-file-input').setInputFiles({ name: '图纸.dwg', mimeType: 'application/octet-stream', buffer: Buffer.from('AC1032 not really') });
    await expect.poll(() => page.getByTestId('import-error').textContent(), { timeout: 30_000 }).toContain('图纸.dwg');
    expect(await page.getByTestId('import-confirm').isDisabled()).toBe(true);
    await page.screenshot({ path: join(artifacts, 'import-refused.png') });
    await page.getByTestId('import-close').click();
    expect(await page.locator('[data-testid^="layer-row-"]').count()).toBe(before);
    expect(pageErrors).toEqual([]);
  });
});
