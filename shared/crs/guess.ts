/**
 * Proposing a CRS from coordinate magnitudes, for files that do not say (a shapefile without
 * `.prj`, GeoJSON without `crs` holding metres). Always a *proposal*: the UI shows it in the
 * preview, the CLI refuses and asks for `--crs`. x = easting / longitude.
 *
 *  - all |x| ≤ 180, |y| ≤ 90                → EPSG:4490 (lon/lat; datum cannot be told apart)
 *  - 8-digit easting, prefix 25–45            → CGCS2000 3° zone with prefix, EPSG:(4488 + zone)
 *  - 8-digit easting, prefix 13–23            → CGCS2000 6° zone with prefix, EPSG:(4478 + zone)
 *    (the prefix ranges of 3° and 6° zones covering China do not overlap)
 *  - 6-digit easting, 7-digit northing        → no zone in the data: Shanxi's 3° zone 37 or 38,
 *    chosen by which puts the data inside Shanxi (110.2–114.6°E); flagged as a guess
 */
import type { Feature, Position } from 'geojson';
import type { Detected } from '../importers/types';
import { transformer } from './index';

const SHANXI = { minLon: 110.2, maxLon: 114.6, minLat: 34.5, maxLat: 40.8 };

/** Up to `limit` positions spread over the features. */
export function samplePositions(features: readonly Feature[], limit = 2000): Position[] {
  const out: Position[] = [];
  const step = Math.max(1, Math.floor(features.length / limit));
  for (let i = 0; i < features.length && out.length < limit; i += step) {
    const g = features[i]?.geometry;
    if (!g || g.type === 'GeometryCollection') continue;
    const walk = (c: unknown): void => {
      if (!Array.isArray(c)) return;
      if (typeof c[0] === 'number') {
        if (Number.isFinite(c[0]) && Number.isFinite(c[1])) out.push(c as Position);
        return;
      }
      for (const child of c) {
        walk(child);
        if (out.length >= limit) return;
      }
    };
    walk((g as { coordinates: unknown }).coordinates);
  }
  return out;
}

function range(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Proposal for the positions' CRS, or null when the magnitudes fit no CRS LandGate knows.
 * `bounds` ([minX, minY, maxX, maxY]) is the range of all positions when `positions` is a sample
 * of them (a streamed table); without it the range of `positions` is used.
 */
export function proposeCrsFromPositions(positions: readonly Position[], bounds?: readonly [number, number, number, number]): Detected<string | null> | null {
  if (positions.length === 0) return null;
  const [minX, maxX] = bounds ? [bounds[0], bounds[2]] : range(positions.map((p) => p[0]));
  const [minY, maxY] = bounds ? [bounds[1], bounds[3]] : range(positions.map((p) => p[1]));
  if (minX >= -180 && maxX <= 180 && minY >= -90 && maxY <= 90) {
    return {
      value: 'EPSG:4490',
      source: 'magnitude',
      confidence: 'proposed',
      noteZh: `坐标范围 ${minX.toFixed(3)}–${maxX.toFixed(3)}，${minY.toFixed(3)}–${maxY.toFixed(3)} 是经纬度，推定为 CGCS2000 经纬度（EPSG:4490）；如数据来自高德/腾讯（GCJ-02）或百度（BD-09），请选择对应坐标系。`,
    };
  }
  const northingOk = minY >= 1e6 && maxY < 1e7;
  if (northingOk && minX >= 1e7 && maxX < 1e8) {
    const zoneLo = Math.floor(minX / 1e6);
    const zoneHi = Math.floor(maxX / 1e6);
    if (zoneLo !== zoneHi) {
      return { value: null, source: 'magnitude', confidence: 'proposed', noteZh: `X 坐标的带号前缀不一致（${zoneLo} 与 ${zoneHi}），无法推定坐标系，请指定。` };
    }
    const zone = zoneLo;
    if (zone >= 25 && zone <= 45) {
      const code = `EPSG:${4488 + zone}`;
      return { value: code, source: 'magnitude', confidence: 'proposed', noteZh: `X 坐标含带号前缀 ${zone}（8 位），推定为 CGCS2000 3° 高斯-克吕格第 ${zone} 带（中央经线 ${3 * zone}°E，${code}），请确认。` };
    }
    if (zone >= 13 && zone <= 23) {
      const code = `EPSG:${4478 + zone}`;
      return { value: code, source: 'magnitude', confidence: 'proposed', noteZh: `X 坐标含带号前缀 ${zone}（8 位），推定为 CGCS2000 6° 高斯-克吕格第 ${zone} 带（中央经线 ${6 * zone - 3}°E，${code}），请确认。` };
    }
    return { value: null, source: 'magnitude', confidence: 'proposed', noteZh: `X 坐标的带号前缀 ${zone} 不是覆盖中国的高斯-克吕格带号，无法推定坐标系。` };
  }
  if (northingOk && minX >= 1e5 && maxX < 1e6) {
    // No zone in the data: try Shanxi's zones 37 (CM 111°E, EPSG:4546) and 38 (CM 114°E, EPSG:4547).
    const candidates = [37, 38].map((zone) => {
      const code = `EPSG:${4509 + zone}`;
      const toGeo = transformer(code, 'EPSG:4490');
      const step = Math.max(1, Math.floor(positions.length / 200));
      let inside = 0;
      let total = 0;
      for (let i = 0; i < positions.length; i += step) {
        const [lon, lat] = toGeo([positions[i][0], positions[i][1]]);
        total++;
        if (lon >= SHANXI.minLon && lon <= SHANXI.maxLon && lat >= SHANXI.minLat && lat <= SHANXI.maxLat) inside++;
      }
      return { zone, code, share: inside / total };
    });
    const best = candidates[0].share >= candidates[1].share ? candidates[0] : candidates[1];
    const other = best === candidates[0] ? candidates[1] : candidates[0];
    if (best.share === 0) {
      return { value: null, source: 'magnitude', confidence: 'proposed', noteZh: 'X 坐标为 6 位（不含带号），按山西的 37、38 带都不落在山西境内，无法推定带号，请指定坐标系。' };
    }
    const both = other.share > 0 ? `（按第 ${other.zone} 带 ${other.code} 也有 ${Math.round(other.share * 100)}% 落在山西，务必核对）` : '';
    return {
      value: best.code,
      source: 'magnitude',
      confidence: 'proposed',
      noteZh: `X 坐标为 6 位（不含带号），数据本身无法确定带号；按位置推测为 CGCS2000 3° 高斯-克吕格第 ${best.zone} 带（中央经线 ${3 * best.zone}°E，${best.code}）${both}，请确认。`,
    };
  }
  return null;
}

export function proposeCrsFromCoordinates(features: readonly Feature[]): Detected<string | null> | null {
  return proposeCrsFromPositions(samplePositions(features));
}
