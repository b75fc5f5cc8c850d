/**
 * One sweep (全部审查) of every parcel layer of a project, for the CLI (`landgate check --all`) and
 * the UI's sweep jobs alike: parcels are read a chunk at a time from the store, checked on worker
 * threads, and each chunk's results are written into the project (store/sweep-results.ts) as they
 * arrive. Memory holds the reference layers, the parcels' fids and a few chunks; never the
 * results. Cancelled or failed, the sweep's rows are deleted and nothing is listed.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { SweepSummary } from '../../../shared/api/contract';
import type { CheckReport, ParcelResult } from '../../../shared/model/check';
import { referenceReachM, type ReferenceInput } from '../../../shared/rules/engine';
import type { Profile } from '../../../shared/rules/profile';
import { BatchCancelled, checkTiles, streamBatchCheck, type ParcelSource } from '../batch-check';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';
import { SweepResults } from '../store/sweep-results';
import { attachElevation } from '../terrain/parcel-elevation';
import { MAX_KEYS_PER_REQUEST } from '../store/feature-request';
import { readDemCoverage, readReferenceLayers } from '../check/reference-data';
import { parcelTiling } from './parcel-tiles';

export { BatchCancelled };

export interface SweepOptions {
  trigger: 'ui' | 'cli';
  checkedAt?: Date;
  includeGeometry?: boolean;
  workers?: number;
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Called once the sweep row exists (its id is what the UI pages through). */
  onStarted?: (sweepId: number) => void;
  /**
   * Runs after every result is stored and before the sweep is marked complete (the CLI writes its
   * output here: a failed output then leaves no sweep, as a failed check leaves no record).
   */
  beforeComplete?: (sweepId: number, results: SweepResults) => void | Promise<void>;
  /** Elevation evidence per parcel (default true, as for a single check). */
  elevation?: boolean;
}

export interface SweepOutcome {
  sweepId: number;
  summary: SweepSummary;
  /** Worker threads used (0 = this thread). */
  workers: number;
  layers: number;
  seconds: number;
}

/**
 * What a sweep checks against: the reference layers read whole, once (a county in a GeoPackage fits
 * in memory, and one index per worker for the whole sweep is fastest), or read around each tile of
 * parcels through the spatial index (a shared project may hold a province: memory stays bounded
 * whatever its size, and the database's GiST index picks the candidates). `tileParcels` sizes the
 * tiles (parcel-tiles.ts).
 */
export type SweepReferences = { layers: ReferenceInput } | { tiled: { tileParcels?: number } };

/** Tiled on a shared project, whole layers on a GeoPackage. */
export function sweepReferencesFor(store: ProjectStore): SweepReferences {
  return store.db.dialect === 'postgres' ? { tiled: {} } : { layers: readReferenceLayers(store) };
}

/** Parcel layers of the project with their parcel count. */
export function parcelLayersOf(store: ProjectStore): { table: string; total: number }[] {
  return store
    .listLayers()
    .filter((l) => l.kind === 'parcel')
    .map((l) => ({ table: l.table, total: store.countFeatures(l.table) }));
}

/**
 * The parcels of one layer, read in fid order a chunk at a time (the order readFeatures gives,
 * so results and ids are those of a check over the whole layer).
 */
export function layerParcelSource(store: ProjectStore, table: string): ParcelSource {
  const fids: number[] = [];
  for (const f of store.iterateFeatures(table, { geometry: false, attributes: [] })) fids.push(f.fid);
  return {
    total: fids.length,
    read(offset, limit) {
      const out: Feature<Polygon | MultiPolygon>[] = [];
      for (let start = offset; start < Math.min(offset + limit, fids.length); start += MAX_KEYS_PER_REQUEST) {
        const page = fids.slice(start, Math.min(offset + limit, fids.length, start + MAX_KEYS_PER_REQUEST));
        for (const f of store.requestFeatures(table, { fids: page })) out.push(toGeoJsonFeature(f) as Feature<Polygon | MultiPolygon>);
      }
      return out;
    },
  };
}

export async function runSweep(store: ProjectStore, references: SweepReferences, profile: Profile, options: SweepOptions): Promise<SweepOutcome> {
  const started = Date.now();
  const checkedAtDate = options.checkedAt ?? new Date();
  const checkedAt = checkedAtDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parcelLayers = parcelLayersOf(store);
  const total = parcelLayers.reduce((n, l) => n + l.total, 0);
  const results = new SweepResults(store);
  const sweepId = results.begin({ profile: profile.id, profileVersion: profile.version ?? null, checkedAt, trigger: options.trigger });
  options.onStarted?.(sweepId);
  let threads = 0;
  try {
    let before = 0;
    const batchOptions = { checkedAt: checkedAtDate, includeGeometry: options.includeGeometry, workers: options.workers, chunkSize: options.chunkSize, signal: options.signal };
    const evidence = (parcels: Feature<Polygon | MultiPolygon>[], chunk: ParcelResult[]) => (options.elevation === false ? chunk : withElevation(store, profile, checkedAt, parcels, chunk));
    const demCoverage = 'tiled' in references ? readDemCoverage(store) : null;
    for (const layer of parcelLayers) {
      const base = before;
      if ('layers' in references) {
        const source = layerParcelSource(store, layer.table);
        const { workers } = await streamBatchCheck(references.layers, source, profile, {
          ...batchOptions,
          onProgress: (done) => options.onProgress?.(base + done, total),
          onResults: (offset, parcels, chunk) => results.append(sweepId, layer.table, base + offset, evidence(parcels, chunk)),
        });
        threads = Math.max(threads, workers);
      } else {
        const tiling = parcelTiling(store, layer.table, referenceReachM(profile), demCoverage, references.tiled.tileParcels);
        const { workers } = await checkTiles(tiling.tiles(), tiling.total, profile, {
          ...batchOptions,
          onProgress: (done) => options.onProgress?.(base + done, total),
          onResults: (tile, chunk) => results.append(sweepId, layer.table, tile.places.map((p) => base + p), evidence(tile.parcels, chunk)),
        });
        threads = Math.max(threads, workers);
      }
      before += layer.total;
      options.onProgress?.(before, total);
    }
    if (options.signal?.aborted) throw new BatchCancelled();
    await options.beforeComplete?.(sweepId, results);
    if (options.signal?.aborted) throw new BatchCancelled();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const summary = results.complete(sweepId, { parcelsSource: store.path, trigger: options.trigger, seconds });
    return { sweepId, summary, workers: threads, layers: parcelLayers.length, seconds };
  } catch (error) {
    results.discard(sweepId);
    throw error;
  }
}

function withElevation(store: ProjectStore, profile: Profile, checkedAt: string, parcels: Feature<Polygon | MultiPolygon>[], chunk: ParcelResult[]): ParcelResult[] {
  const report: CheckReport = { profile: profile.id, profileVersion: profile.version, checkedAt, parcels: chunk };
  return attachElevation(store, report, parcels).parcels;
}
