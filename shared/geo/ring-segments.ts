/**
 * The segments of closed rings with the boxes of runs of consecutive segments, for finding which
 * segments may touch without comparing every pair. Consecutive segments of a ring lie close
 * together, so a run of CHUNK segments has a small box and the runs, grouped CHUNK at a time level
 * by level, form a tree in ring order: built in one linear pass, no sort, typed arrays only. Each
 * run is then queried against the tree for the runs after it, which makes a ring of millions of
 * vertices O(n log n) whatever its shape (a sweep over x alone goes quadratic on a long north–south
 * polygon, where every segment's x-range overlaps every other's).
 */
import type { Position } from 'geojson';

/** Segments per run, and runs per node of the next level up. */
const CHUNK = 8;
/** The run length, for searches that visit pairs in someOverlappingPair's order without the tree. */
export const SEGMENT_RUN = CHUNK;

export class RingSegments {
  /** Vertex coordinates of every ring, one after another (each ring closed: first = last). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** For segment s: the index of its first vertex (its second is `from[s] + 1`) and its ring. */
  readonly from: Uint32Array;
  readonly ring: Uint32Array;
  /** Segment count of each ring, and the index of each ring's first segment. */
  readonly ringSize: Uint32Array;
  readonly ringStart: Uint32Array;
  /** Boxes (minX, minY, maxX, maxY) per level: level 0 a run of CHUNK segments, level k+1 CHUNK nodes of level k. */
  private readonly levels: Float64Array[] = [];

  constructor(rings: readonly (readonly Position[])[]) {
    let vertices = 0;
    let segments = 0;
    for (const r of rings) {
      vertices += r.length;
      segments += Math.max(0, r.length - 1);
    }
    this.x = new Float64Array(vertices);
    this.y = new Float64Array(vertices);
    this.from = new Uint32Array(segments);
    this.ring = new Uint32Array(segments);
    this.ringSize = new Uint32Array(rings.length);
    this.ringStart = new Uint32Array(rings.length);
    let v = 0;
    let s = 0;
    rings.forEach((r, ri) => {
      this.ringStart[ri] = s;
      this.ringSize[ri] = Math.max(0, r.length - 1);
      for (let i = 0; i < r.length; i++) {
        this.x[v + i] = r[i][0];
        this.y[v + i] = r[i][1];
        if (i + 1 < r.length) {
          this.from[s] = v + i;
          this.ring[s] = ri;
          s++;
        }
      }
      v += r.length;
    });
    this.build();
  }

  get size(): number {
    return this.from.length;
  }

  private build(): void {
    const { x, y, from } = this;
    const n = from.length;
    let count = Math.ceil(n / CHUNK);
    let boxes = new Float64Array(4 * count);
    for (let c = 0; c < count; c++) {
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (let s = c * CHUNK, end = Math.min(n, s + CHUNK); s < end; s++) {
        // a segment's second vertex is the next segment's first, except at a ring's end
        for (let k = from[s], last = from[s] + 1; k <= last; k++) {
          if (x[k] < minX) minX = x[k];
          if (x[k] > maxX) maxX = x[k];
          if (y[k] < minY) minY = y[k];
          if (y[k] > maxY) maxY = y[k];
        }
      }
      boxes.set([minX, minY, maxX, maxY], 4 * c);
    }
    this.levels.push(boxes);
    while (count > 1) {
      const below = boxes;
      const belowCount = count;
      count = Math.ceil(belowCount / CHUNK);
      boxes = new Float64Array(4 * count);
      for (let c = 0; c < count; c++) {
        let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
        for (let k = c * CHUNK, end = Math.min(belowCount, k + CHUNK); k < end; k++) {
          if (below[4 * k] < minX) minX = below[4 * k];
          if (below[4 * k + 1] < minY) minY = below[4 * k + 1];
          if (below[4 * k + 2] > maxX) maxX = below[4 * k + 2];
          if (below[4 * k + 3] > maxY) maxY = below[4 * k + 3];
        }
        boxes.set([minX, minY, maxX, maxY], 4 * c);
      }
      this.levels.push(boxes);
    }
  }

  /**
   * Calls `visit(s, t)` for every pair of segments s < t whose boxes overlap (touching counts),
   * run by run in ring order, until `visit` returns true; returns whether it did.
   */
  someOverlappingPair(visit: (s: number, t: number) => boolean): boolean {
    const { x, y, from, levels } = this;
    const n = from.length;
    if (n < 2) return false;
    const leaves = levels[0];
    const top = levels.length - 1;
    const spans = levels.map((_, level) => CHUNK ** level);
    // nodes to visit as (level, index) pairs; at most CHUNK per level are pending at once
    const stack = new Int32Array(2 * (CHUNK * levels.length + levels[top].length / 4 + 1));
    for (let c = 0; c < leaves.length / 4; c++) {
      const qMinX = leaves[4 * c], qMinY = leaves[4 * c + 1], qMaxX = leaves[4 * c + 2], qMaxY = leaves[4 * c + 3];
      let depth = 0;
      for (let m = levels[top].length / 4 - 1; m >= 0; m--) {
        stack[depth++] = top;
        stack[depth++] = m;
      }
      while (depth > 0) {
        const m = stack[--depth];
        const level = stack[--depth];
        // only runs at or after c can hold a t > s
        if ((m + 1) * spans[level] - 1 < c) continue;
        const box = levels[level];
        if (box[4 * m] > qMaxX || box[4 * m + 2] < qMinX || box[4 * m + 1] > qMaxY || box[4 * m + 3] < qMinY) continue;
        if (level > 0) {
          const count = levels[level - 1].length / 4;
          for (let k = Math.min(count, (m + 1) * CHUNK) - 1; k >= m * CHUNK; k--) {
            stack[depth++] = level - 1;
            stack[depth++] = k;
          }
          continue;
        }
        // two runs whose boxes overlap: compare their segments' boxes
        for (let s = c * CHUNK, sEnd = Math.min(n, s + CHUNK); s < sEnd; s++) {
          const a = from[s];
          const sMinX = Math.min(x[a], x[a + 1]), sMaxX = Math.max(x[a], x[a + 1]);
          const sMinY = Math.min(y[a], y[a + 1]), sMaxY = Math.max(y[a], y[a + 1]);
          for (let t = Math.max(m * CHUNK, s + 1), tEnd = Math.min(n, m * CHUNK + CHUNK); t < tEnd; t++) {
            const b = from[t];
            if (Math.min(x[b], x[b + 1]) > sMaxX || Math.max(x[b], x[b + 1]) < sMinX) continue;
            if (Math.min(y[b], y[b + 1]) > sMaxY || Math.max(y[b], y[b + 1]) < sMinY) continue;
            if (visit(s, t)) return true;
          }
        }
      }
    }
    return false;
  }
}
