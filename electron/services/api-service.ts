/**
 * The Node-side implementation of the renderer contract (shared/api/contract.ts) for one open
 * project. The desktop app's IPC handlers and the browser-mode HTTP routes both call this object,
 * so the two modes cannot drift apart.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { LandGateApi, ParcelSummary } from '../../shared/api/contract';
import type { CheckReport } from '../../shared/model/check';
import { UserInputError } from '../../shared/model/errors';
import { REFERENCE_LAYER_KINDS, type BBox, type ReferenceLayerKind } from '../../shared/model/layers';
import { buildReferenceIndex, checkParcels, type ReferenceIndex, type ReferenceLayer } from '../../shared/rules/engine';
import { getProfile, loadProfiles } from './profiles';
import { ProjectStore } from './project-store';

export interface ApiService extends LandGateApi {
  close(): void;
}

function bboxOf(feature: Feature): BBox {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const visit = (coords: unknown): void => {
    if (typeof (coords as number[])[0] === 'number') {
      const [x, y] = coords as number[];
      minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
    } else for (const c of coords as unknown[]) visit(c);
  };
  if (feature.geometry && 'coordinates' in feature.geometry) visit(feature.geometry.coordinates);
  return [minX, minY, maxX, maxY];
}

/** Reads every reference layer of the project, grouped for the engine. */
export function readReferenceLayers(store: ProjectStore): ReferenceLayer[] {
  return store
    .listLayers()
    .filter((layer) => (REFERENCE_LAYER_KINDS as readonly string[]).includes(layer.kind))
    .map((layer) => ({ table: layer.table, kind: layer.kind as ReferenceLayerKind, features: store.readFeatures(layer.table).features }));
}

export function readParcelLayer(store: ProjectStore, table: string): Feature<Polygon | MultiPolygon>[] {
  const layer = store.getLayer(table);
  if (layer.kind !== 'parcel') {
    throw new UserInputError('parcels.not-parcel-layer', `图层“${table}”不是报件地块图层（类型为 ${layer.kind}）。`, `Layer "${table}" is not a parcel layer (kind ${layer.kind}).`);
  }
  return store.readFeatures(table).features as Feature<Polygon | MultiPolygon>[];
}

export function createApiService(projectPath: string): ApiService {
  const store = ProjectStore.open(projectPath);
  // The reference index is built once per service; layer imports through the UI will invalidate it
  // (ingestion issue). Building it lazily keeps startup instant on big projects.
  let referenceIndex: ReferenceIndex | null = null;
  const index = () => (referenceIndex ??= buildReferenceIndex(readReferenceLayers(store)));

  const service: ApiService = {
    async getProject() {
      return store.info();
    },
    async getLayerFeatures({ table }) {
      return store.readFeatures(table);
    },
    async listParcels() {
      const parcels: ParcelSummary[] = [];
      for (const layer of store.listLayers().filter((l) => l.kind === 'parcel')) {
        for (const feature of store.readFeatures(layer.table).features) {
          const props = feature.properties ?? {};
          parcels.push({
            table: layer.table,
            id: String(feature.id ?? props.id),
            name: props.name as string | undefined,
            currentUse: props.currentUse as string | undefined,
            plannedUse: props.plannedUse as string | undefined,
            action: props.action as string | undefined,
            bbox: bboxOf(feature),
          });
        }
      }
      return parcels;
    },
    async listProfiles() {
      return loadProfiles().map((p) => ({ id: p.id, name: p.name, version: p.version, description: p.description }));
    },
    async checkParcel({ table, parcelId, profile }) {
      const parcel = readParcelLayer(store, table).find((f) => String(f.id ?? f.properties?.id) === parcelId);
      if (!parcel) {
        throw new UserInputError('parcels.unknown-id', `图层“${table}”中没有编号为“${parcelId}”的地块。`, `No parcel "${parcelId}" in layer "${table}".`);
      }
      const report: CheckReport = checkParcels(index(), [parcel], getProfile(profile), { includeGeometry: true });
      store.recordCheck(report, { parcelTable: table, parcelsSource: `${store.path}#${table}`, trigger: 'ui' });
      return report;
    },
    close() {
      store.close();
    },
  };
  return service;
}
