/**
 * A sweep's parcels in tiles, each with only the reference features that can matter to it: how a
 * sweep stays within bounded memory on a shared (PostGIS) project of a whole province, where the
 * reference layers do not fit in every worker's memory at once.
 *
 * The parcel layer's extent is cut into cells holding at most about `tileParcels` parcels (a
 * quadtree over the spatial index's counts); a parcel belongs to the cell holding the lower-left
 * corner of its bounding box (one cell per parcel). A tile's reference features are those whose
 * index envelope meets the tile's parcels' box grown by their kind's reach (`referenceReachM`: the
 * farthest the enabled rules reading that kind look, which the engine holds every rule to; 0 for
 * kinds only overlapped), read through the spatial index (`&&` on the GiST index, the R*Tree on a
 * GeoPackage). Every feature a check of the tile's parcels against the whole layers
 * would find is among them, whole, so the findings are the same, figure for figure.
 *
 * Parcels the cells cannot place (no geometry, or outside the layer's recorded extent) come last,
 * as one more tile with the references around them.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { bboxOf, expandBBoxByMetres } from '../../../shared/geo/geodesy';
import { REFERENCE_LAYER_KINDS, type ReferenceLayerKind } from '../../../shared/model/layers';
import { subdivisionOf, type Piece, type ReferenceData } from '../../../shared/rules/engine';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';
import { MAX_KEYS_PER_REQUEST, type StoredFeature } from '../store/feature-request';

type Box = [number, number, number, number];

export interface ParcelTile {
  /** The tile's parcels, in fid order. */
  parcels: Feature<Polygon | MultiPolygon>[];
  /** Each parcel's place in the layer's fid order (what a sweep lists its results by). */
  places: number[];
  /** The reference features within reach of these parcels, and the project's DEM footprint. */
  references: ReferenceData;
}

export interface ParcelTiling {
  /** Parcels of the layer. */
  total: number;
  tiles(): Generator<ParcelTile>;
}

/** Parcels per tile by default: a tile's references and its parcels stay a few tens of MB. */
export const DEFAULT_TILE_PARCELS = 5_000;

/**
 * The tiles of one parcel layer. `demCoverage` is the project's DEM footprint (read once by the
 * caller: it is small and the same for every tile).
 */
export function parcelTiling(store: ProjectStore, table: string, reachM: ReadonlyMap<ReferenceLayerKind, number>, demCoverage: ReferenceData['demCoverage'], tileParcels = DEFAULT_TILE_PARCELS): ParcelTiling {
  // The fids in order: a parcel's place in the sweep is its rank among them, as in a whole-layer sweep.
  const fidList: number[] = [];
  for (const f of store.iterateFeatures(table, { geometry: false, attributes: [] })) fidList.push(f.fid);
  const fids = Float64Array.from(fidList);
  const referenceLayers = store.listLayers().filter((l) => (REFERENCE_LAYER_KINDS as readonly string[]).includes(l.kind));
  const extent = store.getLayer(table).bbox;

  const placeOf = (fid: number): number => {
    let lo = 0;
    let hi = fids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (fids[mid] === fid) return mid;
      if (fids[mid] < fid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };

  const tileOf = (features: Iterable<StoredFeature>, placed: Uint8Array, accept: (box: Box | null) => boolean): ParcelTile | null => {
    const parcels: Feature<Polygon | MultiPolygon>[] = [];
    const places: number[] = [];
    const union: Box = [Infinity, Infinity, -Infinity, -Infinity];
    for (const f of features) {
      const place = placeOf(f.fid);
      if (place < 0 || placed[place]) continue;
      const box = f.geometry ? bboxOf(f.geometry) : null;
      const finite = box !== null && Number.isFinite(box[0]);
      if (!accept(finite ? box : null)) continue;
      placed[place] = 1;
      parcels.push(toGeoJsonFeature(f) as Feature<Polygon | MultiPolygon>);
      places.push(place);
      if (finite) {
        union[0] = Math.min(union[0], box[0]);
        union[1] = Math.min(union[1], box[1]);
        union[2] = Math.max(union[2], box[2]);
        union[3] = Math.max(union[3], box[3]);
      }
    }
    if (parcels.length === 0) return null;
    // fid order within the tile, so chunks and results read as the layer does
    const order = places.map((_, i) => i).sort((a, b) => places[a] - places[b]);
    return {
      parcels: order.map((i) => parcels[i]),
      places: order.map((i) => places[i]),
      references: { layers: referencesAround(Number.isFinite(union[0]) ? union : null), demCoverage },
    };
  };

  // Huge polygons (a water-source zone, a county's farmland block) reach into many tiles: their
  // pieces are cut once and handed on while the following tiles still read them.
  let piecesBefore = new Map<string, Piece[]>();
  /**
   * The reference features whose envelope meets the parcels' box grown by their kind's reach
   * (none without a box: geometry-less parcels overlap nothing).
   */
  const referencesAround = (parcelsBox: Box | null): ReferenceData['layers'] => {
    const piecesNow = new Map<string, Piece[]>();
    const layers = referenceLayers.map((layer) => {
      const box = parcelsBox ? expandBBoxByMetres(parcelsBox, reachM.get(layer.kind as ReferenceLayerKind) ?? 0) : null;
      const stored = box ? store.requestFeatures(layer.table, { bbox: box }) : [];
      const pieces = stored.map((f) => {
        const key = `${layer.table}\u0000${f.fid}`;
        const cut = piecesBefore.get(key) ?? subdivisionOf(f.geometry);
        if (cut) piecesNow.set(key, cut);
        return cut;
      });
      return { table: layer.table, kind: layer.kind as ReferenceLayerKind, features: stored.map(toGeoJsonFeature), pieces, featureCount: layer.featureCount };
    });
    piecesBefore = piecesNow;
    return layers;
  };

  return {
    total: fids.length,
    *tiles() {
      const placed = new Uint8Array(fids.length);
      if (extent && fids.length > 0) {
        const [minX, minY, maxX, maxY] = extent;
        // Cells split in four while they hold more than a tile's worth (counted on the spatial
        // index, reading no feature): towns get small cells, empty country none. Children share
        // their parent's midpoints, so every corner inside the extent lies in exactly one leaf:
        // [x0, x1) × [y0, y1), closed where the cell meets the extent's upper edges.
        const cells: Box[] = [[minX, minY, maxX, maxY]];
        while (cells.length > 0) {
          const cell = cells.pop()!;
          const [x0, y0, x1, y1] = cell;
          const count = store.countFeatures(table, { bbox: cell });
          if (count === 0) continue;
          const mx = (x0 + x1) / 2;
          const my = (y0 + y1) / 2;
          if (count > tileParcels && mx > x0 && mx < x1 && my > y0 && my < y1) {
            // pushed in reverse so the lower-left child comes first: neighbouring tiles in turn
            cells.push([mx, my, x1, y1], [x0, my, mx, y1], [mx, y0, x1, my], [x0, y0, mx, my]);
            continue;
          }
          const inCell = (box: Box | null) =>
            box !== null && box[0] >= x0 && box[1] >= y0 && (box[0] < x1 || (x1 === maxX && box[0] === maxX)) && (box[1] < y1 || (y1 === maxY && box[1] === maxY));
          const tile = tileOf(store.iterateFeatures(table, { bbox: cell }), placed, inCell);
          if (tile) yield tile;
        }
      }
      // What the cells did not place: no geometry, or outside the recorded extent.
      const rest: number[] = [];
      for (let i = 0; i < fids.length; i++) if (!placed[i]) rest.push(fids[i]);
      for (let start = 0; start < rest.length; start += Math.min(tileParcels, MAX_KEYS_PER_REQUEST)) {
        const page = rest.slice(start, start + Math.min(tileParcels, MAX_KEYS_PER_REQUEST));
        const tile = tileOf(store.requestFeatures(table, { fids: page }), placed, () => true);
        if (tile) yield tile;
      }
    },
  };
}
