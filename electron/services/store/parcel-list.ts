/**
 * The parcel list's SQL: one page of parcels across every parcel layer, searched, filtered and
 * sorted in the database, with each parcel's latest verdict joined from landgate_parcel_verdicts.
 * The feature requests (feature-request.ts) cannot express that join or a sort over several
 * layers, so this repository writes its own statements (for either engine; the differences come
 * from layer-dialect.ts); it reads layer columns from landgate_layers and never decodes more
 * geometry than the page (the box comes from the spatial index).
 *
 * The request is validated by the caller (electron/services/parcels/parcel-query.ts).
 */
import { createHash } from 'node:crypto';
import type { ParcelPage, ParcelQuery, ParcelSummary } from '../../../shared/api/contract';
import type { Verdict } from '../../../shared/model/check';
import { featureIdOf } from '../../../shared/model/attributes';
import type { BBox } from '../../../shared/model/layers';
import type { ProjectStore } from '../project-store';
import { quoteId } from './feature-request';
import { sqlOf } from './internal';
import { layerDialect } from './layer-dialect';

/** A parcel layer and the columns the list reads (absent keys are NULL in every row). */
export interface ParcelListLayer {
  table: string;
  columns: Partial<Record<ListKey, string>>;
  /** The id column holds text (always, for layers LandGate wrote): a text range on it is exact. */
  textIds: boolean;
  /** Keys whose column holds numbers or booleans, not text (a shapefile's numeric 规划用途 field). */
  nonText?: ListKey[];
}

type ListKey = 'id' | 'name' | 'plannedUse' | 'action' | 'currentUse';
const LIST_KEYS: readonly ListKey[] = ['id', 'name', 'plannedUse', 'action', 'currentUse'];

/** Most severe first when ascending: the reviewer's order of attention; never checked last. */
const verdictRank = (verdict: string) => `CASE ${verdict} WHEN 'prohibited' THEN 0 WHEN 'conditional' THEN 1 WHEN 'permitted' THEN 2 ELSE 3 END`;

/**
 * A case-insensitive prefix as ranges on the (binary) id index: SQLite's LIKE folds ASCII only,
 * so the ASCII case variants of the prefix are exactly what LIKE would match, and each is one
 * index range instead of a scan of the layer. Above this many letters LIKE scans instead.
 */
const MAX_CASE_LETTERS = 6;

interface Arm {
  sql: string;
  params: unknown[];
}

interface PageRow {
  fid: number;
  id: unknown;
  name: unknown;
  plannedUse: unknown;
  action: unknown;
  currentUse: unknown;
  verdict: string | null;
}

export class ParcelListRepository {
  private readonly totals = new Map<string, number>();
  private readonly nameIndexes = new Map<string, { stamp: string; fids: number[]; names: string[]; last?: { needle: string; fids: number[] } }>();

  constructor(private readonly store: ProjectStore) {}

  private get db() {
    return sqlOf(this.store.db);
  }

  private get dialect() {
    return layerDialect(this.db);
  }

  private hasTable(name: string): boolean {
    return this.store.db.hasTable(name);
  }

  /** Every parcel layer in import order (the order ties between layers are broken in). */
  parcelLayers(): ParcelListLayer[] {
    if (!this.hasTable('landgate_layers')) return [];
    const rows = this.db.prepare("SELECT table_name, columns FROM landgate_layers WHERE kind = 'parcel' ORDER BY id").all() as { table_name: string; columns: string }[];
    return rows.map((row) => {
      const stored = JSON.parse(row.columns) as { key: string; column: string; type?: string }[];
      const columns: ParcelListLayer['columns'] = {};
      for (const key of LIST_KEYS) {
        const column = stored.find((c) => c.key === key)?.column;
        if (column) columns[key] = column;
      }
      const idType = stored.find((c) => c.key === 'id')?.type;
      const nonText = LIST_KEYS.filter((key) => ['integer', 'real', 'boolean'].includes(stored.find((c) => c.key === key)?.type ?? 'text'));
      return { table: row.table_name, columns, textIds: idType === undefined || idType === 'text', ...(nonText.length ? { nonText } : {}) };
    });
  }

  /** One page and the total, over `layers` (already narrowed to the query's table). */
  query(layers: readonly ParcelListLayer[], query: ParcelQuery): ParcelPage {
    if (layers.length === 0) return { total: 0, rows: [] };
    const verdicts = this.hasTable('landgate_parcel_verdicts');
    if (!verdicts && query.verdict && query.verdict !== 'unchecked') return { total: 0, rows: [] };

    const arms = layers.map((layer, index) => this.arm(layer, index, query, verdicts));
    const params = arms.flatMap((a) => a.params);
    const sortKey = query.sort?.key ?? 'id';
    const direction = `${query.sort?.descending ? ' DESC' : ''}${this.dialect.nullsOrder(!!query.sort?.descending)}`;
    // Empty names and uses go last either way: they carry no information to sort by.
    const order = sortKey === 'name' || sortKey === 'plannedUse' ? `sort_empty, sort_key${direction}, layer, fid` : `sort_key${direction}, layer, fid`;
    const union = arms.map((a) => a.sql).join(' UNION ALL ');
    // Keys first, rows after: ordered by id, the keys come from the id index alone, so a page
    // deep in the list skips index entries rather than whole rows with their geometry.
    const keys = this.db.prepare(`${union} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...params, query.limit, query.offset) as { layer: number; fid: number }[];
    // The count has no sort columns: one cached total serves every sort of the same filter.
    const counted = layers.map((layer, index) => this.arm(layer, index, { ...query, sort: undefined }, verdicts, undefined, true));
    const total = this.total(counted.map((a) => a.sql).join(' UNION ALL '), counted.flatMap((a) => a.params));
    return { total, rows: this.rows(layers, keys, verdicts) };
  }

  /** Parcels of one layer whose id is exactly `id` (at most `limit`). */
  byId(layer: ParcelListLayer, id: string, limit: number): ParcelSummary[] {
    const verdicts = this.hasTable('landgate_parcel_verdicts');
    const idKey = layer.columns.id ? `t.${quoteId(layer.columns.id)}` : 'CAST(t.fid AS TEXT)';
    const arm = this.arm(layer, 0, { offset: 0, limit }, verdicts, { sql: `${idKey} = ?`, params: [id] });
    const keys = this.db.prepare(`${arm.sql} ORDER BY fid LIMIT ?`).all(...arm.params, limit) as { layer: number; fid: number }[];
    return this.rows([layer], keys, verdicts);
  }

  /**
   * The count of a query. Without an index on the filtered attribute it reads the whole layer, so
   * it is kept until the project changes (any commit, ours or another client's): scrolling
   * through the pages of one query counts once.
   */
  private total(union: string, params: readonly unknown[]): number {
    // Hashed: the parameters may carry the fids of thousands of name matches.
    const key = createHash('sha1').update(`${this.dialect.changeStamp(this.db, true)}\u0000${union}\u0000${JSON.stringify(params)}`).digest('hex');
    const cached = this.totals.get(key);
    if (cached !== undefined) return cached;
    const total = Number((this.db.prepare(`SELECT count(*) AS n FROM (${union}) AS q`).get(...params) as { n: number | bigint }).n);
    if (this.totals.size >= 64) this.totals.delete(this.totals.keys().next().value!);
    this.totals.set(key, total);
    return total;
  }

  /** The page's rows in key order, with verdict and box, reading only these parcels. */
  private rows(layers: readonly ParcelListLayer[], keys: readonly { layer: number; fid: number }[], verdicts: boolean): ParcelSummary[] {
    const byKey = new Map<string, ParcelSummary>();
    for (const [index, layer] of layers.entries()) {
      const fids = keys.filter((k) => k.layer === index).map((k) => Number(k.fid));
      if (fids.length === 0) continue;
      const col = (key: ListKey) => (layer.columns[key] ? `t.${quoteId(layer.columns[key]!)}` : 'NULL');
      const idKey = layer.columns.id ? col('id') : 'CAST(t.fid AS TEXT)';
      const verdict = verdicts ? `(SELECT v.verdict FROM landgate_parcel_verdicts v WHERE v.parcel_table = ? AND v.parcel_id = ${this.dialect.asRecordId(idKey)})` : 'NULL';
      // Quoted aliases: PostgreSQL folds bare ones to lower case.
      const sql = `SELECT t.fid AS fid, ${col('id')} AS id, ${col('name')} AS name, ${col('plannedUse')} AS "plannedUse", ${col('action')} AS action, ${col('currentUse')} AS "currentUse", ${verdict} AS verdict FROM ${quoteId(layer.table)} t WHERE t.fid IN (${fids.map(() => '?').join(',')})`;
      const rows = this.db.prepare(sql).all(...(verdicts ? [layer.table] : []), ...fids) as PageRow[];
      const boxes = this.boxes(layer.table, fids);
      for (const r of rows) byKey.set(`${index}/${Number(r.fid)}`, summaryOf(layer.table, r, boxes.get(Number(r.fid))));
    }
    return keys.map((k) => byKey.get(`${k.layer}/${Number(k.fid)}`)).filter((s): s is ParcelSummary => s !== undefined);
  }

  /**
   * One layer's SELECT: the page columns, the sort key, and every condition of the query. The
   * count reuses it, so the total and the pages cannot disagree.
   */
  private arm(layer: ParcelListLayer, index: number, query: ParcelQuery, verdicts: boolean, extra?: Arm, countOnly = false): Arm {
    const col = (key: ListKey) => (layer.columns[key] ? `t.${quoteId(layer.columns[key]!)}` : 'NULL');
    const text = (key: ListKey) => holdsText(layer, key);
    const dialect = this.dialect;
    const idKey = layer.columns.id ? col('id') : 'CAST(t.fid AS TEXT)';
    const where: string[] = extra ? [extra.sql] : [];
    const params: unknown[] = extra ? [...extra.params] : [];
    const selectParams: unknown[] = [];

    const verdictExpr = verdicts ? `(SELECT v.verdict FROM landgate_parcel_verdicts v WHERE v.parcel_table = ? AND v.parcel_id = ${this.dialect.asRecordId(idKey)})` : 'NULL';

    const search = query.search?.trim();
    if (search) {
      const alternatives: string[] = [];
      const ranges = layer.columns.id && layer.textIds ? caseVariantRanges(search) : null;
      if (ranges) {
        for (const [low, high] of ranges) {
          alternatives.push(`(${idKey} >= ? AND ${idKey} < ?)`);
          params.push(low, high);
        }
      } else {
        alternatives.push(dialect.likeCi(idKey, text('id')));
        params.push(`${escapeLike(search)}%`);
      }
      if (layer.columns.name) {
        const fids = this.namesContaining(layer, search);
        if (fids.length) {
          alternatives.push(dialect.fidInJsonArray('t.fid'));
          params.push(JSON.stringify(fids));
        }
      }
      where.push(`(${alternatives.join(' OR ')})`);
    }
    if (query.plannedUse !== undefined && query.plannedUse !== '') {
      if (!layer.columns.plannedUse) where.push(NOTHING);
      else {
        where.push(dialect.likeCi(col('plannedUse'), text('plannedUse')));
        params.push(`${escapeLike(query.plannedUse)}%`);
      }
    }
    if (query.action !== undefined && query.action !== '') {
      if (!layer.columns.action) where.push(NOTHING);
      else {
        where.push(`${text('action') ? col('action') : `CAST(${col('action')} AS TEXT)`} = ?`);
        params.push(query.action);
      }
    }
    if (query.verdict) {
      if (query.verdict === 'unchecked') {
        if (verdicts) {
          where.push(`NOT EXISTS (SELECT 1 FROM landgate_parcel_verdicts v WHERE v.parcel_table = ? AND v.parcel_id = ${this.dialect.asRecordId(idKey)})`);
          params.push(layer.table);
        }
      } else {
        // From the verdict index to the id index: a few hundred prohibited parcels are found
        // without reading the other ninety thousand.
        where.push(`${this.dialect.asRecordId(idKey)} IN (SELECT v.parcel_id FROM landgate_parcel_verdicts v WHERE v.parcel_table = ? AND v.verdict = ?)`);
        params.push(layer.table, query.verdict);
      }
    }

    const sortKey = query.sort?.key ?? 'id';
    // Empty text and NULL are one "no value" (sorted last through sort_empty), not two. A number
    // column sorts as text, as the text columns of the other layers it is listed with.
    const listed = (key: ListKey) => (text(key) ? `NULLIF(${col(key)}, '')` : `CAST(${col(key)} AS TEXT)`);
    const sortExpr = sortKey === 'id' ? idKey : sortKey === 'verdict' ? verdictRank(verdictExpr) : listed(sortKey);
    if (sortKey === 'verdict' && verdicts && !countOnly) selectParams.push(layer.table);
    const sortEmpty = sortKey === 'name' || sortKey === 'plannedUse' ? `, CASE WHEN ${listed(sortKey)} IS NULL THEN 1 ELSE 0 END AS sort_empty` : '';

    const select = countOnly ? '1' : [`${index} AS layer`, 't.fid AS fid', `${sortExpr} AS sort_key${sortEmpty}`].join(', ');
    return { sql: `SELECT ${select} FROM ${quoteId(layer.table)} t WHERE ${where.length ? where.join(' AND ') : '1 = 1'}`, params: [...selectParams, ...params] };
  }

  /**
   * Fids of the parcels whose name contains `search` (ASCII case folded, as LIKE does). A name
   * substring cannot use an index, and scanning the layer reads every row with its geometry, so
   * the names are read once into memory (a few MB for a county) and matched there; the copy is
   * renewed when another connection commits (an import) or the layer grows (a parcel drawn here).
   */
  private namesContaining(layer: ParcelListLayer, search: string): number[] {
    const stamp = `${this.dialect.changeStamp(this.db, false)}/${(this.db.prepare(`SELECT max(fid) AS m FROM ${quoteId(layer.table)}`).get() as { m: number | null }).m}`;
    let index = this.nameIndexes.get(layer.table);
    if (!index || index.stamp !== stamp) {
      const column = quoteId(layer.columns.name!);
      const rows = this.db.prepare(`SELECT fid, ${column} AS name FROM ${quoteId(layer.table)} WHERE ${column} IS NOT NULL${holdsText(layer, 'name') ? ` AND ${column} != ''` : ''}`).raw().all() as [number, unknown][];
      index = { stamp, fids: rows.map((r) => Number(r[0])), names: rows.map((r) => foldAscii(String(r[1]))) };
      this.nameIndexes.set(layer.table, index);
    }
    const needle = foldAscii(search);
    // The page and its count ask for the same search one after the other.
    if (index.last?.needle === needle) return index.last.fids;
    const out: number[] = [];
    for (let i = 0; i < index.names.length; i++) if (index.names[i].includes(needle)) out.push(index.fids[i]);
    index.last = { needle, fids: out };
    return out;
  }

  /** Boxes of a page's parcels from the spatial index (enough to zoom to), reading only these rows. */
  private boxes(table: string, fids: readonly number[]): Map<number, BBox> {
    return this.dialect.boxes(this.db, table, fids, (name) => this.hasTable(name));
  }
}

/**
 * [low, high) ranges covering every string that starts with one ASCII case variant of `prefix`;
 * null when there are too many variants or the prefix ends in a code point with no successor.
 */
export function caseVariantRanges(prefix: string): [string, string][] | null {
  const chars = [...prefix];
  const letters = chars.filter((c) => /[a-z]/i.test(c)).length;
  if (letters > MAX_CASE_LETTERS) return null;
  const last = chars[chars.length - 1].codePointAt(0)!;
  // The upper bound is the prefix with its last code point incremented: no valid successor for
  // the last code point, or one that is a surrogate, and the range cannot be written.
  if (/[a-z]/i.test(chars[chars.length - 1]) === false && (last >= 0x10ffff || last === 0xd7ff)) return null;
  let variants = [''];
  for (const c of chars) {
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    const options = /[a-z]/i.test(c) && lower !== upper ? [upper, lower] : [c];
    variants = variants.flatMap((v) => options.map((o) => v + o));
  }
  return variants.map((v) => {
    const cs = [...v];
    const end = cs.pop()!;
    return [v, cs.join('') + String.fromCodePoint(end.codePointAt(0)! + 1)];
  });
}

function summaryOf(table: string, r: PageRow, box: BBox | undefined): ParcelSummary {
  const fid = Number(r.fid);
  // A parcel without geometry has no box; the map then has nothing to zoom to (as before).
  const summary: ParcelSummary = { table, id: featureIdOf({ id: r.id }, fid), fid, bbox: box ?? [Infinity, Infinity, -Infinity, -Infinity] };
  const text = (value: unknown) => (value === null || value === undefined || String(value).trim() === '' ? undefined : String(value));
  const name = text(r.name);
  const currentUse = text(r.currentUse);
  const plannedUse = text(r.plannedUse);
  const action = text(r.action);
  if (name !== undefined) summary.name = name;
  if (currentUse !== undefined) summary.currentUse = currentUse;
  if (plannedUse !== undefined) summary.plannedUse = plannedUse;
  if (action !== undefined) summary.action = action;
  if (r.verdict) summary.verdict = r.verdict as Verdict;
  return summary;
}

/** A condition no row meets (SQLite reads `0`; PostgreSQL wants a boolean). */
const NOTHING = '1 = 0';

function holdsText(layer: ParcelListLayer, key: ListKey): boolean {
  return !layer.nonText?.includes(key);
}

function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
