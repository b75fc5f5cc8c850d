/**
 * The preparing thread of a two-thread import (import-pipeline.ts says how the two halves talk):
 * runs ImportStage — open the source, settle CRS, table and columns, then read, normalise,
 * validate, reproject and measure each feature — and encodes each kept feature as the row the
 * layer stores (layerRowEncoder), posting the rows in batches to the writing thread. It never
 * touches the project. It stops when the writing thread sets the abort word (a refusal there,
 * a cancel), and waits while MAX_BATCHES_IN_FLIGHT batches are not yet stored.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { isUserInputError } from '../../../shared/model/errors';
import { ImportStage } from '../import-file';
import { BATCH_BYTES, BATCH_FEATURES, CTL, MAX_BATCHES_IN_FLIGHT, type PrepareMessage, type PrepareWorkerData, type SpareBuffers, type StageError } from '../import-pipeline';
import { GpkgBlobBuffer } from '../gpkg-binary';
import { layerRowEncoder } from '../store/layers';
import { geodesicAreaM2 } from '../../../shared/geo/geodesy';

const { paths, options, existing, ctl: ctlBuffer, port } = workerData as PrepareWorkerData;
const ctl = new Int32Array(ctlBuffer);

class Aborted extends Error {}

let posted = 0;
function post(message: PrepareMessage, transfer: ArrayBuffer[] = []) {
  port.postMessage(message, transfer);
  Atomics.add(ctl, CTL.posted, 1);
  Atomics.notify(ctl, CTL.posted);
}

const aborted = () => {
  if (Atomics.load(ctl, CTL.abort) === 1) throw new Aborted();
};

/** Waits while too many batches are posted and not yet stored. */
function backpressure() {
  for (;;) {
    aborted();
    const consumed = Atomics.load(ctl, CTL.consumed);
    if (posted - consumed < MAX_BATCHES_IN_FLIGHT) return;
    Atomics.wait(ctl, CTL.consumed, consumed, 100);
  }
}

/** The arrays of a batch being filled (row i's blob is blobs' bytes [offsets[i], offsets[i + 1])). */
interface Batch {
  count: number;
  blobs: GpkgBlobBuffer;
  offsets: Uint32Array;
  envelopes: Float64Array;
  areas: Float64Array;
}

/** A batch on the writer's spare buffers, or new ones; `blobs` keeps its buffer object. */
function newBatch(spare: SpareBuffers | null, blobs?: GpkgBlobBuffer): Batch {
  return {
    count: 0,
    blobs: blobs ?? new GpkgBlobBuffer(spare?.blobs),
    offsets: spare ? new Uint32Array(spare.offsets) : new Uint32Array(BATCH_FEATURES + 1),
    envelopes: spare ? new Float64Array(spare.envelopes) : new Float64Array(4 * BATCH_FEATURES),
    areas: spare ? new Float64Array(spare.areas) : new Float64Array(BATCH_FEATURES),
  };
}

/** Buffers the writer has stored a batch from and handed back, if any are waiting. */
function takeSpare(): SpareBuffers | null {
  const returned = receiveMessageOnPort(port);
  return returned ? (returned.message as SpareBuffers) : null;
}

function errorOf(error: unknown): StageError {
  if (isUserInputError(error)) return { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn, name: 'UserInputError', message: error.message };
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, stack: e.stack };
}

post({ type: 'started' });
let stage: ImportStage | null = null;
try {
  stage = new ImportStage(paths, options, existing, aborted, false);
  const { header } = stage;
  post({ type: 'header', header });
  const encode = layerRowEncoder(header.table, header.columns, header.geometryType);
  const width = header.columns.length;
  const rowValues: unknown[] = new Array(width);
  // A batch is written straight into buffers the size of a batch, posted (transferred) to the
  // writer, which hands them back once stored: in a steady import no buffer is made at all.
  let batch = newBatch(takeSpare());
  let values: unknown[] = [];
  let index = 0;
  // Who measures a feature's geodesic area: this thread while the writer is behind (batches wait
  // for it), else the writer, from the stored blob (NaN here); the writer sums them in order.
  let measureHere = false;
  const flush = () => {
    const { count } = batch;
    if (count === 0) return;
    let spare = takeSpare();
    // buffers grown for huge geometries are not kept: they would stay that size batch after batch
    if (spare && spare.blobs.byteLength > 2 * BATCH_BYTES) spare = null;
    const blobs = batch.blobs.take(spare?.blobs);
    backpressure();
    post(
      { type: 'rows', count, blobs: new Uint8Array(blobs), offsets: batch.offsets, envelopes: batch.envelopes, areas: batch.areas, values, position: stage!.position() },
      [blobs, batch.offsets.buffer as ArrayBuffer, batch.envelopes.buffer as ArrayBuffer, batch.areas.buffer as ArrayBuffer],
    );
    posted++;
    measureHere = posted - Atomics.load(ctl, CTL.consumed) >= 2;
    batch = newBatch(spare, batch.blobs);
    values = [];
  };
  const final = stage.run(
    (feature) => {
      const { envelope } = encode(feature, index++, rowValues, batch.blobs);
      const i = batch.count++;
      batch.offsets[i + 1] = batch.blobs.length;
      const e = 4 * i;
      if (envelope) batch.envelopes.set(envelope, e);
      else batch.envelopes.fill(NaN, e, e + 4);
      batch.areas[i] = measureHere ? geodesicAreaM2(feature.geometry) : NaN;
      for (let c = 0; c < width; c++) values.push(rowValues[c]);
      if (batch.count >= BATCH_FEATURES || batch.blobs.length >= BATCH_BYTES) flush();
    },
    () => undefined,
    aborted,
  );
  flush();
  aborted();
  post({ type: 'done', final });
} catch (error) {
  if (!(error instanceof Aborted)) {
    try {
      post({ type: 'error', error: errorOf(error) });
    } catch {
      // the writer is gone
    }
  }
} finally {
  stage?.close();
  port.close();
}
