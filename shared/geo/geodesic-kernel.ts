/**
 * A non-allocating port of the parts of GeographicLib-JS (npm `geographiclib-geodesic` 2.2.0,
 * C. F. F. Karney, MIT/X11 licence; "Algorithms for geodesics", J. Geodesy 87, 43–55, 2013) that
 * LandGate uses: `Geodesic.Inverse` (distance, and the area term S12 that PolygonArea sums),
 * `PolygonArea` (AddPoint / Compute, area only), and `InverseLine` + `GeodesicLine.Position`.
 *
 * The library's algorithm, structure, names and order of floating-point operations are kept
 * line for line, so every result is bit-identical to the library's (tests/unit/geodesic-kernel.test.ts
 * compares them with Object.is). What differs is only the bookkeeping:
 *  - one ellipsoid per kernel, with f ≥ 0 (GRS80): the prolate (f < 0) branches are left out;
 *  - the series coefficient arrays (C1a, C2a, C3a, C4a) are Float64Array fields allocated once,
 *    not `new Array` in every call (same lengths, so SinCosSeries runs the same terms);
 *  - functions that return `{s, t}`, `{s, c}`, `{d, e}` or a `vals` object in the library write
 *    into fields (of the kernel, or a module-level Float64Array for the Math helpers) instead;
 *  - outputs nobody here asks for (M12/M21, m12, azimuths unless needed, lon1/lon2) are not
 *    computed; they never feed the values that are;
 *  - to keep V8 from boxing doubles (a HeapNumber per value passed to a call it does not inline),
 *    InverseStart, Lambda12 and Lengths take their per-problem arguments from fields, InverseInt's
 *    prologue is two methods, and a few integer orders are k >> 1 instead of Math.floor(k / 2).
 *    Each is marked "Deviation" where it is made; none changes a floating-point operation.
 * JavaScript runs one call at a time per thread, so the shared scratch is safe; a kernel is not
 * re-entrant only in the sense that its outputs are overwritten by the next call.
 */

// ---------------------------------------------------------------------------------------------
// Math.js (geodesic.Math) — the helpers, with multi-value results in module-level registers

// The second results of m.sum, m.AngDiff and m.sincosd(e). A Float64Array rather than `let`
// variables: V8 (Node 20) boxes every double stored into a module variable (a new HeapNumber per
// store), while a typed-array element holds the raw double.
const reg = new Float64Array(4);
const SUM_T = 0;
const ANGDIFF_E = 1;
const SINCOS_S = 2;
const SINCOS_C = 3;

const digits = 53;
const epsilon = Math.pow(0.5, digits - 1);
const degree = Math.PI / 180;

const sq = (x: number): number => x * x;
// Math.hypot is not used by the library ("incorrect results from GeodSolve92")
const hypot = (x: number, y: number): number => Math.sqrt(x * x + y * y);

function copysign(x: number, y: number): number {
  return Math.abs(x) * (y < 0 || (y === 0 && 1 / y < 0) ? -1 : 1);
}

// Deviation: locals the library declares without a value start here as NaN: a local that is `undefined` on
// some path is merged by V8 as a tagged value, and every double assigned to it is then boxed.
// Each is assigned before it is read, as in the library, so the results are the same.

/** m.sum: returns s = round(u + v); the error term t goes to reg[SUM_T]. */
function sum(u: number, v: number): number {
  const s = u + v;
  let up = s - v;
  let vpp = s - up;
  up -= u;
  vpp -= v;
  // if s = 0, then t = 0 and give t the same sign as s
  reg[SUM_T] = s ? 0 - (up + vpp) : s;
  return s;
}

// Deviation: where the library writes Math.floor(k / 2) for an order or a count, this port writes
// k >> 1 (the same integer for the small non-negative k here): Math.floor gives V8 a float, and a
// float index or count is boxed when it crosses a call.
function polyval(N: number, p: ArrayLike<number>, s: number, x: number): number {
  let y = N < 0 ? 0 : p[s++];
  while (--N >= 0) y = y * x + p[s++];
  return y;
}

function AngRound(x: number): number {
  const z = 1 / 16;
  let y = Math.abs(x);
  // The compiler mustn't "simplify" z - (z - y) to y
  y = y < z ? z - (z - y) : y;
  return copysign(y, x);
}

function remainder(x: number, y: number): number {
  x %= y;
  return x < -y / 2 ? x + y : x < y / 2 ? x : x - y;
}

function AngNormalize(x: number): number {
  const y = remainder(x, 360);
  return Math.abs(y) === 180 ? copysign(180, x) : y;
}

function LatFix(x: number): number {
  return Math.abs(x) > 90 ? NaN : x;
}

/** m.AngDiff: returns d; the error e goes to reg[ANGDIFF_E]. */
function AngDiff(x: number, y: number): number {
  let rs = sum(remainder(-x, 360), remainder(y, 360));
  let rt = reg[SUM_T];
  rs = sum(remainder(rs, 360), rt);
  rt = reg[SUM_T];
  let d = rs;
  const e = rt;
  // Fix the sign if d = -180, 0, 180.
  if (d === 0 || Math.abs(d) === 180)
    // If e == 0, take sign from y - x
    // else (e != 0, implies d = +/-180), d and e must have opposite signs
    d = copysign(d, e === 0 ? y - x : -e);
  reg[ANGDIFF_E] = e;
  return d;
}

/** m.sincosd: sin(x) and cos(x), x in degrees, go to reg[SINCOS_S], reg[SINCOS_C]. */
function sincosd(x: number): void {
  // In order to minimize round-off errors, this function exactly reduces the argument to the
  // range [-45, 45] before converting it to radians.
  let d = x % 360;
  const q = Math.round(d / 90); // If d is NaN this returns NaN
  d -= 90 * q;
  // now abs(d) <= 45
  const r = d * degree;
  let s = Math.sin(r);
  let c = Math.cos(r);
  if (Math.abs(d) === 45) {
    c = Math.sqrt(0.5);
    s = copysign(c, r);
  } else if (Math.abs(d) === 30) {
    c = Math.sqrt(0.75);
    s = copysign(0.5, r);
  }
  let sinx = NaN;
  let cosx = NaN;
  switch (q & 3) {
    case 0: sinx = s; cosx = c; break;
    case 1: sinx = c; cosx = -s; break;
    case 2: sinx = -s; cosx = -c; break;
    default: sinx = -c; cosx = s; break; // case 3
  }
  cosx += 0;
  if (sinx === 0) sinx = copysign(sinx, x);
  reg[SINCOS_S] = sinx;
  reg[SINCOS_C] = cosx;
}

/** m.sincosde: sin and cos of x + t (reduced angle plus correction, degrees) to reg[SINCOS_S], reg[SINCOS_C]. */
function sincosde(x: number, t: number): void {
  let d = x % 360;
  const q = Math.round(d / 90); // If d is NaN this returns NaN
  d = AngRound(d - 90 * q + t);
  // now abs(d) <= 45
  const r = d * degree;
  let s = Math.sin(r);
  let c = Math.cos(r);
  if (Math.abs(d) === 45) {
    c = Math.sqrt(0.5);
    s = copysign(c, r);
  } else if (Math.abs(d) === 30) {
    c = Math.sqrt(0.75);
    s = copysign(0.5, r);
  }
  let sinx = NaN;
  let cosx = NaN;
  switch (q & 3) {
    case 0: sinx = s; cosx = c; break;
    case 1: sinx = c; cosx = -s; break;
    case 2: sinx = -s; cosx = -c; break;
    default: sinx = -c; cosx = s; break; // case 3
  }
  cosx += 0;
  if (sinx === 0) sinx = copysign(sinx, x + t);
  reg[SINCOS_S] = sinx;
  reg[SINCOS_C] = cosx;
}

function atan2d(y: number, x: number): number {
  let q = 0;
  if (Math.abs(y) > Math.abs(x)) {
    const t = x;
    x = y;
    y = t;
    q = 2;
  }
  if (copysign(1, x) < 0) {
    x = -x;
    ++q;
  }
  // here x >= 0 and x >= abs(y), so angle is in [-pi/4, pi/4]
  let ang = Math.atan2(y, x) / degree;
  switch (q) {
    case 1: ang = copysign(180, y) - ang; break;
    case 2: ang = 90 - ang; break;
    case 3: ang = -90 + ang; break;
    default: break;
  }
  return ang;
}

// ---------------------------------------------------------------------------------------------
// Accumulator.js

/** Accurate summation (Shewchuk), as geodesic.Accumulator; Set takes a number or an Accumulator. */
export class Accumulator {
  _s = 0;
  _t = 0;
  Set(y: number): void {
    this._s = y;
    this._t = 0;
  }
  SetFrom(y: Accumulator): void {
    this._s = y._s;
    this._t = y._t;
  }
  Add(y: number): void {
    // Here's Shewchuk's solution...
    // Accumulate starting at least significant end
    const us = sum(y, this._t);
    const u = reg[SUM_T];
    const vs = sum(us, this._s);
    this._s = vs;
    this._t = reg[SUM_T];
    if (this._s === 0) this._s = u; // This implies t == 0, so result is u
    else this._t += u; // otherwise just accumulate u to t.
  }
  /** Sum() without an argument (the only form PolygonArea's area path uses). */
  Sum(): number {
    return this._s;
  }
  Negate(): void {
    this._s *= -1;
    this._t *= -1;
  }
  Remainder(y: number): void {
    this._s = remainder(this._s, y);
    this.Add(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Geodesic.js: constants and series

const GEOGRAPHICLIB_GEODESIC_ORDER = 6;
const nA1_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nA2_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nA3_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nA3x_ = nA3_;
const nC1_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nC1p_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nC2_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nC3_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nC4_ = GEOGRAPHICLIB_GEODESIC_ORDER;
const nC3x_ = (nC3_ * (nC3_ - 1)) / 2;
const nC4x_ = (nC4_ * (nC4_ + 1)) / 2;
const maxit1_ = 20;
const maxit2_ = maxit1_ + digits + 10;
const tol0_ = epsilon;
const tol1_ = 200 * tol0_;
const tol2_ = Math.sqrt(tol0_);
const tolb_ = tol0_;
const xthresh_ = 1000 * tol2_;
// N.B. Number.MIN_VALUE is denormalized; divide by Number.EPSILON to get min normalized positive number.
const tiny_ = Math.sqrt(Number.MIN_VALUE / Number.EPSILON);

const CAP_NONE = 0;
const CAP_C1 = 1 << 0;
const CAP_C1p = 1 << 1;
const CAP_C2 = 1 << 2;
const CAP_C3 = 1 << 3;
const CAP_C4 = 1 << 4;
const OUT_ALL = 0x7f80;
/** The library's outmask bits (geodesic.Geodesic.DISTANCE etc.). */
export const ARC = 1 << 6;
export const LATITUDE = (1 << 7) | CAP_NONE;
export const LONGITUDE = (1 << 8) | CAP_C3;
export const AZIMUTH = (1 << 9) | CAP_NONE;
export const DISTANCE = (1 << 10) | CAP_C1;
export const STANDARD = LATITUDE | LONGITUDE | AZIMUTH | DISTANCE;
export const DISTANCE_IN = (1 << 11) | CAP_C1 | CAP_C1p;
export const REDUCEDLENGTH = (1 << 12) | CAP_C1 | CAP_C2;
export const GEODESICSCALE = (1 << 13) | CAP_C1 | CAP_C2;
export const AREA = (1 << 14) | CAP_C4;
export const LONG_UNROLL = 1 << 15;
const OUT_MASK = OUT_ALL | LONG_UNROLL;

/**
 * Clenshaw summation of sum(c[i] * sin(2i x), i = 1..n) (sinp) or sum(c[i] * cos((2i+1) x),
 * i = 0..n-1). c.length is the library's array length (the arrays here are preallocated, of the same lengths).
 */
function SinCosSeries(sinp: boolean, sinx: number, cosx: number, c: Float64Array): number {
  let k = c.length; // Point to one beyond last element
  let n = k - (sinp ? 1 : 0);
  const ar = 2 * (cosx - sinx) * (cosx + sinx); // 2 * cos(2 * x)
  let y0 = n & 1 ? c[--k] : 0;
  let y1 = 0; // accumulators for sum
  // Now n is even
  n = n >> 1; // Math.floor(n / 2): the same integer, kept an integer for V8 (see polyval)
  while (n--) {
    // Unroll loop x 2, so accumulators return to their original role
    y1 = ar * y0 - y1 + c[--k];
    y0 = ar * y1 - y0 + c[--k];
  }
  return sinp
    ? 2 * sinx * cosx * y0 // sin(2 * x) * y0
    : cosx * (y0 - y1); // cos(x) * (y0 - y1)
}

/** Solve k^4+2*k^3-(x^2+y^2-1)*k^2-2*y^2*k-y^2 = 0 for positive root k. */
function astroid(x: number, y: number): number {
  let k = NaN;
  const p = sq(x);
  const q = sq(y);
  const r = (p + q - 1) / 6;
  if (!(q === 0 && r <= 0)) {
    // Avoid possible division by zero when r = 0 by multiplying equations for s and t by r^3 and r, resp.
    const S = (p * q) / 4; // S = r^3 * s
    const r2 = sq(r);
    const r3 = r * r2;
    // The discriminant of the quadratic equation for T3. This is zero on the evolute curve p^(1/3)+q^(1/3) = 1
    const disc = S * (S + 2 * r3);
    let u = r;
    if (disc >= 0) {
      let T3 = S + r3;
      // Pick the sign on the sqrt to maximize abs(T3).
      T3 += T3 < 0 ? -Math.sqrt(disc) : Math.sqrt(disc); // T3 = (r * t)^3
      // N.B. cbrt always returns the real root. cbrt(-8) = -2.
      const T = Math.cbrt(T3); // T = r * t
      // T can be zero; but then r2 / T -> 0.
      u += T + (T !== 0 ? r2 / T : 0);
    } else {
      // T is complex, but the way u is defined the result is real.
      const ang = Math.atan2(Math.sqrt(-disc), -(S + r3));
      // There are three possible cube roots. We choose the root which avoids cancellation.
      u += 2 * r * Math.cos(ang / 3);
    }
    const v = Math.sqrt(sq(u) + q); // guaranteed positive
    // Avoid loss of accuracy when u < 0.
    const uv = u < 0 ? q / (v - u) : u + v; // u+v, guaranteed positive
    const w = (uv - q) / (2 * v); // positive?
    // Rearrange expression for k to avoid loss of accuracy due to subtraction.
    k = uv / (Math.sqrt(uv + sq(w)) + w); // guaranteed positive
  } else {
    // q == 0 && r <= 0: y = 0 with |x| <= 1. Handle this case directly.
    k = 0;
  }
  return k;
}

const A1m1f_coeff = [
  // (1-eps)*A1-1, polynomial in eps2 of order 3
  +1, 4, 64, 0, 256,
];

/** The scale factor A1-1 = mean value of (d/dsigma)I1 - 1 */
function A1m1f(eps: number): number {
  const p = nA1_ >> 1;
  const t = polyval(p, A1m1f_coeff, 0, sq(eps)) / A1m1f_coeff[p + 1];
  return (t + eps) / (1 - eps);
}

const C1f_coeff = [
  -1, 6, -16, 32, // C1[1]/eps^1, polynomial in eps2 of order 2
  -9, 64, -128, 2048, // C1[2]/eps^2, polynomial in eps2 of order 2
  +9, -16, 768, // C1[3]/eps^3, polynomial in eps2 of order 1
  +3, -5, 512, // C1[4]/eps^4, polynomial in eps2 of order 1
  -7, 1280, // C1[5]/eps^5, polynomial in eps2 of order 0
  -7, 2048, // C1[6]/eps^6, polynomial in eps2 of order 0
];

/** The coefficients C1[l] in the Fourier expansion of B1 */
function C1f(eps: number, c: Float64Array): void {
  const eps2 = sq(eps);
  let d = eps;
  let o = 0;
  for (let l = 1; l <= nC1_; ++l) {
    // l is index of C1p[l]
    const p = (nC1_ - l) >> 1; // order of polynomial in eps^2
    c[l] = (d * polyval(p, C1f_coeff, o, eps2)) / C1f_coeff[o + p + 1];
    o += p + 2;
    d *= eps;
  }
}

const C1pf_coeff = [
  +205, -432, 768, 1536, // C1p[1]/eps^1, polynomial in eps2 of order 2
  +4005, -4736, 3840, 12288, // C1p[2]/eps^2, polynomial in eps2 of order 2
  -225, 116, 384, // C1p[3]/eps^3, polynomial in eps2 of order 1
  -7173, 2695, 7680, // C1p[4]/eps^4, polynomial in eps2 of order 1
  +3467, 7680, // C1p[5]/eps^5, polynomial in eps2 of order 0
  +38081, 61440, // C1p[6]/eps^6, polynomial in eps2 of order 0
];

/** The coefficients C1p[l] in the Fourier expansion of B1p */
function C1pf(eps: number, c: Float64Array): void {
  const eps2 = sq(eps);
  let d = eps;
  let o = 0;
  for (let l = 1; l <= nC1p_; ++l) {
    const p = (nC1p_ - l) >> 1; // order of polynomial in eps^2
    c[l] = (d * polyval(p, C1pf_coeff, o, eps2)) / C1pf_coeff[o + p + 1];
    o += p + 2;
    d *= eps;
  }
}

const A2m1f_coeff = [
  // (eps+1)*A2-1, polynomial in eps2 of order 3
  -11, -28, -192, 0, 256,
];

/** The scale factor A2-1 = mean value of (d/dsigma)I2 - 1 */
function A2m1f(eps: number): number {
  const p = nA2_ >> 1;
  const t = polyval(p, A2m1f_coeff, 0, sq(eps)) / A2m1f_coeff[p + 1];
  return (t - eps) / (1 + eps);
}

const C2f_coeff = [
  +1, 2, 16, 32, // C2[1]/eps^1, polynomial in eps2 of order 2
  +35, 64, 384, 2048, // C2[2]/eps^2, polynomial in eps2 of order 2
  +15, 80, 768, // C2[3]/eps^3, polynomial in eps2 of order 1
  +7, 35, 512, // C2[4]/eps^4, polynomial in eps2 of order 1
  +63, 1280, // C2[5]/eps^5, polynomial in eps2 of order 0
  +77, 2048, // C2[6]/eps^6, polynomial in eps2 of order 0
];

/** The coefficients C2[l] in the Fourier expansion of B2 */
function C2f(eps: number, c: Float64Array): void {
  const eps2 = sq(eps);
  let d = eps;
  let o = 0;
  for (let l = 1; l <= nC2_; ++l) {
    const p = (nC2_ - l) >> 1; // order of polynomial in eps^2
    c[l] = (d * polyval(p, C2f_coeff, o, eps2)) / C2f_coeff[o + p + 1];
    o += p + 2;
    d *= eps;
  }
}

const A3_coeff = [
  -3, 128, // A3, coeff of eps^5, polynomial in n of order 0
  -2, -3, 64, // A3, coeff of eps^4, polynomial in n of order 1
  -1, -3, -1, 16, // A3, coeff of eps^3, polynomial in n of order 2
  +3, -1, -2, 8, // A3, coeff of eps^2, polynomial in n of order 2
  +1, -1, 2, // A3, coeff of eps^1, polynomial in n of order 1
  +1, 1, // A3, coeff of eps^0, polynomial in n of order 0
];

const C3_coeff = [
  +3, 128, // C3[1], coeff of eps^5, polynomial in n of order 0
  +2, 5, 128, // C3[1], coeff of eps^4, polynomial in n of order 1
  -1, 3, 3, 64, // C3[1], coeff of eps^3, polynomial in n of order 2
  -1, 0, 1, 8, // C3[1], coeff of eps^2, polynomial in n of order 2
  -1, 1, 4, // C3[1], coeff of eps^1, polynomial in n of order 1
  +5, 256, // C3[2], coeff of eps^5, polynomial in n of order 0
  +1, 3, 128, // C3[2], coeff of eps^4, polynomial in n of order 1
  -3, -2, 3, 64, // C3[2], coeff of eps^3, polynomial in n of order 2
  +1, -3, 2, 32, // C3[2], coeff of eps^2, polynomial in n of order 2
  +7, 512, // C3[3], coeff of eps^5, polynomial in n of order 0
  -10, 9, 384, // C3[3], coeff of eps^4, polynomial in n of order 1
  +5, -9, 5, 192, // C3[3], coeff of eps^3, polynomial in n of order 2
  +7, 512, // C3[4], coeff of eps^5, polynomial in n of order 0
  -14, 7, 512, // C3[4], coeff of eps^4, polynomial in n of order 1
  +21, 2560, // C3[5], coeff of eps^5, polynomial in n of order 0
];

const C4_coeff = [
  +97, 15015, // C4[0], coeff of eps^5, polynomial in n of order 0
  +1088, 156, 45045, // C4[0], coeff of eps^4, polynomial in n of order 1
  -224, -4784, 1573, 45045, // C4[0], coeff of eps^3, polynomial in n of order 2
  -10656, 14144, -4576, -858, 45045, // C4[0], coeff of eps^2, polynomial in n of order 3
  +64, 624, -4576, 6864, -3003, 15015, // C4[0], coeff of eps^1, polynomial in n of order 4
  +100, 208, 572, 3432, -12012, 30030, 45045, // C4[0], coeff of eps^0, polynomial in n of order 5
  +1, 9009, // C4[1], coeff of eps^5, polynomial in n of order 0
  -2944, 468, 135135, // C4[1], coeff of eps^4, polynomial in n of order 1
  +5792, 1040, -1287, 135135, // C4[1], coeff of eps^3, polynomial in n of order 2
  +5952, -11648, 9152, -2574, 135135, // C4[1], coeff of eps^2, polynomial in n of order 3
  -64, -624, 4576, -6864, 3003, 135135, // C4[1], coeff of eps^1, polynomial in n of order 4
  +8, 10725, // C4[2], coeff of eps^5, polynomial in n of order 0
  +1856, -936, 225225, // C4[2], coeff of eps^4, polynomial in n of order 1
  -8448, 4992, -1144, 225225, // C4[2], coeff of eps^3, polynomial in n of order 2
  -1440, 4160, -4576, 1716, 225225, // C4[2], coeff of eps^2, polynomial in n of order 3
  -136, 63063, // C4[3], coeff of eps^5, polynomial in n of order 0
  +1024, -208, 105105, // C4[3], coeff of eps^4, polynomial in n of order 1
  +3584, -3328, 1144, 315315, // C4[3], coeff of eps^3, polynomial in n of order 2
  -128, 135135, // C4[4], coeff of eps^5, polynomial in n of order 0
  -2560, 832, 405405, // C4[4], coeff of eps^4, polynomial in n of order 1
  +128, 99099, // C4[5], coeff of eps^5, polynomial in n of order 0
];

// ---------------------------------------------------------------------------------------------
// Geodesic.js: the ellipsoid and the inverse problem

/**
 * geodesic.Geodesic for one ellipsoid, inverse problem only. Results of `Inverse` are left in the
 * public fields (s12, S12, a12, salp1, calp1, salp2, calp2), as the library's `vals` and `r`.
 */
export class GeodesicKernel {
  readonly a: number;
  readonly f: number;
  readonly _f1: number;
  readonly _e2: number;
  readonly _ep2: number;
  readonly _n: number;
  readonly _b: number;
  readonly _c2: number;
  readonly _etol2: number;
  readonly _A3x = new Float64Array(nA3x_);
  readonly _C3x = new Float64Array(nC3x_);
  readonly _C4x = new Float64Array(nC4x_);

  // Scratch, allocated once. Index zero elements of C1a, C2a, C3a are unused; the lengths are the
  // library's (nC1_ + 1, nC2_ + 1, nC3_, nC4_), which SinCosSeries reads as the number of terms.
  private readonly C1a = new Float64Array(nC1_ + 1);
  private readonly C2a = new Float64Array(nC2_ + 1);
  private readonly C3a = new Float64Array(nC3_);
  private readonly C4a = new Float64Array(nC4_);

  // Outputs of the last Inverse (the library's vals.s12, vals.S12, vals.a12 and r.salp1 …).
  s12 = NaN;
  S12 = NaN;
  a12 = NaN;
  salp1 = NaN;
  calp1 = NaN;
  salp2 = NaN;
  calp2 = NaN;

  // Deviation: the library passes these as arguments. V8 boxes every double argument of a call it
  // does not inline (InverseInt, InverseStart, Lambda12, Lengths are too big to be inlined) into
  // a new HeapNumber, which was most of what this port still allocated; a double field is
  // updated in place. So the inputs of InverseInt, the per-problem quantities that InverseStart,
  // Lambda12 and Lengths take as arguments, and Newton's current alp1, are fields.
  private _lat1 = NaN;
  private _lon1 = NaN;
  private _lat2 = NaN;
  private _lon2 = NaN;
  private _clat1 = NaN; // lat1, lat2 in InverseInt's canonical form
  private _clat2 = NaN;
  private _lon12 = NaN;
  private _lon12s = NaN;
  private _lonsign = NaN;
  private _swapp = NaN;
  private _latsign = NaN;
  private _sbet1 = NaN;
  private _cbet1 = NaN;
  private _dn1 = NaN;
  private _sbet2 = NaN;
  private _cbet2 = NaN;
  private _dn2 = NaN;
  private _lam12 = NaN;
  private _slam12 = NaN;
  private _clam12 = NaN;
  private _nsalp1 = NaN; // Lambda12's salp1, calp1
  private _ncalp1 = NaN;
  private _Leps = NaN; // Lengths' eps, sig12, ssig1, csig1, ssig2, csig2
  private _Lsig12 = NaN;
  private _Lssig1 = NaN;
  private _Lcsig1 = NaN;
  private _Lssig2 = NaN;
  private _Lcsig2 = NaN;

  // Outputs of Lengths (the library's returned vals; m0 is only read by the f < 0 branch)
  private _s12b = NaN;
  private _m12b = NaN;
  // Outputs of InverseStart
  private _is_sig12 = NaN;
  private _is_salp1 = NaN;
  private _is_calp1 = NaN;
  private _is_salp2 = NaN;
  private _is_calp2 = NaN;
  private _is_dnm = NaN;
  // Outputs of Lambda12
  private _l_lam12 = NaN;
  private _l_salp2 = NaN;
  private _l_calp2 = NaN;
  private _l_sig12 = NaN;
  private _l_ssig1 = NaN;
  private _l_csig1 = NaN;
  private _l_ssig2 = NaN;
  private _l_csig2 = NaN;
  private _l_eps = NaN;
  private _l_domg12 = NaN;
  private _l_dlam12 = NaN;

  constructor(a: number, f: number) {
    this.a = a;
    this.f = f;
    this._f1 = 1 - this.f;
    this._e2 = this.f * (2 - this.f);
    this._ep2 = this._e2 / sq(this._f1); // e2 / (1 - e2)
    this._n = this.f / (2 - this.f);
    this._b = this.a * this._f1;
    // authalic radius squared
    this._c2 =
      (sq(this.a) +
        sq(this._b) *
          (this._e2 === 0
            ? 1
            : (this._e2 > 0 ? Math.atanh(Math.sqrt(this._e2)) : Math.atan(Math.sqrt(-this._e2))) /
              Math.sqrt(Math.abs(this._e2)))) /
      2;
    // The sig12 threshold for "really short".
    this._etol2 = (0.1 * tol2_) / Math.sqrt((Math.max(0.001, Math.abs(this.f)) * Math.min(1, 1 - this.f / 2)) / 2);
    if (!(isFinite(this.a) && this.a > 0)) throw new Error('Equatorial radius is not positive');
    if (!(isFinite(this._b) && this._b > 0)) throw new Error('Polar semi-axis is not positive');
    // Deviation: only oblate ellipsoids (and the sphere); the f < 0 branches are not ported.
    if (!(this.f >= 0)) throw new Error('GeodesicKernel supports f >= 0 only');
    this.A3coeff();
    this.C3coeff();
    this.C4coeff();
  }

  /** The scale factor A3 = mean value of (d/dsigma)I3 */
  private A3coeff(): void {
    let o = 0;
    let k = 0;
    for (let j = nA3_ - 1; j >= 0; --j) {
      // coeff of eps^j
      const p = Math.min(nA3_ - j - 1, j); // order of polynomial in n
      this._A3x[k++] = polyval(p, A3_coeff, o, this._n) / A3_coeff[o + p + 1];
      o += p + 2;
    }
  }

  /** The coefficients C3[l] in the Fourier expansion of B3 */
  private C3coeff(): void {
    let o = 0;
    let k = 0;
    for (let l = 1; l < nC3_; ++l) {
      for (let j = nC3_ - 1; j >= l; --j) {
        const p = Math.min(nC3_ - j - 1, j); // order of polynomial in n
        this._C3x[k++] = polyval(p, C3_coeff, o, this._n) / C3_coeff[o + p + 1];
        o += p + 2;
      }
    }
  }

  private C4coeff(): void {
    let o = 0;
    let k = 0;
    for (let l = 0; l < nC4_; ++l) {
      for (let j = nC4_ - 1; j >= l; --j) {
        const p = nC4_ - j - 1; // order of polynomial in n
        this._C4x[k++] = polyval(p, C4_coeff, o, this._n) / C4_coeff[o + p + 1];
        o += p + 2;
      }
    }
  }

  A3f(eps: number): number {
    return polyval(nA3x_ - 1, this._A3x, 0, eps);
  }

  /** Elements c[1] thru c[nC3_ - 1] are set */
  C3f(eps: number, c: Float64Array): void {
    let mult = 1;
    let o = 0;
    for (let l = 1; l < nC3_; ++l) {
      const p = nC3_ - l - 1; // order of polynomial in eps
      mult *= eps;
      c[l] = mult * polyval(p, this._C3x, o, eps);
      o += p + 1;
    }
  }

  /** Elements c[0] thru c[nC4_ - 1] are set */
  C4f(eps: number, c: Float64Array): void {
    let mult = 1;
    let o = 0;
    for (let l = 0; l < nC4_; ++l) {
      const p = nC4_ - l - 1; // order of polynomial in eps
      c[l] = mult * polyval(p, this._C4x, o, eps);
      o += p + 1;
      mult *= eps;
    }
  }

  /**
   * Sets _s12b (distance / b) and _m12b (reduced length / b). Deviation: GEODESICSCALE
   * (M12, M21) is not computed, nothing here asks for it and it feeds nothing else.
   */
  private Lengths(outmask: number, C1a: Float64Array, C2a: Float64Array): void {
    // (eps, sig12, ssig1, csig1, dn1, ssig2, csig2, dn2: in fields, see above)
    const eps = this._Leps;
    const sig12 = this._Lsig12;
    const ssig1 = this._Lssig1;
    const csig1 = this._Lcsig1;
    const dn1 = this._dn1;
    const ssig2 = this._Lssig2;
    const csig2 = this._Lcsig2;
    const dn2 = this._dn2;
    outmask &= OUT_MASK;
    let m0x = 0;
    let J12 = 0;
    let A1 = 0;
    let A2 = 0;
    let B1 = NaN;
    let B2 = NaN;
    this._s12b = NaN; // the library leaves vals.s12b undefined
    if (outmask & (DISTANCE | REDUCEDLENGTH | GEODESICSCALE)) {
      A1 = A1m1f(eps);
      C1f(eps, C1a);
      if (outmask & (REDUCEDLENGTH | GEODESICSCALE)) {
        A2 = A2m1f(eps);
        C2f(eps, C2a);
        m0x = A1 - A2;
        A2 = 1 + A2;
      }
      A1 = 1 + A1;
    }
    if (outmask & DISTANCE) {
      B1 = SinCosSeries(true, ssig2, csig2, C1a) - SinCosSeries(true, ssig1, csig1, C1a);
      // Missing a factor of _b
      this._s12b = A1 * (sig12 + B1);
      if (outmask & (REDUCEDLENGTH | GEODESICSCALE)) {
        B2 = SinCosSeries(true, ssig2, csig2, C2a) - SinCosSeries(true, ssig1, csig1, C2a);
        J12 = m0x * sig12 + (A1 * B1 - A2 * B2);
      }
    } else if (outmask & (REDUCEDLENGTH | GEODESICSCALE)) {
      // Assume here that nC1_ >= nC2_
      for (let l = 1; l <= nC2_; ++l) C2a[l] = A1 * C1a[l] - A2 * C2a[l];
      J12 = m0x * sig12 + (SinCosSeries(true, ssig2, csig2, C2a) - SinCosSeries(true, ssig1, csig1, C2a));
    }
    if (outmask & REDUCEDLENGTH) {
      // Missing a factor of _b. Add parens around (csig1 * ssig2) and (ssig1 * csig2) to ensure
      // accurate cancellation in the case of coincident points.
      this._m12b = dn2 * (csig1 * ssig2) - dn1 * (ssig1 * csig2) - csig1 * csig2 * J12;
    } else this._m12b = NaN;
  }

  /**
   * A starting point for Newton's method in salp1 and calp1 (_is_sig12 = -1). If Newton's method
   * doesn't need to be used, also salp2, calp2, dnm and _is_sig12 = sig12.
   */
  private InverseStart(): void {
    // (sbet1, cbet1, dn1, sbet2, cbet2, dn2, lam12, slam12, clam12: in fields, see above)
    const sbet1 = this._sbet1;
    const cbet1 = this._cbet1;
    const sbet2 = this._sbet2;
    const cbet2 = this._cbet2;
    const lam12 = this._lam12;
    const slam12 = this._slam12;
    const clam12 = this._clam12;
    // bet12 = bet2 - bet1 in [0, pi); bet12a = bet2 + bet1 in (-pi, 0]
    const sbet12 = sbet2 * cbet1 - cbet2 * sbet1;
    const cbet12 = cbet2 * cbet1 + sbet2 * sbet1;
    let somg12 = NaN;
    let comg12 = NaN;
    let salp1 = NaN;
    let calp1 = NaN;
    this._is_sig12 = -1; // Return value
    let sbet12a = sbet2 * cbet1;
    sbet12a += cbet2 * sbet1;

    const shortline = cbet12 >= 0 && sbet12 < 0.5 && cbet2 * lam12 < 0.5;
    if (shortline) {
      let sbetm2 = sq(sbet1 + sbet2);
      // sin((bet1+bet2)/2)^2 = (sbet1 + sbet2)^2 / ((sbet1 + sbet2)^2 + (cbet1 + cbet2)^2)
      sbetm2 /= sbetm2 + sq(cbet1 + cbet2);
      this._is_dnm = Math.sqrt(1 + this._ep2 * sbetm2);
      const omg12 = lam12 / (this._f1 * this._is_dnm);
      somg12 = Math.sin(omg12);
      comg12 = Math.cos(omg12);
    } else {
      somg12 = slam12;
      comg12 = clam12;
    }

    salp1 = cbet2 * somg12;
    calp1 =
      comg12 >= 0
        ? sbet12 + (cbet2 * sbet1 * sq(somg12)) / (1 + comg12)
        : sbet12a - (cbet2 * sbet1 * sq(somg12)) / (1 - comg12);

    const ssig12 = hypot(salp1, calp1);
    const csig12 = sbet1 * sbet2 + cbet1 * cbet2 * comg12;
    if (shortline && ssig12 < this._etol2) {
      // really short lines
      let salp2 = cbet1 * somg12;
      let calp2 = sbet12 - cbet1 * sbet2 * (comg12 >= 0 ? sq(somg12) / (1 + comg12) : 1 - comg12);
      // norm(salp2, calp2);
      const t = hypot(salp2, calp2);
      salp2 /= t;
      calp2 /= t;
      this._is_salp2 = salp2;
      this._is_calp2 = calp2;
      // Set return value
      this._is_sig12 = Math.atan2(ssig12, csig12);
    } else if (
      Math.abs(this._n) > 0.1 || // Skip astroid calc if too eccentric
      csig12 >= 0 ||
      ssig12 >= 6 * Math.abs(this._n) * Math.PI * sq(cbet1)
    ) {
      // Nothing to do, zeroth order spherical approximation is OK
    } else {
      // Scale lam12 and bet2 to x, y coordinate system where antipodal point is at origin and
      // singular point is at y = 0, x = -1.
      const lam12x = Math.atan2(-slam12, -clam12); // lam12 - pi
      // Deviation: f >= 0 only (the constructor refuses f < 0), so the f < 0 branch is left out.
      // x = dlong, y = dlat
      const k2 = sq(sbet1) * this._ep2;
      const eps = k2 / (2 * (1 + Math.sqrt(1 + k2)) + k2);
      const lamscale = this.f * cbet1 * this.A3f(eps) * Math.PI;
      const betscale = lamscale * cbet1;
      const x = lam12x / lamscale;
      const y = sbet12a / betscale;

      if (y > -tol1_ && x > -1 - xthresh_) {
        // strip near cut
        salp1 = Math.min(1, -x);
        calp1 = -Math.sqrt(1 - sq(salp1));
      } else {
        // Estimate alp1, by solving the astroid problem. Because omg12 is near pi, estimate work
        // with omg12a = pi - omg12
        const k = astroid(x, y);
        const omg12a = lamscale * ((-x * k) / (1 + k));
        somg12 = Math.sin(omg12a);
        comg12 = -Math.cos(omg12a);
        // Update spherical estimate of alp1 using omg12 instead of lam12
        salp1 = cbet2 * somg12;
        calp1 = sbet12a - (cbet2 * sbet1 * sq(somg12)) / (1 - comg12);
      }
    }
    // Sanity check on starting guess. Backwards check allows NaN through.
    if (!(salp1 <= 0)) {
      // norm(salp1, calp1);
      const t = hypot(salp1, calp1);
      salp1 /= t;
      calp1 /= t;
    } else {
      salp1 = 1;
      calp1 = 0;
    }
    this._is_salp1 = salp1;
    this._is_calp1 = calp1;
  }

  private Lambda12(diffp: boolean, C1a: Float64Array, C2a: Float64Array, C3a: Float64Array): void {
    // (sbet1, cbet1, dn1, sbet2, cbet2, dn2, salp1, calp1, slam120, clam120: in fields, see above)
    const sbet1 = this._sbet1;
    const cbet1 = this._cbet1;
    const dn1 = this._dn1;
    const sbet2 = this._sbet2;
    const cbet2 = this._cbet2;
    const salp1 = this._nsalp1;
    let calp1 = this._ncalp1;
    const slam120 = this._slam12;
    const clam120 = this._clam12;
    if (sbet1 === 0 && calp1 === 0)
      // Break degeneracy of equatorial line. This case has already been handled.
      calp1 = -tiny_;

    // sin(alp1) * cos(bet1) = sin(alp0)
    const salp0 = salp1 * cbet1;
    const calp0 = hypot(calp1, salp1 * sbet1); // calp0 > 0

    // tan(bet1) = tan(sig1) * cos(alp1)
    // tan(omg1) = sin(alp0) * tan(sig1) = tan(omg1)=tan(alp1)*sin(bet1)
    let ssig1 = sbet1;
    const somg1 = salp0 * sbet1;
    let csig1 = NaN;
    const comg1 = (csig1 = calp1 * cbet1);
    // norm(ssig1, csig1);
    let t = hypot(ssig1, csig1);
    ssig1 /= t;
    csig1 /= t;
    // norm(somg1, comg1); -- don't need to normalize!

    // Enforce symmetries in the case abs(bet2) = -bet1.
    // sin(alp2) * cos(bet2) = sin(alp0)
    const salp2 = cbet2 !== cbet1 ? salp0 / cbet2 : salp1;
    // calp2 = sqrt(1 - sq(salp2)) = sqrt(sq(calp0) - sq(sbet2)) / cbet2
    const calp2 =
      cbet2 !== cbet1 || Math.abs(sbet2) !== -sbet1
        ? Math.sqrt(
            sq(calp1 * cbet1) +
              (cbet1 < -sbet1 ? (cbet2 - cbet1) * (cbet1 + cbet2) : (sbet1 - sbet2) * (sbet1 + sbet2)),
          ) / cbet2
        : Math.abs(calp1);
    // tan(bet2) = tan(sig2) * cos(alp2)
    // tan(omg2) = sin(alp0) * tan(sig2).
    let ssig2 = sbet2;
    const somg2 = salp0 * sbet2;
    let csig2 = NaN;
    const comg2 = (csig2 = calp2 * cbet2);
    // norm(ssig2, csig2);
    t = hypot(ssig2, csig2);
    ssig2 /= t;
    csig2 /= t;
    // norm(somg2, comg2); -- don't need to normalize!

    // sig12 = sig2 - sig1, limit to [0, pi]
    const sig12 = Math.atan2(Math.max(0, csig1 * ssig2 - ssig1 * csig2), csig1 * csig2 + ssig1 * ssig2);

    // omg12 = omg2 - omg1, limit to [0, pi]
    const somg12 = Math.max(0, comg1 * somg2 - somg1 * comg2);
    const comg12 = comg1 * comg2 + somg1 * somg2;
    // eta = omg12 - lam120
    const eta = Math.atan2(somg12 * clam120 - comg12 * slam120, comg12 * clam120 + somg12 * slam120);
    const k2 = sq(calp0) * this._ep2;
    const eps = k2 / (2 * (1 + Math.sqrt(1 + k2)) + k2);
    this.C3f(eps, C3a);
    const B312 = SinCosSeries(true, ssig2, csig2, C3a) - SinCosSeries(true, ssig1, csig1, C3a);
    const domg12 = -this.f * this.A3f(eps) * salp0 * (sig12 + B312);
    this._l_lam12 = eta + domg12;
    if (diffp) {
      if (calp2 === 0) this._l_dlam12 = (-2 * this._f1 * dn1) / sbet1;
      else {
        this._Leps = eps;
        this._Lsig12 = sig12;
        this._Lssig1 = ssig1;
        this._Lcsig1 = csig1;
        this._Lssig2 = ssig2;
        this._Lcsig2 = csig2;
        this.Lengths(REDUCEDLENGTH, C1a, C2a);
        let dlam12 = this._m12b;
        dlam12 *= this._f1 / (calp2 * cbet2);
        this._l_dlam12 = dlam12;
      }
    } else this._l_dlam12 = NaN; // the library leaves vals.dlam12 undefined; it is then not read
    this._l_salp2 = salp2;
    this._l_calp2 = calp2;
    this._l_sig12 = sig12;
    this._l_ssig1 = ssig1;
    this._l_csig1 = csig1;
    this._l_ssig2 = ssig2;
    this._l_csig2 = csig2;
    this._l_eps = eps;
    this._l_domg12 = domg12;
  }

  /**
   * Geodesic.Inverse + InverseInt. `outmask` is the library's (DISTANCE, AREA, ARC, …); results:
   * this.s12 (DISTANCE), this.S12 (AREA), this.a12 (always), and salp1, calp1, salp2, calp2 as
   * InverseInt returns them. Returns this.s12 for convenience.
   */
  Inverse(lat1: number, lon1: number, lat2: number, lon2: number, outmask: number): number {
    if (!outmask) outmask = STANDARD;
    if (outmask === LONG_UNROLL) outmask |= STANDARD;
    outmask &= OUT_MASK;
    this._lat1 = lat1;
    this._lon1 = lon1;
    this._lat2 = lat2;
    this._lon2 = lon2;
    this.InverseInt(outmask);
    return this.s12;
  }

  /** InverseInt as InverseLine calls it (with ARC, no masking of outmask). */
  InverseIntArc(lat1: number, lon1: number, lat2: number, lon2: number): void {
    this._lat1 = lat1;
    this._lon1 = lon1;
    this._lat2 = lat2;
    this._lon2 = lon2;
    this.InverseInt(ARC);
  }

  /** The library's InverseInt; lat1, lon1, lat2, lon2 in fields (see above). */
  /**
   * The first part of the library's InverseInt: the longitude difference and the canonical form
   * (swap, signs). Deviation: InverseInt is cut in three (this, InverseIntLatitudes, the rest)
   * only so that each part fits V8's inlining budget: the small helpers it calls (AngDiff,
   * sincosde, sincosd, AngRound) are then inlined and their double arguments are not boxed.
   * The code is the library's, in the same order; what crosses the cuts goes through fields.
   */
  private InverseIntLongitudes(): void {
    let lat1 = this._lat1;
    const lon1 = this._lon1;
    let lat2 = this._lat2;
    const lon2 = this._lon2;
    let t = NaN;
    // Compute longitude difference (AngDiff does this carefully). Result is in [-180, 180] but
    // -180 is only for west-going geodesics. 180 is for east-going and meridional geodesics.
    lat1 = LatFix(lat1);
    lat2 = LatFix(lat2);
    // If really close to the equator, treat as on equator.
    lat1 = AngRound(lat1);
    lat2 = AngRound(lat2);
    let lon12 = AngDiff(lon1, lon2);
    let lon12s = reg[ANGDIFF_E];
    // (vals.lon1 / vals.lon2 are not computed: nobody here reads them.)
    // Make longitude difference positive.
    let lonsign = copysign(1, lon12);
    lon12 *= lonsign;
    lon12s *= lonsign;
    const lam12 = lon12 * degree;
    // Calculate sincos of lon12 + error (this applies AngRound internally).
    sincosde(lon12, lon12s);
    const slam12 = reg[SINCOS_S];
    const clam12 = reg[SINCOS_C];
    lon12s = 180 - lon12 - lon12s; // the supplementary longitude difference

    // Swap points so that point with higher (abs) latitude is point 1
    // If one latitude is a nan, then it becomes lat1.
    const swapp = Math.abs(lat1) < Math.abs(lat2) || isNaN(lat2) ? -1 : 1;
    if (swapp < 0) {
      lonsign *= -1;
      t = lat1;
      lat1 = lat2;
      lat2 = t;
    }
    // Make lat1 <= 0
    const latsign = copysign(1, -lat1);
    lat1 *= latsign;
    lat2 *= latsign;
    // Now we have
    //     0 <= lon12 <= 180
    //     -90 <= lat1 <= 0
    //     lat1 <= lat2 <= -lat1
    this._clat1 = lat1;
    this._clat2 = lat2;
    this._lon12 = lon12;
    this._lon12s = lon12s;
    this._lonsign = lonsign;
    this._swapp = swapp;
    this._latsign = latsign;
    this._lam12 = lam12;
    this._slam12 = slam12;
    this._clam12 = clam12;
  }

  /** The second part of InverseInt (see InverseIntLongitudes): reduced latitudes, dn1, dn2. */
  private InverseIntLatitudes(): void {
    const lat1 = this._clat1;
    const lat2 = this._clat2;
    let t = NaN;
    sincosd(lat1);
    let sbet1 = this._f1 * reg[SINCOS_S];
    let cbet1 = reg[SINCOS_C];
    // norm(sbet1, cbet1);
    t = hypot(sbet1, cbet1);
    sbet1 /= t;
    cbet1 /= t;
    // Ensure cbet1 = +epsilon at poles
    cbet1 = Math.max(tiny_, cbet1);

    sincosd(lat2);
    let sbet2 = this._f1 * reg[SINCOS_S];
    let cbet2 = reg[SINCOS_C];
    // norm(sbet2, cbet2);
    t = hypot(sbet2, cbet2);
    sbet2 /= t;
    cbet2 /= t;
    // Ensure cbet2 = +epsilon at poles
    cbet2 = Math.max(tiny_, cbet2);

    // If cbet1 < -sbet1, then cbet2 - cbet1 is a sensitive measure of the |bet1| - |bet2|.
    // Alternatively (cbet1 >= -sbet1), abs(sbet2) + sbet1 is a better measure. Sometimes these
    // quantities vanish and in that case we force bet2 = +/- bet1 exactly.
    if (cbet1 < -sbet1) {
      if (cbet2 === cbet1) sbet2 = copysign(sbet1, sbet2);
    } else {
      if (Math.abs(sbet2) === -sbet1) cbet2 = cbet1;
    }

    this._sbet1 = sbet1;
    this._cbet1 = cbet1;
    this._dn1 = Math.sqrt(1 + this._ep2 * sq(sbet1));
    this._sbet2 = sbet2;
    this._cbet2 = cbet2;
    this._dn2 = Math.sqrt(1 + this._ep2 * sq(sbet2));
  }

  private InverseInt(outmask: number): void {
    const C1a = this.C1a;
    const C2a = this.C2a;
    const C3a = this.C3a;
    let sig12 = NaN;
    let calp1 = NaN;
    let salp1 = NaN;
    let calp2 = NaN;
    let salp2 = NaN;
    let s12x = NaN;
    let m12x = NaN;
    let ssig1 = NaN;
    let csig1 = NaN;
    let ssig2 = NaN;
    let csig2 = NaN;
    let eps = NaN;
    let omg12 = NaN;
    let domg12 = NaN;
    let comg12 = NaN;
    let t = NaN;
    this.s12 = NaN;
    this.S12 = NaN;
    this.a12 = NaN;

    this.InverseIntLongitudes();
    const lat1 = this._clat1;
    const lon12 = this._lon12;
    const lon12s = this._lon12s;
    const lonsign = this._lonsign;
    const swapp = this._swapp;
    const latsign = this._latsign;
    const lam12 = this._lam12;
    const slam12 = this._slam12;
    const clam12 = this._clam12;
    this.InverseIntLatitudes();
    const sbet1 = this._sbet1;
    const cbet1 = this._cbet1;
    const sbet2 = this._sbet2;
    const cbet2 = this._cbet2;
    // (dn1, dn2 stay in fields: Lengths, InverseStart and Lambda12 read them there)

    // (C1a, C2a, C3a: the preallocated scratch arrays.)

    let meridian = lat1 === -90 || slam12 === 0;
    if (meridian) {
      // Endpoints are on a single full meridian, so the geodesic might lie on a meridian.
      calp1 = clam12;
      salp1 = slam12; // Head to the target longitude
      calp2 = 1;
      salp2 = 0; // At the target we're heading north

      // tan(bet) = tan(sig) * cos(alp)
      ssig1 = sbet1;
      csig1 = calp1 * cbet1;
      ssig2 = sbet2;
      csig2 = calp2 * cbet2;

      // sig12 = sig2 - sig1
      sig12 = Math.atan2(Math.max(0, csig1 * ssig2 - ssig1 * csig2), csig1 * csig2 + ssig1 * ssig2);
      this._Leps = this._n;
      this._Lsig12 = sig12;
      this._Lssig1 = ssig1;
      this._Lcsig1 = csig1;
      this._Lssig2 = ssig2;
      this._Lcsig2 = csig2;
      this.Lengths(outmask | DISTANCE | REDUCEDLENGTH, C1a, C2a);
      s12x = this._s12b;
      m12x = this._m12b;
      // Add the check for sig12 since zero length geodesics might yield m12 < 0.
      if (sig12 < tol2_ || m12x >= 0) {
        // Need at least 2, to handle 90 0 90 180
        if (
          sig12 < 3 * tiny_ ||
          // Prevent negative s12 or m12 for short lines
          (sig12 < tol0_ && (s12x < 0 || m12x < 0))
        )
          sig12 = m12x = s12x = 0;
        m12x *= this._b;
        s12x *= this._b;
        this.a12 = sig12 / degree;
      }
      // m12 < 0, i.e., prolate and too close to anti-podal
      else meridian = false;
    }

    let somg12 = 2;
    if (
      !meridian &&
      sbet1 === 0 && // and sbet2 == 0
      (this.f <= 0 || lon12s >= this.f * 180)
    ) {
      // Geodesic runs along equator
      calp1 = calp2 = 0;
      salp1 = salp2 = 1;
      s12x = this.a * lam12;
      sig12 = omg12 = lam12 / this._f1;
      m12x = this._b * Math.sin(sig12);
      this.a12 = lon12 / this._f1;
    } else if (!meridian) {
      // Now point1 and point2 belong within a hemisphere bounded by a meridian and geodesic is
      // neither meridional or equatorial.

      // Figure a starting point for Newton's method
      this.InverseStart();
      sig12 = this._is_sig12;
      salp1 = this._is_salp1;
      calp1 = this._is_calp1;

      if (sig12 >= 0) {
        salp2 = this._is_salp2;
        calp2 = this._is_calp2;
        // Short lines (InverseStart sets salp2, calp2, dnm)
        const dnm = this._is_dnm;
        s12x = sig12 * this._b * dnm;
        m12x = sq(dnm) * this._b * Math.sin(sig12 / dnm);
        this.a12 = sig12 / degree;
        omg12 = lam12 / (this._f1 * dnm);
      } else {
        // Newton's method. This is a straightforward solution of f(alp1) = lambda12(alp1) - lam12
        // = 0 with one wrinkle: a range (alp1a, alp1b) which brackets the root is maintained,
        // and Newton's method is restarted at its midpoint whenever it misbehaves.
        let numit = 0;
        // Bracketing range
        let salp1a = tiny_;
        let calp1a = 1;
        let salp1b = tiny_;
        let calp1b = -1;
        let v = NaN;
        let dv = NaN;
        for (let tripn = false, tripb = false; ; ++numit) {
          this._nsalp1 = salp1;
          this._ncalp1 = calp1;
          this.Lambda12(numit < maxit1_, C1a, C2a, C3a);
          v = this._l_lam12;
          salp2 = this._l_salp2;
          calp2 = this._l_calp2;
          sig12 = this._l_sig12;
          ssig1 = this._l_ssig1;
          csig1 = this._l_csig1;
          ssig2 = this._l_ssig2;
          csig2 = this._l_csig2;
          eps = this._l_eps;
          domg12 = this._l_domg12;
          dv = this._l_dlam12;

          // Reversed test to allow escape with NaNs
          if (tripb || !(Math.abs(v) >= (tripn ? 8 : 1) * tol0_) || numit == maxit2_) break;
          // Update bracketing values
          if (v > 0 && (numit < maxit1_ || calp1 / salp1 > calp1b / salp1b)) {
            salp1b = salp1;
            calp1b = calp1;
          } else if (v < 0 && (numit < maxit1_ || calp1 / salp1 < calp1a / salp1a)) {
            salp1a = salp1;
            calp1a = calp1;
          }
          if (numit < maxit1_ && dv > 0) {
            const dalp1 = -v / dv;
            if (Math.abs(dalp1) < Math.PI) {
              const sdalp1 = Math.sin(dalp1);
              const cdalp1 = Math.cos(dalp1);
              const nsalp1 = salp1 * cdalp1 + calp1 * sdalp1;
              if (nsalp1 > 0) {
                calp1 = calp1 * cdalp1 - salp1 * sdalp1;
                salp1 = nsalp1;
                // norm(salp1, calp1);
                t = hypot(salp1, calp1);
                salp1 /= t;
                calp1 /= t;
                // In some regimes we don't get quadratic convergence because slope -> 0. So use
                // convergence conditions based on epsilon instead of sqrt(epsilon).
                tripn = Math.abs(v) <= 16 * tol0_;
                continue;
              }
            }
          }
          // Either dv was not positive or updated value was outside legal range. Use the
          // midpoint of the bracket as the next estimate.
          salp1 = (salp1a + salp1b) / 2;
          calp1 = (calp1a + calp1b) / 2;
          // norm(salp1, calp1);
          t = hypot(salp1, calp1);
          salp1 /= t;
          calp1 /= t;
          tripn = false;
          tripb = Math.abs(salp1a - salp1) + (calp1a - calp1) < tolb_ || Math.abs(salp1 - salp1b) + (calp1 - calp1b) < tolb_;
        }
        const lengthmask = outmask | (outmask & (REDUCEDLENGTH | GEODESICSCALE) ? DISTANCE : 0);
        this._Leps = eps;
        this._Lsig12 = sig12;
        this._Lssig1 = ssig1;
        this._Lcsig1 = csig1;
        this._Lssig2 = ssig2;
        this._Lcsig2 = csig2;
        this.Lengths(lengthmask, C1a, C2a);
        s12x = this._s12b;
        m12x = this._m12b;
        m12x *= this._b;
        s12x *= this._b;
        this.a12 = sig12 / degree;
        if (outmask & AREA) {
          // omg12 = lam12 - domg12
          const sdomg12 = Math.sin(domg12);
          const cdomg12 = Math.cos(domg12);
          somg12 = slam12 * cdomg12 - clam12 * sdomg12;
          comg12 = clam12 * cdomg12 + slam12 * sdomg12;
        }
      }
    }

    if (outmask & DISTANCE) this.s12 = 0 + s12x; // Convert -0 to 0
    // (vals.m12 is not reported: REDUCEDLENGTH is never asked for.)

    if (outmask & AREA) {
      // From Lambda12: sin(alp1) * cos(bet1) = sin(alp0)
      const salp0 = salp1 * cbet1;
      const calp0 = hypot(calp1, salp1 * sbet1); // calp0 > 0
      let S12 = NaN;
      if (calp0 !== 0 && salp0 !== 0) {
        // From Lambda12: tan(bet) = tan(sig) * cos(alp)
        ssig1 = sbet1;
        csig1 = calp1 * cbet1;
        ssig2 = sbet2;
        csig2 = calp2 * cbet2;
        const k2 = sq(calp0) * this._ep2;
        eps = k2 / (2 * (1 + Math.sqrt(1 + k2)) + k2);
        // Multiplier = a^2 * e^2 * cos(alpha0) * sin(alpha0).
        const A4 = sq(this.a) * calp0 * salp0 * this._e2;
        // norm(ssig1, csig1);
        t = hypot(ssig1, csig1);
        ssig1 /= t;
        csig1 /= t;
        // norm(ssig2, csig2);
        t = hypot(ssig2, csig2);
        ssig2 /= t;
        csig2 /= t;
        const C4a = this.C4a;
        this.C4f(eps, C4a);
        const B41 = SinCosSeries(false, ssig1, csig1, C4a);
        const B42 = SinCosSeries(false, ssig2, csig2, C4a);
        S12 = A4 * (B42 - B41);
      }
      // Avoid problems with indeterminate sig1, sig2 on equator
      else S12 = 0;
      if (!meridian && somg12 == 2) {
        somg12 = Math.sin(omg12);
        comg12 = Math.cos(omg12);
      }
      let alp12 = NaN;
      if (
        !meridian &&
        comg12 > -0.7071 && // Long difference not too big
        sbet2 - sbet1 < 1.75 // Lat difference not too big
      ) {
        // Use tan(Gamma/2) = tan(omg12/2) * (tan(bet1/2)+tan(bet2/2))/(1+tan(bet1/2)*tan(bet2/2))
        // with tan(x/2) = sin(x)/(1+cos(x))
        const domg12a = 1 + comg12;
        const dbet1 = 1 + cbet1;
        const dbet2 = 1 + cbet2;
        alp12 = 2 * Math.atan2(somg12 * (sbet1 * dbet2 + sbet2 * dbet1), domg12a * (sbet1 * sbet2 + dbet1 * dbet2));
      } else {
        // alp12 = alp2 - alp1, used in atan2 so no need to normalize
        let salp12 = salp2 * calp1 - calp2 * salp1;
        let calp12 = calp2 * calp1 + salp2 * salp1;
        // The right thing appears to happen if alp1 = +/-180 and alp2 = 0, viz salp12 = -0 and
        // alp12 = -180. However this depends on the sign being attached to 0 correctly. The
        // following ensures the correct behavior.
        if (salp12 === 0 && calp12 < 0) {
          salp12 = tiny_ * calp1;
          calp12 = -1;
        }
        alp12 = Math.atan2(salp12, calp12);
      }
      S12 += this._c2 * alp12;
      S12 *= swapp * lonsign * latsign;
      // Convert -0 to 0
      S12 += 0;
      this.S12 = S12;
    }

    // Convert calp, salp to azimuth accounting for lonsign, swapp, latsign.
    if (swapp < 0) {
      t = salp1;
      salp1 = salp2;
      salp2 = t;
      t = calp1;
      calp1 = calp2;
      calp2 = t;
    }

    salp1 *= swapp * lonsign;
    calp1 *= swapp * latsign;
    salp2 *= swapp * lonsign;
    calp2 *= swapp * latsign;
    this.salp1 = salp1;
    this.calp1 = calp1;
    this.salp2 = salp2;
    this.calp2 = calp2;
    void m12x;
  }
}

// ---------------------------------------------------------------------------------------------
// GeodesicLine.js (what InverseLine + Position need)

/**
 * geodesic.GeodesicLine made by Geodesic.InverseLine, reusable: SetInverse(lat1, lon1, lat2, lon2)
 * does what `geod.InverseLine(lat1, lon1, lat2, lon2)` does (default caps STANDARD | DISTANCE_IN,
 * plus DISTANCE), and Position(s12) leaves lat2 / lon2 (and salp2 / calp2) in fields. Deviations:
 * only the capabilities InverseLine's default caps give (C1, C1p, C3) are kept; azi2 (but not its
 * sine and cosine) and the LONG_UNROLL form of lon2 are not computed (Position is asked for
 * STANDARD, SetArc for DISTANCE).
 */
export class GeodesicLineKernel {
  private readonly geod: GeodesicKernel;
  private readonly f: number;
  private readonly _b: number;
  private readonly _f1: number;
  caps = 0;
  lat1 = NaN;
  lon1 = NaN;
  azi1 = NaN;
  salp1 = NaN;
  calp1 = NaN;
  /** distance and arc length to point 3 (the inverse problem's second point) */
  s13 = NaN;
  a13 = NaN;
  // outputs of GenPosition
  lat2 = NaN;
  lon2 = NaN;
  s12 = NaN;
  a12 = NaN;
  /** sine and cosine (not normalised) of the azimuth at the point, as the library's salp2, calp2 */
  salp2 = NaN;
  calp2 = NaN;

  private _salp0 = NaN;
  private _calp0 = NaN;
  private _ssig1 = NaN;
  private _csig1 = NaN;
  private _somg1 = NaN;
  private _comg1 = NaN;
  private _k2 = NaN;
  private _A1m1 = NaN;
  private _B11 = NaN;
  private _stau1 = NaN;
  private _ctau1 = NaN;
  private _A3c = NaN;
  private _B31 = NaN;
  private readonly _C1a = new Float64Array(nC1_ + 1);
  private readonly _C1pa = new Float64Array(nC1p_ + 1);
  private readonly _C3a = new Float64Array(nC3_);

  constructor(geod: GeodesicKernel) {
    this.geod = geod;
    this.f = geod.f;
    this._b = geod._b;
    this._f1 = geod._f1;
  }

  /** Geodesic.InverseLine(lat1, lon1, lat2, lon2) with the default caps. */
  SetInverse(lat1: number, lon1: number, lat2: number, lon2: number): this {
    let caps = STANDARD | DISTANCE_IN;
    const geod = this.geod;
    geod.InverseIntArc(lat1, lon1, lat2, lon2);
    const azi1 = atan2d(geod.salp1, geod.calp1);
    // Ensure that a12 can be converted to a distance
    if (caps & (OUT_MASK & DISTANCE_IN)) caps |= DISTANCE;
    this.Init(lat1, lon1, azi1, caps, geod.salp1, geod.calp1);
    this.SetArc(geod.a12);
    return this;
  }

  /** The GeodesicLine constructor, for the case where salp1 and calp1 are given. */
  private Init(lat1: number, lon1: number, azi1: number, caps: number, salp1: number, calp1: number): void {
    const geod = this.geod;
    this.caps = caps | LATITUDE | AZIMUTH | LONG_UNROLL;
    if (this.caps & (CAP_C2 | CAP_C4)) throw new Error('GeodesicLineKernel: C2 and C4 capabilities are not ported');

    this.lat1 = LatFix(lat1);
    this.lon1 = lon1;
    this.azi1 = azi1;
    this.salp1 = salp1;
    this.calp1 = calp1;
    sincosd(AngRound(this.lat1));
    let sbet1 = this._f1 * reg[SINCOS_S];
    let cbet1 = reg[SINCOS_C];
    // norm(sbet1, cbet1);
    let t = hypot(sbet1, cbet1);
    sbet1 /= t;
    cbet1 /= t;
    // Ensure cbet1 = +epsilon at poles
    cbet1 = Math.max(tiny_, cbet1);
    // (_dn1 is only needed for REDUCEDLENGTH / GEODESICSCALE, not ported.)

    // Evaluate alp0 from sin(alp1) * cos(bet1) = sin(alp0),
    this._salp0 = this.salp1 * cbet1; // alp0 in [0, pi/2 - |bet1|]
    // Alt: calp0 = hypot(sbet1, calp1 * cbet1). The following is slightly better (consider the
    // case salp1 = 0).
    this._calp0 = hypot(this.calp1, this.salp1 * sbet1);
    // Evaluate sig with tan(bet1) = tan(sig1) * cos(alp1); omg1 with tan(omg1) = sin(alp0) * tan(sig1).
    this._ssig1 = sbet1;
    this._somg1 = this._salp0 * sbet1;
    this._csig1 = this._comg1 = sbet1 !== 0 || this.calp1 !== 0 ? cbet1 * this.calp1 : 1;
    // norm(this._ssig1, this._csig1); // sig1 in (-pi, pi]
    t = hypot(this._ssig1, this._csig1);
    this._ssig1 /= t;
    this._csig1 /= t;
    // norm(this._somg1, this._comg1); -- don't need to normalize!

    this._k2 = sq(this._calp0) * geod._ep2;
    const eps = this._k2 / (2 * (1 + Math.sqrt(1 + this._k2)) + this._k2);

    if (this.caps & CAP_C1) {
      this._A1m1 = A1m1f(eps);
      C1f(eps, this._C1a);
      this._B11 = SinCosSeries(true, this._ssig1, this._csig1, this._C1a);
      const s = Math.sin(this._B11);
      const c = Math.cos(this._B11);
      // tau1 = sig1 + B11
      this._stau1 = this._ssig1 * c + this._csig1 * s;
      this._ctau1 = this._csig1 * c - this._ssig1 * s;
    }

    if (this.caps & CAP_C1p) C1pf(eps, this._C1pa);

    if (this.caps & CAP_C3) {
      geod.C3f(eps, this._C3a);
      this._A3c = -this.f * this._salp0 * geod.A3f(eps);
      this._B31 = SinCosSeries(true, this._ssig1, this._csig1, this._C3a);
    }

    this.a13 = this.s13 = NaN;
  }

  /** GenPosition: sets lat2, lon2 (LATITUDE, LONGITUDE), s12 (arcmode and DISTANCE), a12. */
  GenPosition(arcmode: boolean, s12_a12: number, outmask: number): void {
    let sig12 = NaN;
    let ssig12 = NaN;
    let csig12 = NaN;
    let ssig2 = NaN;
    let csig2 = NaN;
    let B12 = NaN;
    let AB1 = NaN;
    if (!outmask) outmask = STANDARD;
    else if (outmask === LONG_UNROLL) outmask |= STANDARD;
    outmask &= this.caps & OUT_MASK;
    this.lat2 = this.lon2 = this.s12 = this.a12 = this.salp2 = this.calp2 = NaN;
    if (arcmode) this.a12 = s12_a12;
    else this.s12 = s12_a12;
    if (!(arcmode || this.caps & DISTANCE_IN & OUT_MASK)) {
      // Uninitialized or impossible distance calculation requested
      this.a12 = NaN;
      return;
    }

    // Avoid warning about uninitialized B12.
    B12 = 0;
    AB1 = 0;
    if (arcmode) {
      // Interpret s12_a12 as spherical arc length
      sig12 = s12_a12 * degree;
      sincosd(s12_a12);
      ssig12 = reg[SINCOS_S];
      csig12 = reg[SINCOS_C];
    } else {
      // Interpret s12_a12 as distance
      const tau12 = s12_a12 / (this._b * (1 + this._A1m1));
      const s = Math.sin(tau12);
      const c = Math.cos(tau12);
      // tau2 = tau1 + tau12
      B12 = -SinCosSeries(true, this._stau1 * c + this._ctau1 * s, this._ctau1 * c - this._stau1 * s, this._C1pa);
      sig12 = tau12 - (B12 - this._B11);
      ssig12 = Math.sin(sig12);
      csig12 = Math.cos(sig12);
      if (Math.abs(this.f) > 0.01) {
        // Reverted distance series is inaccurate for |f| > 1/100, so correct sig12 with 1 Newton
        // iteration.
        ssig2 = this._ssig1 * csig12 + this._csig1 * ssig12;
        csig2 = this._csig1 * csig12 - this._ssig1 * ssig12;
        B12 = SinCosSeries(true, ssig2, csig2, this._C1a);
        const serr = (1 + this._A1m1) * (sig12 + (B12 - this._B11)) - s12_a12 / this._b;
        sig12 = sig12 - serr / Math.sqrt(1 + this._k2 * sq(ssig2));
        ssig12 = Math.sin(sig12);
        csig12 = Math.cos(sig12);
        // Update B12 below
      }
    }

    // sig2 = sig1 + sig12
    ssig2 = this._ssig1 * csig12 + this._csig1 * ssig12;
    csig2 = this._csig1 * csig12 - this._ssig1 * ssig12;
    // (dn2 is only needed for REDUCEDLENGTH / GEODESICSCALE, not ported.)
    if (outmask & (DISTANCE | REDUCEDLENGTH | GEODESICSCALE)) {
      if (arcmode || Math.abs(this.f) > 0.01) B12 = SinCosSeries(true, ssig2, csig2, this._C1a);
      AB1 = (1 + this._A1m1) * (B12 - this._B11);
    }
    // sin(bet2) = cos(alp0) * sin(sig2)
    const sbet2 = this._calp0 * ssig2;
    // Alt: cbet2 = hypot(csig2, salp0 * ssig2);
    let cbet2 = hypot(this._salp0, this._calp0 * csig2);
    if (cbet2 === 0)
      // I.e., salp0 = 0, csig2 = 0. Break the degeneracy in this case
      cbet2 = csig2 = tiny_;
    // The library's salp2, calp2 (not normalised; azi2 = atan2d(salp2, calp2)), kept for the
    // azimuth at the point, which the distance polish needs; azi2 itself is not computed.
    this.salp2 = this._salp0;
    this.calp2 = this._calp0 * csig2;

    if (arcmode && outmask & DISTANCE) this.s12 = this._b * ((1 + this._A1m1) * sig12 + AB1);

    if (outmask & LONGITUDE) {
      // tan(omg2) = sin(alp0) * tan(sig2)
      const somg2 = this._salp0 * ssig2;
      const comg2 = csig2; // No need to normalize
      // omg12 = omg2 - omg1 (the LONG_UNROLL form is not ported: never asked for here)
      if (outmask & LONG_UNROLL) throw new Error('GeodesicLineKernel: LONG_UNROLL is not ported');
      const omg12 = Math.atan2(somg2 * this._comg1 - comg2 * this._somg1, comg2 * this._comg1 + somg2 * this._somg1);
      const lam12 = omg12 + this._A3c * (sig12 + (SinCosSeries(true, ssig2, csig2, this._C3a) - this._B31));
      const lon12 = lam12 / degree;
      this.lon2 = AngNormalize(AngNormalize(this.lon1) + AngNormalize(lon12));
    }

    if (outmask & LATITUDE) this.lat2 = atan2d(sbet2, this._f1 * cbet2);

    if (!arcmode) this.a12 = sig12 / degree;
  }

  /** Position(s12): lat2 and lon2 of the point at distance s12 from point 1. */
  Position(s12: number): void {
    this.GenPosition(false, s12, STANDARD);
  }

  SetArc(a13: number): void {
    this.a13 = a13;
    this.GenPosition(true, this.a13, DISTANCE);
    this.s13 = 0 + this.s12; // the 0+ converts undefined into NaN
  }
}

// ---------------------------------------------------------------------------------------------
// PolygonArea.js (polygons only, area only)

/** Return 1 or -1 if crossing prime meridian in east or west direction, otherwise zero. */
function transit(lon1: number, lon2: number): number {
  // longitude = +/-0 considered to be positive.
  const lon12 = AngDiff(lon1, lon2);
  lon1 = AngNormalize(lon1);
  lon2 = AngNormalize(lon2);
  // edge case lon1 = 180, lon2 = 360->0, lon12 = 180 to give 1
  return lon12 > 0 &&
    // lon12 > 0 && lon1 > 0 && lon2 == 0 implies lon1 == 180
    ((lon1 < 0 && lon2 >= 0) || (lon1 > 0 && lon2 === 0))
    ? 1
    : // non edge case lon1 = -180, lon2 = -360->-0, lon12 = -180
      lon12 < 0 && lon1 >= 0 && lon2 < 0
      ? -1
      : 0;
}

/** Reduce Accumulator area */
function AreaReduceA(area: Accumulator, area0: number, crossings: number, reverse: boolean, sign: boolean): number {
  area.Remainder(area0);
  if (crossings & 1) area.Add(((area.Sum() < 0 ? 1 : -1) * area0) / 2);
  // area is with the clockwise sense. If !reverse convert to counter-clockwise convention.
  if (!reverse) area.Negate();
  // If sign put area in (-area0/2, area0/2], else put area in [0, area0)
  if (sign) {
    if (area.Sum() > area0 / 2) area.Add(-area0);
    else if (area.Sum() <= -area0 / 2) area.Add(+area0);
  } else {
    if (area.Sum() >= area0) area.Add(-area0);
    else if (area.Sum() < 0) area.Add(+area0);
  }
  return 0 + area.Sum();
}

/**
 * geodesic.PolygonArea for a polygon (not a polyline), area only. Reuse one object with Clear().
 * Deviations: the perimeter is not summed (nobody here reads it), so each edge's Inverse is asked
 * for AREA alone instead of LATITUDE | LONGITUDE | DISTANCE | AREA | LONG_UNROLL — in
 * InverseInt those other bits only add outputs (s12, lon1/lon2), S12 is computed identically.
 */
export class PolygonAreaKernel {
  private readonly _geod: GeodesicKernel;
  private readonly _area0: number;
  private readonly _mask: number;
  private readonly _areasum = new Accumulator();
  private readonly _tempsum = new Accumulator();
  num = 0;
  lat = NaN;
  lon = NaN;
  private _crossings = 0;
  private _lat0 = NaN;
  private _lon0 = NaN;

  constructor(geod: GeodesicKernel) {
    this._geod = geod;
    this._area0 = 4 * Math.PI * geod._c2;
    this._mask = AREA;
    this.Clear();
  }

  Clear(): void {
    this.num = 0;
    this._crossings = 0;
    this._areasum.Set(0);
    this._lat0 = this._lon0 = this.lat = this.lon = NaN;
  }

  AddPoint(lat: number, lon: number): void {
    if (this.num === 0) {
      this._lat0 = this.lat = lat;
      this._lon0 = this.lon = lon;
    } else {
      this._geod.Inverse(this.lat, this.lon, lat, lon, this._mask);
      this._areasum.Add(this._geod.S12);
      this._crossings += transit(this.lon, lon);
      this.lat = lat;
      this.lon = lon;
    }
    ++this.num;
  }

  /** Compute(reverse, sign).area: the area of the polygon closed back to its first vertex, m². */
  ComputeArea(reverse: boolean, sign: boolean): number {
    if (this.num < 2) return 0;
    this._geod.Inverse(this.lat, this.lon, this._lat0, this._lon0, this._mask);
    const tempsum = this._tempsum;
    tempsum.SetFrom(this._areasum);
    tempsum.Add(this._geod.S12);
    return AreaReduceA(tempsum, this._area0, this._crossings + transit(this.lon, this._lon0), reverse, sign);
  }
}
