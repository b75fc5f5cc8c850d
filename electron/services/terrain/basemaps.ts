/**
 * User basemaps (offline MBTiles / PMTiles packages, e.g. 天地图 offline tiles), registered in the
 * project under landgate_meta key `basemaps`.
 *
 * Storage choice: a RASTER MBTiles is copied INTO the GeoPackage as a standard tile pyramid
 * (gpkg_contents data_type 'tiles', EPSG:3857, one gpkg_tile_matrix row per zoom), so the
 * project stays one portable file and GDAL/QGIS see it as a raster layer. Vector MBTiles and all
 * PMTiles archives are referenced by absolute path (GeoPackage has no standard vector-tile
 * table, and PMTiles archives are usually large single files meant to be read in place); the UI
 * says when such a file is missing.
 *
 * On a shared project (PostgreSQL) every MBTiles, raster or vector, is copied into one table of
 * the project's schema, `landgate_basemap_tiles` (basemap id, zoom, column, row in XYZ order as
 * the GeoPackage's tile tables keep them, the tile's bytes), registered under the same
 * `basemaps` key and served by the same routes: a file path would name a file on one
 * workstation, which the other clients of the project cannot read, so nothing is referenced by
 * path there and a PMTiles archive (meant to be read in place, often a whole province) is refused
 * with a message saying so. Adding one is the administrator's act: the `basemaps` setting is
 * theirs by row-level security and the table is owned by the project's admin role and readable by
 * its read-only role (postgres/pg-schema.ts); the server refuses anyone else.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PMTiles, type Source } from 'pmtiles';
import { UserInputError } from '../../../shared/model/errors';
import type { BasemapInfo } from '../../../shared/terrain/types';
import { PROJECT_ROLE_LABEL } from '../../../shared/model/project-roles';
import { ProjectStore } from '../project-store';
import { connectionOf, sqlOf } from '../store/internal';
import { isPostgresUrl, redact } from '../store/postgres/location';
import { roleName } from '../store/postgres/pg-schema';
import type { ProjectDb } from '../store/project-db';

export type { BasemapInfo };

const MERC = 20037508.342789244;
const WKT_3857 =
  'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]';

function openDb(path: string, readonly: boolean): Database.Database {
  const binding = process.env.LANDGATE_SQLITE_BINDING;
  return new Database(path, { ...(binding ? { nativeBinding: binding } : {}), readonly, fileMustExist: true });
}

function basemapError(file: string, zh: string, en: string, code = 'basemap.invalid') {
  return new UserInputError(code, `底图文件“${basename(file)}”${zh}`, `Basemap "${file}": ${en}`);
}

export function listBasemapsIn(projectPath: string): BasemapInfo[] {
  if (isPostgresUrl(projectPath)) {
    const store = ProjectStore.open(projectPath, { readonly: true });
    try {
      return registeredBasemaps(store.db);
    } finally {
      store.close();
    }
  }
  const db = openDb(projectPath, true);
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'landgate_meta'").get();
    const row = hasMeta ? (db.prepare("SELECT value FROM landgate_meta WHERE key = 'basemaps'").get() as { value: string } | undefined) : undefined;
    return row ? (JSON.parse(row.value) as BasemapInfo[]) : [];
  } finally {
    db.close();
  }
}

/** The basemaps registered in an open project (the `basemaps` setting). */
function registeredBasemaps(db: ProjectDb): BasemapInfo[] {
  const value = db.getMeta('basemaps');
  return value ? (JSON.parse(value) as BasemapInfo[]) : [];
}

// ---------------------------------------------------------------------------------------------
// Reading packages

function normalizeFormat(value: string | undefined, file: string): BasemapInfo['format'] {
  const f = (value ?? '').toLowerCase();
  if (f === 'png') return 'png';
  if (f === 'jpg' || f === 'jpeg') return 'jpg';
  if (f === 'webp') return 'webp';
  if (f === 'pbf' || f === 'mvt') return 'pbf';
  throw basemapError(file, `的瓦片格式“${value ?? '未知'}”不受支持（可用：png、jpg、webp、pbf）。`, `unsupported tile format "${value}".`, 'basemap.format');
}

function parseBounds(text: unknown): [number, number, number, number] | null {
  if (typeof text !== 'string') return null;
  const b = text.split(',').map(Number);
  return b.length === 4 && b.every(Number.isFinite) ? (b as [number, number, number, number]) : null;
}

interface MbtilesMeta {
  name: string;
  format: BasemapInfo['format'];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number] | null;
  attribution: string;
  vectorLayers: string[];
}

function readMbtilesMeta(file: string): MbtilesMeta {
  let db: Database.Database;
  try {
    db = openDb(file, true);
  } catch (error) {
    throw basemapError(file, `无法打开（${(error as Error).message}）。`, `cannot open (${(error as Error).message}).`);
  }
  try {
    let rows: { name: string; value: string }[];
    try {
      rows = db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[];
      db.prepare('SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1').all();
    } catch {
      throw basemapError(file, '不是有效的 MBTiles 文件（缺少 metadata 或 tiles 表）。', 'not an MBTiles file (no metadata/tiles table).');
    }
    const meta = Object.fromEntries(rows.map((r) => [r.name, r.value]));
    const zooms = db.prepare('SELECT min(zoom_level) AS lo, max(zoom_level) AS hi, count(*) AS n FROM tiles').get() as { lo: number | null; hi: number | null; n: number };
    if (!zooms.n) throw basemapError(file, '中没有瓦片。', 'contains no tiles.', 'basemap.empty');
    let vectorLayers: string[] = [];
    if (meta.json) {
      try {
        vectorLayers = ((JSON.parse(meta.json) as { vector_layers?: { id: string }[] }).vector_layers ?? []).map((l) => l.id);
      } catch {
        /* metadata json is optional */
      }
    }
    return {
      name: meta.name || basename(file).replace(/\.mbtiles$/i, ''),
      format: normalizeFormat(meta.format, file),
      minzoom: Number(meta.minzoom ?? zooms.lo ?? 0),
      maxzoom: Number(meta.maxzoom ?? zooms.hi ?? 0),
      bounds: parseBounds(meta.bounds),
      attribution: meta.attribution ?? '',
      vectorLayers,
    };
  } finally {
    db.close();
  }
}

class FileSource implements Source {
  private readonly fd: number;
  constructor(private readonly path: string) {
    this.fd = openSync(path, 'r');
  }
  getKey() {
    return this.path;
  }
  async getBytes(offset: number, length: number) {
    const buffer = Buffer.alloc(length);
    const n = readSync(this.fd, buffer, 0, length, offset);
    return { data: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + n) as ArrayBuffer };
  }
  close() {
    closeSync(this.fd);
  }
}

const PMTILES_FORMAT: Record<number, BasemapInfo['format'] | undefined> = { 1: 'pbf', 2: 'png', 3: 'jpg', 4: 'webp' };

async function readPmtilesMeta(file: string): Promise<MbtilesMeta> {
  const source = new FileSource(file);
  try {
    const archive = new PMTiles(source);
    let header: Awaited<ReturnType<PMTiles['getHeader']>>;
    let metadata: Record<string, unknown> = {};
    try {
      header = await archive.getHeader();
      metadata = ((await archive.getMetadata()) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw basemapError(file, `不是有效的 PMTiles 文件（${(error as Error).message}）。`, `not a PMTiles archive (${(error as Error).message}).`);
    }
    const format = PMTILES_FORMAT[header.tileType];
    if (!format) throw basemapError(file, '的瓦片类型未知。', 'unknown tile type.', 'basemap.format');
    return {
      name: typeof metadata.name === 'string' && metadata.name ? metadata.name : basename(file).replace(/\.pmtiles$/i, ''),
      format,
      minzoom: header.minZoom,
      maxzoom: header.maxZoom,
      bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
      attribution: typeof metadata.attribution === 'string' ? metadata.attribution : '',
      vectorLayers: Array.isArray(metadata.vector_layers) ? (metadata.vector_layers as { id: string }[]).map((l) => l.id) : [],
    };
  } finally {
    source.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Adding

function slug(name: string, taken: Set<string>): string {
  let base = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  if (!/^[a-z]/.test(base)) base = `map_${base}`.replace(/_+$/, '');
  let id = base;
  let n = 2;
  while (taken.has(id)) id = `${base}_${n++}`;
  return id;
}

/** Registers (and for raster MBTiles embeds) a basemap package, with its audit entry; one transaction. */
export async function addBasemap(projectPath: string, file: string, options: { name?: string; attribution?: string } = {}): Promise<BasemapInfo> {
  if (!existsSync(file) || !statSync(file).isFile()) throw basemapError(file, '不存在。', 'does not exist.', 'basemap.missing');
  const lower = file.toLowerCase();
  const container = lower.endsWith('.mbtiles') ? 'mbtiles' : lower.endsWith('.pmtiles') ? 'pmtiles' : null;
  if (!container) throw basemapError(file, '的格式不受支持：离线底图请用 MBTiles（.mbtiles）或 PMTiles（.pmtiles）。', 'unsupported (use .mbtiles or .pmtiles).', 'basemap.container');
  if (isPostgresUrl(projectPath) && container === 'pmtiles') {
    throw basemapError(
      file,
      `不能添加到共享项目“${redact(projectPath)}”：PMTiles 底图只能按文件路径引用，而共享项目的各台工作站读不到某一台电脑上的文件。请改用 MBTiles（瓦片复制进共享项目，栅格或矢量均可），或在本机的 GeoPackage 项目中引用该文件。`,
      `cannot be added to the shared project ${redact(projectPath)}: a PMTiles archive is referenced by path, and the other workstations of a shared project cannot read a file on this one. Use an MBTiles package (copied into the project) instead.`,
      'basemap.shared-file',
    );
  }
  const meta = container === 'mbtiles' ? readMbtilesMeta(file) : await readPmtilesMeta(file);
  if (isPostgresUrl(projectPath)) return addSharedBasemap(projectPath, file, meta, options);
  const existing = listBasemapsIn(projectPath);
  const wanted = options.name ?? meta.name;
  const id = slug(/[a-z0-9]/i.test(wanted) ? wanted : basename(file).replace(/\.(mbtiles|pmtiles)$/i, ''), new Set(existing.map((b) => b.id)));
  const info = basemapInfo(id, meta, options, { storage: container === 'mbtiles' && meta.format !== 'pbf' ? 'embedded' : 'file', container });
  const store = ProjectStore.open(projectPath);
  const db = connectionOf(store.db);
  try {
    db.transaction(() => {
      store.ensureWritable(); // a plain GeoPackage gets the landgate_* tables, in this transaction
      if (info.storage === 'embedded') {
        info.table = `basemap_${id}`.slice(0, 63);
        embedMbtiles(db, file, info);
      } else {
        info.path = resolve(file);
      }
      db.prepare('INSERT INTO landgate_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run('basemaps', JSON.stringify([...existing, info]));
      auditBasemap(store, file, info);
    })();
  } finally {
    store.close();
  }
  return info;
}

/** A basemap's registration, from its package's metadata and what the user named. */
function basemapInfo(id: string, meta: MbtilesMeta, options: { name?: string; attribution?: string }, where: Pick<BasemapInfo, 'storage' | 'container'> & { table?: string }): BasemapInfo {
  return {
    id,
    name: options.name ?? meta.name,
    storage: where.storage,
    container: where.container,
    type: meta.format === 'pbf' ? 'vector' : 'raster',
    format: meta.format,
    minzoom: meta.minzoom,
    maxzoom: meta.maxzoom,
    bounds: meta.bounds,
    attribution: options.attribution ?? meta.attribution,
    vectorLayers: meta.vectorLayers,
    addedAt: new Date().toISOString(),
    ...(where.table ? { table: where.table } : {}),
  };
}

function auditBasemap(store: ProjectStore, file: string, info: BasemapInfo): void {
  store.appendAudit({ action: 'basemap.add', detail: { id: info.id, file: basename(file), storage: info.storage, type: info.type, format: info.format } });
}

/** The table of a shared project that holds its basemaps' tiles (see the head of this file). */
const SHARED_TILES = 'landgate_basemap_tiles';
/** Tiles per INSERT: a statement of a few MB, planned once. */
const SHARED_TILE_BATCH = 256;

/** Copies an MBTiles (raster or vector) into the shared project; one transaction. */
function addSharedBasemap(projectPath: string, file: string, meta: MbtilesMeta, options: { name?: string; attribution?: string }): BasemapInfo {
  const store = ProjectStore.open(projectPath);
  const db = store.db;
  try {
    return store.transaction(() => {
      store.ensureWritable();
      // Two administrators adding at once take distinct ids and both land in the list.
      db.lockInTransaction('basemaps');
      const existing = registeredBasemaps(db);
      const wanted = options.name ?? meta.name;
      const id = slug(/[a-z0-9]/i.test(wanted) ? wanted : basename(file).replace(/\.mbtiles$/i, ''), new Set(existing.map((b) => b.id)));
      const info = basemapInfo(id, meta, options, { storage: 'embedded', container: 'mbtiles', table: SHARED_TILES });
      // The setting first: it is the administrator's (row-level security), so anyone else is
      // refused by the server before a tile is copied.
      db.setMetaRaw('basemaps', JSON.stringify([...existing, info]));
      ensureSharedTilesTable(db);
      copyMbtilesToShared(db, file, id);
      auditBasemap(store, file, info);
      return info;
    });
  } catch (error) {
    throw basemapRefusal(error, db, projectPath) ?? error;
  } finally {
    store.close();
  }
}

/**
 * Created by the first basemap added, in its transaction (PostgreSQL's DDL is transactional: a
 * failed add leaves no table): owned by the project's admin role, so every administrator may add
 * to it, and readable by everyone on the project, as a reference layer is (layer-dialect.ts).
 */
function ensureSharedTilesTable(db: ProjectDb): void {
  if (db.hasTable(SHARED_TILES)) return;
  const sql = sqlOf(db);
  sql.exec(
    `CREATE TABLE IF NOT EXISTS ${SHARED_TILES} (basemap text NOT NULL, zoom_level integer NOT NULL, tile_column integer NOT NULL, tile_row integer NOT NULL, tile_data bytea NOT NULL, PRIMARY KEY (basemap, zoom_level, tile_column, tile_row))`,
  );
  sql.exec(
    `DO $$ BEGIN EXECUTE format('GRANT SELECT ON ${SHARED_TILES} TO %I', current_schema() || '_readonly'); EXECUTE format('ALTER TABLE ${SHARED_TILES} OWNER TO %I', current_schema() || '_admin'); END $$`,
  );
}

function copyMbtilesToShared(db: ProjectDb, file: string, id: string): void {
  const insert = sqlOf(db).prepare(
    `INSERT INTO ${SHARED_TILES} (basemap, zoom_level, tile_column, tile_row, tile_data) SELECT ?, z, x, y, d FROM unnest(CAST(? AS integer[]), CAST(? AS integer[]), CAST(? AS integer[]), CAST(? AS bytea[])) AS u(z, x, y, d)`,
  );
  let batch: { z: number[]; x: number[]; y: number[]; d: Uint8Array[] } = { z: [], x: [], y: [], d: [] };
  const flush = () => {
    if (batch.z.length === 0) return;
    insert.run(id, batch.z, batch.x, batch.y, batch.d);
    batch = { z: [], x: [], y: [], d: [] };
  };
  const src = openDb(file, true);
  try {
    for (const row of src.prepare('SELECT zoom_level AS z, tile_column AS x, tile_row AS y, tile_data AS data FROM tiles').iterate() as Iterable<{ z: number; x: number; y: number; data: Uint8Array }>) {
      batch.z.push(row.z);
      batch.x.push(row.x);
      batch.y.push(2 ** row.z - 1 - row.y); // MBTiles rows are TMS (south-up); kept XYZ as in a GeoPackage
      batch.d.push(row.data);
      if (batch.z.length >= SHARED_TILE_BATCH) flush();
    }
    flush();
  } finally {
    src.close();
  }
}

/** The server's refusal of a basemap, in the words of what was refused (pg-errors.ts says which table). */
function basemapRefusal(error: unknown, db: ProjectDb, projectPath: string): UserInputError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'project.pg-denied') return null;
  const schema = db.sharedSchema ?? '';
  const refusal = new UserInputError(
    'basemap.pg-denied',
    `数据库拒绝：登录 ${db.actingUser()} 无权向共享项目“${redact(projectPath)}”添加离线底图（需要角色 ${roleName(schema, 'admin')}（${PROJECT_ROLE_LABEL.admin.zh}））。请项目管理员添加，或用 landgate role 授予角色；本次操作未改动项目。`,
    `The database refused: login ${db.actingUser()} may not add basemaps to ${redact(projectPath)} (role ${roleName(schema, 'admin')} needed); nothing was changed.`,
  );
  (refusal as { cause?: unknown }).cause = error;
  return refusal;
}

function embedMbtiles(db: Database.Database, file: string, info: BasemapInfo) {
  const table = info.table!;
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(table)) throw basemapError(file, `：项目中已有表 ${table}。`, `table ${table} exists.`, 'basemap.exists');
  db.prepare('INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)').run(
    'WGS 84 / Pseudo-Mercator',
    3857,
    'EPSG',
    3857,
    WKT_3857,
    'web mercator (offline basemap tiles)',
  );
  const src = openDb(file, true);
  try {
    const first = src.prepare('SELECT tile_data FROM tiles LIMIT 1').get() as { tile_data: Uint8Array };
    const tileSize = imageWidth(first.tile_data) ?? 256;
    const b = info.bounds ?? [-180, -85.0511, 180, 85.0511];
    const toMerc = (lon: number, lat: number) => [(lon * MERC) / 180, (Math.log(Math.tan(((90 + Math.max(-85.0511, Math.min(85.0511, lat))) * Math.PI) / 360)) * MERC) / Math.PI];
    const [minX, minY] = toMerc(b[0], b[1]);
    const [maxX, maxY] = toMerc(b[2], b[3]);
    db.prepare("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'tiles', ?, ?, ?, ?, ?, ?, ?, 3857)").run(
      table,
      table,
      `离线底图：${info.name}${info.attribution ? `（${info.attribution.replace(/<[^>]+>/g, '')}）` : ''}`,
      info.addedAt,
      minX,
      minY,
      maxX,
      maxY,
    );
    db.prepare('INSERT INTO gpkg_tile_matrix_set (table_name, srs_id, min_x, min_y, max_x, max_y) VALUES (?, 3857, ?, ?, ?, ?)').run(table, -MERC, -MERC, MERC, MERC);
    db.exec(`CREATE TABLE "${table}" (id INTEGER PRIMARY KEY AUTOINCREMENT, zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL, UNIQUE (zoom_level, tile_column, tile_row))`);
    const matrix = db.prepare('INSERT INTO gpkg_tile_matrix (table_name, zoom_level, matrix_width, matrix_height, tile_width, tile_height, pixel_x_size, pixel_y_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const zooms = src.prepare('SELECT DISTINCT zoom_level AS z FROM tiles ORDER BY z').all() as { z: number }[];
    for (const { z } of zooms) {
      const size = (2 * MERC) / (tileSize * 2 ** z);
      matrix.run(table, z, 2 ** z, 2 ** z, tileSize, tileSize, size, size);
    }
    const insert = db.prepare(`INSERT INTO "${table}" (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)`);
    for (const row of src.prepare('SELECT zoom_level AS z, tile_column AS x, tile_row AS y, tile_data AS data FROM tiles').iterate() as Iterable<{ z: number; x: number; y: number; data: Uint8Array }>) {
      insert.run(row.z, row.x, 2 ** row.z - 1 - row.y, row.data); // MBTiles rows are TMS (south-up)
    }
  } finally {
    src.close();
  }
}

function imageWidth(bytes: Uint8Array): number | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
  return null;
}

// ---------------------------------------------------------------------------------------------
// Serving

const CONTENT_TYPE: Record<BasemapInfo['format'], string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', pbf: 'application/x-protobuf' };

/** Reads basemap tiles (XYZ addressing) from the project or the referenced package files. */
export class BasemapTiles {
  private readonly projectPath: string;
  private projectDb: Database.Database | null = null;
  /** A shared project's connection, opened read-only on first use. */
  private shared: ProjectStore | null = null;
  private readonly mbtiles = new Map<string, Database.Database>();
  private readonly pmtiles = new Map<string, { archive: PMTiles; source: FileSource }>();

  constructor(projectPath: string) {
    this.projectPath = projectPath;
  }

  /**
   * The registered basemaps. On a shared project through this object's one connection: the map
   * asks on every tile, and opening a connection each time would cost more than the tile.
   */
  list(): BasemapInfo[] {
    if (!isPostgresUrl(this.projectPath)) return listBasemapsIn(this.projectPath);
    return registeredBasemaps(this.sharedDb());
  }

  private sharedDb(): ProjectDb {
    this.shared ??= ProjectStore.open(this.projectPath, { readonly: true });
    return this.shared.db;
  }

  async tile(info: BasemapInfo, z: number, x: number, y: number): Promise<{ body: Uint8Array; contentType: string } | null> {
    let data: Uint8Array | null = null;
    if (isPostgresUrl(this.projectPath)) {
      if (info.storage === 'embedded') {
        const row = sqlOf(this.sharedDb())
          .prepare(`SELECT tile_data FROM ${SHARED_TILES} WHERE basemap = ? AND zoom_level = ? AND tile_column = ? AND tile_row = ?`)
          .get(info.id, z, x, y) as { tile_data: Uint8Array } | undefined;
        data = row?.tile_data ? new Uint8Array(row.tile_data) : null;
      }
    } else if (info.storage === 'embedded') {
      this.projectDb ??= openDb(this.projectPath, true);
      const row = this.projectDb.prepare(`SELECT tile_data FROM "${info.table}" WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`).get(z, x, y) as { tile_data: Uint8Array } | undefined;
      data = row?.tile_data ?? null;
    } else if (info.path && existsSync(info.path)) {
      if (info.container === 'mbtiles') {
        let db = this.mbtiles.get(info.path);
        if (!db) this.mbtiles.set(info.path, (db = openDb(info.path, true)));
        const row = db.prepare('SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?').get(z, x, 2 ** z - 1 - y) as { tile_data: Uint8Array } | undefined;
        data = row?.tile_data ?? null;
      } else {
        let entry = this.pmtiles.get(info.path);
        if (!entry) {
          const source = new FileSource(info.path);
          this.pmtiles.set(info.path, (entry = { archive: new PMTiles(source), source }));
        }
        const r = await entry.archive.getZxy(z, x, y);
        data = r ? new Uint8Array(r.data) : null;
      }
    }
    if (!data) return null;
    if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data); // gzip-compressed vector tiles
    return { body: data, contentType: CONTENT_TYPE[info.format] };
  }

  close() {
    this.projectDb?.close();
    this.shared?.close();
    for (const db of this.mbtiles.values()) db.close();
    for (const { source } of this.pmtiles.values()) source.close();
  }
}
