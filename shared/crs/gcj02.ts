/**
 * GCJ-02 (国测局 "Mars" coordinates used by 高德/腾讯) and BD-09 (百度) ↔ WGS84 lon/lat — the
 * widely published public algorithm (Krasovsky constants, the well-known offset polynomials).
 * WGS84 is taken as CGCS2000 (they agree to ~1 m in China, far below the ~500–620 m offset).
 * The reverse of GCJ-02 has no closed form; we iterate (fixed point) to ~1e-9°.
 */
const A = 6378245.0;
const EE = 0.00669342162296594323;
const X_PI = (Math.PI * 3000.0) / 180.0;

/** The obfuscation only applies inside (roughly) mainland China. */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLon(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** WGS84 → GCJ-02. */
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  if (outOfChina(lon, lat)) return [lon, lat];
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 → WGS84, iterated until the forward transform reproduces the input to 1e-10°. */
export function gcj02ToWgs84(lon: number, lat: number): [number, number] {
  if (outOfChina(lon, lat)) return [lon, lat];
  let wLon = lon;
  let wLat = lat;
  for (let i = 0; i < 30; i++) {
    const [gLon, gLat] = wgs84ToGcj02(wLon, wLat);
    const dLon = gLon - lon;
    const dLat = gLat - lat;
    wLon -= dLon;
    wLat -= dLat;
    if (Math.abs(dLon) < 1e-10 && Math.abs(dLat) < 1e-10) break;
  }
  return [wLon, wLat];
}

/** GCJ-02 → BD-09. */
export function gcj02ToBd09(lon: number, lat: number): [number, number] {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/** BD-09 → GCJ-02 (the published inverse; refined by iteration against gcj02ToBd09). */
export function bd09ToGcj02(lon: number, lat: number): [number, number] {
  const x = lon - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  let gLon = z * Math.cos(theta);
  let gLat = z * Math.sin(theta);
  for (let i = 0; i < 10; i++) {
    const [bLon, bLat] = gcj02ToBd09(gLon, gLat);
    const dLon = bLon - lon;
    const dLat = bLat - lat;
    gLon -= dLon;
    gLat -= dLat;
    if (Math.abs(dLon) < 1e-11 && Math.abs(dLat) < 1e-11) break;
  }
  return [gLon, gLat];
}

export function wgs84ToBd09(lon: number, lat: number): [number, number] {
  const [gLon, gLat] = wgs84ToGcj02(lon, lat);
  return gcj02ToBd09(gLon, gLat);
}

export function bd09ToWgs84(lon: number, lat: number): [number, number] {
  const [gLon, gLat] = bd09ToGcj02(lon, lat);
  return gcj02ToWgs84(gLon, gLat);
}
