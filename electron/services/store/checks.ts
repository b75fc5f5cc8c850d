/**
 * Check records: every check run (the query record of 沁政办发〔2021〕19号 土壤 9, never
 * overwritten: landgate_checks + landgate_check_parcels) and the latest verdict per parcel
 * (landgate_parcel_verdicts, derived, rewritten by every recorded check). What a check found is
 * stored once per distinct result (landgate_check_results) and referenced by every run that found
 * it, so a reviewer clicking the same parcel all day adds small rows, not reports.
 */
import type { CheckReport, Finding, Verdict } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import type { AuditRepository } from './audit';
import { sqlOf } from './internal';
import type { ProjectDb } from './project-db';
import { nowIso, storeCheckResult, storedReportJson } from './schema';

/**
 * The row of landgate_parcel_verdicts that is no parcel's (no parcel has an empty id): its
 * check_id counts the changes of one parcel layer's verdicts, so the map's tiles of that layer,
 * which show the verdicts, are re-cut when a verdict changes and only then — not after every
 * check any client records (TileSourceRepository.revision). A row of a table every writer may
 * already write, rather than a new table or setting: the bureau's roles and row-level security
 * (postgres/pg-schema.ts) let planners, reviewers and administrators write it as they write the
 * verdicts themselves, and no schema change is needed. Readers of the verdicts never meet it:
 * they look parcels up by id or by verdict, and its verdict is no verdict.
 */
export const VERDICT_REVISION_PARCEL_ID = '';
const VERDICT_REVISION_MARK = 'revision';
/** Parcels whose recorded verdicts are read per statement when comparing (far below both engines' parameter limits). */
const VERDICT_READ_BATCH = 500;

/**
 * Serialises the verdict writers of one parcel layer (a check's comparison with the verdicts it
 * replaces, a sweep's completion) across the clients of a shared project, so a verdict written by
 * another client between this one's read and write cannot leave the tiles' revision unchanged.
 */
export function lockParcelVerdicts(db: ProjectDb, parcelTable: string): void {
  db.lockInTransaction(`landgate_parcel_verdicts/${parcelTable}`);
}

/** Inside the transaction that changed some of the layer's verdicts (and holds lockParcelVerdicts). */
export function bumpVerdictRevision(db: ProjectDb, parcelTable: string): void {
  sqlOf(db)
    .prepare(
      'INSERT INTO landgate_parcel_verdicts (parcel_table, parcel_id, verdict, check_id, checked_at) VALUES (?, ?, ?, 1, ?) ON CONFLICT(parcel_table, parcel_id) DO UPDATE SET check_id = landgate_parcel_verdicts.check_id + 1, checked_at = excluded.checked_at',
    )
    .run(parcelTable, VERDICT_REVISION_PARCEL_ID, VERDICT_REVISION_MARK, nowIso());
}

/** One stored check run. */
export interface CheckRecord {
  id: number;
  checkedAt: string;
  recordedAt: string;
  user: string;
  profile: string;
  profileVersion: string | null;
  parcelTable: string | null;
  parcelsSource: string;
  trigger: 'ui' | 'cli';
  parcelCount: number;
}

/** One row of the per-parcel query record (污染地块信息系统 查询记录). */
export interface CheckParcelRecord {
  checkId: number;
  parcelId: string;
  parcelName: string | null;
  checkedAt: string;
  profile: string;
  verdict: string;
  suspectHits: string[];
  contaminatedHits: string[];
}

export class CheckRepository {
  constructor(
    private readonly db: ProjectDb,
    private readonly audit: AuditRepository,
  ) {}

  private get sql() {
    return sqlOf(this.db);
  }

  /**
   * Records the check in one transaction. Re-run from the start if the server rolls it back for a
   * conflict with another client (two checks upserting the same parcels' latest verdicts in
   * different orders can deadlock): everything it writes is computed inside, from the report.
   */
  record(report: CheckReport, context: { parcelTable: string | null; parcelsSource: string; trigger: 'ui' | 'cli' }): number {
    return this.db.retryingTransaction(() => {
      this.db.ensureWritable();
      const recordedAt = nowIso();
      const user = this.db.actingUser();
      const reportResult = storeCheckResult(this.sql, storedReportJson(report));
      const result = this.sql
        .prepare(
          'INSERT INTO landgate_checks (checked_at, recorded_at, "user", profile, profile_version, parcel_table, parcels_source, trigger_source, parcel_count, report_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        )
        .get(report.checkedAt, recordedAt, user, report.profile, report.profileVersion ?? null, context.parcelTable, context.parcelsSource, context.trigger, report.parcels.length, reportResult);
      const checkId = Number((result as { id: number }).id);
      const insertParcel = this.sql.prepare(
        'INSERT INTO landgate_check_parcels (check_id, parcel_id, parcel_name, checked_at, profile, verdict, suspect_hits, contaminated_hits, findings_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const verdicts: Record<string, number> = { prohibited: 0, conditional: 0, permitted: 0 };
      for (const parcel of report.parcels) {
        const hits = (kind: string) => [...new Set(parcel.findings.filter((f) => f.layerKind === kind && f.featureId !== undefined).map((f) => f.featureId as string))];
        insertParcel.run(
          checkId,
          parcel.id,
          parcel.name ?? null,
          report.checkedAt,
          report.profile,
          parcel.verdict,
          JSON.stringify(hits('suspect-parcel')),
          JSON.stringify(hits('contaminated-parcel')),
          storeCheckResult(this.sql, JSON.stringify(parcel.findings)),
        );
        verdicts[parcel.verdict] = (verdicts[parcel.verdict] ?? 0) + 1;
      }
      if (context.parcelTable !== null) this.recordLatestVerdicts(context.parcelTable, checkId, report.checkedAt, report.parcels);
      this.audit.appendInTransaction({
        action: 'check',
        at: recordedAt,
        user,
        detail: { checkId, profile: report.profile, profileVersion: report.profileVersion ?? null, checkedAt: report.checkedAt, parcelTable: context.parcelTable, parcelsSource: context.parcelsSource, trigger: context.trigger, parcelCount: report.parcels.length, verdicts },
      });
      return checkId;
    });
  }

  /**
   * The latest verdict per parcel (landgate_parcel_verdicts): a derived table, rewritten by every
   * recorded check, so the list can filter and sort by verdict and the map colour by it without
   * reading the check history. Must run inside the transaction that records the check.
   */
  recordLatestVerdicts(parcelTable: string, checkId: number, checkedAt: string, parcels: readonly { id: string; verdict: string }[]): void {
    if (parcels.length === 0) return;
    lockParcelVerdicts(this.db, parcelTable);
    // Compared with what is recorded before it is replaced: a re-check that finds what the last
    // one found leaves the tiles' revision, and every client's cached tiles, as they are.
    let changed = false;
    for (let i = 0; i < parcels.length && !changed; i += VERDICT_READ_BATCH) {
      const batch = parcels.slice(i, i + VERDICT_READ_BATCH);
      const before = this.latestVerdicts(parcelTable, batch.map((p) => p.id));
      changed = batch.some((p) => before.get(p.id) !== p.verdict);
    }
    const upsert = this.sql.prepare(
      'INSERT INTO landgate_parcel_verdicts (parcel_table, parcel_id, verdict, check_id, checked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(parcel_table, parcel_id) DO UPDATE SET verdict = excluded.verdict, check_id = excluded.check_id, checked_at = excluded.checked_at',
    );
    for (const parcel of parcels) upsert.run(parcelTable, parcel.id, parcel.verdict, checkId, checkedAt);
    if (changed) bumpVerdictRevision(this.db, parcelTable);
  }

  /** Latest recorded verdicts of these parcels (absent = never checked). */
  latestVerdicts(parcelTable: string, ids: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (!this.db.hasTable('landgate_parcel_verdicts') || ids.length === 0) return out;
    const select = this.sql.prepare(`SELECT parcel_id, verdict FROM landgate_parcel_verdicts WHERE parcel_table = ? AND parcel_id IN (${ids.map(() => '?').join(',')})`);
    for (const row of select.all(parcelTable, ...ids) as { parcel_id: string; verdict: string }[]) out.set(row.parcel_id, row.verdict);
    return out;
  }

  /** Every per-parcel record with its findings and the check it belongs to, oldest first (the monthly table). */
  history(): { checkId: number; table: string | null; checkedAt: string; trigger: string; profile: string; parcelId: string; verdict: Verdict; findings: Finding[]; suspectHits: string[]; contaminatedHits: string[] }[] {
    if (!this.db.hasTable('landgate_check_parcels')) return [];
    const rows = this.sql
      .prepare(
        `SELECT p.check_id, c.parcel_table, p.checked_at, c.trigger_source, p.profile, p.parcel_id, p.verdict, f.json AS findings_json, p.suspect_hits, p.contaminated_hits
         FROM landgate_check_parcels p JOIN landgate_checks c ON c.id = p.check_id JOIN landgate_check_results f ON f.id = p.findings_result ORDER BY p.id`,
      )
      .all() as Record<string, unknown>[];
    return rows.map((r) => ({
      checkId: Number(r.check_id),
      table: (r.parcel_table as string | null) ?? null,
      checkedAt: String(r.checked_at),
      trigger: String(r.trigger_source),
      profile: String(r.profile),
      parcelId: String(r.parcel_id),
      verdict: r.verdict as Verdict,
      findings: JSON.parse(String(r.findings_json)) as Finding[],
      suspectHits: JSON.parse(String(r.suspect_hits)) as string[],
      contaminatedHits: JSON.parse(String(r.contaminated_hits)) as string[],
    }));
  }

  /** Stored check runs, oldest first. */
  list(): CheckRecord[] {
    if (!this.db.hasTable('landgate_checks')) return [];
    const rows = this.sql.prepare('SELECT id, checked_at, recorded_at, "user", profile, profile_version, parcel_table, parcels_source, trigger_source, parcel_count FROM landgate_checks ORDER BY id').all() as Record<string, unknown>[];
    return rows.map((r) => ({
      id: Number(r.id),
      checkedAt: String(r.checked_at),
      recordedAt: String(r.recorded_at),
      user: String(r.user),
      profile: String(r.profile),
      profileVersion: (r.profile_version as string | null) ?? null,
      parcelTable: (r.parcel_table as string | null) ?? null,
      parcelsSource: String(r.parcels_source),
      trigger: r.trigger_source as 'ui' | 'cli',
      parcelCount: Number(r.parcel_count),
    }));
  }

  /** The full report of a stored check: its stored result with the run's own time. */
  report(checkId: number): CheckReport {
    const row = this.db.hasTable('landgate_checks')
      ? (this.sql.prepare('SELECT c.checked_at, r.json FROM landgate_checks c JOIN landgate_check_results r ON r.id = c.report_result WHERE c.id = ?').get(checkId) as { checked_at: string; json: string } | undefined)
      : undefined;
    if (!row) throw new UserInputError('check.unknown', `项目中没有编号为 ${checkId} 的审查记录。`, `No check record ${checkId}.`);
    const { profile, profileVersion, parcels, ...rest } = JSON.parse(row.json) as Omit<CheckReport, 'checkedAt'>;
    // the key order of a report as the engine makes it
    return { profile, ...(profileVersion !== undefined ? { profileVersion } : {}), checkedAt: row.checked_at, parcels, ...rest };
  }

  /** The per-parcel query records (optionally of one parcel id), oldest first. */
  parcels(filter: { parcelId?: string; checkId?: number } = {}): CheckParcelRecord[] {
    if (!this.db.hasTable('landgate_check_parcels')) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.parcelId !== undefined) {
      where.push('parcel_id = ?');
      params.push(filter.parcelId);
    }
    if (filter.checkId !== undefined) {
      where.push('check_id = ?');
      params.push(filter.checkId);
    }
    const rows = this.sql
      .prepare(`SELECT check_id, parcel_id, parcel_name, checked_at, profile, verdict, suspect_hits, contaminated_hits FROM landgate_check_parcels ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`)
      .all(...params) as Record<string, unknown>[];
    return rows.map((r) => ({
      checkId: Number(r.check_id),
      parcelId: String(r.parcel_id),
      parcelName: (r.parcel_name as string | null) ?? null,
      checkedAt: String(r.checked_at),
      profile: String(r.profile),
      verdict: String(r.verdict),
      suspectHits: JSON.parse(String(r.suspect_hits)) as string[],
      contaminatedHits: JSON.parse(String(r.contaminated_hits)) as string[],
    }));
  }
}
