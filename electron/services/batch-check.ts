/**
 * Batch checks on worker threads (issue 4, "batch checks run on worker threads"): the sweep of every
 * parcel of a project (`landgate check --all`, the UI's 全部审查) and the benchmark.
 *
 * The engine stays pure in shared/; each worker (check.worker.ts) builds its own reference index
 * from the layers (structured clone, once) and checks chunks handed out on demand, so a slow chunk
 * never idles the other cores. Results are reassembled in submission order: the report is the same,
 * byte for byte, as a single-threaded checkParcels() over the whole list (tests/integration/sweep).
 *
 * Where the worker comes from: see worker-entry.ts (the bundled check.worker.mjs in the desktop
 * build, the TypeScript source through tsx otherwise). Where neither exists or workers cannot
 * start, the batch runs in this thread in chunks, yielding between chunks so progress is still
 * reported.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { CheckReport, ParcelResult } from '../../shared/model/check';
import { buildReferenceIndex, checkParcels, type ReferenceIndex, type ReferenceLayer } from '../../shared/rules/engine';
import type { Profile } from '../../shared/rules/profile';
import type { WorkerReply, WorkerRequest } from './check.worker';
import type { SweepJob } from '../../shared/api/contract';
import { startWorker, workerEntry, type WorkerEntry } from './worker-entry';

export interface BatchOptions {
  /** Worker threads (default: available cores, at most 8). 0 = in this thread. */
  workers?: number;
  /** Parcels per chunk handed to a worker (default 250). */
  chunkSize?: number;
  checkedAt?: Date;
  includeGeometry?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** An index already built in this thread (used when running in-thread). */
  index?: ReferenceIndex;
}

export interface BatchResult {
  report: CheckReport;
  /** Threads actually used (0 = ran in this thread). */
  workers: number;
}

/**
 * The check worker next to `base` (this module's URL): `check.worker.mjs` when this module is the
 * bundled main (self-contained, loaded from app.asar.unpacked in a packaged app), else
 * `check.worker.ts` run through tsx; null when neither can run.
 */
export function checkWorkerEntry(base: string = import.meta.url): WorkerEntry | null {
  return workerEntry(base, { bundled: 'check.worker.mjs', source: './check.worker.ts', unpacked: true });
}

/** Below this many parcels, starting workers costs more than it saves. */
const MIN_PARCELS_FOR_WORKERS = 400;

export async function runBatchCheck(layers: ReferenceLayer[], parcels: Feature<Polygon | MultiPolygon>[], profile: Profile, options: BatchOptions = {}): Promise<BatchResult> {
  const checkedAt = options.checkedAt ?? new Date();
  const chunkSize = Math.max(1, options.chunkSize ?? 250);
  const wanted = options.workers ?? Math.min(8, availableParallelism());
  const threads = Math.min(wanted, Math.ceil(parcels.length / chunkSize));
  const header = { profile: profile.id, profileVersion: profile.version, checkedAt: isoSeconds(checkedAt) };
  const entry = threads >= 1 && parcels.length >= MIN_PARCELS_FOR_WORKERS ? checkWorkerEntry() : null;
  if (entry) {
    try {
      const results = await inWorkers(entry, layers, parcels, profile, threads, chunkSize, checkedAt, options);
      return { report: { ...header, parcels: results }, workers: threads };
    } catch (error) {
      if (!(error instanceof WorkerStartError)) throw error;
      // Fall through: run in this thread.
    }
  }
  const index = options.index ?? buildReferenceIndex(layers);
  const results: ParcelResult[] = [];
  for (let start = 0; start < parcels.length; start += chunkSize) {
    const chunk = parcels.slice(start, start + chunkSize);
    results.push(...checkParcels(index, chunk, profile, { checkedAt, includeGeometry: options.includeGeometry, indexOffset: start }).parcels);
    options.onProgress?.(results.length, parcels.length);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (parcels.length === 0) options.onProgress?.(0, 0);
  return { report: { ...header, parcels: results }, workers: 0 };
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

class WorkerStartError extends Error {}

async function inWorkers(
  entry: WorkerEntry,
  layers: ReferenceLayer[],
  parcels: Feature<Polygon | MultiPolygon>[],
  profile: Profile,
  threads: number,
  chunkSize: number,
  checkedAt: Date,
  options: BatchOptions,
): Promise<ParcelResult[]> {
  const chunks: number[] = [];
  for (let start = 0; start < parcels.length; start += chunkSize) chunks.push(start);
  const results: ParcelResult[][] = new Array(chunks.length);
  let next = 0;
  let done = 0;
  let started = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const dispatch = (worker: Worker): boolean => {
        if (next >= chunks.length) return false;
        const chunk = next++;
        const start = chunks[chunk];
        const request: WorkerRequest = { type: 'check', chunk, parcels: parcels.slice(start, start + chunkSize), offset: start, checkedAt: checkedAt.toISOString(), includeGeometry: options.includeGeometry === true };
        worker.postMessage(request);
        return true;
      };
      for (let i = 0; i < threads; i++) {
        const worker = startWorker(entry);
        workers.push(worker);
        let ready = false;
        worker.on('message', (reply: WorkerReply) => {
          if (reply.type === 'ready') {
            ready = true;
            started++;
            if (!dispatch(worker)) {
              finished++;
              if (finished === threads) resolve();
            }
          } else if (reply.type === 'result') {
            results[reply.chunk] = reply.parcels as ParcelResult[];
            done += reply.parcels.length;
            options.onProgress?.(done, parcels.length);
            if (!dispatch(worker)) {
              finished++;
              if (finished === threads) resolve();
            }
          } else {
            fail(new Error(`审查线程出错：${reply.message}`));
          }
        });
        worker.on('error', (error) => fail(ready || started > 0 ? error : new WorkerStartError(error.message)));
        worker.on('exit', (code) => {
          if (code !== 0 && finished < threads) fail(ready ? new Error(`审查线程异常退出（${code}）`) : new WorkerStartError(`worker exited ${code}`));
        });
        const init: WorkerRequest = { type: 'init', layers, profile };
        worker.postMessage(init);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.flat();
}

// ---------------------------------------------------------------------------------------------
// Sweep jobs for the UI (全部审查): one at a time per project, polled by getSweepJob.

/** What a sweep needs from the project store (the real ProjectStore satisfies it). */
export interface SweepStore {
  readonly path: string;
  listLayers(): { table: string; kind: string }[];
  recordCheck(report: CheckReport, context: { parcelTable: string | null; parcelsSource: string; trigger: 'ui' | 'cli' }): number;
  transaction<T>(fn: () => T): T;
}

/** The job state is exactly what the API returns (shared/api/contract.ts). */
export type SweepJobState = SweepJob;

export class SweepJobs {
  private readonly jobs = new Map<string, SweepJobState>();
  private seq = 0;
  private running: string | null = null;

  constructor(
    private readonly store: SweepStore,
    private readonly load: () => { layers: ReferenceLayer[]; parcelLayers: { table: string; parcels: Feature<Polygon | MultiPolygon>[] }[] },
    private readonly finish: (report: CheckReport, parcels: Feature<Polygon | MultiPolygon>[]) => CheckReport = (r) => r,
  ) {}

  /** Starts a sweep; returns at once. A second sweep while one runs returns the running job. */
  start(profile: Profile): string {
    if (this.running && this.jobs.get(this.running)?.state === 'running') return this.running;
    const { layers, parcelLayers } = this.load();
    const total = parcelLayers.reduce((n, l) => n + l.parcels.length, 0);
    const jobId = `sweep-${++this.seq}`;
    const job: SweepJobState = { state: 'running', done: 0, total, profile: profile.id };
    this.jobs.set(jobId, job);
    this.running = jobId;
    const started = Date.now();
    void (async () => {
      try {
        const checkedAt = new Date();
        const results: { table: string; report: CheckReport }[] = [];
        let before = 0;
        for (const layer of parcelLayers) {
          const { report } = await runBatchCheck(layers, layer.parcels, profile, { checkedAt, onProgress: (done) => (job.done = before + done) });
          before += layer.parcels.length;
          job.done = before;
          results.push({ table: layer.table, report: this.finish(report, layer.parcels) });
        }
        const counts = { prohibited: 0, conditional: 0, permitted: 0 };
        const checkIds = this.store.transaction(() =>
          results.map(({ table, report }) => {
            for (const p of report.parcels) counts[p.verdict] += 1;
            return this.store.recordCheck(report, { parcelTable: table, parcelsSource: `${this.store.path}#${table}`, trigger: 'ui' });
          }),
        );
        job.summary = { ...counts, checkIds, seconds: Math.round((Date.now() - started) / 100) / 10 };
        job.state = 'done';
      } catch (error) {
        job.state = 'failed';
        job.error = error instanceof Error ? error.message : String(error);
      }
    })();
    return jobId;
  }

  get(jobId: string): SweepJobState | undefined {
    const job = this.jobs.get(jobId);
    return job ? { ...job, ...(job.summary ? { summary: { ...job.summary, checkIds: [...job.summary.checkIds] } } : {}) } : undefined;
  }
}
