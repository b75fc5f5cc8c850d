/**
 * Band polygons (pixel space, from BandBuilder) → GeoJSON features in the project CRS
 * (EPSG:4490 lon/lat, RFC 7946 winding), one MultiPolygon feature per level with `belowM`.
 * Used by `landgate bands`, the API and the demo generator alike.
 */
import type { Feature, MultiPolygon, Position } from 'geojson';
import { PROJECT_CRS, transformer } from '../crs';
import type { PolygonRings } from './bands';
import { pixelToCrs, type DemGridInfo } from './grid';

export function bandName(level: number): string {
  return `海拔 ${level} 米以下区域`;
}

function round9(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

export function bandGeometry(polygons: PolygonRings[], info: DemGridInfo): MultiPolygon {
  const toProject = transformer(info.crs, PROJECT_CRS);
  const convert = (p: number[]): Position => {
    const xy = toProject(pixelToCrs(info, p[0], p[1]));
    return [round9(xy[0]), round9(xy[1])];
  };
  // pixel space is y-down: exteriors come out clockwise on screen = counter-clockwise in lon/lat
  return { type: 'MultiPolygon', coordinates: polygons.map((rings) => rings.map((ring) => ring.map(convert))) };
}

export function bandFeatureCollection(bands: Map<number, PolygonRings[]>, info: DemGridInfo): Feature<MultiPolygon>[] {
  return [...bands.keys()]
    .sort((a, b) => a - b)
    .map((level) => ({
      type: 'Feature',
      properties: { id: `EB-${level}`, name: bandName(level), belowM: level },
      geometry: bandGeometry(bands.get(level)!, info),
    }));
}
