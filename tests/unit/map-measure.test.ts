/**
 * The 测量 tool's figures against PROJ's `geod` on the CGCS2000 ellipsoid (an independent
 * implementation of the geodesic inverse problem), and the opacity scaling of the shared style.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { LayerSpecification } from 'maplibre-gl';
import type { Position } from 'geojson';
import { measure, measureFeatures } from '../../renderer/map/tools/measure';
import { withOpacity } from '../../renderer/map/layer-opacity';
import { gaussKrugerReading } from '../../renderer/map/tools/cursor-coordinates';

/** Distance in metres between consecutive points, by `geod -I` (lat lon order). */
function geodDistances(points: Position[]): number[] {
  const input = points
    .slice(1)
    .map((p, i) => `${points[i][1]} ${points[i][0]} ${p[1]} ${p[0]}`)
    .join('\n');
  const out = execFileSync('geod', ['+a=6378137', '+rf=298.257222101', '-I', '-f', '%.6f'], { input, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => Number(line.trim().split(/\s+/)[2]));
}

const PATH: Position[] = [
  [111.2, 35.1],
  [111.3, 35.15],
  [111.45, 35.02],
  [112.9, 36.4],
];

describe('测量 on the CGCS2000 ellipsoid', () => {
  it('a path is the sum of its geodesic segments as PROJ geod computes them (within 1 mm)', () => {
    const segments = geodDistances(PATH);
    const result = measure('distance', PATH);
    expect(Math.abs(result.lengthM - segments.reduce((a, b) => a + b, 0))).toBeLessThan(0.001);
    expect(Math.abs(result.lastSegmentM - segments[segments.length - 1])).toBeLessThan(0.001);
    // a planar (Web-Mercator) length would be off by about 1 / cos(35.5°) ≈ 23 %
    expect(result.lengthM).toBeGreaterThan(150_000);
  });

  it('an area closes its ring: the perimeter includes the closing edge', () => {
    const ring = PATH.slice(0, 3);
    const segments = geodDistances([...ring, ring[0]]);
    const result = measure('area', ring);
    expect(Math.abs(result.lengthM - segments.reduce((a, b) => a + b, 0))).toBeLessThan(0.001);
    expect(result.areaM2).toBeGreaterThan(0);
    // the same triangle clockwise or counter-clockwise
    expect(Math.abs(measure('area', [...ring].reverse()).areaM2 - result.areaM2)).toBeLessThan(1e-3);
  });

  it('a 0.01° square at 36°N: geodesic area within 0.01 % of the ellipsoidal zone formula', () => {
    const [lon, lat, d] = [112, 36, 0.01];
    const square: Position[] = [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
    ];
    // area between two parallels on the ellipsoid (authalic latitude), for a lon span of d degrees
    const a = 6378137;
    const f = 1 / 298.257222101;
    const e = Math.sqrt(f * (2 - f));
    const q = (phi: number) => {
      const s = Math.sin(phi);
      return (1 - e * e) * (s / (1 - e * e * s * s) - (1 / (2 * e)) * Math.log((1 - e * s) / (1 + e * s)));
    };
    const rad = Math.PI / 180;
    const zone = ((a * a) / 2) * (q((lat + d) * rad) - q(lat * rad)) * d * rad;
    // geodesic edges bow slightly poleward of the parallels: agree within 0.01 %
    expect(Math.abs(measure('area', square).areaM2 - zone) / zone).toBeLessThan(1e-4);
  });

  it('draws the path, then the ring once there are three points', () => {
    expect(measureFeatures('area', PATH.slice(0, 2)).features.map((f) => f.geometry.type)).toEqual(['LineString', 'Point', 'Point']);
    const ring = measureFeatures('area', PATH.slice(0, 3)).features[0];
    expect(ring.geometry.type).toBe('Polygon');
    expect((ring.geometry as { coordinates: Position[][] }).coordinates[0]).toHaveLength(4);
  });
});

describe('cursor in Gauss-Krüger', () => {
  it('agrees with PROJ cs2cs for the zone of the longitude (X north, Y east with the zone number)', () => {
    const out = execFileSync('cs2cs', ['-f', '%.4f', 'EPSG:4490', 'EPSG:4525'], { input: '35.15 111.32\n', encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    const reading = gaussKrugerReading(111.32, 35.15)!;
    expect(reading.zone).toBe(37);
    expect(reading.centralMeridian).toBe(111);
    // EPSG:4525 axis order is northing, easting
    expect(Math.abs(reading.x - out[0])).toBeLessThan(0.001);
    expect(Math.abs(reading.y - out[1])).toBeLessThan(0.001);
    expect(gaussKrugerReading(60, 35)).toBeNull();
  });
});

describe('layer opacity over the shared style', () => {
  const layers = [
    { id: 'a', type: 'fill', source: 's', paint: { 'fill-color': '#f00', 'fill-opacity': 0.5 } },
    { id: 'b', type: 'fill', source: 's', paint: { 'fill-opacity': ['case', ['has', 'verdict'], 0.45, 0.16] } },
    { id: 'c', type: 'line', source: 's', paint: { 'line-color': '#000' } },
    { id: 'd', type: 'circle', source: 's', paint: { 'circle-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0, 12, 1] } },
  ] as unknown as LayerSpecification[];

  it('scales every opacity, keeps data-driven ones as a product and leaves zoom curves intact', () => {
    const half = withOpacity(layers, 0.5) as unknown as { paint: Record<string, unknown> }[];
    expect(half[0].paint['fill-opacity']).toBe(0.25);
    expect(half[1].paint['fill-opacity']).toEqual(['*', ['case', ['has', 'verdict'], 0.45, 0.16], 0.5]);
    expect(half[2].paint['line-opacity']).toBe(0.5);
    expect(half[3].paint['circle-opacity']).toEqual(['interpolate', ['linear'], ['zoom'], 8, 0, 12, 1]);
    expect(half[3].paint['circle-stroke-opacity']).toBe(0.5);
    expect(withOpacity(layers, 1)).toBe(layers);
  });
});
