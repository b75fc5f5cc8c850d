/**
 * Coordinate reference systems LandGate knows by EPSG code, defined for proj4 (which has no
 * built-in CGCS2000 codes). The project stores EPSG:4490 lon/lat; everything else is transformed
 * on import. Xian 1980 / Beijing 1954 are deliberately absent: PROJ only has a null "ballpark"
 * shift for them, and silently applying it moves data by up to ~100 m (domain.md §4). They need
 * user-supplied parameters (ingestion issue).
 */
import proj4 from 'proj4';
import { UserInputError } from '../model/errors';

/** GRS80 / CGCS2000 ellipsoid (PROJ `+ellps=GRS80`). */
export const CGCS2000_A = 6378137;
export const CGCS2000_F = 1 / 298.257222101;

export const PROJECT_CRS = 'EPSG:4490';

const definitions = new Map<string, string>();

function define(code: string, proj: string) {
  definitions.set(code, proj);
  proj4.defs(code, proj);
}

define('EPSG:4490', '+proj=longlat +ellps=GRS80 +no_defs +type=crs');
define('EPSG:4326', '+proj=longlat +datum=WGS84 +no_defs +type=crs');
define('EPSG:3857', '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs +type=crs');

// CGCS2000 3° Gauss-Krüger, zone-prefixed: EPSG:4513–4533 = zones 25–45 (CM = 3·zone).
for (let zone = 25; zone <= 45; zone++) {
  define(`EPSG:${4488 + zone}`, `+proj=tmerc +lat_0=0 +lon_0=${3 * zone} +k=1 +x_0=${zone * 1e6 + 500000} +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs`);
}
// CGCS2000 3° Gauss-Krüger, no prefix: EPSG:4534–4554 = CM 75°–135°E.
for (let zone = 25; zone <= 45; zone++) {
  define(`EPSG:${4509 + zone}`, `+proj=tmerc +lat_0=0 +lon_0=${3 * zone} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs`);
}
// CGCS2000 6° Gauss-Krüger, prefixed: EPSG:4491–4501 = zones 13–23 (CM = 6·zone − 3).
for (let zone = 13; zone <= 23; zone++) {
  define(`EPSG:${4478 + zone}`, `+proj=tmerc +lat_0=0 +lon_0=${6 * zone - 3} +k=1 +x_0=${zone * 1e6 + 500000} +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs`);
}
// CGCS2000 6° Gauss-Krüger, no prefix: EPSG:4502–4512 = CM 75°–135°E.
for (let zone = 13; zone <= 23; zone++) {
  define(`EPSG:${4489 + zone}`, `+proj=tmerc +lat_0=0 +lon_0=${6 * zone - 3} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs`);
}

/** Normalises `4525`, `epsg:4525`, `EPSG:4525` → `EPSG:4525`; throws UserInputError for unknown codes. */
export function normalizeCrs(input: string): string {
  const match = /^\s*(?:epsg:)?(\d{4,5})\s*$/i.exec(input);
  const code = match ? `EPSG:${match[1]}` : input.trim();
  if (!definitions.has(code)) {
    throw new UserInputError(
      'crs.unknown',
      `不支持的坐标系“${input}”。可用：EPSG:4490（CGCS2000 经纬度）、EPSG:4513–4554（CGCS2000 3° 高斯-克吕格）、EPSG:4491–4512（6° 带）、EPSG:4326、EPSG:3857。`,
      `Unsupported CRS "${input}". Known: EPSG:4490, EPSG:4513-4554, EPSG:4491-4512, EPSG:4326, EPSG:3857.`,
    );
  }
  return code;
}

export function isKnownCrs(code: string): boolean {
  return definitions.has(code);
}

export function isGeographic(code: string): boolean {
  return /\+proj=longlat/.test(definitions.get(code) ?? '');
}

/** proj4 definition string of a known code. */
export function proj4Definition(code: string): string {
  const def = definitions.get(normalizeCrs(code));
  return def as string;
}

export type XY = [number, number];

/** Returns a function transforming [x, y] (x = easting or longitude) from one CRS to another. */
export function transformer(from: string, to: string): (xy: XY) => XY {
  const source = normalizeCrs(from);
  const target = normalizeCrs(to);
  if (source === target) return (xy) => [xy[0], xy[1]];
  const converter = proj4(source, target);
  return (xy) => {
    const [x, y] = converter.forward([xy[0], xy[1]]);
    return [x, y];
  };
}

/** EPSG code of the CGCS2000 3° GK zone (no prefix) whose central meridian is nearest to `lon`. */
export function gaussKrugerCrsForLon(lon: number): string {
  const zone = Math.round(lon / 3);
  return `EPSG:${4509 + zone}`;
}
