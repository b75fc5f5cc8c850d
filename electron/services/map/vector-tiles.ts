/**
 * The map's vector tiles, cut from the GeoPackage on demand: `GET /tiles/vector/<table>/{z}/{x}/{y}.pbf`
 * (same routes as the terrain tiles: browser-mode host and the desktop app's app:// protocol).
 * A tile reads only what its box holds (the layer's R*Tree), so the map costs what is on screen,
 * never a whole layer. geojson-vt clips and simplifies, vt-pbf encodes Mapbox Vector Tile 2.
 *
 * Each feature carries its GeoPackage fid as MVT feature id (identify and selection go back to the
 * store by fid) and only the attributes its kind's style reads (shared/map/vector-tiles.ts); parcels
 * also carry their latest verdict. An empty tile is answered with 200 and no bytes: a valid empty
 * MVT, which MapLibre takes without logging an error for every empty corner of the county.
 *
 * Who cuts depends on where the project lives. A GeoPackage's features are read through the store
 * and cut here (JsTileCutter). A shared project's are cut by PostGIS with ST_AsMVT
 * (store/postgres/pg-tiles.ts): reading a z10 tile's features over the connection cost twice the
 * GeoPackage's time, while the server has them at hand. Both cut the tile this module describes —
 * box, attributes, markers, rings (tileCut) — and share its cache and revisions.
 */
import type { Feature, FeatureCollection, Geometry, Point } from 'geojson';
import GeoJSONVT, { type LegacyTile } from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { GpkgGeometryType, LayerKind } from '../../../shared/model/layers';
import { circlePolygon } from '../../../shared/geo/display-circle';
import { expandBBoxByMetres } from '../../../shared/geo/geodesy';
import { bufferSourceLayer, COMMON_TILE_ATTRIBUTES, STATION_BUFFER_M, TILE_ATTRIBUTES, TILE_MARKER_ATTRIBUTE, VECTOR_TILE_ZOOM_LIMIT } from '../../../shared/map/vector-tiles';
import type { ProjectStore } from '../project-store';
import { MAX_KEYS_PER_REQUEST, type StoredFeature } from '../store/feature-request';
import type { TileResponse } from '../terrain/tiles';
import { TileCache } from './tile-cache';
import { TileSourceRepository, type MarkerGrid } from '../store/tile-source';
import { PgTileRepository } from '../store/postgres/pg-tiles';
import { EARTH_RADIUS_M } from '../../../shared/geo/display-circle';

/** MVT coordinate extent (the MapLibre default). */
export const TILE_EXTENT = 4096;
/** Geometry kept beyond each tile edge (tile units): lines and outlines run on under the seam. */
const TILE_BUFFER = 64;
/** geojson-vt's simplification tolerance in tile units (its default; under 0.5 px on screen). */
const SIMPLIFY_TOLERANCE = 3;
/** MapLibre draws a vector tile 512 px wide: the pixel sizes below are screen pixels. */
const TILE_SCREEN_PX = 512;
/**
 * Up to this tile zoom, a feature whose envelope is smaller than MARKER_PX screen pixels both ways
 * is drawn as one point (a marker) instead of its outline, and nearby markers are merged. At
 * county scale (tile z10, ~60 m a pixel) many parcels are that small: their outlines would be
 * specks, yet decoding 25 000 of them would cost seconds. A reviewer zoomed out still wants to see
 * where the parcels are and how they were judged, so they stay as verdict-coloured dots; from tile
 * z13 every feature is cut in full (a 100 m parcel is then ~25 px).
 */
const MARKER_MAX_ZOOM = 12;
const MARKER_PX = 4;
/**
 * Markers are merged per cell of this many screen pixels (a dot is ~5 px wide anyway), so a z10
 * tile holds a few thousand markers instead of 25 000 (whose attributes alone take a second to
 * read). A refused parcel stands for its cell if it holds one, else the lowest fid.
 */
const MARKER_CELL_PX = 8;
/** Tile bytes kept in memory. */
const DEFAULT_CACHE_BYTES = 96 * 1024 * 1024;
const VERDICT_CHUNK = 5000;
/** Vertices of a station's ring (display-circle.ts's default). */
const RING_VERTICES = 64;

interface LayerMeta {
  table: string;
  kind: LayerKind;
  geometryType: GpkgGeometryType;
  /** The attributes its tiles carry (shared/map/vector-tiles.ts), verdict apart: it is no column. */
  attributes: string[];
}

/** What one tile holds, whoever cuts it. */
interface TileCut {
  layer: LayerMeta;
  revision: string;
  z: number;
  x: number;
  y: number;
  /** The tile and its buffer, lon/lat. */
  box: [number, number, number, number];
  /** Where features are read: the box, for stations widened by a ring's radius. */
  requestBox: [number, number, number, number];
  /** Up to MARKER_MAX_ZOOM, for layers that are not points. */
  markers: MarkerGrid | null;
  isStation: boolean;
}

/** Cuts one tile's MVT bytes (empty when nothing is in it). */
interface TileCutter {
  cut(tile: TileCut): Uint8Array;
  forget(table: string): void;
}

export class VectorTileService {
  private readonly cache: TileCache;
  private readonly layers = new Map<string, LayerMeta>();
  private readonly revisions = new Map<string, string>();
  private readonly source: TileSourceRepository;
  private readonly cutter: TileCutter;

  /**
   * `cutter` chooses who cuts: by default PostGIS on a shared project (3.0 or later), this process
   * on a GeoPackage; 'javascript' forces the JavaScript cut on either (the benchmark's and the
   * tests' point of comparison).
   */
  constructor(
    private readonly store: ProjectStore,
    options: { cacheBytes?: number; cutter?: 'javascript' | 'database' } = {},
  ) {
    this.cache = new TileCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
    this.source = new TileSourceRepository(store.db);
    const inDatabase = store.db.dialect === 'postgres' && options.cutter !== 'javascript' && PgTileRepository.available(store.db);
    this.cutter = inDatabase ? new PostgisTileCutter(store) : new JsTileCutter(store, this.source);
  }

  /** Who cuts this service's tiles. */
  get cutterName(): 'javascript' | 'database' {
    return this.cutter instanceof PostgisTileCutter ? 'database' : 'javascript';
  }

  /** Answers a GET below /tiles/vector/; null for any other path. Bad paths are 404, never 500. */
  handle(pathname: string): TileResponse | null {
    if (!pathname.startsWith('/tiles/vector/')) return null;
    const match = /^\/tiles\/vector\/([^/]+)\/(\d{1,2})\/(\d{1,8})\/(\d{1,8})\.pbf$/.exec(pathname);
    if (!match) return notFound();
    let table: string;
    try {
      table = decodeURIComponent(match[1]);
    } catch {
      return notFound();
    }
    const [z, x, y] = [Number(match[2]), Number(match[3]), Number(match[4])];
    if (z > VECTOR_TILE_ZOOM_LIMIT || x >= 2 ** z || y >= 2 ** z) return notFound();
    const layer = this.layer(table);
    if (!layer) return notFound();
    const body = this.tile(layer, z, x, y);
    return { status: 200, contentType: 'application/x-protobuf', body };
  }

  /** A layer removed from the project: its cached tiles and metadata go, and its tiles answer 404. */
  forget(table: string): void {
    this.layers.delete(table);
    this.revisions.delete(table);
    this.cutter.forget(table);
    this.cache.dropLayer(table);
  }

  /** One tile's MVT bytes (empty when nothing is in it), from the cache when the layer is unchanged. */
  private tile(layer: LayerMeta, z: number, x: number, y: number): Uint8Array {
    const revision = this.revision(layer);
    if (this.revisions.get(layer.table) !== revision) {
      this.cache.dropLayer(layer.table);
      this.revisions.set(layer.table, revision);
    }
    const key = TileCache.key(layer.table, revision, z, x, y);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const body = this.cutter.cut(tileCut(layer, revision, z, x, y));
    this.cache.set(key, body);
    return body;
  }

  /** Changes whenever the layer's tiles must (see TileSourceRepository.revision). */
  private revision(layer: LayerMeta): string {
    return this.source.revision(layer.table, layer.kind === 'parcel');
  }

  private layer(table: string): LayerMeta | null {
    const known = this.layers.get(table);
    if (known) return known;
    const info = this.store.listLayers().find((l) => l.table === table);
    if (!info) return null;
    const meta: LayerMeta = {
      table,
      kind: info.kind,
      geometryType: info.geometryType,
      attributes: [...COMMON_TILE_ATTRIBUTES, ...TILE_ATTRIBUTES[info.kind].filter((key) => key !== 'verdict')],
    };
    this.layers.set(table, meta);
    return meta;
  }

  cacheSize() {
    return this.cache.size;
  }
}

// ---------------------------------------------------------------------------------------------

/** [west, south, east, north] of a tile in lon/lat. */
export function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z;
  const lon = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

function tileCut(layer: LayerMeta, revision: string, z: number, x: number, y: number): TileCut {
  const [west, south, east, north] = tileBounds(z, x, y);
  const padX = ((east - west) * TILE_BUFFER) / TILE_EXTENT;
  const padY = ((north - south) * TILE_BUFFER) / TILE_EXTENT;
  const box: [number, number, number, number] = [west - padX, south - padY, east + padX, north + padY];
  const isStation = layer.kind === 'monitoring-station';
  // a ring reaches into this tile from a station up to its radius outside it
  const requestBox = isStation ? expandBBoxByMetres(box, STATION_BUFFER_M) : box;
  const pointLayer = layer.geometryType === 'POINT' || layer.geometryType === 'MULTIPOINT';
  return { layer, revision, z, x, y, box, requestBox, markers: !pointLayer && z <= MARKER_MAX_ZOOM ? markerGrid(requestBox, z) : null, isStation };
}

/**
 * The marker grid of a low-zoom tile over `box`: MARKER_PX screen pixels is the smallest outline,
 * one marker per MARKER_CELL_PX cell. A pixel's height in degrees of latitude is taken at the
 * box's middle (Mercator stretches it by 1/cos).
 */
function markerGrid([west, south, , north]: readonly [number, number, number, number], z: number): MarkerGrid {
  const tileSpan = 360 / 2 ** z;
  const pixelLon = tileSpan / TILE_SCREEN_PX;
  const pixelLat = pixelLon * Math.cos((((south + north) / 2) * Math.PI) / 180);
  return { west, south, minWidth: MARKER_PX * pixelLon, minHeight: MARKER_PX * pixelLat, cellWidth: pixelLon * MARKER_CELL_PX, cellHeight: pixelLat * MARKER_CELL_PX };
}

/** A GeoPackage's tiles (or any project's, when asked): features read through the store, cut by geojson-vt. */
class JsTileCutter implements TileCutter {
  /** Per parcel layer and revision: fids of refused parcels, which win their marker cell. */
  private readonly refused = new Map<string, { revision: string; fids: Set<number> }>();

  constructor(
    private readonly store: ProjectStore,
    private readonly source: TileSourceRepository,
  ) {}

  cut(tile: TileCut): Uint8Array {
    const prefer = tile.layer.kind === 'parcel' && tile.markers ? this.refusedFids(tile.layer, tile.revision) : null;
    return cutTile(this.store, tile, prefer);
  }

  forget(table: string): void {
    this.refused.delete(table);
  }

  /**
   * Fids of the layer's parcels whose latest verdict is 不予准入: at low zoom a dot stands for every
   * parcel in its cell, and a refused one must not hide behind a released neighbour. One indexed
   * query per revision (the verdict index, then the layer's id index): ~10 000 refused parcels of a
   * swept county cost 15–30 ms. Conditional ones are not ranked: they are often half the county,
   * and a query per check would cost a tenth of a second.
   */
  private refusedFids(layer: LayerMeta, revision: string): Set<number> {
    const known = this.refused.get(layer.table);
    if (known?.revision === revision) return known.fids;
    const fids = this.source.refusedFids(layer.table);
    this.refused.set(layer.table, { revision, fids });
    return fids;
  }
}

/**
 * A shared project's tiles, cut by PostGIS (store/postgres/pg-tiles.ts) to this module's
 * description: the same attributes, marker grid, simplification and rings as the JavaScript cut.
 */
class PostgisTileCutter implements TileCutter {
  private readonly repository: PgTileRepository;

  constructor(store: ProjectStore) {
    this.repository = new PgTileRepository(store.db);
  }

  cut({ layer, revision, z, x, y, box, requestBox, markers, isStation }: TileCut): Uint8Array {
    return this.repository.mvt({
      table: layer.table,
      revision,
      z,
      x,
      y,
      attributes: layer.attributes,
      verdicts: layer.kind === 'parcel',
      box: requestBox,
      extent: TILE_EXTENT,
      buffer: TILE_BUFFER,
      // geojson-vt leaves its last zoom unsimplified (see sliceTile)
      simplifyTolerance: z < VECTOR_TILE_ZOOM_LIMIT ? SIMPLIFY_TOLERANCE : 0,
      markers: markers ? { ...markers, attribute: TILE_MARKER_ATTRIBUTE } : null,
      rings: isStation ? { layer: bufferSourceLayer(layer.table), pointBox: box, radiusM: STATION_BUFFER_M, vertices: RING_VERTICES, earthRadiusM: EARTH_RADIUS_M } : null,
    });
  }

  forget(table: string): void {
    this.repository.forget(table);
  }
}

function cutTile(store: ProjectStore, { layer, z, x, y, box, requestBox, markers, isStation }: TileCut, prefer: ReadonlySet<number> | null): Uint8Array {
  const features = markers ? featuresWithMarkers(store, layer, requestBox, markers, prefer) : store.requestFeatures(layer.table, { bbox: requestBox, attributes: layer.attributes });
  if (layer.kind === 'parcel') attachVerdicts(store, layer.table, features);

  const main: Feature[] = [];
  const rings: Feature[] = [];
  for (const f of features) {
    if (!f.geometry) continue;
    const properties = tileProperties(f);
    if (isStation) {
      for (const point of pointsOf(f.geometry)) rings.push({ type: 'Feature', id: f.fid, properties, geometry: circlePolygon(point, STATION_BUFFER_M, RING_VERTICES) });
      if (!f.geometry || !intersectsBox(f.geometry, box)) continue;
    }
    main.push({ type: 'Feature', id: f.fid, properties, geometry: f.geometry });
  }

  const layers: Record<string, LegacyTile> = {};
  const mainTile = sliceTile(main, z, x, y);
  if (mainTile) layers[layer.table] = mainTile;
  const ringTile = isStation ? sliceTile(rings, z, x, y) : null;
  if (ringTile) layers[bufferSourceLayer(layer.table)] = ringTile;
  if (Object.keys(layers).length === 0) return new Uint8Array(0);
  return vtpbf.fromGeojsonVt(layers, { version: 2, extent: TILE_EXTENT });
}

function sliceTile(features: Feature[], z: number, x: number, y: number): LegacyTile | null {
  if (features.length === 0) return null;
  const collection: FeatureCollection = { type: 'FeatureCollection', features };
  // maxZoom above any requested zoom: geojson-vt leaves its last zoom unsimplified
  const index = new GeoJSONVT(collection, { maxZoom: VECTOR_TILE_ZOOM_LIMIT, indexMaxZoom: 0, tolerance: SIMPLIFY_TOLERANCE, extent: TILE_EXTENT, buffer: TILE_BUFFER });
  const tile = index.getTile(z, x, y);
  if (!tile) return null;
  tile.features = tile.features.filter((f) => f.type !== 3 || f.geometry.some((ring) => ringArea(ring) !== 0));
  return tile.features.length ? tile : null;
}

/**
 * Low zoom: outlines for features at least MARKER_PX pixels across, one marker (the envelope's
 * centre) per MARKER_CELL_PX cell for the rest. Sizes come from the R*Tree, so the small ones are never decoded.
 */
function featuresWithMarkers(store: ProjectStore, layer: LayerMeta, box: [number, number, number, number], grid: MarkerGrid, prefer: ReadonlySet<number> | null): StoredFeature[] {
  const rows = new TileSourceRepository(store.db).envelopes(layer.table, box);
  const outlined: number[] = [];
  const markerAt = new Map<number, { fid: number; lon: number; lat: number; preferred: boolean }>();
  for (const [fid, minx, maxx, miny, maxy] of rows) {
    if (maxx - minx >= grid.minWidth || maxy - miny >= grid.minHeight) {
      outlined.push(fid);
      continue;
    }
    const lon = (minx + maxx) / 2;
    const lat = (miny + maxy) / 2;
    const cell = Math.floor((lon - grid.west) / grid.cellWidth) * 1_000_003 + Math.floor((lat - grid.south) / grid.cellHeight);
    const seen = markerAt.get(cell);
    // a preferred (refused) parcel wins the cell, else the lowest fid: the same parcel then stands
    // for the cell in every tile and every cut
    const preferred = !!prefer?.has(fid);
    if (!seen || (preferred && !seen.preferred) || (preferred === seen.preferred && fid < seen.fid)) markerAt.set(cell, { fid, lon, lat, preferred });
  }
  const out: StoredFeature[] = [];
  for (let i = 0; i < outlined.length; i += MAX_KEYS_PER_REQUEST) {
    out.push(...store.requestFeatures(layer.table, { fids: outlined.slice(i, i + MAX_KEYS_PER_REQUEST), attributes: layer.attributes }));
  }
  const markers = [...markerAt.values()];
  const position = new Map(markers.map((m) => [m.fid, [m.lon, m.lat]]));
  for (let i = 0; i < markers.length; i += MAX_KEYS_PER_REQUEST) {
    const fids = markers.slice(i, i + MAX_KEYS_PER_REQUEST).map((m) => m.fid);
    for (const f of store.requestFeatures(layer.table, { fids, attributes: layer.attributes, geometry: false })) {
      const at = position.get(f.fid)!;
      out.push({ ...f, properties: { ...f.properties, [TILE_MARKER_ATTRIBUTE]: true }, geometry: { type: 'Point', coordinates: at } as Point });
    }
  }
  return out;
}

function attachVerdicts(store: ProjectStore, table: string, features: StoredFeature[]): void {
  for (let i = 0; i < features.length; i += VERDICT_CHUNK) {
    const chunk = features.slice(i, i + VERDICT_CHUNK);
    const verdicts = store.latestVerdicts(table, chunk.map((f) => f.id));
    for (const f of chunk) {
      const verdict = verdicts.get(f.id);
      if (verdict) f.properties.verdict = verdict;
    }
  }
}

/** MVT values are scalars: anything else (JSON columns) is left out. */
function tileProperties(feature: StoredFeature): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(feature.properties)) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
  }
  return out;
}

function pointsOf(geometry: Geometry): number[][] {
  if (geometry.type === 'Point') return [geometry.coordinates];
  if (geometry.type === 'MultiPoint') return geometry.coordinates;
  return [];
}

function intersectsBox(geometry: Geometry, box: [number, number, number, number]): boolean {
  const minX = box[0], minY = box[1], maxX = box[2], maxY = box[3];
  return pointsOf(geometry).some((p) => p[0] >= minX && p[0] <= maxX && p[1] >= minY && p[1] <= maxY);
}

function ringArea(ring: [number, number][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j][0] - ring[i][0]) * (ring[i][1] + ring[j][1]);
  return sum;
}

function notFound(): TileResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: new TextEncoder().encode('no tile') };
}
