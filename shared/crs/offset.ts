/**
 * "Do these points look like GCJ-02?" (pure). A `.prj` cannot tell (GaryBikini's districts say
 * WGS84 and are GCJ-02), so we compare with what the project already holds: if many new points
 * land within a few metres of the project's existing points/vertices *after* undoing the GCJ-02
 * shift, and clearly fewer before, the data were almost certainly copied from 高德/腾讯. In
 * Shanxi the shift is ≈ 500–620 m, mostly eastwards. We only warn; the data are not changed.
 */
import type { Feature, Position } from 'geojson';
import { geodesicDistanceM } from '../geo/geodesy';
import { gcj02ToWgs84 } from './gcj02';
import { text, type CodedText } from '../model/text';

export interface OffsetFinding {
  /** Points (of the sample) that match a reference after removing the GCJ-02 shift. */
  matchedIfGcj: number;
  /** … and as they are. */
  matchedAsIs: number;
  sampled: number;
  /** Median shift of the matched points, m. */
  shiftM: number;
  /** The warning, coded (importNote.gcj02Suspected in shared/importers/messages.ts). */
  message: CodedText;
}

const CELL = 0.001; // ≈ 90–110 m in Shanxi

function collect(features: readonly Feature[], limit: number): Position[] {
  const out: Position[] = [];
  for (const f of features) {
    const g = f.geometry;
    if (!g || g.type === 'GeometryCollection') continue;
    const walk = (c: unknown): void => {
      if (!Array.isArray(c) || out.length >= limit) return;
      if (typeof c[0] === 'number') out.push(c as Position);
      else for (const child of c) walk(child);
    };
    walk((g as { coordinates: unknown }).coordinates);
    if (out.length >= limit) break;
  }
  return out;
}

/** Positions of the new data the check compares (the first ones, as detectGcjOffset samples them). */
const SAMPLED = 500;

/**
 * Where the project's features must be looked for: around each position detectGcjOffset samples,
 * the box holding it and its GCJ-02-corrected position, `toleranceM` wider on every side. A
 * project vertex within the tolerance of either lies in the box, so the features whose envelope
 * meets one of these boxes are all the reference the check needs, however big the project.
 */
export function gcjProbeBoxes(features: readonly Feature[], toleranceM = 30): [number, number, number, number][] {
  return collect(features, SAMPLED).map((p) => {
    const [x, y] = gcj02ToWgs84(p[0], p[1]);
    // a little over the tolerance in degrees at this latitude
    const dy = (toleranceM * 1.1) / 110_000;
    const dx = dy / Math.max(0.05, Math.cos((p[1] * Math.PI) / 180));
    return [Math.min(p[0], x) - dx, Math.min(p[1], y) - dy, Math.max(p[0], x) + dx, Math.max(p[1], y) + dy];
  });
}

/**
 * `features`: the new data in EPSG:4490 as read (assuming they are not GCJ-02);
 * `reference`: the project's existing features in EPSG:4490. Returns a finding or null.
 */
export function detectGcjOffset(features: readonly Feature[], reference: readonly Feature[], toleranceM = 30): OffsetFinding | null {
  const points = collect(features, SAMPLED);
  const refs = collect(reference, 500_000);
  if (points.length < 3 || refs.length === 0) return null;
  const grid = new Map<string, Position[]>();
  for (const p of refs) {
    const key = `${Math.floor(p[0] / CELL)},${Math.floor(p[1] / CELL)}`;
    let cell = grid.get(key);
    if (!cell) grid.set(key, (cell = []));
    cell.push(p);
  }
  const near = (p: Position): boolean => {
    const cx = Math.floor(p[0] / CELL);
    const cy = Math.floor(p[1] / CELL);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const r of grid.get(`${cx + dx},${cy + dy}`) ?? []) if (geodesicDistanceM(p, r) <= toleranceM) return true;
      }
    }
    return false;
  };
  let asIs = 0;
  let ifGcj = 0;
  const shifts: number[] = [];
  for (const p of points) {
    if (near(p)) asIs++;
    const corrected = gcj02ToWgs84(p[0], p[1]);
    if (near(corrected)) {
      ifGcj++;
      shifts.push(geodesicDistanceM(p, corrected));
    }
  }
  if (ifGcj < 3 || ifGcj < points.length * 0.3 || ifGcj < 2 * asIs) return null;
  shifts.sort((a, b) => a - b);
  const shiftM = shifts[Math.floor(shifts.length / 2)];
  return {
    matchedIfGcj: ifGcj,
    matchedAsIs: asIs,
    sampled: points.length,
    shiftM,
    message: text('importNote.gcj02Suspected', { sampled: points.length, matched: ifGcj, shiftM: Math.round(shiftM), toleranceM, asIs }),
  };
}
