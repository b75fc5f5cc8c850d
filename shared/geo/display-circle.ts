/**
 * Display-only circles (station buffer rings on the map). Spherical: what is drawn must look
 * right at map scale; reported distances come from the geodesic code on the CGCS2000 ellipsoid.
 */
import type { Polygon, Position } from 'geojson';

/** Mean Earth radius (IUGG), metres: the sphere the rings are drawn on, whoever cuts the tiles. */
export const EARTH_RADIUS_M = 6_371_008.8;
const toRad = (deg: number) => (deg * Math.PI) / 180;
const toDeg = (rad: number) => (rad * 180) / Math.PI;

/** Point reached from [lon, lat] after `distanceM` along initial bearing `bearingDeg` on a sphere. */
export function destination([lon, lat]: Position, distanceM: number, bearingDeg: number): Position {
  const delta = distanceM / EARTH_RADIUS_M;
  const theta = toRad(bearingDeg);
  const phi1 = toRad(lat);
  const lambda1 = toRad(lon);
  const sinPhi2 = Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta);
  const phi2 = Math.asin(sinPhi2);
  const lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1), Math.cos(delta) - Math.sin(phi1) * sinPhi2);
  return [toDeg(lambda2), toDeg(phi2)];
}

/** A `vertices`-gon approximating the circle of `radiusM` around `center` (closed ring, counter-clockwise). */
export function circlePolygon(center: Position, radiusM: number, vertices = 64): Polygon {
  const ring: Position[] = [];
  for (let i = 0; i < vertices; i++) ring.push(destination(center, radiusM, 360 - (i * 360) / vertices));
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}
