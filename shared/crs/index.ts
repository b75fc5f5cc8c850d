/**
 * Coordinate reference systems LandGate knows by EPSG code, defined for proj4 (which has no
 * built-in CGCS2000 codes). The project stores EPSG:4490 lon/lat; everything else is transformed
 * on import. Axis order is ALWAYS x = easting / longitude, y = northing / latitude (GIS order), also
 * for the codes whose EPSG axis order is lat/lon (4490) or northing/easting (4513–4554).
 *
 * Xian 1980 / Beijing 1954 are known (so a `.prj` naming them is recognised) but refused unless the
 * user supplies a 3- or 7-parameter transformation to CGCS2000 (`withTowgs84`): PROJ only has a
 * null "ballpark" shift for them, and silently applying it moves data by up to ~100 m
 * (domain.md §4). `GCJ02` and `BD09` (高德/腾讯, 百度) are pseudo-codes converted with the public
 * algorithm (gcj02.ts).
 */
import proj4 from 'proj4';
import { UserInputError } from '../model/errors';
import { text, type CodedText, type TextParam } from '../model/text';
import { importNoteEn, importNoteZh } from '../importers/messages';
import { bd09ToWgs84, gcj02ToWgs84, wgs84ToBd09, wgs84ToGcj02 } from './gcj02';
import { directTmerc } from './tmerc-direct';

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

/**
 * Xian 1980 / Beijing 1954: recognised, refused without user parameters (see withTowgs84). The
 * label is a coded text (crsName.* in shared/importers/messages.ts): a lon/lat system, a zone or a
 * central meridian.
 */
const needsParameters = new Map<string, { proj: string; label: CodedText }>();
const XIAN80 = '+a=6378140 +rf=298.257';
const BJ54 = '+ellps=krass';
type LegacyDatum = 'xian80' | 'beijing54';
function defineLegacy(code: string, ellps: string, datum: LegacyDatum, label: { code: string; params?: Record<string, number> }, proj?: string) {
  needsParameters.set(code, { proj: proj ?? `+proj=longlat ${ellps} +no_defs`, label: text(label.code, { datum: text(`crsName.datum.${datum}`), ...label.params }) });
}
defineLegacy('EPSG:4610', XIAN80, 'xian80', { code: 'crsName.legacyLonLat' });
defineLegacy('EPSG:4214', BJ54, 'beijing54', { code: 'crsName.legacyLonLat' });
const tm = (ellps: string, lon0: number, x0: number) => `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 ${ellps} +units=m +no_defs`;
const zoneLabel = (width: 3 | 6, zone: number) => ({ code: 'crsName.legacyZone', params: { width, zone } });
const meridianLabel = (width: 3 | 6, cm: number) => ({ code: 'crsName.legacyMeridian', params: { width, cm } });
for (let zone = 25; zone <= 45; zone++) {
  defineLegacy(`EPSG:${2324 + zone}`, XIAN80, 'xian80', zoneLabel(3, zone), tm(XIAN80, 3 * zone, zone * 1e6 + 500000));
  defineLegacy(`EPSG:${2345 + zone}`, XIAN80, 'xian80', meridianLabel(3, 3 * zone), tm(XIAN80, 3 * zone, 500000));
  defineLegacy(`EPSG:${2376 + zone}`, BJ54, 'beijing54', zoneLabel(3, zone), tm(BJ54, 3 * zone, zone * 1e6 + 500000));
  defineLegacy(`EPSG:${2397 + zone}`, BJ54, 'beijing54', meridianLabel(3, 3 * zone), tm(BJ54, 3 * zone, 500000));
}
for (let zone = 13; zone <= 23; zone++) {
  defineLegacy(`EPSG:${2314 + zone}`, XIAN80, 'xian80', zoneLabel(6, zone), tm(XIAN80, 6 * zone - 3, zone * 1e6 + 500000));
  defineLegacy(`EPSG:${2325 + zone}`, XIAN80, 'xian80', meridianLabel(6, 6 * zone - 3), tm(XIAN80, 6 * zone - 3, 500000));
  defineLegacy(`EPSG:${21400 + zone}`, BJ54, 'beijing54', zoneLabel(6, zone), tm(BJ54, 6 * zone - 3, zone * 1e6 + 500000));
  defineLegacy(`EPSG:${21440 + zone}`, BJ54, 'beijing54', meridianLabel(6, 6 * zone - 3), tm(BJ54, 6 * zone - 3, 500000));
}

/** Pseudo-codes for the obfuscated lon/lat of Chinese web maps. */
export const GCJ02 = 'GCJ02';
export const BD09 = 'BD09';
const PSEUDO_ALIASES: Array<[RegExp, string]> = [
  [/^(?:gcj-?02|gcj|mars|高德|腾讯|火星)$/i, GCJ02],
  [/^(?:bd-?09(?:ll)?|baidu|百度)$/i, BD09],
];

/** Hub for user-parameter transformations: CGCS2000 lon/lat with an explicit zero shift. */
const TOWGS84_HUB = '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs';
const TOWGS84_KEY = /^(EPSG:\d{4,5})\+towgs84=([-0-9.,e+]+)$/i;

/** The name of a code for notes and the preview, as a coded text (crsName.*); an unknown code is itself. */
export function crsLabelText(code: string): TextParam {
  if (code === GCJ02) return text('crsName.gcj02');
  if (code === BD09) return text('crsName.bd09');
  const legacy = TOWGS84_KEY.exec(code);
  if (legacy) return text('crsName.userParameters', { name: needsParameters.get(legacy[1])?.label ?? legacy[1], params: legacy[2] });
  if (needsParameters.has(code)) return text('crsName.withCode', { name: needsParameters.get(code)!.label, code });
  const n = Number(code.replace(/^EPSG:/, ''));
  if (n === 4490 || n === 4326 || n === 3857) return text(`crsName.${n}`);
  const gk = gaussKrugerZoneOf(code);
  if (gk) return gk.prefixed ? text('crsName.gkZone', { width: gk.width, zone: gk.zone, code }) : text('crsName.gkMeridian', { width: gk.width, cm: gk.centralMeridian, code });
  return code;
}

/** The Chinese name of a code, for messages and the CLI. */
export function crsLabelZh(code: string): string {
  return importNoteZh(crsLabelText(code));
}

/** True for Xian 1980 / Beijing 1954 codes that need `withTowgs84` before use. */
export function needsTransformationParameters(code: string): boolean {
  return needsParameters.has(code);
}

/** Parses `dx,dy,dz[,rx,ry,rz,s]` (PROJ +towgs84 convention: metres, arc-seconds, ppm; position vector). */
export function parseTowgs84(text: string): number[] {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '').map(Number);
  if ((parts.length !== 3 && parts.length !== 7) || parts.some((n) => !Number.isFinite(n))) {
    throw new UserInputError(
      'crs.towgs84',
      `转换参数“${text}”无效：应为 3 个（dx,dy,dz，米）或 7 个（dx,dy,dz,rx,ry,rz,s；旋转为角秒，尺度为 ppm，PROJ 位置向量约定）用逗号分隔的数值。`,
      `Invalid transformation parameters "${text}": need 3 or 7 comma-separated numbers.`,
    );
  }
  return parts;
}

/**
 * Registers a Xian 1980 / Beijing 1954 code together with the user's transformation to CGCS2000
 * and returns its key (`EPSG:2361+towgs84=…`), usable wherever a CRS code is.
 */
export function withTowgs84(code: string, params: number[] | string): string {
  const values = typeof params === 'string' ? parseTowgs84(params) : params;
  const base = /^\s*(?:epsg:)?(\d{4,5})\s*$/i.exec(code) ? `EPSG:${/(\d{4,5})/.exec(code)![1]}` : code.trim();
  if (definitions.has(base)) {
    // CGCS2000 / WGS84 need no parameters; ignore them rather than shifting the data.
    return base;
  }
  const legacy = needsParameters.get(base);
  if (!legacy) return normalizeCrs(base);
  const key = `${base}+towgs84=${values.join(',')}`;
  if (!definitions.has(key)) {
    definitions.set(key, `${legacy.proj} +towgs84=${values.join(',')} +type=crs`);
    proj4.defs(key, `${legacy.proj} +towgs84=${values.join(',')}`);
  }
  return key;
}

/** Normalises `4525`, `epsg:4525`, `EPSG:4525` → `EPSG:4525`; throws UserInputError for unknown codes. */
export function normalizeCrs(input: string): string {
  for (const [re, code] of PSEUDO_ALIASES) if (re.test(input.trim())) return code;
  const match = /^\s*(?:epsg:)?(\d{4,5})\s*$/i.exec(input);
  const code = match ? `EPSG:${match[1]}` : input.trim();
  if (needsParameters.has(code)) {
    throw new UserInputError(
      'crs.needs-parameters',
      `坐标系 ${code}（${importNoteZh(needsParameters.get(code)!.label)}）到 CGCS2000 没有通用的精确转换，LandGate 不使用 PROJ 的零参数近似转换（误差可达百米）。请提供本地的 7 参数或 3 参数（CLI：--towgs84 dx,dy,dz[,rx,ry,rz,s]），或先在专业软件中转换为 CGCS2000。`,
      `CRS ${code} (${importNoteEn(needsParameters.get(code)!.label)}) needs user-supplied 3- or 7-parameter transformation (--towgs84); the null ballpark shift is refused.`,
    );
  }
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
  return definitions.has(code) || code === GCJ02 || code === BD09;
}

export function isGeographic(code: string): boolean {
  if (code === GCJ02 || code === BD09) return true;
  return /\+proj=longlat/.test(definitions.get(code) ?? '');
}

export interface GaussKrugerZone {
  width: 3 | 6;
  zone: number;
  centralMeridian: number;
  prefixed: boolean;
}

/** The CGCS2000 Gauss-Krüger zone of a code (4491–4554), or null. */
export function gaussKrugerZoneOf(code: string): GaussKrugerZone | null {
  const m = /^EPSG:(\d{4})$/.exec(code);
  if (!m) return null;
  const n = Number(m[1]);
  if (n >= 4513 && n <= 4533) return { width: 3, zone: n - 4488, centralMeridian: 3 * (n - 4488), prefixed: true };
  if (n >= 4534 && n <= 4554) return { width: 3, zone: n - 4509, centralMeridian: 3 * (n - 4509), prefixed: false };
  if (n >= 4491 && n <= 4501) return { width: 6, zone: n - 4478, centralMeridian: 6 * (n - 4478) - 3, prefixed: true };
  if (n >= 4502 && n <= 4512) return { width: 6, zone: n - 4489, centralMeridian: 6 * (n - 4489) - 3, prefixed: false };
  return null;
}

/** proj4 definition string of a known code. */
export function proj4Definition(code: string): string {
  const def = definitions.get(normalizeCrs(code));
  return def as string;
}

export type XY = [number, number];

type Fn = (xy: XY) => XY;
const identity: Fn = (xy) => [xy[0], xy[1]];

/** proj4 converter between two registered definitions (keys); direct for a Gauss-Krüger plane. */
function proj4Fn(source: string, target: string): Fn {
  if (source === target) return identity;
  const direct = directTmerc(source, target);
  if (direct) return direct.forward;
  const converter = proj4(source, target);
  return (xy) => {
    const out = converter.forward([xy[0], xy[1]]);
    return [out[0], out[1]];
  };
}

/** Source CRS → EPSG:4490 lon/lat. */
function toCgcs2000(code: string): Fn {
  if (code === GCJ02) return (xy) => gcj02ToWgs84(xy[0], xy[1]);
  if (code === BD09) return (xy) => bd09ToWgs84(xy[0], xy[1]);
  if (TOWGS84_KEY.test(code)) return proj4Fn(code, TOWGS84_HUB);
  return proj4Fn(code, PROJECT_CRS);
}

/** EPSG:4490 lon/lat → target CRS. */
function fromCgcs2000(code: string): Fn {
  if (code === GCJ02) return (xy) => wgs84ToGcj02(xy[0], xy[1]);
  if (code === BD09) return (xy) => wgs84ToBd09(xy[0], xy[1]);
  if (TOWGS84_KEY.test(code)) return proj4Fn(TOWGS84_HUB, code);
  return proj4Fn(PROJECT_CRS, code);
}

/** Returns a function transforming [x, y] (x = easting or longitude) from one CRS to another. */
export function transformer(from: string, to: string): (xy: XY) => XY {
  const source = normalizeCrs(from);
  const target = normalizeCrs(to);
  if (source === target) return identity;
  const direct = definitions.has(source) && definitions.has(target) && !TOWGS84_KEY.test(source) && !TOWGS84_KEY.test(target);
  if (direct) return proj4Fn(source, target);
  const a = toCgcs2000(source);
  const b = fromCgcs2000(target);
  if (target === PROJECT_CRS) return a;
  if (source === PROJECT_CRS) return b;
  return (xy) => b(a(xy));
}

/** EPSG code of the CGCS2000 3° GK zone (no prefix) whose central meridian is nearest to `lon`. */
export function gaussKrugerCrsForLon(lon: number): string {
  const zone = Math.round(lon / 3);
  return `EPSG:${4509 + zone}`;
}
