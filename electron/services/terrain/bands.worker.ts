/**
 * The band tracer's thread (band-tracer.ts): the census of the strips the importing thread
 * transfers without surveying them, the band builder over every strip, and at the end the bands
 * (projected, in typed arrays it moves to the importing thread) and the census's counts. With
 * `dem`, it also encodes the DEM's tiles from those strips (dem-tile-encoder.ts, zlib on this
 * thread; the tiles the importing thread prepared are only compressed) and sends them back, a tile
 * row at a time, to be stored by the importing thread; a strip is reported traced once its tiles
 * are sent, so the strips in flight bound the tiles too. Self-contained (no native addon), so the
 * desktop build loads it unpacked from the asar like the batch-check worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FlatBands } from '../../../shared/terrain/band-features';
import type { DemGridInfo } from '../../../shared/terrain/grid';
import type { DemTileTotals, EncodedTile, TileRowStats, UncompressedTile } from '../../../shared/terrain/dem-tile-format';
import { BandTracing } from './band-tracer';
import { DemTileEncoder } from './dem-tile-encoder';
import type { CensusCounts } from './dem-plausibility';

export interface TracerInput {
  info: DemGridInfo;
  levels: number[];
  smooth: boolean;
  /** Encode the DEM's tiles here too (the DEM's values are integers: `integer`). */
  dem?: { integer: boolean };
}

/**
 * `stats`: the strip has been surveyed (blanked, counted, measured) by the importing thread, else
 * this thread surveys it; `tiles`: that thread also prepared its tiles (uncompressed).
 */
export type TracerMessage = { type: 'rows'; strip: Float32Array; count: number; stats?: TileRowStats; tiles?: UncompressedTile[] } | { type: 'finish' };

export type TracerReply =
  | { type: 'tiles'; tiles: EncodedTile[] }
  | { type: 'traced' }
  | { type: 'done'; bands: FlatBands; census: CensusCounts; demTotals?: DemTileTotals }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const input = workerData as TracerInput;
  const tracing = new BandTracing(input.info, { levels: input.levels, smooth: input.smooth });
  // compressed here, not on the thread pool: see NodeDeflateDecoder in dem-source.ts
  const encoder = input.dem ? new DemTileEncoder(input.info.cols, input.dem.integer, false) : null;
  // each PNG owns its buffer (assemblePng allocates it), so it is moved, not copied
  const owned = (png: Uint8Array) => png.byteOffset === 0 && png.byteLength === png.buffer.byteLength;
  const send = (tiles: EncodedTile[]) => port.postMessage({ type: 'tiles', tiles } satisfies TracerReply, [...new Set(tiles.filter((t) => owned(t.png)).map((t) => t.png.buffer as ArrayBuffer))]);
  const fail = (error: unknown) => port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies TracerReply);
  port.on('message', (message: TracerMessage) => {
    try {
      if (message.type === 'rows') {
        const stats = tracing.survey(message.strip, message.count, message.stats);
        // the tiles first, so the importing thread stores them while this one traces
        encoder?.push(message.strip, message.count, stats, message.tiles);
        encoder?.takeReady(send);
        tracing.rows(message.strip, message.count, stats);
        port.postMessage({ type: 'traced' } satisfies TracerReply);
      } else {
        const result = tracing.finish();
        encoder?.flush();
        encoder?.takeReady(send);
        const { polygons, rings, points, coords } = result.bands;
        port.postMessage({ type: 'done', ...result, ...(encoder ? { demTotals: encoder.totals() } : {}) } satisfies TracerReply, [polygons.buffer, rings.buffer, points.buffer, coords.buffer] as ArrayBuffer[]);
      }
    } catch (error) {
      fail(error);
    }
  });
}
