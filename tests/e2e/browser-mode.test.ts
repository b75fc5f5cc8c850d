/**
 * End to end, as a user sees it: a generated demo project served by `landgate serve` (browser
 * mode), the built renderer in Debian's Chromium (software WebGL), driven by playwright-core.
 * Screenshots land in test-artifacts/e2e/ for a human to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

const repoRoot = resolve(import.meta.dirname, '../..');
const cli = join(repoRoot, 'bin', 'landgate.js');
const artifacts = join(repoRoot, 'test-artifacts', 'e2e');
const CHROMIUM = process.env.LANDGATE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-swiftshader',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const VIEWPORT = { width: 1440, height: 900 };
/** renderer/map/layer-styles.ts BACKGROUND_COLOR (#f3f1ec). */
const MAP_BACKGROUND: [number, number, number] = [0xf3, 0xf1, 0xec];

let dir: string;
let server: ChildProcess | undefined;
let serverOutput = '';
let baseUrl: string;
let browser: Browser;
let page: Page;
const requestedUrls: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

function startServer(projectPath: string): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', projectPath, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    const timer = setTimeout(() => reject(new Error(`landgate serve printed no URL within 60 s:\n${serverOutput}`)), 60_000);
    const onData = (chunk: Buffer) => {
      serverOutput += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(serverOutput);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`landgate serve exited with ${code}:\n${serverOutput}`));
    });
  });
}

async function screenshot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/** Distinct colours (5 bits per channel) covering at least `minPixels` pixels, background excluded, within a box. */
function colourCensus(png: Buffer, box: { x: number; y: number; width: number; height: number }, minPixels = 20) {
  const image = PNG.sync.read(png);
  const counts = new Map<number, number>();
  let nonBackground = 0;
  let total = 0;
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(image.width, Math.floor(box.x + box.width));
  const y1 = Math.min(image.height, Math.floor(box.y + box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const offset = (y * image.width + x) * 4;
      const [r, g, b] = [image.data[offset], image.data[offset + 1], image.data[offset + 2]];
      total++;
      if (Math.abs(r - MAP_BACKGROUND[0]) + Math.abs(g - MAP_BACKGROUND[1]) + Math.abs(b - MAP_BACKGROUND[2]) <= 6) continue;
      nonBackground++;
      const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const distinct = [...counts.values()].filter((n) => n >= minPixels).length;
  return { distinct, nonBackgroundShare: total === 0 ? 0 : nonBackground / total };
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'))) {
    // `npm run test:e2e` builds first; a bare `vitest run tests/e2e` still gets a fresh renderer.
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-'));
  const projectPath = join(dir, 'demo.gpkg');
  execFileSync(process.execPath, [cli, 'demo', projectPath], { cwd: repoRoot, stdio: 'pipe' });
  baseUrl = await startServer(projectPath);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'zh-CN' });
  page.on('request', (request) => requestedUrls.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(baseUrl);
  await page.waitForFunction(() => (window as { __landgateMapReady?: boolean }).__landgateMapReady === true, null, { timeout: 90_000 });
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

describe('browser mode in Chromium', () => {
  it('shows the project title with the 示例数据 badge', async () => {
    await expect(page.getByTestId('project-title').textContent()).resolves.toContain('示例数据');
    expect(await page.getByTestId('synthetic-badge').isVisible()).toBe(true);
    expect(await page.title()).toContain('示例数据');
  });

  it('draws the layers on the map canvas', async () => {
    const png = await screenshot('01-project');
    const box = await page.getByTestId('map').boundingBox();
    expect(box).not.toBeNull();
    const census = colourCensus(png, box as NonNullable<typeof box>);
    // Blues, greens, reds, greys, the yellow parcels…: a blank map would have ~1 colour.
    expect(census.distinct).toBeGreaterThanOrEqual(20);
    expect(census.nonBackgroundShare).toBeGreaterThan(0.1);
    expect(await page.locator('canvas.maplibregl-canvas').count()).toBe(1);
  });

  it('lists at least ten layers with kind, count and legend', async () => {
    const rows = page.getByTestId('layer-panel').locator('[data-testid^="layer-row-"]');
    expect(await rows.count()).toBeGreaterThanOrEqual(10);
    const waterRow = page.getByTestId('layer-panel').locator('li', { hasText: '饮用水水源保护区' }).first();
    await expect(waterRow.textContent()).resolves.toMatch(/一级.*二级.*准保护区/);
  });

  it('defaults to the 夏县 profile and shows it', async () => {
    const select = page.getByTestId('profile-select');
    const options = await select.locator('option').evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
    expect(options.length).toBeGreaterThan(0);
    if (options.includes('xiaxian')) expect(await select.inputValue()).toBe('xiaxian');
  });

  it('shows CGCS2000 coordinates under the cursor', async () => {
    const box = await page.getByTestId('map').boundingBox();
    const { x, y, width, height } = box as NonNullable<typeof box>;
    await page.mouse.move(x + width / 2, y + height / 2);
    await page.mouse.move(x + width / 2 + 5, y + height / 2 + 5);
    await expect
      .poll(() => page.getByTestId('cursor-coords').textContent(), { timeout: 5_000 })
      .toMatch(/CGCS2000 经度 1[01]\d\.\d{5}° 纬度 3\d\.\d{5}°/);
  });

  it('checks a parcel: verdict, area and findings with basis, drawn on the map', async () => {
    const items = page.locator('[data-testid^="parcel-item-"]');
    const count = await items.count();
    expect(count).toBeGreaterThan(0);
    let findings = 0;
    for (let i = 0; i < count && findings === 0; i++) {
      await items.nth(i).click();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor({ timeout: 30_000 });
      expect(await verdict.getAttribute('data-verdict')).toMatch(/^(prohibited|conditional|permitted)$/);
      expect(await verdict.textContent()).toMatch(/不予准入|有条件准入|准予准入/);
      findings = await page.getByTestId('finding').count();
    }
    expect(findings).toBeGreaterThan(0);
    const panel = page.locator('.findings-panel');
    await expect(panel.textContent()).resolves.toMatch(/m².*公顷.*亩/);
    await expect(panel.textContent()).resolves.toContain('依据');
    await page.waitForTimeout(900); // the zoom-to-parcel animation
    await screenshot('02-parcel-checked');

    const drawable = page.locator('button[data-testid="finding"]');
    if ((await drawable.count()) > 0) {
      await drawable.first().click();
      await expect.poll(() => drawable.first().getAttribute('aria-pressed')).toBe('true');
      await page.waitForTimeout(900);
      await screenshot('03-finding-highlighted');
    }
  });

  it('shows the attributes of a clicked feature', async () => {
    // The selected parcel is centred on the map by now.
    const box = await page.getByTestId('map').boundingBox();
    const { x, y, width, height } = box as NonNullable<typeof box>;
    await page.mouse.click(x + width / 2, y + height / 2);
    const popup = page.getByTestId('feature-popup');
    await popup.waitFor({ timeout: 5_000 });
    await expect(popup.textContent()).resolves.toContain('属性');
    await screenshot('04-feature-attributes');
  });

  it('re-checks the selected parcel when the profile changes', async () => {
    const select = page.getByTestId('profile-select');
    const options = await select.locator('option').evaluateAll((els) => els.map((el) => ({ value: (el as HTMLOptionElement).value, text: el.textContent ?? '' })));
    const current = await select.inputValue();
    const other = options.find((option) => option.value !== current);
    if (!other) return;
    await select.selectOption(other.value);
    const name = other.text.replace(/（.*$/, '');
    await expect.poll(() => page.locator('.findings-panel .profile-chip').textContent()).toContain(name);
    await page.getByTestId('verdict').waitFor({ timeout: 30_000 });
    await select.selectOption(current);
    await page.getByTestId('verdict').waitFor({ timeout: 30_000 });
  });

  it('switches the interface to English and back', async () => {
    await page.getByTestId('locale-select').selectOption('en');
    await expect.poll(() => page.getByTestId('layer-panel').locator('h2').textContent()).toContain('Layers');
    await screenshot('05-english');
    await page.getByTestId('locale-select').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('layer-panel').locator('h2').textContent()).toContain('图层');
  });

  it('never leaves 127.0.0.1 and runs without script errors', () => {
    const origin = new URL(baseUrl).origin;
    const offsite = requestedUrls.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
  });
});
