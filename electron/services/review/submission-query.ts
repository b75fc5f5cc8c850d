/**
 * The submission list, one page at a time, filtered, sorted and counted in the database (the
 * list's search, status buttons and sorts), on a GeoPackage and on PostgreSQL alike: only the
 * page's rows cross the connection and only they are finished in JavaScript.
 *
 * A submission is a registered one (landgate_submissions, its parcels a JSON array) or the
 * implicit one of each parcel no registered submission holds. Its status, worst verdict and
 * latest check time come from its parcels' latest decisions (landgate_decisions, the highest
 * revision through its unique index) and latest verdicts (landgate_parcel_verdicts, which also
 * holds a sweep's, as negated sweep ids), as ReviewStore.listSubmissions derives them.
 *
 * What still grows with the project: the database aggregates every submission's parcels for the
 * counts per status and for a status filter or a sort (like the parcel list's unindexed sorts);
 * nothing of it leaves the database. The title sort is by code point (both engines alike), not
 * by pinyin as the list sorted in the page before.
 */
import type { Verdict } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { SUBMISSION_SORTS, SUBMISSION_STATUSES, type DecisionKind, type PackageProvenance, type Submission, type SubmissionPage, type SubmissionQuery, type SubmissionStatus } from '../../../shared/review/model';
import { quoteId } from '../store/feature-request';
import { layerDialect } from '../store/layer-dialect';
import type { SqlConnection } from '../store/sql';

const MAX_LIMIT = 500;
const VERDICT_RANK = "CASE v.verdict WHEN 'prohibited' THEN 3 WHEN 'conditional' THEN 2 WHEN 'permitted' THEN 1 ELSE 0 END";
const RANKED_VERDICTS: (Verdict | null)[] = [null, 'permitted', 'conditional', 'prohibited'];

interface ParcelLayerRow {
  table_name: string;
  imported_at: string;
  columns: string;
}

interface PageRow {
  skey: string;
  id: number | null;
  title: string;
  parcel_table: string;
  parcel_ids: string | null;
  pid: string | null;
  applicant: string | null;
  received_on: string | null;
  profile: string | null;
  source: string | null;
  worst: number;
  status: SubmissionStatus;
  total: number;
}

function refuse(zh: string, en: string): UserInputError {
  return new UserInputError('review.submission-query', `报件列表查询无效：${zh}`, `Invalid submission query: ${en}`);
}

export type ValidSubmissionQuery = Required<Omit<SubmissionQuery, 'around'>> & { around: SubmissionQuery['around'] | null };

/** The request as the store takes it; anything else is refused in words. */
export function validSubmissionQuery(request: SubmissionQuery): ValidSubmissionQuery {
  const query = typeof request.query === 'string' ? request.query.trim().slice(0, 200) : '';
  const status = request.status ?? 'all';
  if (status !== 'all' && !(SUBMISSION_STATUSES as readonly string[]).includes(status)) throw refuse(`状态“${String(status)}”不存在。`, `unknown status ${String(status)}`);
  const sort = request.sort ?? 'received';
  if (!SUBMISSION_SORTS.includes(sort)) throw refuse(`排序“${String(sort)}”不存在。`, `unknown sort ${String(sort)}`);
  const offset = request.offset ?? 0;
  const limit = request.limit ?? 100;
  if (!Number.isInteger(offset) || offset < 0) throw refuse('起始行应为非负整数。', 'offset must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw refuse(`每页行数应为 1–${MAX_LIMIT}。`, `limit must be 1–${MAX_LIMIT}`);
  const around = request.around === undefined ? null : { table: String(request.around?.table ?? ''), parcelId: String(request.around?.parcelId ?? '') };
  return { query, status, sort, offset, limit, around };
}

/**
 * The statement's common part: `subs` (every submission, one row each), `members` (its parcels)
 * and `listed` (each with its status and worst verdict). `hasTable` says which review tables the
 * project has (a GeoPackage gets them with its first submission or decision).
 */
function listedSql(sql: SqlConnection, hasTable: (name: string) => boolean): { cte: string; params: unknown[] } {
  const params: unknown[] = [];
  const pg = sql.dialect === 'postgres';
  const submissions = hasTable('landgate_submissions');
  const elements = pg ? (expr: string) => `json_array_elements_text(CAST(${expr} AS json)) AS j(value)` : (expr: string) => `json_each(${expr}) AS j`;
  // Parcel ids compared as the verdict and decision tables' keys are (a layer's id column may
  // carry another collation on PostgreSQL, which would keep their indexes out of the lookups).
  const recordId = (expr: string) => layerDialect(sql).asRecordId(expr);
  const registeredMembers = submissions ? `SELECT 's' || CAST(s.id AS TEXT) AS skey, s.parcel_table AS t, ${recordId('CAST(j.value AS TEXT)')} AS pid FROM landgate_submissions s, ${elements('s.parcel_ids')}` : null;
  const layers = hasTable('landgate_layers') ? (sql.prepare("SELECT table_name, imported_at, columns FROM landgate_layers WHERE kind = 'parcel' ORDER BY id").all() as ParcelLayerRow[]) : [];
  const implicit = layers.map((layer) => {
    const columns = JSON.parse(layer.columns) as { key: string; column: string }[];
    const column = (...names: string[]) => columns.find((c) => names.includes(c.key) || names.includes(c.column))?.column;
    const text = (name: string | undefined) => (name ? `CAST(p.${quoteId(name)} AS TEXT)` : 'NULL');
    const idColumn = column('id');
    const pid = recordId(idColumn ? text(idColumn) : 'CAST(p.fid AS TEXT)');
    const name = text(column('name'));
    const applicant = [column('applicant'), column('申请单位'), column('申请人')].filter((c): c is string => !!c).map(text);
    const received = text(column('receivedOn', '收件日期'));
    params.push(layer.table_name, layer.table_name, layer.imported_at.slice(0, 10));
    if (submissions) params.push(layer.table_name);
    return `SELECT ? || ':' || ${pid} AS skey, ? AS parcel_table, ${pid} AS pid,
        CASE WHEN ${name} IS NOT NULL AND ${name} <> '' THEN ${pid} || ' ' || ${name} ELSE ${pid} END AS title,
        ${applicant.length > 1 ? `COALESCE(${applicant.join(', ')})` : (applicant[0] ?? 'NULL')} AS applicant,
        CASE WHEN ${received} LIKE '____-__-__' THEN ${received} ELSE ? END AS received_on
      FROM ${quoteId(layer.table_name)} p
      ${submissions ? `WHERE NOT EXISTS (SELECT 1 FROM reg_members m WHERE m.t = ? AND m.pid = ${pid})` : ''}`;
  });
  const subs = [
    submissions ? "SELECT 's' || CAST(s.id AS TEXT) AS skey, s.id AS id, s.title AS title, s.parcel_table AS parcel_table, s.parcel_ids AS parcel_ids, NULL AS pid, s.applicant AS applicant, s.received_on AS received_on, s.profile AS profile, s.source AS source FROM landgate_submissions s" : null,
    // named here too: without registered submissions this branch alone names the columns
    implicit.length ? 'SELECT skey, CAST(NULL AS INTEGER) AS id, title, parcel_table, CAST(NULL AS TEXT) AS parcel_ids, pid, applicant, received_on, CAST(NULL AS TEXT) AS profile, CAST(NULL AS TEXT) AS source FROM implicit' : null,
  ].filter((s): s is string => !!s);
  const members = [submissions ? 'SELECT skey, t, pid FROM reg_members' : null, implicit.length ? 'SELECT skey, parcel_table AS t, pid FROM implicit' : null].filter((s): s is string => !!s);
  const empty = "SELECT CAST(NULL AS TEXT) AS skey, CAST(NULL AS INTEGER) AS id, CAST(NULL AS TEXT) AS title, CAST(NULL AS TEXT) AS parcel_table, CAST(NULL AS TEXT) AS parcel_ids, CAST(NULL AS TEXT) AS pid, CAST(NULL AS TEXT) AS applicant, CAST(NULL AS TEXT) AS received_on, CAST(NULL AS TEXT) AS profile, CAST(NULL AS TEXT) AS source WHERE 1 = 0";
  const decisions = hasTable('landgate_decisions');
  const verdicts = hasTable('landgate_parcel_verdicts');
  const latestDecision = decisions
    ? `(SELECT d.decision FROM landgate_decisions d WHERE d.parcel_table = m.t AND d.parcel_id = m.pid ORDER BY d.revision DESC LIMIT 1)`
    : 'CAST(NULL AS TEXT)';
  // Materialised: the implicit rows look registered parcels up once, not once per parcel.
  const materialized = 'AS MATERIALIZED';
  const cte = `WITH ${registeredMembers ? `reg_members ${materialized} (${registeredMembers}),` : ''}
    ${implicit.length ? `implicit ${materialized} (${implicit.join(' UNION ALL ')}),` : ''}
    subs AS (${subs.length ? subs.join(' UNION ALL ') : empty}),
    members AS (${members.length ? members.join(' UNION ALL ') : "SELECT CAST(NULL AS TEXT) AS skey, CAST(NULL AS TEXT) AS t, CAST(NULL AS TEXT) AS pid WHERE 1 = 0"}),
    member_facts ${materialized} (
      SELECT m.skey AS skey, m.pid AS pid, ${latestDecision} AS decision, ${verdicts ? `(SELECT ${VERDICT_RANK} FROM landgate_parcel_verdicts v WHERE v.parcel_table = m.t AND v.parcel_id = m.pid)` : '0'} AS rank,
        ${verdicts ? '(SELECT v.checked_at FROM landgate_parcel_verdicts v WHERE v.parcel_table = m.t AND v.parcel_id = m.pid)' : 'CAST(NULL AS TEXT)'} AS checked_at
      FROM members m),
    facts AS (
      SELECT skey, count(*) AS n, sum(CASE WHEN decision IS NOT NULL THEN 1 ELSE 0 END) AS decided,
        sum(CASE WHEN decision = 'rejected' THEN 1 ELSE 0 END) AS rejected, sum(CASE WHEN decision = 'returned' THEN 1 ELSE 0 END) AS returned,
        sum(CASE WHEN decision = 'conditional' THEN 1 ELSE 0 END) AS conditional, max(COALESCE(rank, 0)) AS worst, max(checked_at) AS checked_at
      FROM member_facts GROUP BY skey),
    listed AS (
      SELECT s.*, COALESCE(f.worst, 0) AS worst, f.checked_at AS latest_checked_at,
        CASE WHEN f.rejected > 0 THEN 'rejected' WHEN f.returned > 0 THEN 'returned'
             WHEN f.decided > 0 AND f.decided = f.n THEN (CASE WHEN f.conditional > 0 THEN 'conditional' ELSE 'approved' END)
             WHEN f.decided > 0 OR f.worst > 0 THEN 'in-review' ELSE 'pending' END AS status
      FROM subs s LEFT JOIN facts f ON f.skey = s.skey)`;
  return { cte, params };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page, with the total that matches and the counts per status. */
export function querySubmissionPage(sql: SqlConnection, hasTable: (name: string) => boolean, request: SubmissionQuery, finish: (rows: Submission[]) => Submission[]): SubmissionPage {
  const valid = validSubmissionQuery(request);
  return sql.transaction(() => {
    // The planner's estimates for the JSON arrays and CTEs are far above what runs (≈ 0.1 s for
    // 2 000 submissions), enough to make PostgreSQL JIT-compile the statement first: 2–3 s of
    // compiling, every page. Off for these statements only.
    if (sql.dialect === 'postgres') sql.exec('SET LOCAL jit = off');
    return pageOf(sql, hasTable, valid, finish);
  })();
}

function pageOf(sql: SqlConnection, hasTable: (name: string) => boolean, valid: ValidSubmissionQuery, finish: (rows: Submission[]) => Submission[]): SubmissionPage {
  const { query, status, sort, limit, around } = valid;
  let offset = valid.offset;
  const { cte, params } = listedSql(sql, hasTable);
  const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, 0])) as Record<SubmissionStatus, number>;
  for (const row of sql.prepare(`${cte} SELECT status, count(*) AS n FROM listed GROUP BY status`).all(...params) as { status: SubmissionStatus; n: number }[]) counts[row.status] = Number(row.n);

  const where: string[] = [];
  const whereParams: unknown[] = [];
  if (status !== 'all') {
    where.push('status = ?');
    whereParams.push(status);
  }
  if (query !== '') {
    const like = `%${escapeLike(query.toLowerCase())}%`;
    where.push(`(lower(title) LIKE ? ESCAPE '\\' OR lower(COALESCE(applicant, '')) LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM members m WHERE m.skey = listed.skey AND lower(m.pid) LIKE ? ESCAPE '\\'))`);
    whereParams.push(like, like, like);
  }
  const byTitle = sql.dialect === 'postgres' ? 'title COLLATE "C"' : 'title';
  const statusRank = `CASE status ${SUBMISSION_STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;
  const order = {
    received: `COALESCE(received_on, '') DESC, ${byTitle}`,
    checked: `COALESCE(latest_checked_at, '') DESC, ${byTitle}`,
    title: byTitle,
    status: `${statusRank}, ${byTitle}`,
  }[sort];
  if (around) {
    // the position of the parcel's submission in this order, counted in the database
    const found = sql
      .prepare(`${cte} SELECT n FROM (SELECT skey, row_number() OVER (ORDER BY ${order}, skey) AS n FROM listed ${where.length ? `WHERE ${where.join(' AND ')}` : ''}) ranked WHERE skey IN (SELECT skey FROM members WHERE t = ? AND pid = ?)`)
      .get(...params, ...whereParams, around.table, around.parcelId) as { n: number } | undefined;
    offset = found ? Math.floor((Number(found.n) - 1) / limit) * limit : 0;
  }
  const rows = sql
    .prepare(`${cte} SELECT skey, id, title, parcel_table, parcel_ids, pid, applicant, received_on, profile, source, worst, status, count(*) OVER () AS total FROM listed ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}, skey LIMIT ? OFFSET ?`)
    .all(...params, ...whereParams, limit, offset) as PageRow[];
  let total = rows.length ? Number(rows[0].total) : 0;
  if (rows.length === 0 && offset > 0) {
    total = Number((sql.prepare(`${cte} SELECT count(*) AS n FROM listed ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).get(...params, ...whereParams) as { n: number }).n);
  }
  const submissions: Submission[] = rows.map((r) => ({
    key: r.id !== null && r.id !== undefined ? `s${r.id}` : r.skey,
    id: r.id !== null && r.id !== undefined ? Number(r.id) : null,
    title: r.title,
    parcelTable: r.parcel_table,
    parcelIds: r.parcel_ids ? (JSON.parse(r.parcel_ids) as string[]) : [r.pid as string],
    applicant: r.applicant,
    receivedOn: r.received_on,
    profile: r.profile,
    source: r.source ? (JSON.parse(r.source) as PackageProvenance) : null,
    status: r.status,
    verdict: RANKED_VERDICTS[Number(r.worst)] ?? null,
    // Filled by `finish` for the page's rows only.
    latestCheckId: null,
    latestCheckedAt: null,
    decision: null as DecisionKind | null,
    decidedOn: null,
  }));
  return { rows: finish(submissions), offset, total, counts };
}
