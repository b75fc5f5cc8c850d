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
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PMTiles, type Source } from 'pmtiles';
import { UserInputError } from '../../../shared/model/errors';
import type { BasemapInfo } from '../../../shared/terrain/types';
import { ProjectStore } from '../project-store';
import { connectionOf } from '../store/internal';
import { isPostgresUrl, sharedProjectUnsupported } from '../store/postgres/location';

export type { BasemapInfo };

const MERC = 20037508.342789244;
const WKT_3857 =
  'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]';

function openDb(path: string, readonly: boolean): Database.Database {
  // Embedded basemaps are GeoPackage tile tables; a shared project holds none yet.
  if (isPostgresUrl(path)) throw sharedProjectUnsupported(path);
  const binding = process.env.LANDGATE_SQLITE_BINDING;
  return new Database(path, { ...(binding ? { nativeBinding: binding } : {}), readonly, fileMustExist: true });
}

function basemapError(file: string, zh: string, en: string, code = 'basemap.invalid') {
  return new UserInputError(code, `底图文件“${basename(file)}”${zh}`, `Basemap "${file}": ${en}`);
}

export function listBasemapsIn(projectPath: string): BasemapInfo[] {
  if (isPostgresUrl(projectPath)) return [];
  const db = openDb(projectPath, true);
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'landgate_meta'").get();
    const row = hasMeta ? (db.prepare("SELECT value FROM landgate_meta WHERE key = 'basemaps'").get() as { value: string } | undefined) : undefined;
    return row ? (JSON.parse(row.value) as BasemapInfo[]) : [];
  } finally {
    db.close();
  }
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

/** Registers (and for raster MBTiles embeds) a basemap package; one transaction. */
export async function addBasemap(projectPath: string, file: string, options: { name?: string; attribution?: string } = {}): Promise<BasemapInfo> {
  if (isPostgresUrl(projectPath)) throw sharedProjectUnsupported(projectPath);
  if (!existsSync(file) || !statSync(file).isFile()) throw basemapError(file, '不存在。', 'does not exist.', 'basemap.missing');
  const lower = file.toLowerCase();
  const container = lower.endsWith('.mbtiles') ? 'mbtiles' : lower.endsWith('.pmtiles') ? 'pmtiles' : null;
  if (!container) throw basemapError(file, '的格式不受支持：离线底图请用 MBTiles（.mbtiles）或 PMTiles（.pmtiles）。', 'unsupported (use .mbtiles or .pmtiles).', 'basemap.container');
  const meta = container === 'mbtiles' ? readMbtilesMeta(file) : await readPmtilesMeta(file);
  const existing = listBasemapsIn(projectPath);
  const wanted = options.name ?? meta.name;
  const id = slug(/[a-z0-9]/i.test(wanted) ? wanted : basename(file).replace(/\.(mbtiles|pmtiles)$/i, ''), new Set(existing.map((b) => b.id)));
  const info: BasemapInfo = {
    id,
    name: options.name ?? meta.name,
    storage: container === 'mbtiles' && meta.format !== 'pbf' ? 'embedded' : 'file',
    container,
    type: meta.format === 'pbf' ? 'vector' : 'raster',
    format: meta.format,
    minzoom: meta.minzoom,
    maxzoom: meta.maxzoom,
    bounds: meta.bounds,
    attribution: options.attribution ?? meta.attribution,
    vectorLayers: meta.vectorLayers,
    addedAt: new Date().toISOString(),
  };
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
    })();
  } finally {
    store.close();
  }
  return info;
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
  private readonly mbtiles = new Map<string, Database.Database>();
  private readonly pmtiles = new Map<string, { archive: PMTiles; source: FileSource }>();

  constructor(projectPath: string) {
    this.projectPath = projectPath;
  }

  async tile(info: BasemapInfo, z: number, x: number, y: number): Promise<{ body: Uint8Array; contentType: string } | null> {
    let data: Uint8Array | null = null;
    if (info.storage === 'embedded') {
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
    for (const db of this.mbtiles.values()) db.close();
    for (const { source } of this.pmtiles.values()) source.close();
  }
}
