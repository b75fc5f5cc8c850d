/**
 * The preparing thread of a two-thread import (import-pipeline.ts says how the two halves talk):
 * runs ImportStage — open the source, settle CRS, table and columns, then read, normalise,
 * validate, reproject and measure each feature — and encodes each kept feature as the row the
 * layer stores (layerRowEncoder), posting the rows in batches to the writing thread. It never
 * touches the project. It stops when the writing thread sets the abort word (a refusal there,
 * a cancel), and waits while MAX_BATCHES_IN_FLIGHT batches are not yet stored.
 */
import { workerData } from 'node:worker_threads';
import { isUserInputError } from '../../../shared/model/errors';
import { ImportStage } from '../import-file';
import { BATCH_BYTES, BATCH_FEATURES, CTL, MAX_BATCHES_IN_FLIGHT, type PrepareMessage, type PrepareWorkerData, type StageError } from '../import-pipeline';
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
  let blobs: Uint8Array[] = [];
  let bytes = 0;
  let envelopes: number[] = [];
  let areas: number[] = [];
  let values: unknown[] = [];
  let index = 0;
  // Who measures a feature's geodesic area: this thread while the writer is behind (batches wait
  // for it), else the writer, from the stored blob (NaN here); the writer sums them in order.
  let measureHere = false;
  const flush = () => {
    const count = blobs.length;
    if (count === 0) return;
    const packed = new Uint8Array(bytes);
    const offsets = new Uint32Array(count + 1);
    for (let i = 0, at = 0; i < count; i++) {
      packed.set(blobs[i], at);
      at += blobs[i].length;
      offsets[i + 1] = at;
    }
    const boxes = Float64Array.from(envelopes);
    const measured = Float64Array.from(areas);
    backpressure();
    post({ type: 'rows', count, blobs: packed, offsets, envelopes: boxes, areas: measured, values, position: stage!.position() }, [packed.buffer, offsets.buffer, boxes.buffer, measured.buffer]);
    posted++;
    measureHere = posted - Atomics.load(ctl, CTL.consumed) >= 2;
    blobs = [];
    bytes = 0;
    envelopes = [];
    areas = [];
    values = [];
  };
  const final = stage.run(
    (feature) => {
      const { blob, envelope } = encode(feature, index++, rowValues);
      blobs.push(blob);
      bytes += blob.length;
      if (envelope) envelopes.push(envelope[0], envelope[1], envelope[2], envelope[3]);
      else envelopes.push(NaN, NaN, NaN, NaN);
      areas.push(measureHere ? geodesicAreaM2(feature.geometry) : NaN);
      for (let c = 0; c < width; c++) values.push(rowValues[c]);
      if (blobs.length >= BATCH_FEATURES || bytes >= BATCH_BYTES) flush();
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
