import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { generateDemoProject } from '../../electron/services/demo';
import { ProjectStore } from '../../electron/services/project-store';
import { buildReviewPdf } from '../../electron/services/reports/review-report';
import { SUMMARY_SHEETS, buildMonthlySummary } from '../../electron/services/reports/summary';
import { ReviewStore } from '../../electron/services/review/review-store';
import type { Finding } from '../../shared/model/check';
import { conditionsFromFindings } from '../../shared/review/model';

let dir: string;
let path: string;
let api: ApiService;
/** A conditional parcel, checked first. */
let first: string;
/** A parcel left unchecked until the submission is registered. */
let second: string;
const findingsOf = new Map<string, Finding[]>();
const sig = { name: '王审查', department: '夏县自然资源局', date: new Date().toISOString().slice(0, 10) };
const TITLE = '东关片区两宗地块供地报件';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-review-submission-'));
  path = join(dir, 'demo.gpkg');
  generateDemoProject(path);
  api = createApiService(path);
  const { rows } = await api.queryParcels({ offset: 0, limit: 500 });
  second = rows[rows.length - 1].id;
  for (const p of rows.slice(0, -1)) {
    const report = await api.checkParcel({ table: p.table, parcelId: p.id, profile: 'xiaxian' });
    findingsOf.set(p.id, report.parcels[0].findings);
    if (report.parcels[0].verdict === 'conditional' && !first) first = p.id;
  }
  expect(first).toBeTruthy();
}, 240_000);
afterAll(() => {
  api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pre-filled conditions on the demo project', () => {
  it('are short, without figures, one per rule however many findings lead to it', () => {
    for (const [id, findings] of findingsOf) {
      const conditions = conditionsFromFindings(findings);
      expect(new Set(conditions).size, id).toBe(conditions.length);
      for (const c of conditions) expect(c, id).not.toMatch(/\d|m²|米|依据/);
      const rules = new Set(findings.filter((f) => f.severity === 'condition').map((f) => f.rule));
      // Several findings of one rule on one parcel: one condition.
      if (rules.size > 0 && findings.every((f) => f.severity !== 'condition' || !f.message.startsWith('需补充'))) expect(conditions.length, id).toBe(rules.size);
    }
    // Synthetic: three findings of one rule on one parcel give one condition.
    const same = (m: string): Finding => ({ rule: 'soil.survey-required', severity: 'condition', message: m, basis: '土壤污染防治法 第五十九条第二款', overlapM2: 100 });
    expect(conditionsFromFindings([same('重叠 100 m²'), same('重叠 250.5 m²'), same('距 30 米')])).toEqual(['开工前完成土壤污染状况调查并通过评审']);
  });
});

describe('a two-parcel submission', () => {
  it('shows every parcel with its verdict; overall unknown until all are checked, then the strictest', async () => {
    const s = await api.createSubmission({ parcelTable: 'parcels', parcelIds: [first, second], title: TITLE, applicant: '夏县土地储备中心', receivedOn: sig.date, profile: 'xiaxian' });
    expect(s.parcelIds).toEqual([first, second]);
    let review = await api.getParcelReview({ table: 'parcels', parcelId: first });
    expect(review.submissionParcels.map((p) => [p.parcelId, p.verdict])).toEqual([
      [first, 'conditional'],
      [second, null],
    ]);
    expect(review.submissionVerdict).toBeNull();
    const report = await api.checkParcel({ table: 'parcels', parcelId: second, profile: 'xiaxian' });
    const secondVerdict = report.parcels[0].verdict;
    review = await api.getParcelReview({ table: 'parcels', parcelId: second });
    expect(review.submissionParcels.map((p) => p.verdict)).toEqual(['conditional', secondVerdict]);
    const rank = { permitted: 0, conditional: 1, prohibited: 2 } as const;
    expect(review.submissionVerdict).toBe(rank[secondVerdict] > rank.conditional ? secondVerdict : 'conditional');
    // The decision covers the submission, so the pre-filled conditions come from both parcels.
    for (const c of conditionsFromFindings(findingsOf.get(first)!)) expect(review.suggestedConditions).toContain(c);
  });

  it('signing with coverSubmission records the decision for both parcels, each with its own revision, hash and audit entry', async () => {
    const review = await api.getParcelReview({ table: 'parcels', parcelId: first });
    const d = await api.signDecision({ table: 'parcels', parcelId: first, decision: 'conditional', opinion: '报件两宗地块有条件准入。', conditions: review.suggestedConditions, signature: sig, coverSubmission: true });
    expect(d.parcelId).toBe(first);
    const store = ProjectStore.open(path);
    try {
      const rs = new ReviewStore(store);
      const a = rs.listDecisions('parcels', first);
      const b = rs.listDecisions('parcels', second);
      expect(a).toHaveLength(1);
      expect(b).toHaveLength(1);
      expect(b[0].decision).toBe('conditional');
      expect(b[0].opinion).toBe('报件两宗地块有条件准入。');
      expect(b[0].signedAt).toBe(a[0].signedAt);
      expect(b[0].contentHash).not.toBe(a[0].contentHash);
      expect(rs.auditTrail({ table: 'parcels', parcelId: second }).map((e) => e.action)).toContain('decision');
      // A revision of the submission revises both, for the same reason.
      expect(() => rs.signDecision({ table: 'parcels', parcelId: first, decision: 'approved', opinion: '改为准予。', conditions: [], signature: sig, supersedes: a[0].id, coverSubmission: true })).toThrow();
      rs.signDecision({ table: 'parcels', parcelId: first, decision: 'rejected', opinion: '复核后不予准入。', conditions: [], signature: sig, supersedes: a[0].id, revisionReason: '复核', coverSubmission: true });
      expect(rs.listDecisions('parcels', second).map((x) => [x.revision, x.supersedes])).toEqual([
        [1, null],
        [2, b[0].id],
      ]);
      expect(rs.listSubmissions().find((x) => x.title === TITLE)!.status).toBe('rejected');
      expect(rs.verify().ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('the 审查意见书 of one parcel covers the submission: its title and number, both parcels and their findings', async () => {
    const store = ProjectStore.open(path);
    try {
      const { bytes } = await buildReviewPdf(store, { parcelId: second, table: 'parcels', authority: '夏县自然资源局' });
      const out = join(dir, 'submission.pdf');
      writeFileSync(out, bytes);
      const r = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const text = r.stdout.replace(/[ \t]+/g, ' ');
      const sub = new ReviewStore(store).listSubmissions().find((x) => x.title === TITLE)!;
      for (const s of [TITLE, sub.key, first, second, '报件总体结论', '审查发现及法律依据', '复核后不予准入']) expect(text, s).toContain(s);
      expect(text).toMatch(new RegExp(`（1）地块 ${first}`));
      expect(text).toMatch(new RegExp(`（2）地块 ${second}`));
      // every parcel has its own map (frame corners and legend), and the submission one 文书编号
      expect(text.match(/左上角 /g)).toHaveLength(2);
      expect(text.match(/图例：/g)).toHaveLength(2);
      const number = /文书编号：(\S+号)/.exec(text)?.[1];
      expect(number).toBeDefined();
      const other = await buildReviewPdf(store, { parcelId: first, table: 'parcels' });
      writeFileSync(join(dir, 'submission-first.pdf'), other.bytes);
      expect(spawnSync('pdftotext', ['-layout', join(dir, 'submission-first.pdf'), '-'], { encoding: 'utf8' }).stdout).toContain(`文书编号：${number}`);
    } finally {
      store.close();
    }
  }, 60_000);

  it('the monthly XLSX counts submissions and parcels', async () => {
    const store = ProjectStore.open(path);
    try {
      const month = sig.date.slice(0, 7);
      const { bytes, rows } = await buildMonthlySummary(store, { month });
      const wb = new ExcelJS.Workbook();
      const out = join(dir, 'summary.xlsx');
      writeFileSync(out, bytes);
      await wb.xlsx.readFile(out);
      const counts = wb.getWorksheet(SUMMARY_SHEETS.counts)!;
      const subs = new ReviewStore(store).listSubmissions();
      // Every parcel was checked this month; the two-parcel submission counts once.
      expect(counts.getRow(1).getCell(2).value).toBe(subs.length);
      expect(counts.getRow(2).getCell(2).value).toBe(rows);
      expect(rows).toBe(subs.reduce((n, s) => n + s.parcelIds.length, 0));
      expect(subs.length).toBe(rows - 1);
      let found = false;
      for (let i = 5; i <= counts.rowCount; i++) {
        const row = counts.getRow(i);
        if (row.getCell(2).value === TITLE) {
          found = true;
          expect(row.getCell(3).value).toBe(2);
          expect(row.getCell(4).value).toBe(2);
          expect(row.getCell(5).value).toBeTruthy();
        }
      }
      expect(found).toBe(true);
    } finally {
      store.close();
    }
  }, 60_000);
});

describe('a submission one of whose parcels was signed on its own', () => {
  const TITLE2 = '西关片区两宗地块报件';
  let alone: string;
  let other: string;

  it('is refused without a reason, naming that parcel and its decision, and nothing is written', async () => {
    const { rows } = await api.queryParcels({ offset: 0, limit: 500 });
    [other, alone] = rows.map((r) => r.id).filter((id) => id !== first && id !== second);
    await api.signDecision({ table: 'parcels', parcelId: alone, decision: 'approved', opinion: '单独审查，准予准入。', conditions: [], signature: sig });
    await api.createSubmission({ parcelTable: 'parcels', parcelIds: [other, alone], title: TITLE2, receivedOn: sig.date, profile: 'xiaxian' });
    const review = await api.getParcelReview({ table: 'parcels', parcelId: other });
    expect(review.submissionParcels.map((p) => [p.parcelId, p.decision])).toEqual([
      [other, null],
      [alone, 'approved'],
    ]);
    const trailBefore = (await api.getAuditTrail({})).entries.length;
    let error: unknown;
    try {
      await api.signDecision({ table: 'parcels', parcelId: other, decision: 'rejected', opinion: '报件整体不予准入。', conditions: [], signature: sig, coverSubmission: true });
    } catch (e) {
      error = e;
    }
    const refusal = error as { code?: string; messageZh?: string; messageEn?: string };
    expect(refusal?.code).toBe('review.submission-parcel-decided');
    expect(refusal.messageZh).toContain(`报件“${TITLE2}”中地块“${alone}”已单独签发审查决定“准予准入”（第 1 版，${sig.name}，${sig.date}）`);
    expect(refusal.messageZh).toContain('请填写修订理由');
    expect(refusal.messageEn).toContain(`parcel "${alone}" has its own signed decision`);
    const store = ProjectStore.open(path);
    try {
      const rs = new ReviewStore(store);
      expect(rs.listDecisions('parcels', other)).toEqual([]);
      expect(rs.listDecisions('parcels', alone)).toHaveLength(1);
    } finally {
      store.close();
    }
    expect((await api.getAuditTrail({})).entries.length).toBe(trailBefore);
  });

  it('with a reason, the submission decision is signed for the undecided parcel and revises the other one', async () => {
    const d = await api.signDecision({
      table: 'parcels',
      parcelId: other,
      decision: 'rejected',
      opinion: '报件整体不予准入。',
      conditions: [],
      signature: sig,
      coverSubmission: true,
      revisionReason: '按报件整体审查',
    });
    expect([d.parcelId, d.revision, d.supersedes]).toEqual([other, 1, null]);
    const store = ProjectStore.open(path);
    try {
      const rs = new ReviewStore(store);
      const revised = rs.listDecisions('parcels', alone);
      expect(revised.map((x) => [x.revision, x.decision, x.revisionReason])).toEqual([
        [1, 'approved', null],
        [2, 'rejected', '按报件整体审查'],
      ]);
      expect(revised[1].supersedes).toBe(revised[0].id);
      expect(rs.listSubmissions().find((x) => x.title === TITLE2)!.status).toBe('rejected');
      expect(rs.verify().ok).toBe(true);
    } finally {
      store.close();
    }
  });
});
