/**
 * What a layer's SQL needs to know of the engine that holds it, and nothing else: the layer
 * repository, the feature requests, the tile source and the parcel list write their statements
 * once and ask this module for the few pieces that differ.
 *
 *                      GeoPackage (SQLite)                      PostgreSQL / PostGIS
 *   feature table      fid INTEGER PRIMARY KEY AUTOINCREMENT,   fid bigint identity, geom
 *                      geom <TYPE> (GeoPackage blob)            geometry(<Type>, 4490)
 *   spatial index      gpkg_rtree_index R*Tree + triggers       GiST on geom
 *   a new layer's rows one INSERT each, the R*Tree packed and    INSERT … SELECT FROM unnest, 10 000
 *                      written whole at the end                 rows a statement, indexes after
 *   who may change it  whoever may write the file               the planners (parcels) or the
 *                                                               administrators (reference layers)
 *   text columns       TEXT (binary collation)                  text COLLATE "C" (the same order)
 *   geometry in/out    the GeoPackage blob as it is             its WKB: ST_GeomFromWKB / ST_AsBinary
 *   box filter         join on the R*Tree                       geom && ST_MakeEnvelope(…, 4490)
 *   case-insensitive   LIKE (ASCII folding)                     ILIKE
 *   NULLs in ORDER BY  lowest (SQLite's own order)              NULLS FIRST / LAST, spelled out
 *   "no limit"         LIMIT -1                                 LIMIT NULL
 *   what changed       data_version + total_changes()           the snapshot's xmax
 *
 * The registry (gpkg_contents: extent, last_change, title; gpkg_geometry_columns: geometry type)
 * has the same tables and columns on both (postgres/pg-schema.ts), so its SQL is not here.
 */
import type { Geometry } from 'geojson';
import type { BBox, GpkgGeometryType, LayerKind } from '../../../shared/model/layers';
import { decodeGpkgGeometry, decodeWkb, gpkgBlobEnvelope, gpkgBlobWkb } from '../gpkg-binary';
import { quoteId } from './feature-request';
import type { ColumnType } from './layers';
import { type BulkLoadConnection, RtreeBulkLoader } from './rtree-bulk-load';
import { idIndexSql, PROJECT_SRS_ID, RTREE_EXTENSION_DEFINITION, rtreeSql } from './schema';
import type { Dialect, SqlConnection } from './sql';

/** An R*Tree / GiST envelope of one feature: [fid, minX, maxX, minY, maxY]. */
export type Envelope = [fid: number, minX: number, maxX: number, minY: number, maxY: number];

/** Rows of a new layer as they are written; `finish` completes its index (inside the import's transaction). */
export interface LayerRows {
  /**
   * One feature: its GeoPackage blob (EPSG:4490), its attribute values in column order (both
   * read or copied before add returns: the caller refills the array, and a two-thread import
   * hands the blob's buffer back to its preparing thread) and, when known, its envelope
   * [minX, minY, maxX, maxY] (else read from the blob).
   */
  add(blob: Uint8Array, values: readonly unknown[], envelope?: readonly [number, number, number, number] | null): void;
  finish(): void;
}

export interface LayerDialect {
  readonly name: Dialect;
  /** Column names the engine keeps for itself (compared exactly). */
  readonly reservedColumns: readonly string[];
  /** The longest column name the engine keeps whole, in UTF-8 bytes. */
  readonly maxColumnBytes: number;
  /** The SQL type of an attribute column. */
  columnType(type: ColumnType): string;
  /** A bound attribute value as its column stores it. */
  valueSql(type: ColumnType): string;
  /** A bound geometry (see geometryParam) as the geom column stores it. */
  readonly geometrySql: string;
  /** What is bound for a geometry, from its GeoPackage blob. */
  geometryParam(blob: Uint8Array): Uint8Array;
  /** The geom column read back (decoded by decodeGeometry). */
  geometrySelect(column: string): string;
  decodeGeometry(bytes: Uint8Array): Geometry;
  /** Features of `alias` whose index envelope meets a box: a join (or nothing) and a condition. */
  bboxFilter(table: string, alias: string, bbox: BBox): { join: string; where: string; params: unknown[] };
  /**
   * Features of `alias` whose index envelope meets any box of a bound JSON array of
   * [minX, minY, maxX, maxY]: a condition probing the index once per box.
   */
  anyBoxFilter(table: string, alias: string): string;
  /** `expr` matches the bound pattern, case-insensitively; `text` when expr is a text column. */
  likeCi(expr: string, text: boolean): string;
  /** What LIMIT takes for "all rows" (an OFFSET needs a LIMIT on SQLite). */
  readonly noLimit: number | null;
  /** What follows ASC/DESC so NULLs sort lowest, as SQLite sorts them. */
  nullsOrder(descending: boolean): string;
  /**
   * A layer's id as compared with an id in LandGate's own tables (latest verdicts, checks): in
   * their collation, so their index is used (a layer's text columns are "C" on PostgreSQL, and a
   * comparison in "C" reads the whole verdict table).
   */
  asRecordId(expr: string): string;
  /** `t.fid` in the fids of a bound JSON array. */
  fidInJsonArray(expr: string): string;
  /** The feature table (and on SQLite its id index; PostgreSQL builds its indexes once the rows are in). */
  createLayerSql(table: string, kind: LayerKind, columns: readonly { key: string; column: string; type: ColumnType }[], geometryType: GpkgGeometryType): string[];
  /** Starts writing rows into a table createLayerSql made; the spatial index is complete after finish(). */
  beginRows(sql: SqlConnection, table: string, columns: readonly { key: string; column: string; type: ColumnType }[]): LayerRows;
  /** A text column converted to hold booleans (its values already converted to 1/0 text). */
  retypeColumnSql(table: string, column: string, type: 'json' | 'boolean'): string[];
  /** Drops the feature table and its spatial index. */
  dropLayerSql(table: string): string[];
  /** Registry tables that have a row per layer (besides landgate_layers). */
  readonly registryTables: readonly string[];
  /** One row {minx, miny, maxx, maxy}: the exact extent of the stored geometries. */
  extentSql(table: string): string;
  /** The extent from the spatial index alone (no feature read on SQLite), null when empty. */
  indexExtent(sql: SqlConnection, table: string, hasTable: (name: string) => boolean): BBox | null;
  /** Index envelopes of the features in a box. */
  envelopes(sql: SqlConnection, table: string, box: readonly [number, number, number, number]): Envelope[];
  /** Boxes of these features (the parcel list's page); a feature without geometry has none. */
  boxes(sql: SqlConnection, table: string, fids: readonly number[], hasTable: (name: string) => boolean): Map<number, BBox>;
  /** A value that changes with every commit another connection makes (and, `own`, this one's). */
  changeStamp(sql: SqlConnection, own: boolean): string;
}

/** The page cache while a layer's rows are written (PRAGMA cache_size: negative is KiB). */
const APPEND_CACHE_SIZE = -2000;

const sqlite: LayerDialect = {
  name: 'sqlite',
  // rowid, oid and _rowid_ are only aliases: a column of that name takes precedence.
  reservedColumns: [],
  maxColumnBytes: Infinity,
  columnType: (type) => ({ text: 'TEXT', integer: 'INTEGER', real: 'REAL', boolean: 'BOOLEAN', json: 'TEXT' })[type],
  valueSql: () => '?',
  geometrySql: '?',
  geometryParam: (blob) => blob,
  geometrySelect: (column) => column,
  decodeGeometry: decodeGpkgGeometry,
  bboxFilter(table, alias, [minX, minY, maxX, maxY]) {
    return {
      join: ` JOIN ${quoteId(`rtree_${table}_geom`)} r ON r.id = ${alias}.fid`,
      where: 'r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?',
      params: [maxX, minX, maxY, minY],
    };
  },
  // the boxes drive the join, each one a constrained R*Tree search: CROSS JOIN keeps them the
  // outer loop (left to itself the planner scans the whole R*Tree and the boxes inside it)
  anyBoxFilter: (table, alias) =>
    `${alias}.fid IN (SELECT r.id FROM json_each(?) b CROSS JOIN ${quoteId(`rtree_${table}_geom`)} r ON r.minx <= b.value ->> 2 AND r.maxx >= b.value ->> 0 AND r.miny <= b.value ->> 3 AND r.maxy >= b.value ->> 1)`,
  // GLOB is case-sensitive and uses the index; LIKE is what users expect of a search box.
  likeCi: (expr) => `${expr} LIKE ? ESCAPE '\\'`,
  noLimit: -1,
  nullsOrder: () => '',
  asRecordId: (expr) => expr,
  fidInJsonArray: (expr) => `${expr} IN (SELECT value FROM json_each(?))`,
  createLayerSql(table, _kind, columns, geometryType) {
    const cols = columns.map((c) => `, ${quoteId(c.column)} ${sqlite.columnType(c.type)}`).join('');
    return [`CREATE TABLE ${quoteId(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${geometryType}${cols})`, idIndexSql(table, columns)].filter((s) => s !== '');
  },
  beginRows(sql, table, columns) {
    // The R*Tree is created empty and its triggers only in finish(): while the layer is written,
    // each row's box (its envelope, what the triggers' ST_MinX … would read from the blob) is
    // collected, and the whole index is packed and written at the end (rtree-bulk-load.ts).
    const [rtreeTable, ...rtreeTriggers] = rtreeSql(table);
    sql.exec(rtreeTable);
    sql.prepare("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, 'geom', 'gpkg_rtree_index', ?, 'write-only')").run(table, RTREE_EXTENSION_DEFINITION);
    const insert = sql.prepare(`INSERT INTO ${quoteId(table)} (geom${columns.map((c) => `, ${quoteId(c.column)}`).join('')}) VALUES (?${', ?'.repeat(columns.length)})`);
    const boxes = new RtreeBulkLoader();
    // A new layer's rows are appended: the table and its id index grow along their right edges,
    // and dirty pages beyond the cache go to the WAL. better-sqlite3's 16 MB page cache (SQLite's
    // own default is 2 MB, as GDAL writes) would hold the first 16 MB of a big import's rows in
    // memory to no purpose; the connection gets its cache back once the rows are in (after a
    // refused write it keeps the smaller one until it is closed: slower reads at most).
    const cacheSize = (sql.prepare('PRAGMA cache_size').get() as { cache_size: number }).cache_size;
    sql.exec(`PRAGMA cache_size = ${APPEND_CACHE_SIZE}`);
    return {
      add(blob, values, envelope) {
        const fid = Number(insert.run(blob, ...values).lastInsertRowid);
        if (envelope) boxes.add(fid, envelope[0], envelope[1], envelope[2], envelope[3]);
        else if (envelope === undefined) {
          const box = gpkgBlobEnvelope(blob);
          if (!box.empty) boxes.add(fid, box.minX, box.minY, box.maxX, box.maxY);
        }
      },
      finish() {
        boxes.write(sql as BulkLoadConnection, `rtree_${table}_geom`);
        for (const trigger of rtreeTriggers) sql.exec(trigger);
        sql.exec(`PRAGMA cache_size = ${cacheSize}`);
      },
    };
  },
  // SQLite's columns hold any type: the values are converted, the declaration stays.
  retypeColumnSql: () => [],
  dropLayerSql(table) {
    const rtree = `rtree_${table}_geom`;
    return [
      ...['insert', 'update1', 'update2', 'update3', 'update4', 'delete'].map((suffix) => `DROP TRIGGER IF EXISTS ${quoteId(`${rtree}_${suffix}`)}`),
      `DROP TABLE IF EXISTS ${quoteId(rtree)}`,
      `DROP TABLE ${quoteId(table)}`,
    ];
  },
  registryTables: ['gpkg_extensions', 'gpkg_geometry_columns', 'gpkg_contents'],
  extentSql: (table) => `SELECT min(ST_MinX(geom)) AS minx, min(ST_MinY(geom)) AS miny, max(ST_MaxX(geom)) AS maxx, max(ST_MaxY(geom)) AS maxy FROM ${quoteId(table)}`,
  /**
   * The R*Tree's root node, whose entries' boxes cover every indexed feature (float32, rounded
   * outward by SQLite, which is fine for a view).
   */
  indexExtent(sql, table, hasTable) {
    const node = `rtree_${table}_geom_node`;
    if (!hasTable(node)) return null;
    const root = sql.prepare(`SELECT data FROM ${quoteId(node)} WHERE nodeno = 1`).get() as { data?: Uint8Array } | undefined;
    return root?.data ? rtreeNodeExtent(root.data) : null;
  },
  envelopes(sql, table, [west, south, east, north]) {
    return sql
      .prepare(`SELECT id, minx, maxx, miny, maxy FROM ${quoteId(`rtree_${table}_geom`)} WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?`)
      .raw()
      .all(east, west, north, south) as Envelope[];
  },
  /** From the R*Tree (float32, rounded outwards: enough to zoom to); without one, from these rows' blobs. */
  boxes(sql, table, fids, hasTable) {
    const out = new Map<number, BBox>();
    const marks = fids.map(() => '?').join(',');
    const rtree = `rtree_${table}_geom`;
    if (hasTable(rtree)) {
      const rows = sql.prepare(`SELECT id, minx, miny, maxx, maxy FROM ${quoteId(rtree)} WHERE id IN (${marks})`).all(...fids) as { id: number; minx: number; miny: number; maxx: number; maxy: number }[];
      for (const r of rows) out.set(Number(r.id), [r.minx, r.miny, r.maxx, r.maxy]);
      return out;
    }
    const rows = sql.prepare(`SELECT fid, geom FROM ${quoteId(table)} WHERE fid IN (${marks})`).all(...fids) as { fid: number; geom: unknown }[];
    for (const r of rows) {
      if (!(r.geom instanceof Uint8Array)) continue;
      try {
        const env = gpkgBlobEnvelope(r.geom);
        if (!env.empty) out.set(Number(r.fid), [env.minX, env.minY, env.maxX, env.maxY]);
      } catch {
        // an unreadable geometry has no box; the row is still listed
      }
    }
    return out;
  },
  // data_version moves with other connections' commits (an import), total_changes() with ours.
  changeStamp(sql, own) {
    const row = sql.prepare(`SELECT (SELECT data_version FROM pragma_data_version()) AS other, ${own ? 'total_changes()' : '0'} AS own`).get() as { other: number; own: number };
    return `${row.other}/${row.own}`;
  },
};

/** PostGIS's name of a GeoPackage geometry type, for geometry(<type>, 4490). */
const POSTGIS_TYPE: Record<GpkgGeometryType, string> = {
  POINT: 'Point',
  MULTIPOINT: 'MultiPoint',
  LINESTRING: 'LineString',
  MULTILINESTRING: 'MultiLineString',
  POLYGON: 'Polygon',
  MULTIPOLYGON: 'MultiPolygon',
  GEOMETRY: 'Geometry',
};

const PG_TYPE: Record<ColumnType, string> = {
  // "C": byte order, as SQLite compares text; a bureau's database in zh_CN would otherwise sort
  // ids (and answer the parcel list's id ranges) differently from the same GeoPackage project.
  text: 'text COLLATE "C"',
  integer: 'bigint',
  real: 'double precision',
  boolean: 'boolean',
  json: 'text COLLATE "C"',
};
const PG_CAST: Record<ColumnType, string> = { text: 'text', integer: 'bigint', real: 'double precision', boolean: 'boolean', json: 'text' };

/** Rows in one INSERT of a layer: a 100 000-feature import is ten statements, not 100 000 round trips. */
const PG_ROWS_PER_INSERT = 10_000;

const postgres: LayerDialect = {
  name: 'postgres',
  // System columns (a GeoJSON's "xmin" would refuse the table), and NAMEDATALEN − 1: a longer
  // name is cut to 63 bytes by the server, and two such could collide.
  reservedColumns: ['tableoid', 'xmin', 'cmin', 'xmax', 'cmax', 'ctid'],
  maxColumnBytes: 63,
  columnType: (type) => PG_TYPE[type],
  // Typed: a yes/no bound as 1/0 (layers.ts toSqlValue) reaches a boolean column as one.
  valueSql: (type) => `CAST(? AS ${PG_CAST[type]})`,
  geometrySql: `ST_GeomFromWKB(?, ${PROJECT_SRS_ID})`,
  geometryParam: gpkgBlobWkb,
  geometrySelect: (column) => `ST_AsBinary(${column})`,
  decodeGeometry: decodeWkb,
  bboxFilter(_table, alias, [minX, minY, maxX, maxY]) {
    return { join: '', where: `${alias}.geom && ST_MakeEnvelope(?, ?, ?, ?, ${PROJECT_SRS_ID})`, params: [minX, minY, maxX, maxY] };
  },
  // the boxes drive a nested loop of GiST probes (a condition on t itself would scan the layer);
  // = ANY(ARRAY(…)) makes the fids an init plan looked up by key, where IN would hash-join every fid
  anyBoxFilter: (table, alias) =>
    `${alias}.fid = ANY(ARRAY(SELECT u.fid FROM json_array_elements(CAST(? AS json)) b JOIN ${quoteId(table)} u ON u.geom && ST_MakeEnvelope((b->>0)::float8, (b->>1)::float8, (b->>2)::float8, (b->>3)::float8, ${PROJECT_SRS_ID})))`,
  likeCi: (expr, text) => `${text ? expr : `CAST(${expr} AS text)`} ILIKE ? ESCAPE '\\'`,
  noLimit: null,
  nullsOrder: (descending) => (descending ? ' NULLS LAST' : ' NULLS FIRST'),
  asRecordId: (expr) => `${expr} COLLATE "default"`,
  fidInJsonArray: (expr) => `${expr} IN (SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(? AS json)))`,
  createLayerSql(table, kind, columns, geometryType) {
    const t = quoteId(table);
    const cols = columns.map((c) => `, ${quoteId(c.column)} ${PG_TYPE[c.type]}`).join('');
    // Owned by the project's group role that may write this kind of layer (parcels: planners;
    // reference layers: administrators), so every member can edit, extend or remove it, not only
    // the login that imported it; everyone on the project reads it. Role names as roleName()
    // in postgres/pg-schema.ts makes them.
    const owner = (role: 'planner' | 'admin') => `EXECUTE format('ALTER TABLE %I OWNER TO %I', ${literal(table)}, current_schema() || ${literal(`_${role}`)});`;
    const readers = `EXECUTE format('GRANT SELECT ON %I TO %I', ${literal(table)}, current_schema() || '_readonly');`;
    return [
      `CREATE TABLE ${t} (fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, geom geometry(${POSTGIS_TYPE[geometryType]}, ${PROJECT_SRS_ID})${cols})`,
      `DO $$ BEGIN ${readers} ${owner(kind === 'parcel' ? 'planner' : 'admin')} END $$`,
    ];
  },
  beginRows(sql, table, columns) {
    const t = quoteId(table);
    const id = columns.find((c) => c.key === 'id');
    // One statement per batch, its rows as one array per column: the statement stays small and is
    // planned once, however many rows it carries.
    const names = columns.map((_, i) => `c${i}`);
    const insert = sql.prepare(
      `INSERT INTO ${t} (geom${columns.map((c) => `, ${quoteId(c.column)}`).join('')}) SELECT ST_GeomFromWKB(g, ${PROJECT_SRS_ID})${names.map((n) => `, ${n}`).join('')} FROM unnest(CAST(? AS bytea[])${columns.map((c) => `, CAST(? AS ${PG_CAST[c.type]}[])`).join('')}) AS u(g${names.map((n) => `, ${n}`).join('')})`,
    );
    let geometries: Uint8Array[] = [];
    let values: unknown[][] = columns.map(() => []);
    const flush = () => {
      if (geometries.length === 0) return;
      insert.run(geometries, ...values);
      geometries = [];
      values = columns.map(() => []);
    };
    return {
      add(blob, row) {
        // copied: the blob's buffer is the caller's again once add returns (see LayerRows)
        geometries.push(gpkgBlobWkb(blob).slice());
        row.forEach((v, i) => values[i].push(v));
        if (geometries.length === PG_ROWS_PER_INSERT) flush();
      },
      finish() {
        flush();
        // Built over the rows at once (sorted, for the GiST), not grown row by row as they came.
        // Unnamed: PostgreSQL picks names that cannot collide however long the table name is.
        sql.exec(`CREATE INDEX ON ${t} USING GIST (geom)`);
        if (id) sql.exec(`CREATE INDEX ON ${t} (${quoteId(id.column)})`);
        // Statistics now, so the first box query after the import plans with the GiST index.
        sql.exec(`ANALYZE ${t}`);
      },
    };
  },
  retypeColumnSql(table, column, type) {
    if (type === 'json') return [];
    return [`ALTER TABLE ${quoteId(table)} ALTER COLUMN ${quoteId(column)} TYPE boolean USING CAST(${quoteId(column)} AS boolean)`];
  },
  dropLayerSql: (table) => [`DROP TABLE ${quoteId(table)}`],
  registryTables: ['gpkg_geometry_columns', 'gpkg_contents'],
  extentSql: (table) => `SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy FROM (SELECT ST_Extent(geom) AS e FROM ${quoteId(table)}) q`,
  indexExtent(sql, table) {
    const e = sql.prepare(postgres.extentSql(table)).get() as { minx: number | null; miny: number | null; maxx: number | null; maxy: number | null };
    return e.minx === null || e.miny === null || e.maxx === null || e.maxy === null ? null : [e.minx, e.miny, e.maxx, e.maxy];
  },
  envelopes(sql, table, [west, south, east, north]) {
    return sql
      .prepare(`SELECT fid, ST_XMin(b), ST_XMax(b), ST_YMin(b), ST_YMax(b) FROM (SELECT fid, Box2D(geom) AS b FROM ${quoteId(table)} WHERE geom && ST_MakeEnvelope(?, ?, ?, ?, ${PROJECT_SRS_ID})) q`)
      .raw()
      .all(west, south, east, north) as Envelope[];
  },
  boxes(sql, table, fids) {
    const out = new Map<number, BBox>();
    const rows = sql
      .prepare(`SELECT fid, ST_XMin(b) AS minx, ST_YMin(b) AS miny, ST_XMax(b) AS maxx, ST_YMax(b) AS maxy FROM (SELECT fid, Box2D(geom) AS b FROM ${quoteId(table)} WHERE fid IN (${fids.map(() => '?').join(',')}) AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)) q`)
      .all(...fids) as { fid: number; minx: number; miny: number; maxx: number; maxy: number }[];
    for (const r of rows) out.set(Number(r.fid), [r.minx, r.miny, r.maxx, r.maxy]);
    return out;
  },
  /**
   * The first transaction id not yet completed: every commit that wrote anything, by any client
   * of the server, moves it; reads do not. It also moves for other databases' writes, which only
   * costs a recount.
   */
  changeStamp(sql) {
    return String((sql.prepare('SELECT CAST(pg_snapshot_xmax(pg_current_snapshot()) AS text) AS x').get() as { x: string }).x);
  },
};

export function layerDialect(sql: SqlConnection): LayerDialect {
  return sql.dialect === 'postgres' ? postgres : sqlite;
}

/** A string literal for SQL that takes no parameters (DO blocks). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The union of the entry boxes of an SQLite R*Tree node blob: 2 bytes depth, 2 bytes entry count,
 * then per entry an 8-byte id and four 32-bit floats (minx, maxx, miny, maxy), all big-endian.
 */
function rtreeNodeExtent(data: Uint8Array): BBox | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint16(2);
  let box: BBox | null = null;
  for (let i = 0; i < count; i++) {
    const at = 4 + i * 24 + 8;
    if (at + 16 > data.byteLength) break;
    const [minx, maxx, miny, maxy] = [view.getFloat32(at), view.getFloat32(at + 4), view.getFloat32(at + 8), view.getFloat32(at + 12)];
    box = box ? [Math.min(box[0], minx), Math.min(box[1], miny), Math.max(box[2], maxx), Math.max(box[3], maxy)] : [minx, miny, maxx, maxy];
  }
  return box;
}
