/**
 * The map's GIS tools in Chromium on the demo project: Chinese tooltips and a north arrow,
 * cursor coordinates in CGCS2000 lon/lat and Gauss-Krüger X/Y, geodesic measuring of distance
 * and area (held to shared/geo/geodesy.ts on the very points clicked, read back from the
 * Gauss-Krüger readout), the identify popup clear of every toolbar, the layer context menu
 * (zoom to layer from its stored extent, opacity, rename, remove with confirmation and audit),
 * and an import that proposes 行政区 for an XZQDM/XZQMC shapefile and zooms to it.
 * Screenshots: test-artifacts/e2e/map-tools-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { Position } from 'geojson';
import { colourCensus, openDemoSession, screenshotTo, type Box, type DemoSession } from '../support/browser';
import { sharedData } from '../support/cli';
import { transformer } from '../../shared/crs';
import { geodesicDistanceM, geodesicRingAreaM2 } from '../../shared/geo/geodesy';
import type { ProjectInfo } from '../../shared/model/layers';
import type { AuditView } from '../../shared/review/model';

let session: DemoSession;
let page: Page;
let map: Box;

beforeAll(async () => {
  session = await openDemoSession('landgate-e2e-map-tools-');
  page = session.page;
  map = (await page.getByTestId('map').boundingBox())!;
}, 240_000);

afterAll(async () => {
  await session?.close();
});

const api = <T>(method: string, body: unknown = {}) =>
  // as the page's own client calls it: with the session token the served page carries
  page.evaluate(
    async ([m, b]) => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="landgate-session"]')?.content ?? '';
      return (await fetch(`/api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-LandGate-Session': token }, body: JSON.stringify(b) })).json();
    },
    [method, body] as const,
  ) as Promise<T>;

const centre = () => ({ x: map.x + map.width / 2, y: map.y + map.height / 2 });

/** The lon/lat under a screen point, read back exactly from the Gauss-Krüger readout (2 decimals of a metre). */
async function pointAt(x: number, y: number): Promise<Position> {
  await page.mouse.move(x, y);
  const text = await expect.poll(() => page.getByTestId('cursor-gk').textContent(), { timeout: 10_000 }).toMatch(/第 \d+ 带/).then(() => page.getByTestId('cursor-gk').textContent());
  const m = /第 (\d+) 带.*X ([\d.]+) m\s+Y ([\d.]+) m/.exec(text ?? '');
  expect(m, text ?? '').not.toBeNull();
  const zone = Number(m![1]);
  const [lon, lat] = transformer(`EPSG:${4488 + zone}`, 'EPSG:4490')([Number(m![3]), Number(m![2])]);
  return [lon, lat];
}

async function lonLatAt(x: number, y: number): Promise<Position> {
  await page.mouse.move(x, y);
  await expect.poll(() => page.getByTestId('cursor-coords').textContent(), { timeout: 10_000 }).toMatch(/经度/);
  const text = (await page.getByTestId('cursor-coords').textContent()) ?? '';
  const m = /经度 ([\d.]+)° 纬度 ([\d.]+)°/.exec(text);
  return [Number(m![1]), Number(m![2])];
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function waitMapIdle() {
  await page.waitForTimeout(900); // the fit animation (600 ms) ends before the readout is taken
}

describe('map furniture', { timeout: 180_000 }, () => {
  it('has Chinese tooltips on the zoom buttons, a north arrow and a scale bar', async () => {
    expect(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title')).toBe('放大');
    expect(await page.locator('.maplibregl-ctrl-zoom-out').getAttribute('title')).toBe('缩小');
    await page.getByTestId('north-arrow').waitFor();
    expect(await page.getByTestId('north-arrow').getAttribute('title')).toContain('指北针');
    expect(await page.locator('.maplibregl-ctrl-scale').textContent()).toMatch(/\d+\s*(m|千米|km)/);
    expect(await page.getByTestId('measure-distance').getAttribute('title')).toMatch(/CGCS2000 椭球面/);
  });

  it('follows a language switch: English tooltips in English, Chinese again after', async () => {
    await page.getByTestId('locale-select').selectOption('en');
    await expect.poll(() => page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title')).toBe('Zoom in');
    expect(await page.getByTestId('measure-distance').textContent()).toBe('Distance');
    await page.getByTestId('locale-select').selectOption('zh-CN');
    await expect.poll(() => page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title')).toBe('放大');
  });

  it('shows the cursor in CGCS2000 lon/lat and in its Gauss-Krüger zone, the two agreeing', async () => {
    const { x, y } = centre();
    const lonLat = await lonLatAt(x, y);
    const gk = await pointAt(x, y);
    // lon/lat are shown to 1e-5°: the GK reading must land within that
    expect(Math.abs(gk[0] - lonLat[0])).toBeLessThan(1e-5);
    expect(Math.abs(gk[1] - lonLat[1])).toBeLessThan(1e-5);
    expect(await page.getByTestId('cursor-gk').textContent()).toMatch(/高斯-克吕格 3° 带第 3\d 带（中央经线 1\d\d°）X \d{7}\.\d\d m　Y 3\d{7}\.\d\d m/);
  });
});

describe('measuring on the ellipsoid', { timeout: 180_000 }, () => {
  it('measures a path: the total is the sum of CGCS2000 geodesics between the clicked points', async () => {
    const { x, y } = centre();
    await page.getByTestId('measure-distance').click();
    await page.getByTestId('measure-panel').waitFor();
    const screen = [
      [x - 220, y + 40],
      [x + 60, y - 90],
      [x + 240, y + 120],
    ];
    const points: Position[] = [];
    for (const [px, py] of screen) points.push(await pointAt(px, py));
    await page.mouse.click(screen[0][0], screen[0][1]);
    await page.mouse.click(screen[1][0], screen[1][1]);
    await page.mouse.dblclick(screen[2][0], screen[2][1]);
    await expect.poll(() => page.getByTestId('measure-panel').textContent()).toContain('已结束');
    const shown = Number(await page.getByTestId('measure-length').getAttribute('data-value'));
    const expected = geodesicDistanceM(points[0], points[1]) + geodesicDistanceM(points[1], points[2]);
    expect(Math.abs(shown - expected)).toBeLessThan(0.05);
    expect(await page.getByTestId('measure-length').textContent()).toMatch(/m/);
    // no feature popup opened from those clicks
    expect(await page.getByTestId('feature-popup').count()).toBe(0);
    await screenshotTo(page, 'map-tools-distance');
  });

  it('measures an area and perimeter the same way; Esc leaves the tool', async () => {
    const { x, y } = centre();
    await page.getByTestId('measure-area').click();
    await expect.poll(() => page.getByTestId('measure-panel').textContent()).toContain('测面积');
    // clear of the readout panel in the top-left corner
    const screen = [
      [x - 40, y - 120],
      [x + 260, y - 140],
      [x + 280, y + 130],
      [x - 20, y + 150],
    ];
    const points: Position[] = [];
    for (const [px, py] of screen) points.push(await pointAt(px, py));
    for (const [px, py] of screen.slice(0, -1)) await page.mouse.click(px, py);
    await page.mouse.dblclick(screen[3][0], screen[3][1]);
    await expect.poll(() => page.getByTestId('measure-panel').textContent()).toContain('已结束');
    const area = Number(await page.getByTestId('measure-area-value').getAttribute('data-value'));
    const perimeter = Number(await page.getByTestId('measure-perimeter').getAttribute('data-value'));
    const expectedArea = geodesicRingAreaM2(points);
    const expectedPerimeter = points.reduce((sum, p, i) => sum + geodesicDistanceM(p, points[(i + 1) % points.length]), 0);
    expect(Math.abs(area - expectedArea) / expectedArea).toBeLessThan(1e-5);
    expect(Math.abs(perimeter - expectedPerimeter)).toBeLessThan(0.1);
    expect(await page.getByTestId('measure-area-value').textContent()).toMatch(/公顷.*亩/s);
    await screenshotTo(page, 'map-tools-area');
    await page.keyboard.press('Escape');
    await page.getByTestId('measure-panel').waitFor({ state: 'detached' });
  });
});

describe('identify popup', { timeout: 180_000 }, () => {
  it('opens on a clicked parcel above and clear of every toolbar', async () => {
    if (await page.getByTestId('measure-panel').count()) await page.getByTestId('measure-close').click();
    const first = page.locator('[data-testid^="parcel-item-"]').first();
    await first.waitFor({ timeout: 30_000 });
    await first.click();
    await waitMapIdle();
    await page.waitForTimeout(1500);
    const { x, y } = centre();
    await page.mouse.click(x, y);
    const popup = page.getByTestId('feature-popup');
    await popup.waitFor({ timeout: 20_000 });
    const box = (await popup.boundingBox())!;
    for (const selector of ['.map-fit-button', '.map-tools', '[data-testid="basemap-picker"]', '[data-testid="edit-toolbar"]', '.maplibregl-ctrl-top-right', '.wb-launch']) {
      const other = await page.locator(selector).first().boundingBox();
      if (other) expect(overlaps(box, other), `popup overlaps ${selector}`).toBe(false);
    }
    // whatever is drawn there, the popup is on top
    const onTop = await page.evaluate(([px, py]) => !!document.elementFromPoint(px, py)?.closest('[data-testid="feature-popup"]'), [box.x + box.width / 2, box.y + 20]);
    expect(onTop).toBe(true);
    await screenshotTo(page, 'map-tools-popup');
    await page.keyboard.press('Escape');
  });
});

describe('the check panel\'s map', { timeout: 180_000 }, () => {
  it('shows a checked parcel on a small map of the layers in its frame, with legend, scale bar and north arrow', async () => {
    await page.getByTestId('parcel-search').fill('XX-2026-001');
    await page.getByTestId('parcel-item-XX-2026-001').click();
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    const frame = page.getByTestId('check-map');
    // drawn once the parcel's outline is in and the map went idle
    await expect.poll(() => frame.getAttribute('data-frame-ready'), { timeout: 60_000 }).toMatch(/^parcels\u0000XX-2026-001\u0000.+\u0000parcel\u0000relief$/);
    await frame.scrollIntoViewIfNeeded();
    const legend = (await page.getByTestId('check-map-legend').textContent()) ?? '';
    expect(legend).toMatch(/^图例审查地块地块界线压占与管控要素重叠部分/);
    // the contaminated parcel it overlaps, by its layer title
    expect(legend).toContain('污染地块');
    expect(await frame.locator('[data-testid="north-arrow"]').count()).toBe(1);
    expect(await frame.locator('.maplibregl-ctrl-scale').textContent()).toMatch(/\d+\s*(m|千米)/);
    const view = (await frame.locator('.frame-map-view').boundingBox())!;
    expect(view.height).toBeGreaterThan(150);
    const panel = (await page.locator('.findings-panel').boundingBox())!;
    expect(view.x).toBeGreaterThanOrEqual(panel.x);
    expect(view.x + view.width).toBeLessThanOrEqual(panel.x + panel.width + 1);
    await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
    await expect.poll(() => frame.getByTestId('cursor-gk').textContent()).toMatch(/高斯-克吕格/);
    await page.mouse.move(centre().x, centre().y);
    const png = await screenshotTo(page, 'map-tools-check-map');
    // the parcel among the layers around it, over the relief: not an outline on grey
    const census = colourCensus(png, { x: view.x + 2, y: view.y + 2, width: view.width - 4, height: view.height - 30 });
    expect(census.distinct).toBeGreaterThan(8);
    expect(census.nonBackgroundShare).toBeGreaterThan(0.5);
  });
});

describe('汇报模式 cartography', { timeout: 180_000 }, () => {
  it('shows the parcel on the project\'s layers over the relief, with a legend of what is drawn, scale bar, north arrow and coordinates', async () => {
    await page.getByTestId('open-presentation').click();
    const deck = page.getByTestId('presentation');
    await deck.waitFor();
    const parcel = (await page.getByTestId('presentation-parcel').textContent())!;
    // drawn once the slide's review (its findings) is in
    await page.waitForFunction((id) => (window as { __landgateFrameReady?: string }).__landgateFrameReady?.includes(`${id}\u0000review`) ?? false, parcel, { timeout: 60_000 });
    const frame = page.getByTestId('presentation-map');
    const legend = await page.getByTestId('frame-legend').textContent();
    expect(legend).toMatch(/^图例审查地块地块界线/);
    // reference layers in the frame are in the legend by their titles
    expect(legend).toMatch(/行政区（示例县）|污染地块|永久基本农田|河流|饮用水水源保护区|清洁取暖高程带/);
    expect(await frame.locator('[data-testid="north-arrow"]').count()).toBe(1);
    expect(await frame.locator('.maplibregl-ctrl-scale').textContent()).toMatch(/\d+\s*(m|千米)/);
    const box = (await frame.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => frame.getByTestId('cursor-gk').textContent()).toMatch(/高斯-克吕格/);
    await page.waitForTimeout(800);
    const png = await screenshotTo(page, 'map-tools-presentation');
    // not a parcel on grey: relief and reference layers give the frame many colours
    const census = colourCensus(png, { x: box.x + 280, y: box.y + 10, width: box.width - 300, height: box.height - 60 });
    expect(census.distinct).toBeGreaterThan(12);
    expect(census.nonBackgroundShare).toBeGreaterThan(0.5);
    await page.keyboard.press('Escape');
    await deck.waitFor({ state: 'detached' });
  });
});

describe('layer context menu', { timeout: 180_000 }, () => {
  it('zooms to a layer from its stored extent, asking for no feature', async () => {
    const project = await api<ProjectInfo>('getProject');
    const layer = project.layers.find((l) => l.table === 'coal_ban_zones')!;
    const asked = session.traffic.requestedUrls.length;
    await page.getByTestId('layer-row-coal_ban_zones').click({ button: 'right' });
    await page.getByTestId('layer-menu').waitFor();
    expect(await page.getByTestId('layer-menu').textContent()).toMatch(/缩放至图层.*属性表.*重命名.*透明度.*删除图层/s);
    await page.getByTestId('layer-menu-zoom').click();
    await page.getByTestId('layer-menu').waitFor({ state: 'detached' });
    const apiAsked = () => session.traffic.requestedUrls.slice(asked).filter((u) => u.includes('/api/'));
    await expect.poll(() => apiAsked().some((u) => u.endsWith('/api/getLayerExtent')), { timeout: 30_000 }).toBe(true);
    // the view is the layer's box: its centre under the map's centre (once the fit has run), its corners inside the view
    const [minX, minY, maxX, maxY] = layer.bbox!;
    await expect
      .poll(async () => Math.abs((await lonLatAt(centre().x, centre().y))[0] - (minX + maxX) / 2) < (maxX - minX) * 0.05 + 1e-4, { timeout: 30_000 })
      .toBe(true);
    await waitMapIdle();
    expect(apiAsked().filter((u) => /getFeatures|queryFeatures/.test(u))).toEqual([]);
    const [lon, lat] = await lonLatAt(centre().x, centre().y);
    expect(Math.abs(lon - (minX + maxX) / 2)).toBeLessThan((maxX - minX) * 0.05 + 1e-4);
    const [left] = await lonLatAt(map.x + 5, centre().y);
    const [right] = await lonLatAt(map.x + map.width - 5, centre().y);
    expect(left).toBeLessThan(minX);
    expect(right).toBeGreaterThan(maxX);
    expect(lat).toBeGreaterThan(minY);
    expect(lat).toBeLessThan(maxY);
  });

  it('changes a layer’s opacity on the map', async () => {
    const table = 'basic_farmland';
    const project = await api<ProjectInfo>('getProject');
    const [minX, minY, maxX, maxY] = project.layers.find((l) => l.table === table)!.bbox!;
    await page.getByTestId(`layer-menu-button-${table}`).click();
    await page.getByTestId('layer-menu-zoom').click();
    await waitMapIdle();
    await page.waitForTimeout(1500);
    const before = PNG.sync.read(await page.screenshot({ clip: map }));
    await page.getByTestId(`layer-menu-button-${table}`).click();
    const slider = page.getByTestId('layer-menu-opacity');
    await slider.fill('0');
    await expect.poll(() => page.locator('.layer-menu-opacity output').textContent()).toBe('0%');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1200);
    const after = PNG.sync.read(await page.screenshot({ clip: map }));
    let changed = 0;
    for (let i = 0; i < before.data.length; i += 16) if (Math.abs(before.data[i] - after.data[i]) + Math.abs(before.data[i + 1] - after.data[i + 1]) > 30) changed++;
    expect(changed / (before.data.length / 16), `farmland ${minX},${minY},${maxX},${maxY} should fade`).toBeGreaterThan(0.005);
    await screenshotTo(page, 'map-tools-opacity');
  });

  it('renames a layer, audited', async () => {
    await page.getByTestId('layer-row-rivers').click({ button: 'right' });
    await page.getByTestId('layer-menu-rename').click();
    await page.getByTestId('layer-menu-title-input').fill('涑水河（示例）');
    await page.getByTestId('layer-menu-rename-save').click();
    await expect.poll(() => page.getByTestId('layer-panel').textContent(), { timeout: 20_000 }).toContain('涑水河（示例）');
    const audit = await api<AuditView>('getAuditTrail');
    expect(audit.entries.some((e) => e.action === 'layer-rename' && (e.detail as { title?: string }).title === '涑水河（示例）')).toBe(true);
  });

  it('removes a reference layer only after a confirmation naming it, audited', async () => {
    const project = await api<ProjectInfo>('getProject');
    const layer = project.layers.find((l) => l.table === 'suspect_parcels')!;
    await page.getByTestId('layer-row-suspect_parcels').click({ button: 'right' });
    await page.getByTestId('layer-menu-remove').click();
    const confirm = await page.getByTestId('layer-menu-confirm-text').textContent();
    expect(confirm).toContain(layer.title);
    expect(confirm).toContain(`${layer.featureCount} 个要素`);
    expect(confirm).toContain('审计日志');
    await page.getByTestId('layer-menu-remove-confirm').click();
    await page.getByTestId('layer-row-suspect_parcels').waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => page.getByTestId('app-notice').textContent()).toContain(`已删除图层“${layer.title}”`);
    const now = await api<ProjectInfo>('getProject');
    expect(now.layers.map((l) => l.table)).not.toContain('suspect_parcels');
    const audit = await api<AuditView>('getAuditTrail');
    expect(audit.entries.some((e) => e.action === 'layer-remove' && (e.detail as { table?: string }).table === 'suspect_parcels')).toBe(true);
    expect(session.traffic.pageErrors).toEqual([]);
  });
});

describe('import of an administrative boundary', { timeout: 180_000 }, () => {
  it('proposes 行政区 for XZQDM/XZQMC, takes an edited title and zooms to the new layer', async () => {
    const folder = join(sharedData, 'shapefiles', 'derived_cgcs2000_gk_gbk');
    await page.getByTestId('import-file-input').setInputFiles(['shp', 'shx', 'dbf', 'prj', 'cpg'].map((ext) => join(folder, `five_counties_CGCS2000_3GK_zone38.${ext}`)));
    await page.getByTestId('import-dialog').waitFor();
    await expect.poll(() => page.getByTestId('import-kind').inputValue(), { timeout: 30_000 }).toBe('admin-boundary');
    expect(await page.getByTestId('import-kind-basis').textContent()).toMatch(/字段 XZQDM、XZQMC 推断/);
    await page.getByTestId('import-table').fill('five_counties');
    await page.getByTestId('import-title').fill('五县行政区（测试）');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByTestId('layer-row-five_counties').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('layer-row-five_counties').textContent()).toContain('五县行政区（测试）');
    const layer = (await api<ProjectInfo>('getProject')).layers.find((l) => l.table === 'five_counties')!;
    const [minX, minY, maxX, maxY] = layer.bbox!;
    // the zoom animates after the dialog closes: wait until the view has come to the new layer
    await expect
      .poll(async () => Math.abs((await lonLatAt(centre().x, centre().y))[0] - (minX + maxX) / 2) < (maxX - minX) * 0.05, { timeout: 30_000 })
      .toBe(true);
    await waitMapIdle();
    const [lon, lat] = await lonLatAt(centre().x, centre().y);
    expect(Math.abs(lon - (minX + maxX) / 2)).toBeLessThan((maxX - minX) * 0.05);
    expect(Math.abs(lat - (minY + maxY) / 2)).toBeLessThan((maxY - minY) * 0.1);
    await screenshotTo(page, 'map-tools-imported');
  });
});
