/**
 * End to end, as a user sees it: a generated demo project served by `landgate serve` (browser
 * mode), the built renderer in Debian's Chromium (software WebGL), driven by playwright-core.
 * Screenshots land in test-artifacts/e2e/ for a human to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { colourCensus, type DemoSession, openDemoSession, screenshotTo } from '../support/browser';

let session: DemoSession;
let baseUrl: string;
let page: Page;

const screenshot = (name: string) => screenshotTo(page, name);

beforeAll(async () => {
  session = await openDemoSession('landgate-e2e-');
  ({ url: baseUrl, page } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
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
    const { requestedUrls, pageErrors, consoleErrors } = session.traffic;
    const offsite = requestedUrls.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
  });
});
