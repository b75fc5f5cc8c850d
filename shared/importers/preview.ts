/**
 * What the import dialog shows before anything is written (pure): built from a ParsedSource by
 * the Node side (`previewImport`) and rendered by renderer/import/. Also the request/response
 * shapes of the staged-upload import API (shared/api/contract.ts re-exports them).
 */
import type { Feature, Position } from 'geojson';
import { BD09, crsLabelText, GCJ02, needsTransformationParameters } from '../crs';
import { canonicalKeys, resolveFieldMap } from '../model/attributes';
import { LAYER_KIND_GEOMETRY, type LayerInfo, type LayerKind } from '../model/layers';
import { proposeKindFromSigns, type KindBasis } from './kind-guess';
import { unrecognisedIdWarning } from './prepare';
import type { CodedText, TextParam } from '../model/text';
import type { ImportNote } from './messages';
import type { Detected, ParsedLayer, ParsedSource, SourceFormat, StreamedLayer } from './types';

export interface StageImportFilesRequest {
  /** Absent on the first chunk of a new upload. */
  uploadId?: string;
  files: Array<{ name: string; base64: string; offset: number; totalBytes: number }>;
}

export interface StageImportFilesResponse {
  uploadId: string;
  /** Bytes received so far per file name. */
  received: Record<string, number>;
}

export interface PreviewImportRequest {
  uploadId: string;
  encoding?: string;
  crs?: string;
  layer?: string;
  kind?: LayerKind;
}

/** A DEM upload (GeoTIFF / SRTM .hgt, several tiles mosaicked): imported as the project's DEM + an elevation-band layer. */
export interface DemPreview {
  cols: number;
  rows: number;
  crs: string;
  /** The CRS's name, coded (crsName.*): the dialog says it in the reader's language. */
  crsLabel: TextParam;
  /** Cell size in CRS units (degrees or metres). */
  cellX: number;
  cellY: number;
  /** Extent in the DEM's CRS: [minX, minY, maxX, maxY]. */
  extent: [number, number, number, number];
  minM: number | null;
  maxM: number | null;
  /** Cells without a value (nodata). */
  nodataCells: number;
  /** Band thresholds proposed (400, 900 m). */
  levels: number[];
  /**
   * Why the data looks implausible (values, georeferencing, holes), coded (importNote.dem.*);
   * non-empty means the import is refused unless the user confirms it (`acceptSuspect`), and then
   * warned on the layer.
   */
  suspicions: CodedText[];
}

export interface ImportPreview {
  uploadId: string;
  files: string[];
  format: SourceFormat | 'geotiff' | 'hgt';
  formatLabel: CodedText;
  /** Layers of the source (GeoPackage tables, KML folders, XLSX sheets); one for most formats. */
  layers: Array<{ name: string; featureCount: number }>;
  layer: string;
  encoding: Detected<string> | null;
  crs: Detected<string | null>;
  /** The CRS choices, each named by a coded text (crsName.*). */
  crsOptions: Array<{ code: string; label: TextParam }>;
  /** Xian 1980 / Beijing 1954: the import needs the user's 3/7 transformation parameters (towgs84). */
  needsParameters: boolean;
  /** Suggested (or requested) layer kind and its canonical attribute keys. */
  kind: LayerKind;
  /** What the proposed kind rests on (file or layer name, fields); absent when the user chose it or only the geometry spoke. */
  kindBasis?: KindBasis;
  canonicalKeys: string[];
  /** Proposed source field → canonical key ('' = keep as is). */
  fieldMap: Record<string, string>;
  table: string;
  title: string;
  featureCount: number;
  geometryTypes: string[];
  /** Bounding box in the source CRS. */
  bbox: [number, number, number, number] | null;
  /** Simplified rings/lines (points as one-position paths) in the source CRS, y up, for an SVG outline. */
  outline: Position[][];
  fields: string[];
  /** First rows of attributes as text. */
  rows: Array<Record<string, string>>;
  /** What the file's reading noticed, coded (messages.ts): the dialog says it in the reader's language. */
  warnings: CodedText[];
  extras?: Record<string, unknown>;
  /** Present for a DEM upload: the dialog shows this instead of the vector preview. */
  dem?: DemPreview;
}

export interface StartImportRequest {
  uploadId: string;
  kind: LayerKind;
  table: string;
  /** Confirmed/changed source CRS; omit to use the detected (certain) one. */
  crs?: string;
  encoding?: string;
  layer?: string;
  fieldMap?: Record<string, string>;
  title?: string;
  /** Xian 1980 / Beijing 1954 → CGCS2000 parameters `dx,dy,dz[,rx,ry,rz,s]`. */
  towgs84?: string;
  /** DEM upload: elevation-band thresholds in metres (default 400, 900). */
  levels?: number[];
  /** DEM upload: store it although the preview found it implausible (`--accept-suspect`). */
  acceptSuspect?: boolean;
}

export type ImportJobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportJobStatus {
  jobId: string;
  state: ImportJobState;
  /** 0..1 */
  progress: number;
  /** The current phase, coded (importNote.phase.*), e.g. “已检查并写入 12 345 / 100 000 个要素”. */
  phase: ImportNote;
  /** The same in Chinese (logs, and clients that read it before phases had codes). */
  phaseZh: string;
  /** Features checked and written so far (per-feature progress; absent before the first). */
  featuresDone?: number;
  /** Features to expect (.shx / DBF record count, or the parsed array); absent when the file does not say. */
  featuresTotal?: number;
  layer?: LayerInfo;
  /** The import's notes, coded; a DEM stored before notes had codes brings its plain Chinese. */
  warnings?: ImportNote[];
  error?: { code: string; messageZh: string; messageEn: string };
}

/** CRS choices of the preview: CGCS2000 lon/lat, WGS84, web maps, every CGCS2000 GK code. */
export function crsOptions(extra: Array<string | null> = []): Array<{ code: string; label: TextParam }> {
  const codes = ['EPSG:4490', 'EPSG:4326', GCJ02, BD09, 'EPSG:3857'];
  for (let n = 4513; n <= 4554; n++) codes.push(`EPSG:${n}`);
  for (let n = 4491; n <= 4512; n++) codes.push(`EPSG:${n}`);
  for (const code of extra) if (code && !codes.includes(code)) codes.unshift(code);
  return codes.map((code) => ({ code, label: crsLabelText(code) }));
}

function familyOf(layer: ParsedLayer): 'point' | 'line' | 'polygon' | null {
  const type = layer.features.find((f) => f.geometry)?.geometry?.type;
  if (!type) return null;
  return type === 'Point' || type === 'MultiPoint' ? 'point' : type === 'LineString' || type === 'MultiLineString' ? 'line' : 'polygon';
}

/** Kind proposed from the file and layer names and the fields, else by the format and the geometry. */
export function proposeKind(format: SourceFormat, layer: ParsedLayer, files: readonly string[] = []): { kind: LayerKind; basis?: KindBasis } {
  if (format === 'boundary-txt') return { kind: 'parcel' };
  const names = [...files.map((f) => f.split(/[\\/]/).pop() ?? f), layer.name];
  return proposeKindFromSigns({ names, fields: layer.fields, family: familyOf(layer) }) ?? { kind: suggestKind(format, layer) };
}

/** Kind suggested by the format and the geometry. */
export function suggestKind(format: SourceFormat, layer: ParsedLayer): LayerKind {
  if (format === 'boundary-txt') return 'parcel';
  const type = layer.features.find((f) => f.geometry)?.geometry?.type ?? 'Polygon';
  if (type === 'Point' || type === 'MultiPoint') return 'monitoring-station';
  if (type === 'LineString' || type === 'MultiLineString') return 'river';
  return 'parcel';
}

export function kindFits(kind: LayerKind, layer: ParsedLayer): boolean {
  const type = layer.features.find((f) => f.geometry)?.geometry?.type;
  if (!type) return true;
  const expected = LAYER_KIND_GEOMETRY[kind];
  if (expected === 'point') return type === 'Point' || type === 'MultiPoint';
  if (expected === 'polygon') return type === 'Polygon' || type === 'MultiPolygon';
  return type !== 'Point' && type !== 'MultiPoint';
}

/** Source field → canonical key by the alias table of the kind ('' when no alias matches, or a better-ranked field takes the key). */
export function proposeFieldMap(fields: string[], kind: LayerKind): Record<string, string> {
  return resolveFieldMap(kind, fields);
}

/**
 * A parcel file with no id field the import would recognise: said before the import, because
 * every finding, report and decision would otherwise cite the feature number.
 */
function idWarnings(kind: LayerKind, layer: ParsedLayer, fieldMap: Record<string, string>): CodedText[] {
  if (kind !== 'parcel' || layer.features.length === 0) return [];
  if (Object.values(fieldMap).includes('id')) return [];
  if (layer.features.some((f) => f.id !== undefined && f.id !== null && String(f.id).trim() !== '')) return [];
  return [unrecognisedIdWarning(layer.fields, layer.featureCount ?? layer.features.length, false)];
}

/** Features a preview keeps of a streamed layer: all of a small one, an even spread of a large one. */
export const PREVIEW_SAMPLE = 20_000;

/**
 * A streamed layer read once for the preview: every feature is counted, but a layer of more than
 * `limit` keeps only its first rows (the preview's table) and an even spread of the rest (the
 * outline), so previewing a million-row table holds a few thousand features, not the table.
 */
export function previewSample(layer: StreamedLayer, limit = PREVIEW_SAMPLE): ParsedLayer {
  const step = layer.total !== null && layer.total > limit ? Math.ceil(layer.total / limit) : 1;
  const features: Feature[] = [];
  let count = 0;
  for (const feature of layer.features()) {
    if (count < 10 || count % step === 0) features.push(feature);
    count++;
  }
  const parsed: ParsedLayer = { name: layer.name, features, crs: layer.crs, warnings: [...layer.warnings, ...layer.finalWarnings()], fields: layer.fields, featureCount: count };
  if (layer.encoding) parsed.encoding = layer.encoding;
  if (layer.extras) parsed.extras = layer.extras;
  return parsed;
}

function paths(feature: Feature): Position[][] {
  const g = feature.geometry;
  if (!g) return [];
  switch (g.type) {
    case 'Point':
      return [[g.coordinates]];
    case 'MultiPoint':
      return g.coordinates.map((p) => [p]);
    case 'LineString':
      return [g.coordinates];
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates;
    case 'MultiPolygon':
      return g.coordinates.flat();
    default:
      return [];
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Simplified outline (≤ maxVertices in all) and bbox in source coordinates. */
export function outlineOf(features: Feature[], maxVertices = 4000): { outline: Position[][]; bbox: [number, number, number, number] | null } {
  const all = features.flatMap(paths);
  // many small shapes (a 100 000-parcel shapefile): draw a spread of whole shapes, not every
  // shape thinned to nothing; few large ones: every shape, vertices thinned
  const pathStep = Math.max(1, Math.ceil(all.length / (maxVertices / 8)));
  const drawn = pathStep === 1 ? all : all.filter((_, i) => i % pathStep === 0);
  const total = drawn.reduce((s, p) => s + p.length, 0);
  const step = Math.max(1, Math.ceil(total / maxVertices));
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const path of all) {
    for (const p of path) {
      if (p[0] < minX) minX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] > maxY) maxY = p[1];
    }
  }
  const outline: Position[][] = [];
  for (const path of drawn) {
    if (step === 1 || path.length <= 4) outline.push(path.map((p) => [p[0], p[1]]));
    else {
      const kept = path.filter((_, i) => i % step === 0).map((p) => [p[0], p[1]]);
      kept.push([path[path.length - 1][0], path[path.length - 1][1]]);
      if (kept.length >= 4) outline.push(kept);
    }
  }
  return { outline, bbox: Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null };
}

export function buildPreview(input: {
  uploadId: string;
  files: string[];
  source: ParsedSource;
  /** All layers of the source with counts (for multi-layer sources). */
  layers: Array<{ name: string; featureCount: number }>;
  layer: ParsedLayer;
  kind?: LayerKind;
  table: string;
}): ImportPreview {
  const { source, layer } = input;
  const proposal = input.kind ? null : proposeKind(source.format, layer, input.files);
  const kind = input.kind ?? proposal!.kind;
  const { outline, bbox } = outlineOf(layer.features);
  const types = [...new Set(layer.features.map((f) => f.geometry?.type).filter((t): t is NonNullable<typeof t> => !!t))];
  const fieldMap = proposeFieldMap(layer.fields, kind);
  return {
    uploadId: input.uploadId,
    files: input.files,
    format: source.format,
    formatLabel: source.formatLabel,
    layers: input.layers,
    layer: layer.name,
    encoding: layer.encoding ?? null,
    crs: layer.crs,
    crsOptions: crsOptions([layer.crs.value]),
    needsParameters: !!layer.crs.value && needsTransformationParameters(layer.crs.value),
    kind,
    ...(proposal?.basis ? { kindBasis: proposal.basis } : {}),
    canonicalKeys: canonicalKeys(kind),
    fieldMap,
    table: input.table,
    title: layer.name,
    featureCount: layer.featureCount ?? layer.features.length,
    geometryTypes: types,
    bbox,
    outline,
    fields: layer.fields,
    rows: layer.features.slice(0, 10).map((f) => Object.fromEntries(layer.fields.map((k) => [k, cellText(f.properties?.[k])]))),
    warnings: [...layer.warnings, ...idWarnings(kind, layer, fieldMap)],
    extras: layer.extras,
  };
}
