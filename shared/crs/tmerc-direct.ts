/**
 * proj4's transverse Mercator (its `etmerc`: Poder/Engsager's Krüger series, what `+proj=tmerc`
 * runs) between a Gauss-Krüger or local plane and lon/lat on the same ellipsoid, called directly.
 *
 * proj4's converter wraps every point in objects (the input point, a copy in metres, the radians,
 * the degrees, the output array) and checks datums, axes and prime meridians on the way: on an
 * import of 100 000 parcels, or a sweep measuring distances in a local plane, that was most of the
 * time spent projecting. Here the same arithmetic runs on numbers: the projection's own constants
 * (from proj4's init), the same series, helper formulas and order of operations as proj4 2.22
 * (lib/transform.js, lib/projections/etmerc.js, lib/common/*), so every result is proj4's, bit for
 * bit (tests/unit/crs-transform.test.ts compares them with Object.is). Pairs this does not cover
 * exactly — a datum shift, a prime meridian, axis orders, units other than metres, `+approx`, a
 * non-finite coordinate (proj4 throws) — are left to proj4 (`directTmerc` returns null).
 */
import proj4 from 'proj4';

/** proj4's D2R and R2D (lib/constants/values.js), the same literals. */
const D2R = 0.01745329251994329577;
const R2D = 57.29577951308232088;
const TWO_PI = Math.PI * 2;
const SPI = 3.14159265359;
/** proj4's |Ce| limit of the series. */
const CE_LIMIT = 2.623395162778;

/** What proj4's init leaves on a projection object that this reads. */
interface ProjObject {
  names?: string[];
  approx?: boolean;
  projName?: string;
  a: number;
  es: number;
  x0: number;
  y0: number;
  long0: number;
  over?: boolean;
  to_meter?: number;
  from_greenwich?: number;
  long_wrap?: number;
  axis?: string;
  datum_type?: number;
  datum_params?: number[];
  datumCode?: string;
  cgb: number[];
  cbg: number[];
  utg: number[];
  gtu: number[];
  Qn: number;
  Zb: number;
}

/** proj4's PJD_3PARAM, PJD_7PARAM, PJD_GRIDSHIFT (lib/constants/values.js). */
const SHIFTING_DATUMS = new Set([1, 2, 3]);

const adjustLon = (x: number, skip: boolean | undefined) => (skip ? x : Math.abs(x) <= SPI ? x : x - (x < 0 ? -1 : 1) * TWO_PI);
const sinh = (x: number) => {
  const r = Math.exp(x);
  return (r - 1 / r) / 2;
};
const cosh = (x: number) => {
  const r = Math.exp(x);
  return (r + 1 / r) / 2;
};
const hypot = (x: number, y: number) => {
  x = Math.abs(x);
  y = Math.abs(y);
  const a = Math.max(x, y);
  const b = Math.min(x, y) / (a ? a : 1);
  return a * Math.sqrt(1 + Math.pow(b, 2));
};
const log1py = (x: number) => {
  const y = 1 + x;
  const z = y - 1;
  return z === 0 ? x : (x * Math.log(y)) / z;
};
const asinhy = (x: number) => {
  let y = Math.abs(x);
  y = log1py(y * (1 + y / (hypot(1, y) + 1)));
  return x < 0 ? -y : y;
};
const gatg = (pp: number[], B: number) => {
  const cos2B = 2 * Math.cos(2 * B);
  let i = pp.length - 1;
  let h1 = pp[i];
  let h2 = 0;
  let h = NaN;
  while (--i >= 0) {
    h = -h2 + cos2B * h1 + pp[i];
    h2 = h1;
    h1 = h;
  }
  return B + h * Math.sin(2 * B);
};

/** clens_cmplx's two results. */
let clensR = NaN;
let clensI = NaN;
function clensCmplx(pp: number[], argR: number, argI: number): void {
  const sinArgR = Math.sin(argR);
  const cosArgR = Math.cos(argR);
  const sinhArgI = sinh(argI);
  const coshArgI = cosh(argI);
  let r = 2 * cosArgR * coshArgI;
  let i = -2 * sinArgR * sinhArgI;
  let j = pp.length - 1;
  let hr = pp[j];
  let hi1 = 0;
  let hr1 = 0;
  let hi = 0;
  let hr2 = NaN;
  let hi2 = NaN;
  while (--j >= 0) {
    hr2 = hr1;
    hi2 = hi1;
    hr1 = hr;
    hi1 = hi;
    hr = -hr2 + r * hr1 - i * hi1 + pp[j];
    hi = -hi2 + i * hr1 + r * hi1;
  }
  r = sinArgR * coshArgI;
  i = cosArgR * sinhArgI;
  clensR = r * hr - i * hi;
  clensI = r * hi + i * hr;
}

/** A plane's x, y (metres) → lon, lat (degrees): proj4(plane, lonlat).forward. */
function inverse(p: ProjObject, x: number, y: number): [number, number] {
  if (p.to_meter) {
    x = x * p.to_meter;
    y = y * p.to_meter;
  }
  let Ce = (x - p.x0) * (1 / p.a);
  let Cn = (y - p.y0) * (1 / p.a);
  Cn = (Cn - p.Zb) / p.Qn;
  Ce = Ce / p.Qn;
  let lon: number;
  let lat: number;
  if (Math.abs(Ce) <= CE_LIMIT) {
    clensCmplx(p.utg, 2 * Cn, 2 * Ce);
    Cn = Cn + clensR;
    Ce = Ce + clensI;
    Ce = Math.atan(sinh(Ce));
    const sinCn = Math.sin(Cn);
    const cosCn = Math.cos(Cn);
    const sinCe = Math.sin(Ce);
    const cosCe = Math.cos(Ce);
    Cn = Math.atan2(sinCn * cosCe, hypot(sinCe, cosCe * cosCn));
    Ce = Math.atan2(sinCe, cosCe * cosCn);
    lon = adjustLon(Ce + p.long0, p.over);
    lat = gatg(p.cgb, Cn);
  } else {
    lon = Infinity;
    lat = Infinity;
  }
  return [lon * R2D, lat * R2D];
}

/** forwardXY's result (a module field rather than a returned array: nothing allocated). */
let planeX = NaN;
let planeY = NaN;

/** lon, lat (degrees) → a plane's x, y (metres), left in planeX, planeY: proj4(lonlat, plane).forward. */
function forwardXY(p: ProjObject, lon: number, lat: number): void {
  let Ce = adjustLon(lon * D2R - p.long0, p.over);
  let Cn = lat * D2R;
  Cn = gatg(p.cbg, Cn);
  const sinCn = Math.sin(Cn);
  const cosCn = Math.cos(Cn);
  const sinCe = Math.sin(Ce);
  const cosCe = Math.cos(Ce);
  Cn = Math.atan2(sinCn, cosCe * cosCn);
  Ce = Math.atan2(sinCe * cosCn, hypot(sinCn, cosCn * cosCe));
  Ce = asinhy(Math.tan(Ce));
  clensCmplx(p.gtu, 2 * Cn, 2 * Ce);
  Cn = Cn + clensR;
  Ce = Ce + clensI;
  let x: number;
  let y: number;
  if (Math.abs(Ce) <= CE_LIMIT) {
    x = p.a * (p.Qn * Ce) + p.x0;
    y = p.a * (p.Qn * Cn + p.Zb) + p.y0;
  } else {
    x = Infinity;
    y = Infinity;
  }
  if (p.to_meter) {
    x = x / p.to_meter;
    y = y / p.to_meter;
  }
  planeX = x;
  planeY = y;
}

const isTmerc = (p: ProjObject) =>
  !!p.names?.includes('Extended_Transverse_Mercator') && !p.approx && p.cgb?.length > 0 && p.utg?.length > 0 && Number.isFinite(p.Qn) && Number.isFinite(p.Zb);
const isLonLat = (p: ProjObject) => p.projName === 'longlat' && p.long_wrap === undefined;
/** proj4's compareDatums true and no shift on either side (transformInternal then only converts). */
const sameDatum = (a: ProjObject, b: ProjObject) =>
  !SHIFTING_DATUMS.has(a.datum_type ?? 0) && !SHIFTING_DATUMS.has(b.datum_type ?? 0) && a.datum_type === b.datum_type && a.a === b.a && Math.abs(a.es - b.es) <= 0.00000000005;
const plain = (p: ProjObject) => !p.from_greenwich && (p.axis === undefined || p.axis === 'enu');

export type XYFn = (xy: readonly [number, number] | readonly number[]) => [number, number];

/** Both ways between two definitions: `forward` is proj4(source, target).forward, `inverse` its inverse. */
export interface DirectPair {
  forward: XYFn;
  inverse: XYFn;
  /** `forward` of (x, y) written into out[at], out[at + 1]: the same figures, no array made. */
  forwardInto(x: number, y: number, out: Float64Array, at: number): void;
}

/**
 * proj4(source, target) for a pair this covers exactly — a transverse Mercator plane and lon/lat
 * on the same ellipsoid, either way — as functions of one position that make nothing but their
 * result; null for any other pair. Non-finite coordinates go to proj4 (which refuses them).
 */
export function directTmerc(source: string, target: string): DirectPair | null {
  let from: ProjObject;
  let to: ProjObject;
  try {
    from = proj4.Proj(source) as unknown as ProjObject;
    to = proj4.Proj(target) as unknown as ProjObject;
  } catch {
    return null;
  }
  if (!plain(from) || !plain(to) || !sameDatum(from, to)) return null;
  // proj4 itself only for what it refuses (made when first needed: building a converter parses both definitions again)
  let converter: proj4.Converter | null = null;
  const viaProj4 = () => (converter ??= proj4(source, target));
  const finite = (xy: readonly number[]) => Number.isFinite(xy[0]) && Number.isFinite(xy[1]);
  const plane = isTmerc(from) && isLonLat(to) ? from : isLonLat(from) && isTmerc(to) ? to : null;
  if (!plane) return null;
  const toLonLat: XYFn = (xy) => (finite(xy) ? inverse(plane, xy[0], xy[1]) : (viaProj4()[plane === from ? 'forward' : 'inverse']([xy[0], xy[1]]) as [number, number]));
  const toPlane: XYFn = (xy) => {
    if (!finite(xy)) return viaProj4()[plane === to ? 'forward' : 'inverse']([xy[0], xy[1]]) as [number, number];
    forwardXY(plane, xy[0], xy[1]);
    return [planeX, planeY];
  };
  if (plane === from) return { forward: toLonLat, inverse: toPlane, forwardInto: into(toLonLat) };
  return {
    forward: toPlane,
    inverse: toLonLat,
    forwardInto(x, y, out, at) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return into(toPlane)(x, y, out, at);
      forwardXY(plane, x, y);
      out[at] = planeX;
      out[at + 1] = planeY;
    },
  };
}

/** `forwardInto` of a function that returns its result. */
export function into(fn: XYFn): DirectPair['forwardInto'] {
  return (x, y, out, at) => {
    const xy = fn([x, y]);
    out[at] = xy[0];
    out[at + 1] = xy[1];
  };
}
