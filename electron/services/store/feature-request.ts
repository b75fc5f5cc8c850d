/**
 * Feature requests, the way QGIS's `QgsFeatureRequest` asks a provider for features: by feature
 * ids, by feature id attribute, by bounding box through the spatial index (the GeoPackage's
 * R*Tree, PostGIS's GiST), filtered and ordered on attributes, with an attribute subset, without
 * geometry, page by page. Every interactive path reads through a request, so what it costs grows
 * with what is asked for, not with the layer.
 *
 * This module turns a request into one SQL statement over a layer table, in either engine's SQL
 * (the few differences come from store/layer-dialect.ts); decoding rows into features is the
 * layer repository's job (it knows the column types).
 */
import type { BBox } from '../../../shared/model/layers';
import type { LayerDialect } from './layer-dialect';

/** A condition on one attribute (its canonical key, or `id` for the feature id). */
export type AttributeFilter =
  | { key: string; op: 'eq'; value: string | number | boolean }
  | { key: string; op: 'in'; values: readonly (string | number)[] }
  /** Case-insensitive text prefix (an id typed into a search box). */
  | { key: string; op: 'prefix'; value: string }
  /** Case-insensitive substring. */
  | { key: string; op: 'contains'; value: string }
  | { key: string; op: 'isNull' }
  | { key: string; op: 'notNull' }
  /** Any of the conditions holds (a search box over several fields). */
  | { key?: undefined; op: 'any'; filters: readonly AttributeFilter[] };

/** Every attribute key a set of filters reads, nested `any` groups included. */
export function filterKeys(filters: readonly AttributeFilter[] = []): string[] {
  return filters.flatMap((f) => (f.op === 'any' ? filterKeys(f.filters) : [f.key]));
}

export interface FeatureRequest {
  /** GeoPackage feature ids (fid). */
  fids?: readonly number[];
  /** Feature ids as users know them (`featureIdOf`: the id attribute, else the fid). */
  ids?: readonly string[];
  /** EPSG:4490 box; features whose index envelope (R*Tree, GiST) intersects it. */
  bbox?: BBox;
  /**
   * EPSG:4490 boxes; features whose index envelope meets any of them — what lies near a few
   * hundred scattered points, one index probe per box in one statement (at most MAX_KEYS_PER_REQUEST).
   */
  bboxes?: readonly BBox[];
  /** All conditions must hold. */
  filters?: readonly AttributeFilter[];
  /** Attribute keys to return (`id` is always returned); absent = every attribute. */
  attributes?: readonly string[];
  /** Default true. */
  geometry?: boolean;
  /** Default: by fid. `fid` and `id` are valid keys besides the layer's attributes. */
  orderBy?: readonly { key: string; descending?: boolean }[];
  limit?: number;
  offset?: number;
}

/** One feature as a request returns it. */
export interface StoredFeature {
  fid: number;
  /** The feature id users see (rules.md §1.1). */
  id: string;
  properties: Record<string, unknown>;
  geometry: import('geojson').Geometry | null;
}

export interface RequestColumn {
  key: string;
  column: string;
  /** The column's type (ColumnType); absent for layers written before types were recorded: text. */
  type?: string;
}

/** Hard cap on `fids`/`ids` per request: SQLite binds at most 32 766 parameters. */
export const MAX_KEYS_PER_REQUEST = 10_000;

export function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What a request's SQL asks of the engine (store/layer-dialect.ts). */
export type RequestDialect = Pick<LayerDialect, 'bboxFilter' | 'anyBoxFilter' | 'likeCi' | 'noLimit' | 'nullsOrder'>;

const isText = (column: RequestColumn | undefined) => column?.type === undefined || column.type === 'text' || column.type === 'json';

/**
 * A filter value as its column compares it, or `undefined` when no row can equal it: a text that
 * is not a number never equals a number (SQLite's answer; PostgreSQL would refuse the cast).
 */
function comparable(value: string | number | boolean, column: RequestColumn | undefined): string | number | bigint | undefined {
  const type = column?.type;
  if (type === 'integer' || type === 'real') {
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    const n = value.trim() === '' ? NaN : Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === 'boolean') {
    // as stored (layers.ts toSqlValue): an integer, which a retyped text column holds as '1'
    const n = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value.trim());
    return n === 0 || n === 1 ? BigInt(n) : undefined;
  }
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/**
 * The SQL of a request over `table` (alias `t`), with its parameters. `columns` are the layer's
 * attribute columns; `select` the expressions to return. Unknown attribute keys in filters or
 * orderBy are refused by the caller before this is reached.
 */
export function requestSql(
  table: string,
  columns: readonly RequestColumn[],
  request: FeatureRequest,
  select: string,
  dialect: RequestDialect,
  ordered = true,
): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const idColumn = columns.find((c) => c.key === 'id');
  const columnOf = (key: string): string => {
    if (key === 'fid') return 't.fid';
    const column = columns.find((c) => c.key === key);
    if (!column) throw new Error(`requestSql: unknown attribute "${key}"`);
    return `t.${quoteId(column.column)}`;
  };
  let from = `${quoteId(table)} t`;
  if (request.bbox) {
    const box = dialect.bboxFilter(table, 't', request.bbox);
    from += box.join;
    where.push(box.where);
    params.push(...box.params);
  }
  if (request.bboxes) {
    if (request.bboxes.length > MAX_KEYS_PER_REQUEST) throw new Error(`requestSql: more than ${MAX_KEYS_PER_REQUEST} boxes`);
    if (request.bboxes.length === 0) where.push(NOTHING);
    else {
      where.push(dialect.anyBoxFilter(table, 't'));
      params.push(JSON.stringify(request.bboxes.map((b) => [b[0], b[1], b[2], b[3]])));
    }
  }
  if (request.fids) {
    if (request.fids.length > MAX_KEYS_PER_REQUEST) throw new Error(`requestSql: more than ${MAX_KEYS_PER_REQUEST} fids`);
    where.push(request.fids.length ? `t.fid IN (${request.fids.map(() => '?').join(',')})` : NOTHING);
    params.push(...request.fids);
  }
  if (request.ids) {
    if (request.ids.length > MAX_KEYS_PER_REQUEST) throw new Error(`requestSql: more than ${MAX_KEYS_PER_REQUEST} ids`);
    if (request.ids.length === 0) where.push(NOTHING);
    else {
      // The id column is indexed; a feature without an id attribute is known by its fid.
      const marks = request.ids.map(() => '?').join(',');
      const numeric = request.ids.filter((id) => /^\d+$/.test(id)).map(Number);
      const byId = idColumn ? `t.${quoteId(idColumn.column)} IN (${marks})` : NOTHING;
      const byFid = numeric.length
        ? ` OR (t.fid IN (${numeric.map(() => '?').join(',')})${idColumn ? ` AND (t.${quoteId(idColumn.column)} IS NULL OR t.${quoteId(idColumn.column)} = '')` : ''})`
        : '';
      where.push(`(${byId}${byFid})`);
      if (idColumn) params.push(...request.ids);
      params.push(...numeric);
    }
  }
  const condition = (filter: AttributeFilter): string => {
    if (filter.op === 'any') return filter.filters.length ? `(${filter.filters.map(condition).join(' OR ')})` : NOTHING;
    const byFid = filter.key === 'id' && !idColumn;
    const column = byFid ? 'CAST(t.fid AS TEXT)' : columnOf(filter.key);
    const spec = byFid ? { key: 'id', column: 'fid', type: 'text' } : columns.find((c) => c.key === filter.key);
    switch (filter.op) {
      case 'eq': {
        const value = comparable(filter.value, spec);
        if (value === undefined) return NOTHING;
        params.push(value);
        return `${column} = ?`;
      }
      case 'in': {
        const values = filter.values.map((v) => comparable(v, spec)).filter((v) => v !== undefined);
        params.push(...values);
        return values.length ? `${column} IN (${values.map(() => '?').join(',')})` : NOTHING;
      }
      case 'prefix':
        params.push(`${escapeLike(filter.value)}%`);
        return dialect.likeCi(column, isText(spec));
      case 'contains':
        params.push(`%${escapeLike(filter.value)}%`);
        return dialect.likeCi(column, isText(spec));
      case 'isNull':
        return isText(spec) ? `(${column} IS NULL OR ${column} = '')` : `${column} IS NULL`;
      case 'notNull':
        return isText(spec) ? `(${column} IS NOT NULL AND ${column} != '')` : `${column} IS NOT NULL`;
    }
  };
  for (const filter of request.filters ?? []) where.push(condition(filter));
  const order = orderTerms(columns, request).map((o) => `${o.expr}${o.descending ? ' DESC' : ''}${dialect.nullsOrder(o.descending)}`);
  let sql = `SELECT ${select} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${ordered ? ` ORDER BY ${order.join(', ')}` : ''}`;
  if (request.limit !== undefined || request.offset !== undefined) {
    sql += ' LIMIT ? OFFSET ?';
    params.push(request.limit ?? dialect.noLimit, request.offset ?? 0);
  }
  return { sql, params };
}

/** A condition no row meets (SQLite reads `0`; PostgreSQL wants a boolean). */
const NOTHING = '1 = 0';

/** The ORDER BY terms of a request: its own order, then fid, so pages of an order with ties never overlap or skip. */
function orderTerms(columns: readonly RequestColumn[], request: FeatureRequest): { expr: string; descending: boolean }[] {
  const columnOf = (key: string): string => {
    if (key === 'fid') return 't.fid';
    const column = columns.find((c) => c.key === key);
    if (!column) throw new Error(`requestSql: unknown attribute "${key}"`);
    return `t.${quoteId(column.column)}`;
  };
  const order = (request.orderBy?.length ? request.orderBy : [{ key: 'fid' }]).map((o) => ({ expr: columnOf(o.key), descending: !!o.descending }));
  if (!order.some((o) => o.expr === 't.fid')) order.push({ expr: 't.fid', descending: false });
  return order;
}

/**
 * The 0-based position of one feature in the rows a request matches, in its order, as two
 * statements: `value` reads the feature's sort value (no row: it does not match), `before` counts
 * the matching rows that sort ahead of it — a count like the page's own, so locating a feature
 * in a county layer costs what counting it does, never a sort of the whole layer. Mirrors the
 * requests' order on both engines: NULL lowest (first ascending, last descending), ties by fid
 * ascending.
 */
export function positionSql(
  table: string,
  columns: readonly RequestColumn[],
  request: FeatureRequest,
  fid: number,
  dialect: RequestDialect,
): { value: { sql: string; params: unknown[] }; before(value: unknown): { sql: string; params: unknown[] } } {
  const { limit: _limit, offset: _offset, fids: _fids, ...rest } = request;
  const [{ expr, descending }] = orderTerms(columns, rest);
  const inner = requestSql(table, columns, rest, `t.fid AS fid, ${expr} AS v`, dialect, false);
  const value = requestSql(table, columns, { ...rest, fids: [fid] }, `${expr} AS v`, dialect, false);
  return {
    value,
    before(v) {
      let condition: string;
      let params: unknown[];
      if (expr === 't.fid') {
        condition = descending ? 'fid > ?' : 'fid < ?';
        params = [fid];
      } else if (v === null || v === undefined) {
        condition = descending ? '(v IS NOT NULL OR fid < ?)' : '(v IS NULL AND fid < ?)';
        params = [fid];
      } else {
        condition = descending ? '(v > ? OR (v = ? AND fid < ?))' : '(v IS NULL OR v < ? OR (v = ? AND fid < ?))';
        params = [v, v, fid];
      }
      return { sql: `SELECT count(*) AS n FROM (${inner.sql}) AS q WHERE ${condition}`, params: [...inner.params, ...params] };
    },
  };
}

/** The count of a request (limit and offset ignored). */
export function countSql(table: string, columns: readonly RequestColumn[], request: FeatureRequest, dialect: RequestDialect): { sql: string; params: unknown[] } {
  const { limit: _limit, offset: _offset, ...rest } = request;
  const { sql, params } = requestSql(table, columns, rest, 't.fid', dialect, false);
  return { sql: `SELECT count(*) AS n FROM (${sql}) AS q`, params };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
