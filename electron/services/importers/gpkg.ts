/**
 * GeoPackage (QGIS / GDAL-written) → layers. A file on disk is opened read-only by path (only its
 * first bytes were read, for sniffing: see readSourceFiles), other bytes as an in-memory SQLite
 * copy (better-sqlite3 deserialisation); the source is never opened for writing. Feature tables
 * are listed from gpkg_contents + gpkg_geometry_columns, geometries decoded from GP blobs
 * (gpkg-binary.ts), the srs_id mapped to a CRS LandGate knows: 4490, 4326, 3857, the CGCS2000
 * Gauss-Krüger codes 4491–4554, Xian 1980 / Beijing 1954 codes (which then need user parameters);
 * anything else is refused with the srs definition shown. Non-geometry columns become attributes
 * (BLOBs are skipped).
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import type { Feature } from 'geojson';
import { isKnownCrs, needsTransformationParameters } from '../../../shared/crs';
import type { Detected, FormatModule, ParsedLayer, ParsedSource, ParseOptions, SourceFile } from '../../../shared/importers/types';
import { UserInputError } from '../../../shared/model/errors';
import { text } from '../../../shared/model/text';
import { decodeGpkgGeometry } from '../gpkg-binary';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

function sqliteOptions(): Database.Options {
  const binding = process.env.LANDGATE_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}

const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface LayerRow {
  table_name: string;
  identifier: string | null;
  column_name: string;
  srs_id: number;
}

function crsOf(db: Database.Database, srsId: number, fileName: string, table: string, override?: string): Detected<string | null> {
  if (override) return { value: override, source: 'user', confidence: 'certain' };
  const srs = db.prepare('SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?').get(srsId) as
    | { srs_name: string; organization: string; organization_coordsys_id: number; definition: string }
    | undefined;
  const org = srs?.organization?.toUpperCase();
  const code = org === 'EPSG' ? `EPSG:${srs!.organization_coordsys_id}` : srsId > 0 ? `EPSG:${srsId}` : null;
  if (srsId === 0 || srsId === -1) {
    return { value: null, source: 'declared', confidence: 'proposed', note: text('importNote.crs.gpkgUndefined', { table, srsId }) };
  }
  if (code && (isKnownCrs(code) || needsTransformationParameters(code))) {
    return { value: code, source: 'declared', confidence: 'certain', note: text('importNote.crs.gpkgDeclared', { name: srs?.srs_name ?? code, code, wgs84: code === 'EPSG:4326' ? text('importNote.crs.gpkgWgs84') : '' }) };
  }
  const definition = (srs?.definition ?? '').replace(/\s+/g, ' ').slice(0, 300);
  throw new UserInputError(
    'import.gpkg-crs',
    `文件“${fileName}”图层“${table}”的坐标系 ${srs?.srs_name ?? ''}（srs_id=${srsId}${code ? `，${code}` : ''}）LandGate 不支持。定义：${definition || '（无）'}。请在 QGIS/GDAL 中转换为 CGCS2000（EPSG:4490 或 4513–4554）后再导入。`,
    `"${fileName}" layer "${table}": unsupported CRS srs_id=${srsId} (${srs?.srs_name ?? ''}).`,
  );
}

function open(file: SourceFile): Database.Database {
  const head = new TextDecoder('latin1').decode(file.bytes.subarray(0, 16));
  if (head !== SQLITE_MAGIC) {
    throw new UserInputError('import.invalid-gpkg', `文件“${file.name}”不是 GeoPackage（不是 SQLite 数据库文件）。`, `"${file.name}" is not a GeoPackage (not SQLite).`);
  }
  if (file.path) {
    // on disk: read-only by path, SQLite reads the pages it needs (no copy of the file in memory)
    try {
      const db = new Database(file.path, { ...sqliteOptions(), readonly: true, fileMustExist: true });
      try {
        db.prepare('SELECT count(*) FROM sqlite_master').get();
        return db;
      } catch (error) {
        db.close();
        throw error;
      }
    } catch {
      // e.g. a WAL-mode file in a read-only folder: fall back to an in-memory copy
    }
  }
  try {
    const bytes = file.path ? readFileSync(file.path) : file.bytes;
    const db = new Database(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), sqliteOptions());
    db.pragma('query_only = ON');
    return db;
  } catch (error) {
    throw new UserInputError('import.invalid-gpkg', `文件“${file.name}”无法作为 SQLite 数据库打开（${(error as Error).message}），文件可能不完整或已损坏。`, `"${file.name}": cannot open as SQLite: ${(error as Error).message}`);
  }
}

/** Feature layers of a GeoPackage: table, geometry column, srs id, feature count. */
export function listGpkgLayers(file: SourceFile): Array<{ name: string; srsId: number; featureCount: number }> {
  const db = open(file);
  try {
    return layerRows(db, file.name).map((row) => ({
      name: row.table_name,
      srsId: row.srs_id,
      featureCount: (db.prepare(`SELECT count(*) AS n FROM ${quoteId(row.table_name)}`).get() as { n: number }).n,
    }));
  } finally {
    db.close();
  }
}

function layerRows(db: Database.Database, fileName: string): LayerRow[] {
  try {
    return db
      .prepare(
        `SELECT c.table_name, c.identifier, g.column_name, g.srs_id FROM gpkg_contents c
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         WHERE c.data_type = 'features' ORDER BY c.table_name`,
      )
      .all() as LayerRow[];
  } catch (error) {
    throw new UserInputError(
      'import.invalid-gpkg',
      `文件“${fileName}”不是有效的 GeoPackage（缺少 gpkg_contents / gpkg_geometry_columns：${(error as Error).message}）。`,
      `"${fileName}": not a valid GeoPackage (${(error as Error).message}).`,
    );
  }
}

export function parseGpkg(files: SourceFile[], options: ParseOptions = {}): ParsedSource {
  const file = files[0];
  const db = open(file);
  try {
    const rows = layerRows(db, file.name);
    if (rows.length === 0) throw new UserInputError('import.empty', `文件“${file.name}”中没有要素图层。`, `"${file.name}" has no feature layers.`);
    const wanted = options.layers && options.layers.length > 0 ? rows.filter((r) => options.layers!.includes(r.table_name)) : rows;
    const layers: ParsedLayer[] = [];
    // listing every layer for the preview is cheap; reading features only for the wanted ones
    for (const row of wanted) {
      const table = row.table_name;
      const crs = crsOf(db, row.srs_id, file.name, table, options.crs);
      const columns = (db.prepare(`PRAGMA table_info(${quoteId(table)})`).all() as Array<{ name: string; type: string; pk: number }>).filter(
        (c) => c.name !== row.column_name,
      );
      const fields = columns.filter((c) => c.pk === 0 && !/blob/i.test(c.type)).map((c) => c.name);
      const features: Feature[] = [];
      let nullGeometries = 0;
      let n = 0;
      for (const record of db.prepare(`SELECT * FROM ${quoteId(table)}`).iterate() as Iterable<Record<string, unknown>>) {
        n++;
        const blob = record[row.column_name];
        const properties: Record<string, unknown> = {};
        for (const f of fields) properties[f] = record[f] ?? null;
        if (blob === null || blob === undefined) {
          nullGeometries++;
          continue;
        }
        let geometry;
        try {
          geometry = decodeGpkgGeometry(blob as Uint8Array);
        } catch (error) {
          throw new UserInputError(
            'import.invalid-gpkg',
            `文件“${file.name}”图层“${table}”第 ${n} 条记录的几何数据无法解析（${(error as Error).message}）。`,
            `"${file.name}" layer "${table}" row ${n}: bad geometry blob.`,
          );
        }
        features.push({ type: 'Feature', properties, geometry });
      }
      const warnings = nullGeometries > 0 ? [text('importNote.gpkg.nullGeometries', { table, count: nullGeometries })] : [];
      layers.push({ name: table, features, crs, warnings, fields, encoding: { value: 'utf-8', source: 'declared', confidence: 'certain' } });
    }
    if (layers.length === 0) {
      throw new UserInputError('import.layer-not-found', `文件“${file.name}”中没有图层“${options.layers?.join('、')}”；可选：${rows.map((r) => r.table_name).join('、')}。`, `"${file.name}": no such layer.`);
    }
    return { format: 'gpkg', formatLabel: text('importNote.format.gpkg'), layers };
  } finally {
    db.close();
  }
}

export const gpkgModule: FormatModule = {
  format: 'gpkg',
  sniff: (files) => files.length === 1 && (/\.gpkg$/i.test(files[0].name) || new TextDecoder('latin1').decode(files[0].bytes.subarray(0, 16)) === SQLITE_MAGIC),
  parse: parseGpkg,
};
