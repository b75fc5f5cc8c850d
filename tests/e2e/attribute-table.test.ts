/**
 * 属性表 in Chromium on a project with thousands of parcels and a reference layer: opened from the
 * layer panel, only the rows in view are in the DOM, a header sorts, the search asks the store,
 * a parcel row selects the parcel (its 审查结论 appears) and a reference row opens its popup; a
 * feature clicked on the map (a parcel deep in the layer, a reference feature) selects its row and
 * scrolls to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from 'geojson';
import type { Page } from 'playwright-core';
import { ProjectStore } from '../../electron/services/project-store';
import { type BrowserSession, openSession, prepareArtifactsAndRenderer, screenshotTo } from '../support/browser';

const PARCELS = 2_200;
const id = (i: number) => `DK-${String(i).padStart(5, '0')}`;

let dir: string;
let session: BrowserSession;
let page: Page;

function square(i: number, size = 0.002) {
  const lon = 112 + (i % 50) * 0.003;
  const lat = 36.8 + Math.floor(i / 50) * 0.003;
  return { type: 'Polygon' as const, coordinates: [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]] };
}

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-attrs-'));
  const path = join(dir, 'attrs.gpkg');
  const store = ProjectStore.create(path, { title: '属性表测试县' });
  try {
    const parcels: Feature[] = Array.from({ length: PARCELS }, (_, n) => {
      const i = n + 1;
      return { type: 'Feature', id: id(i), properties: { id: id(i), name: `城东${i}号地块`, plannedUse: i % 2 ? '0701' : '0901', action: i % 3 ? 'supply' : 'construct' }, geometry: square(i) };
    });
    store.writeLayer({ table: 'parcels', kind: 'parcel', title: '报件地块', sourceFile: null, originalCrs: 'EPSG:4490', features: parcels });
    const farmland: Feature[] = Array.from({ length: 5 }, (_, n) => ({ type: 'Feature', id: `JBNT-${n + 1}`, properties: { id: `JBNT-${n + 1}`, name: `基本农田${n + 1}` }, geometry: square(3000 + n * 7, 0.001) }));
    store.writeLayer({ table: 'farmland', kind: 'basic-farmland', title: '永久基本农田', sourceFile: null, originalCrs: 'EPSG:4490', features: farmland });
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

const table = () => page.getByTestId('attribute-table');
const rows = () => table().locator('[data-testid^="attribute-row-"]');
const total = () => page.getByTestId('attribute-count').getAttribute('data-total');
const firstCell = async () => (await rows().first().locator('[role="cell"]').first().textContent())?.trim();

/** A click in the middle of the map's part above the table: where a zoom to a feature puts it. */
async function clickVisibleMapCentre() {
  const map = (await page.getByTestId('map').boundingBox())!;
  const drawer = (await table().boundingBox())!;
  const visibleBottom = Math.min(map.y + map.height, drawer.y);
  await page.mouse.click(map.x + map.width / 2, (map.y + visibleBottom) / 2);
}

/** Whether a row lies within the table's scrolled view. */
async function inView(row: ReturnType<Page['getByTestId']>) {
  const box = (await row.boundingBox())!;
  const view = (await table().locator('.attribute-viewport').boundingBox())!;
  return box.y >= view.y && box.y + box.height <= view.y + view.height;
}

describe('the attribute table of a county-sized parcel layer', () => {
  it('opens from the layer panel with Chinese headers, the total and only the rows in view', async () => {
    await page.getByTestId('open-attribute-table-parcels').click();
    await table().waitFor();
    await expect.poll(total, { timeout: 60_000 }).toBe(String(PARCELS));
    await rows().first().waitFor();
    const header = page.getByTestId('attribute-sort-plannedUse');
    expect((await header.textContent())?.trim()).toBe('规划用途');
    expect(await header.getAttribute('title')).toContain('plannedUse');
    expect((await page.getByTestId('attribute-sort-id').textContent())?.trim()).toBe('编号');
    const shown = await rows().count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(80);
    // Deep down: rows there arrive, and the DOM stays as small.
    await table().locator('.attribute-viewport').evaluate((el) => (el.scrollTop = el.scrollHeight * 0.75));
    await page.getByTestId(`attribute-row-${Math.round(PARCELS * 0.75)}`).waitFor({ timeout: 30_000 });
    expect(await rows().count()).toBeLessThan(80);
    expect(await page.getByTestId('attribute-row-1').count()).toBe(0);
    await screenshotTo(page, 'attribute-table-scrolled');
  }, 120_000);

  it('sorts by a header both ways', async () => {
    await page.getByTestId('attribute-sort-id').click();
    await expect.poll(firstCell, { timeout: 30_000 }).toBe(id(1));
    await page.getByTestId('attribute-sort-id').click();
    await expect.poll(firstCell, { timeout: 30_000 }).toBe(id(PARCELS));
    expect(await page.getByTestId('attribute-sort-id').getAttribute('aria-sort')).toBe('descending');
  }, 60_000);

  it('searches id and name in the store', async () => {
    await page.getByTestId('attribute-search').fill('城东777号');
    await expect.poll(total, { timeout: 30_000 }).toBe('1');
    await page.getByTestId('attribute-row-777').waitFor();
    await page.getByTestId('attribute-search').fill('dk-0012');
    await expect.poll(total, { timeout: 30_000 }).toBe('10');
  }, 60_000);

  it('a row click selects the parcel: its 审查结论 appears and the row is highlighted', async () => {
    await page.getByTestId('attribute-search').fill('DK-00123');
    await expect.poll(total, { timeout: 30_000 }).toBe('1');
    const row = page.getByTestId('attribute-row-123');
    await row.click();
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    await expect.poll(() => row.getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    await screenshotTo(page, 'attribute-table-selected');
  }, 90_000);

  it('a parcel chosen elsewhere (the parcel list) highlights its row', async () => {
    await page.getByTestId('attribute-search').fill('DK-0000');
    await expect.poll(total, { timeout: 30_000 }).toBe('9');
    await page.getByTestId('parcel-search').fill('DK-00004');
    await page.getByTestId(`parcel-item-${id(4)}`).click();
    await expect.poll(() => page.getByTestId('attribute-row-4').getAttribute('aria-selected'), { timeout: 30_000 }).toBe('true');
    // the page under the selection may be redrawn once more (the check bumps the list revision)
    await expect.poll(() => table().locator('[aria-selected="true"]').count(), { timeout: 10_000 }).toBe(1);
  }, 60_000);

  it('a parcel clicked on the map selects its row, scrolled to although its page was never loaded', async () => {
    await page.getByTestId('attribute-search').fill('');
    await page.getByTestId('attribute-sort-id').click(); // back to no sort: fid order
    await expect.poll(() => page.getByTestId('attribute-sort-id').getAttribute('aria-sort'), { timeout: 10_000 }).toBe('none');
    await page.getByTestId('parcel-search').fill('DK-01900');
    await page.getByTestId(`parcel-item-${id(1900)}`).click();
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1500); // the map's flight to the parcel
    // the table goes back to its top: row 1900 is out of the DOM
    await table().locator('.attribute-viewport').evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => page.getByTestId('attribute-row-1900').count(), { timeout: 10_000 }).toBe(0);
    await clickVisibleMapCentre();
    await page.getByTestId('feature-popup').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('feature-popup').textContent()).toContain(id(1900));
    const row = page.getByTestId('attribute-row-1900');
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    expect(await inView(row)).toBe(true);
    await page.keyboard.press('Escape');
  }, 120_000);

  it('a reference layer row opens its feature popup; a click on that feature on the map selects the row again', async () => {
    await page.getByTestId('open-attribute-table-farmland').click();
    await expect.poll(total, { timeout: 30_000 }).toBe('5');
    await page.getByTestId('attribute-row-2').click();
    await page.getByTestId('feature-popup').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('feature-popup').textContent()).toContain('JBNT-2');
    expect(await page.getByTestId('attribute-row-2').getAttribute('aria-selected')).toBe('true');
    await page.waitForTimeout(1500); // the zoom to the feature
    // closing the popup deselects the row; the map click on the feature selects it again
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('attribute-row-2').getAttribute('aria-selected'), { timeout: 10_000 }).toBe('false');
    await clickVisibleMapCentre();
    await page.getByTestId('feature-popup').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('feature-popup').textContent()).toContain('JBNT-2');
    await expect.poll(() => page.getByTestId('attribute-row-2').getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    expect(await table().locator('[aria-selected="true"]').count()).toBe(1);
    await screenshotTo(page, 'attribute-table-identify');
    await page.getByTestId('attribute-table-close').click();
    await expect.poll(() => table().count(), { timeout: 10_000 }).toBe(0);
  }, 90_000);
});
