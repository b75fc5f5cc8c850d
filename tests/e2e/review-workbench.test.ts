/**
 * End to end, the review workbench as a reviewer uses it (issue 6): a boundary-point TXT
 * submission imported into the demo project, `landgate serve`, Debian Chromium via
 * playwright-core: find the submission in 报件列表, run the check, open a finding, write the
 * opinion, sign, revise, export the 审查意见书 PDF and the monthly XLSX, read the audit trail and
 * page through presentation mode. The PDF is rendered with pdftoppm and read with pdftotext, the
 * XLSX read back with exceljs. Screenshots: test-artifacts/e2e/review-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import type { MultiPolygon, Polygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { transformer } from '../../shared/crs';
import { artifacts, cli, landgateSync, openSession, prepareArtifactsAndRenderer, repoRoot, screenshotTo, waitForMapReady, type BrowserSession } from '../support/browser';

const PARCEL = 'BJ-2026-101';
const TABLE = 'submission_101';
const month = new Date().toISOString().slice(0, 7);

let dir: string;
let projectPath: string;
let session: BrowserSession;
let page: Page;

const shot = (name: string) => screenshotTo(page, `review-${name}`);

/** A 自然资源部 boundary-point TXT of a parcel on the demo's 化肥厂 site (CP-01), 3° zone 37, shifted 20 m east. */
function writeSubmissionTxt(path: string) {
  const store = ProjectStore.open(projectPath, { readonly: true });
  const feature = store.readFeatures('parcels').features.find((f) => f.id === 'XX-2026-001')!;
  store.close();
  const g = feature.geometry as Polygon | MultiPolygon;
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
  const forward = transformer('EPSG:4490', 'EPSG:4546');
  const points = ring.map((p) => forward([p[0], p[1]]));
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
    `${points.length},3.0,${PARCEL},东关住宅小区报件,面,,0701,,@`,
    ...points.map(([e, n], i) => `J${i === points.length - 1 ? 1 : i + 1},1,${n.toFixed(3)},${(37_000_000 + e + 20).toFixed(3)}`),
  ];
  writeFileSync(path, `${lines.join('\r\n')}\r\n`, 'utf8');
}

beforeAll(async () => {
  prepareArtifactsAndRenderer();
  dir = mkdtempSync(join(tmpdir(), 'landgate-e2e-review-'));
  projectPath = join(dir, 'demo.gpkg');
  landgateSync(['demo', projectPath]);
  // Step 1: the submission arrives as a boundary-point TXT and is imported as a parcel layer.
  const txt = join(dir, '东关住宅小区报件.txt');
  writeSubmissionTxt(txt);
  const imported = spawnSync(process.execPath, [cli, 'import', projectPath, txt, '--kind', 'parcel', '--name', TABLE], { cwd: repoRoot, encoding: 'utf8' });
  expect(imported.status, imported.stderr).toBe(0);
  session = await openSession(projectPath, { env: { ...process.env, LANDGATE_USER: 'e2e-reviewer' }, page: { acceptDownloads: true } });
  page = session.page;
  await waitForMapReady(page);
  // The registry clerk records applicant and received date (same API the UI uses).
  const response = await page.evaluate(
    async ([table, id]) => {
      const r = await fetch('/api/createSubmission', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ parcelTable: table, parcelIds: [id], applicant: '夏县土地储备中心', receivedOn: new Date().toISOString().slice(0, 10), profile: 'xiaxian', title: '东关住宅小区报件' }) });
      return r.status;
    },
    [TABLE, PARCEL],
  );
  expect(response).toBe(200);
}, 300_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('review workbench in Chromium', () => {
  it('lists the TXT submission with applicant and status 待审查, and filters by search and status', async () => {
    await page.getByTestId('open-review').click();
    const list = page.getByTestId('submission-list');
    await list.waitFor();
    await expect.poll(() => page.getByTestId('submission-row').count()).toBeGreaterThan(10);
    await page.getByTestId('submission-search').fill(PARCEL);
    await expect.poll(() => page.getByTestId('submission-row').count()).toBe(1);
    const row = page.getByTestId('submission-row').first();
    await expect(row.textContent()).resolves.toMatch(/东关住宅小区报件.*夏县土地储备中心.*xiaxian.*待审查/);
    await expect(page.getByTestId('status-count-pending').textContent()).resolves.toMatch(/待审查\s*\d+/);
    await shot('01-submissions');
  }, 120_000);

  it('runs the check when the submission is opened: verdict, findings by severity, overlap table', async () => {
    await page.getByTestId('submission-row').first().click();
    const verdict = page.getByTestId('review-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    await expect(verdict.textContent()).resolves.toContain('不予准入');
    expect(await page.getByTestId('review-finding').count()).toBeGreaterThan(2);
    const table = page.getByTestId('overlap-table');
    await expect(table.textContent()).resolves.toMatch(/CP-01.*m².*公顷.*亩/);
    await page.waitForTimeout(900);
    await shot('02-checked');
  }, 120_000);

  it('opens a finding: its overlap polygon is drawn on the map', async () => {
    const finding = page.getByTestId('review-finding').first();
    await finding.click();
    await expect.poll(() => finding.getAttribute('class')).toContain('selected');
    await page.waitForTimeout(900);
    await shot('03-finding');
  }, 120_000);

  it('writes an opinion with the pre-filled conditions and signs; the signed form is locked', async () => {
    const conditions = await page.getByTestId('review-conditions').inputValue();
    expect(conditions).toMatch(/依据/); // pre-filled from the condition findings
    expect(await page.getByTestId('review-decision').inputValue()).toBe('rejected'); // suggested from the verdict
    await page.getByTestId('review-opinion').fill('该地块与列入名录的污染地块重叠，拟规划为住宅用地，不予准入。');
    await page.getByTestId('review-signer').fill('王审查');
    await page.getByTestId('review-department').fill('夏县自然资源局');
    await page.getByTestId('review-sign').click();
    await page.getByTestId('review-signed').waitFor();
    await expect(page.getByTestId('review-signed').textContent()).resolves.toMatch(/不予准入.*第 1 版.*王审查/);
    expect(await page.getByTestId('review-opinion').isDisabled()).toBe(true);
    await expect(page.getByTestId('review-history').locator('li').count()).resolves.toBe(1);
    await shot('04-signed');
  }, 120_000);

  it('revises the signed decision as a new revision referencing the old one', async () => {
    await page.getByTestId('review-revise').click();
    await page.getByTestId('review-decision').selectOption('returned');
    await page.getByTestId('review-opinion').fill('申请单位补充土壤污染状况调查报告后重新报件。');
    // Without a reason the store refuses the revision, with the message shown.
    await page.getByTestId('review-sign').click();
    await expect(page.getByTestId('review-error').textContent()).resolves.toContain('修订理由');
    await page.getByTestId('review-reason').fill('申请单位申请补正');
    await page.getByTestId('review-sign').click();
    await expect.poll(() => page.getByTestId('review-history').locator('li').count()).toBe(2);
    await expect(page.getByTestId('review-history').textContent()).resolves.toMatch(/#2 退回补正.*修订第 1 版：申请单位申请补正/);
    await shot('05-revised');
  }, 120_000);

  it('exports the 审查意见书 PDF: Chinese text, the decision and the map figure', async () => {
    await page.getByTestId('export-authority').fill('夏县自然资源局（审查专用章）');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
    expect(download.suggestedFilename()).toBe(`审查意见书_${PARCEL}.pdf`);
    const pdf = join(dir, 'report.pdf');
    await download.saveAs(pdf);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
    for (const s of ['夏县自然资源局（审查专用章）', '建设用地准入审查意见书', PARCEL, '东关住宅小区报件', '夏县土地储备中心', '叠加分析图', 'CP-01', '退回补正', '王审查', '夏县自然资源局', '申请单位申请补正', '界址点成果表', '比例尺']) {
      expect(text, s).toContain(s);
    }
    expect(spawnSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', pdf, join(dir, 'page')]).status).toBe(0);
    copyFileSync(join(dir, 'page-1.png'), join(artifacts, 'review-06-pdf-page1.png'));
    await shot('06-pdf-exported');
  }, 120_000);

  it('exports the monthly XLSX with the submission row', async () => {
    await page.getByTestId('export-month').fill(month);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const xlsx = join(dir, 'summary.xlsx');
    await download.saveAs(xlsx);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('汇总调度表')!;
    const rows: unknown[][] = [];
    ws.eachRow((row, n) => n > 3 && rows.push((row.values as unknown[]).slice(1)));
    const mine = rows.find((r) => r.includes(PARCEL))!;
    expect(mine).toBeDefined();
    expect(mine).toContain('夏县土地储备中心');
    expect(mine).toContain('是'); // planned 0701: use change to 一住两公
    expect(mine).toContain('不予准入'); // system verdict
    expect(mine).toContain('退回补正'); // decision and status
  }, 120_000);

  it('shows the audit trail of the parcel: import, check, decision, revision, exports; integrity verified', async () => {
    await page.getByTestId('review-tab-audit').click();
    const trail = page.getByTestId('audit-trail');
    await trail.waitFor();
    await expect.poll(() => page.getByTestId('audit-integrity').textContent()).toContain('校验通过');
    const actions = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    for (const a of ['import', 'check', 'submission', 'decision', 'decision-revision', 'export']) expect(actions).toContain(a);
    await expect(trail.textContent()).resolves.toContain('e2e-reviewer');
    await shot('07-audit');
    await page.getByTestId('review-tab-list').click();
    await page.getByTestId('submission-search').fill(PARCEL);
    await expect(page.getByTestId('submission-row').first().textContent()).resolves.toContain('退回补正');
  }, 120_000);

  it('presents one parcel per slide in full screen, paged with the arrow keys', async () => {
    await page.getByTestId('open-presentation').click();
    const deck = page.getByTestId('presentation');
    await deck.waitFor();
    await expect.poll(() => page.getByTestId('presentation-parcel').textContent()).toBe(PARCEL);
    await expect(deck.textContent()).resolves.toMatch(/不予准入.*最大重叠/);
    await page.getByTestId('presentation-map').waitFor();
    await shot('08-presentation');
    const before = await page.getByTestId('presentation-counter').textContent();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('presentation-counter').textContent()).not.toBe(before);
    await expect.poll(() => page.getByTestId('presentation-parcel').textContent()).not.toBe(PARCEL);
    await page.waitForTimeout(500);
    await shot('09-presentation-next');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('presentation-counter').textContent()).toBe(before);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('presentation').count()).toBe(0);
    expect(session.traffic.pageErrors).toEqual([]);
  }, 120_000);
});
