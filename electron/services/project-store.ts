/**
 * The project store: one GeoPackage 1.3 file (SQLite via better-sqlite3) holding the reference
 * layers and parcel submissions (one feature table each, EPSG:4490, R*Tree index), plus our own
 * `landgate_*` tables: layer metadata, project metadata, the append-only audit log (hash chain)
 * and check records (the 污染地块信息系统 query record of 沁政办发〔2021〕19号 土壤 9).
 *
 * GDAL and QGIS must open the file and see every layer, so everything follows the spec: core
 * tables, application_id 'GPKG', user_version 10300, standard geometry blobs, the
 * `gpkg_rtree_index` extension with its standard triggers (whose ST_* functions we register).
 * Every write runs in one transaction, so a failed import leaves the file as it was.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { BBox, GpkgGeometryType, LayerInfo, LayerKind, ProjectInfo } from '../../shared/model/layers';
import { LAYER_KIND_GEOMETRY, isLayerKind } from '../../shared/model/layers';
import { featureIdOf } from '../../shared/model/attributes';
import type { CheckReport } from '../../shared/model/check';
import { UserInputError } from '../../shared/model/errors';
import type { AuditRecord } from '../../shared/review/model';
import { decodeGpkgGeometry, encodeGpkgGeometry, geometryEnvelope, gpkgBlobEnvelope, forEachPosition } from './gpkg-binary';
import { countSql, quoteId, requestSql, type FeatureRequest, type StoredFeature } from './store/feature-request';

export type { AttributeFilter, FeatureRequest, StoredFeature } from './store/feature-request';

/** The UI's audit record is exactly the store's entry (shared/review/model.ts). */
export type AuditEntry = AuditRecord;

/** One stored check run (addition to the brief's API, for the UI's history view). */
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

export const PROJECT_SRS_ID = 4490;
const GPKG_APPLICATION_ID = 0x47504b47; // 'GPKG'
const GPKG_USER_VERSION = 10300;
const SCHEMA_VERSION = 1;
const GENESIS_HASH = '0'.repeat(64);
const RTREE_EXTENSION_DEFINITION = 'http://www.geopackage.org/spec120/#extension_rtree';

const WKT_4490 =
  'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]';
const WKT_4326 =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

/** Our non-spatial tables, registered in gpkg_contents as 'attributes'. */
const LANDGATE_TABLES = ['landgate_meta', 'landgate_layers', 'landgate_audit', 'landgate_checks', 'landgate_check_parcels', 'landgate_parcel_verdicts'] as const;
/** Tables whose rows may never change: enforced by BEFORE UPDATE / DELETE triggers. */
const APPEND_ONLY_TABLES = ['landgate_audit', 'landgate_checks', 'landgate_check_parcels'] as const;

const GPKG_CORE_SQL = `
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_tile_matrix_set (
  table_name TEXT NOT NULL PRIMARY KEY,
  srs_id INTEGER NOT NULL,
  min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
  CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_tile_matrix (
  table_name TEXT NOT NULL,
  zoom_level INTEGER NOT NULL,
  matrix_width INTEGER NOT NULL,
  matrix_height INTEGER NOT NULL,
  tile_width INTEGER NOT NULL,
  tile_height INTEGER NOT NULL,
  pixel_x_size DOUBLE NOT NULL,
  pixel_y_size DOUBLE NOT NULL,
  CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
  CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
`;

const LANDGATE_SQL = `
CREATE TABLE IF NOT EXISTS landgate_meta (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS landgate_layers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  table_name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  source_file TEXT,
  original_crs TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  columns TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS landgate_audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS landgate_checks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  checked_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  user TEXT NOT NULL,
  profile TEXT NOT NULL,
  profile_version TEXT,
  parcel_table TEXT,
  parcels_source TEXT NOT NULL,
  trigger_source TEXT NOT NULL,
  parcel_count INTEGER NOT NULL,
  report_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS landgate_check_parcels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  check_id INTEGER NOT NULL REFERENCES landgate_checks(id),
  parcel_id TEXT NOT NULL,
  parcel_name TEXT,
  checked_at TEXT NOT NULL,
  profile TEXT NOT NULL,
  verdict TEXT NOT NULL,
  suspect_hits TEXT NOT NULL,
  contaminated_hits TEXT NOT NULL,
  findings_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS landgate_check_parcels_parcel ON landgate_check_parcels(parcel_id);
CREATE TABLE IF NOT EXISTS landgate_parcel_verdicts (
  parcel_table TEXT NOT NULL,
  parcel_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  check_id INTEGER NOT NULL,
  checked_at TEXT NOT NULL,
  PRIMARY KEY (parcel_table, parcel_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS landgate_parcel_verdicts_verdict ON landgate_parcel_verdicts(parcel_table, verdict);
`;

export type ColumnType = 'text' | 'integer' | 'real' | 'boolean' | 'json';
interface ColumnSpec {
  /** Property key (canonical attribute name or the file's own field name). */
  key: string;
  /** SQL column name (unique case-insensitively, never fid/geom). */
  column: string;
  type: ColumnType;
}

const SQL_TYPE: Record<ColumnType, string> = { text: 'TEXT', integer: 'INTEGER', real: 'REAL', boolean: 'BOOLEAN', json: 'TEXT' };

const TABLE_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;
const RESERVED_PREFIXES = ['gpkg_', 'rtree_', 'landgate_', 'sqlite_'];

function nowIso(): string {
  return new Date().toISOString();
}

/** gpkg_contents.last_change must be `%Y-%m-%dT%H:%M:%fZ` (GeoPackage Req 15). */
function gpkgTimestamp(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? nowIso() : new Date(time).toISOString();
}

function currentUser(): string {
  if (process.env.LANDGATE_USER) return process.env.LANDGATE_USER;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function auditHash(prevHash: string, seq: number, at: string, user: string, action: string, detailJson: string): string {
  return sha256(`${prevHash}\n${JSON.stringify([seq, at, user, action, detailJson])}`);
}

/** Only these SQLite files are GeoPackages we can open: magic header "SQLite format 3\0". */
function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const n = readSync(fd, header, 0, 16, 0);
    return n === 16 && header.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}

/**
 * Column names and types of a new layer from the features' properties, one feature at a time (a
 * streamed import runs it over the attributes before writing): keys in first-seen order, `id`
 * first and always text; a column is boolean / integer / real / text when every present value is
 * of that kind, json otherwise, text when no value is present.
 */
export class ColumnInference {
  private readonly stats = new Map<string, { present: number; boolean: number; finite: number; integer: number; string: number }>([['id', { present: 0, boolean: 0, finite: 0, integer: 0, string: 0 }]]);

  add(properties: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(properties)) {
      if (key === '') continue;
      let stat = this.stats.get(key);
      if (!stat) this.stats.set(key, (stat = { present: 0, boolean: 0, finite: 0, integer: 0, string: 0 }));
      if (value === null || value === undefined) continue;
      stat.present++;
      if (typeof value === 'boolean') stat.boolean++;
      else if (typeof value === 'number' && Number.isFinite(value)) {
        stat.finite++;
        if (Number.isSafeInteger(value)) stat.integer++;
      } else if (typeof value === 'string') stat.string++;
    }
  }

  columns(): Array<{ key: string; type: ColumnType }> {
    return [...this.stats].map(([key, s]) => {
      let type: ColumnType;
      if (key === 'id' || s.present === 0) type = 'text';
      else if (s.boolean === s.present) type = 'boolean';
      else if (s.finite === s.present) type = s.integer === s.present ? 'integer' : 'real';
      else if (s.string === s.present) type = 'text';
      else type = 'json';
      return { key, type };
    });
  }
}

/** The type ColumnInference gives one key with these values. */
function inferColumnType(key: string, values: unknown[]): ColumnType {
  const inference = new ColumnInference();
  for (const value of values) inference.add({ [key]: value });
  return inference.columns().find((c) => c.key === key)?.type ?? 'text';
}

function toSqlValue(value: unknown, type: ColumnType): string | number | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'text':
      return String(value);
    case 'integer':
    case 'real':
      return value as number;
    case 'boolean':
      return value ? 1 : 0;
    case 'json':
      return JSON.stringify(value);
  }
}

function fromSqlValue(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'text':
      return String(value);
    case 'integer':
    case 'real':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'boolean':
      return value === 1 || value === 1n || value === '1' || value === true;
    case 'json':
      return JSON.parse(String(value));
  }
}

type GeometryFamily = 'point' | 'line' | 'polygon';

function familyOf(geometry: Geometry): GeometryFamily | null {
  switch (geometry.type) {
    case 'Point':
    case 'MultiPoint':
      return 'point';
    case 'LineString':
    case 'MultiLineString':
      return 'line';
    case 'Polygon':
    case 'MultiPolygon':
      return 'polygon';
    default:
      return null;
  }
}

/** Polygon → MultiPolygon, LineString → MultiLineString (Points stay Points unless the table is MULTIPOINT). */
function promote(geometry: Geometry, tableType: GpkgGeometryType): Geometry {
  if (geometry.type === 'Polygon' && (tableType === 'MULTIPOLYGON' || tableType === 'GEOMETRY')) return { type: 'MultiPolygon', coordinates: [geometry.coordinates] };
  if (geometry.type === 'LineString' && (tableType === 'MULTILINESTRING' || tableType === 'GEOMETRY')) return { type: 'MultiLineString', coordinates: [geometry.coordinates] };
  if (geometry.type === 'Point' && tableType === 'MULTIPOINT') return { type: 'MultiPoint', coordinates: [geometry.coordinates] };
  return geometry;
}

function layerTableSql(table: string, columns: ColumnSpec[], geometryType: GpkgGeometryType): string {
  const cols = columns.map((c) => `, ${quoteId(c.column)} ${SQL_TYPE[c.type]}`).join('');
  return `CREATE TABLE ${quoteId(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${geometryType}${cols})`;
}

/** The standard GeoPackage 1.3 R*Tree triggers (spec Annex F.3) for `<t>.geom`, key `fid`. */
function rtreeSql(table: string): string[] {
  const t = table;
  const rt = quoteId(`rtree_${t}_geom`);
  const qt = quoteId(t);
  const values = 'NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)';
  return [
    `CREATE VIRTUAL TABLE ${rt} USING rtree(id, minx, maxx, miny, maxy)`,
    `CREATE TRIGGER ${quoteId(`rtree_${t}_geom_insert`)} AFTER INSERT ON ${qt} WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO ${rt} VALUES (${values}); END`,
    `CREATE TRIGGER ${quoteId(`rtree_${t}_geom_update1`)} AFTER UPDATE OF geom ON ${qt} WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO ${rt} VALUES (${values}); END`,
    `CREATE TRIGGER ${quoteId(`rtree_${t}_geom_update2`)} AFTER UPDATE OF geom ON ${qt} WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM ${rt} WHERE id = OLD.fid; END`,
    `CREATE TRIGGER ${quoteId(`rtree_${t}_geom_update3`)} AFTER UPDATE ON ${qt} WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM ${rt} WHERE id = OLD.fid; INSERT OR REPLACE INTO ${rt} VALUES (${values}); END`,
    `CREATE TRIGGER ${quoteId(`rtree_${t}_geom_update4`)} AFTER UPDATE ON ${qt} WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM ${rt} WHERE id IN (OLD.fid, NEW.fid); END`,
    `CREATE TRIGGER ${quoteId(`rtree_${t}_geom_delete`)} AFTER DELETE ON ${qt} WHEN old.geom NOT NULL BEGIN DELETE FROM ${rt} WHERE id = OLD.fid; END`,
  ];
}

/** The index behind every lookup by feature id (a parcel picked in the list, checked, reviewed). */
export function idIndexSql(table: string, columns: readonly { key: string; column: string }[]): string {
  const idColumn = columns.find((c) => c.key === 'id');
  return idColumn ? `CREATE INDEX IF NOT EXISTS ${quoteId(`${table}_landgate_id`)} ON ${quoteId(table)} (${quoteId(idColumn.column)})` : '';
}

/** The rows GeoPackage requires (-1, 0, 4326) plus our EPSG:4490; existing rows are kept. */
function insertRequiredSrs(db: Database.Database) {
  const srs = db.prepare('INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)');
  srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
  srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
  srs.run('WGS 84 geodetic', 4326, 'EPSG', 4326, WKT_4326, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
  srs.run('China Geodetic Coordinate System 2000', PROJECT_SRS_ID, 'EPSG', 4490, WKT_4490, 'CGCS2000 longitude/latitude (LandGate project CRS)');
}

/** SQL functions the standard R*Tree triggers call (GDAL/QGIS provide their own). */
function registerGpkgFunctions(db: Database.Database) {
  const envelope = (blob: unknown) => {
    if (!(blob instanceof Uint8Array)) return null;
    try {
      return gpkgBlobEnvelope(blob);
    } catch {
      return null;
    }
  };
  const opts = { deterministic: true } as const;
  db.function('ST_IsEmpty', opts, (blob: unknown) => {
    if (blob === null) return null;
    const env = envelope(blob);
    return env === null || env.empty ? 1 : 0;
  });
  db.function('ST_MinX', opts, (blob: unknown) => envelope(blob)?.minX ?? null);
  db.function('ST_MaxX', opts, (blob: unknown) => envelope(blob)?.maxX ?? null);
  db.function('ST_MinY', opts, (blob: unknown) => envelope(blob)?.minY ?? null);
  db.function('ST_MaxY', opts, (blob: unknown) => envelope(blob)?.maxY ?? null);
}

interface LayerRow {
  table_name: string;
  kind: string;
  title: string;
  source_file: string | null;
  original_crs: string;
  imported_at: string;
  columns: string;
}

/**
 * The desktop app runs under Electron's ABI while the CLI and tests run under Node's: `npm start`
 * builds a separate Electron copy of the addon and names it here, so the Node copy in
 * node_modules is never replaced.
 */
function sqliteOptions(): Database.Options {
  const binding = process.env.LANDGATE_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}

/** Audit action of a new layer: `import` (from a file) or `layer-create` (made in the app, e.g. 绘制地块). */
export type LayerAuditAction = 'import' | 'layer-create';

export class ProjectStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly readonly: boolean;
  private closed = false;

  private constructor(path: string, db: Database.Database, readonly: boolean) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
  }

  // -------------------------------------------------------------------------------------------
  // Opening

  static create(path: string, options: { title?: string; synthetic?: boolean; createdAt?: string } = {}): ProjectStore {
    const absolute = resolve(path);
    const name = basename(absolute);
    if (existsSync(absolute)) {
      throw new UserInputError('project.exists', `项目文件“${name}”已存在，不会覆盖。请换一个文件名或先删除它。`, `Project file "${absolute}" already exists; refusing to overwrite it.`);
    }
    let db: Database.Database;
    try {
      db = new Database(absolute, sqliteOptions());
    } catch (error) {
      throw new UserInputError('project.create-failed', `无法创建项目文件“${name}”：${(error as Error).message}`, `Cannot create project file "${absolute}": ${(error as Error).message}`);
    }
    registerGpkgFunctions(db);
    try {
      db.pragma(`application_id = ${GPKG_APPLICATION_ID}`);
      db.pragma(`user_version = ${GPKG_USER_VERSION}`);
      db.pragma('journal_mode = WAL');
      const store = new ProjectStore(absolute, db, false);
      const createdAt = options.createdAt ?? nowIso();
      db.transaction(() => {
        db.exec(GPKG_CORE_SQL);
        insertRequiredSrs(db);
        store.ensureLandgateSchema(createdAt);
        store.setMetaRaw('title', options.title ?? name.replace(/\.gpkg$/i, ''));
        store.setMetaRaw('synthetic', options.synthetic ? 'true' : 'false');
        store.appendAuditRaw({ action: 'create', detail: { title: options.title ?? null, synthetic: !!options.synthetic }, at: createdAt });
      })();
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  static open(path: string, options: { readonly?: boolean } = {}): ProjectStore {
    const absolute = resolve(path);
    const name = basename(absolute);
    const notProject = (reason: string, reasonEn: string) =>
      new UserInputError('project.invalid', `文件“${name}”不是 LandGate 项目（GeoPackage）：${reason}`, `"${absolute}" is not a LandGate project (GeoPackage): ${reasonEn}`);
    if (!existsSync(absolute) || !statSync(absolute).isFile()) {
      throw new UserInputError('project.not-found', `项目文件“${name}”不存在（${absolute}）。`, `Project file "${absolute}" does not exist.`);
    }
    if (!hasSqliteHeader(absolute)) throw notProject('不是 SQLite 数据库文件。', 'not an SQLite database.');
    const readonly = !!options.readonly;
    let db: Database.Database;
    try {
      db = new Database(absolute, { ...sqliteOptions(), readonly, fileMustExist: true });
    } catch (error) {
      throw notProject(`无法打开（${(error as Error).message}）。`, `cannot open (${(error as Error).message}).`);
    }
    try {
      registerGpkgFunctions(db);
      const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view')").all() as { name: string }[]).map((r) => r.name));
      if (!tables.has('gpkg_contents') || !tables.has('gpkg_spatial_ref_sys') || !tables.has('gpkg_geometry_columns')) {
        throw notProject('缺少 GeoPackage 系统表（gpkg_contents / gpkg_spatial_ref_sys / gpkg_geometry_columns）。', 'missing the GeoPackage core tables.');
      }
      if (tables.has('landgate_meta')) {
        const row = db.prepare("SELECT value FROM landgate_meta WHERE key = 'schemaVersion'").get() as { value: string } | undefined;
        const version = row ? Number(row.value) : NaN;
        if (!Number.isInteger(version)) throw notProject('landgate_meta 表缺少 schemaVersion。', 'landgate_meta has no schemaVersion.');
        if (version > SCHEMA_VERSION) {
          throw notProject(`由更新版本的 LandGate 创建（数据版本 ${version}，本程序支持 ${SCHEMA_VERSION}），请升级后再打开。`, `written by a newer LandGate (schema ${version} > ${SCHEMA_VERSION}).`);
        }
      }
      if (!readonly) db.pragma('journal_mode = WAL');
      return new ProjectStore(absolute, db, readonly);
    } catch (error) {
      db.close();
      if (error instanceof UserInputError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw notProject('文件已损坏或不是数据库。', 'corrupt or not a database.');
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Schema

  private hasTable(name: string): boolean {
    return !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND lower(name) = lower(?)").get(name);
  }

  /** Creates our tables (idempotent). Adopting a plain GeoPackage happens here, on first write. */
  private ensureLandgateSchema(createdAt?: string) {
    if (this.readonly) {
      throw new UserInputError('project.readonly', `项目文件“${basename(this.path)}”以只读方式打开，不能写入。`, `Project "${this.path}" is open read-only.`);
    }
    if (this.hasTable('landgate_audit')) return;
    const db = this.db;
    insertRequiredSrs(db); // an adopted GeoPackage may lack EPSG:4490
    db.exec(LANDGATE_SQL);
    for (const table of APPEND_ONLY_TABLES) {
      db.exec(`CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
      db.exec(`CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
    }
    const at = createdAt ?? nowIso();
    const contents = db.prepare("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, ?, ?)");
    const descriptions: Record<(typeof LANDGATE_TABLES)[number], string> = {
      landgate_meta: 'LandGate 项目信息',
      landgate_layers: 'LandGate 图层信息（类型、来源文件、原坐标系）',
      landgate_audit: 'LandGate 审计日志（只追加，哈希链）',
      landgate_checks: 'LandGate 审查记录',
      landgate_check_parcels: 'LandGate 地块查询记录（污染地块信息系统）',
      landgate_parcel_verdicts: 'LandGate 地块最新审查结论',
    };
    for (const table of LANDGATE_TABLES) contents.run(table, table, descriptions[table], gpkgTimestamp(at));
    this.setMetaRaw('schemaVersion', String(SCHEMA_VERSION));
    this.setMetaRaw('application', 'LandGate');
    if (!this.getMeta('created')) this.setMetaRaw('created', at);
  }

  // -------------------------------------------------------------------------------------------
  // Project and layer info

  info(): ProjectInfo {
    return {
      path: this.path,
      title: this.getMeta('title') ?? basename(this.path).replace(/\.gpkg$/i, ''),
      synthetic: this.getMeta('synthetic') === 'true',
      layers: this.listLayers(),
    };
  }

  private layerRows(): LayerRow[] {
    if (!this.hasTable('landgate_layers')) return [];
    return this.db.prepare('SELECT table_name, kind, title, source_file, original_crs, imported_at, columns FROM landgate_layers ORDER BY id').all() as LayerRow[];
  }

  private layerRow(table: string): LayerRow | undefined {
    if (!this.hasTable('landgate_layers')) return undefined;
    return this.db.prepare('SELECT table_name, kind, title, source_file, original_crs, imported_at, columns FROM landgate_layers WHERE table_name = ?').get(table) as LayerRow | undefined;
  }

  private layerInfoOf(row: LayerRow): LayerInfo {
    const contents = this.db.prepare('SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?').get(row.table_name) as
      | { min_x: number | null; min_y: number | null; max_x: number | null; max_y: number | null }
      | undefined;
    const geometry = this.db.prepare('SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?').get(row.table_name) as { geometry_type_name: string } | undefined;
    const count = this.db.prepare(`SELECT count(*) AS n FROM ${quoteId(row.table_name)}`).get() as { n: number };
    const bbox: BBox | null =
      contents && contents.min_x !== null && contents.min_y !== null && contents.max_x !== null && contents.max_y !== null
        ? [contents.min_x, contents.min_y, contents.max_x, contents.max_y]
        : null;
    return {
      table: row.table_name,
      kind: row.kind as LayerKind,
      title: row.title,
      featureCount: Number(count.n),
      geometryType: (geometry?.geometry_type_name.toUpperCase() ?? 'GEOMETRY') as GpkgGeometryType,
      bbox,
      sourceFile: row.source_file,
      originalCrs: row.original_crs,
      importedAt: row.imported_at,
    };
  }

  listLayers(): LayerInfo[] {
    return this.layerRows().map((row) => this.layerInfoOf(row));
  }

  getLayer(table: string): LayerInfo {
    const row = this.layerRow(table);
    if (!row) throw this.unknownLayer(table);
    return this.layerInfoOf(row);
  }

  private unknownLayer(table: string): UserInputError {
    const known = this.layerRows().map((r) => r.table_name);
    return new UserInputError(
      'layer.unknown',
      `项目“${basename(this.path)}”中没有图层“${table}”。现有图层：${known.length ? known.join('、') : '（无）'}。`,
      `No layer "${table}" in project "${this.path}". Layers: ${known.join(', ') || '(none)'}.`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Features

  /** Every feature of a layer (or those in a box) as GeoJSON: for whole-layer work (sweep, exports), never an interactive path. */
  readFeatures(table: string, options: { bbox?: BBox } = {}): FeatureCollection {
    const features = this.requestFeatures(table, options.bbox ? { bbox: options.bbox } : {}).map(toGeoJsonFeature);
    return { type: 'FeatureCollection', features };
  }

  /** The features a request asks for (electron/services/store/feature-request.ts). */
  requestFeatures(table: string, request: FeatureRequest = {}): StoredFeature[] {
    return [...this.iterateFeatures(table, request)];
  }

  /** Like requestFeatures, one row at a time: a caller that stops early reads no further. */
  *iterateFeatures(table: string, request: FeatureRequest = {}): Generator<StoredFeature> {
    const { columns, wanted } = this.requestColumns(table, request);
    const withGeometry = request.geometry !== false;
    const select = ['t.fid AS fid', ...(withGeometry ? ['t.geom AS geom'] : []), ...wanted.map((c) => `t.${quoteId(c.column)} AS ${quoteId(`c:${c.key}`)}`)].join(', ');
    const { sql, params } = requestSql(table, columns, request, select);
    for (const r of this.db.prepare(sql).iterate(...params) as IterableIterator<Record<string, unknown>>) {
      const properties: Record<string, unknown> = {};
      for (const c of wanted) {
        const value = fromSqlValue(r[`c:${c.key}`], c.type);
        if (value !== undefined) properties[c.key] = value;
      }
      const fid = Number(r.fid);
      const id = featureIdOf(properties, fid);
      properties.id = id;
      const geometry = withGeometry && r.geom instanceof Uint8Array ? decodeGpkgGeometry(r.geom) : null;
      yield { fid, id, properties, geometry };
    }
  }

  /** How many features a request matches (its limit and offset ignored). */
  countFeatures(table: string, request: FeatureRequest = {}): number {
    const { columns } = this.requestColumns(table, request);
    const { sql, params } = countSql(table, columns, request);
    return Number((this.db.prepare(sql).get(...params) as { n: number }).n);
  }

  /** One feature by the id users know it by (parcel number, patch number, else fid); null when none. */
  featureById(table: string, id: string, options: Pick<FeatureRequest, 'geometry' | 'attributes'> = {}): StoredFeature | null {
    const hits = this.requestFeatures(table, { ...options, ids: [id], limit: 2 });
    if (hits.length > 1) {
      throw new UserInputError('layer.duplicate-id', `图层“${table}”中有多个要素的编号都是“${id}”，无法确定是哪一个。`, `Layer "${table}" has several features with id "${id}".`);
    }
    return hits[0] ?? null;
  }

  /** The layer's columns, and those a request returns; unknown keys in the request are refused by name. */
  private requestColumns(table: string, request: FeatureRequest): { columns: ColumnSpec[]; wanted: ColumnSpec[] } {
    const row = this.layerRow(table);
    if (!row) throw this.unknownLayer(table);
    const columns = JSON.parse(row.columns) as ColumnSpec[];
    const known = new Set(['fid', 'id', ...columns.map((c) => c.key)]);
    const asked = [...(request.filters ?? []).map((f) => f.key), ...(request.orderBy ?? []).map((o) => o.key)];
    const unknown = asked.filter((key) => !known.has(key));
    if (unknown.length) {
      throw new UserInputError('layer.unknown-field', `图层“${table}”没有字段：${unknown.join('、')}。`, `Layer "${table}" has no field(s): ${unknown.join(', ')}.`);
    }
    const wanted = request.attributes ? columns.filter((c) => c.key === 'id' || request.attributes!.includes(c.key)) : columns;
    return { columns, wanted };
  }

  writeLayer(input: {
    table: string;
    kind: LayerKind;
    title?: string;
    sourceFile: string | null;
    originalCrs: string;
    features: Feature[];
    /** ISO timestamp recorded as the import time (default now); the demo passes a fixed one. */
    importedAt?: string;
    /** What the audit says happened: a file was imported (default), or an empty layer was created for drawing. */
    auditAction?: LayerAuditAction;
  }): LayerInfo {
    this.checkLayerName(input.table, input.kind);
    const geometryType = this.tableGeometryType(input.kind, input.features, input.table);
    const inference = new ColumnInference();
    for (const feature of input.features) inference.add(feature.properties ?? {});
    return this.transaction(() => {
      const writer = this.beginLayer({ ...input, columns: inference.columns(), geometryType });
      writer.write(input.features);
      return writer.finish();
    });
  }

  private checkLayerName(table: string, kind: LayerKind): void {
    if (!TABLE_NAME_RE.test(table) || RESERVED_PREFIXES.some((p) => table.startsWith(p))) {
      throw new UserInputError(
        'layer.invalid-name',
        `图层名“${table}”无效：只能用小写英文字母、数字和下划线，以字母开头，最长 63 个字符，且不能以 gpkg_、rtree_、landgate_、sqlite_ 开头。`,
        `Invalid layer name "${table}": use [a-z][a-z0-9_]{0,62}, not starting with gpkg_/rtree_/landgate_/sqlite_.`,
      );
    }
    if (!isLayerKind(kind)) {
      throw new UserInputError('layer.invalid-kind', `未知的图层类型“${String(kind)}”。`, `Unknown layer kind "${String(kind)}".`);
    }
  }

  /**
   * The streamed half of writeLayer, for imports that must not hold all features (huge
   * shapefiles): creates the table with the given columns and geometry type, then `write` adds
   * batches and `finish` records the layer (extent, metadata, audit). Must run inside
   * `transaction()`, so a refusal after some batches still leaves the project unchanged.
   */
  beginLayer(input: {
    table: string;
    kind: LayerKind;
    title?: string;
    sourceFile: string | null;
    originalCrs: string;
    /** Every property key the features will carry, with its type (ColumnInference). */
    columns: Array<{ key: string; type: ColumnType }>;
    geometryType: GpkgGeometryType;
    importedAt?: string;
    auditAction?: LayerAuditAction;
  }): { write(features: Feature[]): void; finish(): LayerInfo } {
    const { table, kind, geometryType } = input;
    this.checkLayerName(table, kind);
    if (!this.db.inTransaction) throw new Error('beginLayer must run inside transaction()');
    const projectName = basename(this.path);
    const importedAt = input.importedAt ?? nowIso();
    const usedColumns = new Set(['fid', 'geom']);
    const columns: ColumnSpec[] = input.columns.map(({ key, type }) => {
      let column = key;
      let n = 2;
      while (usedColumns.has(column.toLowerCase())) column = `${key}_${n++}`;
      usedColumns.add(column.toLowerCase());
      return { key, column, type };
    });
    const known = new Set(columns.map((c) => c.key));

    this.ensureLandgateSchema();
    if (this.hasTable(table)) {
      throw new UserInputError('layer.exists', `项目“${projectName}”中已有图层“${table}”。请用另一个图层名（--name）。`, `Layer "${table}" already exists in "${this.path}".`);
    }
    const db = this.db;
    db.prepare('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?, ?, ?, ?, ?, ?)').run(
      table,
      'features',
      table,
      input.title ?? table,
      gpkgTimestamp(importedAt),
      PROJECT_SRS_ID,
    );
    db.exec(layerTableSql(table, columns, geometryType));
    db.prepare('INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ?, 0, 0)').run(table, 'geom', geometryType, PROJECT_SRS_ID);
    for (const sql of rtreeSql(table)) db.exec(sql);
    db.exec(idIndexSql(table, columns));
    db.prepare("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, 'geom', 'gpkg_rtree_index', ?, 'write-only')").run(table, RTREE_EXTENSION_DEFINITION);
    const insert = db.prepare(`INSERT INTO ${quoteId(table)} (geom${columns.map((c) => `, ${quoteId(c.column)}`).join('')}) VALUES (?${', ?'.repeat(columns.length)})`);

    let count = 0;
    let bbox: BBox | null = null;
    return {
      write: (features) => {
        for (const feature of features) {
          const index = count++;
          if (!feature.geometry) {
            throw new UserInputError('layer.null-geometry', `第 ${index + 1} 个要素没有几何图形，不能写入图层“${table}”。`, `Feature ${index + 1} has no geometry (layer "${table}").`);
          }
          let finite = true;
          forEachPosition(feature.geometry, (p) => {
            if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) finite = false;
          });
          if (!finite) {
            throw new UserInputError('layer.bad-coordinate', `第 ${index + 1} 个要素含有非数值坐标，不能写入图层“${table}”。`, `Feature ${index + 1} has non-finite coordinates (layer "${table}").`);
          }
          const properties: Record<string, unknown> = { ...(feature.properties ?? {}) };
          if (properties.id === undefined || properties.id === null || String(properties.id).trim() === '') {
            properties.id = feature.id;
          }
          // Stored trimmed, so a lookup by id is an equality on the indexed column.
          properties.id = featureIdOf(properties, index + 1);
          for (const key of Object.keys(properties)) {
            // the columns come from a first pass over the same attributes; a key it did not see is a bug, not data to drop
            if (key !== '' && !known.has(key)) throw new Error(`beginLayer: property "${key}" of feature ${index + 1} has no column`);
          }
          const geometry = promote(feature.geometry, geometryType);
          const e = geometryEnvelope(geometry);
          if (e) bbox = bbox ? [Math.min(bbox[0], e[0]), Math.min(bbox[1], e[1]), Math.max(bbox[2], e[2]), Math.max(bbox[3], e[3])] : [e[0], e[1], e[2], e[3]];
          insert.run(encodeGpkgGeometry(geometry, PROJECT_SRS_ID), ...columns.map((c) => toSqlValue(properties[c.key], c.type)));
        }
      },
      finish: () => {
        const box = bbox as BBox | null;
        db.prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?').run(box?.[0] ?? null, box?.[1] ?? null, box?.[2] ?? null, box?.[3] ?? null, table);
        db.prepare('INSERT INTO landgate_layers (table_name, kind, title, source_file, original_crs, imported_at, columns) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          table,
          kind,
          input.title ?? table,
          input.sourceFile,
          input.originalCrs,
          importedAt,
          JSON.stringify(columns),
        );
        this.appendAuditRaw({
          action: input.auditAction ?? 'import',
          at: importedAt,
          detail: { table, kind, title: input.title ?? table, sourceFile: input.sourceFile, originalCrs: input.originalCrs, featureCount: count, geometryType },
        });
        return this.getLayer(table);
      },
    };
  }

  /** Table geometry type for a kind whose features have these geometry types (streamed imports know them from the file header). */
  static geometryTypeFor(kind: LayerKind, types: readonly Geometry['type'][]): GpkgGeometryType {
    const expected = LAYER_KIND_GEOMETRY[kind];
    if (expected === 'point') return types.includes('MultiPoint') ? 'MULTIPOINT' : 'POINT';
    if (expected === 'polygon') return 'MULTIPOLYGON';
    const families = new Set(types.map((t) => familyOf({ type: t } as Geometry)).filter((f) => f === 'line' || f === 'polygon'));
    if (families.size === 1 && families.has('line')) return 'MULTILINESTRING';
    if (families.size === 2) return 'GEOMETRY';
    return 'MULTIPOLYGON';
  }

  private tableGeometryType(kind: LayerKind, features: Feature[], table: string): GpkgGeometryType {
    const expected = LAYER_KIND_GEOMETRY[kind];
    const families = new Set<GeometryFamily>();
    let multiPoint = false;
    features.forEach((feature, index) => {
      if (!feature.geometry) return; // reported with its number when rows are built
      const family = familyOf(feature.geometry);
      const ok = family !== null && (expected === 'point' ? family === 'point' : expected === 'polygon' ? family === 'polygon' : family === 'line' || family === 'polygon');
      if (!ok) {
        const want = expected === 'point' ? '点' : expected === 'polygon' ? '面' : '线或面';
        throw new UserInputError(
          'layer.geometry-type',
          `第 ${index + 1} 个要素的几何类型是 ${feature.geometry.type}，而图层“${table}”（${kind}）要求${want}。`,
          `Feature ${index + 1} is a ${feature.geometry.type}; layer "${table}" (${kind}) needs ${expected} geometries.`,
        );
      }
      families.add(family!);
      if (feature.geometry.type === 'MultiPoint') multiPoint = true;
    });
    if (expected === 'point') return multiPoint ? 'MULTIPOINT' : 'POINT';
    if (expected === 'polygon') return 'MULTIPOLYGON';
    if (families.size === 1 && families.has('line')) return 'MULTILINESTRING';
    if (families.size === 2) return 'GEOMETRY';
    return 'MULTIPOLYGON';
  }

  // -------------------------------------------------------------------------------------------
  // Audit log

  appendAudit(entry: { action: string; detail: unknown; user?: string; at?: string }): void {
    this.transaction(() => {
      this.ensureLandgateSchema();
      this.appendAuditRaw(entry);
    });
  }

  private appendAuditRaw(entry: { action: string; detail: unknown; user?: string; at?: string }): void {
    const last = this.db.prepare('SELECT seq, hash FROM landgate_audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const at = entry.at ?? nowIso();
    const user = entry.user ?? currentUser();
    const detailJson = JSON.stringify(entry.detail ?? null);
    const hash = auditHash(prevHash, seq, at, user, entry.action, detailJson);
    this.db.prepare('INSERT INTO landgate_audit (seq, at, user, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(seq, at, user, entry.action, detailJson, prevHash, hash);
    this.setMetaRaw('auditHead', `${seq}:${hash}`);
  }

  private auditRows() {
    return this.db.prepare('SELECT seq, at, user, action, detail, prev_hash, hash FROM landgate_audit ORDER BY seq').all() as {
      seq: number;
      at: string;
      user: string;
      action: string;
      detail: string;
      prev_hash: string;
      hash: string;
    }[];
  }

  listAudit(): AuditEntry[] {
    if (!this.hasTable('landgate_audit')) return [];
    const rows = this.auditRows();
    return rows.map((r) => ({ seq: r.seq, at: r.at, user: r.user, action: r.action, detail: safeJson(r.detail), prevHash: r.prev_hash, hash: r.hash }));
  }

  /**
   * Recomputes the hash chain. Detects an edited row (its hash no longer matches), a deleted or
   * inserted row (sequence gap / broken prev_hash link) and a truncated tail (the head recorded
   * in landgate_meta no longer matches).
   */
  verifyAudit(): { ok: boolean; firstBadSeq?: number } {
    if (!this.hasTable('landgate_audit')) return { ok: true };
    const rows = this.auditRows();
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    for (const r of rows) {
      if (r.seq !== expectedSeq || r.prev_hash !== prevHash || auditHash(r.prev_hash, r.seq, r.at, r.user, r.action, r.detail) !== r.hash) {
        return { ok: false, firstBadSeq: Number(r.seq) };
      }
      prevHash = r.hash;
      expectedSeq++;
    }
    const head = this.getMeta('auditHead');
    if (head !== undefined && head !== `${expectedSeq - 1}:${prevHash}`) {
      const headSeq = Number(head.split(':')[0]);
      return { ok: false, firstBadSeq: Number.isInteger(headSeq) ? Math.min(headSeq, expectedSeq) : expectedSeq };
    }
    return { ok: true };
  }

  // -------------------------------------------------------------------------------------------
  // Check records

  recordCheck(report: CheckReport, context: { parcelTable: string | null; parcelsSource: string; trigger: 'ui' | 'cli' }): number {
    return this.transaction(() => {
      this.ensureLandgateSchema();
      const recordedAt = nowIso();
      const user = currentUser();
      const result = this.db
        .prepare(
          'INSERT INTO landgate_checks (checked_at, recorded_at, user, profile, profile_version, parcel_table, parcels_source, trigger_source, parcel_count, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(report.checkedAt, recordedAt, user, report.profile, report.profileVersion ?? null, context.parcelTable, context.parcelsSource, context.trigger, report.parcels.length, JSON.stringify(report));
      const checkId = Number(result.lastInsertRowid);
      const insertParcel = this.db.prepare(
        'INSERT INTO landgate_check_parcels (check_id, parcel_id, parcel_name, checked_at, profile, verdict, suspect_hits, contaminated_hits, findings_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
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
          JSON.stringify(parcel.findings),
        );
        verdicts[parcel.verdict] = (verdicts[parcel.verdict] ?? 0) + 1;
      }
      if (context.parcelTable !== null) this.recordLatestVerdicts(context.parcelTable, checkId, report.checkedAt, report.parcels);
      this.appendAuditRaw({
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
    const upsert = this.db.prepare(
      'INSERT INTO landgate_parcel_verdicts (parcel_table, parcel_id, verdict, check_id, checked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(parcel_table, parcel_id) DO UPDATE SET verdict = excluded.verdict, check_id = excluded.check_id, checked_at = excluded.checked_at',
    );
    for (const parcel of parcels) upsert.run(parcelTable, parcel.id, parcel.verdict, checkId, checkedAt);
  }

  /** Latest recorded verdicts of these parcels (absent = never checked). */
  latestVerdicts(parcelTable: string, ids: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (!this.hasTable('landgate_parcel_verdicts') || ids.length === 0) return out;
    const select = this.db.prepare(`SELECT parcel_id, verdict FROM landgate_parcel_verdicts WHERE parcel_table = ? AND parcel_id IN (${ids.map(() => '?').join(',')})`);
    for (const row of select.all(parcelTable, ...ids) as { parcel_id: string; verdict: string }[]) out.set(row.parcel_id, row.verdict);
    return out;
  }

  /** Addition: stored check runs, newest last. */
  listChecks(): CheckRecord[] {
    if (!this.hasTable('landgate_checks')) return [];
    const rows = this.db.prepare('SELECT id, checked_at, recorded_at, user, profile, profile_version, parcel_table, parcels_source, trigger_source, parcel_count FROM landgate_checks ORDER BY id').all() as Record<string, unknown>[];
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

  /** Addition: the full report of a stored check. */
  getCheckReport(checkId: number): CheckReport {
    const row = this.hasTable('landgate_checks') ? (this.db.prepare('SELECT report_json FROM landgate_checks WHERE id = ?').get(checkId) as { report_json: string } | undefined) : undefined;
    if (!row) throw new UserInputError('check.unknown', `项目中没有编号为 ${checkId} 的审查记录。`, `No check record ${checkId}.`);
    return JSON.parse(row.report_json) as CheckReport;
  }

  /** Addition: the per-parcel query records (optionally of one parcel id), oldest first. */
  listCheckParcels(filter: { parcelId?: string; checkId?: number } = {}): CheckParcelRecord[] {
    if (!this.hasTable('landgate_check_parcels')) return [];
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
    const rows = this.db
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

  // -------------------------------------------------------------------------------------------
  // Project profiles (issue 4): copied / imported rule profiles travel inside the project file.
  // The JSON is stored as given (validated by electron/services/profiles.ts before saving and on
  // every load); each save is an audit entry.

  /** Addition (issue 4): the project's own profiles, as stored JSON text, sorted by id. */
  listProjectProfiles(): { id: string; json: string; updatedAt: string }[] {
    if (!this.hasTable('landgate_profiles')) return [];
    const rows = this.db.prepare('SELECT id, json, updated_at FROM landgate_profiles ORDER BY id').all() as { id: string; json: string; updated_at: string }[];
    return rows.map((r) => ({ id: r.id, json: r.json, updatedAt: r.updated_at }));
  }

  /** Addition (issue 4): insert or replace a project profile (validated JSON text). */
  saveProjectProfile(id: string, json: string, action: 'profile-save' | 'profile-import' = 'profile-save'): void {
    this.transaction(() => {
      this.ensureLandgateSchema();
      this.db.exec('CREATE TABLE IF NOT EXISTS landgate_profiles (id TEXT PRIMARY KEY NOT NULL, json TEXT NOT NULL, updated_at TEXT NOT NULL)');
      const at = nowIso();
      const existed = this.db.prepare('SELECT 1 FROM landgate_profiles WHERE id = ?').get(id) !== undefined;
      this.db.prepare('INSERT INTO landgate_profiles (id, json, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at').run(id, json, at);
      const parsed = JSON.parse(json) as { version?: unknown; basedOn?: unknown };
      this.appendAuditRaw({ action, at, detail: { profile: id, version: parsed.version ?? null, basedOn: parsed.basedOn ?? null, replaced: existed } });
    });
  }

  /** Addition (issue 4): remove a project profile; false when there was none. */
  deleteProjectProfile(id: string): boolean {
    if (!this.hasTable('landgate_profiles')) return false;
    return this.transaction(() => {
      const changes = this.db.prepare('DELETE FROM landgate_profiles WHERE id = ?').run(id).changes;
      if (changes > 0) this.appendAuditRaw({ action: 'profile-delete', detail: { profile: id } });
      return changes > 0;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Single features (issue 6: parcels drawn or reshaped on the map). Both keep the layer's
  // gpkg_contents extent exact (the R*Tree follows through the standard triggers) and write
  // nothing else: the caller wraps them with its audit entry in one transaction.

  /** The fid of the feature with this id (featureById), or null. */
  findFeatureFid(table: string, id: string): number | null {
    return this.featureById(table, id, { geometry: false, attributes: [] })?.fid ?? null;
  }

  /**
   * Addition (issue 6): appends one feature to an existing layer. Property keys the layer lacks
   * become new columns (recorded in landgate_layers), so a drawn parcel keeps every attribute.
   */
  insertFeature(table: string, feature: Feature): number {
    return this.transaction(() => {
      this.ensureLandgateSchema();
      const row = this.layerRow(table);
      if (!row) throw this.unknownLayer(table);
      const geometry = this.checkedLayerGeometry(table, row.kind as LayerKind, feature.geometry);
      const columns = JSON.parse(row.columns) as ColumnSpec[];
      const properties: Record<string, unknown> = { ...(feature.properties ?? {}) };
      if ((properties.id === undefined || properties.id === null) && feature.id !== undefined && feature.id !== null) properties.id = String(feature.id);
      if (typeof properties.id === 'string') properties.id = properties.id.trim();
      const used = new Set(['fid', 'geom', ...columns.map((c) => c.column.toLowerCase())]);
      let added = false;
      for (const [key, value] of Object.entries(properties)) {
        if (key === '' || columns.some((c) => c.key === key)) continue;
        let column = key;
        let n = 2;
        while (used.has(column.toLowerCase())) column = `${key}_${n++}`;
        used.add(column.toLowerCase());
        const spec: ColumnSpec = { key, column, type: inferColumnType(key, [value]) };
        this.db.exec(`ALTER TABLE ${quoteId(table)} ADD COLUMN ${quoteId(column)} ${SQL_TYPE[spec.type]}`);
        columns.push(spec);
        added = true;
      }
      if (added) this.db.prepare('UPDATE landgate_layers SET columns = ? WHERE table_name = ?').run(JSON.stringify(columns), table);
      const values = columns.map((c) => toSqlValue(this.valueForColumn(properties[c.key], c, table), c.type));
      const result = this.db
        .prepare(`INSERT INTO ${quoteId(table)} (geom${columns.map((c) => `, ${quoteId(c.column)}`).join('')}) VALUES (?${', ?'.repeat(columns.length)})`)
        .run(encodeGpkgGeometry(geometry, PROJECT_SRS_ID), ...values);
      this.refreshLayerExtent(table);
      return Number(result.lastInsertRowid);
    });
  }

  /** Addition (issue 6): replaces the geometry of one feature (by fid); its attributes stay. */
  replaceFeatureGeometry(table: string, fid: number, geometry: Geometry): void {
    this.transaction(() => {
      this.ensureLandgateSchema();
      const row = this.layerRow(table);
      if (!row) throw this.unknownLayer(table);
      const checked = this.checkedLayerGeometry(table, row.kind as LayerKind, geometry);
      const changes = this.db.prepare(`UPDATE ${quoteId(table)} SET geom = ? WHERE fid = ?`).run(encodeGpkgGeometry(checked, PROJECT_SRS_ID), fid).changes;
      if (changes !== 1) throw new UserInputError('layer.unknown-feature', `图层“${table}”中没有要素 ${fid}。`, `Layer "${table}" has no feature ${fid}.`);
      this.refreshLayerExtent(table);
    });
  }

  /** The geometry promoted to the table's declared type, refused when the kind or coordinates do not fit. */
  private checkedLayerGeometry(table: string, kind: LayerKind, geometry: Geometry | null): Geometry {
    if (!geometry) throw new UserInputError('layer.null-geometry', `要素没有几何图形，不能写入图层“${table}”。`, `Feature has no geometry (layer "${table}").`);
    this.tableGeometryType(kind, [{ type: 'Feature', properties: {}, geometry }], table);
    let finite = true;
    forEachPosition(geometry, (p) => {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) finite = false;
    });
    if (!finite) throw new UserInputError('layer.bad-coordinate', `要素含有非数值坐标，不能写入图层“${table}”。`, `Feature has non-finite coordinates (layer "${table}").`);
    const declared = this.db.prepare('SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?').get(table) as { geometry_type_name: string } | undefined;
    return promote(geometry, (declared?.geometry_type_name.toUpperCase() ?? 'GEOMETRY') as GpkgGeometryType);
  }

  /** A form's text for a numeric or boolean column of an imported layer; refused when it is not one. */
  private valueForColumn(value: unknown, column: ColumnSpec, table: string): unknown {
    if (value === null || value === undefined || typeof value !== 'string') return value;
    if (column.type === 'integer' || column.type === 'real') {
      const n = value.trim() === '' ? null : Number(value.trim());
      if (n === null) return null;
      if (Number.isFinite(n) && (column.type === 'real' || Number.isSafeInteger(n))) return n;
    } else if (column.type === 'boolean') {
      if (value.trim() === '') return null;
      const text = value.trim().toLowerCase();
      if (['是', 'true', '1', 'yes'].includes(text)) return true;
      if (['否', 'false', '0', 'no'].includes(text)) return false;
    } else return value;
    throw new UserInputError('layer.value-type', `图层“${table}”的字段“${column.key}”要求${column.type === 'boolean' ? '是/否' : '数值'}，不能写入“${value}”。`, `Layer "${table}" field "${column.key}" needs a ${column.type} value, not "${value}".`);
  }

  /** gpkg_contents extent and last_change from the stored geometries (exact, unlike the float32 R*Tree). */
  private refreshLayerExtent(table: string): void {
    const qt = quoteId(table);
    const e = this.db.prepare(`SELECT min(ST_MinX(geom)) AS minx, min(ST_MinY(geom)) AS miny, max(ST_MaxX(geom)) AS maxx, max(ST_MaxY(geom)) AS maxy FROM ${qt}`).get() as Record<string, number | null>;
    this.db.prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = ? WHERE table_name = ?').run(e.minx, e.miny, e.maxx, e.maxy, nowIso(), table);
  }

  // -------------------------------------------------------------------------------------------
  // Metadata, transactions

  getMeta(key: string): string | undefined {
    if (!this.hasTable('landgate_meta')) return undefined;
    const row = this.db.prepare('SELECT value FROM landgate_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.transaction(() => {
      this.ensureLandgateSchema();
      this.setMetaRaw(key, value);
    });
  }

  private setMetaRaw(key: string, value: string) {
    this.db.prepare('INSERT INTO landgate_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /**
   * Addition (issue 6): the SQLite connection, for companion stores on the same file
   * (electron/services/review). They write only inside `transaction()` and call
   * `ensureWritable()` first.
   */
  connection(): Database.Database {
    return this.db;
  }

  /** Addition (issue 6): throws when read-only; creates the landgate_* schema if missing. */
  ensureWritable(): void {
    this.ensureLandgateSchema();
  }

  /** Runs fn in one transaction (nested calls become savepoints); any throw rolls everything back. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** A stored feature as GeoJSON, its id in `id` and in `properties.id`. */
export function toGeoJsonFeature(feature: StoredFeature): Feature {
  return { type: 'Feature', id: feature.id, properties: feature.properties, geometry: feature.geometry } as Feature;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
