/**
 * The parcel list on a project with thousands of parcels, in Chromium: only the rows in view are
 * in the DOM, scrolling fetches the rows it reaches, the search asks the store, and a parcel's
 * verdict chip and the verdict filter follow a check made by clicking the parcel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from 'geojson';
import type { Page } from 'playwright-core';
import { ProjectStore } from '../../electron/services/project-store';
import { type BrowserSession, openSession, prepareArtifactsAndRenderer, screenshotTo } from '../support/browser';

const PARCELS = 2_500;
const id = (i: number) => `DK-${String(i).padStart(5, '0')}`;

let dir: string;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-list-'));
  const path = join(dir, 'list.gpkg');
  const store = ProjectStore.create(path, { title: '地块列表测试县' });
  try {
    const features: Feature[] = Array.from({ length: PARCELS }, (_, n) => {
      const i = n + 1;
      const lon = 112 + (i % 50) * 0.003;
      const lat = 36.8 + Math.floor(i / 50) * 0.003;
      return {
        type: 'Feature',
        id: id(i),
        properties: { id: id(i), name: `城东${i}号地块`, plannedUse: i % 2 ? '0701' : '0901', action: i % 3 ? 'supply' : 'construct' },
        geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.002, lat], [lon + 0.002, lat + 0.002], [lon, lat + 0.002], [lon, lat]]] },
      };
    });
    store.writeLayer({ table: 'parcels', kind: 'parcel', title: '报件地块', sourceFile: null, originalCrs: 'EPSG:4490', features });
  } finally {
    store.close();
  }
  session = await openSession(path);
  page = session.page;
}, 240_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rows = () => page.locator('[data-testid^="parcel-item-"]');
const count = () => page.getByTestId('parcel-count').textContent();

describe('the parcel list of a county-sized project', () => {
  it('shows the total and keeps only the rows in view in the DOM, fetching more as it scrolls', async () => {
    await expect.poll(count, { timeout: 60_000 }).toBe(String(PARCELS));
    await page.getByTestId(`parcel-item-${id(1)}`).waitFor();
    const shown = await rows().count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(80);
    // Half way down: rows there arrive, and the DOM stays as small.
    await page.getByTestId('parcel-list').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.getByTestId(`parcel-item-${id(PARCELS / 2)}`).waitFor({ timeout: 30_000 });
    expect(await rows().count()).toBeLessThan(80);
    expect(await page.getByTestId(`parcel-item-${id(1)}`).count()).toBe(0);
    await screenshotTo(page, 'parcel-list-scrolled');
  }, 120_000);

  it('searches by id prefix and by name in the store', async () => {
    await page.getByTestId('parcel-search').fill('dk-0012');
    await expect.poll(count, { timeout: 30_000 }).toBe('10');
    expect(await rows().count()).toBe(10);
    expect(await rows().first().getAttribute('data-testid')).toBe(`parcel-item-${id(120)}`);
    await page.getByTestId('parcel-search').fill('城东777号');
    await expect.poll(count, { timeout: 30_000 }).toBe('1');
    await page.getByTestId(`parcel-item-${id(777)}`).waitFor();
  }, 60_000);

  it('after checking a parcel, its chip shows the verdict and the verdict filter finds it', async () => {
    await page.getByTestId('parcel-search').fill('DK-00123');
    await expect.poll(count, { timeout: 30_000 }).toBe('1');
    const item = page.getByTestId(`parcel-item-${id(123)}`);
    expect(await item.getByTestId('parcel-verdict').textContent()).toBe('未审查');
    await item.click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: 60_000 });
    const value = (await verdict.getAttribute('data-verdict'))!;
    const label = (await verdict.textContent())!.trim();
    expect(label).toMatch(/^(准予准入|有条件准入|不予准入)$/);
    await expect.poll(() => item.getByTestId('parcel-verdict').getAttribute('data-verdict'), { timeout: 30_000 }).toBe(value);
    expect(await item.getByTestId('parcel-verdict').textContent()).toBe(label);

    await page.getByTestId('parcel-search').fill('');
    await page.getByTestId('parcel-filter-verdict').selectOption(value);
    await expect.poll(count, { timeout: 30_000 }).toBe('1');
    expect(await rows().count()).toBe(1);
    await page.getByTestId('parcel-filter-verdict').selectOption('unchecked');
    await expect.poll(count, { timeout: 30_000 }).toBe(String(PARCELS - 1));
    expect(await rows().count()).toBeLessThan(80);
    await screenshotTo(page, 'parcel-list-unchecked');
  }, 120_000);

  it('filters by action and planned-use code, and sorts descending', async () => {
    await page.getByTestId('parcel-filter-verdict').selectOption('');
    await page.getByTestId('parcel-filter-action').selectOption('construct');
    await expect.poll(count, { timeout: 30_000 }).toBe(String(Math.floor(PARCELS / 3)));
    await page.getByTestId('parcel-filter-use').fill('09');
    // even ids (0901) among the multiples of 3 (开工建设)
    await expect.poll(count, { timeout: 30_000 }).toBe(String(Math.floor(PARCELS / 6)));
    await page.getByTestId('parcel-sort-direction').click();
    await expect.poll(() => rows().first().getAttribute('data-testid'), { timeout: 30_000 }).toBe(`parcel-item-${id(2496)}`);
    await expect(rows().first().textContent()).resolves.toContain('开工建设');
  }, 60_000);
});
