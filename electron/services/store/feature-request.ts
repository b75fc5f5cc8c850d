/**
 * Feature requests, the way QGIS's `QgsFeatureRequest` asks a provider for features: by feature
 * ids, by feature id attribute, by bounding box through the R*Tree, filtered and ordered on
 * attributes, with an attribute subset, without geometry, page by page. Every interactive path
 * reads through a request, so what it costs grows with what is asked for, not with the layer.
 *
 * This module turns a request into one SQL statement over a layer table; decoding rows into
 * features is the layer repository's job (it knows the column types).
 */
import type { BBox } from '../../../shared/model/layers';

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
  /** EPSG:4490 box; features whose R*Tree envelope intersects it. */
  bbox?: BBox;
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
}

/** Hard cap on `fids`/`ids` per request: SQLite binds at most 32 766 parameters. */
export const MAX_KEYS_PER_REQUEST = 10_000;

export function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
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
    const [minX, minY, maxX, maxY] = request.bbox;
    from += ` JOIN ${quoteId(`rtree_${table}_geom`)} r ON r.id = t.fid`;
    where.push('r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?');
    params.push(maxX, minX, maxY, minY);
  }
  if (request.fids) {
    if (request.fids.length > MAX_KEYS_PER_REQUEST) throw new Error(`requestSql: more than ${MAX_KEYS_PER_REQUEST} fids`);
    where.push(request.fids.length ? `t.fid IN (${request.fids.map(() => '?').join(',')})` : '0');
    params.push(...request.fids);
  }
  if (request.ids) {
    if (request.ids.length > MAX_KEYS_PER_REQUEST) throw new Error(`requestSql: more than ${MAX_KEYS_PER_REQUEST} ids`);
    if (request.ids.length === 0) where.push('0');
    else {
      // The id column is indexed; a feature without an id attribute is known by its fid.
      const marks = request.ids.map(() => '?').join(',');
      const numeric = request.ids.filter((id) => /^\d+$/.test(id)).map(Number);
      const byId = idColumn ? `t.${quoteId(idColumn.column)} IN (${marks})` : '0';
      const byFid = numeric.length
        ? ` OR (t.fid IN (${numeric.map(() => '?').join(',')})${idColumn ? ` AND (t.${quoteId(idColumn.column)} IS NULL OR t.${quoteId(idColumn.column)} = '')` : ''})`
        : '';
      where.push(`(${byId}${byFid})`);
      if (idColumn) params.push(...request.ids);
      params.push(...numeric);
    }
  }
  const condition = (filter: AttributeFilter): string => {
    if (filter.op === 'any') return filter.filters.length ? `(${filter.filters.map(condition).join(' OR ')})` : '0';
    const column = filter.key === 'id' && !idColumn ? 'CAST(t.fid AS TEXT)' : columnOf(filter.key);
    switch (filter.op) {
      case 'eq':
        params.push(typeof filter.value === 'boolean' ? (filter.value ? 1 : 0) : filter.value);
        return `${column} = ?`;
      case 'in':
        params.push(...filter.values);
        return filter.values.length ? `${column} IN (${filter.values.map(() => '?').join(',')})` : '0';
      case 'prefix':
        // GLOB is case-sensitive and uses the index; LIKE is what users expect of a search box.
        params.push(`${escapeLike(filter.value)}%`);
        return `${column} LIKE ? ESCAPE '\\'`;
      case 'contains':
        params.push(`%${escapeLike(filter.value)}%`);
        return `${column} LIKE ? ESCAPE '\\'`;
      case 'isNull':
        return `(${column} IS NULL OR ${column} = '')`;
      case 'notNull':
        return `(${column} IS NOT NULL AND ${column} != '')`;
    }
  };
  for (const filter of request.filters ?? []) where.push(condition(filter));
  const order = orderTerms(columns, request);
  let sql = `SELECT ${select} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${ordered ? ` ORDER BY ${order.join(', ')}` : ''}`;
  if (request.limit !== undefined || request.offset !== undefined) {
    sql += ' LIMIT ? OFFSET ?';
    params.push(request.limit ?? -1, request.offset ?? 0);
  }
  return { sql, params };
}

/** The ORDER BY terms of a request: its own order, then fid, so pages of an order with ties never overlap or skip. */
function orderTerms(columns: readonly RequestColumn[], request: FeatureRequest): string[] {
  const columnOf = (key: string): string => {
    if (key === 'fid') return 't.fid';
    const column = columns.find((c) => c.key === key);
    if (!column) throw new Error(`requestSql: unknown attribute "${key}"`);
    return `t.${quoteId(column.column)}`;
  };
  const order = (request.orderBy?.length ? request.orderBy : [{ key: 'fid' }]).map((o) => `${columnOf(o.key)}${o.descending ? ' DESC' : ''}`);
  if (!order.some((o) => o.startsWith('t.fid'))) order.push('t.fid');
  return order;
}

/**
 * The 0-based position of one feature in the rows a request matches, in its order, as two
 * statements: `value` reads the feature's sort value (no row: it does not match), `before` counts
 * the matching rows that sort ahead of it — a count like the page's own, so locating a feature
 * in a county layer costs what counting it does, never a sort of the whole layer. Mirrors
 * SQLite's order: NULL lowest (first ascending, last descending), ties by fid ascending.
 */
export function positionSql(
  table: string,
  columns: readonly RequestColumn[],
  request: FeatureRequest,
  fid: number,
): { value: { sql: string; params: unknown[] }; before(value: unknown): { sql: string; params: unknown[] } } {
  const { limit: _limit, offset: _offset, fids: _fids, ...rest } = request;
  const [first] = orderTerms(columns, rest);
  const descending = first.endsWith(' DESC');
  const expr = descending ? first.slice(0, -' DESC'.length) : first;
  const inner = requestSql(table, columns, rest, `t.fid AS fid, ${expr} AS v`, false);
  const value = requestSql(table, columns, { ...rest, fids: [fid] }, `${expr} AS v`, false);
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
      return { sql: `SELECT count(*) AS n FROM (${inner.sql}) WHERE ${condition}`, params: [...inner.params, ...params] };
    },
  };
}

/** The count of a request (limit and offset ignored). */
export function countSql(table: string, columns: readonly RequestColumn[], request: FeatureRequest): { sql: string; params: unknown[] } {
  const { limit: _limit, offset: _offset, ...rest } = request;
  const { sql, params } = requestSql(table, columns, rest, 't.fid', false);
  return { sql: `SELECT count(*) AS n FROM (${sql})`, params };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
