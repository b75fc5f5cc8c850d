/**
 * A reviewer's day end to end in Chromium against `landgate serve` on the demo project: a
 * two-parcel boundary-point TXT (written here, 3° zone 37, on the sites of two demo parcels) is
 * imported through the import dialog; the first parcel's attributes are filled in 编辑属性 and its
 * verdict changes at once; the second parcel is edited in the 属性表 (whose headers name the TXT's
 * own fields); the second parcel is then signed on its own, so the table shows it read-only and
 * signing the two-parcel submission asks for the reason to revise it; the submission is signed
 * and its 审查意见书 PDF downloaded and read with pdftotext: both parcels are named in it.
 * Screenshots: test-artifacts/e2e/day-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { MultiPolygon, Polygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { transformer } from '../../shared/crs';
import { landgateSync, openSession, postApi, prepareArtifactsAndRenderer, screenshotTo, waitForMapReady, type BrowserSession } from '../support/browser';

const TABLE = 'txt_day';
const TITLE = '城南片区两宗地块报件';
/** On the site of demo parcel XX-2026-028 (in the quasi water-source zone, permitted as the demo has it). */
const FIRST = 'NC-2026-01';
/** On the site of demo parcel XX-2026-001 (the 化肥厂 site: prohibited for housing). */
const SECOND = 'NC-2026-02';
const today = new Date().toISOString().slice(0, 10);

let dir: string;
let projectPath: string;
let session: BrowserSession;
let page: Page;
/** The demo parcel FIRST copies, with its attributes (what the form is filled with). */
let model: Record<string, unknown>;

const shot = (name: string) => screenshotTo(page, `day-${name}`);

async function callApi<T>(method: string, body: unknown): Promise<T> {
  const response = await postApi<T>(session.url, method, body);
  expect(response.ok, `${method}: ${response.status}`).toBe(true);
  return response.body;
}

/** A 自然资源部 界址点坐标 TXT (domain.md §5) with two parcels, outlines taken from two demo parcels. */
function writeTwoParcelTxt(path: string) {
  const store = ProjectStore.open(projectPath, { readonly: true });
  const features = store.readFeatures('parcels').features;
  store.close();
  const forward = transformer('EPSG:4490', 'EPSG:4546');
  const block = (demoId: string, parcelId: string, name: string, use: string, hectares: string) => {
    const feature = features.find((f) => f.id === demoId)!;
    if (demoId === 'XX-2026-028') model = { ...feature.properties };
    const g = feature.geometry as Polygon | MultiPolygon;
    const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
    const points = ring.map((p) => forward([p[0], p[1]]));
    return [
      `${points.length},${hectares},${parcelId},${name},面,,${use},,@`,
      ...points.map(([e, n], i) => `J${i === points.length - 1 ? 1 : i + 1},1,${n.toFixed(3)},${(37_000_000 + e).toFixed(3)}`),
    ];
  };
  const lines = [
    '[属性描述]',
    '格式版本号=1.01版本',
    '数据产生单位=夏县不动产登记中心',
    '数据产生日期=2026-11-20',
    '坐标系=2000国家大地坐标系',
    '几度分带=3',
    '投影类型=高斯克吕格',
    '计量单位=米',
    '带号=37',
    '精度=0.001',
    '转换参数=,,,,,,',
    '[地块坐标]',
    ...block('XX-2026-028', FIRST, '城南物流仓储用地', '0901', '0.8000'),
    ...block('XX-2026-001', SECOND, '城南住宅用地', '0701', '3.0000'),
  ];
  writeFileSync(path, `${lines.join('\r\n')}\r\n`, 'utf8');
}

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-day-'));
  projectPath = join(dir, 'demo.gpkg');
  landgateSync(['demo', projectPath]);
  writeTwoParcelTxt(join(dir, '城南 两宗地块.txt'));
  session = await openSession(projectPath, { env: { ...process.env, LANDGATE_USER: 'e2e-reviewer' }, page: { acceptDownloads: true } });
  page = session.page;
  await waitForMapReady(page);
}, 300_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const verdict = () => page.getByTestId('verdict').getAttribute('data-verdict');

async function selectParcel(id: string) {
  await page.getByTestId('parcel-search').fill(id);
  await page.getByTestId(`parcel-item-${id}`).click();
}

describe("a reviewer's day in Chromium", () => {
  it('imports the two-parcel TXT through the import dialog', async () => {
    await page.getByTestId('import-file-input').setInputFiles(join(dir, '城南 两宗地块.txt'));
    await page.getByTestId('import-dialog').waitFor();
    await expect.poll(() => page.getByTestId('import-format').textContent(), { timeout: 30_000 }).toContain('界址点坐标 TXT');
    expect(await page.getByTestId('import-count').textContent()).toBe('2');
    expect(await page.getByTestId('import-kind').inputValue()).toBe('parcel');
    expect(await page.getByTestId('import-crs').inputValue()).toBe('EPSG:4525');
    await page.getByTestId('import-table').fill(TABLE);
    await page.getByTestId('import-title').fill(TITLE);
    await shot('01-import');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    const row = page.getByTestId(`layer-row-${TABLE}`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.layer-count').textContent()).toBe('2');
  }, 120_000);

  it('fills the first parcel’s attributes in 编辑属性 and sees the verdict change at once', async () => {
    await selectParcel(FIRST);
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    // Only the planned use came with the TXT: the rest is unknown, so the check cannot permit it.
    const before = await verdict();
    expect(before).not.toBe('permitted');
    await page.getByTestId('attrs-edit').click();
    await page.getByTestId('attrs-form').waitFor();
    expect(await page.getByTestId('attrs-plannedUse').inputValue()).toBe('0901');
    // What the demo parcel on the same site declares, which the demo checks as permitted.
    if (typeof model.currentUse === 'string') await page.getByTestId('attrs-currentUse').fill(model.currentUse);
    for (const key of ['action', 'soilSurvey', 'riskAssessment'] as const) if (typeof model[key] === 'string') await page.getByTestId(`attrs-${key}`).selectOption(model[key] as string);
    if (typeof model.toxicHistory === 'boolean') await page.getByTestId('attrs-toxicHistory').selectOption(model.toxicHistory ? 'yes' : 'no');
    await page.getByTestId('attrs-projectType-none').check();
    await shot('02-form');
    await page.getByTestId('attrs-save').click();
    await expect.poll(verdict, { timeout: 60_000 }).toBe('permitted');
    expect(await page.getByTestId('attrs-form').count()).toBe(0);
    // One more answer turns it: a seriously water-polluting project in the quasi protection zone.
    await page.getByTestId('attrs-edit').click();
    await page.getByTestId('attrs-projectType-heavy-water-polluting').check();
    await page.getByTestId('attrs-save').click();
    await expect.poll(verdict, { timeout: 60_000 }).toBe('prohibited');
    await page.getByTestId('attrs-edit').click();
    await page.getByTestId('attrs-projectType-none').check();
    await page.getByTestId('attrs-save').click();
    await expect.poll(verdict, { timeout: 60_000 }).toBe('permitted');
    await shot('03-verdict');
  }, 180_000);

  it('edits the second parcel in the 属性表, whose headers name the TXT’s own fields', async () => {
    await page.getByTestId(`open-attribute-table-${TABLE}`).click();
    await expect.poll(() => page.getByTestId('attribute-count').getAttribute('data-total'), { timeout: 30_000 }).toBe('2');
    expect((await page.getByTestId('attribute-sort-name').textContent())?.trim()).toBe('名称');
    expect(await page.getByTestId('attribute-sort-name').getAttribute('title')).toContain('地块名称');
    expect(await page.getByTestId('attribute-sort-plannedUse').getAttribute('title')).toContain('地块用途');
    expect(await page.getByTestId('attribute-sort-id').getAttribute('title')).toContain('地块编号');
    const second = await callApi<{ parcel: { fid: number } }>('getParcelAttributes', { table: TABLE, parcelId: SECOND });
    const fid = second.parcel.fid;
    await page.getByTestId(`attribute-cell-${fid}-name`).dblclick();
    await page.getByTestId('attribute-cell-editor').waitFor();
    await page.getByTestId('cell-edit-name').fill('城南安置住宅用地');
    await page.getByTestId('cell-edit-save').click();
    await page.getByTestId('attribute-cell-editor').waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(() => page.getByTestId(`attribute-cell-${fid}-name`).textContent(), { timeout: 30_000 }).toBe('城南安置住宅用地');
    // A code of another scheme is refused with the reason, nothing written.
    await page.getByTestId(`attribute-cell-${fid}-plannedUse`).dblclick();
    await page.getByTestId('cell-edit-plannedUse').fill('ZZ99');
    await page.getByTestId('cell-edit-save').click();
    await expect.poll(() => page.getByTestId('cell-edit-error').textContent(), { timeout: 30_000 }).toContain('未保存');
    await page.getByTestId('cell-edit-cancel').click();
    await page.getByTestId(`attribute-cell-${fid}-soilSurvey`).dblclick();
    await page.getByTestId('cell-edit-soilSurvey').selectOption('in-progress');
    await shot('04-table-edit');
    await page.getByTestId('cell-edit-save').click();
    await page.getByTestId('attribute-cell-editor').waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(() => page.getByTestId(`attribute-cell-${fid}-soilSurvey`).textContent(), { timeout: 30_000 }).toBe('进行中');
    const stored = await callApi<{ attributes: { key: string; value?: unknown }[] }>('getParcelAttributes', { table: TABLE, parcelId: SECOND });
    expect(stored.attributes.find((a) => a.key === 'name')?.value).toBe('城南安置住宅用地');
    expect(stored.attributes.find((a) => a.key === 'soilSurvey')?.value).toBe('in-progress');
    expect(stored.attributes.find((a) => a.key === 'plannedUse')?.value).toBe('0701');
    // Audited like the form's edits, and re-checked at once.
    const trail = await callApi<{ entries: { action: string; detail: { parcelId?: string; field?: string; old?: unknown; new?: unknown } }[] }>('getAuditTrail', { table: TABLE, parcelId: SECOND });
    const edits = trail.entries.filter((e) => e.action === 'parcel-attribute').map((e) => [e.detail.field, e.detail.old, e.detail.new]);
    expect(edits).toEqual([
      ['name', '城南住宅用地', '城南安置住宅用地'],
      ['soilSurvey', null, 'in-progress'],
    ]);
    expect(trail.entries.filter((e) => e.action === 'check').length).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('shows the second parcel read-only with the reason once it is signed on its own', async () => {
    await callApi('signDecision', {
      table: TABLE,
      parcelId: SECOND,
      decision: 'rejected',
      opinion: '该地块与污染地块重叠，不予准入。',
      conditions: [],
      signature: { name: '李审查', department: '夏县自然资源局', date: today },
    });
    // signed from outside this window: the reviewer opens the table again and it reads the rows anew
    await page.getByTestId('attribute-table-close').click();
    await page.getByTestId(`open-attribute-table-${TABLE}`).click();
    const second = await callApi<{ parcel: { fid: number } }>('getParcelAttributes', { table: TABLE, parcelId: SECOND });
    await page.getByTestId(`attribute-locked-${second.parcel.fid}`).waitFor({ timeout: 30_000 });
    // select the row first and let the map follow it, so the double-click lands on a settled row
    const cell = page.getByTestId(`attribute-cell-${second.parcel.fid}-name`);
    await cell.click();
    await expect.poll(() => cell.evaluate((el) => el.closest('[aria-selected]')?.getAttribute('aria-selected')), { timeout: 30_000 }).toBe('true');
    await cell.dblclick();
    await expect.poll(() => page.getByTestId('attribute-locked').textContent(), { timeout: 30_000 }).toContain('退回补正');
    expect(await page.getByTestId('attribute-locked').textContent()).toContain(SECOND);
    expect(await page.getByTestId('attribute-cell-editor').count()).toBe(0);
    await shot('05-table-locked');
    await page.getByTestId('attribute-table-close').click();
  }, 120_000);

  it('registers the two parcels as one submission and signs it, revising the second parcel’s own decision with a reason', async () => {
    await page.getByTestId('open-review').click();
    await page.getByTestId('submission-new').click();
    await page.getByTestId('new-submission').waitFor();
    await page.getByTestId('new-sub-layer').selectOption(TABLE);
    for (const id of [FIRST, SECOND]) {
      const box = page.locator(`[data-testid="new-sub-parcel"][data-id="${id}"]`);
      await box.waitFor({ timeout: 30_000 });
      if (!(await box.isChecked())) await box.check();
    }
    await expect.poll(() => page.getByTestId('new-sub-chosen').count(), { timeout: 10_000 }).toBe(2);
    await page.getByTestId('new-sub-title').fill(TITLE);
    await page.getByTestId('new-sub-applicant').fill('夏县土地储备中心');
    await page.getByTestId('new-sub-profile').selectOption('xiaxian');
    await page.getByTestId('new-sub-create').click();
    await page.getByTestId('new-submission').waitFor({ state: 'detached' });
    await page.getByTestId('submission-search').fill(TITLE);
    await expect.poll(() => page.getByTestId('submission-row').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('submission-row').first().click();
    const parcels = page.getByTestId('submission-parcels');
    await parcels.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('submission-verdict').textContent(), { timeout: 60_000 }).toContain('不予准入'); // the strictest of the two
    await expect(page.getByTestId(`submission-parcel-${FIRST}`).textContent()).resolves.toContain('准予准入');
    // The workbench says before signing what the submission decision will revise.
    await expect.poll(() => page.getByTestId('review-revises-siblings').textContent(), { timeout: 30_000 }).toContain(SECOND);
    await page.getByTestId('review-decision').selectOption('rejected');
    await page.getByTestId('review-opinion').fill('报件中城南住宅用地与污染地块重叠，报件整体不予准入。');
    await page.getByTestId('review-signer').fill('王审查');
    await page.getByTestId('review-department').fill('夏县自然资源局');
    await page.getByTestId('review-sign').click();
    // Without a reason: refused, naming the parcel and its own decision.
    const error = page.getByTestId('review-error');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toContain(`地块“${SECOND}”已单独签发审查决定“不予准入”`);
    expect(await error.textContent()).toContain('请填写修订理由');
    await shot('06-sign-refused');
    await page.getByTestId('review-reason').fill('按报件整体签发');
    await page.getByTestId('review-sign').click();
    await page.getByTestId('review-signed').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('review-signed').textContent()).resolves.toMatch(/不予准入.*第 1 版.*王审查/);
    const review = await callApi<{ decisions: { revision: number; revisionReason: string | null }[] }>('getParcelReview', { table: TABLE, parcelId: SECOND });
    expect(review.decisions.map((d) => [d.revision, d.revisionReason])).toEqual([
      [1, null],
      [2, '按报件整体签发'],
    ]);
    await shot('07-signed');
  }, 180_000);

  it('downloads the submission’s 审查意见书 PDF naming the submission and both parcels', async () => {
    await page.getByTestId('export-authority').fill('夏县自然资源局');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
    const pdf = join(dir, 'submission.pdf');
    await download.saveAs(pdf);
    const result = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const text = result.stdout.replace(/[ \t]+/g, ' ');
    for (const s of [TITLE, FIRST, SECOND, '报件总体结论', '不予准入', '王审查']) expect(text, s).toContain(s);
    expect(session.traffic.pageErrors).toEqual([]);
  }, 120_000);
});
