/**
 * The importer contract (pure). A *source* is what the user dropped or picked: one file, or a set
 * of sibling files (a shapefile's .shp/.dbf/.shx/.prj/.cpg), as bytes. A format module turns a
 * source into one or more parsed layers whose features still have raw attributes and coordinates
 * in the source CRS, and says what it detected (encoding, CRS, …) and how sure it is, so the
 * preview step can show it and the user can change it. `prepareFeatures` (prepare.ts) then does the
 * format-independent half: geometry checks and repair, transform to EPSG:4490, attribute mapping.
 */
import type { Feature } from 'geojson';

export type SourceFormat = 'geojson' | 'shapefile' | 'boundary-txt' | 'kml' | 'kmz' | 'csv' | 'xlsx' | 'gpkg';

export interface SourceFile {
  /** Base name, e.g. `地块.shp` (used to pair siblings and in messages). */
  name: string;
  bytes: Uint8Array;
}

/** How a detected value was found; `proposed` values must be confirmed by the user (UI) or given (CLI). */
export interface Detected<T> {
  value: T;
  /** e.g. 'declared' (in the file), 'prj', 'cpg', 'ldid', 'header', 'magnitude', 'heuristic', 'default', 'user'. */
  source: string;
  confidence: 'certain' | 'proposed';
  /** zh explanation shown in the preview, e.g. “Y 坐标含带号 38，推定为 CGCS2000 3° 带 38（EPSG:4526）”. */
  noteZh?: string;
}

export interface ParsedLayer {
  /** Layer name inside the source (GeoPackage table, KML folder, TXT has one); file base name otherwise. */
  name: string;
  /** Raw attributes; coordinates in `crs.value` (x = easting/longitude). */
  features: Feature[];
  crs: Detected<string | null>;
  encoding?: Detected<string>;
  /** zh notes: repairs, skipped records, suspicious data. */
  warnings: string[];
  /** Field names in file order, for the mapping step and the preview table. */
  fields: string[];
  /** Format-specific figures worth showing, e.g. header area vs computed area for TXT parcels. */
  extras?: Record<string, unknown>;
}

export interface ParsedSource {
  format: SourceFormat;
  /** zh label of the format for the preview, e.g. “Shapefile（GBK 编码）”. */
  formatLabelZh: string;
  layers: ParsedLayer[];
}

export interface ParseOptions {
  /** User override of the text encoding (e.g. 'gbk', 'utf-8'); wins over detection. */
  encoding?: string;
  /** User override of the source CRS (EPSG code); wins over detection. */
  crs?: string;
  /** For multi-layer sources: which layer(s) to read (default all). */
  layers?: string[];
  /** CSV/XLSX: which columns hold coordinates, when not detected. */
  columns?: { x?: string; y?: string; groupBy?: string; order?: string };
}

/** A format module: `sniff` says whether it handles the source; `parse` reads it (throws UserInputError). */
export interface FormatModule {
  format: SourceFormat;
  sniff(files: SourceFile[]): boolean;
  parse(files: SourceFile[], options: ParseOptions): ParsedSource;
}
