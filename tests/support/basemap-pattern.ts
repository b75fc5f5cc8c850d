/**
 * A raster MBTiles basemap to recognise in a rendering: four colours split by the meridian and the
 * parallel through `centre` (magenta north-west, cyan north-east, yellow south-west, green
 * south-east), about 2.7 m cells over 3.6 × 3.3 km, made with GDAL (gdal_create, gdal_rasterize,
 * gdal_translate -of MBTiles and gdaladdo: Web Mercator tiles at z12–16).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makePatternBasemap(dir: string, [meridian, parallel]: [number, number], name = 'pattern.mbtiles'): string {
  const tif = join(dir, 'pattern.tif');
  execFileSync('gdal_create', ['-q', '-of', 'GTiff', '-co', 'COMPRESS=DEFLATE', '-outsize', '1333', '1000', '-bands', '3', '-ot', 'Byte', '-a_srs', 'EPSG:4326', '-a_ullr', String(meridian - 0.02), String(parallel + 0.015), String(meridian + 0.02), String(parallel - 0.015), '-burn', '255', '-burn', '0', '-burn', '255', tif]);
  const polygon = (file: string, ring: number[][]) => {
    const path = join(dir, file);
    writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
    return path;
  };
  const east = polygon('pattern-east.geojson', [[meridian, parallel - 0.02], [meridian + 0.03, parallel - 0.02], [meridian + 0.03, parallel + 0.02], [meridian, parallel + 0.02], [meridian, parallel - 0.02]]);
  const south = polygon('pattern-south.geojson', [[meridian - 0.03, parallel - 0.02], [meridian + 0.03, parallel - 0.02], [meridian + 0.03, parallel], [meridian - 0.03, parallel], [meridian - 0.03, parallel - 0.02]]);
  execFileSync('gdal_rasterize', ['-q', '-b', '1', '-b', '2', '-burn', '0', '-burn', '255', east, tif]);
  execFileSync('gdal_rasterize', ['-q', '-b', '2', '-b', '3', '-burn', '255', '-burn', '0', south, tif]);
  const mbtiles = join(dir, name);
  execFileSync('gdal_translate', ['-q', '-of', 'MBTiles', '-co', 'ZOOM_LEVEL_STRATEGY=UPPER', tif, mbtiles]);
  // the coarser zooms a map of a few kilometres asks for, as an offline basemap package has them
  execFileSync('gdaladdo', ['-q', mbtiles, '2', '4', '8', '16']);
  return mbtiles;
}

/** The pattern's colours in an RGB pixel (drawn under semi-transparent layers, so by dominance). */
export const PATTERN = {
  magenta: ([r, g, b]: number[]) => r > g + 80 && b > g + 80,
  cyan: ([r, g, b]: number[]) => g > r + 80 && b > r + 80,
  yellow: ([r, g, b]: number[]) => r > b + 80 && g > b + 80,
  green: ([r, g, b]: number[]) => g > r + 80 && g > b + 80,
};

export const isPatternColour = (p: number[]) => PATTERN.magenta(p) || PATTERN.cyan(p) || PATTERN.yellow(p) || PATTERN.green(p);

/** The GeoJSON east half (for a vector basemap of the same area). */
export const patternEastGeojson = (dir: string) => join(dir, 'pattern-east.geojson');
