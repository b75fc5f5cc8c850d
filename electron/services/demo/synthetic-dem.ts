/**
 * A deterministic synthetic DEM of the demo county (示例县): a loess plain rising gently from a
 * valley below 400 m in the south-west (the lower 涑水河 basin) to about 560 m in the north-east,
 * a mountain ridge (中条山-like, up to ~1500 m) along the south-east edge, a shallow river valley
 * and a few metres of seeded value noise. Nothing here is real terrain.
 */
import type { Feature, MultiPolygon, Position } from 'geojson';
import type { DemRowSource } from '../../../shared/terrain/grid';
import { computeBandsSync } from '../terrain/bands-service';
import { DemWriter } from '../terrain/dem-store';
import { mulberry32 } from './prng';
import { signedRingArea } from '../../../shared/geo/rings';

export const DEM_BBOX = { west: 111.1, south: 35.0, east: 111.5, north: 35.3 } as const;
export const DEM_COLS = 240;
export const DEM_ROWS = 180;

export interface SyntheticDem {
  cols: number;
  rows: number;
  west: number;
  south: number;
  east: number;
  north: number;
  /** Cell size in degrees. */
  cellLon: number;
  cellLat: number;
  /** Elevation (m) at cell centres, row 0 = north, `values[col + row * cols]`. */
  values: Float64Array;
}

const M_PER_DEG_LAT = 110_950; // at 35.15°N on GRS80
const M_PER_DEG_LON = 91_140;

/** Ridge of the south-east mountains, lon/lat. */
const RIDGE: [Position, Position] = [
  [111.3, 34.98],
  [111.52, 35.08],
];

/** Simplified course of the main river (its valley is carved a little into the plain). */
const VALLEY: Position[] = [
  [111.47, 35.27],
  [111.42, 35.23],
  [111.372, 35.192],
  [111.338, 35.147],
  [111.305, 35.126],
  [111.262, 35.117],
  [111.228, 35.102],
  [111.185, 35.072],
  [111.15, 35.045],
  [111.105, 35.012],
];

function distanceToSegmentM(p: Position, a: Position, b: Position): number {
  const ax = a[0] * M_PER_DEG_LON, ay = a[1] * M_PER_DEG_LAT;
  const bx = b[0] * M_PER_DEG_LON, by = b[1] * M_PER_DEG_LAT;
  const px = p[0] * M_PER_DEG_LON, py = p[1] * M_PER_DEG_LAT;
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Seeded lattice of noise values (bilinear value noise), built once. */
const NOISE_N = 24;
const noiseLattice: Float64Array = (() => {
  const random = mulberry32(400_900);
  const lattice = new Float64Array((NOISE_N + 1) * (NOISE_N + 1));
  for (let i = 0; i < lattice.length; i++) lattice[i] = random() * 2 - 1;
  return lattice;
})();

function valueNoise(u: number, v: number): number {
  const x = Math.min(Math.max(u, 0), 1) * NOISE_N;
  const y = Math.min(Math.max(v, 0), 1) * NOISE_N;
  const i = Math.min(Math.floor(x), NOISE_N - 1);
  const j = Math.min(Math.floor(y), NOISE_N - 1);
  const fx = x - i, fy = y - j;
  const at = (ii: number, jj: number) => noiseLattice[ii + jj * (NOISE_N + 1)];
  const top = at(i, j) * (1 - fx) + at(i + 1, j) * fx;
  const bottom = at(i, j + 1) * (1 - fx) + at(i + 1, j + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Ground elevation (m) of the synthetic terrain at a lon/lat (defined everywhere, analytic). */
export function elevationAt(lon: number, lat: number): number {
  const u = (lon - DEM_BBOX.west) / (DEM_BBOX.east - DEM_BBOX.west);
  const v = (lat - DEM_BBOX.south) / (DEM_BBOX.north - DEM_BBOX.south);
  const plain = 350 + 140 * u + 60 * v;
  const ridge = 1150 * Math.exp(-((distanceToSegmentM([lon, lat], RIDGE[0], RIDGE[1]) / 5500) ** 2));
  let riverDistance = Infinity;
  for (let k = 0; k + 1 < VALLEY.length; k++) riverDistance = Math.min(riverDistance, distanceToSegmentM([lon, lat], VALLEY[k], VALLEY[k + 1]));
  const valley = -25 * Math.exp(-((riverDistance / 900) ** 2));
  return plain + ridge + valley + 12 * valueNoise(u, v);
}

/** The DEM grid sampled at cell centres. */
export function createSyntheticDem(): SyntheticDem {
  const { west, south, east, north } = DEM_BBOX;
  const cellLon = (east - west) / DEM_COLS;
  const cellLat = (north - south) / DEM_ROWS;
  const values = new Float64Array(DEM_COLS * DEM_ROWS);
  for (let row = 0; row < DEM_ROWS; row++) {
    const lat = north - (row + 0.5) * cellLat;
    for (let col = 0; col < DEM_COLS; col++) {
      values[col + row * DEM_COLS] = elevationAt(west + (col + 0.5) * cellLon, lat);
    }
  }
  return { cols: DEM_COLS, rows: DEM_ROWS, west, south, east, north, cellLon, cellLat, values };
}


/** RFC 7946 winding: exterior rings counter-clockwise, holes clockwise (in lon/lat). */
export function orientRfc7946(polygon: Position[][]): Position[][] {
  return polygon.map((ring, index) => {
    const ccw = signedRingArea(ring) > 0;
    return (index === 0) === ccw ? ring : [...ring].reverse();
  });
}

/** The synthetic DEM as a row source in the project CRS (what the band pipeline and the DEM store take). */
export function syntheticDemSource(dem: SyntheticDem = createSyntheticDem()): DemRowSource & { values: Float64Array } {
  return {
    cols: dem.cols,
    rows: dem.rows,
    crs: 'EPSG:4490',
    originX: dem.west,
    originY: dem.north,
    cellX: dem.cellLon,
    cellY: dem.cellLat,
    values: dem.values,
    async readRows(row0, count) {
      return Float32Array.from(dem.values.subarray(row0 * dem.cols, (row0 + count) * dem.cols));
    },
  };
}

/**
 * The demo's clean-heating bands: computed from the synthetic DEM by the same pipeline as
 * `landgate bands` (shared/terrain BandBuilder → band features).
 */
export function syntheticBands(levels: number[]): Feature<MultiPolygon>[] {
  return computeBandsSync(syntheticDemSource(), levels).features;
}

/** Stores the synthetic DEM in the demo project (2D gridded coverage), as `landgate bands --dem` would. */
export function writeSyntheticDem(projectPath: string, importedAt: string): void {
  const source = syntheticDemSource();
  const writer = new DemWriter(projectPath, source, { integer: false, files: ['示例县合成 DEM（示例数据）'], importedAt });
  try {
    writer.begin();
    writer.pushRows(Float32Array.from(source.values), source.rows);
    writer.commit();
  } catch (error) {
    writer.rollback();
    throw error;
  }
}
