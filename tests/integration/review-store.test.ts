import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApiService } from '../../electron/services/api-service';
import { generateDemoProject } from '../../electron/services/demo';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { conditionsFromFindings } from '../../shared/review/model';
import { connectionOf } from '../../electron/services/store/internal';

let dir: string;
let path: string;
let conditionalId: string;
let prohibitedId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-review-store-'));
  path = join(dir, 'demo.gpkg');
  generateDemoProject(path);
  // Check every demo parcel through the API (as the UI does) so each has a recorded check.
  const api = createApiService(path);
  try {
    const { rows: parcels, total } = await api.queryParcels({ offset: 0, limit: 500 });
    expect(parcels.length).toBe(total);
    for (const p of parcels) {
      const report = await api.checkParcel({ table: p.table, parcelId: p.id, profile: 'xiaxian' });
      const verdict = report.parcels[0].verdict;
      if (verdict === 'conditional' && !conditionalId) conditionalId = p.id;
      if (verdict === 'prohibited' && !prohibitedId) prohibitedId = p.id;
    }
  } finally {
    api.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Chinese message of the UserInputError fn throws. */
function zh(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { messageZh?: string }).messageZh ?? String(error);
  }
  return '(no error)';
}

const sig = { name: '王审查', department: '夏县自然资源局', date: '2026-11-20' };

describe('review store: submissions, decisions, revisions, audit', () => {
  it('lists every demo parcel as a submission in review, with the verdict of its latest check', () => {
    const store = ProjectStore.open(path);
    try {
      const review = new ReviewStore(store);
      const subs = review.listSubmissions();
      expect(subs.length).toBe(store.readFeatures('parcels').features.length);
      expect(new Set(subs.map((s) => s.status))).toEqual(new Set(['in-review']));
      const s = subs.find((x) => x.parcelIds[0] === conditionalId)!;
      expect(s.verdict).toBe('conditional');
      expect(s.latestCheckId).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });

  it('registers a submission of two parcels and refuses parcels already registered', () => {
    const store = ProjectStore.open(path);
    try {
      const review = new ReviewStore(store);
      const s = review.createSubmission({ parcelTable: 'parcels', parcelIds: [conditionalId, prohibitedId], applicant: '夏县土地储备中心', receivedOn: '2026-11-03', profile: 'xiaxian' });
      expect(s.key).toBe(`s${s.id}`);
      expect(s.parcelIds).toEqual([conditionalId, prohibitedId]);
      expect(s.verdict).toBe('prohibited');
      expect(review.listSubmissions().filter((x) => x.parcelIds.includes(conditionalId))).toHaveLength(1);
      expect(zh(() => review.createSubmission({ parcelTable: 'parcels', parcelIds: [conditionalId] }))).toMatch(/已属于另一个报件/);
      expect(zh(() => review.createSubmission({ parcelTable: 'parcels', parcelIds: ['NO-SUCH'] }))).toMatch(/没有地块/);
    } finally {
      store.close();
    }
  });

  it('signs a decision with conditions from the check; a signed row cannot be updated or deleted', () => {
    const store = ProjectStore.open(path);
    try {
      const review = new ReviewStore(store);
      const check = review.latestCheck('parcels', conditionalId)!;
      const conditions = conditionsFromFindings(check.findings);
      expect(conditions.length).toBeGreaterThan(0);
      const d = review.signDecision({ table: 'parcels', parcelId: conditionalId, decision: 'conditional', opinion: '同意有条件准入。', conditions, signature: sig });
      expect(d.revision).toBe(1);
      expect(d.checkId).toBe(check.checkId);
      expect(d.verdict).toBe('conditional');
      const db = connectionOf(store.db);
      expect(() => db.prepare('UPDATE landgate_decisions SET decision = ? WHERE id = ?').run('approved', d.id)).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM landgate_decisions WHERE id = ?').run(d.id)).toThrow(/append-only/);
      // Signing again without naming the signed decision is refused: as a page that showed no decision is, naming who signed.
      expect(zh(() => review.signDecision({ table: 'parcels', parcelId: conditionalId, decision: 'approved', opinion: '改为准予。', conditions: [], signature: sig }))).toMatch(
        /^地块“.+”已由 .+于 .+ 签署审查决定“有条件准入”（第 1 版），您的签发未写入。请刷新后再决定是否修订。$/,
      );
      // Naming a decision the parcel never had is refused as before.
      expect(zh(() => review.signDecision({ table: 'parcels', parcelId: conditionalId, decision: 'approved', opinion: '改为准予。', conditions: [], signature: sig, supersedes: d.id + 1000 }))).toMatch(/签发后不可修改/);
      // Validation: a conditional decision without conditions, a bad date.
      expect(zh(() => review.signDecision({ table: 'parcels', parcelId: prohibitedId, decision: 'conditional', opinion: 'x', conditions: [], signature: sig }))).toMatch(/至少写明一条/);
      expect(zh(() => review.signDecision({ table: 'parcels', parcelId: prohibitedId, decision: 'rejected', opinion: 'x', conditions: [], signature: { ...sig, date: '2026-13-01' } }))).toMatch(/签发日期/);
    } finally {
      store.close();
    }
  });

  it('a change is a new revision referencing the old one; status follows the decisions', () => {
    const store = ProjectStore.open(path);
    try {
      const review = new ReviewStore(store);
      const first = review.latestDecision('parcels', conditionalId)!;
      expect(zh(() => review.signDecision({ table: 'parcels', parcelId: conditionalId, decision: 'approved', opinion: '改为准予。', conditions: [], signature: sig, supersedes: first.id }))).toMatch(/修订理由/);
      const second = review.signDecision({ table: 'parcels', parcelId: conditionalId, decision: 'approved', opinion: '补充调查报告已评审，改为准予。', conditions: [], signature: sig, supersedes: first.id, revisionReason: '补正材料' });
      expect(second.revision).toBe(2);
      expect(second.supersedes).toBe(first.id);
      const history = review.listDecisions('parcels', conditionalId);
      expect(history.map((d) => d.decision)).toEqual(['conditional', 'approved']);
      // The two-parcel submission: one approved, one undecided → in review; after rejecting the other → rejected.
      let sub = review.listSubmissions().find((s) => s.id !== null)!;
      expect(sub.status).toBe('in-review');
      review.signDecision({ table: 'parcels', parcelId: prohibitedId, decision: 'rejected', opinion: '位于饮用水水源保护区内，不予准入。', conditions: [], signature: sig });
      sub = review.listSubmissions().find((s) => s.id !== null)!;
      expect(sub.status).toBe('rejected');
      expect(sub.decision).toBe('rejected');
    } finally {
      store.close();
    }
  });

  it('the per-parcel audit trail shows its checks, submission, decision and revision', () => {
    const store = ProjectStore.open(path);
    try {
      const review = new ReviewStore(store);
      const actions = review.auditTrail({ table: 'parcels', parcelId: conditionalId }).map((e) => e.action);
      expect(actions).toContain('import');
      expect(actions).toContain('check');
      expect(actions).toContain('submission');
      expect(actions).toContain('decision');
      expect(actions).toContain('decision-revision');
      const other = review.auditTrail({ table: 'parcels', parcelId: prohibitedId }).map((e) => e.action);
      expect(other).not.toContain('decision-revision');
      expect(review.auditTrail().length).toBeGreaterThan(actions.length);
      expect(review.verify()).toEqual({ ok: true, firstBadSeq: undefined, problems: [] });
    } finally {
      store.close();
    }
  });

  it('detects a decision row edited behind the triggers, and a tampered audit row', () => {
    const tampered = join(dir, 'tampered.gpkg');
    const copy = new Database(path);
    copy.exec(`VACUUM INTO '${tampered}'`);
    copy.close();
    // Someone with SQLite drops the trigger and edits the signed decision.
    const raw = new Database(tampered);
    raw.exec('DROP TRIGGER landgate_decisions_no_update');
    raw.prepare("UPDATE landgate_decisions SET decision = 'approved' WHERE parcel_id = ?").run(prohibitedId);
    raw.close();
    let store = ProjectStore.open(tampered);
    try {
      const result = new ReviewStore(store).verify();
      expect(result.ok).toBe(false);
      expect(result.problems.join('\n')).toMatch(new RegExp(`地块 ${prohibitedId}.*篡改`));
    } finally {
      store.close();
    }
    // A recorded check verdict edited: it no longer matches the counts in the audit log.
    const tampered3 = join(dir, 'tampered3.gpkg');
    const copy3 = new Database(path);
    copy3.exec(`VACUUM INTO '${tampered3}'`);
    copy3.close();
    const raw3 = new Database(tampered3);
    raw3.exec('DROP TRIGGER landgate_check_parcels_no_update');
    raw3.prepare("UPDATE landgate_check_parcels SET verdict = 'permitted' WHERE parcel_id = ?").run(prohibitedId);
    raw3.close();
    store = ProjectStore.open(tampered3);
    try {
      const result = new ReviewStore(store).verify();
      expect(result.ok).toBe(false);
      expect(result.problems.join('\n')).toMatch(/审查记录 \d+ 的结论与审计日志记录不一致/);
    } finally {
      store.close();
    }
    // An audit row edited: the hash chain breaks at that row.
    const tampered2 = join(dir, 'tampered2.gpkg');
    const copy2 = new Database(path);
    copy2.exec(`VACUUM INTO '${tampered2}'`);
    copy2.close();
    const raw2 = new Database(tampered2);
    raw2.exec('DROP TRIGGER landgate_audit_no_update');
    const row = raw2.prepare("SELECT seq, detail FROM landgate_audit WHERE action = 'decision' ORDER BY seq LIMIT 1").get() as { seq: number; detail: string };
    raw2.prepare('UPDATE landgate_audit SET detail = ? WHERE seq = ?').run(row.detail.replace('"conditional"', '"approved"'), row.seq);
    raw2.close();
    store = ProjectStore.open(tampered2);
    try {
      const result = new ReviewStore(store).verify();
      expect(result.ok).toBe(false);
      expect(result.firstBadSeq).toBe(row.seq);
    } finally {
      store.close();
    }
  });
});
