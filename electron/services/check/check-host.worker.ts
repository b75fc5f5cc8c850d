/**
 * The check service's worker thread: holds the project's reference index for one data version
 * and checks the parcels it is sent. Building the index takes seconds on a county; here it never
 * blocks the thread that answers the map, the list and the other requests.
 *
 * It reads the project through its own connection (WAL lets it read while the main thread
 * writes) and rebuilds the index when the data version it reads has changed, so a
 * reference layer imported by another process is seen at the next check.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { buildReferenceIndex, checkParcels, type ReferenceIndex } from '../../../shared/rules/engine';
import type { Profile } from '../../../shared/rules/profile';
import type { CheckReport } from '../../../shared/model/check';
import { ProjectStore } from '../project-store';
import { ElevationEvidence } from '../terrain/parcel-elevation';
import { readReferenceLayers } from './reference-data';
import { tuneHeapForChecking } from './engine-heap';

export type CheckHostRequest =
  | { type: 'warm'; requestId: number }
  /** The service is closing: close the connection (checkpointing if it is the last) and end. */
  | { type: 'close'; requestId: number }
  | { type: 'check'; requestId: number; parcels: Feature<Polygon | MultiPolygon>[]; profile: Profile; includeGeometry: boolean; checkedAt: string; elevation?: boolean };

export type CheckHostReply =
  | { type: 'warmed'; requestId: number; dataVersion: number; buildMs: number | null }
  | { type: 'result'; requestId: number; report: CheckReport; dataVersion: number; buildMs: number | null }
  | { type: 'error'; requestId: number; message: string };

// before the index is built: see engine-heap.ts
tuneHeapForChecking();

const port = parentPort;
if (!port) throw new Error('check-host.worker.ts must run in a worker thread');
const { projectPath } = workerData as { projectPath: string };

let store: ProjectStore | null = null;
let built: { version: number; index: ReferenceIndex } | null = null;
/** The DEM for elevation evidence, for the data version it was opened at (a DEM import bumps it). */
let evidence: { version: number; source: ElevationEvidence | null } | null = null;

/** The index for the project's current data version; the build time when it had to be built. */
function currentIndex(): { index: ReferenceIndex; version: number; buildMs: number | null } {
  // Opened like the main thread opens it, though it only reads: a second read-only connection on a
  // WAL file is where SQLite's shared-memory edge cases live, and this one never writes anyway.
  store ??= ProjectStore.open(projectPath);
  const version = store.db.dataVersion();
  if (built && built.version === version) return { index: built.index, version, buildMs: null };
  built = null; // let the old index go before the new one is built
  const started = performance.now();
  const index = buildReferenceIndex(readReferenceLayers(store));
  built = { version, index };
  return { index, version, buildMs: performance.now() - started };
}

function currentEvidence(version: number): ElevationEvidence | null {
  if (evidence?.version !== version) {
    evidence?.source?.close();
    evidence = { version, source: ElevationEvidence.open(store!) };
  }
  return evidence.source;
}

port.on('message', (message: CheckHostRequest) => {
  if (message.type === 'close') {
    evidence?.source?.close();
    evidence = null;
    store?.close();
    store = null;
    built = null;
    port.close();
    return;
  }
  try {
    const { index, version, buildMs } = currentIndex();
    if (message.type === 'warm') {
      port.postMessage({ type: 'warmed', requestId: message.requestId, dataVersion: version, buildMs } satisfies CheckHostReply);
      return;
    }
    let report = checkParcels(index, message.parcels, message.profile, { checkedAt: new Date(message.checkedAt), includeGeometry: message.includeGeometry });
    if (message.elevation) report = currentEvidence(version)?.attach(report, message.parcels) ?? report;
    port.postMessage({ type: 'result', requestId: message.requestId, report, dataVersion: version, buildMs } satisfies CheckHostReply);
  } catch (error) {
    port.postMessage({ type: 'error', requestId: message.requestId, message: error instanceof Error ? error.message : String(error) } satisfies CheckHostReply);
  }
});
