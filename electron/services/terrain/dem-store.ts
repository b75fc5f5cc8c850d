/**
 * The project's DEM, stored inside the GeoPackage with the OGC "2D Gridded Coverage" extension
 * (gpkg_2d_gridded_coverage, OGC 17-066r1) so the project stays one portable file and GDAL/QGIS
 * open the DEM as a raster (`gdalinfo project.gpkg` lists it as subdataset `landgate_dem`).
 *
 * Layout: tile table `landgate_dem`, one zoom level (0) at the DEM's own resolution and CRS,
 * 256 × 256 tiles anchored at the DEM's top-left corner; tiles are 16-bit greyscale PNGs with a
 * per-tile scale/offset (gpkg_2d_gridded_tile_ancillary), so Int16 DEMs are stored exactly and
 * Float32 DEMs to (tile range / 65534) m; raw value 65535 = nodata (data_null). Tiles that are
 * all nodata are not written. Import metadata (source files, CRS, size) is in landgate_meta key
 * `dem`.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { deflate, deflateSync } from 'node:zlib';
import { basename } from 'node:path';
import { isGeographic, proj4Definition } from '../../../shared/crs';
import { UserInputError } from '../../../shared/model/errors';
import type { ImportNote } from '../../../shared/importers/messages';
import type { DemGridInfo, DemRowSource } from '../../../shared/terrain/grid';
import { assemblePng, decodePng } from '../../../shared/terrain/png';
import { ProjectStore } from '../project-store';
import { connectionOf } from '../store/internal';
import { isPostgresUrl, sharedProjectUnsupported } from '../store/postgres/location';
import { insertGriddedCoverageSrs } from '../store/schema';

export const DEM_TABLE = 'landgate_dem';
export const DEM_TILE = 256;
const NULL_RAW = 65535;
const ZLIB_OPTIONS = { level: 3 };
export const nodeZlib = (raw: Uint8Array): Uint8Array => deflateSync(raw, ZLIB_OPTIONS);
const deflateAsync = promisify(deflate);
const EXTENSION = 'gpkg_2d_gridded_coverage';
const EXTENSION_DEF = 'http://docs.opengeospatial.org/is/17-066r1/17-066r1.html';

export interface StoredDemInfo extends DemGridInfo {
  table: string;
  files: string[];
  importedAt: string;
  minM: number | null;
  maxM: number | null;
  /** Cells without a value (nodata). */
  nodataCells: number;
  /**
   * The warnings of a DEM stored although it looked implausible (`--accept-suspect`): coded
   * (shared/importers/messages.ts), or the plain Chinese an older project stored.
   */
  suspicions?: ImportNote[];
}

function openDb(path: string, readonly = false): Database.Database {
  // The DEM is a GeoPackage gridded coverage; a shared project holds none yet.
  if (isPostgresUrl(path)) throw sharedProjectUnsupported(path);
  if (!existsSync(path)) throw new UserInputError('project.not-found', `项目文件“${basename(path)}”不存在。`, `Project file "${path}" does not exist.`);
  const binding = process.env.LANDGATE_SQLITE_BINDING;
  return new Database(path, { ...(binding ? { nativeBinding: binding } : {}), readonly, fileMustExist: true });
}

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

/**
 * The filtered scanlines of one tile's 16-bit greyscale PNG (what its IDAT compresses), straight
 * from the DEM rows: columns c0 … c0 + w − 1 of rows 0 … n − 1 of `strip` (`cols` wide), each value
 * stored as round((v − offset) / scale) clamped to 0 … 65534 (exactly v − offset for integer
 * tiles), nodata and the cells beyond the DEM's edge as 65535. The bytes are those of
 * png16Scanlines over that quantised tile ("sub" filter), without building the tile first.
 */
function tileScanlines(strip: Float32Array, cols: number, c0: number, w: number, n: number, offset: number, scale: number, integerExact: boolean): Uint8Array {
  const stride = DEM_TILE * 2 + 1;
  const out = new Uint8Array(stride * DEM_TILE);
  for (let r = 0; r < DEM_TILE; r++) {
    let k = r * stride;
    out[k++] = 1; // filter "sub": each byte minus the same byte of the previous pixel
    let prevHi = 0, prevLo = 0;
    const base = r * cols + c0;
    const known = r < n ? w : 0;
    for (let c = 0; c < DEM_TILE; c++) {
      let value = NULL_RAW;
      if (c < known) {
        const v = strip[base + c];
        if (v === v) value = integerExact ? v - offset : Math.min(NULL_RAW - 1, Math.max(0, Math.round((v - offset) / scale)));
      }
      const hi = value >>> 8, lo = value & 0xff;
      out[k++] = (hi - prevHi) & 0xff;
      out[k++] = (lo - prevLo) & 0xff;
      prevHi = hi;
      prevLo = lo;
    }
  }
  return out;
}

/** A tile ready to be stored: its PNG and its gpkg_2d_gridded_tile_ancillary row. */
interface EncodedTile {
  column: number;
  row: number;
  png: Uint8Array;
  scale: number;
  offset: number;
  min: number;
  max: number;
  mean: number;
  stdDev: number;
}

/**
 * Writes a DEM into the project, strip by strip (256 rows at a time). Call `begin()`, then
 * `pushRows()` with consecutive rows, then `commit()` — or `rollback()` on any error, which leaves
 * the project exactly as it was. Replaces a previously stored DEM.
 *
 * With `background`, each strip's tiles are compressed on the libuv thread pool while the caller
 * reads and works on the next rows; the caller then awaits `drain()` after each `pushRows()`
 * (it stores, in order, the tiles that are ready) and `drain(true)` before `finish()`. The tiles
 * stored are the same bytes either way.
 */
export class DemWriter {
  private readonly db: Database.Database;
  private readonly info: DemGridInfo;
  private readonly integer: boolean;
  private readonly files: string[];
  private readonly importedAt: string;
  /** Rows gathered until a tile row is complete (allocated when rows do not come a tile row at a time). */
  private strip: Float32Array | null = null;
  private stripRows = 0;
  private tileRow = 0;
  private insertTile!: Database.Statement;
  private insertAnc!: Database.Statement;
  private min = Infinity;
  private max = -Infinity;
  private nodata = 0;
  private open = false;
  private finished: StoredDemInfo | null = null;
  private closed = false;
  private readonly background: boolean;
  /** Strips whose tiles are being compressed on the thread pool, oldest first. */
  private readonly pending: Promise<EncodedTile[]>[] = [];

  private readonly store: ProjectStore;

  constructor(projectPath: string, info: DemGridInfo, options: { integer: boolean; files: string[]; importedAt?: string; background?: boolean }) {
    // the project store's own connection: its schema helpers run inside our transaction
    this.store = ProjectStore.open(projectPath);
    this.db = connectionOf(this.store.db);
    this.info = info;
    this.integer = options.integer;
    this.files = options.files;
    this.importedAt = options.importedAt ?? new Date().toISOString();
    this.background = !!options.background;
  }

  begin() {
    const db = this.db;
    const { cols, rows, originX, originY, cellX, cellY } = this.info;
    db.exec('BEGIN IMMEDIATE');
    this.open = true;
    this.store.ensureWritable(); // a plain GeoPackage gets the landgate_* tables, in this transaction
    db.exec(ANCILLARY_SQL);
    dropDem(db, DEM_TABLE);
    const srsId = ensureSrs(db, this.info.crs);
    insertGriddedCoverageSrs(db);
    const matrixW = Math.ceil(cols / DEM_TILE);
    const matrixH = Math.ceil(rows / DEM_TILE);
    const ext = db.prepare('INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, ?, ?, ?, ?)');
    ext.run('gpkg_2d_gridded_coverage_ancillary', null, EXTENSION, EXTENSION_DEF, 'read-write');
    ext.run('gpkg_2d_gridded_tile_ancillary', null, EXTENSION, EXTENSION_DEF, 'read-write');
    ext.run(DEM_TABLE, 'tile_data', EXTENSION, EXTENSION_DEF, 'read-write');
    db.prepare(
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, '2d-gridded-coverage', ?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(DEM_TABLE, DEM_TABLE, `高程（DEM）：${this.files.map((f) => basename(f)).join('、')}`, new Date(Date.parse(this.importedAt)).toISOString(), originX, originY - rows * cellY, originX + cols * cellX, originY, srsId);
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
  }

  /** Consecutive rows (row-major, `count` × cols, NaN = nodata). */
  pushRows(values: Float32Array, count: number) {
    const cols = this.info.cols;
    let k = 0;
    while (k < count) {
      if (this.stripRows === 0 && count - k >= DEM_TILE) {
        // a whole tile row as given: encoded from the caller's rows, not copied first
        this.flushStrip(values.subarray(k * cols, (k + DEM_TILE) * cols), DEM_TILE);
        k += DEM_TILE;
        continue;
      }
      const take = Math.min(count - k, DEM_TILE - this.stripRows);
      this.strip ??= new Float32Array(cols * DEM_TILE);
      this.strip.set(values.subarray(k * cols, (k + take) * cols), this.stripRows * cols);
      this.stripRows += take;
      k += take;
      if (this.stripRows === DEM_TILE) this.flushStrip(this.strip, DEM_TILE);
    }
  }

  /** Encodes the tiles of one tile row: `n` rows of `strip` (the last tile row may be shorter). */
  private flushStrip(strip: Float32Array, n: number) {
    const cols = this.info.cols;
    const tileRow = this.tileRow;
    const compressing: Promise<EncodedTile>[] = [];
    for (let tc = 0; tc * DEM_TILE < cols; tc++) {
      const c0 = tc * DEM_TILE;
      const w = Math.min(DEM_TILE, cols - c0);
      let min = Infinity, max = -Infinity, sum = 0, sum2 = 0, count = 0;
      for (let r = 0; r < n; r++) {
        const base = r * cols + c0;
        for (let c = 0; c < w; c++) {
          const v = strip[base + c];
          if (v !== v) continue;
          if (v < min) min = v;
          if (v > max) max = v;
          sum += v;
          sum2 += v * v;
          count++;
        }
      }
      this.nodata += n * w - count;
      if (count === 0) continue; // all nodata: no tile
      if (min < this.min) this.min = min;
      if (max > this.max) this.max = max;
      const integerExact = this.integer && max - min <= NULL_RAW - 1;
      const scale = integerExact ? 1 : Math.max((max - min) / (NULL_RAW - 1), 1e-6);
      const mean = sum / count;
      const stats = { column: tc, row: tileRow, scale, offset: min, min, max, mean, stdDev: Math.sqrt(Math.max(0, sum2 / count - mean * mean)) };
      const scanlines = tileScanlines(strip, cols, c0, w, n, min, scale, integerExact);
      if (this.background) compressing.push(deflateAsync(scanlines, ZLIB_OPTIONS).then((idat) => ({ ...stats, png: assemblePng(DEM_TILE, DEM_TILE, 16, 0, idat) })));
      else this.insert({ ...stats, png: assemblePng(DEM_TILE, DEM_TILE, 16, 0, nodeZlib(scanlines)) });
    }
    if (this.background) {
      const tiles = Promise.all(compressing);
      tiles.catch(() => undefined); // a rollback may leave it unawaited; drain() still sees the error
      this.pending.push(tiles);
    }
    this.tileRow++;
    this.stripRows = 0;
  }

  private insert(tile: EncodedTile) {
    const result = this.insertTile.run(tile.column, tile.row, tile.png);
    this.insertAnc.run(DEM_TABLE, Number(result.lastInsertRowid), tile.scale, tile.offset, tile.min, tile.max, tile.mean, tile.stdDev);
  }

  /** Stores, in order, the tiles compressed in the background; `final` also flushes the last strip and waits for all. */
  async drain(final = false) {
    if (final && this.stripRows > 0) this.flushStrip(this.strip!, this.stripRows);
    while (this.pending.length > 0) {
      // between strips only what is already done is stored: the rest keeps compressing while the caller reads on
      if (!final && this.pending.length < 2) break;
      const tiles = await this.pending[0];
      this.pending.shift();
      for (const tile of tiles) this.insert(tile);
    }
  }

  /**
   * Flushes the last strip and records the metadata, still inside the transaction: the caller
   * writes what belongs with the DEM (the band layer, the audit entry) through `projectStore`
   * and then calls `commit()`, so the DEM and its bands land together or not at all.
   */
  finish(extra: { suspicions?: ImportNote[] } = {}): StoredDemInfo {
    if (this.finished) return this.finished;
    if (this.background && (this.stripRows > 0 || this.pending.length > 0)) throw new Error('DemWriter: drain(true) before finish()');
    if (this.stripRows > 0) this.flushStrip(this.strip!, this.stripRows);
    const info: StoredDemInfo = {
      ...this.info,
      table: DEM_TABLE,
      files: this.files,
      importedAt: this.importedAt,
      minM: Number.isFinite(this.min) ? this.min : null,
      maxM: Number.isFinite(this.max) ? this.max : null,
      nodataCells: this.nodata,
      ...(extra.suspicions?.length ? { suspicions: extra.suspicions } : {}),
    };
    this.db.prepare('INSERT INTO landgate_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run('dem', JSON.stringify(info));
    // The DEM's footprint is part of what checks read: an index built before must not be reused.
    this.store.db.bumpDataVersion();
    this.finished = info;
    return info;
  }

  /** The open project (inside this writer's transaction until commit or rollback). */
  get projectStore(): ProjectStore {
    return this.store;
  }

  /** Finishes (if not yet) and commits. */
  commit(): StoredDemInfo {
    const info = this.finish();
    this.db.exec('COMMIT');
    this.open = false;
    this.store.close();
    this.closed = true;
    return info;
  }

  rollback() {
    if (this.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.open = false;
    if (!this.closed) this.store.close();
    this.closed = true;
  }
}

/** Reads the project's stored DEM (null when the project has none). */
export function storedDemInfo(projectPath: string): StoredDemInfo | null {
  if (isPostgresUrl(projectPath)) return null;
  const db = openDb(projectPath, true);
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'landgate_meta'").get();
    const row = hasMeta ? (db.prepare("SELECT value FROM landgate_meta WHERE key = 'dem'").get() as { value: string } | undefined) : undefined;
    if (!row) return null;
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(DEM_TABLE);
    return hasTable ? (JSON.parse(row.value) as StoredDemInfo) : null;
  } finally {
    db.close();
  }
}

interface DecodedTile {
  values: Float32Array; // DEM_TILE², NaN = nodata
}

/**
 * Random and row access to the stored DEM; decoded tiles are kept in a small LRU cache.
 * Keep one instance per request or per command and `close()` it.
 */
export class StoredDem implements DemRowSource {
  readonly info: StoredDemInfo;
  readonly cols: number;
  readonly rows: number;
  readonly crs: string;
  readonly originX: number;
  readonly originY: number;
  readonly cellX: number;
  readonly cellY: number;
  private readonly db: Database.Database;
  private readonly cache = new Map<number, DecodedTile | null>();
  private readonly maxCache: number;
  private readonly tileStmt: Database.Statement;

  private constructor(db: Database.Database, info: StoredDemInfo, maxCache: number) {
    this.db = db;
    this.info = info;
    ({ cols: this.cols, rows: this.rows, crs: this.crs, originX: this.originX, originY: this.originY, cellX: this.cellX, cellY: this.cellY } = info);
    this.maxCache = maxCache;
    this.tileStmt = db.prepare(`SELECT t.tile_data AS data, a.scale AS scale, a.offset AS offset FROM "${DEM_TABLE}" t LEFT JOIN gpkg_2d_gridded_tile_ancillary a ON a.tpudt_name = '${DEM_TABLE}' AND a.tpudt_id = t.id WHERE t.zoom_level = 0 AND t.tile_column = ? AND t.tile_row = ?`);
  }

  static open(projectPath: string, options: { maxCachedTiles?: number } = {}): StoredDem | null {
    const info = storedDemInfo(projectPath);
    if (!info) return null;
    return new StoredDem(openDb(projectPath, true), info, options.maxCachedTiles ?? 64);
  }

  close() {
    this.db.close();
  }

  tile(tc: number, tr: number): DecodedTile | null {
    const key = tr * 1_000_000 + tc;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const row = this.tileStmt.get(tc, tr) as { data: Uint8Array; scale: number | null; offset: number | null } | undefined;
    let tile: DecodedTile | null = null;
    if (row) {
      const png = decodePng(row.data);
      const scale = row.scale ?? 1;
      const offset = row.offset ?? 0;
      const values = new Float32Array(DEM_TILE * DEM_TILE);
      for (let i = 0; i < values.length; i++) {
        const raw = png.samples[i * png.channels];
        values[i] = raw === NULL_RAW ? NaN : raw * scale + offset;
      }
      tile = { values };
    }
    this.cache.set(key, tile);
    if (this.cache.size > this.maxCache) this.cache.delete(this.cache.keys().next().value as number);
    return tile;
  }

  /** Value of pixel (col, row), NaN outside or nodata. */
  pixel(col: number, row: number): number {
    if (col < 0 || row < 0 || col >= this.cols || row >= this.rows) return NaN;
    const tile = this.tile(Math.floor(col / DEM_TILE), Math.floor(row / DEM_TILE));
    return tile ? tile.values[(row % DEM_TILE) * DEM_TILE + (col % DEM_TILE)] : NaN;
  }

  /** Bilinear value at DEM-CRS coordinates (pixel centres as nodes), NaN if any node is unknown. */
  sample(x: number, y: number): number {
    const px = (x - this.originX) / this.cellX - 0.5;
    const py = (this.originY - y) / this.cellY - 0.5;
    const c = Math.floor(px), r = Math.floor(py);
    const fx = px - c, fy = py - r;
    const cc = Math.min(Math.max(c, 0), this.cols - 1), cc1 = Math.min(Math.max(c + 1, 0), this.cols - 1);
    const rr = Math.min(Math.max(r, 0), this.rows - 1), rr1 = Math.min(Math.max(r + 1, 0), this.rows - 1);
    if (px < -0.5 || py < -0.5 || px > this.cols - 0.5 || py > this.rows - 0.5) return NaN;
    const a = this.pixel(cc, rr), b = this.pixel(cc1, rr), d = this.pixel(cc, rr1), e = this.pixel(cc1, rr1);
    return (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
  }

  async readRows(row0: number, count: number): Promise<Float32Array> {
    const out = new Float32Array(this.cols * count);
    for (let r = 0; r < count; r++) {
      const row = row0 + r;
      const tr = Math.floor(row / DEM_TILE);
      for (let tc = 0; tc * DEM_TILE < this.cols; tc++) {
        const tile = this.tile(tc, tr);
        const c0 = tc * DEM_TILE;
        const w = Math.min(DEM_TILE, this.cols - c0);
        if (!tile) out.fill(NaN, r * this.cols + c0, r * this.cols + c0 + w);
        else out.set(tile.values.subarray((row % DEM_TILE) * DEM_TILE, (row % DEM_TILE) * DEM_TILE + w), r * this.cols + c0);
      }
    }
    return out;
  }
}
