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
import { text } from '../model/text';
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
      note: text('importNote.crs.guessLonLat', { minX: minX.toFixed(3), maxX: maxX.toFixed(3), minY: minY.toFixed(3), maxY: maxY.toFixed(3) }),
    };
  }
  const northingOk = minY >= 1e6 && maxY < 1e7;
  if (northingOk && minX >= 1e7 && maxX < 1e8) {
    const zoneLo = Math.floor(minX / 1e6);
    const zoneHi = Math.floor(maxX / 1e6);
    if (zoneLo !== zoneHi) {
      return { value: null, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.guessMixedZones', { lo: zoneLo, hi: zoneHi }) };
    }
    const zone = zoneLo;
    if (zone >= 25 && zone <= 45) {
      const code = `EPSG:${4488 + zone}`;
      return { value: code, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.guessZone', { zone, width: 3, cm: 3 * zone, code }) };
    }
    if (zone >= 13 && zone <= 23) {
      const code = `EPSG:${4478 + zone}`;
      return { value: code, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.guessZone', { zone, width: 6, cm: 6 * zone - 3, code }) };
    }
    return { value: null, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.guessBadZone', { zone }) };
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
      return { value: null, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.guessNoZoneOutside') };
    }
    const both = other.share > 0 ? text('importNote.crs.guessAlsoZone', { zone: other.zone, code: other.code, pct: Math.round(other.share * 100) }) : '';
    return {
      value: best.code,
      source: 'magnitude',
      confidence: 'proposed',
      note: text('importNote.crs.guessNoZone', { zone: best.zone, cm: 3 * best.zone, code: best.code, both }),
    };
  }
  return null;
}

export function proposeCrsFromCoordinates(features: readonly Feature[]): Detected<string | null> | null {
  return proposeCrsFromPositions(samplePositions(features));
}
