/**
 * Is this DEM plausible for a Chinese county? Checked before anything is committed: where the
 * grid lies (its footprint must touch China; degrees declared as metres put it near the equator),
 * the cell size, and — while the rows stream — the values: elevations outside −200…9 000 m, cells
 * of exactly 0 m in terrain that is nowhere near sea level (a hole filled with 0, a missing tile),
 * and neighbouring cells too far apart for any real slope (noise). A suspect DEM is refused unless
 * the user confirms it (`--accept-suspect`), and then stored with the findings as warnings.
 */
import { basename } from 'node:path';
import { isGeographic, transformer } from '../../../shared/crs';
import { UserInputError } from '../../../shared/model/errors';
import { importNoteEn, importNoteZh } from '../../../shared/importers/messages';
import { text, textList, type CodedText } from '../../../shared/model/text';
import type { DemGridInfo } from '../../../shared/terrain/grid';
import { DEM_TILE, type TileRowStats } from '../../../shared/terrain/dem-tile-format';

/** Lowest (Turpan depression −154 m) and highest (Everest 8 849 m) ground in China, with margin. */
export const MIN_PLAUSIBLE_M = -200;
export const MAX_PLAUSIBLE_M = 9000;
/** China's extent in degrees (with margin): a DEM entirely outside it is not a county DEM. */
const CHINA = { west: 73, south: 3, east: 136, north: 54 };
/** Mean slope (rise / run between horizontal neighbours) above this is noise, not terrain (≈ 63°). */
const MAX_MEAN_SLOPE = 2;
/** A DEM whose lowest non-zero cell is this high cannot have honest 0 m cells beside it. */
const ZERO_HOLE_MIN_M = 20;

/** Why a DEM looks implausible, coded (importNote.dem.* in shared/importers/messages.ts). */
export type Suspicion = CodedText;

function metresPerCell(info: DemGridInfo, latitude: number): number {
  if (!isGeographic(info.crs)) return info.cellX;
  return info.cellX * 111_320 * Math.max(0.05, Math.cos((latitude * Math.PI) / 180));
}

/** The grid's footprint in lon/lat (corners and edge midpoints), or null when it cannot be transformed. */
function footprint(info: DemGridInfo): { west: number; south: number; east: number; north: number } | null {
  const x0 = info.originX, y1 = info.originY;
  const x1 = x0 + info.cols * info.cellX, y0 = y1 - info.rows * info.cellY;
  const toLonLat = isGeographic(info.crs) ? (xy: [number, number]) => xy : transformer(info.crs, 'EPSG:4490');
  const points: Array<[number, number]> = [];
  for (const fx of [0, 0.5, 1]) for (const fy of [0, 0.5, 1]) points.push([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)]);
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (const p of points) {
    let lon: number, lat: number;
    try {
      [lon, lat] = toLonLat(p);
    } catch {
      continue;
    }
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return Number.isFinite(west) ? { west, south, east, north } : null;
}

/** Where the grid lies and how big its cells are; empty when plausible. */
export function georeferenceSuspicions(info: DemGridInfo): Suspicion[] {
  const out: Suspicion[] = [];
  const box = footprint(info);
  const fmt = (v: number) => (Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Math.round(v * 1e4) / 1e4));
  if (!box || box.east < CHINA.west || box.west > CHINA.east || box.north < CHINA.south || box.south > CHINA.north) {
    const where = box ? text('importNote.dem.where', { west: fmt(box.west), east: fmt(box.east), south: fmt(box.south), north: fmt(box.north) }) : text('importNote.dem.whereUnknown');
    out.push(text('importNote.dem.outsideChina', { crs: info.crs, where }));
  }
  const lat = box ? (box.south + box.north) / 2 : 35;
  const cell = metresPerCell(info, Math.min(Math.max(lat, -80), 80));
  if (!(cell >= 0.5 && cell <= 5000)) {
    out.push(text('importNote.dem.cellSize', { cell: fmt(cell) }));
  }
  return out;
}

/** What the census has counted so far (plain numbers: the band tracer's thread sends them back). */
export interface CensusCounts {
  outOfRange: number;
  zeros: number;
  minNonZero: number;
  valid: number;
  slopeSum: number;
  slopePairs: number;
}

/**
 * Accumulates value statistics over the streamed rows; out-of-range cells become nodata.
 *
 * `survey` is the one pass over a strip's cells before they are stored or traced: it blanks the
 * implausible cells (what is stored must already be blanked), counts, and measures the strip's
 * tiles (their range and sums: the tile statistics the DEM is stored with, and the ranges that
 * let the band builder skip the tiles no level crosses). Each was a pass of its own before, and
 * on the bands benchmark's 64 M cells a pass costs 0.2–0.3 s. The band tracer surveys the strips
 * the importing thread has no time for (band-tracer.ts), so one DEM may be counted by two
 * censuses, added up at the end.
 */
export class ValueCensus {
  private outOfRange = 0;
  private zeros = 0;
  private minNonZero = Infinity;
  private valid = 0;
  private slopeSum = 0;
  private slopePairs = 0;
  private readonly cols: number;
  private readonly info: DemGridInfo;

  constructor(info: DemGridInfo) {
    this.info = info;
    this.cols = info.cols;
  }

  /**
   * Blanks (in place) and counts rows row0 … row0 + count − 1 of the DEM, and returns the
   * statistics of their tiles (tile columns of DEM_TILE cells; rows as given). Strips may be
   * surveyed in any order, by several censuses (added up with `add`). One comparison pair per
   * cell decides the common case (a plausible value; NaN fails both); a row's rises are summed
   * tile by tile and scaled once by its run.
   */
  survey(strip: Float32Array, row0: number, count: number): TileRowStats {
    const cols = this.cols;
    const across = Math.ceil(cols / DEM_TILE);
    const stats: TileRowStats = { width: DEM_TILE, rows: count, min: new Float64Array(across), max: new Float64Array(across), sum: new Float64Array(across), sum2: new Float64Array(across), known: new Float64Array(across) };
    const rises = new Float64Array(count);
    const pairs = new Float64Array(count);
    let outOfRange = this.outOfRange;
    let zeros = this.zeros;
    let minNonZero = this.minNonZero;
    let valid = this.valid;
    for (let tc = 0; tc < across; tc++) {
      const c0 = tc * DEM_TILE;
      const w = Math.min(DEM_TILE, cols - c0);
      let min = Infinity, max = -Infinity, sum = 0, sum2 = 0, known = 0;
      for (let r = 0; r < count; r++) {
        const base = r * cols + c0;
        // the row's cell before this tile, blanked already with the tile before
        let prev = c0 > 0 ? strip[base - 1] : NaN;
        let rise = 0;
        // cells without a plausible value, and runs of cells with one (a run's first cell has no
        // neighbour to its left: the row's pairs are its cells with a value less its runs); both
        // are rare, so the common cell takes no count of its own
        let gaps = 0;
        let runs = 0;
        for (let c = 0; c < w; c++) {
          const v = strip[base + c];
          if (!(v >= MIN_PLAUSIBLE_M && v <= MAX_PLAUSIBLE_M)) {
            // NaN stays as it is; a value out of range is blanked and counted
            if (v === v) {
              strip[base + c] = NaN;
              outOfRange++;
            }
            gaps++;
            prev = NaN;
            continue;
          }
          if (prev !== prev) {
            runs++;
            prev = v;
          }
          rise += Math.abs(v - prev);
          prev = v;
          if (v < min) min = v;
          if (v > max) max = v;
          sum += v;
          sum2 += v * v;
        }
        known += w - gaps;
        rises[r] += rise;
        pairs[r] += w - gaps - runs;
      }
      if (known > 0 && min <= 0 && max >= 0) {
        // zeros in this tile (rare: ground at sea level, or a hole filled with 0): counted, and the
        // lowest value besides them, in a pass of their own
        for (let r = 0; r < count; r++) {
          const base = r * cols + c0;
          for (let c = 0; c < w; c++) {
            const v = strip[base + c];
            if (v === 0) zeros++;
            else if (v < minNonZero) minNonZero = v;
          }
        }
      } else if (known > 0 && min < minNonZero) minNonZero = min;
      stats.min[tc] = min;
      stats.max[tc] = max;
      stats.sum[tc] = sum;
      stats.sum2[tc] = sum2;
      stats.known[tc] = known;
      valid += known;
    }
    const geographic = isGeographic(this.info.crs);
    for (let r = 0; r < count; r++) {
      const y = this.info.originY - (row0 + r + 0.5) * this.info.cellY;
      const run = metresPerCell(this.info, geographic ? y : 35);
      if (run > 0) {
        this.slopeSum += rises[r] / run;
        this.slopePairs += pairs[r];
      }
    }
    this.outOfRange = outOfRange;
    this.zeros = zeros;
    this.minNonZero = minNonZero;
    this.valid = valid;
    return stats;
  }

  counts(): CensusCounts {
    const { outOfRange, zeros, minNonZero, valid, slopeSum, slopePairs } = this;
    return { outOfRange, zeros, minNonZero, valid, slopeSum, slopePairs };
  }

  /** Folds in what another census of other rows of the same DEM counted. */
  add(other: CensusCounts): void {
    this.outOfRange += other.outOfRange;
    this.zeros += other.zeros;
    this.minNonZero = Math.min(this.minNonZero, other.minNonZero);
    this.valid += other.valid;
    this.slopeSum += other.slopeSum;
    this.slopePairs += other.slopePairs;
  }

  suspicions(): Suspicion[] {
    const out: Suspicion[] = [];
    if (this.outOfRange > 0) {
      out.push(text('importNote.dem.outOfRange', { count: this.outOfRange, min: MIN_PLAUSIBLE_M, max: MAX_PLAUSIBLE_M }));
    }
    if (this.valid === 0 && this.outOfRange === 0) {
      out.push(text('importNote.dem.noValues'));
    }
    if (this.zeros > 0 && (this.zeros === this.valid || this.minNonZero > ZERO_HOLE_MIN_M)) {
      out.push(this.zeros === this.valid ? text('importNote.dem.allZero', { count: this.zeros }) : text('importNote.dem.zeroHoles', { count: this.zeros, min: this.minNonZero }));
    }
    if (this.slopePairs > 100 && this.slopeSum / this.slopePairs > MAX_MEAN_SLOPE) {
      const mean = this.slopeSum / this.slopePairs;
      out.push(text('importNote.dem.noise', { degrees: Math.round((Math.atan(mean) * 180) / Math.PI) }));
    }
    return out;
  }
}

/** The refusal of a suspect DEM, naming the file(s) the user gave and every finding. */
export function suspectDemError(files: string[], suspicions: Suspicion[]): UserInputError {
  const names = files.map((f) => `“${basename(f)}”`).join('、');
  return new UserInputError(
    'dem.suspect',
    `高程文件${names}看起来不是可信的高程数据：${importNoteZh(textList(suspicions, 'semicolon'))}。项目未改动。如确认数据无误，可确认后重新导入（导入对话框中勾选“确认数据无误”，命令行加 --accept-suspect），将在图层上记录警告。`,
    `DEM ${files.join(', ')} looks implausible: ${importNoteEn(textList(suspicions, 'semicolon'))}. Project unchanged; confirm it in the import dialog or pass --accept-suspect to store it anyway.`,
  );
}
