/** What checks read from a project: its reference layers and DEM footprint, and its parcels by id. */
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { PROJECT_CRS, transformer } from '../../../shared/crs';
import { gridExtent } from '../../../shared/terrain/grid';
import { UserInputError } from '../../../shared/model/errors';
import { REFERENCE_LAYER_KINDS, type ReferenceLayerKind } from '../../../shared/model/layers';
import type { ReferenceData, ReferenceLayer } from '../../../shared/rules/engine';
import { storedDemInfo } from '../terrain/dem-store';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';
import { MAX_KEYS_PER_REQUEST } from '../store/feature-request';

/**
 * What the engine reads of a project (an index build or a sweep): every reference layer, whole,
 * and the footprint of the stored DEM, which tells "above every band level" from "no elevation
 * data here" for heat.clean-heating-band.
 */
export function readReferenceLayers(store: ProjectStore): ReferenceData {
  const layers: ReferenceLayer[] = store
    .listLayers()
    .filter((layer) => (REFERENCE_LAYER_KINDS as readonly string[]).includes(layer.kind))
    .map((layer) => ({ table: layer.table, kind: layer.kind as ReferenceLayerKind, features: store.readFeatures(layer.table).features }));
  return { layers, demCoverage: readDemCoverage(store) };
}

/** Points per edge of the DEM footprint: a projected grid's straight edges bend in lon/lat. */
const EDGE_POINTS = 32;

/**
 * The stored DEM's grid extent in EPSG:4490 (null without a DEM). The extent, not the valid
 * pixels: nodata pixels inside it count as covered, as the band builder leaves them out of every
 * band; a DEM with large nodata holes should be clipped before import.
 */
export function readDemCoverage(store: ProjectStore): Polygon | null {
  const info = storedDemInfo(store.db);
  if (!info) return null;
  const [x0, y0, x1, y1] = gridExtent(info);
  const toProject = transformer(info.crs, PROJECT_CRS);
  const corners: Array<[number, number]> = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  const ring: Position[] = [];
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = corners[i];
    const [bx, by] = corners[(i + 1) % 4];
    for (let k = 0; k < EDGE_POINTS; k++) {
      const t = k / EDGE_POINTS;
      const [lon, lat] = toProject([ax + (bx - ax) * t, ay + (by - ay) * t]);
      ring.push([lon, lat]);
    }
  }
  ring.push([...ring[0]]);
  return { type: 'Polygon', coordinates: [ring] };
}

function requireParcelLayer(store: ProjectStore, table: string): void {
  const layer = store.getLayer(table);
  if (layer.kind !== 'parcel') {
    throw new UserInputError('parcels.not-parcel-layer', `图层“${table}”不是报件地块图层（类型为 ${layer.kind}）。`, `Layer "${table}" is not a parcel layer (kind ${layer.kind}).`);
  }
}

/**
 * Every parcel of a parcel layer (a check of the whole layer from the CLI, the sweep), or only
 * those with the given ids, read through the id index.
 */
export function readParcelLayer(store: ProjectStore, table: string, only?: { ids: readonly string[] }): Feature<Polygon | MultiPolygon>[] {
  requireParcelLayer(store, table);
  if (!only) return store.readFeatures(table).features as Feature<Polygon | MultiPolygon>[];
  const out: Feature<Polygon | MultiPolygon>[] = [];
  for (let i = 0; i < only.ids.length; i += MAX_KEYS_PER_REQUEST) {
    for (const stored of store.requestFeatures(table, { ids: only.ids.slice(i, i + MAX_KEYS_PER_REQUEST) })) out.push(toGeoJsonFeature(stored) as Feature<Polygon | MultiPolygon>);
  }
  return out;
}

/** One parcel by its id, read through the id index. */
export function readParcel(store: ProjectStore, table: string, parcelId: string): Feature<Polygon | MultiPolygon> {
  requireParcelLayer(store, table);
  const parcel = store.featureById(table, parcelId);
  if (!parcel) {
    throw new UserInputError('parcels.unknown-id', `图层“${table}”中没有编号为“${parcelId}”的地块。`, `No parcel "${parcelId}" in layer "${table}".`);
  }
  return toGeoJsonFeature(parcel) as Feature<Polygon | MultiPolygon>;
}
