/**
 * Schema migrations of a LandGate project, on both backends. A project written by an older
 * LandGate is upgraded when it is opened for writing, every step in one transaction with the
 * version bump, so a failed step leaves the file (or the shared schema) as it was
 * (tests/integration/project-migration.test.ts opens a committed version-1 project,
 * tests/integration/pg-migration.test.ts a version-5 shared schema).
 *
 * One version number for both backends: a step says what it does to a GeoPackage (`sqlite`) and
 * to a shared schema (`postgres`), and either may be absent when that backend has nothing to do.
 * Shared projects were born at version 5, so steps 2–5 have no PostgreSQL side.
 *
 * Add a step: append a migration with `to` = the new version, raise SCHEMA_VERSION, and update
 * LANDGATE_SQL / PG_TABLES_SQL (and the grants of pg-schema.ts) so a new project is created at
 * the same schema directly. Say in `olderSchemaServes` whether a client at the new version still
 * works on a shared schema that lacks the step (only an administrator may upgrade a shared
 * schema; the others open it as it is when it serves, and are told to ask for the upgrade when
 * it does not).
 */
import type Database from 'better-sqlite3';
import { quoteId } from './feature-request';
import { pgDemTablesSql } from './postgres/pg-schema';
import type { SqlConnection } from './sql';
import { writeAllLayerStyles } from './qgis-styles';
import { appendOnlyTriggersSql, CHECK_RECORD_TABLES_SQL, idIndexSql, insertGriddedCoverageSrs, LANDGATE_SQL, registerLandgateTables, storeCheckResult, storedReportJson } from './schema';

export interface Migration {
  /** The schema version after this step. */
  to: number;
  /** What the step does, for the audit entry of the upgrade. */
  description: string;
  /** The GeoPackage's step; absent when a GeoPackage has nothing to change. */
  sqlite?(db: Database.Database, at: string): void;
  /** The shared schema's step (the project's schema first on the search path); absent when it has nothing to change. */
  postgres?(db: SqlConnection, schema: string): void;
  /**
   * True when this LandGate still reads and writes a shared schema that lacks the step, without
   * the step's new parts: a login that may not upgrade the schema then opens it as it is.
   */
  olderSchemaServes?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    to: 2,
    description: '要素编号建立索引（去除首尾空格）；新增地块最新审查结论表与全部审查结果表；审查规则配置表登记为属性表',
    sqlite(db, at) {
      // LANDGATE_SQL is all CREATE … IF NOT EXISTS: it adds exactly the tables version 1 lacked.
      db.exec(LANDGATE_SQL);
      const layers = db.prepare('SELECT table_name, columns FROM landgate_layers').all() as { table_name: string; columns: string }[];
      for (const layer of layers) {
        const columns = JSON.parse(layer.columns) as { key: string; column: string }[];
        const idColumn = columns.find((c) => c.key === 'id');
        if (idColumn) {
          // Lookups by id are equalities on the index; version 1 kept ids as the file had them.
          const column = quoteId(idColumn.column);
          db.exec(`UPDATE ${quoteId(layer.table_name)} SET ${column} = trim(${column}) WHERE ${column} != trim(${column})`);
        }
        const sql = idIndexSql(layer.table_name, columns);
        if (sql) db.exec(sql);
      }
      // The latest verdict per parcel, from the check history (newest record wins).
      db.exec(`INSERT OR REPLACE INTO landgate_parcel_verdicts (parcel_table, parcel_id, verdict, check_id, checked_at)
        SELECT c.parcel_table, p.parcel_id, p.verdict, p.check_id, p.checked_at
        FROM landgate_check_parcels p JOIN landgate_checks c ON c.id = p.check_id
        WHERE c.parcel_table IS NOT NULL ORDER BY p.id`);
      registerLandgateTables(db, at);
    },
  },
  {
    to: 3,
    description: '新增审查意见书文书编号表；图层样式写入 QGIS 读取的 layer_styles 表；有高程数据的项目补登 EPSG:4979 坐标系；主键非整数的内部表不再登记为属性表（通过 GDAL GeoPackage 校验）',
    sqlite(db, at) {
      // Creates landgate_document_numbers and layer_styles, and (un)registers tables by their primary key.
      db.exec(LANDGATE_SQL);
      registerLandgateTables(db, at);
      writeAllLayerStyles(db, at);
      const hasDem = db.prepare("SELECT 1 FROM gpkg_extensions WHERE extension_name = 'gpkg_2d_gridded_coverage' LIMIT 1").get();
      if (hasDem) insertGriddedCoverageSrs(db);
    },
  },
  {
    to: 4,
    description: '审查记录紧凑存储：相同的审查结果只存一份（landgate_check_results），每次审查记录引用它',
    sqlite(db, at) {
      compactCheckRecords(db);
      registerLandgateTables(db, at);
    },
  },
  {
    to: 5,
    description: 'QGIS 图层样式重写：监测站点 500 米缓冲圈按地面米数绘制（此前按经纬度单位，在 QGIS 中铺满整个地图），级别高的类别绘制在上层，虚线与 LandGate 一致',
    sqlite(db, at) {
      // only LandGate's own rows: a style the user saved in QGIS, and which one is default, stay as they are
      writeAllLayerStyles(db, at);
    },
  },
  {
    to: 6,
    description: '共享项目新增高程数据（DEM）表（瓦片与每瓦片的比例、偏移）；GeoPackage 项目无需改动（高程数据存为网格覆盖，导入时建表）',
    postgres(db, schema) {
      db.exec(pgDemTablesSql(schema));
    },
    // Only the DEM lives in the new table: without it a project has no DEM (every reader says so,
    // and storing one asks for the upgrade), everything else is as it was.
    olderSchemaServes: true,
  },
];

/**
 * Compact check records: the check tables rebuilt with every report and every parcel's findings
 * moved into landgate_check_results, stored once per distinct content. Row ids, times and every
 * other column are kept, so the audit entries that name a check id still name the same check.
 * The append-only triggers go with the old tables and are created again on the new ones.
 */
function compactCheckRecords(db: Database.Database): void {
  const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
  if (!columns('landgate_checks').includes('report_json')) {
    db.exec(CHECK_RECORD_TABLES_SQL);
    return;
  }
  db.exec(`ALTER TABLE landgate_checks RENAME TO landgate_checks_uncompacted;
    ALTER TABLE landgate_check_parcels RENAME TO landgate_check_parcels_uncompacted;
    DROP INDEX IF EXISTS landgate_check_parcels_parcel;`);
  db.exec(CHECK_RECORD_TABLES_SQL);
  const insertCheck = db.prepare(
    `INSERT INTO landgate_checks (id, checked_at, recorded_at, user, profile, profile_version, parcel_table, parcels_source, trigger_source, parcel_count, report_result)
     VALUES (@id, @checked_at, @recorded_at, @user, @profile, @profile_version, @parcel_table, @parcels_source, @trigger_source, @parcel_count, @report_result)`,
  );
  for (const row of db.prepare('SELECT * FROM landgate_checks_uncompacted ORDER BY id').all() as Record<string, unknown>[]) {
    const { report_json: json, ...rest } = row;
    insertCheck.run({ ...rest, report_result: storeCheckResult(db, storedReportJson(JSON.parse(String(json)) as { checkedAt: string })) });
  }
  const insertParcel = db.prepare(
    `INSERT INTO landgate_check_parcels (id, check_id, parcel_id, parcel_name, checked_at, profile, verdict, suspect_hits, contaminated_hits, findings_result)
     VALUES (@id, @check_id, @parcel_id, @parcel_name, @checked_at, @profile, @verdict, @suspect_hits, @contaminated_hits, @findings_result)`,
  );
  for (const row of db.prepare('SELECT * FROM landgate_check_parcels_uncompacted ORDER BY id').all() as Record<string, unknown>[]) {
    const { findings_json: json, ...rest } = row;
    // re-serialised so equal findings written with other spacing still share one row
    insertParcel.run({ ...rest, findings_result: storeCheckResult(db, JSON.stringify(JSON.parse(String(json)))) });
  }
  db.exec(`DROP TABLE landgate_check_parcels_uncompacted;
    DROP TABLE landgate_checks_uncompacted;`);
  db.exec(appendOnlyTriggersSql());
}

export const SCHEMA_VERSION = MIGRATIONS.length ? MIGRATIONS[MIGRATIONS.length - 1].to : 1;
