/**
 * Stored sweep (全部审查) results: one row per sweep and one per parcel it checked, written in
 * batches while the sweep runs, so neither the sweep nor the UI ever holds a county's results.
 *
 * Why batches committed as they come, and a `complete` flag, rather than one long transaction:
 * a sweep of a county runs for minutes; one write transaction held that long would make every
 * other writer (a reviewer's check, a decision) fail with project.busy. Each batch is its own
 * short transaction instead, the sweep stays `complete = 0` (never listed, never read) until the
 * final transaction marks it complete, updates the latest verdicts and appends the audit entry;
 * a cancelled or failed sweep's rows are deleted. A sweep left incomplete by a crash stays
 * invisible and is cleared by a later sweep.
 *
 * Tables (created on first write, registered in gpkg_contents as attributes so GDAL lists them):
 * see LANDGATE_SQL in store/schema.ts.
 */
import type { Finding, ParcelResult, Verdict } from '../../../shared/model/check';
import type { SweepResultQuery, SweepResultRow, SweepResultPage, SweepSummary } from '../../../shared/api/contract';
import { UserInputError } from '../../../shared/model/errors';
import type { ProjectStore } from '../project-store';
import { bumpVerdictRevision, lockParcelVerdicts } from './checks';
import { sqlOf } from './internal';
import { nowIso } from './schema';

const STALE_INCOMPLETE_MS = 24 * 3600 * 1000;
const SWEEP_CLAIM = 'sweep';

const VERDICTS: readonly Verdict[] = ['prohibited', 'conditional', 'permitted'];

export interface SweepStart {
  profile: string;
  profileVersion: string | null;
  checkedAt: string;
  trigger: 'ui' | 'cli';
}

export interface StoredSweepParcel extends SweepResultRow {
  seq: number;
  /** The parcel's result as the engine returned it (findings, area, elevation evidence). */
  result: ParcelResult;
}

export interface SweepFilter {
  verdict?: Verdict;
  ruleId?: string;
  search?: string;
}


const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Rules with findings for a parcel, in the order of their first finding. */
export function ruleIdsOf(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))];
}

/**
 * The sweep results of one project. Writes go through the store's transactions on the store's
 * connection (reserved to repositories, store/internal.ts).
 */
export class SweepResults {
  constructor(private readonly store: ProjectStore) {}

  private get db() {
    return sqlOf(this.store.db);
  }

  /** The rule ids of a row as a table `j(value)`: SQLite's json_each, PostgreSQL's jsonb elements. */
  private get ruleIdElements(): string {
    return this.store.db.dialect === 'postgres' ? 'jsonb_array_elements_text(p.rule_ids::jsonb) AS j(value)' : 'json_each(p.rule_ids) j';
  }

  /** The tables are part of the schema (store/schema.ts, migrations); a sweep only needs a writable project. */
  private ensureSchema(): void {
    this.store.ensureWritable();
  }

  /** Opens a new, incomplete sweep and returns its id. Clears sweeps a crash left incomplete. */
  begin(start: SweepStart): number {
    // One sweep at a time across the clients of a shared project: a second would write the
    // same latest verdicts from the same data.
    if (!this.store.db.claim(SWEEP_CLAIM)) {
      const running = this.db.prepare('SELECT "user", started_at FROM landgate_sweeps WHERE complete = 0 ORDER BY id DESC LIMIT 1').get() as { user: string; started_at: string } | undefined;
      throw new UserInputError(
        'sweep.running-elsewhere',
        `全部审查正在由${running ? ` ${running.user}（${running.started_at.slice(0, 16).replace('T', ' ')} UTC 开始）` : '另一位用户'}进行，完成后再查看其结果即可，不必重复运行。`,
        `A sweep is already running${running ? ` (${running.user}, started ${running.started_at})` : ''} on this shared project.`,
      );
    }
    return this.store.transaction(() => {
      this.ensureSchema();
      const stale = new Date(Date.now() - STALE_INCOMPLETE_MS).toISOString();
      for (const { id } of this.db.prepare('SELECT id FROM landgate_sweeps WHERE complete = 0 AND started_at < ?').all(stale) as { id: number }[]) this.deleteRows(id);
      const result = this.db
        .prepare('INSERT INTO landgate_sweeps (profile, profile_version, checked_at, started_at, "user", trigger_source) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
        .get(start.profile, start.profileVersion, start.checkedAt, nowIso(), this.store.db.actingUser(), start.trigger) as { id: number };
      return Number(result.id);
    });
  }

  /**
   * One batch of results (any order across batches: `seq` is the parcel's place in the sweep):
   * consecutive places from `seqs`, or each result's own place.
   */
  append(sweepId: number, parcelTable: string, seqs: number | readonly number[], results: readonly ParcelResult[]): void {
    const seqOf = typeof seqs === 'number' ? (i: number) => seqs + i : (i: number) => seqs[i];
    // Several rows per statement: a shared project's database is a round trip away.
    const rowsPerStatement = 200;
    this.store.transaction(() => {
      for (let start = 0; start < results.length; start += rowsPerStatement) {
        const part = results.slice(start, start + rowsPerStatement);
        const insert = this.db.prepare(
          `INSERT INTO landgate_sweep_parcels (sweep_id, seq, parcel_table, parcel_id, parcel_name, verdict, rule_ids, finding_count, area_m2, result_json) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        );
        insert.run(
          part.flatMap((r, i) => [sweepId, seqOf(start + i), parcelTable, r.id, r.name ?? null, r.verdict, JSON.stringify(ruleIdsOf(r.findings)), r.findings.length, Number.isFinite(r.areaM2) ? r.areaM2 : null, JSON.stringify(r)]),
        );
      }
    });
  }

  /**
   * Marks the sweep complete: counts, the latest verdict of every parcel it checked (unless a
   * later check of that parcel already recorded a newer one), and one audit entry; one
   * transaction. `checkId` of landgate_parcel_verdicts holds the negated sweep id for rows a
   * sweep wrote (check ids are positive), so the verdict can be traced to its sweep.
   */
  complete(sweepId: number, audit: { parcelsSource: string; trigger: 'ui' | 'cli'; seconds?: number }): SweepSummary {
    const summary = this.completeInTransaction(sweepId, audit);
    this.store.db.release(SWEEP_CLAIM);
    return summary;
  }

  private completeInTransaction(sweepId: number, audit: { parcelsSource: string; trigger: 'ui' | 'cli'; seconds?: number }): SweepSummary {
    return this.store.transaction(() => {
      const sweep = this.sweepRow(sweepId);
      if (!sweep) throw new Error(`sweep ${sweepId} vanished`);
      const counts: Record<Verdict, number> = { prohibited: 0, conditional: 0, permitted: 0 };
      for (const r of this.db.prepare('SELECT verdict, count(*) AS n FROM landgate_sweep_parcels WHERE sweep_id = ? GROUP BY verdict').all(sweepId) as { verdict: Verdict; n: number }[]) counts[r.verdict] = Number(r.n);
      const ruleCounts: Record<string, number> = {};
      for (const r of this.db
        .prepare(`SELECT j.value AS rule, count(*) AS n FROM landgate_sweep_parcels p, ${this.ruleIdElements} WHERE p.sweep_id = ? GROUP BY j.value ORDER BY j.value`)
        .all(sweepId) as { rule: string; n: number }[])
        ruleCounts[r.rule] = Number(r.n);
      const parcelCount = counts.prohibited + counts.conditional + counts.permitted;
      this.db
        .prepare('UPDATE landgate_sweeps SET complete = 1, finished_at = ?, parcel_count = ?, prohibited = ?, conditional = ?, permitted = ?, rule_counts = ? WHERE id = ?')
        .run(nowIso(), parcelCount, counts.prohibited, counts.conditional, counts.permitted, JSON.stringify(ruleCounts), sweepId);
      const sweptTables = (this.db.prepare('SELECT DISTINCT parcel_table AS t FROM landgate_sweep_parcels WHERE sweep_id = ? ORDER BY parcel_table').all(sweepId) as { t: string }[]).map((r) => r.t);
      // In table order, as every verdict writer takes them: the tiles' revision of each swept
      // layer moves with its verdicts (a sweep changes some verdicts of nearly every layer it
      // covers; comparing them one by one would cost more than re-cutting).
      for (const table of sweptTables) lockParcelVerdicts(this.store.db, table);
      this.db
        .prepare(
          `INSERT INTO landgate_parcel_verdicts (parcel_table, parcel_id, verdict, check_id, checked_at)
           SELECT parcel_table, parcel_id, verdict, -sweep_id, ? FROM landgate_sweep_parcels WHERE sweep_id = ? ORDER BY seq
           ON CONFLICT(parcel_table, parcel_id) DO UPDATE SET verdict = excluded.verdict, check_id = excluded.check_id, checked_at = excluded.checked_at
           WHERE excluded.checked_at >= landgate_parcel_verdicts.checked_at`,
        )
        .run(sweep.checked_at, sweepId);
      for (const table of sweptTables) bumpVerdictRevision(this.store.db, table);
      const tables = (this.db.prepare('SELECT parcel_table AS t, count(*) AS n FROM landgate_sweep_parcels WHERE sweep_id = ? GROUP BY parcel_table ORDER BY parcel_table').all(sweepId) as { t: string; n: number }[]).map((r) => ({
        table: r.t,
        parcels: Number(r.n),
      }));
      this.store.appendAudit({
        action: 'check',
        detail: {
          sweepId,
          profile: sweep.profile,
          profileVersion: sweep.profile_version,
          checkedAt: sweep.checked_at,
          parcelTables: tables,
          parcelsSource: audit.parcelsSource,
          trigger: audit.trigger,
          parcelCount,
          verdicts: counts,
          ...(audit.seconds !== undefined ? { seconds: audit.seconds } : {}),
        },
      });
      return this.summaryOf({ ...sweep, complete: 1, parcel_count: parcelCount, ...counts });
    });
  }

  /** Deletes what a cancelled or failed sweep wrote. */
  discard(sweepId: number): void {
    if (!this.store.db.hasTable('landgate_sweeps')) return;
    this.store.transaction(() => this.deleteRows(sweepId));
    this.store.db.release(SWEEP_CLAIM);
  }

  private deleteRows(sweepId: number) {
    this.db.prepare('DELETE FROM landgate_sweep_parcels WHERE sweep_id = ?').run(sweepId);
    this.db.prepare('DELETE FROM landgate_sweeps WHERE id = ? AND complete = 0').run(sweepId);
  }

  private sweepRow(sweepId: number) {
    return this.db.prepare('SELECT * FROM landgate_sweeps WHERE id = ?').get(sweepId) as SweepRow | undefined;
  }

  private summaryOf(r: SweepRow): SweepSummary {
    return {
      sweepId: Number(r.id),
      profile: r.profile,
      profileVersion: r.profile_version ?? null,
      checkedAt: r.checked_at,
      parcelCount: Number(r.parcel_count),
      verdicts: { prohibited: Number(r.prohibited), conditional: Number(r.conditional), permitted: Number(r.permitted) },
      complete: Number(r.complete) === 1,
    };
  }

  /** Complete sweeps, newest first. */
  list(): SweepSummary[] {
    if (!this.store.db.hasTable('landgate_sweeps')) return [];
    return (this.db.prepare('SELECT * FROM landgate_sweeps WHERE complete = 1 ORDER BY id DESC').all() as SweepRow[]).map((r) => this.summaryOf(r));
  }

  /** A complete sweep; the user is told in words when there is none by that id. */
  get(sweepId: number): SweepSummary {
    const row = this.store.db.hasTable('landgate_sweeps') && Number.isInteger(sweepId) ? this.sweepRow(sweepId) : undefined;
    if (!row || Number(row.complete) !== 1) {
      const known = this.list().map((s) => s.sweepId);
      throw new UserInputError(
        'sweep.unknown',
        `项目中没有编号为“${sweepId}”的已完成全部审查。${known.length ? `现有：${known.slice(0, 20).join('、')}` : '项目中尚无全部审查记录。'}`,
        `No completed sweep ${sweepId}.`,
      );
    }
    return this.summaryOf(row);
  }

  /** The newest complete sweep, or null. */
  latest(): SweepSummary | null {
    return this.list()[0] ?? null;
  }

  private where(sweepId: number, filter: SweepFilter): { sql: string; params: unknown[] } {
    const where = ['p.sweep_id = ?'];
    const params: unknown[] = [sweepId];
    if (filter.verdict) {
      if (!VERDICTS.includes(filter.verdict)) {
        throw new UserInputError('sweep.verdict', `审查结论“${String(filter.verdict)}”无效，可用：prohibited（不予准入）、conditional（有条件准入）、permitted（准予准入）。`, `Invalid verdict "${String(filter.verdict)}".`);
      }
      where.push('p.verdict = ?');
      params.push(filter.verdict);
    }
    if (filter.ruleId) {
      where.push(`EXISTS (SELECT 1 FROM ${this.ruleIdElements} WHERE j.value = ?)`);
      params.push(filter.ruleId);
    }
    const search = filter.search?.trim();
    if (search) {
      // A search box ignores case on both backends (SQLite's LIKE does, PostgreSQL's does not).
      const like = this.store.db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
      where.push(`(p.parcel_id ${like} ? ESCAPE '\\' OR p.parcel_name ${like} ? ESCAPE '\\')`);
      params.push(`${escapeLike(search)}%`, `%${escapeLike(search)}%`);
    }
    return { sql: where.join(' AND '), params };
  }

  /** One page of a complete sweep's results, in sweep order. */
  query(request: SweepResultQuery): SweepResultPage {
    const sweep = this.get(request.sweepId);
    const offset = Math.max(0, Math.floor(Number(request.offset) || 0));
    const limit = Math.floor(Number(request.limit) || 0);
    if (limit < 1 || limit > 500) {
      throw new UserInputError('sweep.limit', `每页条数“${String(request.limit)}”无效，应为 1–500。`, `Invalid limit "${String(request.limit)}" (1–500).`);
    }
    const { sql, params } = this.where(sweep.sweepId, request);
    const total = Number((this.db.prepare(`SELECT count(*) AS n FROM landgate_sweep_parcels p WHERE ${sql}`).get(...params) as { n: number }).n);
    const rows = (
      this.db
        .prepare(`SELECT parcel_table, parcel_id, parcel_name, verdict, rule_ids, finding_count FROM landgate_sweep_parcels p WHERE ${sql} ORDER BY p.seq LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as ParcelRow[]
    ).map(rowOf);
    const stored = this.db.prepare('SELECT rule_counts FROM landgate_sweeps WHERE id = ?').get(sweep.sweepId) as { rule_counts: string };
    const rules = Object.entries(JSON.parse(stored.rule_counts) as Record<string, number>)
      .map(([ruleId, parcels]) => ({ ruleId, parcels }))
      .sort((a, b) => b.parcels - a.parcels || a.ruleId.localeCompare(b.ruleId));
    return { total, rows, rules };
  }

  /** How many parcels of a sweep match a filter. */
  count(sweepId: number, filter: SweepFilter = {}): number {
    const { sql, params } = this.where(sweepId, filter);
    return Number((this.db.prepare(`SELECT count(*) AS n FROM landgate_sweep_parcels p WHERE ${sql}`).get(...params) as { n: number }).n);
  }

  /**
   * Every matching parcel of a sweep (complete or, for its own writer, still incomplete), in
   * sweep order, read in pages by `seq` so the caller may write (or the store be used) between
   * pages and memory stays at one page.
   */
  *iterate(sweepId: number, filter: SweepFilter = {}, pageSize = 500): Generator<StoredSweepParcel> {
    const { sql, params } = this.where(sweepId, filter);
    const page = this.db.prepare(
      `SELECT seq, parcel_table, parcel_id, parcel_name, verdict, rule_ids, finding_count, result_json FROM landgate_sweep_parcels p WHERE ${sql} AND p.seq > ? ORDER BY p.seq LIMIT ?`,
    );
    let after = -1;
    for (;;) {
      const rows = page.all(...params, after, pageSize) as (ParcelRow & { seq: number; result_json: string })[];
      for (const r of rows) yield { ...rowOf(r), seq: Number(r.seq), result: JSON.parse(r.result_json) as ParcelResult };
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1].seq);
    }
  }

  /**
   * A parcel's result in the newest complete sweep that checked it, or in sweep `sweepId`; null
   * when none did. Without a table, the parcel id alone (as check records know parcels).
   */
  latestFor(parcelTable: string | undefined, parcelId: string, sweepId?: number): { sweep: SweepSummary; result: ParcelResult } | null {
    if (!this.store.db.hasTable('landgate_sweep_parcels')) return null;
    const where = ['p.parcel_id = ?', 's.complete = 1'];
    const params: unknown[] = [parcelId];
    if (parcelTable !== undefined) {
      where.push('p.parcel_table = ?');
      params.push(parcelTable);
    }
    if (sweepId !== undefined) {
      where.push('p.sweep_id = ?');
      params.push(sweepId);
    }
    const row = this.db
      .prepare(`SELECT p.sweep_id AS sweep_id, p.result_json AS result_json FROM landgate_sweep_parcels p JOIN landgate_sweeps s ON s.id = p.sweep_id WHERE ${where.join(' AND ')} ORDER BY p.sweep_id DESC LIMIT 1`)
      .get(...params) as { sweep_id: number; result_json: string } | undefined;
    if (!row) return null;
    return { sweep: this.get(Number(row.sweep_id)), result: JSON.parse(row.result_json) as ParcelResult };
  }

  /** Complete sweeps that checked a parcel (any layer when no table is given), oldest first. */
  sweepsOf(parcelTable: string | undefined, parcelId: string): number[] {
    if (!this.store.db.hasTable('landgate_sweep_parcels')) return [];
    const rows = this.db
      .prepare(
        `SELECT DISTINCT p.sweep_id AS id FROM landgate_sweep_parcels p JOIN landgate_sweeps s ON s.id = p.sweep_id
         WHERE p.parcel_id = ? ${parcelTable !== undefined ? 'AND p.parcel_table = ?' : ''} AND s.complete = 1 ORDER BY p.sweep_id`,
      )
      .all(...(parcelTable !== undefined ? [parcelId, parcelTable] : [parcelId])) as { id: number }[];
    return rows.map((r) => Number(r.id));
  }
}

interface SweepRow {
  id: number;
  profile: string;
  profile_version: string | null;
  checked_at: string;
  parcel_count: number;
  prohibited: number;
  conditional: number;
  permitted: number;
  complete: number;
}

interface ParcelRow {
  parcel_table: string;
  parcel_id: string;
  parcel_name: string | null;
  verdict: Verdict;
  rule_ids: string;
  finding_count: number;
}

function rowOf(r: ParcelRow): SweepResultRow {
  return {
    table: r.parcel_table,
    parcelId: r.parcel_id,
    ...(r.parcel_name ? { name: r.parcel_name } : {}),
    verdict: r.verdict,
    ruleIds: JSON.parse(r.rule_ids) as string[],
    findingCount: Number(r.finding_count),
  };
}
