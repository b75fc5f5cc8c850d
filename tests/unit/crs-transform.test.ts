/**
 * CGCS2000 geographic ↔ every Gauss-Krüger zone covering Shanxi, against PROJ's cs2cs (within
 * 1 mm), through the same `transformer` the importer and `landgate transform` use.
 *
 * Axis order: LandGate is always x = easting/longitude. cs2cs with EPSG codes follows the EPSG
 * axis order: EPSG:4490 is "lat lon", EPSG:45xx/44xx is "northing easting". We swap explicitly.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import proj4 from 'proj4';
import { proj4Definition, transformer, withTowgs84 } from '../../shared/crs';
import { directTmerc } from '../../shared/crs/tmerc-direct';
import { mulberry32 } from '../../electron/services/demo/prng';
import { landgate } from '../support/cli';

/** Deterministic spread of points over Shanxi (110.2–114.6°E, 34.5–40.8°N) incl. its corners. */
function shanxiPoints(): [number, number][] {
  const pts: [number, number][] = [
    [110.2, 34.5],
    [114.6, 40.8],
    [110.2, 40.8],
    [114.6, 34.5],
    [112.5, 37.5],
  ];
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 60; i++) pts.push([110.2 + rnd() * 4.4, 34.5 + rnd() * 6.3]);
  return pts;
}

function cs2cs(from: string, to: string, lines: string[]): number[][] {
  const r = spawnSync('cs2cs', ['-f', '%.10f', from, to], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cs2cs failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).slice(0, 2).map(Number));
}

const ZONES = [
  { code: 'EPSG:4525', what: '3° zone 37, prefixed' },
  { code: 'EPSG:4526', what: '3° zone 38, prefixed' },
  { code: 'EPSG:4546', what: '3° CM 111°E, no prefix' },
  { code: 'EPSG:4547', what: '3° CM 114°E, no prefix' },
  { code: 'EPSG:4497', what: '6° zone 19, prefixed' },
  { code: 'EPSG:4498', what: '6° zone 20, prefixed' },
  { code: 'EPSG:4508', what: '6° CM 111°E, no prefix' },
  { code: 'EPSG:4509', what: '6° CM 117°E, no prefix' },
];

const metresPerDegLat = 111_320;

describe('CGCS2000 ↔ Gauss-Krüger matches cs2cs within 1 mm', () => {
  const points = shanxiPoints();
  it.each(ZONES)('$code ($what)', ({ code }) => {
    // forward: lon/lat → x/y; cs2cs reads "lat lon" and writes "northing easting".
    const forward = transformer('EPSG:4490', code);
    const reference = cs2cs('EPSG:4490', code, points.map(([lon, lat]) => `${lat} ${lon}`));
    const projected = points.map((p) => forward(p));
    projected.forEach(([x, y], i) => {
      const [north, east] = reference[i];
      expect(Math.abs(x - east)).toBeLessThan(0.001);
      expect(Math.abs(y - north)).toBeLessThan(0.001);
    });
    // inverse: x/y → lon/lat; cs2cs reads "northing easting" and writes "lat lon".
    const inverse = transformer(code, 'EPSG:4490');
    const back = cs2cs(code, 'EPSG:4490', projected.map(([x, y]) => `${y} ${x}`));
    projected.forEach((p, i) => {
      const [lon, lat] = inverse(p);
      const [refLat, refLon] = back[i];
      expect(Math.abs(lat - refLat) * metresPerDegLat).toBeLessThan(0.001);
      expect(Math.abs(lon - refLon) * metresPerDegLat * Math.cos((lat * Math.PI) / 180)).toBeLessThan(0.001);
      // and the round trip returns to the start
      expect(Math.abs(lon - points[i][0]) * metresPerDegLat).toBeLessThan(0.001);
    });
  });

  it('a user 7-parameter Xian 1980 transformation matches cs2cs with the same +towgs84', async () => {
    const { withTowgs84 } = await import('../../shared/crs');
    const params = '24,-123,-94,0.02,-0.25,-0.13,1.1';
    const code = withTowgs84('EPSG:2361', params);
    const fn = transformer(code, 'EPSG:4490');
    const input = [
      [37455340, 3950000],
      [37600000, 4200000],
      [37380000, 4050000],
    ];
    const r = spawnSync(
      'cs2cs',
      ['-f', '%.10f', '+proj=tmerc', '+lat_0=0', '+lon_0=111', '+k=1', '+x_0=37500000', '+y_0=0', '+a=6378140', '+rf=298.257', `+towgs84=${params}`, '+to', '+proj=longlat', '+ellps=GRS80', '+towgs84=0,0,0'],
      { input: input.map(([x, y]) => `${x} ${y}`).join('\n') + '\n', encoding: 'utf8' },
    );
    const ref = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    input.forEach((p, i) => {
      const [lon, lat] = fn([p[0], p[1]]);
      expect(Math.abs(lon - ref[i][0]) * metresPerDegLat * 0.8).toBeLessThan(0.001);
      expect(Math.abs(lat - ref[i][1]) * metresPerDegLat).toBeLessThan(0.001);
    });
  });
});

describe('landgate transform', () => {
  it('writes full-precision x y lines that match cs2cs within 1 mm, both directions', () => {
    const points = shanxiPoints().slice(0, 20);
    const result = landgate(['transform', '--from', 'EPSG:4490', '--to', 'EPSG:4526'], { input: points.map(([lon, lat]) => `${lon} ${lat}`).join('\n') + '\n' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(points.length);
    const reference = cs2cs('EPSG:4490', 'EPSG:4526', points.map(([lon, lat]) => `${lat} ${lon}`));
    lines.forEach((line, i) => {
      const [x, y] = line.split(' ').map(Number);
      // full precision: String(number) round-trips (more digits than cs2cs's %.10f needs)
      expect(line.split(' ')[0]).toBe(String(x));
      expect(Math.abs(x - reference[i][1])).toBeLessThan(0.001);
      expect(Math.abs(y - reference[i][0])).toBeLessThan(0.001);
    });
    const back = landgate(['transform', '--from', '4526', '--to', '4490'], { input: result.stdout });
    expect(back.status).toBe(0);
    back.stdout
      .trim()
      .split('\n')
      .forEach((line, i) => {
        const [lon, lat] = line.split(' ').map(Number);
        expect(Math.abs(lon - points[i][0]) * metresPerDegLat).toBeLessThan(0.001);
        expect(Math.abs(lat - points[i][1]) * metresPerDegLat).toBeLessThan(0.001);
      });
  }, 240_000);

  it('exits 2 naming the bad line, writing nothing; refuses Xian 1980 without --towgs84', () => {
    const bad = landgate(['transform', '--from', 'EPSG:4490', '--to', 'EPSG:4525'], { input: '111.5 36.2\n112 abc\n' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/第 2 行“112 abc”不是“x y”两个数值/);
    const xian = landgate(['transform', '--from', 'EPSG:2361', '--to', 'EPSG:4490'], { input: '37455340 3950000\n' });
    expect(xian.status).toBe(2);
    expect(xian.stderr).toMatch(/西安 1980.*7 参数或 3 参数.*--towgs84/);
    const withParams = landgate(['transform', '--from', 'EPSG:2361', '--to', 'EPSG:4490', '--towgs84', '24,-123,-94'], { input: '37455340 3950000\n' });
    expect(withParams.status).toBe(0);
    const [lon, lat] = withParams.stdout.trim().split(' ').map(Number);
    expect(lon).toBeGreaterThan(110.4);
    expect(lat).toBeGreaterThan(35.6);
  }, 240_000);

  it('converts GCJ-02 to CGCS2000 and back', () => {
    const r = landgate(['transform', '--from', 'GCJ02', '--to', 'EPSG:4490'], { input: '112.55 37.87\n' });
    expect(r.status).toBe(0);
    const back = landgate(['transform', '--from', 'EPSG:4490', '--to', 'GCJ02'], { input: r.stdout });
    const [lon, lat] = back.stdout.trim().split(' ').map(Number);
    expect(Math.abs(lon - 112.55)).toBeLessThan(1e-8);
    expect(Math.abs(lat - 37.87)).toBeLessThan(1e-8);
  }, 240_000);
});

describe('the direct transverse Mercator (tmerc-direct.ts)', () => {
  // every CGCS2000 Gauss-Krüger code LandGate defines, both ways, and local planes as the distance search makes them
  const gkCodes = [[4513, 21], [4534, 21], [4491, 11], [4502, 11]].flatMap(([first, count]) => Array.from({ length: count }, (_, i) => `EPSG:${first + i}`));
  const same = (a: readonly number[], b: readonly number[]) => Object.is(a[0], b[0]) && Object.is(a[1], b[1]);

  it('gives proj4’s results bit for bit: every CGCS2000 zone to lon/lat and back, and local planes', () => {
    const random = mulberry32(4490);
    let compared = 0;
    for (const code of gkCodes) {
      const toGeo = directTmerc(code, 'EPSG:4490')?.forward;
      const toPlane = directTmerc('EPSG:4490', code)?.forward;
      expect(toGeo, code).toBeDefined();
      expect(toPlane, code).toBeDefined();
      // and each pair's inverse is the other direction
      expect(directTmerc(code, 'EPSG:4490')!.inverse([112, 36])).toEqual(toPlane!([112, 36]));
      const viaProj4 = proj4('EPSG:4490', code);
      const centralMeridian = Number(/\+lon_0=([\d.]+)/.exec(proj4Definition(code))![1]);
      for (let i = 0; i < 400; i++) {
        // within and beyond the zone (±4° of its meridian), at China's latitudes and far outside them
        const lonlat: [number, number] = [centralMeridian + (random() - 0.5) * 8, i % 50 === 0 ? -60 + random() * 140 : 15 + random() * 40];
        const plane = viaProj4.forward([...lonlat]) as [number, number];
        expect(same(toPlane!(lonlat), plane), `${code} ${lonlat}`).toBe(true);
        expect(same(toGeo!(plane), viaProj4.inverse([...plane]) as number[]), `${code} ${plane}`).toBe(true);
        compared += 2;
      }
    }
    for (let i = 0; i < 2000; i++) {
      const lon0 = Math.round((73 + random() * 62) * 50) / 50;
      const lat0 = Math.round((18 + random() * 35) * 50) / 50;
      const tmerc = `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs`;
      const viaProj4 = proj4('EPSG:4490', tmerc);
      const p: [number, number] = [lon0 + (random() - 0.5) * 0.6, lat0 + (random() - 0.5) * 0.6];
      const xy = viaProj4.forward([...p]) as [number, number];
      const pair = directTmerc('EPSG:4490', tmerc)!;
      expect(same(pair.forward(p), xy)).toBe(true);
      expect(same(pair.inverse(xy), viaProj4.inverse([...xy]) as number[])).toBe(true);
      // the distance search's form: written into an array it already has
      const out = new Float64Array(4);
      pair.forwardInto(p[0], p[1], out, 2);
      expect(same([out[2], out[3]], xy)).toBe(true);
      compared += 2;
    }
    expect(compared).toBe(gkCodes.length * 800 + 4000);
  });

  it('leaves to proj4 what it does not cover: datum shifts, other projections, non-finite input', () => {
    expect(directTmerc('EPSG:4490', 'EPSG:3857')).toBeNull();
    expect(directTmerc('EPSG:4326', 'EPSG:4490')).toBeNull();
    expect(directTmerc(withTowgs84('EPSG:2383', '24,-123,-94,0.02,-0.25,-0.13,1.1'), 'EPSG:4490')).toBeNull();
    // proj4 refuses a non-finite coordinate, and so does the direct path (it hands it to proj4)
    const pair = directTmerc('EPSG:4525', 'EPSG:4490')!;
    expect(() => proj4('EPSG:4525', 'EPSG:4490').forward([NaN, 4_000_000])).toThrow();
    expect(() => pair.forward([NaN, 4_000_000])).toThrow();
    expect(() => pair.inverse([NaN, 36])).toThrow();
    expect(() => directTmerc('EPSG:4490', 'EPSG:4525')!.forwardInto(NaN, 36, new Float64Array(2), 0)).toThrow();
  });
});
