/**
 * Band polygons (pixel space, from BandBuilder) → GeoJSON features in the project CRS
 * (EPSG:4490 lon/lat, RFC 7946 winding), one MultiPolygon feature per level with `belowM`.
 * Used by `landgate bands`, the API and the demo generator alike.
 *
 * In between, the projected polygons can be held flat (FlatBands): typed arrays a worker thread
 * moves to the caller at no cost, where the nested coordinate arrays of the features would be
 * cloned, point by point, at the end of the import when nothing else is left to do.
 */
import type { Feature, MultiPolygon, Position } from 'geojson';
import { PROJECT_CRS, transformer } from '../crs';
import type { PolygonRings } from './bands';
import type { DemGridInfo } from './grid';

export function bandName(level: number): string {
  return `海拔 ${level} 米以下区域`;
}

function round9(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

/** The bands of several levels, projected: per level its polygons, per polygon its rings, per ring its points, then lon, lat pairs. */
export interface FlatBands {
  levels: number[];
  polygons: Uint32Array;
  rings: Uint32Array;
  points: Uint32Array;
  coords: Float64Array;
}

/** The bands (pixel space) projected into EPSG:4490 and rounded to 1e-9°, levels ascending. */
export function flattenBands(bands: Map<number, PolygonRings[]>, info: DemGridInfo): FlatBands {
  const toProject = transformer(info.crs, PROJECT_CRS);
  const levels = [...bands.keys()].sort((a, b) => a - b);
  let polygonCount = 0, ringCount = 0, pointCount = 0;
  for (const level of levels) {
    for (const rings of bands.get(level)!) {
      polygonCount++;
      for (const ring of rings) {
        ringCount++;
        pointCount += ring.length;
      }
    }
  }
  const flat: FlatBands = { levels, polygons: new Uint32Array(levels.length), rings: new Uint32Array(polygonCount), points: new Uint32Array(ringCount), coords: new Float64Array(2 * pointCount) };
  let p = 0, r = 0, k = 0;
  levels.forEach((level, l) => {
    const polygons = bands.get(level)!;
    flat.polygons[l] = polygons.length;
    for (const rings of polygons) {
      flat.rings[p++] = rings.length;
      for (const ring of rings) {
        flat.points[r++] = ring.length;
        for (const point of ring) {
          // pixel (x, y) → the grid's CRS (pixelToCrs) → EPSG:4490
          const xy = toProject([info.originX + point[0] * info.cellX, info.originY - point[1] * info.cellY]);
          flat.coords[k++] = round9(xy[0]);
          flat.coords[k++] = round9(xy[1]);
        }
      }
    }
  });
  return flat;
}

/** The features of flattened bands, one per level. */
export function bandFeatures(flat: FlatBands): Feature<MultiPolygon>[] {
  let p = 0, r = 0, k = 0;
  return flat.levels.map((level, l) => {
    const coordinates: Position[][][] = [];
    for (let i = 0; i < flat.polygons[l]; i++) {
      const rings: Position[][] = [];
      for (let j = flat.rings[p++]; j > 0; j--) {
        const ring: Position[] = new Array(flat.points[r++]);
        for (let n = 0; n < ring.length; n++, k += 2) ring[n] = [flat.coords[k], flat.coords[k + 1]];
        rings.push(ring);
      }
      coordinates.push(rings);
    }
    // pixel space is y-down: exteriors come out clockwise on screen = counter-clockwise in lon/lat
    return { type: 'Feature', properties: { id: `EB-${level}`, name: bandName(level), belowM: level }, geometry: { type: 'MultiPolygon', coordinates } };
  });
}

export function bandFeatureCollection(bands: Map<number, PolygonRings[]>, info: DemGridInfo): Feature<MultiPolygon>[] {
  return bandFeatures(flattenBands(bands, info));
}
