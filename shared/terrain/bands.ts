/**
 * Elevation bands ("the area whose ground is below L metres") from a DEM grid, streamed row by
 * row so a 10 000 × 10 000 DEM never has to be in memory: only two rows per level are kept, plus
 * the open contour fragments along the current row.
 *
 * Method: marching squares on the cell-centre lattice. Cell values are samples at pixel centres
 * (col + 0.5, row + 0.5 in pixel space, y down). The grid is surrounded by a virtual ring of
 * "unknown" cells, and nodata cells (NaN) are unknown too: unknown is never inside a band. Where
 * a boundary runs between a known cell and an unknown one it is placed half-way, i.e. on the
 * pixel border — the same convention as GDAL's `gdal_contour -p` (which extends each pixel to
 * its footprint), so bands cover the DEM's pixel extent and stop at nodata pixel footprints.
 *
 * Saddles are resolved by the mean of the known corners (the bilinear centre value), the same for
 * every level, so for L1 < L2 the L1 band is always inside the L2 band (a crossing for L1 lies
 * between the low corner and the L2 crossing on every edge). A value exactly equal to a level
 * counts as "not below" and is nudged by a tiny epsilon so that no ring ever passes through a
 * lattice node twice (which would make self-touching rings).
 *
 * Segments are oriented so the inside is always on the same side; rings therefore come out with
 * exteriors and holes of opposite orientation, and holes are assigned to the smallest exterior
 * that contains them.
 */

import { ringBBox } from '../geo/rings';

export type Ring = number[][]; // [[x, y], …] closed (first = last)
export type PolygonRings = Ring[]; // exterior first, then holes

interface Fragment {
  /** Points prepended, stored in reverse order (flat x, y pairs). */
  head: number[];
  /** Points appended, in order (flat x, y pairs). */
  tail: number[];
  startKey: number;
  endKey: number;
}

function fragmentLength(f: Fragment): number {
  return f.head.length + f.tail.length;
}

function materialize(f: Fragment): number[] {
  const out: number[] = new Array(f.head.length + f.tail.length);
  let k = 0;
  for (let i = f.head.length - 2; i >= 0; i -= 2) {
    out[k++] = f.head[i];
    out[k++] = f.head[i + 1];
  }
  for (let i = 0; i < f.tail.length; i++) out[k++] = f.tail[i];
  return out;
}

class LevelTracer {
  readonly level: number;
  private readonly byStart = new Map<number, Fragment>();
  private readonly byEnd = new Map<number, Fragment>();
  readonly rings: number[][] = []; // flat closed rings

  constructor(level: number) {
    this.level = level;
  }

  addSegment(ka: number, ax: number, ay: number, kb: number, bx: number, by: number) {
    const f = this.byEnd.get(ka);
    const g = this.byStart.get(kb);
    if (f && g) {
      this.byEnd.delete(ka);
      this.byStart.delete(kb);
      if (f === g) {
        const flat = materialize(f);
        flat.push(bx, by);
        this.rings.push(flat);
        return;
      }
      // join f + g: copy the shorter one into the longer one
      if (fragmentLength(f) >= fragmentLength(g)) {
        const gp = materialize(g);
        for (let i = 0; i < gp.length; i++) f.tail.push(gp[i]);
        f.endKey = g.endKey;
        this.byEnd.set(f.endKey, f);
      } else {
        const fp = materialize(f);
        for (let i = fp.length - 2; i >= 0; i -= 2) g.head.push(fp[i], fp[i + 1]);
        g.startKey = f.startKey;
        this.byStart.set(g.startKey, g);
      }
      return;
    }
    if (f) {
      this.byEnd.delete(ka);
      f.tail.push(bx, by);
      f.endKey = kb;
      this.byEnd.set(kb, f);
      return;
    }
    if (g) {
      this.byStart.delete(kb);
      g.head.push(ax, ay);
      g.startKey = ka;
      this.byStart.set(ka, g);
      return;
    }
    const fragment: Fragment = { head: [], tail: [ax, ay, bx, by], startKey: ka, endKey: kb };
    this.byStart.set(ka, fragment);
    this.byEnd.set(kb, fragment);
  }

  get openFragments(): number {
    return this.byStart.size;
  }
}

export interface BandOptions {
  /** One pass of Chaikin smoothing (off by default); moves the boundary by < half a cell. */
  smooth?: boolean;
}

/**
 * What a caller already knows of a strip of rows (the DEM tiles' statistics): per block of
 * `width` columns (the last may be narrower), over all the strip's rows, the range of the cells
 * with a value and how many cells have one. A block whose range lies between two neighbouring
 * levels and that has no cell without a value (or none with one) has the same class everywhere,
 * so the builder neither classifies its cells nor looks at the squares inside it.
 */
export interface BlockRanges {
  width: number;
  min: ArrayLike<number>;
  max: ArrayLike<number>;
  /** Cells with a value. */
  known: ArrayLike<number>;
}

/**
 * Streaming band builder. Push rows top (north) to bottom; NaN = nodata. `finish()` returns, per
 * level, the polygons (pixel coordinates: x = column, y = row, pixel (c, r) covers
 * [c, c+1] × [r, r+1]) of the area below that level.
 */
export class BandBuilder {
  readonly cols: number;
  readonly levels: number[];
  private readonly tracers: LevelTracer[];
  /** Per tracer: its level is above a value iff the value's class exceeds this (levels nest). */
  private readonly classAbove: Uint8Array;
  // The rows of the square row being traced: `top` (grid row `row`) and `bot` (row + 1), each an
  // array and the offset of the row's first cell in it. The bottom row is read where the caller
  // keeps it; the top row, once the caller's call returns, from `carry`, a copy of it.
  private topValues: ArrayLike<number>;
  private topOffset = 0;
  private botValues: ArrayLike<number>;
  private botOffset = 0;
  private carry: Float64Array;
  // per padded node: how many levels lie above its value (0 for unknown), so one comparison per
  // square finds the squares no boundary of any level crosses — nearly all of them
  private prevClass: Uint8Array;
  private curClass: Uint8Array;
  // per block of a row: the class all its cells have, or −1 (BlockRanges); one block of the whole
  // row, of class −1, when the caller gave no ranges
  private prevBlocks: Int16Array;
  private curBlocks: Int16Array;
  private prevWidth: number;
  private curWidth: number;
  private readonly ascending: Float64Array;
  private row = -1; // grid row of the top row (−1 = top pad)
  private finished = false;
  private readonly cx = new Float64Array(4);
  private readonly cy = new Float64Array(4);
  private readonly ck = new Float64Array(4);
  private readonly cin = new Uint8Array(4);

  constructor(cols: number, levels: number[]) {
    if (!Number.isInteger(cols) || cols < 1) throw new Error(`BandBuilder: invalid cols ${cols}`);
    if (levels.length > 255) throw new Error(`BandBuilder: ${levels.length} levels`);
    this.cols = cols;
    this.levels = [...levels];
    this.tracers = this.levels.map((l) => new LevelTracer(l));
    this.ascending = Float64Array.from(this.levels).sort();
    // v < L iff every level ≥ L is above v, i.e. iff v's class is at least #{levels ≥ L}
    this.classAbove = Uint8Array.from(this.levels, (l) => this.levels.filter((m) => m >= l).length - 1);
    this.carry = new Float64Array(cols).fill(NaN);
    this.topValues = this.carry;
    this.botValues = this.carry;
    this.prevClass = new Uint8Array(cols + 2);
    this.curClass = new Uint8Array(cols + 2);
    this.prevBlocks = Int16Array.of(0); // the top pad: unknown, one class
    this.curBlocks = new Int16Array(1);
    this.prevWidth = cols;
    this.curWidth = cols;
  }

  /** Next grid row (length = cols), values in metres, NaN (or a non-finite value) = nodata. */
  pushRow(values: ArrayLike<number>) {
    if (this.finished) throw new Error('BandBuilder: finished');
    if (values.length !== this.cols) throw new Error(`BandBuilder: row length ${values.length} ≠ ${this.cols}`);
    this.pushRowAt(values, 0, null, 1);
    this.keepTop();
  }

  /**
   * The next `count` grid rows, row-major in `strip` (`count` × cols, NaN = nodata); `ranges`,
   * when the caller has them, describe exactly these rows. The strip is only read during the call.
   */
  pushRows(strip: ArrayLike<number>, count: number, ranges?: BlockRanges) {
    if (this.finished) throw new Error('BandBuilder: finished');
    if (strip.length < count * this.cols) throw new Error(`BandBuilder: ${strip.length} values for ${count} rows of ${this.cols}`);
    for (let r = 0; r < count; r++) this.pushRowAt(strip, r * this.cols, ranges ?? null, count);
    if (count > 0) this.keepTop();
  }

  /** The top row from now on is a copy, not the caller's array. */
  private keepTop() {
    const carry = this.carry;
    const values = this.topValues;
    const offset = this.topOffset;
    for (let c = 0; c < this.cols; c++) carry[c] = values[offset + c];
    this.topValues = carry;
    this.topOffset = 0;
  }

  private pushRowAt(values: ArrayLike<number>, offset: number, ranges: BlockRanges | null, rows: number) {
    this.classifyRow(values, offset, ranges, rows);
    this.botValues = values;
    this.botOffset = offset;
    this.traceRow();
    this.topValues = values;
    this.topOffset = offset;
    let t: Uint8Array | Int16Array = this.prevClass;
    this.prevClass = this.curClass;
    this.curClass = t;
    t = this.prevBlocks;
    this.prevBlocks = this.curBlocks;
    this.curBlocks = t;
    this.prevWidth = this.curWidth;
    this.row++;
  }

  /** The number of levels above `v` (0 for no value). */
  private classOf(v: number): number {
    if (!Number.isFinite(v)) return 0;
    const ascending = this.ascending;
    let k = ascending.length;
    while (k > 0 && v < ascending[k - 1]) k--;
    return ascending.length - k;
  }

  /**
   * The class of every node of the bottom row and of every block of it: −1 where a block's cells
   * may differ; with `ranges` (over `rows` rows), the class all of a block's cells share.
   */
  private classifyRow(values: ArrayLike<number>, offset: number, ranges: BlockRanges | null, rows: number) {
    const cols = this.cols;
    const cls = this.curClass;
    cls[0] = 0;
    cls[cols + 1] = 0;
    const width = ranges ? ranges.width : cols;
    const blocks = Math.ceil(cols / width);
    if (this.curBlocks.length !== blocks) this.curBlocks = new Int16Array(blocks);
    this.curWidth = width;
    for (let b = 0; b < blocks; b++) {
      const a = b * width;
      const e = Math.min(cols, a + width);
      let k = -1;
      if (ranges) {
        const known = ranges.known[b];
        if (known === 0) k = 0;
        else if (known === (e - a) * rows) {
          const low = this.classOf(ranges.min[b]);
          if (low === this.classOf(ranges.max[b])) k = low;
        }
      }
      this.curBlocks[b] = k;
      if (k >= 0) cls.fill(k, a + 1, e + 1);
      else this.classify(values, offset, a, e);
    }
  }

  /** Classes of grid columns [a, e) of the row at `offset` in `values`. */
  private classify(values: ArrayLike<number>, offset: number, a: number, e: number) {
    const cls = this.curClass;
    const ascending = this.ascending;
    const nLevels = ascending.length;
    for (let c = a; c < e; c++) {
      const v = values[offset + c];
      if (Number.isFinite(v)) {
        let k = nLevels;
        while (k > 0 && v < ascending[k - 1]) k--;
        cls[c + 1] = nLevels - k;
      } else cls[c + 1] = 0;
    }
  }

  /**
   * The squares between the top and the bottom row: those whose corners differ in class are
   * traced, in order of column; the inside of a block that is one class in both rows is skipped.
   */
  private traceRow() {
    const cols = this.cols;
    const width = this.curWidth;
    if (width !== this.prevWidth) {
      this.traceSquares(0, cols);
      return;
    }
    const top = this.prevBlocks;
    const bot = this.curBlocks;
    // square pc has its corners on padded columns pc and pc + 1, i.e. grid columns pc − 1 and pc:
    // square a straddles the blocks' border, squares a + 1 … e − 1 lie inside block [a, e)
    for (let b = 0; b < bot.length; b++) {
      const a = b * width;
      const e = Math.min(cols, a + width);
      const k = bot[b];
      if (k >= 0 && top[b] === k) this.traceSquares(a, a);
      else this.traceSquares(a, e - 1);
    }
    this.traceSquares(cols, cols);
  }

  /** Squares from..to (inclusive, padded columns of their left corners) of the current square row. */
  private traceSquares(from: number, to: number) {
    const sr = this.row; // square row: between grid row sr (top) and sr + 1 (bottom)
    const top = this.prevClass;
    const bot = this.curClass;
    const tracers = this.tracers;
    const above = this.classAbove;
    // the right corners of one square are the left corners of the next: two loads per square
    let tl = top[from], bl = bot[from];
    for (let pc = from; pc <= to; pc++) {
      const tr = top[pc + 1], br = bot[pc + 1];
      if (tl !== tr || tr !== br || br !== bl) {
        for (let t = 0; t < tracers.length; t++) {
          const k = above[t];
          const itl = tl > k, itr = tr > k, ibr = br > k, ibl = bl > k;
          if (itl === itr && itr === ibr && ibr === ibl) continue;
          this.traceSquare(tracers[t], sr, pc, itl, itr, ibr, ibl);
        }
      }
      tl = tr;
      bl = br;
    }
  }

  /** A node's value: padded column pc of a row (pads and non-finite values: NaN). */
  private static node(values: ArrayLike<number>, offset: number, pc: number, cols: number): number {
    if (pc < 1 || pc > cols) return NaN;
    const v = values[offset + pc - 1];
    return Number.isFinite(v) ? v : NaN;
  }

  /** The boundary segments of `tracer`'s level in square (sr, pc), which it crosses. */
  private traceSquare(tracer: LevelTracer, sr: number, pc: number, itl: boolean, itr: boolean, ibr: boolean, ibl: boolean) {
    const L = tracer.level;
    const eps = 1e-7 * Math.max(1, Math.abs(L));
    const stride = this.cols + 2;
    const cols = this.cols;
    // Node values, nudged: v == L → L + eps (not below).
    const nud = (v: number) => (v === L ? L + eps : v);
    // pixel-space position of padded node column pc (grid column pc − 1): x = pc − 0.5
    // grid row r: y = r + 0.5
    const yTop = sr + 0.5;
    const yBot = sr + 1.5;
    // edge keys: horizontal edge on node row r (−1..rows), between padded cols pc and pc+1:
    // ((r + 1) * stride + pc) * 2; vertical edge on padded col pc between rows r and r+1: … * 2 + 1
    const hKeyTop = (sr + 1) * stride * 2;
    const hKeyBot = (sr + 2) * stride * 2;
    const vKeyRow = (sr + 1) * stride * 2 + 1;
    const { cx, cy, ck, cin } = this;

    const tl = nud(BandBuilder.node(this.topValues, this.topOffset, pc, cols));
    const tr = nud(BandBuilder.node(this.topValues, this.topOffset, pc + 1, cols));
    const br = nud(BandBuilder.node(this.botValues, this.botOffset, pc + 1, cols));
    const bl = nud(BandBuilder.node(this.botValues, this.botOffset, pc, cols));
    const x0 = pc - 0.5;
    const x1 = pc + 0.5;
    let m = 0;
    // clockwise on screen: top (tl→tr), right (tr→br), bottom (br→bl), left (bl→tl).
    // Crossing coordinates are computed from the edge's canonical (left/top) corner so both
    // squares sharing an edge get bit-identical points.
    if (itl !== itr) {
      cx[m] = x0 + frac(tl, tr, L);
      cy[m] = yTop;
      ck[m] = hKeyTop + pc * 2;
      cin[m] = itl ? 0 : 1; // entering the inside when the start corner is outside
      m++;
    }
    if (itr !== ibr) {
      cx[m] = x1;
      cy[m] = yTop + frac(tr, br, L);
      ck[m] = vKeyRow + (pc + 1) * 2;
      cin[m] = itr ? 0 : 1;
      m++;
    }
    if (ibr !== ibl) {
      cx[m] = x0 + frac(bl, br, L);
      cy[m] = yBot;
      ck[m] = hKeyBot + pc * 2;
      cin[m] = ibr ? 0 : 1;
      m++;
    }
    if (ibl !== itl) {
      cx[m] = x0;
      cy[m] = yTop + frac(tl, bl, L);
      ck[m] = vKeyRow + pc * 2;
      cin[m] = ibl ? 0 : 1;
      m++;
    }
    if (m === 2) {
      // segment from the "out" crossing (inside → outside) to the "in" crossing
      const o = cin[0] ? 1 : 0;
      const i = 1 - o;
      tracer.addSegment(ck[o], cx[o], cy[o], ck[i], cx[i], cy[i]);
    } else {
      // saddle: crossings alternate in/out around the square
      const centreInside = knownMean(tl, tr, br, bl) < L;
      for (let k = 0; k < 4; k++) {
        if (cin[k]) continue; // k is an out-crossing
        const j = centreInside ? (k + 1) % 4 : (k + 3) % 4;
        tracer.addSegment(ck[k], cx[k], cy[k], ck[j], cx[j], cy[j]);
      }
    }
  }

  /** Closes the grid (bottom pad row) and returns per level the polygons in pixel space. */
  finish(options: BandOptions = {}): Map<number, PolygonRings[]> {
    if (this.finished) throw new Error('BandBuilder: finished');
    // the bottom pad: no value anywhere, one class
    this.pushRowAt(new Float64Array(this.cols).fill(NaN), 0, { width: this.cols, min: [NaN], max: [NaN], known: [0] }, 1);
    this.finished = true;
    const result = new Map<number, PolygonRings[]>();
    for (const tracer of this.tracers) {
      if (tracer.openFragments !== 0) throw new Error(`BandBuilder: ${tracer.openFragments} unclosed contour fragments at level ${tracer.level}`);
      let rings = tracer.rings.map(toRing).filter((r) => r.length >= 4);
      if (options.smooth) rings = rings.map(smoothRing);
      result.set(tracer.level, nestRings(rings));
    }
    return result;
  }
}

/** Mean of the known corner values (the bilinear centre value when all four are known). */
function knownMean(a: number, b: number, c: number, d: number): number {
  let sum = 0, n = 0;
  if (a === a) { sum += a; n++; }
  if (b === b) { sum += b; n++; }
  if (c === c) { sum += c; n++; }
  if (d === d) { sum += d; n++; }
  return n === 0 ? NaN : sum / n;
}

/** Position (0..1) of the level crossing along an edge from value a to value b; unknown → ½. */
function frac(a: number, b: number, L: number): number {
  if (a !== a || b !== b) return 0.5;
  const t = (L - a) / (b - a);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

function toRing(flat: number[]): Ring {
  const ring: Ring = [];
  for (let i = 0; i < flat.length; i += 2) {
    const x = flat[i], y = flat[i + 1];
    const last = ring[ring.length - 1];
    if (last && last[0] === x && last[1] === y) continue;
    ring.push([x, y]);
  }
  return ring;
}

/** Shoelace sum in pixel space (y down): positive for exteriors (inside kept on the right on screen). */
export function ringSignedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum / 2;
}

export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Splits rings into exteriors and holes by orientation and puts each hole in the smallest exterior containing it. */
export function nestRings(rings: Ring[]): PolygonRings[] {
  const exteriors: { ring: Ring; area: number; bbox: [number, number, number, number]; holes: Ring[] }[] = [];
  const holes: { ring: Ring; bbox: [number, number, number, number] }[] = [];
  for (const ring of rings) {
    const area = ringSignedArea(ring);
    if (area === 0) continue;
    if (area > 0) exteriors.push({ ring, area, bbox: ringBBox(ring), holes: [] });
    else holes.push({ ring, bbox: ringBBox(ring) });
  }
  exteriors.sort((a, b) => a.area - b.area);
  for (const hole of holes) {
    // a hole vertex lies strictly inside its exterior (rings never share points); test the
    // midpoint of its first edge to stay off lattice nodes
    const [a, b] = hole.ring;
    const px = (a[0] + b[0]) / 2, py = (a[1] + b[1]) / 2;
    const owner = exteriors.find(
      (e) => e.bbox[0] <= hole.bbox[0] && e.bbox[1] <= hole.bbox[1] && e.bbox[2] >= hole.bbox[2] && e.bbox[3] >= hole.bbox[3] && pointInRing(px, py, e.ring),
    );
    if (owner) owner.holes.push(hole.ring);
    // a hole without an exterior cannot occur on a closed lattice; dropping it is the safe choice
  }
  return exteriors.map((e) => [e.ring, ...e.holes]);
}

/**
 * One pass of Chaikin corner cutting. Every new vertex lies on the original ring at ¼ or ¾ of a
 * segment, and each corner is cut by a chord between points at ¼ of its two segments, so the
 * boundary moves by at most ¼ of a segment length. Marching-squares segments lie inside one
 * lattice square and are at most √2 cells long, so the move is at most √2/4 ≈ 0.35 cell — less
 * than half a cell. (A second pass would add up to 0.18 cell more, so only one is done.)
 */
export function smoothRing(ring: Ring): Ring {
  const pts = ring.slice(0, -1);
  if (pts.length < 4) return ring;
  const next: Ring = [];
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i], q = pts[(i + 1) % pts.length];
    next.push([0.75 * p[0] + 0.25 * q[0], 0.75 * p[1] + 0.25 * q[1]], [0.25 * p[0] + 0.75 * q[0], 0.25 * p[1] + 0.75 * q[1]]);
  }
  next.push([next[0][0], next[0][1]]);
  return next;
}

/** Convenience: bands of a whole in-memory grid (row-major, row 0 = top). */
export function bandsOfGrid(values: ArrayLike<number>, cols: number, rows: number, levels: number[], options: BandOptions = {}): Map<number, PolygonRings[]> {
  const builder = new BandBuilder(cols, levels);
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) row[c] = values[r * cols + c];
    builder.pushRow(row);
  }
  return builder.finish(options);
}
