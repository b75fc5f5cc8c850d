/**
 * What the map's vector tiles look like, shared by the tile service (Node) and the map style
 * (renderer) so the two cannot disagree: the URL of a layer's tiles, the attributes each layer kind
 * carries into its tiles (only what its style and legend read), and the extra source-layer of
 * derived geometry.
 */
import type { LayerKind } from '../model/layers';

/** Tiles are cut at any zoom up to this; MapLibre over-zooms the last one beyond. */
export const VECTOR_TILE_MAX_ZOOM = 18;
/** The highest zoom a request may name (a path beyond it is not a tile: 404). */
export const VECTOR_TILE_ZOOM_LIMIT = 24;

/** Radius of the monitoring-station rings (rules.md `stationBufferM`, default 500 m). */
export const STATION_BUFFER_M = 500;

/** Same-origin URL template of a layer's tiles; `revision` only defeats the map's own tile cache. */
export function vectorTilePath(table: string, revision?: string | number): string {
  return `/tiles/vector/${encodeURIComponent(table)}/{z}/{x}/{y}.pbf${revision !== undefined ? `?rev=${encodeURIComponent(String(revision))}` : ''}`;
}

/** Source-layer of the buffer rings around a station layer's points (same feature ids as the stations). */
export const bufferSourceLayer = (table: string) => `${table}:buffer`;

/** Attributes every tile feature carries besides these kind-specific ones. */
export const COMMON_TILE_ATTRIBUTES = ['id', 'name'] as const;

/**
 * Kind-specific attributes in tiles. `verdict` on parcels is not a column: it is the parcel's
 * latest recorded verdict (landgate_parcel_verdicts), absent when never checked.
 */
export const TILE_ATTRIBUTES: Record<LayerKind, readonly string[]> = {
  'water-source-zone': ['level'],
  'contaminated-parcel': ['listed', 'delisted'],
  'suspect-parcel': [],
  'key-supervised-unit': [],
  'monitoring-station': ['type'],
  'elevation-band': ['belowM'],
  'basic-farmland': [],
  'coal-ban-zone': [],
  river: ['class'],
  'built-up-area': ['level'],
  'admin-boundary': [],
  parcel: ['verdict'],
};

/** Set on a tile feature drawn as a point because its shape is smaller than a pixel at that zoom. */
export const TILE_MARKER_ATTRIBUTE = 'marker';

/** The Web Mercator tile (x, y) at zoom z that contains lon/lat. */
export function tileContaining(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [x, y];
}
