/**
 * End to end, the review workbench as a reviewer uses it, against `landgate serve` on
 * the demo project in Debian Chromium via playwright-core: import a boundary-point TXT
 * submission through the import dialog, register it with 新建报件, find it in 报件列表, run the
 * check, open a finding, write the opinion, sign, revise, export the 审查意见书 PDF and the
 * monthly XLSX, read the audit trail, page through presentation mode; then exchange: export the
 * review package and the findings Shapefile of the ticked submission by clicking, and import the
 * package into a second department's project through the UI. The PDF is rendered with pdftoppm
 * and read with pdftotext, the XLSX read back with exceljs, the package read with ogrinfo and
 * the ProjectStore, the zipped Shapefile's DBF decoded as GBK. Screenshots:
 * test-artifacts/e2e/review-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import Database from 'better-sqlite3';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import type { MultiPolygon, Polygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { transformer } from '../../shared/crs';
import { ogrLayers } from '../support/cli';
import { artifacts, landgateSync, openSession, prepareArtifactsAndRenderer, screenshotTo, waitForMapReady, type BrowserSession } from '../support/browser';

const PARCEL = 'BJ-2026-101';
const TABLE = 'submission_101';
const today = new Date().toISOString().slice(0, 10);
const month = today.slice(0, 7);

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
  // The submission arrives as a boundary-point TXT (imported through the dialog, first step).
  writeSubmissionTxt(join(dir, '东关住宅小区报件.txt'));
  session = await openSession(projectPath, { env: { ...process.env, LANDGATE_USER: 'e2e-reviewer' }, page: { acceptDownloads: true } });
  page = session.page;
  await waitForMapReady(page);
}, 300_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('review workbench in Chromium', () => {
  it('imports the boundary-point TXT submission through the import dialog as a parcel layer', async () => {
    await page.getByTestId('import-file-input').setInputFiles(join(dir, '东关住宅小区报件.txt'));
    await page.getByTestId('import-dialog').waitFor();
    await expect.poll(() => page.getByTestId('import-format').textContent(), { timeout: 30_000 }).toContain('界址点坐标 TXT');
    expect(await page.getByTestId('import-count').textContent()).toBe('1');
    expect(await page.getByTestId('import-kind').inputValue()).toBe('parcel');
    expect(await page.getByTestId('import-crs').inputValue()).toBe('EPSG:4525'); // 3° zone 37, from the TXT header
    await expect(page.getByTestId('import-rows').textContent()).resolves.toContain('东关住宅小区报件');
    await page.getByTestId('import-table').fill(TABLE);
    await shot('00-import-preview');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-dialog').waitFor({ state: 'detached', timeout: 60_000 });
    const row = page.getByTestId(`layer-row-${TABLE}`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.layer-count').textContent()).toBe('1');
  }, 120_000);

  it('registers the submission with the 新建报件 form: layer, parcels, applicant, date, profile', async () => {
    await page.getByTestId('open-review').click();
    await page.getByTestId('submission-new').click();
    const form = page.getByTestId('new-submission');
    await form.waitFor();
    expect(await page.getByTestId('new-sub-layer').inputValue()).toBe(TABLE); // the newest parcel layer
    const parcel = page.locator(`[data-testid="new-sub-parcel"][data-id="${PARCEL}"]`);
    expect(await parcel.isChecked()).toBe(true); // default: every parcel of the layer
    expect(await page.getByTestId('new-sub-date').inputValue()).toBe(today);
    // Nothing ticked: refused with a zh message, nothing registered.
    await page.getByTestId('new-sub-none').click();
    await page.getByTestId('new-sub-create').click();
    await expect(page.getByTestId('new-sub-error').textContent()).resolves.toContain('至少勾选一宗地块');
    await parcel.check();
    expect(await page.getByTestId('new-sub-error').count()).toBe(0); // answered: the error goes
    await page.getByTestId('new-sub-title').fill('东关住宅小区报件');
    await page.getByTestId('new-sub-applicant').fill('夏县土地储备中心');
    await page.getByTestId('new-sub-profile').selectOption('xiaxian');
    await shot('00-new-submission');
    await page.getByTestId('new-sub-create').click();
    await form.waitFor({ state: 'detached' });
    const created = page.locator('[data-testid="submission-row"].created');
    await expect(created.textContent()).resolves.toMatch(/东关住宅小区报件.*夏县土地储备中心.*xiaxian.*待审查/);
    expect(await created.getAttribute('data-key')).toMatch(/^s\d+$/); // a registered submission
    await page.getByTestId('open-review').click(); // closed again: the next step opens it
  }, 120_000);

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
    expect(conditions.trim()).not.toBe(''); // pre-filled from the condition findings: short, no figures
    expect(conditions).not.toMatch(/m²|米/);
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
    // sentences, not key=value: the decisions read with the one verdict term and their revision
    const sentences = await page.getByTestId('audit-sentence').allTextContents();
    expect(sentences.some((s) => /^签署审查决定：.+（第 1 版），地块 /.test(s))).toBe(true);
    expect(sentences.some((s) => /^修订审查决定：退回补正（第 2 版）/.test(s))).toBe(true);
    for (const s of sentences) expect(s).not.toMatch(/[a-zA-Z]+=/);
    // the stored record stays reachable in the details view
    await page.getByTestId('audit-details').first().click();
    await expect(trail.locator('.wb-audit-raw').textContent()).resolves.toContain('"action"');
    // a display name set here is shown beside the account on every entry of that account
    await page.getByTestId('display-name').fill('审查员甲');
    await page.getByTestId('display-name-save').click();
    await page.getByTestId('audit-project').click();
    await expect.poll(() => page.getByTestId('audit-row').first().textContent()).toContain('审查员甲（');
    await expect.poll(() => page.getByTestId('audit-sentence').first().textContent()).toBe('将显示名设为“审查员甲”');
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
    // the slide's review arrives after its title
    await expect.poll(() => deck.textContent(), { timeout: 30_000 }).toMatch(/不予准入.*最大重叠/);
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

describe('exchange between departments in Chromium', () => {
  let pkg: string;

  it('exports the review package of the ticked submission: parcel, findings and both decisions', async () => {
    // nothing ticked: every parcel of the project's parcel layers, counted from the project's layer list
    await page.getByTestId('review-tab-exchange').click();
    const project = ProjectStore.open(projectPath, { readonly: true });
    const parcels = project.listLayers().filter((l) => l.kind === 'parcel').reduce((n, l) => n + l.featureCount, 0);
    project.close();
    expect(parcels).toBeGreaterThan(1);
    await expect(page.getByTestId('exchange-scope').textContent()).resolves.toContain(`全部报件（${parcels} 宗地块）`);
    await page.getByTestId('review-tab-list').click();
    await page.getByTestId('submission-search').fill(PARCEL);
    await expect.poll(() => page.getByTestId('submission-row').count()).toBe(1);
    await page.getByTestId('submission-check').first().check();
    await page.getByTestId('review-tab-exchange').click();
    await expect(page.getByTestId('exchange-scope').textContent()).resolves.toContain('1 件报件（1 宗地块）');
    await page.getByTestId('exchange-department').fill('夏县自然资源局');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('exchange-export-package').click()]);
    expect(download.suggestedFilename()).toBe(`审查包_夏县自然资源局_${today}.gpkg`);
    pkg = join(dir, 'package.gpkg');
    await download.saveAs(pkg);
    await expect(page.getByTestId('exchange-message').textContent()).resolves.toContain('.gpkg');
    await shot('10-package-exported');
    const layers = ogrLayers(pkg);
    expect(layers.get(TABLE)?.featureCount).toBe(1);
    expect(layers.get('landgate_pkg_findings')?.featureCount).toBe(1);
    expect(layers.get('landgate_pkg_decisions')?.featureCount).toBe(2);
    const store = ProjectStore.open(pkg, { readonly: true });
    try {
      expect(store.readFeatures(TABLE).features.map((f) => f.id)).toEqual([PARCEL]);
    } finally {
      store.close();
    }
    const db = new Database(pkg, { readonly: true });
    const decisions = (db.prepare('SELECT decision_json FROM landgate_pkg_decisions ORDER BY id').all() as { decision_json: string }[]).map((r) => JSON.parse(r.decision_json));
    const department = (db.prepare("SELECT value FROM landgate_pkg_manifest WHERE key = 'department'").get() as { value: string }).value;
    db.close();
    expect(department).toBe('夏县自然资源局');
    expect(decisions.map((d) => [d.revision, d.decision, d.signature.name])).toEqual([
      [1, 'rejected', '王审查'],
      [2, 'returned', '王审查'],
    ]);
  }, 120_000);

  it('exports the findings as one zipped GBK Shapefile whose .cpg says GBK', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('exchange-export-shapefile').click()]);
    expect(download.suggestedFilename()).toBe(`审查发现_${today}.zip`);
    const zip = join(dir, 'findings.zip');
    await download.saveAs(zip);
    const entries = unzipSync(new Uint8Array(readFileSync(zip)));
    const byExt = Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name.slice(name.lastIndexOf('.')), Buffer.from(bytes)]));
    expect(Object.keys(byExt).sort()).toEqual(['.cpg', '.dbf', '.prj', '.shp', '.shx']);
    expect(byExt['.cpg'].toString('latin1')).toBe('GBK');
    const dbfText = iconv.decode(byExt['.dbf'], 'gbk');
    expect(dbfText).toContain(PARCEL);
    expect(dbfText).toContain('不予准入');
    expect(dbfText).toContain('污染地块');
    expect(byExt['.dbf'].includes(Buffer.from('不予准入', 'utf8'))).toBe(false);
    await expect(page.getByTestId('exchange-message').textContent()).resolves.toContain('.zip');
  }, 120_000);

  it('imports the package into a second department’s project through the UI, keeping provenance', async () => {
    const second = join(dir, 'eco.gpkg');
    landgateSync(['init', second, '--title', '夏县生态环境分局']);
    const eco = await openSession(second, { env: { ...process.env, LANDGATE_USER: 'e2e-eco' } });
    try {
      const p = eco.page;
      await p.getByTestId('project-title').filter({ hasText: '夏县生态环境分局' }).waitFor({ timeout: 60_000 });
      await p.getByTestId('open-review').click();
      await p.getByTestId('review-tab-exchange').click();
      // Not a package: refused in zh naming the file, nothing imported.
      await p.getByTestId('exchange-import-input').setInputFiles({ name: '报件.gpkg', mimeType: 'application/octet-stream', buffer: Buffer.from('这不是审查包') });
      await expect.poll(() => p.getByTestId('exchange-error').textContent(), { timeout: 30_000 }).toContain('报件.gpkg');
      expect(await p.getByTestId('exchange-error').textContent()).not.toMatch(/\bat\s+\S+\s*\(/); // no stack trace
      await p.getByTestId('exchange-import-input').setInputFiles(pkg);
      const result = p.getByTestId('exchange-import-result');
      await result.waitFor({ timeout: 60_000 });
      expect(await p.getByTestId('exchange-import-department').textContent()).toBe('夏县自然资源局');
      expect(await p.getByTestId('exchange-import-parcels').textContent()).toBe('1');
      expect(await p.getByTestId('exchange-import-decisions').textContent()).toBe('2');
      expect(await p.getByTestId('exchange-error').count()).toBe(0);
      // The project reloads: the package's parcel layer is on the map.
      const layer = p.getByTestId(`layer-row-pkg_${TABLE}`);
      await layer.waitFor({ timeout: 30_000 });
      expect(await layer.locator('.layer-count').textContent()).toBe('1');
      await screenshotTo(p, 'review-11-package-imported');
      await p.getByTestId('review-tab-list').click();
      const row = p.getByTestId('submission-row').filter({ hasText: '← 夏县自然资源局' });
      await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
      await expect(row.textContent()).resolves.toContain('退回补正');
      await screenshotTo(p, 'review-12-imported-list');
      expect(eco.traffic.pageErrors).toEqual([]);
    } finally {
      await eco.close();
    }
  }, 240_000);
});
