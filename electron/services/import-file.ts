/**
 * File import pipeline (Node side): read the file(s) — a shapefile's siblings are picked up, a
 * `.zip` is expanded — hand them to the format module the registry picks (importers/registry.ts),
 * resolve the CRS (declared / proposed / `--crs`), check/repair/transform/normalise
 * (shared/importers/prepare.ts) and write the layer in one store transaction. Nothing touches the
 * project until the whole file has been read and checked, so a refused import leaves the project
 * file unchanged.
 *
 * Memory: each input file is read once into a Buffer (no copies; format modules read it through
 * DataView/subarray); features are built once and transformed in place into the prepared copy.
 * What remains: the whole file is in memory while parsing (no streaming reader yet), and the
 * store serialises all rows before its transaction.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { prepareFeatures, type AreaTotals } from '../../shared/importers/prepare';
import { crsLabelZh, normalizeCrs, withTowgs84 } from '../../shared/crs';
import { detectGcjOffset } from '../../shared/crs/offset';
import type { ParsedLayer, SourceFile } from '../../shared/importers/types';
import { UserInputError } from '../../shared/model/errors';
import { LAYER_KIND_GEOMETRY, type LayerInfo, type LayerKind } from '../../shared/model/layers';
import type { ProjectStore } from './project-store';
import { detectFormat } from './importers/registry';

export interface ImportOptions {
  kind: LayerKind;
  /** GeoPackage table name; default derived from the file name. */
  table?: string;
  /** Overrides / confirms the source CRS (`--crs`): `EPSG:n`, `GCJ02`, `BD09`. */
  crs?: string;
  /** User transformation for Xian 1980 / Beijing 1954 sources: `dx,dy,dz[,rx,ry,rz,s]` (`--towgs84`). */
  towgs84?: string;
  /** Overrides the detected text encoding (`--encoding`). */
  encoding?: string;
  /** For multi-layer sources (a zip with several shapefiles, GeoPackage): which layer (`--layer`). */
  layer?: string;
  title?: string;
  /** Explicit source field → canonical key mapping (field-mapping step of the UI). */
  fieldMap?: Record<string, string>;
}

/** LayerInfo plus what the import found: zh notes, format, encoding, area totals. */
export type ImportResult = LayerInfo & {
  warnings: string[];
  format: string;
  encoding?: string;
  areas: AreaTotals;
};

export interface ReadResult {
  features: Feature[];
  /** CRS the coordinates were read in (before transformation). */
  originalCrs: string;
  warnings: string[];
  format: string;
  encoding?: string;
  areas: AreaTotals;
  /** Layer name inside the source. */
  layerName: string;
}

const SHAPEFILE_SIBLINGS = ['.shp', '.shx', '.dbf', '.prj', '.cpg'];

function requireFile(filePath: string) {
  const name = basename(filePath);
  if (!existsSync(filePath)) {
    throw new UserInputError('import.file-not-found', `文件“${name}”不存在（${resolve(filePath)}）。`, `File "${filePath}" does not exist.`);
  }
  if (!statSync(filePath).isFile()) {
    throw new UserInputError('import.not-a-file', `“${name}”不是文件。`, `"${filePath}" is not a file.`);
  }
}

/** Zip entry names: UTF-8 when valid, else GBK (Windows zips of Chinese names carry no UTF-8 flag). */
function zipEntryName(raw: string): string {
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0) & 0xff);
  if ([...raw].some((c) => c.charCodeAt(0) > 0xff)) return raw;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

function expandZip(bytes: Uint8Array, zipName: string): SourceFile[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new UserInputError('import.bad-zip', `压缩包“${zipName}”无法解压（${(error as Error).message}），文件可能不完整或已损坏。`, `Cannot unzip "${zipName}": ${(error as Error).message}.`);
  }
  const files: SourceFile[] = [];
  for (const [rawName, data] of Object.entries(entries)) {
    if (rawName.endsWith('/') || /(^|\/)__MACOSX\//.test(rawName)) continue;
    const name = zipEntryName(rawName).split('/').pop()!;
    if (name.startsWith('._')) continue;
    files.push({ name, bytes: data });
  }
  if (files.length === 0) throw new UserInputError('import.empty-zip', `压缩包“${zipName}”是空的。`, `"${zipName}" is empty.`);
  return files;
}

/**
 * Reads the given paths as a source: a `.shp` brings its siblings (`.dbf/.shx/.prj/.cpg`, any
 * case), a `.zip` is expanded (a `.kmz` is left to its format module).
 */
export function readSourceFiles(filePaths: string | string[]): SourceFile[] {
  const paths = Array.isArray(filePaths) ? filePaths : [filePaths];
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    const key = resolve(path);
    if (seen.has(key)) return;
    seen.add(key);
    requireFile(path);
    const bytes = readFileSync(path);
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (extname(path).toLowerCase() === '.zip') files.push(...expandZip(data, basename(path)));
    else files.push({ name: basename(path), bytes: data });
  };
  for (const path of paths) {
    add(path);
    if (extname(path).toLowerCase() === '.shp') {
      const dir = dirname(path);
      const stem = basename(path, extname(path)).toLowerCase();
      for (const entry of readdirSync(dir)) {
        const ext = extname(entry).toLowerCase();
        if (basename(entry, extname(entry)).toLowerCase() === stem && SHAPEFILE_SIBLINGS.includes(ext)) add(join(dir, entry));
      }
    }
  }
  return files;
}

function pickLayer(layers: ParsedLayer[], wanted: string | undefined, fileName: string): ParsedLayer {
  if (wanted !== undefined) {
    const layer = layers.find((l) => l.name === wanted) ?? layers.find((l) => l.name.toLowerCase() === wanted.toLowerCase());
    if (!layer) {
      throw new UserInputError('import.layer-not-found', `文件“${fileName}”中没有图层“${wanted}”；可选：${layers.map((l) => l.name).join('、')}。`, `"${fileName}" has no layer "${wanted}".`);
    }
    return layer;
  }
  if (layers.length > 1) {
    throw new UserInputError(
      'import.choose-layer',
      `文件“${fileName}”包含 ${layers.length} 个图层：${layers.map((l) => l.name).join('、')}。请用 --layer 选择一个。`,
      `"${fileName}" has ${layers.length} layers (${layers.map((l) => l.name).join(', ')}); pass --layer.`,
    );
  }
  return layers[0];
}

/** The source CRS to use: `--crs` wins; a proposal (no .prj, magnitudes) must be confirmed. */
function resolveCrs(layer: ParsedLayer, options: ImportOptions, fileName: string, warnings: string[]): string {
  let code: string;
  const detected = layer.crs;
  if (options.crs !== undefined) {
    code = normalizeCrsOrPseudo(options.crs, options);
    if (detected.value && detected.confidence === 'certain' && detected.value !== code && detected.value !== options.crs) {
      warnings.push(`文件声明的坐标系为 ${detected.value}，已按 --crs 指定的 ${code} 读取。`);
    }
    return code;
  }
  if (detected.value === null) {
    throw new UserInputError(
      'import.crs-unknown',
      `文件“${fileName}”的坐标系无法确定：${detected.noteZh ?? ''} 请用 --crs 指定（如 EPSG:4490、EPSG:4525、GCJ02）。`,
      `"${fileName}": cannot determine the CRS; pass --crs.`,
    );
  }
  if (detected.confidence === 'proposed') {
    throw new UserInputError(
      'import.crs-proposed',
      `文件“${fileName}”没有可靠的坐标系说明。${detected.noteZh ?? ''} 如无误，请加 --crs ${detected.value} 确认后再导入（或指定其他坐标系）。`,
      `"${fileName}": CRS not declared; proposed ${detected.value} from coordinate magnitudes. Confirm with --crs ${detected.value}.`,
    );
  }
  try {
    return normalizeCrsOrPseudo(detected.value, options);
  } catch (error) {
    if (error instanceof UserInputError && error.code === 'crs.unknown') {
      throw new UserInputError('import.unknown-crs', `文件“${fileName}”声明的坐标系 ${detected.value} 不受支持。${error.messageZh}`, `"${fileName}": declared CRS ${detected.value} unsupported.`);
    }
    if (error instanceof UserInputError) throw new UserInputError(error.code, `文件“${fileName}”：${error.messageZh}`, `"${fileName}": ${error.messageEn}`);
    throw error;
  }
}

function normalizeCrsOrPseudo(code: string, options: ImportOptions): string {
  if (options.towgs84 !== undefined) return withTowgs84(code, options.towgs84);
  return normalizeCrs(code);
}

/** Reads and checks a file: features in EPSG:4490 with canonical attributes and ids. */
export function readFeaturesFile(
  filePaths: string | string[],
  options: Omit<ImportOptions, 'table' | 'title'> & { referenceFeatures?: () => Feature[] },
): ReadResult {
  const paths = Array.isArray(filePaths) ? filePaths : [filePaths];
  const fileName = basename(paths[0]);
  const files = readSourceFiles(paths);
  const module = detectFormat(files);
  const parsed = module.parse(files, { encoding: options.encoding, crs: options.crs, layers: options.layer ? [options.layer] : undefined });
  const layer = pickLayer(parsed.layers, options.layer, fileName);
  const warnings = [...layer.warnings];
  const sourceCrs = resolveCrs(layer, options, fileName, warnings);
  const prepared = prepareFeatures(layer.features, { fileName, kind: options.kind, sourceCrs, fieldMap: options.fieldMap });
  warnings.push(...prepared.warnings);
  if (options.referenceFeatures && LAYER_KIND_GEOMETRY[options.kind] === 'point' && sourceCrs !== 'GCJ02' && sourceCrs !== 'BD09') {
    const offset = detectGcjOffset(prepared.features, options.referenceFeatures());
    if (offset) warnings.push(offset.messageZh);
  }
  return {
    features: prepared.features,
    originalCrs: sourceCrs,
    warnings,
    format: parsed.formatLabelZh,
    encoding: layer.encoding?.value,
    areas: prepared.areas,
    layerName: layer.name,
  };
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

/** Features of the project's other layers (for the GCJ-02 offset check). */
function projectFeatures(store: ProjectStore): Feature[] {
  const out: Feature[] = [];
  for (const layer of store.listLayers()) out.push(...store.readFeatures(layer.table).features);
  return out;
}

export function importFile(store: ProjectStore, filePaths: string | string[], options: ImportOptions): ImportResult {
  const paths = Array.isArray(filePaths) ? filePaths : [filePaths];
  if (paths.length === 0) throw new UserInputError('import.no-files', '没有选择要导入的文件。', 'No files to import.');
  if (options.table !== undefined && !TABLE_NAME_RE.test(options.table)) {
    throw new UserInputError(
      'layer.invalid-name',
      `图层名“${options.table}”无效：只能用小写英文字母、数字和下划线，以字母开头，最长 63 个字符。`,
      `Invalid layer name "${options.table}".`,
    );
  }
  const main = paths.find((p) => extname(p).toLowerCase() === '.shp') ?? paths[0];
  const read = readFeaturesFile(paths, { ...options, referenceFeatures: () => projectFeatures(store) });
  const existing = store.listLayers().map((l) => l.table);
  const table = options.table ?? defaultTableName(extname(main).toLowerCase() === '.zip' || options.layer ? `${read.layerName}.x` : main, options.kind, existing);
  const layer = store.transaction(() => {
    const written = store.writeLayer({ table, kind: options.kind, title: options.title, sourceFile: basename(main), originalCrs: read.originalCrs, features: read.features });
    if (read.warnings.length > 0) store.appendAudit({ action: 'import-warnings', detail: { table, warnings: read.warnings } });
    return written;
  });
  return { ...layer, warnings: read.warnings, format: read.format, encoding: read.encoding, areas: read.areas };
}

/** Parcel submissions from a file (kind 'parcel'): polygons in EPSG:4490, unique canonical ids. */
export function readParcelsFile(
  filePaths: string | string[],
  options: { crs?: string; towgs84?: string; encoding?: string; layer?: string; fieldMap?: Record<string, string> } = {},
): Feature<Polygon | MultiPolygon>[] {
  return readFeaturesFile(filePaths, { kind: 'parcel', ...options }).features as Feature<Polygon | MultiPolygon>[];
}

/** zh label of a CRS code (re-exported for the CLI). */
export { crsLabelZh };
