/**
 * The offline basemap served from the project: terrain-RGB tiles (Mapbox encoding, drawn by
 * MapLibre's `hillshade` layer) rendered on request from the stored DEM, contour lines as
 * GeoJSON, and the user's MBTiles / PMTiles basemaps. Tile bytes go over GET routes
 * (`/tiles/dem/{z}/{x}/{y}.png`, `/tiles/basemap/<id>/{z}/{x}/{y}`) on the browser-mode host and
 * the desktop app's `app://` protocol — never over the JSON API, and never to another machine.
 */
import { existsSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type { Feature, FeatureCollection, LineString } from 'geojson';
import { PROJECT_CRS, isGeographic, transformer } from '../../../shared/crs';
import { BandBuilder } from '../../../shared/terrain/bands';
import { pixelToCrs, type DemGridInfo } from '../../../shared/terrain/grid';
import { encodePngRgba } from '../../../shared/terrain/png';
import type { BasemapSummary, TerrainInfo } from '../../../shared/terrain/types';
import { BasemapTiles } from './basemaps';
import type { ProjectDb } from '../store/project-db';
import { StoredDem, storedDemInfo, type StoredDemInfo } from './dem-store';

export type { BasemapSummary, TerrainInfo };

export interface TileResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

const TILE = 256;
const EARTH_M_PER_DEG = 111_320;

function demBoundsLonLat(info: DemGridInfo): [number, number, number, number] {
  const toLonLat = transformer(info.crs, PROJECT_CRS);
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (let i = 0; i <= 8; i++) {
    for (const [px, py] of [[(info.cols * i) / 8, 0], [(info.cols * i) / 8, info.rows], [0, (info.rows * i) / 8], [info.cols, (info.rows * i) / 8]]) {
      const [lon, lat] = toLonLat(pixelToCrs(info, px, py));
      w = Math.min(w, lon); s = Math.min(s, lat); e = Math.max(e, lon); n = Math.max(n, lat);
    }
  }
  return [w, s, e, n];
}

function cellMetres(info: DemGridInfo): number {
  if (!isGeographic(info.crs)) return info.cellX;
  const lat = info.originY - (info.rows * info.cellY) / 2;
  return info.cellY * EARTH_M_PER_DEG * Math.max(0.2, Math.cos((lat * Math.PI) / 180)) ** 0.5;
}

function niceInterval(range: number): number {
  const target = range / 12;
  for (const step of [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]) if (step >= target) return step;
  return 1000;
}

/** One per open project (API service): the stored DEM, its tiles and contours, the basemaps. */
export class TerrainService {
  /** The open project: its DEM is read through the project's connection (a file or a shared schema alike). */
  private readonly project: ProjectDb;
  private readonly projectPath: string;
  private dem: StoredDem | null = null;
  private demKey = '';
  private contourCache: { key: string; data: FeatureCollection } | null = null;
  private readonly basemapTiles: BasemapTiles;

  constructor(project: ProjectDb) {
    this.project = project;
    this.projectPath = project.path;
    this.basemapTiles = new BasemapTiles(this.projectPath);
  }

  /** The stored DEM, reopened when it was replaced (e.g. `landgate bands --dem` meanwhile). */
  private storedDem(): StoredDem | null {
    const info = storedDemInfo(this.project);
    const key = info ? `${info.importedAt}|${info.files.join(',')}` : '';
    if (key !== this.demKey) {
      this.dem?.close();
      this.dem = info ? StoredDem.open(this.project, { maxCachedTiles: 128 }) : null;
      this.demKey = key;
      this.contourCache = null;
    }
    return this.dem;
  }

  terrainInfo(): TerrainInfo | null {
    const dem = this.storedDem();
    if (!dem) return null;
    const info: StoredDemInfo = dem.info;
    const bounds = demBoundsLonLat(info);
    const midLat = (bounds[1] + bounds[3]) / 2;
    // zoom whose tile pixel is about one DEM cell; MapLibre over-zooms beyond it
    const zoomForCell = Math.log2((40_075_016 * Math.cos((midLat * Math.PI) / 180)) / (TILE * cellMetres(info)));
    const maxzoom = Math.max(1, Math.min(14, Math.round(zoomForCell)));
    return {
      tiles: '/tiles/dem/{z}/{x}/{y}.png',
      encoding: 'mapbox',
      tileSize: TILE,
      minzoom: 0,
      maxzoom,
      bounds,
      minM: info.minM,
      maxM: info.maxM,
      crs: info.crs,
      cols: info.cols,
      rows: info.rows,
      files: info.files,
      importedAt: info.importedAt,
      contourIntervalM: niceInterval((info.maxM ?? 1000) - (info.minM ?? 0)),
    };
  }

  /** Terrain-RGB tile: height = −10000 + (R·65536 + G·256 + B) · 0.1 m. Null outside the DEM. */
  demTile(z: number, x: number, y: number): Uint8Array | null {
    const dem = this.storedDem();
    if (!dem) return null;
    const n = 2 ** z;
    if (x < 0 || y < 0 || x >= n || y >= n) return null;
    const bounds = demBoundsLonLat(dem.info);
    const lonW = (x / n) * 360 - 180, lonE = ((x + 1) / n) * 360 - 180;
    const latN = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
    const latS = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 1)) / n))) * 180) / Math.PI;
    if (lonE < bounds[0] || lonW > bounds[2] || latN < bounds[1] || latS > bounds[3]) return null;
    const toDem = transformer(PROJECT_CRS, dem.crs);
    const geographic = isGeographic(dem.crs);
    // outside the DEM (and at nodata): flat ground, so no invented relief is drawn there
    const flat = dem.info.minM !== null && dem.info.maxM !== null ? (dem.info.minM + dem.info.maxM) / 2 : 0;
    const rgba = new Uint8Array(TILE * TILE * 4);
    for (let py = 0; py < TILE; py++) {
      const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + (py + 0.5) / TILE)) / n))) * 180) / Math.PI;
      for (let px = 0; px < TILE; px++) {
        const lon = ((x + (px + 0.5) / TILE) / n) * 360 - 180;
        let dx = lon;
        let dy = lat;
        if (!geographic) {
          const xy = toDem([lon, lat]);
          dx = xy[0];
          dy = xy[1];
        }
        let h = dem.sample(dx, dy);
        if (h !== h) h = this.clampedSample(dem, dx, dy, flat);
        const v = Math.max(0, Math.min(0xffffff, Math.round((h + 10000) * 10)));
        const k = (py * TILE + px) * 4;
        rgba[k] = (v >> 16) & 0xff;
        rgba[k + 1] = (v >> 8) & 0xff;
        rgba[k + 2] = v & 0xff;
        rgba[k + 3] = 255;
      }
    }
    return encodePngRgba(rgba, TILE, TILE, 6, (raw) => deflateSync(raw, { level: 4 }));
  }

  /** Nearest cell value within one cell of the DEM (its half-cell rim), else flat ground. */
  private clampedSample(dem: StoredDem, x: number, y: number, flat: number): number {
    const px = (x - dem.originX) / dem.cellX, py = (dem.originY - y) / dem.cellY;
    if (px < -1 || py < -1 || px > dem.cols + 1 || py > dem.rows + 1) return flat;
    const v = dem.pixel(Math.min(dem.cols - 1, Math.max(0, Math.floor(px))), Math.min(dem.rows - 1, Math.max(0, Math.floor(py))));
    return v === v ? v : flat;
  }

  /**
   * Contour lines of the stored DEM (at most ~800 × 800 cells: larger DEMs are decimated), every
   * `contourIntervalM`, with `elevation` and `major` (every fifth line). The band boundaries along
   * the DEM edge are not contours and are cut away.
   */
  async contours(): Promise<FeatureCollection<LineString>> {
    const dem = this.storedDem();
    const info = this.terrainInfo();
    if (!dem || !info || info.minM === null || info.maxM === null) return { type: 'FeatureCollection', features: [] };
    if (this.contourCache?.key === this.demKey) return this.contourCache.data as FeatureCollection<LineString>;
    const step = info.contourIntervalM;
    const levels: number[] = [];
    for (let l = Math.ceil(info.minM / step) * step; l <= info.maxM; l += step) levels.push(l);
    const k = Math.max(1, Math.ceil(Math.max(dem.cols, dem.rows) / 800));
    const cols = Math.floor(dem.cols / k), rows = Math.floor(dem.rows / k);
    const grid: DemGridInfo = { cols, rows, crs: dem.crs, originX: dem.originX, originY: dem.originY, cellX: dem.cellX * k, cellY: dem.cellY * k };
    const builder = new BandBuilder(cols, levels);
    const row = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const src = await dem.readRows(r * k + Math.floor(k / 2), 1);
      for (let c = 0; c < cols; c++) row[c] = src[c * k + Math.floor(k / 2)];
      builder.pushRow(row);
    }
    const bands = builder.finish();
    const toLonLat = transformer(dem.crs, PROJECT_CRS);
    const features: Feature<LineString>[] = [];
    const onEdge = (p: number[]) => p[0] <= 0 || p[1] <= 0 || p[0] >= cols || p[1] >= rows;
    for (const [level, polygons] of bands) {
      for (const rings of polygons) {
        for (const ring of rings) {
          for (const line of openRuns(ring, onEdge)) {
            if (line.length < 2) continue;
            features.push({
              type: 'Feature',
              properties: { elevation: level, major: level % (step * 5) === 0 },
              geometry: { type: 'LineString', coordinates: line.map((p) => toLonLat(pixelToCrs(grid, p[0], p[1])).map((v) => Math.round(v * 1e7) / 1e7)) },
            });
          }
        }
      }
    }
    const data: FeatureCollection<LineString> = { type: 'FeatureCollection', features };
    this.contourCache = { key: this.demKey, data };
    return data;
  }

  basemaps(): BasemapSummary[] {
    return this.basemapTiles.list().map((b) => ({
      ...b,
      tiles: `/tiles/basemap/${b.id}/{z}/{x}/{y}.${b.format}`,
      available: b.storage === 'embedded' || (!!b.path && existsSyncSafe(b.path)),
    }));
  }

  /** Answers a GET below /tiles/; null when the path is not a tile route. */
  async handle(pathname: string): Promise<TileResponse | null> {
    const dem = /^\/tiles\/dem\/(\d{1,2})\/(\d+)\/(\d+)\.png$/.exec(pathname);
    if (dem) {
      const body = this.demTile(Number(dem[1]), Number(dem[2]), Number(dem[3]));
      return body ? { status: 200, contentType: 'image/png', body } : notFound();
    }
    const base = /^\/tiles\/basemap\/([a-z][a-z0-9_]*)\/(\d{1,2})\/(\d+)\/(\d+)\.(png|jpg|webp|pbf)$/.exec(pathname);
    if (base) {
      const info = this.basemapTiles.list().find((b) => b.id === base[1]);
      if (!info) return notFound();
      const tile = await this.basemapTiles.tile(info, Number(base[2]), Number(base[3]), Number(base[4]));
      return tile ? { status: 200, ...tile } : notFound();
    }
    return pathname.startsWith('/tiles/') ? notFound() : null;
  }

  close() {
    this.dem?.close();
    this.basemapTiles.close();
  }
}

function notFound(): TileResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: new TextEncoder().encode('no tile') };
}

function existsSyncSafe(path: string): boolean {
  try {
    return existsSync(path);
  } catch {
    return false;
  }
}

/** Splits a closed ring into the runs of segments that are not both on the grid edge. */
function openRuns(ring: number[][], onEdge: (p: number[]) => boolean): number[][][] {
  const m = ring.length - 1; // segments
  const keep = (i: number) => !(onEdge(ring[i]) && onEdge(ring[i + 1]));
  let start = -1;
  for (let i = 0; i < m; i++) if (!keep(i)) { start = i; break; }
  if (start === -1) return [ring];
  const runs: number[][][] = [];
  let current: number[][] = [];
  for (let j = 1; j <= m; j++) {
    const i = (start + j) % m;
    if (keep(i)) {
      if (current.length === 0) current.push(ring[i]);
      current.push(ring[i + 1]);
    } else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** Duck-typed access for the hosts: an API service that can serve tiles. */
export interface TileSource {
  tile(pathname: string): Promise<TileResponse | null>;
}

export function isTileSource(value: unknown): value is TileSource {
  return typeof (value as Partial<TileSource> | null)?.tile === 'function';
}
