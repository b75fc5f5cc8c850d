import { describe, expect, it } from 'vitest';
import type { FeatureCollection, Position } from 'geojson';
import { buildSnapIndex, findSnap } from '../../renderer/map/edit/snap';

/** 1 degree = 1000 px, y down: a plain linear screen for the tests. */
const project = (p: Position) => ({ x: p[0] * 1000, y: -p[1] * 1000 });

const square: FeatureCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 'ZONE-1',
      properties: { id: 'ZONE-1' },
      geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [0.1, 0], [0.1, 0.1], [0, 0.1], [0, 0]]]] },
    },
  ],
};
const stations: FeatureCollection = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: { id: 'S1' }, geometry: { type: 'Point', coordinates: [0.2, 0.2] } }],
};
const parcels: FeatureCollection = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', id: 'P1', properties: { id: 'P1' }, geometry: { type: 'Polygon', coordinates: [[[0.3, 0], [0.4, 0], [0.4, 0.1], [0.3, 0]]] } }],
};

const index = buildSnapIndex([
  { table: 'zones', data: square },
  { table: 'stations', data: stations },
  { table: 'parcels', data: parcels },
]);

describe('snapping', () => {
  it('returns the reference vertex itself (exact coordinates) within the tolerance', () => {
    const hit = findSnap(index, { pointer: { x: 104, y: -103 }, project });
    expect(hit).toMatchObject({ kind: 'vertex', table: 'zones', featureId: 'ZONE-1' });
    expect(hit!.position).toBe(square.features[0].geometry.type === 'MultiPolygon' ? square.features[0].geometry.coordinates[0][0][2] : null);
    expect(hit!.position).toEqual([0.1, 0.1]);
  });

  it('prefers a vertex to a nearer edge', () => {
    // 1 px from the top edge, 8 px from the corner (0.1, 0.1)
    const hit = findSnap(index, { pointer: { x: 92, y: -101 }, project });
    expect(hit).toMatchObject({ kind: 'vertex', position: [0.1, 0.1] });
  });

  it('snaps onto an edge, including the closing edge of a ring, when no vertex is near', () => {
    const top = findSnap(index, { pointer: { x: 50, y: -103 }, project });
    expect(top?.kind).toBe('edge');
    expect(top!.position[0]).toBeCloseTo(0.05, 12);
    expect(top!.position[1]).toBeCloseTo(0.1, 12);
    // closing edge (0,0.1) → (0,0) of the ring
    const left = findSnap(index, { pointer: { x: -4, y: -50 }, project });
    expect(left?.kind).toBe('edge');
    expect(left!.position[0]).toBeCloseTo(0, 12);
    expect(left!.position[1]).toBeCloseTo(0.05, 12);
  });

  it('respects the pixel tolerance', () => {
    expect(findSnap(index, { pointer: { x: 50, y: -111 }, project })).toBeNull();
    expect(findSnap(index, { pointer: { x: 50, y: -111 }, project, tolerancePx: 12 })?.kind).toBe('edge');
    expect(findSnap(index, { pointer: { x: 111, y: -111 }, project, tolerancePx: 10 })).toBeNull();
  });

  it('snaps to points and to other parcels, and ignores hidden layers', () => {
    expect(findSnap(index, { pointer: { x: 203, y: -198 }, project })).toMatchObject({ kind: 'vertex', table: 'stations', position: [0.2, 0.2] });
    expect(findSnap(index, { pointer: { x: 398, y: -2 }, project })).toMatchObject({ kind: 'vertex', table: 'parcels', featureId: 'P1' });
    expect(findSnap(index, { pointer: { x: 203, y: -198 }, project, hidden: { stations: true } })).toBeNull();
    expect(findSnap(index, { pointer: { x: 104, y: -103 }, project, hidden: { zones: true } })).toBeNull();
  });

  it('leaves out the feature being reshaped and features outside the query box', () => {
    const without = buildSnapIndex([{ table: 'parcels', data: parcels }], { table: 'parcels', id: 'P1' });
    expect(findSnap(without, { pointer: { x: 398, y: -2 }, project })).toBeNull();
    expect(findSnap(index, { pointer: { x: 104, y: -103 }, project, near: [0.5, 0.5, 0.6, 0.6] })).toBeNull();
    expect(findSnap(index, { pointer: { x: 104, y: -103 }, project, near: [0.09, 0.09, 0.11, 0.11] })?.kind).toBe('vertex');
  });
});
