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

/**
 * The project's DEM opened for sampling, with the band levels it is measured against. Kept open
 * across checks (the check worker holds one per data version, as it holds the reference index) so
 * the DEM tiles a parcel needs are decoded once, not on every click.
 */
export class ElevationEvidence {
  private constructor(
    private readonly dem: StoredDem,
    private readonly levels: number[],
    private readonly source: string,
  ) {}

  /** null when the project has no DEM. */
  static open(store: ProjectStore): ElevationEvidence | null {
    // the project's own connection: a shared project's DEM is read where its layers are
    const dem = StoredDem.open(store.db);
    if (!dem) return null;
    try {
      return new ElevationEvidence(dem, projectBandLevels(store), dem.info.files.join('、'));
    } catch (error) {
      dem.close();
      throw error;
    }
  }

  attach(report: CheckReport, parcels: Feature<Polygon | MultiPolygon>[]): CheckReport {
    const byId = new Map(parcels.map((f) => [idOfFeature(f), f]));
    for (const result of report.parcels as ParcelResultWithElevation[]) {
      const parcel = byId.get(result.id);
      if (!parcel?.geometry) continue;
      const elevation = parcelElevation(parcel.geometry, this.dem, (x, y) => this.dem.sample(x, y), this.levels, this.source);
      if (elevation) result.elevation = elevation;
    }
    return report;
  }

  close(): void {
    this.dem.close();
  }
}

/** One-off: opens the DEM, attaches the evidence and closes it again (the CLI, a sweep). */
export function attachElevation(store: ProjectStore, report: CheckReport, parcels: Feature<Polygon | MultiPolygon>[]): CheckReport {
  const evidence = ElevationEvidence.open(store);
  if (!evidence) return report;
  try {
    return evidence.attach(report, parcels);
  } finally {
    evidence.close();
  }
}
