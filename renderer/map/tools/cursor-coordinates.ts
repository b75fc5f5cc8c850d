/**
 * The cursor in CGCS2000 lon/lat and in the CGCS2000 3° Gauss-Krüger zone it falls in (X north,
 * Y east with the zone number in front, as 界址点 tables write it), by the project's proj4 set-up.
 */
import { transformer, type XY } from '../../../shared/crs';

export interface GaussKrugerReading {
  zone: number;
  centralMeridian: number;
  /** Northing, m. */
  x: number;
  /** Easting with the zone number in front, m. */
  y: number;
}

const converters = new Map<string, (xy: XY) => XY>();

/** The 3° zone (25–45, the prefixed codes EPSG:4513–4533) of a longitude in China's span; null outside it. */
export function gaussKrugerReading(lon: number, lat: number): GaussKrugerReading | null {
  const zone = Math.round(lon / 3);
  if (zone < 25 || zone > 45 || !Number.isFinite(lat)) return null;
  const code = `EPSG:${4488 + zone}`;
  let convert = converters.get(code);
  if (!convert) converters.set(code, (convert = transformer('EPSG:4490', code)));
  const [easting, northing] = convert([lon, lat]);
  return { zone, centralMeridian: zone * 3, x: northing, y: easting };
}
