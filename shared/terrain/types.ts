/** What the renderer learns about the project's terrain and offline basemaps (API payloads). */

export interface TerrainInfo {
  /** Same-origin URL template of the terrain-RGB tiles (Mapbox encoding). */
  tiles: string;
  encoding: 'mapbox';
  tileSize: number;
  minzoom: number;
  maxzoom: number;
  /** [west, south, east, north] in EPSG:4490 lon/lat. */
  bounds: [number, number, number, number];
  minM: number | null;
  maxM: number | null;
  crs: string;
  cols: number;
  rows: number;
  /** Source DEM file names (shown as the relief's attribution). */
  files: string[];
  importedAt: string;
  /** Contour interval (m) of getTerrainContours. */
  contourIntervalM: number;
}

export interface BasemapInfo {
  id: string;
  name: string;
  /** Where the tiles live: copied into the project (raster MBTiles) or read from the file in place. */
  storage: 'embedded' | 'file';
  container: 'mbtiles' | 'pmtiles';
  /** GeoPackage tile table (embedded) or absolute file path (file). */
  table?: string;
  path?: string;
  type: 'raster' | 'vector';
  format: 'png' | 'jpg' | 'webp' | 'pbf';
  minzoom: number;
  maxzoom: number;
  /** [west, south, east, north] lon/lat. */
  bounds: [number, number, number, number] | null;
  /** Attribution from the package metadata (shown on the map). */
  attribution: string;
  /** Vector tiles: the layer ids (metadata `vector_layers`). */
  vectorLayers: string[];
  addedAt: string;
}

export interface BasemapSummary extends BasemapInfo {
  /** Same-origin URL template of its tiles. */
  tiles: string;
  /** False when a referenced package file is missing. */
  available: boolean;
}
