/**
 * The project's DEM: written strip by strip while `landgate bands --dem` reads the file, read back
 * tile by tile for the bands, the elevation evidence of a check, the map's terrain and the
 * reports. 256 × 256 tiles anchored at the DEM's top-left corner, 16-bit greyscale PNGs with a
 * per-tile scale/offset, so Int16 DEMs are stored exactly and Float32 DEMs to (tile range / 65534)
 * m; raw value 65535 = nodata. Tiles that are all nodata are not written. Import metadata (source
 * files, CRS, size) is in landgate_meta key `dem`.
 *
 * The tiles are encoded and decoded here, once for both backends; where they are kept is the
 * tile repository's business (store/dem-tiles.ts): a GeoPackage's 2D gridded coverage (GDAL and
 * QGIS open it as a raster, `gdalinfo project.gpkg` lists subdataset `landgate_dem`), or a shared
 * project's landgate_dem_tiles table.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { UserInputError } from '../../../shared/model/errors';
import type { ImportNote } from '../../../shared/importers/messages';
import type { DemGridInfo, DemRowSource } from '../../../shared/terrain/grid';
import { decodePng } from '../../../shared/terrain/png';
import type { DemTileTotals, TileRowStats } from '../../../shared/terrain/dem-tile-format';
import { DemTileEncoder } from './dem-tile-encoder';
import { ProjectStore } from '../project-store';
import { DEM_TILE, demTilesOf, gpkgDemTiles, NULL_RAW, type DemTiles, type EncodedTile } from '../store/dem-tiles';
import { isPostgresUrl } from '../store/postgres/location';
import { ProjectDb } from '../store/project-db';

export { DEM_TABLE, DEM_TILE } from '../store/dem-tiles';
export { nodeZlib } from './dem-tile-encoder';

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

/** A GeoPackage's own read-only connection (the DEM reader of a command given a file). */
function openGpkg(path: string): Database.Database {
  if (!existsSync(path)) throw new UserInputError('project.not-found', `项目文件“${basename(path)}”不存在。`, `Project file "${path}" does not exist.`);
  const binding = process.env.LANDGATE_SQLITE_BINDING;
  return new Database(path, { ...(binding ? { nativeBinding: binding } : {}), readonly: true, fileMustExist: true });
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
  private readonly tiles: DemTiles;
  private readonly info: DemGridInfo;
  private readonly files: string[];
  private readonly importedAt: string;
  /** Encodes the rows given to pushRows (tiles encoded on another thread come through storeTiles instead). */
  private readonly encoder: DemTileEncoder;
  private readonly background: boolean;
  private open = false;
  private finished: StoredDemInfo | null = null;
  private closed = false;

  private readonly store: ProjectStore;

  constructor(projectPath: string, info: DemGridInfo, options: { integer: boolean; files: string[]; importedAt?: string; background?: boolean }) {
    // the project store's own connection: the band layer and the audit entry are written through
    // it, inside this writer's transaction
    this.store = ProjectStore.open(projectPath);
    this.tiles = demTilesOf(this.store.db);
    this.info = info;
    this.files = options.files;
    this.importedAt = options.importedAt ?? new Date().toISOString();
    this.background = !!options.background;
    this.encoder = new DemTileEncoder(info.cols, options.integer, this.background);
  }

  begin() {
    this.store.db.beginSpanning();
    this.open = true;
    this.store.ensureWritable();
    this.tiles.replace({ grid: this.info, files: this.files, importedAt: this.importedAt });
  }

  /** Consecutive rows (row-major, `count` × cols, NaN = nodata); `stats`: their tiles' statistics, if known. */
  pushRows(values: Float32Array, count: number, stats?: TileRowStats) {
    this.encoder.push(values, count, stats);
    // on the spot, a strip's tiles are stored together (one statement per batch on a shared project)
    if (!this.background) this.encoder.takeReady((tiles) => this.tiles.insert(tiles));
  }

  /**
   * Tiles encoded elsewhere (a DemTileEncoder on another thread), a tile row at a time, in order,
   * instead of rows through pushRows; finish() then needs their totals.
   */
  storeTiles(tiles: EncodedTile[]) {
    if (!this.open) throw new Error('DemWriter: not begun');
    this.tiles.insert(tiles);
  }

  /** Stores, in order, the tiles compressed in the background; `final` also flushes the last strip and waits for all. */
  async drain(final = false) {
    if (final) this.encoder.flush();
    await this.encoder.drain(final, (tiles) => this.tiles.insert(tiles));
  }

  /**
   * Flushes the last strip and records the metadata, still inside the transaction: the caller
   * writes what belongs with the DEM (the band layer, the audit entry) through `projectStore`
   * and then calls `commit()`, so the DEM and its bands land together or not at all.
   */
  finish(extra: { suspicions?: ImportNote[]; totals?: DemTileTotals } = {}): StoredDemInfo {
    if (this.finished) return this.finished;
    this.encoder.flush();
    this.encoder.takeReady((tiles) => this.tiles.insert(tiles));
    if (this.encoder.busy) throw new Error('DemWriter: drain(true) before finish()');
    const { min, max, nodata } = extra.totals ?? this.encoder.totals();
    const info: StoredDemInfo = {
      ...this.info,
      table: this.tiles.table,
      files: this.files,
      importedAt: this.importedAt,
      minM: Number.isFinite(min) ? min : null,
      maxM: Number.isFinite(max) ? max : null,
      nodataCells: nodata,
      ...(extra.suspicions?.length ? { suspicions: extra.suspicions } : {}),
    };
    this.store.db.setMetaRaw('dem', JSON.stringify(info));
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
    this.store.db.commitSpanning();
    this.open = false;
    this.store.close();
    this.closed = true;
    return info;
  }

  rollback() {
    if (this.open) this.store.db.rollbackSpanning();
    this.open = false;
    if (!this.closed) this.store.close();
    this.closed = true;
  }
}

/**
 * The project whose DEM is read: a GeoPackage's path or a shared project's URL (opened read-only
 * and closed again here), or an open project, whose connection is borrowed — the map's terrain
 * asks on every tile, the check worker on every data version, and a shared project's connection
 * costs a thread and a login.
 */
export type DemProject = string | ProjectDb;

/** Reads the project's stored DEM (null when the project has none). */
export function storedDemInfo(project: DemProject): StoredDemInfo | null {
  if (project instanceof ProjectDb) {
    const value = project.getMeta('dem');
    return value !== undefined && demTilesOf(project).exists() ? (JSON.parse(value) as StoredDemInfo) : null;
  }
  if (isPostgresUrl(project)) {
    const db = ProjectDb.open(project, { readonly: true });
    try {
      return storedDemInfo(db);
    } finally {
      db.close();
    }
  }
  // A GeoPackage is read without opening it as a project: a file that is no LandGate project has no DEM.
  const db = openGpkg(project);
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'landgate_meta'").get();
    const row = hasMeta ? (db.prepare("SELECT value FROM landgate_meta WHERE key = 'dem'").get() as { value: string } | undefined) : undefined;
    if (!row) return null;
    return gpkgDemTiles(db).exists() ? (JSON.parse(row.value) as StoredDemInfo) : null;
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
  private readonly tiles: DemTiles;
  private readonly release: () => void;
  private readonly cache = new Map<number, DecodedTile | null>();
  private readonly maxCache: number;

  private constructor(tiles: DemTiles, info: StoredDemInfo, maxCache: number, release: () => void) {
    this.tiles = tiles;
    this.release = release;
    this.info = info;
    ({ cols: this.cols, rows: this.rows, crs: this.crs, originX: this.originX, originY: this.originY, cellX: this.cellX, cellY: this.cellY } = info);
    this.maxCache = maxCache;
  }

  /** The stored DEM, null when the project has none. An open project's connection stays the caller's to close. */
  static open(project: DemProject, options: { maxCachedTiles?: number } = {}): StoredDem | null {
    const maxCache = options.maxCachedTiles ?? 64;
    if (project instanceof ProjectDb) {
      const info = storedDemInfo(project);
      return info ? new StoredDem(demTilesOf(project), info, maxCache, () => undefined) : null;
    }
    if (isPostgresUrl(project)) {
      const db = ProjectDb.open(project, { readonly: true });
      try {
        const info = storedDemInfo(db);
        if (info) return new StoredDem(demTilesOf(db), info, maxCache, () => db.close());
      } catch (error) {
        db.close();
        throw error;
      }
      db.close();
      return null;
    }
    const info = storedDemInfo(project);
    if (!info) return null;
    const db = openGpkg(project);
    return new StoredDem(gpkgDemTiles(db), info, maxCache, () => db.close());
  }

  close() {
    this.release();
  }

  tile(tc: number, tr: number): DecodedTile | null {
    const key = tr * 1_000_000 + tc;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const row = this.tiles.read(tc, tr);
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
