/**
 * File import pipeline (Node side): read the file, parse it with the pure importer of its format
 * (shared/importers), check/transform/normalise (shared/importers/prepare.ts) and write the layer
 * in one store transaction. Nothing touches the project until the whole file has been read and
 * checked, so a refused import leaves the project file unchanged.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import iconv from 'iconv-lite';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { parseGeoJson } from '../../shared/importers/geojson';
import { prepareFeatures } from '../../shared/importers/prepare';
import { normalizeCrs, PROJECT_CRS } from '../../shared/crs';
import { UserInputError } from '../../shared/model/errors';
import type { LayerInfo, LayerKind } from '../../shared/model/layers';
import type { ProjectStore } from './project-store';

export interface ImportOptions {
  kind: LayerKind;
  /** GeoPackage table name; default derived from the file name. */
  table?: string;
  /** Overrides the CRS the file declares (`--crs`). */
  crs?: string;
  title?: string;
  /** Explicit source field → canonical key mapping (field-mapping step of the UI). */
  fieldMap?: Record<string, string>;
}

/** LayerInfo plus the zh notes the import produced (fixes applied, suspicious data). */
export type ImportResult = LayerInfo & { warnings: string[] };

export interface ReadResult {
  features: Feature[];
  /** CRS the coordinates were read in (before transformation). */
  originalCrs: string;
  warnings: string[];
}

const GEOJSON_EXTENSIONS = new Set(['.geojson', '.json']);
const LATER_FORMATS: Record<string, string> = {
  '.shp': 'Shapefile',
  '.zip': 'Shapefile（zip）',
  '.kml': 'KML',
  '.kmz': 'KMZ',
  '.txt': 'TXT 坐标文件',
  '.csv': 'CSV',
  '.dwg': 'DWG',
  '.dxf': 'DXF',
  '.gpkg': 'GeoPackage',
};

function readText(filePath: string): { text: string; warnings: string[] } {
  const name = basename(filePath);
  if (!existsSync(filePath)) {
    throw new UserInputError('import.file-not-found', `文件“${name}”不存在（${resolve(filePath)}）。`, `File "${filePath}" does not exist.`);
  }
  if (!statSync(filePath).isFile()) {
    throw new UserInputError('import.not-a-file', `“${name}”不是文件。`, `"${filePath}" is not a file.`);
  }
  const bytes = readFileSync(filePath);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), warnings: [] };
  } catch {
    // GeoJSON must be UTF-8 (RFC 7946), but files saved by Chinese desktop tools are often GBK.
    return { text: iconv.decode(bytes, 'gbk'), warnings: ['文件不是 UTF-8 编码，已按 GBK 读取。'] };
  }
}

function detectFormat(filePath: string, text: string | null): 'geojson' {
  const ext = extname(filePath).toLowerCase();
  if (GEOJSON_EXTENSIONS.has(ext)) return 'geojson';
  const name = basename(filePath);
  if (LATER_FORMATS[ext]) {
    throw new UserInputError('import.unsupported-format', `文件“${name}”是 ${LATER_FORMATS[ext]}，当前版本暂只支持 GeoJSON（.geojson / .json）。`, `"${name}": ${LATER_FORMATS[ext]} is not supported yet (GeoJSON only).`);
  }
  if (text !== null && /^\s*[[{]/.test(text)) return 'geojson';
  throw new UserInputError('import.unsupported-format', `无法识别文件“${name}”的格式，当前版本支持 GeoJSON（.geojson / .json）。`, `"${name}": unrecognised format (GeoJSON only).`);
}

/** Reads and checks a file: features in EPSG:4490 with canonical attributes and ids. */
export function readFeaturesFile(filePath: string, options: { kind: LayerKind; crs?: string; fieldMap?: Record<string, string> }): ReadResult {
  const name = basename(filePath);
  const ext = extname(filePath).toLowerCase();
  if (LATER_FORMATS[ext]) detectFormat(filePath, null);
  const { text, warnings } = readText(filePath);
  detectFormat(filePath, text);
  const parsed = parseGeoJson(text, name);
  warnings.push(...parsed.notes);
  let sourceCrs: string;
  if (options.crs !== undefined) {
    sourceCrs = normalizeCrs(options.crs);
    if (parsed.declaredCrs && parsed.declaredCrs !== sourceCrs) warnings.push(`文件声明的坐标系为 ${parsed.declaredCrs}，已按 --crs 指定的 ${sourceCrs} 读取。`);
  } else if (parsed.declaredCrs) {
    try {
      sourceCrs = normalizeCrs(parsed.declaredCrs);
    } catch (error) {
      if (error instanceof UserInputError) {
        throw new UserInputError('import.unknown-crs', `文件“${name}”声明的坐标系 ${parsed.declaredCrs} 不受支持。${error.messageZh}`, `"${name}": declared CRS ${parsed.declaredCrs} unsupported.`);
      }
      throw error;
    }
  } else {
    sourceCrs = PROJECT_CRS; // GeoJSON without crs: lon/lat; in China CGCS2000 ≈ WGS84 to ~1 m
  }
  if (looksLikeGcj02(parsed.features)) {
    warnings.push('文件看起来来自 DataV/高德（GCJ-02 加偏坐标，与 CGCS2000 相差约 500 米），结果位置可能有偏移。');
  }
  const prepared = prepareFeatures(parsed.features, { fileName: name, kind: options.kind, sourceCrs, fieldMap: options.fieldMap });
  return { features: prepared.features, originalCrs: sourceCrs, warnings: [...warnings, ...prepared.warnings] };
}

/** DataV.GeoAtlas dumps carry adcode + center + centroid; their coordinates are GCJ-02. */
function looksLikeGcj02(features: Feature[]): boolean {
  const props = features[0]?.properties;
  return !!props && 'adcode' in props && 'center' in props && 'centroid' in props;
}

const TABLE_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;

/** Table name from a file name: [a-z0-9_], no leading digit, Chinese-only names → the kind. */
export function defaultTableName(filePath: string, kind: LayerKind, existing: readonly string[] = []): string {
  const kindSlug = kind.replace(/-/g, '_');
  let base = basename(filePath, extname(filePath))
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  if (base === '') base = kindSlug;
  else if (/^[0-9]/.test(base)) base = `${kindSlug}_${base}`;
  if (/^(gpkg_|rtree_|landgate_|sqlite_)/.test(base)) base = `layer_${base}`;
  base = base.slice(0, 56).replace(/_$/, '');
  const taken = new Set(existing.map((t) => t.toLowerCase()));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return name;
}

export function importFile(store: ProjectStore, filePath: string, options: ImportOptions): ImportResult {
  const table = options.table ?? defaultTableName(filePath, options.kind, store.listLayers().map((l) => l.table));
  if (options.table !== undefined && !TABLE_NAME_RE.test(options.table)) {
    throw new UserInputError(
      'layer.invalid-name',
      `图层名“${options.table}”无效：只能用小写英文字母、数字和下划线，以字母开头，最长 63 个字符。`,
      `Invalid layer name "${options.table}".`,
    );
  }
  const { features, originalCrs, warnings } = readFeaturesFile(filePath, options);
  const layer = store.transaction(() => {
    const written = store.writeLayer({ table, kind: options.kind, title: options.title, sourceFile: basename(filePath), originalCrs, features });
    if (warnings.length > 0) store.appendAudit({ action: 'import-warnings', detail: { table, warnings } });
    return written;
  });
  return { ...layer, warnings };
}

/** Parcel submissions from a file (kind 'parcel'): polygons in EPSG:4490, unique canonical ids. */
export function readParcelsFile(filePath: string, options: { crs?: string; fieldMap?: Record<string, string> } = {}): Feature<Polygon | MultiPolygon>[] {
  return readFeaturesFile(filePath, { kind: 'parcel', crs: options.crs, fieldMap: options.fieldMap }).features as Feature<Polygon | MultiPolygon>[];
}
