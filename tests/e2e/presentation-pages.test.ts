/**
 * 汇报模式 on more submissions than one page holds, in Chromium: the deck opens at the selected
 * parcel on the page around it (querySubmissions' `around`), reads the page before when it steps
 * back across the boundary, walks a submission of three parcels parcel by parcel, and never reads
 * the whole submission list (no listSubmissions call). 230 parcels, one registered submission of
 * three of them; the list's default order (received date, newest first, then title) puts that
 * submission first and the others by id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { landgateSync, openSession, prepareArtifactsAndRenderer, waitForMapReady, type BrowserSession } from '../support/browser';

const PARCELS = 230;
const pid = (n: number) => `P-${String(n).padStart(3, '0')}`;
let dir: string;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-presentation-'));
  const project = join(dir, 'pages.gpkg');
  const geojson = join(dir, 'parcels.geojson');
  const features = Array.from({ length: PARCELS }, (_, i) => {
    const x = 111.2 + (i % 20) * 0.003;
    const y = 35.2 + Math.floor(i / 20) * 0.003;
    return { type: 'Feature', properties: { DKBH: pid(i + 1) }, geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]] } };
  });
  writeFileSync(geojson, JSON.stringify({ type: 'FeatureCollection', features }));
  landgateSync(['init', project, '--title', '汇报分页']);
  landgateSync(['import', project, geojson, '--kind', 'parcel', '--name', 'parcels']);
  const store = ProjectStore.open(project);
  try {
    new ReviewStore(store).createSubmission({ parcelTable: 'parcels', parcelIds: [pid(10), pid(11), pid(12)], title: '三宗报件', receivedOn: '2099-01-01' });
  } finally {
    store.close();
  }
  session = await openSession(project);
  page = session.page;
  await waitForMapReady(page);
}, 300_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const counter = () => page.getByTestId('presentation-counter').textContent();
const parcel = () => page.getByTestId('presentation-parcel').textContent();

async function present(id: string) {
  await page.getByTestId('parcel-search').fill(id);
  await page.getByTestId(`parcel-item-${id}`).click();
  await page.getByTestId('open-presentation').click();
  await page.getByTestId('presentation').waitFor();
  await expect.poll(parcel, { timeout: 30_000 }).toBe(id);
}

async function step(key: 'ArrowLeft' | 'ArrowRight', id: string, count: string) {
  await page.keyboard.press(key);
  await expect.poll(parcel, { timeout: 30_000 }).toBe(id);
  expect(await counter()).toBe(count);
}

describe('汇报模式 a page of submissions at a time', { timeout: 180_000 }, () => {
  it('opens at the selected parcel on its page and reads the page before when it steps back onto it', async () => {
    // P-104 is the 101st of the unregistered parcels (P-010–P-012 are registered): submission 102
    await present(pid(104));
    expect(await counter()).toBe(`第 102 / ${PARCELS - 2} 件报件`);
    await step('ArrowLeft', pid(103), `第 101 / ${PARCELS - 2} 件报件`);
    await step('ArrowLeft', pid(102), `第 100 / ${PARCELS - 2} 件报件`);
    await step('ArrowRight', pid(103), `第 101 / ${PARCELS - 2} 件报件`);
    await page.keyboard.press('Escape');
    await page.getByTestId('presentation').waitFor({ state: 'detached' });
  });

  it('walks a submission of three parcels one parcel at a time, and stops at the first', async () => {
    await present(pid(11));
    expect(await counter()).toBe(`第 1 / ${PARCELS - 2} 件报件（地块 2 / 3）`);
    await step('ArrowRight', pid(12), `第 1 / ${PARCELS - 2} 件报件（地块 3 / 3）`);
    await step('ArrowRight', pid(1), `第 2 / ${PARCELS - 2} 件报件`);
    await step('ArrowLeft', pid(12), `第 1 / ${PARCELS - 2} 件报件（地块 3 / 3）`);
    await step('ArrowLeft', pid(11), `第 1 / ${PARCELS - 2} 件报件（地块 2 / 3）`);
    await step('ArrowLeft', pid(10), `第 1 / ${PARCELS - 2} 件报件（地块 1 / 3）`);
    expect(await page.getByTestId('presentation-prev').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('presentation').waitFor({ state: 'detached' });
  });

  it('read pages of the list, never the whole list', () => {
    const api = session.traffic.requestedUrls.filter((url) => url.includes('/api/'));
    expect(api.some((url) => url.endsWith('/api/querySubmissions'))).toBe(true);
    expect(api.some((url) => url.endsWith('/api/listSubmissions'))).toBe(false);
  });
});
