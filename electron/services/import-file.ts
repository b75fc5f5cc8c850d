/**
 * File import pipeline (Node side): open the source — a shapefile's siblings are picked up, a
 * `.zip` is expanded — with the format module the registry picks (importers/registry.ts), resolve
 * the CRS (declared / proposed / `--crs`) before anything is written, then in one store
 * transaction: check/repair/transform/normalise each feature (shared/importers/prepare.ts) and
 * write it. A refused feature, a cancel or any error rolls the transaction back, so a
 * failed import leaves the project file unchanged.
 *
 * Memory — what streams and what does not:
 *  - Shapefiles on disk (`.shp` + siblings, the files that get huge: 100 000+ polygons) stream:
 *    .shp and .dbf are read through bounded windows (shared/importers/shapefile.ts), the encoding
 *    is detected on a sample of the DBF, the CRS proposal on records sampled via the .shx, and
 *    each feature is prepared and written as it comes, one at a time (a feature that lives only
 *    until it is written dies in V8's young generation, which keeps the heap small). A first,
 *    attributes-only pass over the DBF settles the table's columns and their types before the write (the
 *    GeoPackage table needs them up front; it reads the small DBF twice rather than holding the
 *    features). What stays in memory across the file: the feature ids (duplicate check), the
 *    first 20 repair notes and, for point layers, the first 500 points (GCJ-02 check).
 *  - CSV and XLSX tables stream too (FormatModule.open): the file is read in chunks (an XLSX's
 *    parts inflated piece by piece and parsed with SAX), one pass settles the header, axis order
 *    and CRS, and the attribute and feature passes read the rows again (shared/importers/table.ts).
 *    What stays: an XLSX's shared strings and, for a corner list, ≈ 40 bytes per row.
 *  - Everything else is whole-file and read once: GeoJSON, KML/KMZ, boundary-point TXT and a
 *    zipped shapefile are read into one buffer, parsed into features and then go through the
 *    same per-feature pipeline (no second copy of the prepared features); a GeoPackage source is
 *    opened by path (SQLite pages on demand, importers/gpkg.ts).
 *
 * The largest single feature is held whole (with its projected copy and its encoded blob): about
 * 230 bytes per vertex, so a 2 000 000-vertex polygon peaks at ≈ 650 MB.
 *
 * Progress: `hooks.onProgress` gets features done / total (total from the .shx or DBF header, or
 * the parsed array), throttled to one call per 100 ms; `hooks.shouldCancel` is polled per feature
 * (per batch of rows, and every 50 ms while waiting, on two threads).
 *
 * Two threads (LANDGATE_IMPORT_PIPELINE=1; off by default, import-pipeline.ts says why): for a
 * source of 4 MB or more, ImportStage (everything but the database) runs on a preparing worker
 * that encodes the rows, and this thread stores them: the same stage, the same row encoder and
 * the same transaction, so the same result; without the worker (off, not built, does not start)
 * both halves run here.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { unzipWithinBudget } from '../../shared/importers/zip';
import { sanitiseFields } from '../../shared/importers/fields';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { areaTotals, canonicalProperties, FeaturePreparer, prepareFeatures, type AreaTotals } from '../../shared/importers/prepare';
import { gpkgBlobGeodesicAreaM2 } from './gpkg-binary';
import { openShapefile, type ShapefileSources } from '../../shared/importers/shapefile';
import { encodingLabelZh } from '../../shared/importers/encoding';
import { crsLabelZh, normalizeCrs, withTowgs84 } from '../../shared/crs';
import { detectGcjOffset, gcjProbeBoxes } from '../../shared/crs/offset';
import type { ByteSource, ParsedLayer, SourceFile, StreamedLayer } from '../../shared/importers/types';
import { canonicalKeys, resolveFieldMap } from '../../shared/model/attributes';
import { isUserInputError, UserInputError } from '../../shared/model/errors';
import { LAYER_KIND_GEOMETRY, LAYER_KIND_LABEL_ZH, type GpkgGeometryType, type LayerInfo, type LayerKind } from '../../shared/model/layers';
import { text, type CodedText } from '../../shared/model/text';
import { importNoteZh } from '../../shared/importers/messages';
import type { ProjectStore } from './project-store';
import { ColumnInference, LayerRepository, type ColumnType, type LayerWriter } from './store/layers';
import { startImportPipeline, type ImportPipeline } from './import-pipeline';
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

/** LayerInfo plus what the import found: notes (coded, shared/importers/messages.ts), format, encoding, area totals. */
export type ImportResult = LayerInfo & {
  warnings: CodedText[];
  format: string;
  encoding?: string;
  areas: AreaTotals;
};

export interface ReadResult {
  features: Feature[];
  /** CRS the coordinates were read in (before transformation). */
  originalCrs: string;
  warnings: CodedText[];
  format: string;
  encoding?: string;
  areas: AreaTotals;
  /** Layer name inside the source. */
  layerName: string;
}

const SHAPEFILE_SIBLINGS = ['.shp', '.shx', '.dbf', '.prj', '.cpg'];
/** Formats read from disk as they are parsed (FormatModule.open), whatever their size. */
const STREAMED_EXTENSIONS = ['.csv', '.tsv', '.xlsx'];
/** Files opened in place rather than read whole, so not held to MAX_WHOLE_FILE_BYTES. */
const UNLIMITED_EXTENSIONS = ['.gpkg', ...STREAMED_EXTENSIONS];

/**
 * Most a file read whole may be (GeoJSON, KML, TXT, a zipped shapefile; archives are also held to
 * MAX_INFLATED_BYTES inflated). Parsing holds the text and the parsed features, a few
 * times the file, so this bounds an import's memory; shapefiles on disk and GeoPackages stream
 * and have no such limit, nor do CSV and XLSX tables, which stream.
 */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Any failure while reading a source becomes a refusal naming the file the user gave: a
 * UserInputError from inside an archive is prefixed with the archive's name, anything else (a
 * parser tripping over malformed content, a too-deep structure, SQLite refusing a name) is
 * reported as an unreadable file. Only a cancel passes through as it is.
 */
export function refusalFor(error: unknown, paths: string[]): unknown {
  if (error instanceof ImportCancelled) return error;
  const given = basename(paths[0]);
  const archive = /\.(zip|kmz|xlsx)$/i.test(given);
  if (isUserInputError(error)) {
    if (!archive || error.messageZh.includes(`“${given}”`)) return error;
    return new UserInputError(error.code, `压缩包“${given}”：${error.messageZh}`, `"${paths[0]}": ${error.messageEn}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  const tooDeep = error instanceof RangeError && /call stack/i.test(message);
  return new UserInputError(
    'import.unreadable',
    tooDeep ? `文件“${given}”的结构嵌套过深，无法读取。项目未改动。` : `文件“${given}”无法读取：内容格式有误或已损坏（${message.slice(0, 200)}）。项目未改动。`,
    `"${paths[0]}" cannot be read: ${message.slice(0, 500)}`,
  );
}

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
  const entries = unzipWithinBudget(bytes, zipName, (entry) => !entry.name.endsWith('/') && !/(^|\/)__MACOSX\//.test(entry.name));
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

function readHead(path: string, length: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const n = readSync(fd, buffer, 0, length, 0);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, n);
  } finally {
    closeSync(fd);
  }
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
    if (!UNLIMITED_EXTENSIONS.includes(extname(path).toLowerCase()) && statSync(path).size > MAX_WHOLE_FILE_BYTES) {
      throw new UserInputError(
        'import.file-too-large',
        `文件“${basename(path)}”有 ${Math.round(statSync(path).size / 1024 / 1024)} MB，超过这种格式可一次读入的 ${MAX_WHOLE_FILE_BYTES / 1024 / 1024} MB。请改用 Shapefile（不压缩）或 GeoPackage，它们按需读取，没有大小限制。`,
        `"${path}" is larger than ${MAX_WHOLE_FILE_BYTES} bytes; use an unzipped Shapefile or a GeoPackage.`,
      );
    }
    if (extname(path).toLowerCase() === '.gpkg') {
      // a GeoPackage is opened by path (importers/gpkg.ts): read only the header for sniffing
      files.push({ name: basename(path), bytes: readHead(path, 100), path: resolve(path) });
      return;
    }
    if (STREAMED_EXTENSIONS.includes(extname(path).toLowerCase())) {
      // tables are read through `source` as they are parsed, never whole
      files.push({ name: basename(path), bytes: readHead(path, 4096), path: resolve(path), source: pathSource(path) });
      return;
    }
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

function pickLayer<L extends { name: string }>(layers: L[], wanted: string | undefined, fileName: string): L {
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
function resolveCrs(layer: Pick<ParsedLayer, 'crs'>, options: ImportOptions, fileName: string, warnings: CodedText[]): string {
  let code: string;
  const detected = layer.crs;
  if (options.crs !== undefined) {
    code = normalizeCrsOrPseudo(options.crs, options);
    if (detected.value && detected.confidence === 'certain' && detected.value !== code && detected.value !== options.crs) {
      warnings.push(text('importNote.crsOverridden', { declared: detected.value, used: code }));
    }
    return code;
  }
  if (detected.value === null) {
    throw new UserInputError(
      'import.crs-unknown',
      `文件“${fileName}”的坐标系无法确定：${detected.note ? importNoteZh(detected.note) : ''} 请用 --crs 指定（如 EPSG:4490、EPSG:4525、GCJ02）。`,
      `"${fileName}": cannot determine the CRS; pass --crs.`,
    );
  }
  if (detected.confidence === 'proposed') {
    throw new UserInputError(
      'import.crs-proposed',
      `文件“${fileName}”没有可靠的坐标系说明。${detected.note ? importNoteZh(detected.note) : ''} 如无误，请加 --crs ${detected.value} 确认后再导入（或指定其他坐标系）。`,
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

/**
 * An explicit mapping must name fields the file has and keys the kind knows: a typo would
 * otherwise import silently without the mapping (and, for an id, number the parcels 1…N).
 */
function checkFieldMap(fieldMap: Record<string, string> | undefined, kind: LayerKind, fields: string[], fileName: string): void {
  if (!fieldMap) return;
  const keys = canonicalKeys(kind);
  for (const [field, key] of Object.entries(fieldMap)) {
    if (key !== '' && !keys.includes(key)) {
      throw new UserInputError(
        'import.field-map-key',
        `字段对应“${field}=${key}”中的“${key}”不是${LAYER_KIND_LABEL_ZH[kind]}（${kind}）图层的标准字段；可用：${keys.join('、')}。`,
        `Field mapping "${field}=${key}": "${key}" is not a key of kind ${kind} (known: ${keys.join(', ')}).`,
      );
    }
    if (!fields.includes(field)) {
      throw new UserInputError(
        'import.field-map-field',
        `文件“${fileName}”中没有字段“${field}”（字段对应）；文件的字段：${fields.length > 0 ? fields.join('、') : '（无）'}。`,
        `"${fileName}" has no field "${field}" (field mapping); its fields: ${fields.join(', ')}.`,
      );
    }
  }
}

/**
 * The columns with the file field each canonical key was read from (resolveFieldMap, the same
 * resolution the features go through), kept in the layer's metadata so the attribute table can
 * show 规划用途 with GHYT beside it. A field no key claimed is kept under its own name, and a
 * `<key>Raw` column came from the same field as its key.
 */
function withSourceFields(columns: Array<{ key: string; type: ColumnType }>, kind: LayerKind, fields: string[], fieldMap: Record<string, string> | undefined): Array<{ key: string; type: ColumnType; source?: string }> {
  const sourceOf = new Map<string, string>();
  const resolved = Object.entries(resolveFieldMap(kind, fields, fieldMap));
  for (const [field, key] of resolved) if (key) sourceOf.set(key, field);
  for (const [field, key] of resolved) if (!key && !sourceOf.has(field)) sourceOf.set(field, field);
  return columns.map((c) => {
    const source = sourceOf.get(c.key) ?? (c.key.endsWith('Raw') ? sourceOf.get(c.key.slice(0, -3)) : undefined);
    return source ? { ...c, source } : c;
  });
}

function normalizeCrsOrPseudo(code: string, options: ImportOptions): string {
  if (options.towgs84 !== undefined) return withTowgs84(code, options.towgs84);
  return normalizeCrs(code);
}

/** Reads and checks a file: features in EPSG:4490 with canonical attributes and ids. */
export function readFeaturesFile(
  filePaths: string | string[],
  options: Omit<ImportOptions, 'table' | 'title'>,
): ReadResult {
  const paths = Array.isArray(filePaths) ? filePaths : [filePaths];
  try {
    return readFeaturesFileUnguarded(paths, options);
  } catch (error) {
    throw refusalFor(error, paths);
  }
}

function readFeaturesFileUnguarded(paths: string[], options: Omit<ImportOptions, 'table' | 'title'>): ReadResult {
  const fileName = basename(paths[0]);
  const files = readSourceFiles(paths);
  const module = detectFormat(files);
  const parsed = module.parse(files, { encoding: options.encoding, crs: options.crs, layers: options.layer ? [options.layer] : undefined });
  const layer = pickLayer(parsed.layers, options.layer, fileName);
  layer.fields = sanitiseFields(layer.features, layer.fields, fileName);
  const warnings = [...layer.warnings];
  checkFieldMap(options.fieldMap, options.kind, layer.fields, fileName);
  const sourceCrs = resolveCrs(layer, options, fileName, warnings);
  const prepared = prepareFeatures(layer.features, { fileName, kind: options.kind, sourceCrs, fieldMap: options.fieldMap, fields: layer.fields });
  warnings.push(...prepared.warnings);
  return {
    features: prepared.features,
    originalCrs: sourceCrs,
    warnings,
    format: importNoteZh(parsed.formatLabel),
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

/**
 * The features of the project's other layers near the sampled points, for the GCJ-02 offset
 * check: found through each layer's spatial index (gcjProbeBoxes), so the check costs what the
 * sample costs, not what the project holds.
 */
function featuresNear(store: ProjectStore, tables: readonly string[], sample: readonly Feature[]): Feature[] {
  const boxes = gcjProbeBoxes(sample);
  if (boxes.length === 0) return [];
  const out: Feature[] = [];
  for (const table of tables) {
    for (const f of store.requestFeatures(table, { bboxes: boxes, attributes: [] })) out.push({ type: 'Feature', properties: {}, geometry: f.geometry! });
  }
  return out;
}

export interface ImportHooks {
  /** Features checked and written so far (`total` null when the source does not say); throttled. */
  onProgress?(progress: { done: number; total: number | null }): void;
  /** Polled before each feature; true stops the import with ImportCancelled, rolling it back. */
  shouldCancel?(): boolean;
}

/** The import was cancelled through `hooks.shouldCancel`; nothing was written. */
export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled');
  }
}

/** zh progress text: “已检查并写入 12 345 / 100 000 个要素”. */
export function progressText(done: number, total: number | null): CodedText {
  const n = (v: number) => String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return total === null ? text('importNote.phase.written', { done: n(done) }) : text('importNote.phase.writtenOf', { done: n(done), total: n(total) });
}

export function progressTextZh(done: number, total: number | null): string {
  return importNoteZh(progressText(done, total));
}

const PROGRESS_INTERVAL_MS = 100;
/** Points kept for the GCJ-02 offset check (detectGcjOffset samples the first 500 positions). */
const GCJ_SAMPLE = 500;

/** Bytes [position, position + length) of an open file of `size` bytes, clipped at its end. */
function readRange(fd: number, size: number, position: number, length: number, into?: Uint8Array): Uint8Array {
  const n = Math.max(0, Math.min(length, size - position));
  const buffer = into ?? Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    const r = readSync(fd, buffer, got, n - got, position + got);
    if (r === 0) break;
    got += r;
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, got);
}

/** A file on disk as a ByteSource (reads with pread, nothing cached here). */
function fileSource(path: string, fds: number[]): ByteSource {
  requireFile(path);
  const fd = openSync(path, 'r');
  fds.push(fd);
  const size = fstatSync(fd).size;
  return { name: basename(path), size, read: (position, length) => readRange(fd, size, position, length), readInto: (position, length, into) => readRange(fd, size, position, length, into) };
}

/**
 * A file on disk as a ByteSource that opens it for each read (a read is a chunk of ≥ 16 KB), so
 * sources handed around with the file list need no closing.
 */
export function pathSource(path: string): ByteSource {
  const size = statSync(path).size;
  return {
    name: basename(path),
    size,
    read(position, length) {
      const fd = openSync(path, 'r');
      try {
        return readRange(fd, size, position, length);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** The shapefiles among the paths (each .shp with its siblings on disk), or null when the source is not a plain shapefile. */
function shapefileSets(paths: string[]): Map<string, Map<string, string>> | null {
  if (!paths.some((p) => extname(p).toLowerCase() === '.shp') || paths.some((p) => extname(p).toLowerCase() === '.zip')) return null;
  const sets = new Map<string, Map<string, string>>();
  const add = (path: string) => {
    const ext = extname(path).toLowerCase();
    if (!SHAPEFILE_SIBLINGS.includes(ext)) return;
    const key = join(dirname(resolve(path)), basename(path, extname(path)).toLowerCase());
    if (!sets.has(key)) sets.set(key, new Map());
    if (!sets.get(key)!.has(ext)) sets.get(key)!.set(ext, path);
  };
  for (const path of paths) {
    requireFile(path);
    add(path);
    if (extname(path).toLowerCase() === '.shp') {
      const dir = dirname(path);
      const stem = basename(path, extname(path)).toLowerCase();
      for (const entry of readdirSync(dir)) {
        if (basename(entry, extname(entry)).toLowerCase() === stem) add(join(dir, entry));
      }
    }
  }
  for (const [key, set] of sets) if (!set.has('.shp')) sets.delete(key);
  return sets;
}

/** Opens the source as a StreamedLayer: shapefiles on disk and tables stream, other formats are parsed whole. */
function openLayer(paths: string[], options: Pick<ImportOptions, 'encoding' | 'crs' | 'layer'>, fds: number[]): { layer: StreamedLayer; formatLabel: CodedText } {
  const fileName = basename(paths[0]);
  const sets = shapefileSets(paths);
  if (sets) {
    const named = [...sets.values()].map((set) => ({ name: basename(set.get('.shp')!, extname(set.get('.shp')!)), set }));
    const { set } = pickLayer(named, options.layer, fileName);
    const sources: ShapefileSources = { shp: fileSource(set.get('.shp')!, fds) };
    for (const ext of ['.shx', '.dbf', '.prj', '.cpg'] as const) {
      const path = set.get(ext);
      if (path) sources[ext.slice(1) as 'shx' | 'dbf' | 'prj' | 'cpg'] = fileSource(path, fds);
    }
    const layer = openShapefile(sources, { encoding: options.encoding, crs: options.crs });
    return { layer, formatLabel: layer.encoding ? text('importNote.format.shapefileEncoded', { encoding: encodingLabelZh(layer.encoding.value) }) : text('importNote.format.shapefile') };
  }
  const files = readSourceFiles(paths);
  const module = detectFormat(files);
  const parseOptions = { encoding: options.encoding, crs: options.crs, layers: options.layer ? [options.layer] : undefined };
  if (module.open) {
    const opened = module.open(files, parseOptions);
    return { layer: pickLayer(opened.layers, options.layer, fileName), formatLabel: opened.formatLabel };
  }
  const parsed = module.parse(files, parseOptions);
  const picked = pickLayer(parsed.layers, options.layer, fileName);
  picked.fields = sanitiseFields(picked.features, picked.fields, fileName);
  return { layer: wholeLayer(picked), formatLabel: parsed.formatLabel };
}

/** A parsed (whole-file) layer in the streamed shape, so both go through one pipeline. */
function wholeLayer(layer: ParsedLayer): StreamedLayer {
  let position = 0;
  const { features, ...rest } = layer;
  return {
    ...rest,
    total: features.length,
    position: () => position,
    geometryTypes: [...new Set(features.map((f) => f.geometry?.type).filter((t): t is NonNullable<typeof t> => !!t && t !== 'GeometryCollection'))],
    attributes: () => features.filter((f) => f.geometry).map((f) => ({ properties: (f.properties ?? {}) as Record<string, unknown>, id: f.id })),
    *features() {
      for (position = 0; position < features.length; ) yield features[position++];
    },
    finalWarnings: () => [],
  };
}

/** What an import settles before any feature is written (ImportStage), in either thread. */
export interface StageHeader {
  table: string;
  /** The file name recorded with the layer. */
  sourceFile: string;
  sourceCrs: string;
  columns: Array<{ key: string; type: ColumnType; source?: string }>;
  geometryType: GpkgGeometryType;
  formatLabel: CodedText;
  encoding?: string;
  /** Features in the source, when it says (progress). */
  total: number | null;
  /** The GCJ-02 check runs (point layers not declared GCJ-02 / BD-09): the first points are kept for it. */
  gcjCheck: boolean;
}

/** What an import found once every feature was prepared. */
export interface StageFinal {
  /** The notes of the source, the CRS and the preparation, in the order the import reports them. */
  warnings: CodedText[];
  areas: AreaTotals;
  /** Features read from the source (kept or skipped). */
  count: number;
  /** The first GCJ_SAMPLE kept features when `gcjCheck`. */
  gcjSample: Feature[];
  /** For a Gauss-Krüger source, the planar area sum (areaTotals), for a writer that measures the geodesic areas itself. */
  planar: { m2: number; crs: string } | null;
}

/**
 * The database-free half of an import: opens the source, resolves the CRS, settles the table's
 * name, columns and geometry type (the attributes-only pass), then prepares the features one by
 * one (`run`). The import runs it on its own thread, or on a preparing thread
 * (import-pipeline.ts) that hands the encoded rows to the writing one: the same code either way.
 */
export class ImportStage {
  readonly header: StageHeader;
  private readonly layer: StreamedLayer;
  private readonly preparer: FeaturePreparer;
  private readonly crsWarnings: CodedText[];
  private readonly fds: number[] = [];

  /**
   * `existing`: the project's tables (a default table name avoids them); `cancelled` throws when
   * the import is cancelled; `geodesicArea` false leaves the geodesic areas to the writer (see
   * PrepareOptions), whose total then goes with `StageFinal.planar` through areaTotals.
   */
  constructor(paths: string[], options: ImportOptions, existing: readonly string[], cancelled: () => void, geodesicArea = true) {
    try {
      const main = paths.find((p) => extname(p).toLowerCase() === '.shp') ?? paths[0];
      const fileName = basename(paths[0]);
      const { kind, fieldMap } = options;
      const { layer, formatLabel } = openLayer(paths, options, this.fds);
      this.layer = layer;
      checkFieldMap(fieldMap, kind, layer.fields, fileName);
      this.crsWarnings = [];
      const sourceCrs = resolveCrs(layer, options, fileName, this.crsWarnings);
      const table = options.table ?? defaultTableName(extname(main).toLowerCase() === '.zip' || options.layer ? `${layer.name}.x` : main, kind, existing);

      // Settled before the transaction: the columns (attributes-only pass) and the table's geometry type.
      const inference = new ColumnInference();
      let n = 0;
      for (const attributes of layer.attributes()) {
        inference.add(canonicalProperties(kind, attributes, ++n, fieldMap));
        if ((n & 1023) === 0) cancelled();
      }
      this.header = {
        table,
        sourceFile: basename(main),
        sourceCrs,
        columns: withSourceFields(inference.columns(), kind, layer.fields, fieldMap),
        geometryType: LayerRepository.geometryTypeFor(kind, layer.geometryTypes),
        formatLabel,
        encoding: layer.encoding?.value,
        total: layer.total,
        gcjCheck: LAYER_KIND_GEOMETRY[kind] === 'point' && sourceCrs !== 'GCJ02' && sourceCrs !== 'BD09',
      };
      this.preparer = new FeaturePreparer({ fileName, kind, sourceCrs, fieldMap, fields: layer.fields, geodesicArea });
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Source features read so far. */
  position(): number {
    return this.layer.position();
  }

  /**
   * Prepares every feature: `emit` gets each kept one (in EPSG:4490, canonical attributes and
   * id), `step` runs after each feature read; `cancelled` is polled before each. Throws the
   * refusal of the first unusable feature, or of the whole (no feature, duplicate parcel ids).
   */
  run(emit: (feature: Feature) => void, step: () => void, cancelled: () => void): StageFinal {
    const { layer, preparer } = this;
    const gcjSample: Feature[] = [];
    const keepSample = this.header.gcjCheck;
    for (const raw of layer.features()) {
      cancelled();
      const feature = preparer.add(raw);
      if (feature) {
        emit(feature);
        if (keepSample && gcjSample.length < GCJ_SAMPLE) gcjSample.push(feature);
      }
      step();
    }
    cancelled();
    const prepared = preparer.finish();
    const warnings = [...layer.warnings, ...layer.finalWarnings(), ...this.crsWarnings, ...prepared.warnings];
    return { warnings, areas: prepared.areas, count: preparer.count, gcjSample, planar: preparer.planar };
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }
}

export function importFile(store: ProjectStore, filePaths: string | string[], options: ImportOptions, hooks: ImportHooks = {}): ImportResult {
  const paths = Array.isArray(filePaths) ? filePaths : [filePaths];
  try {
    return importFileUnguarded(store, paths, options, hooks);
  } catch (error) {
    throw refusalFor(error, paths);
  }
}

function importFileUnguarded(store: ProjectStore, paths: string[], options: ImportOptions, hooks: ImportHooks): ImportResult {
  if (paths.length === 0) throw new UserInputError('import.no-files', '没有选择要导入的文件。', 'No files to import.');
  if (options.table !== undefined && !TABLE_NAME_RE.test(options.table)) {
    throw new UserInputError(
      'layer.invalid-name',
      `图层名“${options.table}”无效：只能用小写英文字母、数字和下划线，以字母开头，最长 63 个字符。`,
      `Invalid layer name "${options.table}".`,
    );
  }
  const cancelled = () => {
    if (hooks.shouldCancel?.()) throw new ImportCancelled();
  };
  const existing = store.listLayers().map((l) => l.table);
  const pipeline = startImportPipeline(paths, options, existing, cancelled);
  if (pipeline) {
    try {
      return importThroughPipeline(store, pipeline, existing, options, hooks, cancelled);
    } finally {
      pipeline.stop();
    }
  }
  const stage = new ImportStage(paths, options, existing, cancelled);
  try {
    const { header } = stage;
    // the project's layers for the GCJ-02 check, listed before the new layer exists
    const referenceTables = header.gcjCheck ? existing : null;
    const report = progressReporter(hooks, header.total);
    return store.transaction(() => {
      const writer = beginImportedLayer(store, header, options);
      report(stage.position(), true);
      const one: Feature[] = [];
      const final = stage.run(
        (feature) => {
          one[0] = feature;
          writer.write(one);
        },
        () => report(stage.position(), false),
        cancelled,
      );
      return finishImport(store, writer, header, final, referenceTables, hooks);
    });
  } finally {
    stage.close();
  }
}

/** The same import with the features prepared and encoded on another thread (import-pipeline.ts), stored here. */
function importThroughPipeline(store: ProjectStore, pipeline: ImportPipeline, existing: readonly string[], options: ImportOptions, hooks: ImportHooks, cancelled: () => void): ImportResult {
  const header = pipeline.header();
  const referenceTables = header.gcjCheck ? existing : null;
  const report = progressReporter(hooks, header.total);
  return store.transaction(() => {
    const writer = beginImportedLayer(store, header, options);
    report(0, true);
    // The geodesic area total is summed here, row by row in the order the rows are stored (the
    // preparer's order and sum): each feature's area measured on the preparing thread, or here
    // from the stored blob (the same coordinates) when that thread left it, so that whichever
    // thread has time measures.
    const measure = header.geometryType === 'MULTIPOLYGON' || header.geometryType === 'GEOMETRY';
    let geodesicM2 = 0;
    const area = (blob: Uint8Array, measured: number) => {
      geodesicM2 += !Number.isNaN(measured) ? measured : measure ? gpkgBlobGeodesicAreaM2(blob) : 0;
    };
    const final = pipeline.pump(writer, area, (position) => report(position, false));
    cancelled();
    return finishImport(store, writer, header, { ...final, areas: areaTotals(geodesicM2, final.planar) }, referenceTables, hooks);
  });
}

function beginImportedLayer(store: ProjectStore, header: StageHeader, options: ImportOptions): LayerWriter {
  const { table, sourceFile, sourceCrs, columns, geometryType } = header;
  return store.beginLayer({ table, kind: options.kind, title: options.title, sourceFile, originalCrs: sourceCrs, columns, geometryType });
}

/** Progress at most every PROGRESS_INTERVAL_MS (or when forced): features read of `total`. */
function progressReporter(hooks: ImportHooks, total: number | null): (position: number, force: boolean) => void {
  let lastReport = 0;
  return (position, force) => {
    if (!hooks.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    hooks.onProgress({ done: Math.min(position, total ?? Infinity), total });
  };
}

/** Inside the transaction, once every feature is written: the GCJ-02 check, the layer's record, the audit of the notes. */
function finishImport(store: ProjectStore, writer: LayerWriter, header: StageHeader, final: StageFinal, referenceTables: readonly string[] | null, hooks: ImportHooks): ImportResult {
  const warnings = final.warnings;
  if (referenceTables) {
    const offset = detectGcjOffset(final.gcjSample, featuresNear(store, referenceTables, final.gcjSample));
    if (offset) warnings.push(offset.message);
  }
  const written = writer.finish();
  const { table, total } = header;
  // the audit log keeps the Chinese it always recorded (the text of record, like a finding's message)
  if (warnings.length > 0) store.appendAudit({ action: 'import-warnings', detail: { table, warnings: warnings.map(importNoteZh) } });
  if (hooks.onProgress) hooks.onProgress({ done: total ?? final.count, total });
  return { ...written, warnings, format: importNoteZh(header.formatLabel), encoding: header.encoding, areas: final.areas };
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
