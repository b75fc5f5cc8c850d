/**
 * The project file's schema: the GeoPackage 1.3 core tables GDAL and QGIS read, the standard
 * R*Tree index and its triggers, and LandGate's own `landgate_*` tables. Only the store
 * (electron/services/store/) uses this module.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { gpkgBlobEnvelope } from '../gpkg-binary';
import { quoteId } from './feature-request';
import type { SqlConnection } from './sql';

export const PROJECT_SRS_ID = 4490;
export const GPKG_APPLICATION_ID = 0x47504b47; // 'GPKG'
export const GPKG_USER_VERSION = 10300;
export const GENESIS_HASH = '0'.repeat(64);
export const RTREE_EXTENSION_DEFINITION = 'http://www.geopackage.org/spec120/#extension_rtree';

export const WKT_4490 =
  'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]';
export const WKT_4326 =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

/** Our non-spatial tables, registered in gpkg_contents as 'attributes', with what QGIS shows as their description. */
export const LANDGATE_TABLE_DESCRIPTIONS: Record<string, string> = {
  landgate_meta: 'LandGate 项目信息',
  landgate_layers: 'LandGate 图层信息（类型、来源文件、原坐标系）',
  landgate_audit: 'LandGate 审计日志（只追加，哈希链）',
  landgate_checks: 'LandGate 审查记录',
  landgate_check_results: 'LandGate 审查结果内容（相同结果只存一份，审查记录引用）',
  landgate_check_parcels: 'LandGate 地块查询记录（污染地块信息系统）',
  landgate_parcel_verdicts: 'LandGate 地块最新审查结论',
  landgate_profiles: 'LandGate 项目审查规则配置',
  landgate_sweeps: 'LandGate 全部审查记录',
  landgate_sweep_parcels: 'LandGate 全部审查：逐地块结论与审查发现',
  landgate_document_numbers: 'LandGate 审查意见书文书编号（按年顺序号）',
  layer_styles: 'QGIS 图层样式（LandGate 生成）',
};
/** Tables whose rows may never change: enforced by BEFORE UPDATE / DELETE triggers. */
export const APPEND_ONLY_TABLES = ['landgate_audit', 'landgate_checks', 'landgate_check_parcels', 'landgate_check_results'] as const;

export const GPKG_CORE_SQL = `
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


/**
 * The check records. A click checks the same parcel again and again: what it found (the report
 * without its time, each parcel's findings) is stored once in landgate_check_results, by content
 * hash, and every check row references it, so a repeat adds its query record, not a copy.
 */
export const CHECK_RECORD_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS landgate_check_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256 TEXT NOT NULL UNIQUE,
  json TEXT NOT NULL
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
  report_result INTEGER NOT NULL REFERENCES landgate_check_results(id)
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
  findings_result INTEGER NOT NULL REFERENCES landgate_check_results(id)
);
CREATE INDEX IF NOT EXISTS landgate_check_parcels_parcel ON landgate_check_parcels(parcel_id);`;

/** Stores a check result's JSON once (by its SHA-256) and returns the row that holds it. */
export function storeCheckResult(db: Pick<SqlConnection, 'prepare'> | Database.Database, json: string): number {
  const sha256 = createHash('sha256').update(json).digest('hex');
  db.prepare('INSERT INTO landgate_check_results (sha256, json) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING').run(sha256, json);
  return (db.prepare('SELECT id FROM landgate_check_results WHERE sha256 = ?').get(sha256) as { id: number }).id;
}

/** The stored form of a report: everything but its time, which the check row holds. */
export function storedReportJson(report: { checkedAt: string }): string {
  const { checkedAt: _time, ...rest } = report;
  return JSON.stringify(rest);
}

/** LandGate's tables at the current schema version (a new project); older projects reach it by migrations. */
export const LANDGATE_SQL = `
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
${CHECK_RECORD_TABLES_SQL}
CREATE TABLE IF NOT EXISTS landgate_parcel_verdicts (
  parcel_table TEXT NOT NULL,
  parcel_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  check_id INTEGER NOT NULL,
  checked_at TEXT NOT NULL,
  PRIMARY KEY (parcel_table, parcel_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS landgate_parcel_verdicts_verdict ON landgate_parcel_verdicts(parcel_table, verdict);
CREATE TABLE IF NOT EXISTS landgate_profiles (id TEXT PRIMARY KEY NOT NULL, json TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS landgate_sweeps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile TEXT NOT NULL,
  profile_version TEXT,
  checked_at TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  user TEXT NOT NULL,
  trigger_source TEXT NOT NULL,
  parcel_count INTEGER NOT NULL DEFAULT 0,
  prohibited INTEGER NOT NULL DEFAULT 0,
  conditional INTEGER NOT NULL DEFAULT 0,
  permitted INTEGER NOT NULL DEFAULT 0,
  rule_counts TEXT NOT NULL DEFAULT '{}',
  complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS landgate_sweep_parcels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sweep_id INTEGER NOT NULL REFERENCES landgate_sweeps(id),
  seq INTEGER NOT NULL,
  parcel_table TEXT NOT NULL,
  parcel_id TEXT NOT NULL,
  parcel_name TEXT,
  verdict TEXT NOT NULL,
  rule_ids TEXT NOT NULL,
  finding_count INTEGER NOT NULL,
  area_m2 REAL,
  result_json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS landgate_sweep_parcels_seq ON landgate_sweep_parcels(sweep_id, seq);
CREATE INDEX IF NOT EXISTS landgate_sweep_parcels_verdict ON landgate_sweep_parcels(sweep_id, verdict);
CREATE INDEX IF NOT EXISTS landgate_sweep_parcels_parcel ON landgate_sweep_parcels(parcel_id, parcel_table, sweep_id);
CREATE TABLE IF NOT EXISTS landgate_document_numbers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subject TEXT NOT NULL UNIQUE,
  year INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  number TEXT NOT NULL,
  parcel_table TEXT NOT NULL,
  parcel_id TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  UNIQUE (year, sequence)
);
-- QGIS's layer_styles, as its OGR provider creates it in a GeoPackage (FID column id); store/qgis-styles.ts fills it
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
`;

export function appendOnlyTriggersSql(): string {
  return APPEND_ONLY_TABLES.map(
    (table) =>
      `CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;\n` +
      `CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`,
  ).join('\n');
}

/**
 * Whether a table may be registered in gpkg_contents as an attributes table: GeoPackage requires
 * its primary key to be one INTEGER column (Req 119), which keyed tables such as the latest
 * verdicts (parcel table, parcel id) do not have; those stay unregistered, invisible to GDAL.
 */
export function hasIntegerPrimaryKey(db: Database.Database, table: string): boolean {
  const key = (db.prepare(`PRAGMA table_info(${quoteId(table)})`).all() as { type: string; pk: number }[]).filter((c) => c.pk > 0);
  return key.length === 1 && key[0].type.toUpperCase() === 'INTEGER';
}

/** Registers our tables in gpkg_contents (idempotent); a registered table that may not be is unregistered. */
export function registerLandgateTables(db: Database.Database, at: string): void {
  const contents = db.prepare("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, ?, ?)");
  const existing = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  for (const [table, description] of Object.entries(LANDGATE_TABLE_DESCRIPTIONS)) {
    if (!existing.has(table)) continue;
    if (hasIntegerPrimaryKey(db, table)) contents.run(table, table, description, gpkgTimestamp(at));
    else db.prepare("DELETE FROM gpkg_contents WHERE table_name = ? AND data_type = 'attributes'").run(table);
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** gpkg_contents.last_change must be `%Y-%m-%dT%H:%M:%fZ` (GeoPackage Req 15). */
export function gpkgTimestamp(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? nowIso() : new Date(time).toISOString();
}

/** The standard GeoPackage 1.3 R*Tree triggers (spec Annex F.3) for `<t>.geom`, key `fid`. */
export function rtreeSql(table: string): string[] {
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
export function insertRequiredSrs(db: Database.Database) {
  const srs = db.prepare('INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)');
  srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
  srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
  srs.run('WGS 84 geodetic', 4326, 'EPSG', 4326, WKT_4326, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
  srs.run('China Geodetic Coordinate System 2000', PROJECT_SRS_ID, 'EPSG', 4490, WKT_4490, 'CGCS2000 longitude/latitude (LandGate project CRS)');
}

export const WKT_4979 =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4979"]]';

/**
 * The row the 2D gridded coverage extension requires (WGS 84 geographic 3D, EPSG:4979), written
 * with the DEM: GDAL's validator refuses a project with a DEM without it.
 */
export function insertGriddedCoverageSrs(db: Database.Database) {
  db.prepare('INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)').run(
    'WGS 84 3D',
    4979,
    'EPSG',
    4979,
    WKT_4979,
    'WGS 84 geographic 3D (required by the 2D gridded coverage extension)',
  );
}

/** SQL functions the standard R*Tree triggers call (GDAL/QGIS provide their own). */
export function registerGpkgFunctions(db: Database.Database) {
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

/**
 * The desktop app runs under Electron's ABI while the CLI and tests run under Node's: `npm start`
 * builds a separate Electron copy of the addon and names it here, so the Node copy in
 * node_modules is never replaced.
 */
export function sqliteOptions(): Database.Options {
  const binding = process.env.LANDGATE_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}
