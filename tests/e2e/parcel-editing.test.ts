/**
 * End to end in Chromium against `landgate serve` on the demo project: draw a parcel by
 * mouse clicks with one vertex placed a few pixels off a contaminated-parcel vertex (it must be
 * stored exactly equal: snapped), undo / redo a vertex, finish by double-click, save it through
 * the form (it appears in the parcel list and its check runs), then drag one of its vertices in
 * 编辑边界 and save again (the stored area changes); once a decision is signed, 编辑边界 says at once
 * that the boundary is fixed. Screenshots: test-artifacts/e2e/edit-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import type { Page } from 'playwright-core';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { type DemoSession, openDemoSession, postApi, screenshotTo, waitForMapReady } from '../support/browser';

/** Vertex of demo contaminated parcel CP-01 (electron/services/demo). */
const REFERENCE_VERTEX: Position = [111.316794256, 35.150950605];

let session: DemoSession;
let page: Page;

beforeAll(async () => {
  session = await openDemoSession('landgate-e2e-edit-');
  page = session.page;
}, 240_000);

afterAll(async () => {
  await session?.close();
});

async function callApi<T>(method: string, body: unknown): Promise<T> {
  const response = await postApi<T>(session.url, method, body);
  expect(response.ok).toBe(true);
  return response.body;
}

/** Page coordinates of a lon/lat on the map canvas. */
async function screenOf(position: Position): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('map').boundingBox())!;
  const p = await page.evaluate(([lon, lat]) => window.__landgateMapToScreen!(lon, lat), position as [number, number]);
  return { x: box.x + p.x, y: box.y + p.y };
}

const editState = () => page.evaluate(() => window.__landgateEdit);

async function clickAt(x: number, y: number, options: { alt?: boolean } = {}) {
  await page.mouse.move(x, y, { steps: 2 });
  if (options.alt) await page.keyboard.down('Alt');
  await page.mouse.click(x, y);
  if (options.alt) await page.keyboard.up('Alt');
  // the two clicks of a vertex must not make a double-click
  await page.waitForTimeout(350);
}

function drawnFeature(collection: FeatureCollection, id: string): Feature {
  const feature = collection.features.find((f) => f.id === id);
  expect(feature, `parcel ${id} stored`).toBeDefined();
  return feature!;
}

describe('drawing and editing parcels in Chromium', () => {
  it('draws with snapping, undo/redo, saves, and the new parcel is listed and checked', async () => {
    // zoom to the demo parcel beside CP-01
    await page.getByTestId('parcel-item-XX-2026-001').click();
    await page.waitForTimeout(1200);
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });

    await page.getByTestId('edit-draw').click();
    await page.getByTestId('edit-panel').waitFor();
    const ref = await screenOf(REFERENCE_VERTEX);
    // a few pixels off the reference vertex: the snap indicator says so, the click lands on it
    await page.mouse.move(ref.x + 4, ref.y - 3, { steps: 3 });
    await expect.poll(async () => (await editState())?.snap?.kind).toBe('vertex');
    await expect(page.getByTestId('edit-snap-status').textContent()).resolves.toContain('吸附到界址点');
    await clickAt(ref.x + 4, ref.y - 3);
    // the other vertices well away, with snapping switched off (the 吸附 toggle)
    await page.getByTestId('edit-snap-toggle').uncheck();
    const corners = [
      { x: ref.x + 160, y: ref.y + 20 },
      { x: ref.x + 150, y: ref.y - 150 },
      { x: ref.x - 10, y: ref.y - 140 },
    ];
    await clickAt(corners[0].x, corners[0].y);
    await clickAt(corners[1].x, corners[1].y);
    expect((await editState())?.vertexCount).toBe(3);
    await clickAt(corners[2].x, corners[2].y);
    expect((await editState())?.vertexCount).toBe(4);
    await expect(page.getByTestId('edit-area-m2').textContent()).resolves.toMatch(/m²/);
    await screenshotTo(page, 'edit-drawing');

    // undo (button) removes the last vertex, redo (Ctrl+Y) brings it back; Ctrl+Z and the button agree
    await page.getByTestId('edit-undo').click();
    expect((await editState())?.vertexCount).toBe(3);
    await page.keyboard.press('Control+y');
    expect((await editState())?.vertexCount).toBe(4);
    await page.keyboard.press('Control+z');
    expect((await editState())?.vertexCount).toBe(3);
    await page.getByTestId('edit-redo').click();
    expect((await editState())?.vertexCount).toBe(4);

    // a double-click adds its vertex and finishes the polygon
    const last = { x: ref.x - 40, y: ref.y - 60 };
    await page.mouse.move(last.x, last.y);
    await page.mouse.dblclick(last.x, last.y);
    await expect.poll(async () => (await editState())?.phase).toBe('editing');
    const state = await editState();
    expect(state?.vertexCount).toBe(5);
    expect(state?.geometry?.type).toBe('Polygon');
    // no feature popup opened by the drawing clicks
    expect(await page.locator('.feature-popup').count()).toBe(0);
    await screenshotTo(page, 'edit-closed');

    await page.getByTestId('edit-save').click();
    await page.getByTestId('edit-form').waitFor();
    await page.getByTestId('edit-form-id').fill('HZ-E2E-1');
    await page.getByTestId('edit-form-name').fill('界面绘制地块');
    await page.getByTestId('edit-form-planned-use').fill('0701');
    await page.getByTestId('edit-form-action').selectOption('supply');
    await screenshotTo(page, 'edit-form');
    await page.getByTestId('edit-form-save').click();

    await page.getByTestId('parcel-item-HZ-E2E-1').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('parcel-item-HZ-E2E-1').getAttribute('class'), { timeout: 30_000 }).toContain('is-selected');
    await expect.poll(() => page.getByTestId('verdict').getAttribute('data-verdict'), { timeout: 60_000 }).toMatch(/permitted|conditional|prohibited/);
    await waitForMapReady(page);
    await screenshotTo(page, 'edit-saved');

    const stored = drawnFeature(await callApi<FeatureCollection>('getFeatures', { table: 'drawn_parcels', ids: ['HZ-E2E-1'] }), 'HZ-E2E-1');
    expect(stored.properties).toMatchObject({ id: 'HZ-E2E-1', name: '界面绘制地块', plannedUse: '0701', action: 'supply' });
    const ring = (stored.geometry as MultiPolygon).coordinates[0][0];
    expect(ring).toHaveLength(6);
    // snapped: bit-for-bit the reference vertex
    expect(ring.some((p) => p[0] === REFERENCE_VERTEX[0] && p[1] === REFERENCE_VERTEX[1])).toBe(true);
    // a whole drawing session (zoom, draw, snap, undo, save, list, check) in software WebGL: its own
    // waits allow a minute each on a loaded 2-core machine, the test as a whole must allow more
  }, 180_000);

  it('drags a vertex of the saved parcel in 编辑边界 and saves a larger area', async () => {
    const before = drawnFeature(await callApi<FeatureCollection>('getFeatures', { table: 'drawn_parcels', ids: ['HZ-E2E-1'] }), 'HZ-E2E-1');
    const areaBefore = geodesicAreaM2(before.geometry);
    const ring = (before.geometry as MultiPolygon).coordinates[0][0];
    // the vertex farthest west: dragging it further west grows the parcel
    const west = ring.slice(0, -1).reduce((a, b) => (b[0] < a[0] ? b : a));

    await page.getByTestId('edit-reshape').click();
    await page.getByTestId('edit-panel').waitFor();
    await expect.poll(async () => (await editState())?.phase).toBe('editing');
    const from = await screenOf(west);
    await page.getByTestId('edit-snap-toggle').uncheck();
    await page.mouse.move(from.x, from.y, { steps: 2 });
    await page.mouse.down();
    await page.mouse.move(from.x - 60, from.y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await editState())?.vertexCount).toBe(5);
    await screenshotTo(page, 'edit-reshaped');
    // undo / redo the move
    const moved = (await editState())?.geometry;
    await page.keyboard.press('Control+z');
    expect((await editState())?.geometry).not.toEqual(moved);
    await page.keyboard.press('Control+Shift+z');
    expect((await editState())?.geometry).toEqual(moved);

    // dragging an edge's midpoint handle inserts a vertex; right-clicking that vertex removes it
    const outer = (g: Polygon | MultiPolygon) => (g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);
    const [a, b] = outer(moved!);
    const mid = await screenOf([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
    await page.mouse.move(mid.x, mid.y, { steps: 2 });
    await page.mouse.down();
    await page.mouse.move(mid.x + 25, mid.y + 25, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => (await editState())?.vertexCount).toBe(6);
    const inserted = outer((await editState())!.geometry!)[1];
    const at = await screenOf(inserted);
    await page.mouse.click(at.x, at.y, { button: 'right' });
    await expect.poll(async () => (await editState())?.vertexCount).toBe(5);
    expect((await editState())?.geometry).toEqual(moved);

    await page.getByTestId('edit-save').click();
    await page.getByTestId('edit-panel').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(async () => geodesicAreaM2(drawnFeature(await callApi<FeatureCollection>('getFeatures', { table: 'drawn_parcels', ids: ['HZ-E2E-1'] }), 'HZ-E2E-1').geometry), { timeout: 30_000 }).toBeGreaterThan(areaBefore * 1.05);
    await expect.poll(() => page.getByTestId('verdict').getAttribute('data-verdict'), { timeout: 60_000 }).toMatch(/permitted|conditional|prohibited/);
    await screenshotTo(page, 'edit-reshape-saved');
    expect(session.traffic.pageErrors).toEqual([]);
  });

  it('says at once that a parcel with a standing signed decision cannot be reshaped', async () => {
    await callApi('signDecision', {
      table: 'drawn_parcels',
      parcelId: 'HZ-E2E-1',
      decision: 'approved',
      opinion: '同意准入。',
      conditions: [],
      signature: { name: '测试审查员', department: '夏县自然资源局', date: '2026-11-22' },
    });
    await page.getByTestId('edit-reshape').click();
    const notice = page.getByTestId('app-notice');
    await expect.poll(() => notice.textContent()).toContain('已签发审查决定“准予准入”（第 1 版）');
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('edit-panel').count()).toBe(0);
  });
});
