/**
 * The writing half of a two-thread import. A preparing thread (importers/prepare-worker.ts) runs
 * the database-free half of the import (ImportStage: read, normalise, validate, reproject, measure)
 * and encodes each feature as the row the layer stores (layerRowEncoder: GeoPackage blob,
 * envelope, column values); this thread only binds those rows into SQLite, inside the import's one
 * transaction (import-file.ts). So the SQLite work — about a third of an import — runs beside the
 * rest instead of after it.
 *
 * importFile is synchronous (one better-sqlite3 transaction), so this side never yields to the
 * event loop: rows arrive on a MessagePort read with receiveMessageOnPort, and the thread sleeps
 * on a shared counter (Atomics.wait) between batches, waking every POLL_MS to poll the import's
 * cancel. Rows travel in batches (one buffer of blobs, one of envelopes, one flat array of
 * values, the buffers transferred, not copied, and handed back once stored, so that the same few
 * buffers go back and forth); at most MAX_BATCHES_IN_FLIGHT batches are
 * posted and not yet stored (the preparing thread waits for this one), so memory does not grow
 * with the file.
 *
 * Every guarantee of the single-thread import holds: the same rows (the same encoder), the same
 * notes and area totals (the same ImportStage), one transaction; a refusal on the preparing
 * thread comes here as the same UserInputError and rolls the transaction back; a cancel stops
 * both threads. When the worker cannot be found or does not start, importFile prepares and
 * writes on its own thread as before (startImportPipeline returns null).
 */
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { UserInputError } from '../../shared/model/errors';
import type { ImportOptions, StageFinal, StageHeader } from './import-file';
import type { LayerWriter } from './store/layers';
import { startWorker, workerEntry, type WorkerEntry } from './worker-entry';

/** Indexes into the shared control words. */
export const CTL = {
  /** Messages the worker has posted (bumped after each postMessage). */
  posted: 0,
  /** Row batches this thread has stored. */
  consumed: 1,
  /** 1 once this thread gives up (refusal, cancel, error): the worker stops. */
  abort: 2,
} as const;

/**
 * The preparing thread's young generation. Everything it allocates per feature dies within the
 * batch, so a small nursery costs no measurable time, and V8's default (a 16 MB semi-space each
 * way) made 40–50 MB of the two-thread import's peak memory.
 */
const PREPARE_YOUNG_GENERATION_MB = 4;

/** Batches posted and not yet stored before the preparing thread waits. */
export const MAX_BATCHES_IN_FLIGHT = 4;
/** A batch is posted at this many features or this many blob bytes, whichever comes first. */
export const BATCH_FEATURES = 2048;
export const BATCH_BYTES = 1 << 21;
/** How often a waiting writer polls the import's cancel. */
const POLL_MS = 50;
/** Sources smaller than this are imported on one thread (starting the worker costs more than it saves). */
const MIN_PIPELINE_BYTES = 4 * 1024 * 1024;

/** What the worker is given. */
export interface PrepareWorkerData {
  paths: string[];
  options: ImportOptions;
  existing: string[];
  /** Int32 control words (CTL). */
  ctl: SharedArrayBuffer;
  port: MessagePort;
}

/**
 * A batch of encoded rows, as posted: its first `count` rows. The arrays are the size of a batch,
 * and go back to the preparing thread (SpareBuffers) once stored.
 */
export interface RowBatch {
  type: 'rows';
  count: number;
  /** Blobs back to back; row i is blobs[offsets[i], offsets[i + 1]). */
  blobs: Uint8Array;
  offsets: Uint32Array;
  /** minX, minY, maxX, maxY per row; NaN for an empty geometry (no envelope). */
  envelopes: Float64Array;
  /** The geodesic area of each row's geometry (geodesicAreaM2), NaN where the writer is to measure it. */
  areas: Float64Array;
  /** `columns` values per row, row after row. */
  values: unknown[];
  /** Source features read when the batch was posted (progress). */
  position: number;
}

/** A stored batch's buffers, handed back to the preparing thread for the next batch. */
export interface SpareBuffers {
  blobs: ArrayBuffer;
  offsets: ArrayBuffer;
  envelopes: ArrayBuffer;
  areas: ArrayBuffer;
}

/** A refusal or error of the preparing thread, as posted. */
export interface StageError {
  code?: string;
  messageZh?: string;
  messageEn?: string;
  name: string;
  message: string;
  stack?: string;
}

export type PrepareMessage =
  | { type: 'started' }
  | { type: 'header'; header: StageHeader }
  | RowBatch
  | { type: 'done'; final: StageFinal }
  | { type: 'error'; error: StageError };

/**
 * When importFile uses the preparing thread: `auto` for sources of MIN_PIPELINE_BYTES or more,
 * `always`, `never`. `auto` by default: on the quiet 2-core machine the 100 000-polygon import
 * came down from 5.1 s to 3.5 s wall (README, import), for ≈ 65 MB more peak memory (a second V8
 * heap). LANDGATE_IMPORT_PIPELINE=0 keeps every import on one thread, `always` uses the worker
 * for every source. `entry` replaces the worker lookup (tests: null is a build without the worker file).
 */
export const importPipelineSettings: {
  mode: 'auto' | 'always' | 'never';
  entry?: WorkerEntry | null;
  /** Longest wait for the worker's first word before importing on this thread instead. */
  startupTimeoutMs: number;
} = {
  mode: process.env.LANDGATE_IMPORT_PIPELINE === 'always' ? 'always' : process.env.LANDGATE_IMPORT_PIPELINE === '0' ? 'never' : 'auto',
  startupTimeoutMs: 30_000,
};

/** The preparing worker: bundled next to the running bundle, or the TypeScript source. */
export function prepareWorkerEntry(base: string = import.meta.url ?? pathToFileURL(__filename).href): WorkerEntry | null {
  return workerEntry(base, { bundled: 'prepare.worker.cjs', source: './importers/prepare-worker.ts' });
}

function sourceBytes(paths: string[]): number {
  let total = 0;
  for (const path of paths) {
    try {
      total += statSync(path).size;
    } catch {
      return 0; // the import itself says what is wrong with the path
    }
  }
  return total;
}

/** The error the worker posted, as this thread would have thrown it. */
function rehydrate(error: StageError): Error {
  if (error.code !== undefined && error.messageZh !== undefined) return new UserInputError(error.code, error.messageZh, error.messageEn ?? error.message);
  const out = error.name === 'RangeError' ? new RangeError(error.message) : new Error(error.message);
  if (error.stack) out.stack = error.stack;
  return out;
}

export interface ImportPipeline {
  /** Waits for what the source settles before the write (its refusal is thrown here). */
  header(): StageHeader;
  /** Stores every row the worker prepares, through `writer.writeRow`; the stage's totals. */
  pump(writer: Pick<LayerWriter, 'writeRow'>, area: (blob: Uint8Array, measured: number) => void, progress: (position: number) => void): StageFinal;
  /** Ends the worker (if it still runs) and the channel. */
  stop(): void;
}

/**
 * Starts the preparing thread for this import and waits for it to load, or null when the import
 * should run on this thread: the setting says so, the source is small, or the worker cannot be
 * found or does not start. `cancelled` throws ImportCancelled when the import is cancelled.
 */
export function startImportPipeline(paths: string[], options: ImportOptions, existing: string[], cancelled: () => void): ImportPipeline | null {
  const { mode } = importPipelineSettings;
  if (mode === 'never' || (mode === 'auto' && sourceBytes(paths) < MIN_PIPELINE_BYTES)) return null;
  const entry = importPipelineSettings.entry !== undefined ? importPipelineSettings.entry : prepareWorkerEntry();
  if (!entry) return null;
  const ctl = new Int32Array(new SharedArrayBuffer(4 * 4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    const workerData: PrepareWorkerData = { paths, options, existing, ctl: ctl.buffer as SharedArrayBuffer, port: port2 };
    worker = startWorker(entry, { workerData, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: PREPARE_YOUNG_GENERATION_MB } });
  } catch {
    port1.close();
    return null;
  }
  worker.unref();
  // whatever happens to it, the worker's failures are read from the port, not from events
  worker.on('error', () => undefined);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    Atomics.store(ctl, CTL.abort, 1);
    Atomics.notify(ctl, CTL.consumed);
    port1.close();
    void worker.terminate().catch(() => undefined);
  };
  /** The next message; null once `deadline` (ms since the epoch) passes. */
  const next = (deadline?: number): PrepareMessage | null => {
    for (;;) {
      const seen = Atomics.load(ctl, CTL.posted);
      const received = receiveMessageOnPort(port1);
      if (received) return received.message as PrepareMessage;
      cancelled();
      if (deadline !== undefined && Date.now() > deadline) return null;
      Atomics.wait(ctl, CTL.posted, seen, POLL_MS);
    }
  };
  try {
    const first = next(Date.now() + importPipelineSettings.startupTimeoutMs);
    if (first?.type !== 'started') {
      stop();
      return null;
    }
  } catch (error) {
    stop();
    throw error;
  }
  const fail = (message: PrepareMessage | null): never => {
    if (message?.type === 'error') throw rehydrate(message.error);
    throw new Error(`import worker: unexpected ${message?.type ?? 'silence'}`);
  };
  return {
    header() {
      const message = next();
      if (message?.type !== 'header') fail(message);
      return (message as { header: StageHeader }).header;
    },
    pump(writer, area, progress) {
      let row: unknown[] = [];
      for (;;) {
        const message = next();
        if (message?.type === 'done') return message.final;
        if (message?.type !== 'rows') return fail(message);
        const { count, blobs, offsets, envelopes, areas, values } = message;
        const width = count > 0 ? values.length / count : 0;
        if (row.length !== width) row = new Array(width);
        for (let i = 0, v = 0; i < count; i++) {
          for (let c = 0; c < width; c++) row[c] = values[v++];
          const e = 4 * i;
          const minX = envelopes[e];
          const blob = blobs.subarray(offsets[i], offsets[i + 1]);
          writer.writeRow(blob, row, Number.isNaN(minX) ? null : [minX, envelopes[e + 1], envelopes[e + 2], envelopes[e + 3]]);
          area(blob, areas[i]);
        }
        const spare: SpareBuffers = { blobs: blobs.buffer as ArrayBuffer, offsets: offsets.buffer as ArrayBuffer, envelopes: envelopes.buffer as ArrayBuffer, areas: areas.buffer as ArrayBuffer };
        port1.postMessage(spare, [spare.blobs, spare.offsets, spare.envelopes, spare.areas]);
        Atomics.add(ctl, CTL.consumed, 1);
        Atomics.notify(ctl, CTL.consumed);
        cancelled();
        progress(message.position);
      }
    },
    stop,
  };
}
