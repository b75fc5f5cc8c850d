/**
 * The band tracer's thread (band-tracer.ts): the census and the band builder over the strips the
 * importing thread transfers, the band features at the end. Self-contained (no native addon), so
 * the desktop build loads it unpacked from the asar like the batch-check worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Feature, MultiPolygon } from 'geojson';
import type { DemGridInfo } from '../../../shared/terrain/grid';
import { BandTracing } from './band-tracer';
import type { CensusCounts } from './dem-plausibility';

export interface TracerInput {
  info: DemGridInfo;
  levels: number[];
  smooth: boolean;
}

export type TracerMessage = { type: 'rows'; strip: Float32Array; count: number } | { type: 'finish' };

export type TracerReply = { type: 'traced' } | { type: 'done'; features: Feature<MultiPolygon>[]; census: CensusCounts } | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const input = workerData as TracerInput;
  const tracing = new BandTracing(input.info, { levels: input.levels, smooth: input.smooth });
  port.on('message', (message: TracerMessage) => {
    try {
      if (message.type === 'rows') {
        tracing.rows(message.strip, message.count);
        port.postMessage({ type: 'traced' } satisfies TracerReply);
      } else {
        port.postMessage({ type: 'done', ...tracing.finish() } satisfies TracerReply);
      }
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies TracerReply);
    }
  });
}
