/** What checks read from a project: its reference layers, and its parcels by id. */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { UserInputError } from '../../../shared/model/errors';
import { REFERENCE_LAYER_KINDS, type ReferenceLayerKind } from '../../../shared/model/layers';
import type { ReferenceLayer } from '../../../shared/rules/engine';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';

/** Every reference layer of the project, whole, grouped for the engine (an index build or a sweep). */
export function readReferenceLayers(store: ProjectStore): ReferenceLayer[] {
  return store
    .listLayers()
    .filter((layer) => (REFERENCE_LAYER_KINDS as readonly string[]).includes(layer.kind))
    .map((layer) => ({ table: layer.table, kind: layer.kind as ReferenceLayerKind, features: store.readFeatures(layer.table).features }));
}

function requireParcelLayer(store: ProjectStore, table: string): void {
  const layer = store.getLayer(table);
  if (layer.kind !== 'parcel') {
    throw new UserInputError('parcels.not-parcel-layer', `图层“${table}”不是报件地块图层（类型为 ${layer.kind}）。`, `Layer "${table}" is not a parcel layer (kind ${layer.kind}).`);
  }
}

/** Every parcel of a parcel layer (a check of the whole layer from the CLI, the sweep). */
export function readParcelLayer(store: ProjectStore, table: string): Feature<Polygon | MultiPolygon>[] {
  requireParcelLayer(store, table);
  return store.readFeatures(table).features as Feature<Polygon | MultiPolygon>[];
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
