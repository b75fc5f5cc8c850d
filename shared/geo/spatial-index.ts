/**
 * A static packed R-tree over bounding boxes (Sort-Tile-Recursive bulk load), so each parcel only
 * runs exact geometry tests against candidate features. Built once per project state; read-only
 * afterwards. Written here rather than taken from a package to keep `shared/` dependency-light; it
 * is the same idea as flatbush, without the typed-array packing.
 */
export type BBox4 = readonly [number, number, number, number];

interface Node {
  box: [number, number, number, number];
  /** Child nodes (inner node) … */
  children?: Node[];
  /** … or item indices (leaf). */
  items?: number[];
}

const NODE_SIZE = 16;

export class StaticBBoxIndex {
  private readonly root: Node | null;
  private readonly boxes: BBox4[];

  constructor(boxes: readonly BBox4[]) {
    this.boxes = boxes.slice();
    const valid = this.boxes.map((_, i) => i).filter((i) => this.boxes[i].every(Number.isFinite));
    this.root = valid.length === 0 ? null : this.build(valid);
  }

  get size(): number {
    return this.boxes.length;
  }

  /** Indices (in construction order, ascending) of items whose box intersects `query`. */
  search(query: BBox4): number[] {
    const found: number[] = [];
    if (!this.root) return found;
    const stack: Node[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      if (!intersects(node.box, query)) continue;
      if (node.items) {
        for (const i of node.items) if (intersects(this.boxes[i], query)) found.push(i);
      } else if (node.children) {
        stack.push(...node.children);
      }
    }
    // Ascending order keeps downstream output deterministic regardless of tree shape.
    return found.sort((x, y) => x - y);
  }

  private build(indices: number[]): Node {
    let level: Node[] = this.packLeaves(indices);
    while (level.length > 1) level = this.packNodes(level);
    return level[0];
  }

  private packLeaves(indices: number[]): Node[] {
    const centre = (i: number): [number, number] => [(this.boxes[i][0] + this.boxes[i][2]) / 2, (this.boxes[i][1] + this.boxes[i][3]) / 2];
    return strTiles(indices, centre).map((group) => ({ box: unionOf(group.map((i) => this.boxes[i])), items: group }));
  }

  private packNodes(nodes: Node[]): Node[] {
    const ids = nodes.map((_, i) => i);
    const centre = (i: number): [number, number] => [(nodes[i].box[0] + nodes[i].box[2]) / 2, (nodes[i].box[1] + nodes[i].box[3]) / 2];
    return strTiles(ids, centre).map((group) => {
      const children = group.map((i) => nodes[i]);
      return { box: unionOf(children.map((c) => c.box)), children };
    });
  }
}

/** Sort-Tile-Recursive grouping into runs of NODE_SIZE. */
function strTiles(ids: number[], centre: (i: number) => [number, number]): number[][] {
  const groups: number[][] = [];
  const sortedX = ids.slice().sort((a, b) => centre(a)[0] - centre(b)[0]);
  const leafCount = Math.ceil(ids.length / NODE_SIZE);
  const sliceCount = Math.ceil(Math.sqrt(leafCount));
  const sliceSize = sliceCount * NODE_SIZE;
  for (let s = 0; s < sortedX.length; s += sliceSize) {
    const slice = sortedX.slice(s, s + sliceSize).sort((a, b) => centre(a)[1] - centre(b)[1]);
    for (let g = 0; g < slice.length; g += NODE_SIZE) groups.push(slice.slice(g, g + NODE_SIZE));
  }
  return groups;
}

function unionOf(boxes: readonly BBox4[]): [number, number, number, number] {
  const out: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    if (b[0] < out[0]) out[0] = b[0];
    if (b[1] < out[1]) out[1] = b[1];
    if (b[2] > out[2]) out[2] = b[2];
    if (b[3] > out[3]) out[3] = b[3];
  }
  return out;
}

function intersects(a: BBox4, b: BBox4): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
