/**
 * Per-parcel elevation statistics — the evidence behind `heat.clean-heating-band`: min / mean /
 * max ground elevation over the parcel and the share of its area below each band level.
 *
 * The DEM surface is the bilinear interpolation of the cell-centre values (the same surface whose
 * level lines the band builder traces), sampled on a regular grid of points inside the parcel in
 * the DEM's CRS (at most 200 × 200 points, at least two per cell), so shares are area shares.
 * Points where the DEM has no value are reported as `unknownShare`, never counted as below.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { PROJECT_CRS, transformer } from '../crs';
import type { DemGridInfo } from './grid';
import { pointInRing } from './bands';

export interface ParcelElevation {
  minM: number;
  meanM: number;
  maxM: number;
  /** Share (0..1) of the parcel's area below each level, keyed by the level in metres. */
  shareBelow: Record<string, number>;
  /** Share of the parcel where the DEM has no value (nodata or outside the DEM). */
  unknownShare: number;
  /** Number of sample points. */
  samples: number;
  /** Source of the DEM (file names). */
  source: string;
}

const MAX_STEPS = 200;

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * Statistics of `geometry` (EPSG:4490) on a DEM given by its grid info and a bilinear sampler in
 * DEM-CRS coordinates. Null when no sample point has a value (parcel outside the DEM).
 */
export function parcelElevation(geometry: Polygon | MultiPolygon, info: DemGridInfo, sample: (x: number, y: number) => number, levels: number[], source: string): ParcelElevation | null {
  const toDem = transformer(PROJECT_CRS, info.crs);
  const polygons: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const projected = polygons.map((rings) => rings.map((ring) => ring.map((p) => toDem([p[0], p[1]]) as number[])));
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const rings of projected) for (const p of rings[0]) {
    const x = p[0], y = p[1];
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  if (!(maxX > minX && maxY > minY)) return null;
  const nx = Math.max(1, Math.min(MAX_STEPS, Math.ceil((maxX - minX) / (info.cellX / 2))));
  const ny = Math.max(1, Math.min(MAX_STEPS, Math.ceil((maxY - minY) / (info.cellY / 2))));
  // at least 20 × 20 points so small parcels (smaller than a cell) still get a fair share
  const sx = Math.max(nx, 20), sy = Math.max(ny, 20);
  const dx = (maxX - minX) / sx, dy = (maxY - minY) / sy;
  let n = 0, unknown = 0, sum = 0, min = Infinity, max = -Infinity;
  const below = levels.map(() => 0);
  for (let j = 0; j < sy; j++) {
    const y = minY + (j + 0.5) * dy;
    for (let i = 0; i < sx; i++) {
      const x = minX + (i + 0.5) * dx;
      const inside = projected.some((rings) => pointInRing(x, y, rings[0]) && !rings.slice(1).some((hole) => pointInRing(x, y, hole)));
      if (!inside) continue;
      n++;
      const v = sample(x, y);
      if (v !== v) {
        unknown++;
        continue;
      }
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      for (let k = 0; k < levels.length; k++) if (v < levels[k]) below[k]++;
    }
  }
  const known = n - unknown;
  if (known === 0) return null;
  const shareBelow: Record<string, number> = {};
  levels.forEach((level, k) => (shareBelow[String(level)] = round(below[k] / n, 4)));
  return { minM: round(min, 1), meanM: round(sum / known, 1), maxM: round(max, 1), shareBelow, unknownShare: round(unknown / n, 4), samples: n, source };
}
