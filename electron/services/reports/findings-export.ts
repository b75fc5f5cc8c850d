/**
 * Findings of the chosen parcels' latest checks as GeoJSON (UTF-8, lon/lat CGCS2000) or as an
 * ESRI Shapefile for colleagues on older tools: polygons (the overlap polygon, or the parcel
 * itself for findings without one), attributes in a dBASE file encoded in GBK with a `.cpg`
 * saying so (and the GBK language-driver id), a `.prj` for CGCS2000. The shapefile writer is
 * small and written here: no library writes GBK dBASE files.
 */
import { basename, extname } from 'node:path';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { minGeodesicDistance } from '../../../shared/geo/nearest';
import { overlapOf } from '../../../shared/geo/overlay';
import { SEVERITY_LABEL_ZH, VERDICT_LABEL_ZH } from '../../../shared/model/check';
import { muFromM2 } from '../../../shared/format/units';
import { LAYER_KIND_LABEL_ZH, type LayerKind } from '../../../shared/model/layers';
import { UserInputError } from '../../../shared/model/errors';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';
import { ReviewStore } from '../review/review-store';
import { PolygonShapefileWriter, type DbfField } from './shapefile-writer';
import { writeFileAtomically } from './output';
import { recordParcelExport, type ResolvedParcel } from './review-package';

export interface FindingProperties {
  parcelId: string;
  parcelTable: string;
  checkId: number;
  checkedAt: string;
  profile: string;
  verdict: string;
  rule: string;
  severity: string;
  layer: string;
  featureId: string | null;
  overlapM2: number | null;
  overlapMu: number | null;
  overlapPct: number | null;
  distanceM: number | null;
  message: string;
  basis: string;
  /** What the geometry is: 重叠区域 / 最近距离 / 报件地块. */
  geometryRole: string;
}

export function findingsCollection(store: ProjectStore, review: ReviewStore, parcels: { table: string; id: string; feature: Feature }[]): FeatureCollection<Geometry, FindingProperties> {
  const features: Feature<Geometry, FindingProperties>[] = [];
  const layers = store.listLayers();
  // Features are read by id as findings name them, once each: an export of a few parcels must not decode whole layers.
  const cache = new Map<string, Feature | undefined>();
  const refFeature = (table: string, id: string) => {
    const key = `${table}\u0000${id}`;
    if (!cache.has(key)) {
      const stored = layers.some((l) => l.table === table) ? store.requestFeatures(table, { ids: [id], limit: 1 })[0] : undefined;
      cache.set(key, stored ? toGeoJsonFeature(stored) : undefined);
    }
    return cache.get(key);
  };
  for (const p of parcels) {
    const latest = review.latestCheck(p.table, p.id);
    if (!latest || !p.feature.geometry) continue;
    const parcelGeom = p.feature.geometry as Polygon | MultiPolygon;
    for (const f of latest.findings) {
      let geometry: Geometry = parcelGeom;
      let role = '报件地块';
      const ref = f.layerTable && f.featureId !== undefined ? refFeature(f.layerTable, f.featureId) : undefined;
      if (f.overlapM2 && f.geometry && f.geometry.type.endsWith('Polygon')) {
        geometry = f.geometry;
        role = '重叠区域';
      } else if (f.overlapM2 && ref?.geometry && ref.geometry.type.endsWith('Polygon')) {
        const overlap = overlapOf(parcelGeom, ref.geometry as Polygon | MultiPolygon);
        if (overlap.geometry) {
          geometry = overlap.geometry;
          role = '重叠区域';
        }
      } else if (f.distanceM !== undefined && f.distanceM > 0 && ref?.geometry) {
        const pair = minGeodesicDistance(parcelGeom, ref.geometry);
        if (pair) {
          geometry = { type: 'LineString', coordinates: [pair.from, pair.to] };
          role = '最近距离';
        }
      }
      const layer = layers.find((l) => l.table === f.layerTable);
      features.push({
        type: 'Feature',
        geometry,
        properties: {
          parcelId: p.id,
          parcelTable: p.table,
          checkId: latest.checkId,
          checkedAt: latest.checkedAt,
          profile: latest.profile,
          verdict: VERDICT_LABEL_ZH[latest.verdict],
          rule: f.rule,
          severity: SEVERITY_LABEL_ZH[f.severity],
          layer: layer?.title ?? (f.layerKind ? LAYER_KIND_LABEL_ZH[f.layerKind as LayerKind] : ''),
          featureId: f.featureId ?? null,
          overlapM2: f.overlapM2 ?? null,
          overlapMu: f.overlapM2 !== undefined ? Math.round(muFromM2(f.overlapM2) * 100) / 100 : null,
          overlapPct: f.overlapPct ?? null,
          distanceM: f.distanceM ?? null,
          message: f.message,
          basis: f.basis,
          geometryRole: role,
        },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

// ---------------------------------------------------------------------------------------------
// Shapefile: the GBK polygon writer of shapefile-writer.ts with the findings' fields.

const DBF_FIELDS: DbfField<FindingProperties>[] = [
  { name: 'PARCEL_ID', type: 'C', length: 40, decimals: 0, value: (p) => p.parcelId },
  { name: 'RULE', type: 'C', length: 40, decimals: 0, value: (p) => p.rule },
  { name: 'SEVERITY', type: 'C', length: 20, decimals: 0, value: (p) => p.severity },
  { name: 'LAYER', type: 'C', length: 80, decimals: 0, value: (p) => p.layer },
  { name: 'FEATURE', type: 'C', length: 40, decimals: 0, value: (p) => p.featureId },
  { name: 'GEOM_ROLE', type: 'C', length: 16, decimals: 0, value: (p) => p.geometryRole },
  { name: 'AREA_M2', type: 'N', length: 16, decimals: 1, value: (p) => p.overlapM2 },
  { name: 'AREA_MU', type: 'N', length: 14, decimals: 2, value: (p) => p.overlapMu },
  { name: 'PCT', type: 'N', length: 8, decimals: 2, value: (p) => p.overlapPct },
  { name: 'DIST_M', type: 'N', length: 14, decimals: 2, value: (p) => p.distanceM },
  { name: 'VERDICT', type: 'C', length: 20, decimals: 0, value: (p) => p.verdict },
  { name: 'PROFILE', type: 'C', length: 30, decimals: 0, value: (p) => p.profile },
  { name: 'CHECKED', type: 'C', length: 24, decimals: 0, value: (p) => p.checkedAt },
  { name: 'MESSAGE', type: 'C', length: 254, decimals: 0, value: (p) => p.message },
  { name: 'BASIS', type: 'C', length: 254, decimals: 0, value: (p) => p.basis },
];

export function writeFindingsShapefile(
  collection: FeatureCollection<Geometry, FindingProperties>,
  shpPath: string,
  parcelGeometry: (table: string, id: string) => Geometry | null | undefined,
): string[] {
  const writer = new PolygonShapefileWriter(shpPath, DBF_FIELDS);
  try {
    // Polygons only: a distance line becomes the parcel polygon (GEOM_ROLE 报件地块, DIST_M kept).
    for (const f of collection.features) {
      if (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') writer.add(f.geometry, f.properties);
      else {
        const g = parcelGeometry(f.properties.parcelTable, f.properties.parcelId);
        if (g && (g.type === 'Polygon' || g.type === 'MultiPolygon')) writer.add(g, { ...f.properties, geometryRole: '报件地块' });
      }
    }
    return writer.finish();
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/**
 * Findings of `parcels` written to `out` (GeoJSON for .geojson/.json, the GBK Shapefile set for
 * .shp) and recorded in the audit as an export under `recordAs` (default: the file's name).
 * Used by `landgate package findings` and the UI (which zips the Shapefile set).
 */
export function writeFindingsFile(
  store: ProjectStore,
  parcels: ResolvedParcel[],
  out: string,
  options: { recordAs?: string; howToCheckZh?: string; howToCheckEn?: string } = {},
): { count: number; files: string[] } {
  const review = new ReviewStore(store);
  const collection = findingsCollection(store, review, parcels);
  if (collection.features.length === 0) {
    throw new UserInputError(
      'package.no-findings',
      `所选地块尚无审查发现（请先审查：${options.howToCheckZh ?? 'landgate check'}）。`,
      `The chosen parcels have no findings (run ${options.howToCheckEn ?? 'landgate check'} first).`,
    );
  }
  const shapefile = extname(out).toLowerCase() === '.shp';
  let files = [out];
  if (shapefile) files = writeFindingsShapefile(collection, out, (table, id) => parcels.find((p) => p.table === table && p.id === id)?.feature.geometry);
  else writeFileAtomically(out, `${JSON.stringify({ ...collection, name: 'landgate_findings' }, null, 1)}\n`);
  recordParcelExport(review, { format: shapefile ? 'findings-shapefile' : 'findings-geojson', file: options.recordAs ?? basename(out) }, parcels);
  return { count: collection.features.length, files };
}
