/**
 * A new layer's R*Tree written whole, the way GDAL's GeoPackage driver writes it
 * (sqlite_rtree_bulk_load.c): the boxes are collected while the rows are stored, packed into a
 * tree here (sort-tile-recursive), and the tree's nodes written straight into the virtual table's
 * shadow tables (`<rtree>_node`, `_parent`, `_rowid`) in SQLite's own node format. Inserting row by
 * row through the virtual table makes SQLite choose a leaf and split nodes for every box, which was
 * three fifths of the storing thread's SQLite time on a 100 000-polygon import.
 *
 * The node format (sqlite/ext/rtree/rtree.c): a node is a blob of exactly the table's node size
 * (what the empty root written by CREATE VIRTUAL TABLE measures): a 2-byte big-endian depth (read
 * from the root only), a 2-byte cell count, then cells of an 8-byte big-endian id (a row id in a
 * leaf, a node number in a branch) and the box as big-endian float32 minX, maxX, minY, maxY, the
 * rest zero. Boxes are rounded outwards to float32 as SQLite rounds them (rtreeValueDown/Up), so
 * the index holds the same numbers a row-by-row insert stores. The root is node 1.
 *
 * After the load the table is an ordinary R*Tree: SQLite's own rtreecheck() accepts it, and later
 * inserts, updates and deletes (the GeoPackage triggers) go through SQLite's algorithm.
 */
import type { SqlConnection } from './sql';
import { quoteId } from './feature-request';

/** Bytes of one 2-D cell: id + 4 float32. */
const CELL_BYTES = 24;
// rtree.c: a float32 nudged one unit in the last place towards or away from zero
const ROUND_TOWARDS = 1 - 1 / 8388608;
const ROUND_AWAY = 1 + 1 / 8388608;

/** The float32 SQLite stores for a box's lower bound (never above it). */
export function rtreeValueDown(d: number): number {
  const f = Math.fround(d);
  return f > d ? Math.fround(d * (d < 0 ? ROUND_AWAY : ROUND_TOWARDS)) : f;
}

/** The float32 SQLite stores for a box's upper bound (never below it). */
export function rtreeValueUp(d: number): number {
  const f = Math.fround(d);
  return f < d ? Math.fround(d * (d < 0 ? ROUND_TOWARDS : ROUND_AWAY)) : f;
}

/** What the loader needs of a GeoPackage connection: writing the shadow tables needs better-sqlite3's unsafe mode. */
export type BulkLoadConnection = SqlConnection & { unsafeMode(on?: boolean): unknown };

/** The boxes of a new layer's rows, as they are stored; `write` builds the index from them. */
export class RtreeBulkLoader {
  private ids = new Float64Array(1024);
  // minX, maxX, minY, maxY per box, already rounded to what the index stores
  private boxes = new Float32Array(4096);
  private n = 0;

  add(id: number, minX: number, minY: number, maxX: number, maxY: number): void {
    if (this.n === this.ids.length) {
      const ids = new Float64Array(Math.max(1024, this.ids.length * 2));
      ids.set(this.ids);
      this.ids = ids;
      const boxes = new Float32Array(4 * ids.length);
      boxes.set(this.boxes);
      this.boxes = boxes;
    }
    const b = 4 * this.n;
    this.ids[this.n++] = id;
    this.boxes[b] = rtreeValueDown(minX);
    this.boxes[b + 1] = rtreeValueUp(maxX);
    this.boxes[b + 2] = rtreeValueDown(minY);
    this.boxes[b + 3] = rtreeValueUp(maxY);
  }

  /** Writes the collected boxes into the R*Tree `rtree`, which must be empty (just created); then forgets them. */
  write(sql: BulkLoadConnection, rtree: string): void {
    const n = this.n;
    if (n === 0) return;
    const root = sql.prepare(`SELECT length(data) AS size FROM ${quoteId(`${rtree}_node`)} WHERE nodeno = 1`).get() as { size: number } | undefined;
    const rows = sql.prepare(`SELECT (SELECT count(*) FROM ${quoteId(`${rtree}_rowid`)}) + (SELECT count(*) FROM ${quoteId(`${rtree}_parent`)}) AS n`).get() as { n: number };
    if (!root || rows.n !== 0) throw new Error(`R*Tree ${rtree} is not a new, empty index`);
    const nodeSize = root.size;
    const capacity = Math.floor((nodeSize - 4) / CELL_BYTES);
    const levels = packLevels(this.boxes, n, capacity);
    // node numbers top-down, the root first: base[l] + j is node j of level l
    const base = new Array<number>(levels.length);
    base[levels.length - 1] = 1;
    for (let l = levels.length - 2; l >= 0; l--) base[l] = base[l + 1] + levels[l + 1].nodes;
    const height = levels.length;

    const blob = new Uint8Array(nodeSize);
    const view = new DataView(blob.buffer);
    // statements on shadow tables are refused when prepared outside unsafe mode (SQLite's defensive flag)
    sql.unsafeMode(true);
    try {
      const insertNode = sql.prepare(`INSERT INTO ${quoteId(`${rtree}_node`)} (nodeno, data) VALUES (?, ?)`);
      const insertParent = sql.prepare(`INSERT INTO ${quoteId(`${rtree}_parent`)} (nodeno, parentnode) VALUES (?, ?)`);
      const insertRowids = sql.prepare(`INSERT INTO ${quoteId(`${rtree}_rowid`)} (rowid, nodeno) SELECT value, ? FROM json_each(?)`);
      sql.prepare(`DELETE FROM ${quoteId(`${rtree}_node`)}`).run();
      for (let l = height - 1; l >= 0; l--) {
        const { order, boxes, nodes } = levels[l];
        const entries = order.length;
        for (let j = 0; j < nodes; j++) {
          const first = j * capacity;
          const last = Math.min(first + capacity, entries);
          const nodeNo = base[l] + j;
          blob.fill(0);
          view.setUint16(0, nodeNo === 1 ? height - 1 : 0);
          view.setUint16(2, last - first);
          const leafIds: number[] = [];
          for (let k = first, o = 4; k < last; k++, o += CELL_BYTES) {
            const e = order[k];
            // a leaf's cells are rows; a branch's are the nodes of the level below
            const id = l === 0 ? this.ids[e] : base[l - 1] + e;
            if (l === 0) leafIds.push(id);
            view.setBigInt64(o, BigInt(id));
            view.setFloat32(o + 8, boxes[4 * e]);
            view.setFloat32(o + 12, boxes[4 * e + 1]);
            view.setFloat32(o + 16, boxes[4 * e + 2]);
            view.setFloat32(o + 20, boxes[4 * e + 3]);
            if (l > 0) insertParent.run(base[l - 1] + e, nodeNo);
          }
          insertNode.run(nodeNo, blob);
          if (l === 0) insertRowids.run(nodeNo, JSON.stringify(leafIds));
        }
      }
    } finally {
      sql.unsafeMode(false);
    }
    this.ids = new Float64Array(0);
    this.boxes = new Float32Array(0);
    this.n = 0;
  }
}

/** One level of the packed tree: its entries (boxes of the level below) in node order, `capacity` a node. */
interface Level {
  /** entry indexes into `boxes`, node j holding order[j·capacity …] */
  order: Uint32Array;
  /** minX, maxX, minY, maxY of each entry */
  boxes: Float32Array;
  nodes: number;
}

/**
 * Sort-tile-recursive packing (Leutenegger et al. 1997), level by level from the leaves: the
 * entries are sorted by the x of their centres into vertical slices of √(nodes) nodes each, and
 * each slice by y, so every node covers a compact tile. Returns the levels, leaves first, root last.
 */
function packLevels(leafBoxes: Float32Array, n: number, capacity: number): Level[] {
  const levels: Level[] = [];
  let boxes = leafBoxes;
  let entries = n;
  for (;;) {
    const order = strOrder(boxes, entries, capacity);
    const nodes = Math.ceil(entries / capacity);
    levels.push({ order, boxes, nodes });
    if (nodes === 1) return levels;
    const parents = new Float32Array(4 * nodes);
    for (let j = 0; j < nodes; j++) {
      let minX = Infinity;
      let maxX = -Infinity;
      let minY = Infinity;
      let maxY = -Infinity;
      for (let k = j * capacity, end = Math.min(k + capacity, entries); k < end; k++) {
        const e = 4 * order[k];
        if (boxes[e] < minX) minX = boxes[e];
        if (boxes[e + 1] > maxX) maxX = boxes[e + 1];
        if (boxes[e + 2] < minY) minY = boxes[e + 2];
        if (boxes[e + 3] > maxY) maxY = boxes[e + 3];
      }
      // unions of float32 values are float32 values: the parent holds its children exactly
      parents.set([minX, maxX, minY, maxY], 4 * j);
    }
    boxes = parents;
    entries = nodes;
  }
}

function strOrder(boxes: Float32Array, entries: number, capacity: number): Uint32Array {
  const order = new Uint32Array(entries);
  for (let i = 0; i < entries; i++) order[i] = i;
  const nodes = Math.ceil(entries / capacity);
  if (nodes === 1) return order;
  const cx = new Float64Array(entries);
  const cy = new Float64Array(entries);
  for (let i = 0; i < entries; i++) {
    cx[i] = boxes[4 * i] + boxes[4 * i + 1];
    cy[i] = boxes[4 * i + 2] + boxes[4 * i + 3];
  }
  order.sort((a, b) => cx[a] - cx[b] || a - b);
  const sliceSize = Math.ceil(Math.sqrt(nodes)) * capacity;
  for (let s = 0; s < entries; s += sliceSize) {
    order.subarray(s, Math.min(s + sliceSize, entries)).sort((a, b) => cy[a] - cy[b] || a - b);
  }
  return order;
}
