/**
 * Tracing the elevation bands of a DEM while it streams in: the band builder
 * (shared/terrain/bands.ts) sees every strip of rows once the census has blanked its implausible
 * cells and measured its tiles (ValueCensus.survey), whose ranges let the builder skip the tiles
 * no level crosses. The caller surveys a strip itself, or leaves it to the tracer.
 *
 * On a large DEM this runs on a worker thread of its own (bands.worker.ts): the thread reading the
 * GeoTIFF and storing the DEM and the thread tracing the bands then work side by side, which is
 * most of what separates `landgate bands --dem` from gdal_contour on two cores (the README's
 * bands profile). Strips are transferred, not copied, so the caller must not touch a strip once it
 * has pushed it; at most a few strips are in flight, so a slow tracer holds the reader back instead
 * of the strips piling up in memory. A small DEM, or a build without the worker, is traced on the
 * caller's thread: starting a thread would cost more than it saves. Both give the same bands and
 * counts (tests/integration/band-tracer.test.ts).
 */
import type { Feature, MultiPolygon } from 'geojson';
import { BandBuilder, type BlockRanges } from '../../../shared/terrain/bands';
import { bandFeatures, flattenBands, type FlatBands } from '../../../shared/terrain/band-features';
import { ValueCensus, type CensusCounts } from './dem-plausibility';
import type { DemGridInfo } from '../../../shared/terrain/grid';
import { startWorker, workerEntry } from '../worker-entry';
import type { TracerInput, TracerMessage, TracerReply } from './bands.worker';
import type { DemTileTotals, EncodedTile, TileRowStats, UncompressedTile } from '../../../shared/terrain/dem-tile-format';

/** Below this many cells the bands are traced on the caller's thread (a thread costs ≈ 30 ms to start). */
export const WORKER_MIN_CELLS = 4_000_000;
/** Strips pushed but not yet traced before `push` waits. */
const IN_FLIGHT = 3;
/** Strips waiting for the tracer's thread from which the caller surveys the next itself (BandTracer.behind). */
const BEHIND = 2;

export interface TracedBands {
  features: Feature<MultiPolygon>[];
  /** What the tracer's census counted of the strips it surveyed (those pushed without statistics). */
  census: CensusCounts;
  /** When the tracer encoded the DEM's tiles: their range and nodata count. */
  demTotals?: DemTileTotals;
}

export interface BandTracer {
  /** Whether the DEM's tiles come from the tracer (TracerOptions.dem), not from the caller's writer. */
  readonly encodesDem: boolean;
  /**
   * The next `count` rows of the DEM, top to bottom; the strip is given away. With `stats`, the
   * caller has surveyed them (blanked, counted, measured); without, the tracer does. A tracer that
   * encodes the DEM's tiles takes the tiles the caller prepared of a whole tile row
   * (tileRowTiles), given away too.
   */
  push(strip: Float32Array, count: number, stats?: TileRowStats, tiles?: UncompressedTile[]): Promise<void>;
  /**
   * Whether the caller had better survey the next strip itself: the tracer's thread is the
   * caller's (inline), or strips are waiting for it, so the caller would otherwise soon wait.
   * (On the bands benchmark the importing thread takes about two thirds of the surveys.)
   */
  readonly behind: boolean;
  finish(): Promise<TracedBands>;
  /** Ends the tracer (after finish, or instead of it when the import is given up). */
  close(): Promise<void>;
}

export interface TracerOptions {
  levels: number[];
  smooth?: boolean;
  /** 'auto' (default): a worker for a large DEM; 'worker' and 'inline' force one (tests). */
  thread?: 'auto' | 'worker' | 'inline';
  /**
   * A tracer on its own thread also encodes the DEM's tiles from the strips it traces (they are
   * there already) and hands them to `store`, a tile row at a time, in order, on the caller's
   * thread. An inline tracer leaves the tiles to the caller (encodesDem false).
   */
  dem?: { integer: boolean; store(tiles: EncodedTile[]): void };
}

export function startBandTracer(info: DemGridInfo, options: TracerOptions): BandTracer {
  const thread = options.thread ?? 'auto';
  const large = info.cols * info.rows >= WORKER_MIN_CELLS;
  if (thread === 'worker' || (thread === 'auto' && large)) {
    const entry = workerEntry(import.meta.url, { bundled: 'bands.worker.mjs', source: './bands.worker.ts', unpacked: true });
    if (entry) return new WorkerTracer(entry, gridOf(info), options);
    if (thread === 'worker') throw new Error('band tracer: no worker entry');
  }
  return new InlineTracer(gridOf(info), options);
}

/** Only the georeferencing crosses to the worker, not the source with its open file. */
function gridOf(info: DemGridInfo): DemGridInfo {
  const { cols, rows, crs, originX, originY, cellX, cellY } = info;
  return { cols, rows, crs, originX, originY, cellX, cellY };
}

/** The census of the strips left to the tracer, the builder and the band features (also run by the worker). */
export class BandTracing {
  private readonly builder: BandBuilder;
  private readonly census: ValueCensus;
  private row = 0;

  constructor(
    private readonly info: DemGridInfo,
    private readonly options: Pick<TracerOptions, 'levels' | 'smooth'>,
  ) {
    this.builder = new BandBuilder(info.cols, options.levels);
    this.census = new ValueCensus(info);
  }

  /** The strip's tile statistics: the caller's, or this census's survey of it. */
  survey(strip: Float32Array, count: number, stats: TileRowStats | undefined): TileRowStats {
    const row0 = this.row;
    this.row += count;
    return stats ?? this.census.survey(strip, row0, count);
  }

  /** `ranges`: the strip's tiles' statistics, so the builder skips the tiles no level crosses. */
  rows(strip: Float32Array, count: number, ranges: BlockRanges): void {
    this.builder.pushRows(strip, count, ranges);
  }

  /** The bands, projected and flat (the worker moves them to the caller as they are), and the census's counts. */
  finish(): { bands: FlatBands; census: CensusCounts } {
    return { bands: flattenBands(this.builder.finish({ smooth: this.options.smooth }), this.info), census: this.census.counts() };
  }
}

class InlineTracer implements BandTracer {
  readonly encodesDem = false;
  private readonly tracing: BandTracing;

  constructor(info: DemGridInfo, options: TracerOptions) {
    this.tracing = new BandTracing(info, options);
  }

  readonly behind = true;

  async push(strip: Float32Array, count: number, stats?: TileRowStats): Promise<void> {
    this.tracing.rows(strip, count, this.tracing.survey(strip, count, stats));
  }

  async finish(): Promise<TracedBands> {
    const { bands, census } = this.tracing.finish();
    return { features: bandFeatures(bands), census };
  }

  async close(): Promise<void> {}
}

class WorkerTracer implements BandTracer {
  readonly encodesDem: boolean;
  private readonly worker;
  private inFlight = 0;
  /** Called when a strip has been traced (push waiting for room) or the worker failed. */
  private wake: (() => void) | null = null;
  private result: ((reply: TracedBands) => void) | null = null;
  private failure: Error | null = null;
  private failed: ((error: Error) => void) | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(entry: NonNullable<ReturnType<typeof workerEntry>>, info: DemGridInfo, options: TracerOptions) {
    const { dem } = options;
    this.encodesDem = !!dem;
    const input: TracerInput = { info, levels: options.levels, smooth: !!options.smooth, ...(dem ? { dem: { integer: dem.integer } } : {}) };
    this.worker = startWorker(entry, { workerData: input });
    this.worker.on('message', (reply: TracerReply) => {
      if (reply.type === 'tiles') {
        try {
          dem?.store(reply.tiles);
        } catch (error) {
          this.fail(error instanceof Error ? error : new Error(String(error)));
        }
      } else if (reply.type === 'traced') {
        this.inFlight--;
        this.wakeUp();
      } else if (reply.type === 'done') {
        if (this.failure) this.failed?.(this.failure);
        else this.result?.({ features: bandFeatures(reply.bands), census: reply.census, ...(reply.demTotals ? { demTotals: reply.demTotals } : {}) });
        // the thread has nothing left to do: it ends while the caller writes what it traced
        void this.close();
      } else this.fail(new Error(`band tracer: ${reply.message}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`band tracer exited (${code})`));
    });
  }

  private wakeUp() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private fail(error: Error) {
    this.failure ??= error;
    this.wakeUp();
    this.failed?.(this.failure);
  }

  get behind(): boolean {
    return this.inFlight >= BEHIND;
  }

  async push(strip: Float32Array, count: number, stats?: TileRowStats, tiles?: UncompressedTile[]): Promise<void> {
    while (this.inFlight >= IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('band tracer: closed');
    this.inFlight++;
    // a strip read by the DEM source owns its whole buffer; a view into a larger one is copied
    const own = strip.byteOffset === 0 && strip.byteLength === strip.buffer.byteLength ? strip : strip.slice();
    const moved = [own.buffer as ArrayBuffer, ...(tiles ?? []).map((t) => t.scanlines.buffer as ArrayBuffer)];
    this.worker.postMessage({ type: 'rows', strip: own, count, stats, tiles } satisfies TracerMessage, moved);
  }

  finish(): Promise<TracedBands> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<TracedBands>((resolve, reject) => {
      this.result = resolve;
      this.failed = reject;
      this.worker.postMessage({ type: 'finish' });
    });
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.closing = this.worker.terminate().then(() => undefined);
    }
    return this.closing;
  }
}
