/**
 * Batch checks on worker threads: the sweep of every parcel of a project (`landgate check --all`,
 * the UI's 全部审查) and the benchmark.
 *
 * The engine stays pure in shared/; each worker (check.worker.ts) builds its own reference index
 * from the layers (structured clone, once) and checks chunks handed out on demand, so a slow chunk
 * never idles the other cores. streamBatchCheck reads the parcels a chunk at a time and hands each
 * chunk's results on as it completes (a sweep writes them into the project: sweep/run-sweep.ts);
 * runBatchCheck collects them in submission order into the same report, byte for byte, as a
 * single-threaded checkParcels() over the whole list (tests/integration/sweep).
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
import { buildReferenceIndex, checkParcels, type ReferenceIndex, type ReferenceInput } from '../../shared/rules/engine';
import type { Profile } from '../../shared/rules/profile';
import type { WorkerReply, WorkerRequest } from './check.worker';
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

/** Parcels read on demand, a chunk at a time, so the caller never needs the whole list. */
export interface ParcelSource {
  total: number;
  read(offset: number, limit: number): Feature<Polygon | MultiPolygon>[];
}

export interface StreamOptions extends BatchOptions {
  /**
   * Each chunk's results as soon as they are computed (chunks may complete out of order; `offset`
   * is the chunk's place in the source). A throw stops the batch.
   */
  onResults(offset: number, parcels: Feature<Polygon | MultiPolygon>[], results: ParcelResult[]): void;
  /** Aborting stops the batch: workers are terminated and the promise rejects with BatchCancelled. */
  signal?: AbortSignal;
}

/** The batch was stopped through its AbortSignal. */
export class BatchCancelled extends Error {
  constructor() {
    super('batch cancelled');
  }
}

export async function runBatchCheck(layers: ReferenceInput, parcels: Feature<Polygon | MultiPolygon>[], profile: Profile, options: BatchOptions = {}): Promise<BatchResult> {
  const checkedAt = options.checkedAt ?? new Date();
  const chunkSize = Math.max(1, options.chunkSize ?? 250);
  const header = { profile: profile.id, profileVersion: profile.version, checkedAt: isoSeconds(checkedAt) };
  const chunks: ParcelResult[][] = [];
  const source: ParcelSource = { total: parcels.length, read: (offset, limit) => parcels.slice(offset, offset + limit) };
  const { workers } = await streamBatchCheck(layers, source, profile, { ...options, checkedAt, chunkSize, onResults: (offset, _parcels, results) => (chunks[offset / chunkSize] = results) });
  return { report: { ...header, parcels: chunks.flat() }, workers };
}

/**
 * The batch check without holding its results: parcels are read from `source` a chunk at a time
 * as workers ask for work, and each chunk's results go to `onResults` at once, so memory stays at
 * a few chunks whatever the parcel count.
 */
export async function streamBatchCheck(layers: ReferenceInput, source: ParcelSource, profile: Profile, options: StreamOptions): Promise<{ workers: number }> {
  const checkedAt = options.checkedAt ?? new Date();
  const chunkSize = Math.max(1, options.chunkSize ?? 250);
  const wanted = options.workers ?? Math.min(8, availableParallelism());
  const threads = Math.min(wanted, Math.ceil(source.total / chunkSize));
  if (options.signal?.aborted) throw new BatchCancelled();
  const entry = threads >= 1 && source.total >= MIN_PARCELS_FOR_WORKERS ? checkWorkerEntry() : null;
  if (entry) {
    let delivered = 0;
    try {
      await inWorkers(entry, layers, source, profile, threads, chunkSize, checkedAt, {
        ...options,
        onResults: (offset, parcels, results) => {
          delivered++;
          options.onResults(offset, parcels, results);
        },
      });
      return { workers: threads };
    } catch (error) {
      // Workers that never started: run in this thread (nothing was delivered yet).
      if (!(error instanceof WorkerStartError) || delivered > 0) throw error;
    }
  }
  const index = options.index ?? buildReferenceIndex(layers);
  let done = 0;
  for (let start = 0; start < source.total; start += chunkSize) {
    if (options.signal?.aborted) throw new BatchCancelled();
    const chunk = source.read(start, chunkSize);
    const results = checkParcels(index, chunk, profile, { checkedAt, includeGeometry: options.includeGeometry, indexOffset: start }).parcels;
    options.onResults(start, chunk, results);
    done += chunk.length;
    options.onProgress?.(done, source.total);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (options.signal?.aborted) throw new BatchCancelled();
  if (source.total === 0) options.onProgress?.(0, 0);
  return { workers: 0 };
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

class WorkerStartError extends Error {}

/** What a run of check workers does with them (runCheckWorkers). */
interface WorkerJob {
  /** The message every worker gets first (its reply is its first 'ready'). */
  init: WorkerRequest;
  /** A worker has loaded: give it work. */
  started(worker: Worker): void;
  /** A worker's result: take it, give the worker more. */
  result(worker: Worker, reply: Extract<WorkerReply, { type: 'result' }>): void;
}

/**
 * `threads` check workers from start to end: the job gives them work until it calls `finish`; a
 * worker's error, an abort or a throw from the job rejects (WorkerStartError when no worker ever
 * loaded, so the caller can run in its own thread); every worker is terminated either way.
 */
async function runCheckWorkers(entry: WorkerEntry, threads: number, signal: AbortSignal | undefined, makeJob: (finish: () => void) => WorkerJob): Promise<void> {
  const workers: Worker[] = [];
  let onAbort: (() => void) | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      let anyStarted = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const job = makeJob(() => {
        if (settled) return;
        settled = true;
        resolve();
      });
      onAbort = () => fail(new BatchCancelled());
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      for (let i = 0; i < threads; i++) {
        const worker = startWorker(entry);
        workers.push(worker);
        let started = false;
        worker.on('message', (reply: WorkerReply) => {
          if (settled) return;
          try {
            if (reply.type === 'ready') {
              if (started) return;
              started = anyStarted = true;
              job.started(worker);
            } else if (reply.type === 'result') {
              job.result(worker, reply);
            } else {
              fail(new Error(`审查线程出错：${reply.message}`));
            }
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
          }
        });
        worker.on('error', (error) => fail(anyStarted ? error : new WorkerStartError(error.message)));
        worker.on('exit', (code) => {
          if (code !== 0) fail(started ? new Error(`审查线程异常退出（${code}）`) : new WorkerStartError(`worker exited ${code}`));
        });
        worker.postMessage(job.init);
      }
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A batch in chunks handed out on demand: a slow chunk never idles the other workers. */
async function inWorkers(
  entry: WorkerEntry,
  layers: ReferenceInput,
  source: ParcelSource,
  profile: Profile,
  threads: number,
  chunkSize: number,
  checkedAt: Date,
  options: StreamOptions,
): Promise<void> {
  const chunkCount = Math.ceil(source.total / chunkSize);
  // The parcels of chunks in flight (at most one per worker): onResults gets them back with the results.
  const inFlight = new Map<number, Feature<Polygon | MultiPolygon>[]>();
  let next = 0;
  let done = 0;
  await runCheckWorkers(entry, threads, options.signal, (finish) => {
    let idle = 0;
    const dispatch = (worker: Worker) => {
      if (next >= chunkCount) {
        if (++idle === threads) finish();
        return;
      }
      const chunk = next++;
      const start = chunk * chunkSize;
      const parcels = source.read(start, chunkSize);
      inFlight.set(chunk, parcels);
      worker.postMessage({ type: 'check', chunk, parcels, offset: start, checkedAt: checkedAt.toISOString(), includeGeometry: options.includeGeometry === true } satisfies WorkerRequest);
    };
    return {
      init: { type: 'init', layers, profile },
      started: dispatch,
      result(worker, reply) {
        const parcels = inFlight.get(reply.chunk) ?? [];
        inFlight.delete(reply.chunk);
        options.onResults(reply.chunk * chunkSize, parcels, reply.parcels as ParcelResult[]);
        done += reply.parcels.length;
        options.onProgress?.(done, source.total);
        dispatch(worker);
      },
    };
  });
}

/** Parcels with the reference data that can matter to them (a tiled sweep's unit of work). */
export interface CheckTile {
  parcels: Feature<Polygon | MultiPolygon>[];
  references: ReferenceInput;
}

export interface TileOptions<T extends CheckTile> extends Omit<BatchOptions, 'chunkSize' | 'index'> {
  /** Each tile's results, in the tile's parcel order, as it completes (tiles may complete out of order). */
  onResults(tile: T, results: ParcelResult[]): void;
  signal?: AbortSignal;
}

/**
 * Checks tiles, each against its own references, on worker threads that live for the whole run:
 * a worker takes a whole tile (builds its index once, checks its parcels) while this thread reads
 * the next tile from `tiles` (one is kept ready), so reading the project and checking overlap and
 * no index is built twice. `done` counts parcels for onProgress; `total` is what the caller knows.
 */
export async function checkTiles<T extends CheckTile>(tiles: Iterator<T>, total: number, profile: Profile, options: TileOptions<T>): Promise<{ workers: number }> {
  const checkedAt = options.checkedAt ?? new Date();
  const threads = Math.max(0, options.workers ?? Math.min(8, availableParallelism()));
  const entry = threads >= 1 && total >= MIN_PARCELS_FOR_WORKERS ? checkWorkerEntry() : null;
  let done = 0;
  const progress = (tile: T) => {
    done += tile.parcels.length;
    options.onProgress?.(done, total);
  };
  if (entry) {
    let delivered = 0;
    try {
      await tilesInWorkers(entry, tiles, profile, threads, checkedAt, options, (tile, results) => {
        delivered++;
        options.onResults(tile, results);
        progress(tile);
      });
      return { workers: threads };
    } catch (error) {
      // Workers that never started: the tiles run in this thread (nothing was delivered yet).
      if (!(error instanceof WorkerStartError) || delivered > 0) throw error;
    }
  }
  for (let next = tiles.next(); !next.done; next = tiles.next()) {
    if (options.signal?.aborted) throw new BatchCancelled();
    const tile = next.value;
    const results = checkParcels(buildReferenceIndex(tile.references), tile.parcels, profile, { checkedAt, includeGeometry: options.includeGeometry }).parcels;
    options.onResults(tile, results);
    progress(tile);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (options.signal?.aborted) throw new BatchCancelled();
  return { workers: 0 };
}

async function tilesInWorkers<T extends CheckTile>(
  entry: WorkerEntry,
  tiles: Iterator<T>,
  profile: Profile,
  threads: number,
  checkedAt: Date,
  options: TileOptions<T>,
  deliver: (tile: T, results: ParcelResult[]) => void,
): Promise<void> {
  let exhausted = false;
  const read = (): T | null => {
    if (exhausted) return null;
    const next = tiles.next();
    if (next.done) exhausted = true;
    return next.done ? null : next.value;
  };
  await runCheckWorkers(entry, threads, options.signal, (finish) => {
    let busy = 0;
    let ready: T | null = null;
    let seq = 0;
    const inFlight = new Map<number, T>();
    const dispatch = (worker: Worker) => {
      const tile = ready ?? read();
      ready = null;
      if (!tile) {
        if (busy === 0) finish();
        return;
      }
      const id = ++seq;
      inFlight.set(id, tile);
      busy++;
      worker.postMessage({ type: 'init', layers: tile.references, profile } satisfies WorkerRequest);
      worker.postMessage({ type: 'check', chunk: id, parcels: tile.parcels, offset: 0, checkedAt: checkedAt.toISOString(), includeGeometry: options.includeGeometry === true } satisfies WorkerRequest);
      // the next tile is read while the workers check: reading the project and checking overlap
      ready = read();
    };
    return {
      // an empty index: the worker says it is ready once it has loaded
      init: { type: 'init', layers: [], profile },
      started: dispatch,
      result(worker, reply) {
        const tile = inFlight.get(reply.chunk)!;
        inFlight.delete(reply.chunk);
        busy--;
        deliver(tile, reply.parcels as ParcelResult[]);
        dispatch(worker);
      },
    };
  });
}
