/**
 * Attaches `elevation` (min / mean / max, share below each band level) to every parcel result of
 * a check report, from the project's stored DEM — the evidence behind heat.clean-heating-band.
 * An additional key on the parcel result (rules.md §5 allows additional keys); the rule engine is
 * not involved. No DEM in the project → no key.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { CheckReport, ParcelResult } from '../../../shared/model/check';
import { parcelElevation, type ParcelElevation } from '../../../shared/terrain/stats';
import type { ProjectStore } from '../project-store';
import { StoredDem } from './dem-store';
import { DEFAULT_LEVELS } from './bands-service';
import { idOfFeature } from '../../../shared/model/attributes';

export type ParcelResultWithElevation = ParcelResult & { elevation?: ParcelElevation };

/** Band levels of the project: belowM of its elevation-band layers, else 400 / 900 m. */
export function projectBandLevels(store: ProjectStore): number[] {
  const levels = new Set<number>();
  for (const layer of store.listLayers().filter((l) => l.kind === 'elevation-band')) {
    for (const f of store.iterateFeatures(layer.table, { geometry: false, attributes: ['belowM'] })) {
      const v = Number(f.properties.belowM);
      if (Number.isFinite(v)) levels.add(v);
    }
  }
  return levels.size > 0 ? [...levels].sort((a, b) => a - b) : [...DEFAULT_LEVELS];
}

export function attachElevation(store: ProjectStore, report: CheckReport, parcels: Feature<Polygon | MultiPolygon>[]): CheckReport {
  const dem = StoredDem.open(store.path);
  if (!dem) return report;
  try {
    const levels = projectBandLevels(store);
    const byId = new Map(parcels.map((f) => [idOfFeature(f), f]));
    const source = dem.info.files.join('、');
    for (const result of report.parcels as ParcelResultWithElevation[]) {
      const parcel = byId.get(result.id);
      if (!parcel?.geometry) continue;
      const elevation = parcelElevation(parcel.geometry, dem, (x, y) => dem.sample(x, y), levels, source);
      if (elevation) result.elevation = elevation;
    }
  } finally {
    dem.close();
  }
  return report;
}
