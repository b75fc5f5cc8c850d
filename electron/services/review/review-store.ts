/**
 * The review workbench store, on the project's connection (a GeoPackage or a shared project in
 * PostgreSQL, the same SQL): submissions (报件), signed decisions and their revisions, per-parcel
 * audit views and an integrity check that covers the audit hash chain and the decision rows.
 *
 * Tables (in a GeoPackage created on first write and registered in gpkg_contents as 'attributes'
 * so GDAL/QGIS list them; in PostgreSQL part of the project's schema, postgres/pg-schema.ts):
 * - landgate_submissions: a registered submission (parcel layer + parcel ids, applicant, received
 *   date, profile, provenance). Append-only. Parcels not in any registered submission are shown
 *   as one implicit submission each, so a freshly imported layer is reviewable at once.
 * - landgate_decisions: one row per SIGNED decision. Append-only (BEFORE UPDATE/DELETE triggers):
 *   a signed decision can never change; a change is a new row with revision + 1 that references
 *   the row it supersedes. Each row carries the sha256 of its content, and the audit entry that
 *   recorded it carries the same hash, so a row edited behind the triggers' back is detected.
 *
 * Who wrote a row is the acting user (ProjectDb.actingUser): on a shared project the database
 * login, which the server itself checks. Two clients signing the same parcel at once: the signing
 * transaction re-reads the parcel's latest decision under a lock, and the UNIQUE revision
 * constraint stands behind it, so the second one is refused with who signed first, and nothing
 * of it is written.
 *
 * Status is never stored: it is derived from the parcels' latest checks and decisions.
 */
import { createHash } from 'node:crypto';
import type { Feature } from 'geojson';
import type { CheckReport, Finding, Verdict } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import {
  decisionContent,
  deriveStatus,
  isDecisionKind,
  isIsoDate,
  STATUS_LABEL_ZH,
  worstVerdict,
  type Decision,
  type DecisionInput,
  type DecisionKind,
  type NewSubmission,
  type PackageProvenance,
  type Submission,
  type SubmissionPage,
  type SubmissionQuery,
} from '../../../shared/review/model';
import { chinaTime } from '../../../shared/review/document-number';
import { toGeoJsonFeature, type AuditEntry, type ProjectStore } from '../project-store';
import { sqlOf } from '../store/internal';
import { sqlStateOf } from '../store/postgres/pg-errors';
import type { SqlConnection } from '../store/sql';
import { SweepResults } from '../store/sweep-results';
import { querySubmissionPage } from './submission-query';

const REVIEW_SQL = `
CREATE TABLE IF NOT EXISTS landgate_submissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parcel_table TEXT NOT NULL,
  parcel_ids TEXT NOT NULL,
  title TEXT NOT NULL,
  applicant TEXT,
  received_on TEXT,
  profile TEXT,
  created_at TEXT NOT NULL,
  user TEXT NOT NULL,
  source TEXT
);
CREATE TABLE IF NOT EXISTS landgate_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parcel_table TEXT NOT NULL,
  parcel_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  supersedes INTEGER REFERENCES landgate_decisions(id),
  revision_reason TEXT,
  decision TEXT NOT NULL,
  opinion TEXT NOT NULL,
  conditions TEXT NOT NULL,
  check_id INTEGER,
  verdict TEXT,
  signer_name TEXT NOT NULL,
  signer_department TEXT NOT NULL,
  signed_on TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  user TEXT NOT NULL,
  source TEXT,
  content_hash TEXT NOT NULL,
  UNIQUE (parcel_table, parcel_id, revision)
);
CREATE INDEX IF NOT EXISTS landgate_decisions_parcel ON landgate_decisions(parcel_table, parcel_id);
`;

const REVIEW_TABLES: Record<string, string> = {
  landgate_submissions: 'LandGate 报件（申请单位、收件日期、审查规则配置、来源）',
  landgate_decisions: 'LandGate 审查决定（签发后不可修改，修改即新修订版）',
};


const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Another writer got there first: a duplicate revision, or (GeoPackage) a write lock another process holds. */
function isConcurrentWrite(error: unknown): boolean {
  if (sqlStateOf(error) === '23505') return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_CONSTRAINT_UNIQUE' || code.startsWith('SQLITE_BUSY'));
}

export interface LatestCheck {
  checkId: number;
  checkedAt: string;
  profile: string;
  verdict: Verdict;
  findings: Finding[];
}

export interface IntegrityReport {
  ok: boolean;
  /** First bad audit sequence number, when the chain itself is broken. */
  firstBadSeq?: number;
  /** Chinese descriptions of every problem found. */
  problems: string[];
}

interface DecisionRow {
  id: number;
  parcel_table: string;
  parcel_id: string;
  revision: number;
  supersedes: number | null;
  revision_reason: string | null;
  decision: string;
  opinion: string;
  conditions: string;
  check_id: number | null;
  verdict: string | null;
  signer_name: string;
  signer_department: string;
  signed_on: string;
  signed_at: string;
  user: string;
  source: string | null;
  content_hash: string;
}

function decisionOf(r: DecisionRow): Decision {
  return {
    id: Number(r.id),
    table: r.parcel_table,
    parcelId: r.parcel_id,
    revision: Number(r.revision),
    supersedes: r.supersedes === null ? null : Number(r.supersedes),
    revisionReason: r.revision_reason,
    decision: r.decision as DecisionKind,
    opinion: r.opinion,
    conditions: JSON.parse(r.conditions) as string[],
    checkId: r.check_id === null ? null : Number(r.check_id),
    verdict: (r.verdict as Verdict | null) ?? null,
    signature: { name: r.signer_name, department: r.signer_department, date: r.signed_on },
    signedAt: r.signed_at,
    user: r.user,
    contentHash: r.content_hash,
    source: r.source ? (JSON.parse(r.source) as PackageProvenance) : null,
  };
}

/** What the submission list needs of a parcel's latest check. */
type CheckSummary = Pick<LatestCheck, 'checkId' | 'checkedAt' | 'verdict'>;

/** A row of landgate_submissions. */
interface SubmissionRow {
  id: number;
  parcel_table: string;
  parcel_ids: string;
  title: string;
  applicant: string | null;
  received_on: string | null;
  profile: string | null;
  created_at: string;
  source: string | null;
}

/** The latest check and decision of each of a submission's parcels (null: none). */
type ParcelStates = (table: string, ids: string[]) => { checks: (CheckSummary | null)[]; decisions: (Decision | null)[] };

/** What a submission's parcels say of it: its status, latest check, worst verdict and last decision. */
function summarise(table: string, ids: string[], states: ParcelStates) {
  const { checks, decisions } = states(table, ids);
  const latest = checks.filter((c): c is CheckSummary => c !== null).sort((a, b) => a.checkId - b.checkId).pop() ?? null;
  const lastDecision = decisions.filter((d): d is Decision => d !== null).sort((a, b) => a.signedAt.localeCompare(b.signedAt)).pop() ?? null;
  return {
    status: deriveStatus(decisions.map((d) => d?.decision ?? null), latest !== null),
    latestCheckId: latest?.checkId ?? null,
    latestCheckedAt: latest?.checkedAt ?? null,
    verdict: worstVerdict(checks.map((c) => c?.verdict)),
    decision: lastDecision?.decision ?? null,
    decidedOn: lastDecision?.signature.date ?? null,
  };
}

function registeredSubmission(row: SubmissionRow, states: ParcelStates): Submission {
  const ids = JSON.parse(row.parcel_ids) as string[];
  return {
    key: `s${row.id}`,
    id: Number(row.id),
    title: row.title,
    parcelTable: row.parcel_table,
    parcelIds: ids,
    applicant: row.applicant,
    receivedOn: row.received_on,
    profile: row.profile,
    source: row.source ? (JSON.parse(row.source) as PackageProvenance) : null,
    ...summarise(row.parcel_table, ids, states),
  };
}

/** The submission of a parcel no registered submission holds: its attributes name the applicant and the date. */
function implicitSubmission(p: { table: string; feature: Feature; id: string; importedAt: string }, states: ParcelStates): Submission {
  const props = p.feature.properties ?? {};
  const applicant = props.applicant ?? props['申请单位'] ?? props['申请人'];
  const received = props.receivedOn ?? props['收件日期'];
  return {
    key: `${p.table}:${p.id}`,
    id: null,
    title: typeof props.name === 'string' && props.name ? `${p.id} ${props.name}` : p.id,
    parcelTable: p.table,
    parcelIds: [p.id],
    applicant: typeof applicant === 'string' ? applicant : null,
    receivedOn: isIsoDate(received) ? received : p.importedAt.slice(0, 10),
    profile: null,
    source: null,
    ...summarise(p.table, [p.id], states),
  };
}

export class ReviewStore {
  readonly project: ProjectStore;
  private readonly db: SqlConnection;

  constructor(project: ProjectStore) {
    this.project = project;
    this.db = sqlOf(project.db);
  }

  private hasTable(name: string): boolean {
    return this.project.db.hasTable(name);
  }

  /**
   * Creates the review tables and their triggers in a GeoPackage (idempotent); a shared project
   * has them from its creation. Call inside a transaction.
   */
  private ensureSchema() {
    this.project.ensureWritable();
    if (this.db.dialect !== 'sqlite') return;
    if (this.hasTable('landgate_decisions') && this.hasTable('landgate_submissions')) return;
    this.db.exec(REVIEW_SQL);
    for (const table of Object.keys(REVIEW_TABLES)) {
      this.db.exec(`CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only: a signed decision cannot be changed'); END`);
      this.db.exec(`CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
    }
    const at = new Date().toISOString();
    const contents = this.db.prepare("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, ?, ?)");
    for (const [table, description] of Object.entries(REVIEW_TABLES)) contents.run(table, table, description, at);
  }

  // -------------------------------------------------------------------------------------------
  // Parcels and checks

  /** Every parcel of every parcel layer, with its attributes; with geometry only when asked (exports). */
  listParcelFeatures(options: { geometry?: boolean } = {}): { table: string; feature: Feature; id: string; importedAt: string }[] {
    const out: { table: string; feature: Feature; id: string; importedAt: string }[] = [];
    for (const layer of this.project.listLayers().filter((l) => l.kind === 'parcel')) {
      for (const stored of this.project.iterateFeatures(layer.table, { geometry: options.geometry === true })) {
        out.push({ table: layer.table, feature: toGeoJsonFeature(stored), id: stored.id, importedAt: layer.importedAt });
      }
    }
    return out;
  }

  /** Finds a parcel by id through the id index (optionally in one table); refuses unknown and ambiguous ids. */
  findParcel(parcelId: string, table?: string): { table: string; feature: Feature } {
    const layers = this.project.listLayers().filter((l) => l.kind === 'parcel' && (table === undefined || l.table === table));
    const hits = layers.flatMap((layer) => this.project.requestFeatures(layer.table, { ids: [parcelId] }).map((stored) => ({ table: layer.table, feature: toGeoJsonFeature(stored) })));
    const name = this.project.path.split(/[\\/]/).pop();
    if (hits.length === 0) {
      throw new UserInputError('review.parcel-unknown', `项目“${name}”中没有编号为“${parcelId}”的报件地块${table ? `（图层 ${table}）` : ''}。`, `No parcel "${parcelId}"${table ? ` in layer ${table}` : ''}.`);
    }
    if (hits.length > 1) {
      throw new UserInputError(
        'review.parcel-ambiguous',
        `地块编号“${parcelId}”在多个图层中出现（${hits.map((h) => h.table).join('、')}），请指明图层。`,
        `Parcel id "${parcelId}" occurs in several layers (${hits.map((h) => h.table).join(', ')}).`,
      );
    }
    return { table: hits[0].table, feature: hits[0].feature };
  }

  /** The latest recorded check of a parcel of a project layer (null when never checked). */
  latestCheck(table: string, parcelId: string): LatestCheck | null {
    const check = this.latestRecordedCheck(table, parcelId);
    // A sweep (store/sweep-results.ts) stores its results apart from check records; the newer
    // of the two is the parcel's latest check. Its id is the negated sweep id (check ids are positive).
    const swept = new SweepResults(this.project).latestFor(table, parcelId);
    if (swept && (!check || swept.sweep.checkedAt > check.checkedAt)) {
      return { checkId: -swept.sweep.sweepId, checkedAt: swept.sweep.checkedAt, profile: swept.sweep.profile, verdict: swept.result.verdict, findings: swept.result.findings };
    }
    return check;
  }

  /**
   * latestCheck without findings for every parcel at once: the newest recorded check of each
   * parcel, replaced by the newest complete sweep that checked it when that sweep is later.
   */
  private latestCheckSummaries(): Map<string, CheckSummary> {
    const out = new Map<string, CheckSummary>();
    if (this.hasTable('landgate_check_parcels')) {
      const rows = this.db
        .prepare(
          `SELECT c.parcel_table AS parcel_table, p.parcel_id AS parcel_id, p.check_id AS check_id, p.checked_at AS checked_at, p.verdict AS verdict
           FROM landgate_check_parcels p JOIN landgate_checks c ON c.id = p.check_id
           WHERE c.parcel_table IS NOT NULL ORDER BY p.id`,
        )
        .raw()
        .iterate() as IterableIterator<[string, string, number, string, Verdict]>;
      for (const [table, parcelId, checkId, checkedAt, verdict] of rows) out.set(`${table}\u0000${parcelId}`, { checkId: Number(checkId), checkedAt, verdict });
    }
    if (this.hasTable('landgate_sweep_parcels')) {
      const rows = this.db
        .prepare(
          `SELECT p.parcel_table, p.parcel_id, p.sweep_id, s.checked_at, p.verdict
           FROM landgate_sweep_parcels p JOIN landgate_sweeps s ON s.id = p.sweep_id WHERE s.complete = 1 ORDER BY p.sweep_id`,
        )
        .raw()
        .iterate() as IterableIterator<[string, string, number, string, Verdict]>;
      for (const [table, parcelId, sweepId, checkedAt, verdict] of rows) {
        const key = `${table}\u0000${parcelId}`;
        const recorded = out.get(key);
        if (!recorded || recorded.checkId < 0 || checkedAt > recorded.checkedAt) out.set(key, { checkId: -Number(sweepId), checkedAt, verdict });
      }
    }
    return out;
  }

  private latestRecordedCheck(table: string, parcelId: string): LatestCheck | null {
    if (!this.hasTable('landgate_check_parcels')) return null;
    const row = this.db
      .prepare(
        `SELECT p.check_id AS check_id, p.checked_at AS checked_at, p.profile AS profile, p.verdict AS verdict, f.json AS findings
         FROM landgate_check_parcels p JOIN landgate_checks c ON c.id = p.check_id JOIN landgate_check_results f ON f.id = p.findings_result
         WHERE p.parcel_id = ? AND c.parcel_table = ? ORDER BY p.id DESC LIMIT 1`,
      )
      .get(parcelId, table) as { check_id: number; checked_at: string; profile: string; verdict: string; findings: string } | undefined;
    if (!row) return null;
    return { checkId: Number(row.check_id), checkedAt: row.checked_at, profile: row.profile, verdict: row.verdict as Verdict, findings: JSON.parse(row.findings) as Finding[] };
  }

  /** Full parcel result (with finding geometry when the check kept it) of a stored check. */
  checkResult(checkId: number, parcelId: string) {
    if (checkId < 0) {
      const swept = new SweepResults(this.project).latestFor(undefined, parcelId, -checkId);
      if (!swept) throw new UserInputError('review.check-parcel', `全部审查 ${-checkId} 中没有地块“${parcelId}”。`, `Sweep ${-checkId} has no parcel "${parcelId}".`);
      const report: CheckReport = { profile: swept.sweep.profile, ...(swept.sweep.profileVersion ? { profileVersion: swept.sweep.profileVersion } : {}), checkedAt: swept.sweep.checkedAt, parcels: [swept.result] };
      return { report, parcel: swept.result };
    }
    const report = this.project.getCheckReport(checkId);
    const parcel = report.parcels.find((p) => p.id === parcelId);
    if (!parcel) throw new UserInputError('review.check-parcel', `审查记录 ${checkId} 中没有地块“${parcelId}”。`, `Check ${checkId} has no parcel "${parcelId}".`);
    return { report, parcel };
  }

  // -------------------------------------------------------------------------------------------
  // Submissions

  createSubmission(input: NewSubmission): Submission {
    const layer = this.project.getLayer(input.parcelTable);
    if (layer.kind !== 'parcel') {
      throw new UserInputError('review.not-parcel-layer', `图层“${input.parcelTable}”不是报件地块图层。`, `Layer "${input.parcelTable}" is not a parcel layer.`);
    }
    const parcelIds =
      input.parcelIds && input.parcelIds.length > 0 ? input.parcelIds : [...this.project.iterateFeatures(input.parcelTable, { geometry: false, attributes: [] })].map((f) => f.id);
    const found = new Set(this.project.requestFeatures(input.parcelTable, { ids: parcelIds, geometry: false, attributes: [] }).map((f) => f.id));
    const missing = parcelIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new UserInputError('review.submission-parcels', `图层“${input.parcelTable}”中没有地块：${missing.join('、')}。`, `Layer "${input.parcelTable}" has no parcels ${missing.join(', ')}.`);
    }
    if (input.receivedOn !== undefined && !isIsoDate(input.receivedOn)) {
      throw new UserInputError('review.date', `收件日期“${input.receivedOn}”无效，应为 YYYY-MM-DD。`, `Invalid received date "${input.receivedOn}".`);
    }
    this.refuseTakenParcels(input.parcelTable, parcelIds);
    const title = input.title?.trim() || (parcelIds.length === 1 ? parcelIds[0] : `${layer.title}（${parcelIds.length} 宗）`);
    // Re-run from the start after a conflict with another client: everything written is read or
    // computed inside (the taken parcels under the lock, the time, the id RETURNING gives).
    const id = this.project.retryingTransaction(() => {
      this.ensureSchema();
      // Two planners registering the same parcels at once: the second sees the first's
      // submission once it holds the lock, and is refused.
      this.project.db.lockInTransaction('landgate_submissions');
      this.refuseTakenParcels(input.parcelTable, parcelIds);
      const at = new Date().toISOString();
      const inserted = this.db
        .prepare('INSERT INTO landgate_submissions (parcel_table, parcel_ids, title, applicant, received_on, profile, created_at, "user", source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id')
        .get(input.parcelTable, JSON.stringify(parcelIds), title, input.applicant ?? null, input.receivedOn ?? null, input.profile ?? null, at, this.project.db.actingUser(), input.source ? JSON.stringify(input.source) : null) as {
        id: number;
      };
      const sid = Number(inserted.id);
      this.project.appendAudit({
        action: 'submission',
        at,
        detail: { submissionId: sid, parcelTable: input.parcelTable, parcelIds, title, applicant: input.applicant ?? null, receivedOn: input.receivedOn ?? null, profile: input.profile ?? null, source: input.source ?? null },
      });
      return sid;
    });
    return registeredSubmission(this.registeredRows().find((r) => Number(r.id) === id)!, this.parcelStates);
  }

  /** The registered submissions as stored, without their parcels' checks and decisions (listSubmissions reads those). */
  registeredSubmissions(): { id: number; parcelTable: string; parcelIds: string[]; title: string; applicant: string | null; receivedOn: string | null; profile: string | null }[] {
    return this.registeredRows().map((r) => ({
      id: Number(r.id),
      parcelTable: r.parcel_table,
      parcelIds: JSON.parse(r.parcel_ids) as string[],
      title: r.title,
      applicant: r.applicant,
      receivedOn: r.received_on,
      profile: r.profile,
    }));
  }

  private refuseTakenParcels(table: string, parcelIds: readonly string[]): void {
    const taken = new Set(this.registeredRows().flatMap((r) => (r.parcel_table === table ? (JSON.parse(r.parcel_ids) as string[]) : [])));
    const dup = parcelIds.filter((id) => taken.has(id));
    if (dup.length > 0) {
      throw new UserInputError('review.submission-duplicate', `地块 ${dup.join('、')} 已属于另一个报件。`, `Parcels ${dup.join(', ')} already belong to a submission.`);
    }
  }

  private registeredRows(): SubmissionRow[] {
    if (!this.hasTable('landgate_submissions')) return [];
    return this.db.prepare('SELECT * FROM landgate_submissions ORDER BY id').all() as SubmissionRow[];
  }

  /**
   * One page of the submission list, filtered, sorted and counted in the database
   * (submission-query.ts); the page's latest checks and decisions are read for its parcels only.
   */
  querySubmissions(request: SubmissionQuery): SubmissionPage {
    return querySubmissionPage(this.db, (name) => this.hasTable(name), request, (rows) => this.finishSubmissionRows(rows));
  }

  private finishSubmissionRows(rows: Submission[]): Submission[] {
    const byTable = new Map<string, Set<string>>();
    for (const row of rows) for (const id of row.parcelIds) (byTable.get(row.parcelTable) ?? byTable.set(row.parcelTable, new Set()).get(row.parcelTable)!).add(id);
    const checks = new Map<string, { checkId: number; checkedAt: string }>();
    const decisions = new Map<string, Decision>();
    const verdictTable = this.hasTable('landgate_parcel_verdicts');
    const decisionTable = this.hasTable('landgate_decisions');
    for (const [table, idSet] of byTable) {
      const ids = [...idSet];
      for (let i = 0; i < ids.length; i += 500) {
        const batch = ids.slice(i, i + 500);
        const marks = batch.map(() => '?').join(',');
        if (verdictTable) {
          for (const r of this.db.prepare(`SELECT parcel_id, check_id, checked_at FROM landgate_parcel_verdicts WHERE parcel_table = ? AND parcel_id IN (${marks})`).all(table, ...batch) as { parcel_id: string; check_id: number; checked_at: string }[]) {
            checks.set(`${table}\u0000${r.parcel_id}`, { checkId: Number(r.check_id), checkedAt: r.checked_at });
          }
        }
        if (decisionTable) {
          for (const d of (this.db.prepare(`SELECT * FROM landgate_decisions WHERE parcel_table = ? AND parcel_id IN (${marks}) ORDER BY revision`).all(table, ...batch) as DecisionRow[]).map(decisionOf)) {
            decisions.set(`${table}\u0000${d.parcelId}`, d);
          }
        }
      }
    }
    return rows.map((row) => {
      const keys = row.parcelIds.map((id) => `${row.parcelTable}\u0000${id}`);
      const latest = keys.map((k) => checks.get(k)).filter((c) => c !== undefined).sort((a, b) => a.checkedAt.localeCompare(b.checkedAt)).pop() ?? null;
      const lastDecision = keys.map((k) => decisions.get(k)).filter((d) => d !== undefined).sort((a, b) => a.signedAt.localeCompare(b.signedAt)).pop() ?? null;
      return { ...row, latestCheckId: latest?.checkId ?? null, latestCheckedAt: latest?.checkedAt ?? null, decision: lastDecision?.decision ?? null, decidedOn: lastDecision?.signature.date ?? null };
    });
  }

  listSubmissions(): Submission[] {
    const parcels = this.listParcelFeatures();
    const out: Submission[] = [];
    const covered = new Set<string>();
    // The latest check and decision of every parcel, read once for the whole list (a county has
    // tens of thousands of parcels: two queries per parcel took seconds).
    const latestChecks = this.latestCheckSummaries();
    const latestDecisions = new Map<string, Decision>();
    for (const d of this.allDecisions().sort((a, b) => a.revision - b.revision)) latestDecisions.set(`${d.table}\u0000${d.parcelId}`, d);
    const lookup: ParcelStates = (table, ids) => ({
      checks: ids.map((id) => latestChecks.get(`${table}\u0000${id}`) ?? null),
      decisions: ids.map((id) => latestDecisions.get(`${table}\u0000${id}`) ?? null),
    });
    for (const row of this.registeredRows()) {
      const submission = registeredSubmission(row, lookup);
      for (const id of submission.parcelIds) covered.add(`${row.parcel_table}\u0000${id}`);
      out.push(submission);
    }
    for (const p of parcels) {
      if (!covered.has(`${p.table}\u0000${p.id}`)) out.push(implicitSubmission(p, lookup));
    }
    return out;
  }

  /** The registered submissions as listSubmissions lists them, without reading the project's other parcels. */
  registeredSubmissionList(): Submission[] {
    return this.registeredRows().map((row) => registeredSubmission(row, this.parcelStates));
  }

  /** The latest check and decision of a few parcels, a query or two each. */
  private readonly parcelStates: ParcelStates = (table, ids) => ({
    checks: ids.map((id) => this.latestCheck(table, id)),
    decisions: ids.map((id) => this.latestDecision(table, id)),
  });

  /**
   * The submission a parcel belongs to, as listSubmissions lists it — the registered one holding
   * it, or its own — read for that submission's parcels only (a click on a parcel must not read
   * the county). Null when the layer has no such parcel.
   */
  submissionOf(table: string, parcelId: string): Submission | null {
    const lookup = this.parcelStates;
    const row = this.registeredRows().find((r) => r.parcel_table === table && (JSON.parse(r.parcel_ids) as string[]).includes(parcelId));
    if (row) return registeredSubmission(row, lookup);
    const layer = this.project.listLayers().find((l) => l.kind === 'parcel' && l.table === table);
    const stored = layer ? this.project.requestFeatures(table, { ids: [parcelId], geometry: false })[0] : undefined;
    if (!layer || !stored) return null;
    return implicitSubmission({ table, feature: toGeoJsonFeature(stored), id: stored.id, importedAt: layer.importedAt }, lookup);
  }

  // -------------------------------------------------------------------------------------------
  // Decisions

  listDecisions(table: string, parcelId: string): Decision[] {
    if (!this.hasTable('landgate_decisions')) return [];
    const rows = this.db.prepare('SELECT * FROM landgate_decisions WHERE parcel_table = ? AND parcel_id = ? ORDER BY revision').all(table, parcelId) as DecisionRow[];
    return rows.map(decisionOf);
  }

  allDecisions(): Decision[] {
    if (!this.hasTable('landgate_decisions')) return [];
    return (this.db.prepare('SELECT * FROM landgate_decisions ORDER BY id').all() as DecisionRow[]).map(decisionOf);
  }

  latestDecision(table: string, parcelId: string): Decision | null {
    const list = this.listDecisions(table, parcelId);
    return list.length ? list[list.length - 1] : null;
  }

  /**
   * Signs a decision. The first decision of a parcel has revision 1; a change to a signed
   * decision must name it (`supersedes`) and give a reason, and becomes revision n + 1.
   */
  signDecision(input: DecisionInput, options: { source?: PackageProvenance | null; signedAt?: string; user?: string } = {}): Decision {
    const { table, parcelId } = input;
    this.findParcel(parcelId, table);
    if (!isDecisionKind(input.decision)) {
      throw new UserInputError('review.decision-kind', `审查决定“${String(input.decision)}”无效，可用：approved（准予准入）、conditional（有条件准入）、rejected（不予准入）、returned（退回补正）。`, `Invalid decision "${String(input.decision)}".`);
    }
    const sig = input.signature ?? ({} as DecisionInput['signature']);
    if (!sig.name?.trim() || !sig.department?.trim()) {
      throw new UserInputError('review.signature', '签发须填写审查人姓名和部门。', 'A signature needs the reviewer name and department.');
    }
    if (!isIsoDate(sig.date)) {
      throw new UserInputError('review.signature-date', `签发日期“${sig.date ?? ''}”无效，应为 YYYY-MM-DD。`, `Invalid signature date "${sig.date}".`);
    }
    if (!input.opinion?.trim()) {
      throw new UserInputError('review.opinion', '审查意见不能为空。', 'The opinion is empty.');
    }
    if (!Array.isArray(input.conditions) || input.conditions.some((c) => typeof c !== 'string')) {
      throw new UserInputError('review.conditions', '准入条件应为文字列表。', 'Conditions must be a list of strings.');
    }
    const conditions = input.conditions.map((c) => c.trim()).filter((c) => c !== '');
    if (input.decision === 'conditional' && conditions.length === 0) {
      throw new UserInputError('review.conditions-missing', '“有条件准入”须至少写明一条准入条件。', 'A conditional decision needs at least one condition.');
    }
    // A decision on a whole submission is one signing act recorded per parcel: each row keeps its
    // own revision chain, check and hash, so the per-parcel append-only guarantees are unchanged.
    const targets = input.coverSubmission ? this.submissionParcelIds(table, parcelId) : [parcelId];
    // One signing act, one time on every row.
    options = { ...options, signedAt: options.signedAt ?? new Date().toISOString() };
    const ids = this.recordDecisions(() => {
      if (input.coverSubmission && !input.revisionReason?.trim()) this.refuseUnexplainedSiblingRevision(input, targets);
      return targets.map((id) => {
        if (id === parcelId) return this.prepareDecision(input, conditions, sig, options);
        // A sibling revises its own latest decision, for the same reason; its own latest check counts.
        const sibling = this.latestDecision(table, id);
        return this.prepareDecision({ ...input, parcelId: id, checkId: undefined, supersedes: sibling?.id }, conditions, sig, options);
      });
    });
    return this.listDecisions(table, parcelId).find((d) => d.id === ids[targets.indexOf(parcelId)])!;
  }

  /**
   * Writes one signing act: every row and its audit entry in one transaction, or none. The rows
   * are prepared under the signers' lock, on the decisions every parcel has then: a signing act
   * of another client lands wholly before these reads or after this one, never between them (a
   * submission signed by another reviewer while this one read its parcels one by one looked like
   * a parcel signed on its own, or a revision without a reason). The UNIQUE (parcel, revision)
   * constraint catches what a lock cannot (a GeoPackage written by another program): the act is
   * then refused as a whole, naming who signed, and nothing of it is written.
   */
  private recordDecisions(prepare: () => ReturnType<ReviewStore['prepareDecision']>[]): number[] {
    let prepared: ReturnType<ReviewStore['prepareDecision']>[] = [];
    try {
      // Re-run from the start after a conflict with another client (a deadlock, a serialization
      // failure): `prepare` reads the parcels' decisions afresh under the lock on every run, and
      // nothing leaves the transaction but `prepared`, which each run replaces.
      return this.project.retryingTransaction(() => {
        this.ensureSchema();
        this.project.db.lockInTransaction('landgate_decisions');
        prepared = prepare();
        return prepared.map((row) => this.insertDecision(row));
      });
    } catch (error) {
      if (isConcurrentWrite(error)) for (const row of prepared) this.refuseSignedMeanwhile(row);
      throw error;
    }
  }

  private refuseSignedMeanwhile({ base, previous }: ReturnType<ReviewStore['prepareDecision']>): void {
    this.refuseSignedSince(base.table, base.parcelId, previous?.id ?? null);
  }

  /**
   * The reviewer decided on what the page showed: the parcel's latest decision then (the one a
   * revision supersedes), or none. If the parcel has had another since, however long ago the page
   * was read, the answer is the conflict naming who signed — not the rules for revising a signed
   * decision or for a submission's other parcels, which would speak of a decision this reviewer
   * never saw. (Superseding a decision the parcel never had is refused by those rules.)
   */
  private refuseSignedSinceSeen(input: DecisionInput): void {
    const seen = input.supersedes ?? null;
    if (seen === null || this.listDecisions(input.table, input.parcelId).some((d) => d.id === seen)) this.refuseSignedSince(input.table, input.parcelId, seen);
  }

  /** Refuses, naming who signed, when the parcel's latest decision is no longer `seen` (its id, or null for none). */
  private refuseSignedSince(table: string, parcelId: string, seen: number | null): void {
    const latest = this.latestDecision(table, parcelId);
    if (!latest || latest.id === seen) return;
    // "张三（zhangsan）于 …", "张三 于 …": the signer as signed, with the login that signed.
    const by = latest.user && latest.user !== latest.signature.name ? `${latest.signature.name}（${latest.user}）` : `${latest.signature.name} `;
    throw new UserInputError(
      'review.conflict',
      `地块“${parcelId}”已由 ${by}于 ${chinaTime(latest.signedAt)} 签署审查决定“${STATUS_LABEL_ZH[latest.decision]}”（第 ${latest.revision} 版），您的签发未写入。请刷新后再决定是否修订。`,
      `Parcel "${parcelId}" was signed meanwhile by ${latest.user} at ${latest.signedAt} (${latest.decision}, revision ${latest.revision}); this signature was not written. Reload and decide whether to revise it.`,
    );
  }

  /**
   * A submission is decided as a whole: the decision and its 意见书 name the submission and every
   * parcel in it, so a parcel of it that already has its own signed decision is not left out
   * (the 意见书 would then state a decision that does not hold for one of the parcels it names).
   * Signing the submission revises that decision, as any change to a signed decision is made:
   * a new revision that references it, with a reason. Without a reason the refusal names each
   * such parcel and its decision, so the reviewer knows what will be revised and why.
   */
  private refuseUnexplainedSiblingRevision(input: DecisionInput, targets: string[]): void {
    const { table, parcelId } = input;
    const decided = targets.filter((id) => id !== parcelId).flatMap((id) => {
      const d = this.latestDecision(table, id);
      return d ? [d] : [];
    });
    if (decided.length === 0) return;
    // Another reviewer's signature of the whole submission, landed since this page was read,
    // decided the other parcels too: that is the conflict, not a revision to explain.
    this.refuseSignedSinceSeen(input);
    const title = this.registeredRows().find((r) => r.parcel_table === table && (JSON.parse(r.parcel_ids) as string[]).includes(parcelId))?.title ?? '';
    const zh = decided.map((d) => `地块“${d.parcelId}”已单独签发审查决定“${STATUS_LABEL_ZH[d.decision]}”（第 ${d.revision} 版，${d.signature.name}，${d.signature.date}）`).join('；');
    const en = decided.map((d) => `parcel "${d.parcelId}" has its own signed decision ${d.id} (${d.decision}, revision ${d.revision})`).join('; ');
    throw new UserInputError(
      'review.submission-parcel-decided',
      `报件“${title}”中${zh}。按报件整体签发的决定适用于全部 ${targets.length} 个地块，将以新版本修订上述决定：请填写修订理由后再签发。`,
      `Submission "${title}": ${en}; signing the submission revises it as a new revision, which needs a reason.`,
    );
  }

  /** Every parcel of the registered submission holding the parcel (just the parcel when none). */
  submissionParcelIds(table: string, parcelId: string): string[] {
    for (const row of this.registeredRows()) {
      const ids = JSON.parse(row.parcel_ids) as string[];
      if (row.parcel_table === table && ids.includes(parcelId)) return ids;
    }
    return [parcelId];
  }

  private prepareDecision(
    input: DecisionInput,
    conditions: string[],
    sig: DecisionInput['signature'],
    options: { source?: PackageProvenance | null; signedAt?: string; user?: string },
  ) {
    const { table, parcelId } = input;
    const previous = this.latestDecision(table, parcelId);
    if (previous) {
      if (input.supersedes !== previous.id) {
        this.refuseSignedSinceSeen(input);
        throw new UserInputError(
          'review.signed-immutable',
          `地块“${parcelId}”已有签发的审查决定（第 ${previous.revision} 版，编号 ${previous.id}），签发后不可修改；如需变更，请以修订方式（引用编号 ${previous.id} 并说明理由）签发新版本。`,
          `Parcel "${parcelId}" already has signed decision ${previous.id}; a change must supersede it as a new revision.`,
        );
      }
      if (!input.revisionReason?.trim()) {
        throw new UserInputError('review.revision-reason', '修订已签发的审查决定须说明修订理由。', 'A revision needs a reason.');
      }
    } else if (input.supersedes !== undefined && input.supersedes !== null) {
      throw new UserInputError('review.supersedes-unknown', `地块“${parcelId}”没有可修订的审查决定（编号 ${input.supersedes}）。`, `No decision ${input.supersedes} to supersede.`);
    }
    // On a shared project a row carries the login that writes it (the server checks it); a
    // decision brought in from a package keeps its original author in its provenance instead.
    const acting = this.project.db.actingUser();
    const user = this.db.dialect === 'postgres' ? acting : options.user ?? acting;
    let source = options.source ?? null;
    if (source && options.user !== undefined && options.user !== user) source = { ...source, originalIds: { ...source.originalIds, user: options.user } };
    const latest = this.latestCheck(table, parcelId);
    let checkId: number | null = latest?.checkId ?? null;
    let verdict: Verdict | null = latest?.verdict ?? null;
    if (input.checkId !== undefined) {
      const { parcel } = this.checkResult(input.checkId, parcelId);
      checkId = input.checkId;
      verdict = parcel.verdict;
    }
    const base = {
      table,
      parcelId,
      revision: (previous?.revision ?? 0) + 1,
      supersedes: previous?.id ?? null,
      revisionReason: previous ? input.revisionReason!.trim() : null,
      decision: input.decision,
      opinion: input.opinion.trim(),
      conditions,
      checkId,
      verdict,
      signature: { name: sig.name.trim(), department: sig.department.trim(), date: sig.date },
      signedAt: options.signedAt ?? new Date().toISOString(),
      user,
      source,
    };
    const contentHash = sha256(decisionContent(base));
    return { base, previous, contentHash };
  }

  /** Inserts one prepared decision row and its audit entry; call inside a transaction. */
  private insertDecision({ base, previous, contentHash }: ReturnType<ReviewStore['prepareDecision']>): number {
    const { table, parcelId, checkId, verdict } = base;
    const inserted = this.db
      .prepare(
        `INSERT INTO landgate_decisions (parcel_table, parcel_id, revision, supersedes, revision_reason, decision, opinion, conditions, check_id, verdict,
           signer_name, signer_department, signed_on, signed_at, "user", source, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        table,
        parcelId,
        base.revision,
        base.supersedes,
        base.revisionReason,
        base.decision,
        base.opinion,
        JSON.stringify(base.conditions),
        base.checkId,
        base.verdict,
        base.signature.name,
        base.signature.department,
        base.signature.date,
        base.signedAt,
        base.user,
        base.source ? JSON.stringify(base.source) : null,
        contentHash,
      ) as { id: number };
    const decisionId = Number(inserted.id);
    this.project.appendAudit({
      action: previous ? 'decision-revision' : 'decision',
      at: base.signedAt,
      user: base.user,
      detail: {
        decisionId,
        parcelTable: table,
        parcelId,
        revision: base.revision,
        supersedes: base.supersedes,
        revisionReason: base.revisionReason,
        decision: base.decision,
        checkId,
        verdict,
        signer: base.signature,
        contentHash,
        source: base.source,
      },
    });
    return decisionId;
  }

  // -------------------------------------------------------------------------------------------
  // Audit

  /** Records an export (report, summary, package, findings file) in the audit log. */
  recordExport(detail: { format: string; file: string; parcelTable?: string; parcelId?: string; parcelIds?: string[]; [key: string]: unknown }) {
    this.project.appendAudit({ action: 'export', detail });
  }

  /**
   * The audit trail of one parcel: imports of its layer, checks that covered it, submissions,
   * decisions, revisions and exports naming it. Without a parcel: the whole project log.
   */
  auditTrail(filter: { table?: string; parcelId?: string } = {}): AuditEntry[] {
    const all = this.project.listAudit();
    if (filter.parcelId === undefined) return all;
    const { table, parcelId } = filter;
    const checkIds = new Set<number>();
    if (this.hasTable('landgate_check_parcels')) {
      const rows = this.db
        .prepare(`SELECT DISTINCT p.check_id AS id FROM landgate_check_parcels p JOIN landgate_checks c ON c.id = p.check_id WHERE p.parcel_id = ?${table === undefined ? '' : ' AND c.parcel_table = ?'}`)
        .all(...(table === undefined ? [parcelId] : [parcelId, table])) as { id: number }[];
      for (const r of rows) checkIds.add(Number(r.id));
    }
    const sweepIds = new Set(new SweepResults(this.project).sweepsOf(table, parcelId));
    return all.filter((entry) => {
      const d = (entry.detail ?? {}) as Record<string, unknown>;
      const tableMatches = table === undefined || d.parcelTable === table || d.table === table;
      switch (entry.action) {
        case 'import':
          return table !== undefined && d.table === table;
        case 'check':
          return d.sweepId !== undefined ? sweepIds.has(Number(d.sweepId)) : checkIds.has(Number(d.checkId));
        case 'submission':
          return tableMatches && Array.isArray(d.parcelIds) && (d.parcelIds as unknown[]).includes(parcelId);
        default:
          return tableMatches && (d.parcelId === parcelId || (Array.isArray(d.parcelIds) && (d.parcelIds as unknown[]).includes(parcelId)));
      }
    });
  }

  /**
   * Integrity of the record: the audit hash chain (edited, deleted, inserted rows, truncated
   * tail), every decision row against its own content hash and against the hash its audit entry
   * recorded, every decision having an audit entry, and the verdicts of every check record
   * against the counts its audit entry recorded.
   */
  verify(): IntegrityReport {
    const problems: string[] = [];
    const chain = this.project.verifyAudit();
    if (!chain.ok) problems.push(`审计日志第 ${chain.firstBadSeq} 条起哈希链校验失败（记录被修改、删除或插入）。`);
    const audited = new Map<number, string>();
    for (const entry of this.project.listAudit()) {
      if (entry.action !== 'decision' && entry.action !== 'decision-revision') continue;
      const d = entry.detail as { decisionId?: number; contentHash?: string };
      if (typeof d?.decisionId === 'number' && typeof d.contentHash === 'string') audited.set(d.decisionId, d.contentHash);
    }
    for (const decision of this.allDecisions()) {
      const { id, contentHash, ...rest } = decision;
      const actual = sha256(decisionContent(rest));
      if (actual !== contentHash) problems.push(`审查决定 ${id}（地块 ${decision.parcelId} 第 ${decision.revision} 版）的内容与签发时的哈希不符：记录已被篡改。`);
      const recorded = audited.get(id);
      if (recorded === undefined) problems.push(`审查决定 ${id}（地块 ${decision.parcelId}）在审计日志中没有签发记录。`);
      else if (recorded !== contentHash) problems.push(`审查决定 ${id}（地块 ${decision.parcelId}）与审计日志记录的哈希不一致：记录已被篡改。`);
    }
    // Check records: the verdict counts each 'check' audit entry recorded must match the rows.
    if (this.hasTable('landgate_check_parcels')) {
      const counts = new Map<string, number>();
      for (const r of this.db.prepare('SELECT check_id, verdict, count(*) AS n FROM landgate_check_parcels GROUP BY check_id, verdict').all() as { check_id: number; verdict: string; n: number }[]) {
        counts.set(`${r.check_id}:${r.verdict}`, Number(r.n));
      }
      for (const entry of this.project.listAudit()) {
        if (entry.action !== 'check') continue;
        const d = entry.detail as { checkId?: number; verdicts?: Record<string, number> };
        if (typeof d?.checkId !== 'number' || !d.verdicts) continue;
        for (const [verdict, n] of Object.entries(d.verdicts)) {
          if ((counts.get(`${d.checkId}:${verdict}`) ?? 0) !== n) {
            problems.push(`审查记录 ${d.checkId} 的结论与审计日志记录不一致（${verdict}：日志 ${n}，记录 ${counts.get(`${d.checkId}:${verdict}`) ?? 0}）：记录已被篡改。`);
          }
        }
      }
    }
    return { ok: problems.length === 0, firstBadSeq: chain.ok ? undefined : chain.firstBadSeq, problems };
  }
}
