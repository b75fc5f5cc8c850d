/** Small geometries tests build by hand. */
import type { Position } from 'geojson';

/** A closed counter-clockwise rectangle ring from (x0, y0) to (x1, y1). */
export const rect = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
