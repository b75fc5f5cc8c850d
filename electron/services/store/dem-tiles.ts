/**
 * Where the project's DEM tiles live, in the two backends' words. The DEM writer and reader
 * (terrain/dem-store.ts) encode and decode the tiles — 256 × 256 16-bit greyscale PNGs with a
 * per-tile scale and offset — once for both; this repository only stores and finds them:
 *
 *   GeoPackage   the OGC 2D gridded coverage (gpkg_2d_gridded_coverage, OGC 17-066r1) so the
 *                project stays one portable file and GDAL/QGIS open the DEM as a raster: tile
 *                table `landgate_dem`, one zoom level (0) at the DEM's own resolution and CRS,
 *                anchored at its top-left corner, each tile's scale/offset in
 *                gpkg_2d_gridded_tile_ancillary. The statements and their order are those the
 *                writer always ran, so the file's DEM is byte for byte what it was.
 *   PostgreSQL   one table of the shared schema, landgate_dem_tiles (pg-schema.ts, schema step 6),
 *                with the scale/offset and the tile's statistics on the tile's own row; rows
 *                are inserted many to a statement (a round trip per tile would cost more than
 *                the tile's compression). Only an administrator may write it (the grants).
 *
 * Both write inside the caller's transaction (the writer's, which also holds the band layer and
 * the audit entry): nothing here commits.
 */
import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { isGeographic, proj4Definition } from '../../../shared/crs';
import { UserInputError } from '../../../shared/model/errors';
import type { DemGridInfo } from '../../../shared/terrain/grid';
import { DEM_TILE, NULL_RAW, type EncodedTile } from '../../../shared/terrain/dem-tile-format';
import { connectionOf, sqlOf } from './internal';
import type { ProjectDb } from './project-db';
import { insertGriddedCoverageSrs } from './schema';
import { SCHEMA_VERSION } from './migrations';
import type { SqlConnection, SqlStatement } from './sql';

export const DEM_TABLE = 'landgate_dem';
export { DEM_TILE, NULL_RAW, type EncodedTile } from '../../../shared/terrain/dem-tile-format';
const PG_DEM_TABLE = 'landgate_dem_tiles';

/** A stored tile as the reader decodes it (scale/offset null when the ancillary row is missing). */
export interface StoredTile {
  data: Uint8Array;
  scale: number | null;
  offset: number | null;
}

/** What a new DEM is, as the stored coverage records it. */
export interface DemCoverage {
  grid: DemGridInfo;
  files: string[];
  importedAt: string;
}

export interface DemTiles {
  /** The table that holds the tiles (recorded with the DEM's metadata). */
  readonly table: string;
  /** Whether the project holds the table of a DEM (a GeoPackage gets it with its first DEM). */
  exists(): boolean;
  /** Inside the writer's transaction: removes the stored DEM's tiles and prepares for `coverage`. */
  replace(coverage: DemCoverage): void;
  /** Inside the writer's transaction, after replace(): the tiles in the order given. */
  insert(tiles: readonly EncodedTile[]): void;
  read(column: number, row: number): StoredTile | undefined;
}

/** The tiles of an open project, in its backend's dialect. */
export function demTilesOf(db: ProjectDb): DemTiles {
  return db.dialect === 'postgres' ? new PgDemTiles(db, sqlOf(db)) : new GpkgDemTiles(connectionOf(db));
}

/** The tiles of a GeoPackage opened on its own (a read-only connection of the DEM reader). */
export function gpkgDemTiles(db: Database.Database): DemTiles {
  return new GpkgDemTiles(db);
}

// ---------------------------------------------------------------------------------------------
// GeoPackage: the 2D gridded coverage

const EXTENSION = 'gpkg_2d_gridded_coverage';
const EXTENSION_DEF = 'http://docs.opengeospatial.org/is/17-066r1/17-066r1.html';

const WKT_4490_GEOGCS =
  'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]';

/** WKT 1 for the CGCS2000 Gauss-Krüger codes we know (built from their proj4 parameters). */
function projectedWkt(crs: string): string {
  const def = proj4Definition(crs);
  const num = (key: string) => Number(new RegExp(`\\+${key}=([-\\d.]+)`).exec(def)?.[1] ?? 0);
  const code = crs.split(':')[1];
  return `PROJCS["CGCS2000 / Gauss-Kruger CM ${num('lon_0')}E",${WKT_4490_GEOGCS},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",${num('lon_0')}],PARAMETER["scale_factor",${num('k') || 1}],PARAMETER["false_easting",${num('x_0')}],PARAMETER["false_northing",${num('y_0')}],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","${code}"]]`;
}

function ensureSrs(db: Database.Database, crs: string): number {
  const code = Number(crs.split(':')[1]);
  const existing = db.prepare('SELECT srs_id FROM gpkg_spatial_ref_sys WHERE organization = ? COLLATE NOCASE AND organization_coordsys_id = ?').get('EPSG', code) as { srs_id: number } | undefined;
  if (existing) return existing.srs_id;
  if (isGeographic(crs)) throw new Error(`geographic CRS ${crs} missing from gpkg_spatial_ref_sys`);
  db.prepare('INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)').run(
    `CGCS2000 Gauss-Kruger ${crs}`,
    code,
    'EPSG',
    code,
    projectedWkt(crs),
    'CGCS2000 Gauss-Krüger (LandGate DEM)',
  );
  return code;
}

const ANCILLARY_SQL = `
CREATE TABLE IF NOT EXISTS gpkg_2d_gridded_coverage_ancillary (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, tile_matrix_set_name TEXT NOT NULL UNIQUE, datatype TEXT NOT NULL DEFAULT 'integer', scale REAL NOT NULL DEFAULT 1.0, offset REAL NOT NULL DEFAULT 0.0, precision REAL DEFAULT 1.0, data_null REAL, grid_cell_encoding TEXT DEFAULT 'grid-value-is-center', uom TEXT, field_name TEXT DEFAULT 'Height', quantity_definition TEXT DEFAULT 'Height', CONSTRAINT fk_g2dgtct_name FOREIGN KEY(tile_matrix_set_name) REFERENCES gpkg_tile_matrix_set (table_name) CHECK (datatype in ('integer','float')));
CREATE TABLE IF NOT EXISTS gpkg_2d_gridded_tile_ancillary (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, tpudt_name TEXT NOT NULL, tpudt_id INTEGER NOT NULL, scale REAL NOT NULL DEFAULT 1.0, offset REAL NOT NULL DEFAULT 0.0, min REAL DEFAULT NULL, max REAL DEFAULT NULL, mean REAL DEFAULT NULL, std_dev REAL DEFAULT NULL, CONSTRAINT fk_g2dgtat_name FOREIGN KEY (tpudt_name) REFERENCES gpkg_contents(table_name), UNIQUE (tpudt_name, tpudt_id));
`;

function dropDem(db: Database.Database, table: string) {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  if (exists) db.exec(`DROP TABLE "${table}"`);
  const has = (name: string) => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
  if (has('gpkg_2d_gridded_tile_ancillary')) db.prepare('DELETE FROM gpkg_2d_gridded_tile_ancillary WHERE tpudt_name = ?').run(table);
  if (has('gpkg_2d_gridded_coverage_ancillary')) db.prepare('DELETE FROM gpkg_2d_gridded_coverage_ancillary WHERE tile_matrix_set_name = ?').run(table);
  db.prepare('DELETE FROM gpkg_tile_matrix WHERE table_name = ?').run(table);
  db.prepare('DELETE FROM gpkg_tile_matrix_set WHERE table_name = ?').run(table);
  db.prepare('DELETE FROM gpkg_extensions WHERE table_name = ?').run(table);
  db.prepare('DELETE FROM gpkg_contents WHERE table_name = ?').run(table);
}

class GpkgDemTiles implements DemTiles {
  readonly table = DEM_TABLE;
  private insertTile: Database.Statement | null = null;
  private insertAnc: Database.Statement | null = null;
  private readTile: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {}

  exists(): boolean {
    return !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(DEM_TABLE);
  }

  replace({ grid, files, importedAt }: DemCoverage): void {
    const db = this.db;
    const { cols, rows, originX, originY, cellX, cellY } = grid;
    db.exec(ANCILLARY_SQL);
    dropDem(db, DEM_TABLE);
    const srsId = ensureSrs(db, grid.crs);
    insertGriddedCoverageSrs(db);
    const matrixW = Math.ceil(cols / DEM_TILE);
    const matrixH = Math.ceil(rows / DEM_TILE);
    const ext = db.prepare('INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, ?, ?, ?, ?)');
    ext.run('gpkg_2d_gridded_coverage_ancillary', null, EXTENSION, EXTENSION_DEF, 'read-write');
    ext.run('gpkg_2d_gridded_tile_ancillary', null, EXTENSION, EXTENSION_DEF, 'read-write');
    ext.run(DEM_TABLE, 'tile_data', EXTENSION, EXTENSION_DEF, 'read-write');
    db.prepare(
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, '2d-gridded-coverage', ?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(DEM_TABLE, DEM_TABLE, `高程（DEM）：${files.map((f) => basename(f)).join('、')}`, new Date(Date.parse(importedAt)).toISOString(), originX, originY - rows * cellY, originX + cols * cellX, originY, srsId);
    db.prepare('INSERT INTO gpkg_tile_matrix_set (table_name, srs_id, min_x, min_y, max_x, max_y) VALUES (?, ?, ?, ?, ?, ?)').run(
      DEM_TABLE,
      srsId,
      originX,
      originY - matrixH * DEM_TILE * cellY,
      originX + matrixW * DEM_TILE * cellX,
      originY,
    );
    db.prepare('INSERT INTO gpkg_tile_matrix (table_name, zoom_level, matrix_width, matrix_height, tile_width, tile_height, pixel_x_size, pixel_y_size) VALUES (?, 0, ?, ?, ?, ?, ?, ?)').run(
      DEM_TABLE,
      matrixW,
      matrixH,
      DEM_TILE,
      DEM_TILE,
      cellX,
      cellY,
    );
    db.exec(`CREATE TABLE "${DEM_TABLE}" (id INTEGER PRIMARY KEY AUTOINCREMENT, zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL, UNIQUE (zoom_level, tile_column, tile_row))`);
    db.prepare(
      "INSERT INTO gpkg_2d_gridded_coverage_ancillary (tile_matrix_set_name, datatype, scale, offset, precision, data_null, grid_cell_encoding, uom, field_name, quantity_definition) VALUES (?, 'integer', 1.0, 0.0, 1.0, ?, 'grid-value-is-area', 'm', 'Height', 'Height')",
    ).run(DEM_TABLE, NULL_RAW);
    this.insertTile = db.prepare(`INSERT INTO "${DEM_TABLE}" (zoom_level, tile_column, tile_row, tile_data) VALUES (0, ?, ?, ?)`);
    this.insertAnc = db.prepare('INSERT INTO gpkg_2d_gridded_tile_ancillary (tpudt_name, tpudt_id, scale, offset, min, max, mean, std_dev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.readTile = null;
  }

  insert(tiles: readonly EncodedTile[]): void {
    if (!this.insertTile || !this.insertAnc) throw new Error('GpkgDemTiles: replace() before insert()');
    // one tile row, then its ancillary row naming it: SQLite's statements cost no round trip
    for (const tile of tiles) {
      const result = this.insertTile.run(tile.column, tile.row, tile.png);
      this.insertAnc.run(DEM_TABLE, Number(result.lastInsertRowid), tile.scale, tile.offset, tile.min, tile.max, tile.mean, tile.stdDev);
    }
  }

  read(column: number, row: number): StoredTile | undefined {
    this.readTile ??= this.db.prepare(
      `SELECT t.tile_data AS data, a.scale AS scale, a.offset AS offset FROM "${DEM_TABLE}" t LEFT JOIN gpkg_2d_gridded_tile_ancillary a ON a.tpudt_name = '${DEM_TABLE}' AND a.tpudt_id = t.id WHERE t.zoom_level = 0 AND t.tile_column = ? AND t.tile_row = ?`,
    );
    return this.readTile.get(column, row) as StoredTile | undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: landgate_dem_tiles

/** Tiles to a statement: a few MB of PNGs, far below what a statement may carry. */
const PG_BATCH = 32;
const PG_COLUMNS = 'tile_column, tile_row, tile_data, scale, "offset", min, max, mean, std_dev';

class PgDemTiles implements DemTiles {
  readonly table = PG_DEM_TABLE;
  private readTile: SqlStatement | null = null;
  private readonly inserts = new Map<number, SqlStatement>();

  constructor(
    private readonly project: ProjectDb,
    private readonly db: SqlConnection,
  ) {}

  exists(): boolean {
    return this.project.hasTable(PG_DEM_TABLE);
  }

  replace(): void {
    if (!this.exists()) {
      // a schema at version 5, opened by a login that may not upgrade it (ProjectDb.open)
      throw new UserInputError(
        'project.pg-upgrade-needed',
        `共享项目“${this.project.path}”的数据结构来自较早的 LandGate，还没有存放高程数据（DEM）的表。请项目管理员用本版本 LandGate 打开一次项目（桌面程序，或执行 landgate upgrade ${this.project.path}）升级到数据版本 ${SCHEMA_VERSION} 后再导入；本次操作未改动项目。`,
        `The shared project ${this.project.path} predates the DEM table (schema step 6); an administrator must open it once with this LandGate. Nothing was changed.`,
      );
    }
    // One DEM writer at a time. The second is refused at once rather than left waiting: it may be
    // the same process (a second import started in the app while the first streams), whose
    // thread would then wait on itself; and a county's DEM takes minutes to store.
    const free = this.db.prepare('SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ?)) AS ok').get('/dem') as { ok: boolean };
    if (!free.ok) {
      throw new UserInputError(
        'dem.busy',
        `共享项目“${this.project.path}”正在导入另一份高程数据（DEM，另一位用户或另一个窗口）。请待其完成后再试；本次操作未改动项目。`,
        `Another DEM is being stored in the shared project ${this.project.path}; try again once it is done. Nothing was changed.`,
      );
    }
    // DELETE, not TRUNCATE: the other clients read the previous DEM until this one commits. A
    // login without the administrator's grant is refused here, by the server.
    this.db.prepare(`DELETE FROM ${PG_DEM_TABLE}`).run();
  }

  insert(tiles: readonly EncodedTile[]): void {
    for (let i = 0; i < tiles.length; i += PG_BATCH) {
      const batch = tiles.slice(i, i + PG_BATCH);
      let statement = this.inserts.get(batch.length);
      if (!statement) {
        const rows = Array.from({ length: batch.length }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
        statement = this.db.prepare(`INSERT INTO ${PG_DEM_TABLE} (${PG_COLUMNS}) VALUES ${rows}`);
        this.inserts.set(batch.length, statement);
      }
      statement.run(batch.flatMap((t) => [t.column, t.row, t.png, t.scale, t.offset, t.min, t.max, t.mean, t.stdDev]));
    }
  }

  read(column: number, row: number): StoredTile | undefined {
    this.readTile ??= this.db.prepare(`SELECT tile_data AS data, scale, "offset" AS "offset" FROM ${PG_DEM_TABLE} WHERE tile_column = ? AND tile_row = ?`);
    return this.readTile.get(column, row) as StoredTile | undefined;
  }
}
