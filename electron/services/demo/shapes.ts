/**
 * Shape builders for the synthetic demo county, in metres around a lon/lat centre. A local
 * ellipsoidal scale (GRS80 meridian and prime-vertical radii at the centre's latitude) keeps the
 * designed sizes (a 50 m well circle, a 2 ha parcel) within a fraction of a percent of their
 * geodesic sizes at county scale.
 */
import type { Position } from 'geojson';
import { orientRfc7946 } from './synthetic-dem';

const A = 6378137;
const E2 = 0.00669438002290; // GRS80

export interface LocalScale {
  mPerDegLon: number;
  mPerDegLat: number;
}

export function localScale(lat: number): LocalScale {
  const phi = (lat * Math.PI) / 180;
  const w = 1 - E2 * Math.sin(phi) ** 2;
  const n = A / Math.sqrt(w);
  const m = (A * (1 - E2)) / w ** 1.5;
  return { mPerDegLon: (n * Math.cos(phi) * Math.PI) / 180, mPerDegLat: (m * Math.PI) / 180 };
}

const round9 = (v: number) => Math.round(v * 1e9) / 1e9;

/** Moves a lon/lat point by dx (east) and dy (north) metres. */
export function offset(center: Position, dxM: number, dyM: number): Position {
  const s = localScale(center[1]);
  return [round9(center[0] + dxM / s.mPerDegLon), round9(center[1] + dyM / s.mPerDegLat)];
}

/** Metres east/north of `origin`. */
export function toLocal(origin: Position, p: Position): [number, number] {
  const s = localScale(origin[1]);
  return [(p[0] - origin[0]) * s.mPerDegLon, (p[1] - origin[1]) * s.mPerDegLat];
}

function closeRing(points: Position[]): Position[] {
  return [...points, [points[0][0], points[0][1]]];
}

/** Counter-clockwise circle ring of radius r metres. */
export function circleRing(center: Position, radiusM: number, segments = 64): Position[] {
  const points: Position[] = [];
  for (let i = 0; i < segments; i++) {
    const t = (2 * Math.PI * i) / segments;
    points.push(offset(center, radiusM * Math.cos(t), radiusM * Math.sin(t)));
  }
  return closeRing(points);
}

/** Counter-clockwise ellipse ring (semi-axes in metres, rotation in degrees from east). */
export function ellipseRing(center: Position, semiXM: number, semiYM: number, rotationDeg = 0, segments = 72): Position[] {
  const rot = (rotationDeg * Math.PI) / 180;
  const points: Position[] = [];
  for (let i = 0; i < segments; i++) {
    const t = (2 * Math.PI * i) / segments;
    const x = semiXM * Math.cos(t);
    const y = semiYM * Math.sin(t);
    points.push(offset(center, x * Math.cos(rot) - y * Math.sin(rot), x * Math.sin(rot) + y * Math.cos(rot)));
  }
  return closeRing(points);
}

/** Counter-clockwise rectangle ring (width east-west, height north-south before rotation). */
export function rectRing(center: Position, widthM: number, heightM: number, rotationDeg = 0): Position[] {
  const rot = (rotationDeg * Math.PI) / 180;
  const corners: [number, number][] = [
    [-widthM / 2, -heightM / 2],
    [widthM / 2, -heightM / 2],
    [widthM / 2, heightM / 2],
    [-widthM / 2, heightM / 2],
  ];
  return closeRing(corners.map(([x, y]) => offset(center, x * Math.cos(rot) - y * Math.sin(rot), x * Math.sin(rot) + y * Math.cos(rot))));
}

/**
 * Irregular closed outline: a superellipse (exponent p, fuller than an ellipse) whose radius is
 * modulated by `wobble(θ)` ∈ (0, 1]. Counter-clockwise.
 */
export function blobRing(center: Position, semiXM: number, semiYM: number, exponent: number, wobble: (theta: number) => number, segments = 180): Position[] {
  const points: Position[] = [];
  for (let i = 0; i < segments; i++) {
    const t = (2 * Math.PI * i) / segments;
    const c = Math.cos(t), s = Math.sin(t);
    const r = wobble(t) / (Math.abs(c) ** exponent + Math.abs(s) ** exponent) ** (1 / exponent);
    points.push(offset(center, semiXM * r * c, semiYM * r * s));
  }
  return closeRing(points);
}

/** Polygon with holes, wound per RFC 7946. */
export function polygonWithHoles(exterior: Position[], holes: Position[][] = []): Position[][] {
  return orientRfc7946([exterior, ...holes]);
}

/** Cumulative metre lengths along a lon/lat polyline. */
function cumulative(line: Position[]): number[] {
  const out = [0];
  for (let i = 1; i < line.length; i++) {
    const [dx, dy] = toLocal(line[i - 1], line[i]);
    out.push(out[i - 1] + Math.hypot(dx, dy));
  }
  return out;
}

export function lineLengthM(line: Position[]): number {
  const c = cumulative(line);
  return c[c.length - 1];
}

/** Point at distance `s` metres along the polyline (clamped). */
export function pointAlong(line: Position[], s: number): Position {
  const c = cumulative(line);
  if (s <= 0) return line[0];
  for (let i = 1; i < line.length; i++) {
    if (s <= c[i]) {
      const t = (s - c[i - 1]) / (c[i] - c[i - 1]);
      return [round9(line[i - 1][0] + t * (line[i][0] - line[i - 1][0])), round9(line[i - 1][1] + t * (line[i][1] - line[i - 1][1]))];
    }
  }
  return line[line.length - 1];
}

/** Unit vector (east, north) of the polyline direction at distance s. */
export function directionAt(line: Position[], s: number): [number, number] {
  const c = cumulative(line);
  let i = 1;
  while (i < line.length - 1 && c[i] < s) i++;
  const [dx, dy] = toLocal(line[i - 1], line[i]);
  const len = Math.hypot(dx, dy);
  return [dx / len, dy / len];
}

/** The part of a polyline between distances `fromM` and `toM` along it. */
export function subLine(line: Position[], fromM: number, toM: number): Position[] {
  const c = cumulative(line);
  const out: Position[] = [pointAlong(line, fromM)];
  for (let i = 1; i < line.length - 1; i++) if (c[i] > fromM && c[i] < toM) out.push(line[i]);
  out.push(pointAlong(line, toM));
  return out;
}

/**
 * A corridor of half-width `halfWidthM` either side of a polyline (flat ends, mitred joints):
 * the river-reach shape of HJ 338 zones. Fine for gently curving reaches.
 */
export function corridorRing(line: Position[], halfWidthM: number): Position[] {
  const origin = line[0];
  const local = line.map((p) => toLocal(origin, p));
  const normals = local.map((_, i) => {
    const a = local[Math.max(i - 1, 0)];
    const b = local[Math.min(i + 1, local.length - 1)];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    return [-(b[1] - a[1]) / len, (b[0] - a[0]) / len];
  });
  const left = local.map(([x, y], i) => offset(origin, x + normals[i][0] * halfWidthM, y + normals[i][1] * halfWidthM));
  const right = local.map(([x, y], i) => offset(origin, x - normals[i][0] * halfWidthM, y - normals[i][1] * halfWidthM));
  const ring = closeRing([...right, ...left.reverse()]);
  return orientRfc7946([ring])[0];
}
