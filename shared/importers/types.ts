/**
 * The importer contract (pure). A *source* is what the user dropped or picked: one file, or a set
 * of sibling files (a shapefile's .shp/.dbf/.shx/.prj/.cpg), as bytes. A format module turns a
 * source into one or more parsed layers whose features still have raw attributes and coordinates
 * in the source CRS, and says what it detected (encoding, CRS, …) and how sure it is, so the
 * preview step can show it and the user can change it. `prepareFeatures` (prepare.ts) then does the
 * format-independent half: geometry checks and repair, transform to EPSG:4490, attribute mapping.
 */
import type { Feature, Geometry } from 'geojson';
import type { CodedText } from '../model/text';

export type SourceFormat = 'geojson' | 'shapefile' | 'boundary-txt' | 'kml' | 'kmz' | 'csv' | 'xlsx' | 'gpkg';

export interface SourceFile {
  /** Base name, e.g. `地块.shp` (used to pair siblings and in messages). */
  name: string;
  /**
   * The file's bytes. For a GeoPackage on disk, and for a file given with `source`, only its
   * first bytes (enough to sniff): the file is read by `path` or through `source` instead of
   * holding a copy.
   */
  bytes: Uint8Array;
  /** Absolute path when the file is on disk (Node side only; pure modules never use it). */
  path?: string;
  /**
   * The whole file, read in pieces: the Node side gives it for formats that stream (CSV, XLSX),
   * so a large table is never held whole. Absent for in-memory files (a zip's entries, tests).
   */
  source?: ByteSource;
}

/**
 * Random access to a file's bytes without holding them: the Node side wraps a file descriptor
 * (huge shapefiles are read through bounded windows), in-memory files wrap their bytes.
 */
export interface ByteSource {
  name: string;
  size: number;
  /** Exactly `min(length, size - position)` bytes from `position`. */
  read(position: number, length: number): Uint8Array;
  /** The same bytes read into `into` (at least that long), when the source reads into a buffer it is given. */
  readInto?(position: number, length: number, into: Uint8Array): Uint8Array;
}

/** An in-memory file as a ByteSource (reads are subarrays: no copies). */
export function bytesSource(file: SourceFile): ByteSource {
  return { name: file.name, size: file.bytes.length, read: (position, length) => file.bytes.subarray(position, Math.min(file.bytes.length, position + length)) };
}

/** How a detected value was found; `proposed` values must be confirmed by the user (UI) or given (CLI). */
export interface Detected<T> {
  value: T;
  /** e.g. 'declared' (in the file), 'prj', 'cpg', 'ldid', 'header', 'magnitude', 'heuristic', 'default', 'user'. */
  source: string;
  confidence: 'certain' | 'proposed';
  /**
   * How it was found, shown in the preview, e.g. “X 坐标含带号前缀 38（8 位），推定为 CGCS2000 3°
   * 高斯-克吕格第 38 带…”: coded (importNote.* in messages.ts), so the preview says it in the
   * reader's language.
   */
  note?: CodedText;
}

export interface ParsedLayer {
  /** Layer name inside the source (GeoPackage table, KML folder, TXT has one); file base name otherwise. */
  name: string;
  /** Raw attributes; coordinates in `crs.value` (x = easting/longitude). */
  features: Feature[];
  crs: Detected<string | null>;
  encoding?: Detected<string>;
  /** Notes: repairs, skipped records, suspicious data; coded (messages.ts). */
  warnings: CodedText[];
  /** Field names in file order, for the mapping step and the preview table. */
  fields: string[];
  /** Format-specific figures worth showing, e.g. header area vs computed area for TXT parcels. */
  extras?: Record<string, unknown>;
  /** When `features` is a sample (a large streamed layer's preview): how many features there are. */
  featureCount?: number;
}

/**
 * A layer read feature by feature, so an import holds one batch rather than the file: what must be
 * settled before writing (CRS, encoding, fields) is known on opening, then the passes below.
 * Shapefiles on disk stream (`openShapefile`); whole-file formats are wrapped in the same shape
 * (import-file.ts) so there is one import pipeline.
 */
export interface StreamedLayer extends Omit<ParsedLayer, 'features'> {
  /** Records to expect, for progress (a shapefile's .shx / DBF count), or null when unknown. */
  total: number | null;
  /** Records consumed so far by `features()` (same unit as `total`). */
  position(): number;
  /** Geometry types the features can have (a shapefile's header type), for the table's type. */
  geometryTypes: Geometry['type'][];
  /** Attributes only, in order (a cheap pass that settles column names and types before writing). */
  attributes(): Iterable<{ properties: Record<string, unknown>; id?: string | number }>;
  /** The features in order, each built once; one pass per call. */
  features(): Iterable<Feature>;
  /** Notes known only after `features()` has been read to the end. */
  finalWarnings(): CodedText[];
}

export interface ParsedSource {
  format: SourceFormat;
  /** The format as the preview names it, coded, e.g. “Shapefile（GBK 编码）”. */
  formatLabel: CodedText;
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

/** A source opened for streaming: its layers read feature by feature (see StreamedLayer). */
export interface StreamedSource {
  format: SourceFormat;
  formatLabel: CodedText;
  layers: StreamedLayer[];
}

/**
 * A format module: `sniff` says whether it handles the source; `parse` reads it whole (throws
 * UserInputError); `open`, where a format has it, reads it as streams instead, so the import and
 * the preview hold a batch of features rather than the file.
 */
export interface FormatModule {
  format: SourceFormat;
  sniff(files: SourceFile[]): boolean;
  parse(files: SourceFile[], options: ParseOptions): ParsedSource;
  /** Field names of the layers it opens are already clean and unique (fields.ts). */
  open?(files: SourceFile[], options: ParseOptions): StreamedSource;
}

/** The source of a file: its `source` when the Node side gave one, else its bytes. */
export function byteSourceOf(file: SourceFile): ByteSource {
  return file.source ?? bytesSource(file);
}

/** A streamed layer read to the end into a parsed one (all features held: small sources, tests). */
export function collectLayer(layer: StreamedLayer): ParsedLayer {
  const features = [...layer.features()];
  const parsed: ParsedLayer = { name: layer.name, features, crs: layer.crs, warnings: [...layer.warnings, ...layer.finalWarnings()], fields: layer.fields };
  if (layer.encoding) parsed.encoding = layer.encoding;
  if (layer.extras) parsed.extras = layer.extras;
  return parsed;
}
