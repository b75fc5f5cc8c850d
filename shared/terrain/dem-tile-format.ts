/**
 * How the project stores a DEM (electron/services/terrain/dem-store.ts reads and writes it): tiles
 * of DEM_TILE × DEM_TILE cells anchored at the DEM's top-left corner, each a 16-bit greyscale PNG
 * with a per-tile scale and offset, raw value NULL_RAW for a cell without a value. This module
 * turns rows of a DEM into each tile's statistics and PNG scanlines; compressing them (zlib) is
 * the caller's, so the same tiles come out of whichever thread encodes them.
 */
import { assemblePng } from './png';

export const DEM_TILE = 256;
/** The raw value of a cell without a value (the coverage's data_null). */
export const NULL_RAW = 65535;

/** A tile ready to be stored: its PNG and its scale, offset and statistics. */
export interface EncodedTile {
  column: number;
  row: number;
  png: Uint8Array;
  scale: number;
  offset: number;
  min: number;
  max: number;
  mean: number;
  stdDev: number;
}

/** A tile before compression: its statistics and the scanlines its PNG's IDAT compresses. */
export type UncompressedTile = Omit<EncodedTile, 'png'> & { scanlines: Uint8Array };

/** The PNG of a tile whose scanlines `compressed` holds (zlib-compressed). */
export function tilePng(compressed: Uint8Array): Uint8Array {
  return assemblePng(DEM_TILE, DEM_TILE, 16, 0, compressed);
}

/**
 * The filtered scanlines of one tile's 16-bit greyscale PNG (what its IDAT compresses), straight
 * from the DEM rows: columns c0 … c0 + w − 1 of rows 0 … n − 1 of `strip` (`cols` wide), each value
 * stored as round((v − offset) / scale) clamped to 0 … 65534 (exactly v − offset for integer
 * tiles), nodata and the cells beyond the DEM's edge as 65535. The bytes are those of
 * png16Scanlines over that quantised tile ("sub" filter: each byte minus the same byte of the
 * pixel before), without building the tile first.
 */
function tileScanlines(strip: Float32Array, cols: number, c0: number, w: number, n: number, offset: number, scale: number, integerExact: boolean): Uint8Array {
  const out = new Uint8Array(SCANLINE * DEM_TILE);
  for (let r = 0; r < DEM_TILE; r++) {
    const at = r * SCANLINE;
    const known = r < n ? w : 0;
    const last = integerExact ? integerScanline(strip, r * cols + c0, known, offset, out, at) : scaledScanline(strip, r * cols + c0, known, offset, scale, out, at);
    nodataScanline(out, at + 1 + 2 * known, DEM_TILE - known, last);
  }
  return out;
}

const SCANLINE = DEM_TILE * 2 + 1;

// The scanline writers return the raw value of the row's last cell written (0 before the first).
// A typed array's store keeps the low byte, so a byte difference needs no mask, and an integer
// tile's value is a small integer: kept as one, the loop does no floating-point conversions (a
// third less time per tile than one loop for both kinds).

/** Cells `from` … `from + count − 1` of an integer tile (offset: its minimum) into `out` at `at`, filter byte first. */
function integerScanline(strip: Float32Array, from: number, count: number, offset: number, out: Uint8Array, at: number): number {
  const base = offset | 0;
  let k = at;
  out[k++] = 1;
  let prev = 0;
  for (let c = 0; c < count; c++) {
    const v = strip[from + c];
    const raw = v === v ? (v | 0) - base : NULL_RAW;
    out[k] = (raw >> 8) - (prev >> 8);
    out[k + 1] = raw - prev;
    k += 2;
    prev = raw;
  }
  return prev;
}

/** As integerScanline, for a tile stored with a scale (its values quantised, clamped to 0 … 65534). */
function scaledScanline(strip: Float32Array, from: number, count: number, offset: number, scale: number, out: Uint8Array, at: number): number {
  let k = at;
  out[k++] = 1;
  let prev = 0;
  for (let c = 0; c < count; c++) {
    const v = strip[from + c];
    const raw = v === v ? Math.min(NULL_RAW - 1, Math.max(0, Math.round((v - offset) / scale))) : NULL_RAW;
    out[k] = (raw >> 8) - (prev >> 8);
    out[k + 1] = raw - prev;
    k += 2;
    prev = raw;
  }
  return prev;
}

/** `count` cells without a value (beyond the DEM's edge or below its last row) at `at`, after a cell of raw value `prev`. */
function nodataScanline(out: Uint8Array, at: number, count: number, prev: number) {
  if (count === 0) return;
  out[at] = (NULL_RAW >> 8) - (prev >> 8);
  out[at + 1] = NULL_RAW - prev;
  // after the first, every byte repeats the one before: its difference is 0, as the array holds already
}

/**
 * The statistics of one tile row's tiles, `rows` rows of `cols` columns: per tile column, the
 * range, sum and sum of squares of the cells with a value, and how many have one. The tracer
 * hands the same figures to the band builder (its BlockRanges), which then skips the tiles no
 * level crosses.
 */
export interface TileRowStats {
  width: number;
  rows: number;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  sum2: Float64Array;
  known: Float64Array;
}

/** The statistics of the tiles of rows 0 … rows − 1 of `strip` (`cols` wide, NaN = nodata). */
export function tileRowStats(strip: Float32Array, cols: number, rows: number): TileRowStats {
  const across = Math.ceil(cols / DEM_TILE);
  const stats: TileRowStats = { width: DEM_TILE, rows, min: new Float64Array(across), max: new Float64Array(across), sum: new Float64Array(across), sum2: new Float64Array(across), known: new Float64Array(across) };
  for (let tc = 0; tc < across; tc++) {
    const c0 = tc * DEM_TILE;
    const w = Math.min(DEM_TILE, cols - c0);
    let min = Infinity, max = -Infinity, sum = 0, sum2 = 0, known = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * cols + c0;
      for (let c = 0; c < w; c++) {
        const v = strip[base + c];
        if (v !== v) continue;
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
        sum2 += v * v;
        known++;
      }
    }
    stats.min[tc] = min;
    stats.max[tc] = max;
    stats.sum[tc] = sum;
    stats.sum2[tc] = sum2;
    stats.known[tc] = known;
  }
  return stats;
}

/** What the tiles of a whole DEM counted: its range and its cells without a value. */
export interface DemTileTotals {
  min: number;
  max: number;
  nodata: number;
}

/**
 * The tiles of tile row `tileRow`: `n` rows of `strip` (`cols` wide; the last tile row may be
 * shorter) and their statistics; all-nodata tiles are left out. Whichever thread calls it, the
 * same tiles: the importing thread prepares them for the strips it surveys, the tracer for the
 * others (band-tracer.ts).
 */
export function tileRowTiles(strip: Float32Array, cols: number, n: number, tileRow: number, integer: boolean, stats: TileRowStats): UncompressedTile[] {
  const out: UncompressedTile[] = [];
  for (let tc = 0; tc * DEM_TILE < cols; tc++) {
    const count = stats.known[tc];
    if (count === 0) continue; // all nodata: no tile
    const c0 = tc * DEM_TILE;
    const min = stats.min[tc], max = stats.max[tc];
    const integerExact = integer && max - min <= NULL_RAW - 1;
    const scale = integerExact ? 1 : Math.max((max - min) / (NULL_RAW - 1), 1e-6);
    const mean = stats.sum[tc] / count;
    const scanlines = tileScanlines(strip, cols, c0, Math.min(DEM_TILE, cols - c0), n, min, scale, integerExact);
    out.push({ column: tc, row: tileRow, scale, offset: min, min, max, mean, stdDev: Math.sqrt(Math.max(0, stats.sum2[tc] / count - mean * mean)), scanlines });
  }
  return out;
}

/**
 * Consecutive rows of a DEM (`cols` wide, NaN = nodata) gathered into tile rows; each complete
 * tile row becomes its uncompressed tiles (all-nodata tiles are not stored). `integer`: the DEM's
 * values are integers, stored exactly when a tile's range allows.
 */
export class DemTileRows {
  /** Rows gathered until a tile row is complete (allocated when rows do not come a tile row at a time). */
  private strip: Float32Array | null = null;
  private stripRows = 0;
  private tileRow = 0;
  private min = Infinity;
  private max = -Infinity;
  private nodata = 0;

  constructor(
    private readonly cols: number,
    private readonly integer: boolean,
  ) {}

  /** Rows not yet in a complete tile row. */
  get waiting(): number {
    return this.stripRows;
  }

  /**
   * `count` rows of `values`; `emit` gets the tiles of each tile row they complete, in order.
   * When the rows are exactly the next tile row: `stats`, the caller's tileRowStats of them, and
   * `prepared`, the tiles the caller made of them already (tileRowTiles with these statistics);
   * given them, rows fewer than a tile row are the DEM's last (shorter) tile row.
   */
  push(values: Float32Array, count: number, emit: (tiles: UncompressedTile[]) => void, stats?: TileRowStats, prepared?: UncompressedTile[]): void {
    const cols = this.cols;
    if (prepared && stats?.rows === count && count <= DEM_TILE && this.stripRows === 0) {
      emit(this.tiles(values, count, stats, prepared));
      return;
    }
    let k = 0;
    while (k < count) {
      if (this.stripRows === 0 && count - k >= DEM_TILE) {
        // a whole tile row as given: encoded from the caller's rows, not copied first
        const rows = values.subarray(k * cols, (k + DEM_TILE) * cols);
        emit(this.tiles(rows, DEM_TILE, count === DEM_TILE && stats?.rows === DEM_TILE ? stats : tileRowStats(rows, cols, DEM_TILE)));
        k += DEM_TILE;
        continue;
      }
      const take = Math.min(count - k, DEM_TILE - this.stripRows);
      this.strip ??= new Float32Array(cols * DEM_TILE);
      this.strip.set(values.subarray(k * cols, (k + take) * cols), this.stripRows * cols);
      this.stripRows += take;
      k += take;
      if (this.stripRows === DEM_TILE) emit(this.tiles(this.strip, DEM_TILE, tileRowStats(this.strip, cols, DEM_TILE)));
    }
  }

  /** The last, shorter tile row, if rows are waiting. */
  flush(emit: (tiles: UncompressedTile[]) => void): void {
    if (this.stripRows > 0) emit(this.tiles(this.strip!, this.stripRows, tileRowStats(this.strip!, this.cols, this.stripRows)));
  }

  totals(): DemTileTotals {
    return { min: this.min, max: this.max, nodata: this.nodata };
  }

  /** The next tile row's tiles (`prepared`, or made here), counted into the totals. */
  private tiles(strip: Float32Array, n: number, stats: TileRowStats, prepared?: UncompressedTile[]): UncompressedTile[] {
    const cols = this.cols;
    for (let tc = 0; tc * DEM_TILE < cols; tc++) {
      const known = stats.known[tc];
      this.nodata += n * Math.min(DEM_TILE, cols - tc * DEM_TILE) - known;
      if (known === 0) continue;
      if (stats.min[tc] < this.min) this.min = stats.min[tc];
      if (stats.max[tc] > this.max) this.max = stats.max[tc];
    }
    const tiles = prepared ?? tileRowTiles(strip, cols, n, this.tileRow, this.integer, stats);
    this.tileRow++;
    this.stripRows = 0;
    return tiles;
  }
}
