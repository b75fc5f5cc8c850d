import { describe, expect, it } from 'vitest';
import type { MultiPolygon, Position } from 'geojson';
import { addVertex, closeSketch, deleteVertex, emptySketch, insertVertex, midpoints, moveVertex, nearestHandle, sketchFromGeometry, sketchGeometry, vertices } from '../../renderer/map/edit/sketch';

const project = (p: Position) => ({ x: p[0] * 1000, y: -p[1] * 1000 });

describe('sketch', () => {
  it('draws a polygon by vertices and closes it for saving', () => {
    let s = emptySketch();
    s = addVertex(addVertex(s, [0, 0]), [1, 0]);
    expect(sketchGeometry(s)).toBeNull();
    expect(closeSketch(s)).toBe(s);
    s = closeSketch(addVertex(s, [1, 1]));
    expect(s.phase).toBe('editing');
    expect(sketchGeometry(s)).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
  });

  it('moves, inserts at a midpoint and deletes vertices; keeps holes and parts of a MultiPolygon', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
          [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]],
        ],
        [[[10, 0], [11, 0], [11, 1], [10, 0]]],
      ],
    };
    let s = sketchFromGeometry(multi);
    expect(vertices(s)).toHaveLength(4 + 4 + 3);
    expect(sketchGeometry(s)).toEqual(multi);
    s = moveVertex(s, { polygon: 0, ring: 1, index: 2 }, [2.5, 2.5]);
    const mids = midpoints(s);
    expect(mids).toHaveLength(11);
    const edge = mids.find((m) => m.ref.polygon === 0 && m.ref.ring === 0 && m.ref.index === 0)!;
    expect(edge.position).toEqual([2, 0]);
    s = insertVertex(s, edge.ref, [2, -1]);
    const g = sketchGeometry(s) as MultiPolygon;
    expect(g.type).toBe('MultiPolygon');
    expect(g.coordinates[0][0]).toEqual([[0, 0], [2, -1], [4, 0], [4, 4], [0, 4], [0, 0]]);
    expect(g.coordinates[0][1]).toEqual([[1, 1], [1, 2], [2.5, 2.5], [2, 1], [1, 1]]);
    expect(g.coordinates[1]).toEqual(multi.coordinates[1]);
    s = deleteVertex(s, { polygon: 0, ring: 0, index: 1 })!;
    expect((sketchGeometry(s) as MultiPolygon).coordinates[0][0]).toEqual(multi.coordinates[0][0]);
    // a triangle cannot lose a vertex
    expect(deleteVertex(s, { polygon: 1, ring: 0, index: 0 })).toBeNull();
  });

  it('finds the handle under the pointer within the tolerance', () => {
    const s = sketchFromGeometry({ type: 'Polygon', coordinates: [[[0, 0], [0.1, 0], [0.1, 0.1], [0, 0]]] });
    expect(nearestHandle(vertices(s), { x: 97, y: -3 }, project, 8)).toEqual({ polygon: 0, ring: 0, index: 1 });
    expect(nearestHandle(vertices(s), { x: 50, y: -50 }, project, 8)).toBeNull();
  });
});
