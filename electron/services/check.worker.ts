/**
 * Worker thread of the batch check (electron/services/batch-check.ts): builds the reference index
 * once from the layers it is given, then checks chunks of parcels with the pure engine.
 */
import { parentPort } from 'node:worker_threads';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { buildReferenceIndex, checkParcels, indexStats, type ReferenceIndex, type ReferenceInput } from '../../shared/rules/engine';
import type { Profile } from '../../shared/rules/profile';
import { tuneHeapForChecking } from './check/engine-heap';

export type WorkerRequest =
  | { type: 'init'; layers: ReferenceInput; profile: Profile }
  | { type: 'check'; chunk: number; parcels: Feature<Polygon | MultiPolygon>[]; offset: number; checkedAt: string; includeGeometry: boolean };

export type WorkerReply =
  | { type: 'ready'; parts: number }
  | { type: 'result'; chunk: number; parcels: unknown[]; exactTests: number }
  | { type: 'error'; chunk?: number; message: string };

let index: ReferenceIndex | null = null;
let profile: Profile | null = null;

// before the index is built: see engine-heap.ts
tuneHeapForChecking();

const port = parentPort;
if (!port) throw new Error('check.worker.ts must run in a worker thread');

port.on('message', (message: WorkerRequest) => {
  try {
    if (message.type === 'init') {
      index = buildReferenceIndex(message.layers);
      profile = message.profile;
      port.postMessage({ type: 'ready', parts: indexStats(index).parts } satisfies WorkerReply);
      return;
    }
    if (!index || !profile) throw new Error('worker not initialised');
    const before = indexStats(index).exactTests;
    const report = checkParcels(index, message.parcels, profile, {
      checkedAt: new Date(message.checkedAt),
      includeGeometry: message.includeGeometry,
      indexOffset: message.offset,
    });
    port.postMessage({ type: 'result', chunk: message.chunk, parcels: report.parcels, exactTests: indexStats(index).exactTests - before } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({ type: 'error', ...(message.type === 'check' ? { chunk: message.chunk } : {}), message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
  }
});
