/**
 * Layers and their features: one feature table per layer (EPSG:4490, a spatial index, an index on
 * the feature id column) plus its row in landgate_layers (kind, title, source file, original CRS,
 * columns) and in the GeoPackage registry. Reads go through feature requests (feature-request.ts);
 * every write runs in a transaction with its audit entry, and a write to a reference layer bumps
 * the data version the check service keys its reference index on. The same SQL serves a
 * GeoPackage and a PostGIS project; what differs (table DDL, geometry in and out, the spatial
 * index) comes from layer-dialect.ts.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { BBox, GpkgGeometryType, LayerInfo, LayerKind } from '../../../shared/model/layers';
import { LAYER_KIND_GEOMETRY, isLayerKind } from '../../../shared/model/layers';
import { featureIdOf } from '../../../shared/model/attributes';
import { UserInputError } from '../../../shared/model/errors';
import { encodeGpkgGeometry, encodeGpkgGeometryWithEnvelope, geometryEnvelope, forEachPosition, type GpkgBlobBuffer } from '../gpkg-binary';
import type { AuditRepository } from './audit';
import { writeLayerStyle } from './qgis-styles';
import { countSql, filterKeys, positionSql, quoteId, requestSql, type FeatureRequest, type StoredFeature } from './feature-request';
import { connectionOf, sqlOf } from './internal';
import { layerDialect } from './layer-dialect';
import type { ProjectDb } from './project-db';
import { gpkgTimestamp, nowIso, PROJECT_SRS_ID } from './schema';

export type ColumnType = 'text' | 'integer' | 'real' | 'boolean' | 'json';
export interface ColumnSpec {
  /** Property key (canonical attribute name or the file's own field name). */
  key: string;
  /** SQL column name (unique case-insensitively, never fid/geom). */
  column: string;
  type: ColumnType;
  /**
   * The imported file's own field name this canonical key was read from (DKBH for id, GHYT for
   * plannedUse), so the attribute table can say where a column came from. Absent for layers
   * written before it was recorded, drawn layers and keys no source field claimed.
   */
  source?: string;
}

const TABLE_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;
const RESERVED_PREFIXES = ['gpkg_', 'rtree_', 'landgate_', 'sqlite_'];


/**
 * Column names and types of a new layer from the features' properties, one feature at a time (a
 * streamed import runs it over the attributes before writing): keys in first-seen order, `id`
 * first and always text; a column is boolean / integer / real / text when every present value is
 * of that kind, json otherwise, text when no value is present.
 */
export class ColumnInference {
  private readonly stats = new Map<string, { present: number; boolean: number; finite: number; integer: number; string: number }>([['id', { present: 0, boolean: 0, finite: 0, integer: 0, string: 0 }]]);

  add(properties: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(properties)) {
      if (key === '') continue;
      let stat = this.stats.get(key);
      if (!stat) this.stats.set(key, (stat = { present: 0, boolean: 0, finite: 0, integer: 0, string: 0 }));
      if (value === null || value === undefined) continue;
      stat.present++;
      if (typeof value === 'boolean') stat.boolean++;
      else if (typeof value === 'number' && Number.isFinite(value)) {
        stat.finite++;
        if (Number.isSafeInteger(value)) stat.integer++;
      } else if (typeof value === 'string') stat.string++;
    }
  }

  columns(): Array<{ key: string; type: ColumnType }> {
    return [...this.stats].map(([key, s]) => {
      let type: ColumnType;
      if (key === 'id' || s.present === 0) type = 'text';
      else if (s.boolean === s.present) type = 'boolean';
      else if (s.finite === s.present) type = s.integer === s.present ? 'integer' : 'real';
      else if (s.string === s.present) type = 'text';
      else type = 'json';
      return { key, type };
    });
  }
}

/** The type ColumnInference gives one key with these values. */
function inferColumnType(key: string, values: unknown[]): ColumnType {
  const inference = new ColumnInference();
  for (const value of values) inference.add({ [key]: value });
  return inference.columns().find((c) => c.key === key)?.type ?? 'text';
}

function toSqlValue(value: unknown, type: ColumnType): string | number | bigint | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'text':
      return String(value);
    case 'integer':
    case 'real':
      return value as number;
    case 'boolean':
      // An integer, not the double 1: a text column retyped to yes/no keeps SQLite's text
      // affinity, which would store the double as '1.0' and read it back as no.
      return value ? 1n : 0n;
    case 'json':
      return JSON.stringify(value);
  }
}

function fromSqlValue(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'text':
      return String(value);
    case 'integer':
    case 'real':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'boolean':
      return value === 1 || value === 1n || value === '1' || value === true;
    case 'json':
      return JSON.parse(String(value));
  }
}

type GeometryFamily = 'point' | 'line' | 'polygon';

function familyOf(geometry: Geometry): GeometryFamily | null {
  switch (geometry.type) {
    case 'Point':
    case 'MultiPoint':
      return 'point';
    case 'LineString':
    case 'MultiLineString':
      return 'line';
    case 'Polygon':
    case 'MultiPolygon':
      return 'polygon';
    default:
      return null;
  }
}

/** Polygon → MultiPolygon, LineString → MultiLineString (Points stay Points unless the table is MULTIPOINT). */
function promote(geometry: Geometry, tableType: GpkgGeometryType): Geometry {
  if (geometry.type === 'Polygon' && (tableType === 'MULTIPOLYGON' || tableType === 'GEOMETRY')) return { type: 'MultiPolygon', coordinates: [geometry.coordinates] };
  if (geometry.type === 'LineString' && (tableType === 'MULTILINESTRING' || tableType === 'GEOMETRY')) return { type: 'MultiLineString', coordinates: [geometry.coordinates] };
  if (geometry.type === 'Point' && tableType === 'MULTIPOINT') return { type: 'MultiPoint', coordinates: [geometry.coordinates] };
  return geometry;
}


/** What beginLayer returns: `write` encodes and stores features, `writeRow` stores a row layerRowEncoder made. */
export interface LayerWriter {
  write(features: Feature[]): void;
  /** A row as layerRowEncoder gives it (for the same columns and geometry type), the next feature's. */
  writeRow(blob: Uint8Array, values: readonly unknown[], envelope: readonly [number, number, number, number] | null): void;
  finish(): LayerInfo;
}

/**
 * A feature as the row beginLayer stores: its GeoPackage blob, the blob's envelope and its
 * attribute values in `columns` order (written into `values`), for the `index`-th feature (0-based)
 * of the layer. Pure — no database — so an import can encode rows on another thread and store
 * them with `writeRow`, which gives the same rows as `write`. With `into`, the blob is appended
 * there (a batch of rows) instead of returned.
 */
export function layerRowEncoder(
  table: string,
  columns: ReadonlyArray<{ key: string; type: ColumnType }>,
  geometryType: GpkgGeometryType,
): (feature: Feature, index: number, values: unknown[], into?: GpkgBlobBuffer) => { envelope: [number, number, number, number] | null; blob?: Uint8Array } {
  const known = new Set(columns.map((c) => c.key));
  return (feature, index, values, into) => {
    if (!feature.geometry) {
      throw new UserInputError('layer.null-geometry', `第 ${index + 1} 个要素没有几何图形，不能写入图层“${table}”。`, `Feature ${index + 1} has no geometry (layer "${table}").`);
    }
    const geometry = promote(feature.geometry, geometryType);
    const { blob, envelope, finite }: { blob?: Uint8Array; envelope: [number, number, number, number] | null; finite: boolean } = into
      ? into.append(geometry, PROJECT_SRS_ID)
      : encodeGpkgGeometryWithEnvelope(geometry, PROJECT_SRS_ID);
    if (!finite) {
      throw new UserInputError('layer.bad-coordinate', `第 ${index + 1} 个要素含有非数值坐标，不能写入图层“${table}”。`, `Feature ${index + 1} has non-finite coordinates (layer "${table}").`);
    }
    const properties = (feature.properties ?? {}) as Record<string, unknown>;
    for (const key in properties) {
      // the columns come from a first pass over the same attributes; a key it did not see is a bug, not data to drop
      if (key !== '' && !known.has(key)) throw new Error(`beginLayer: property "${key}" of feature ${index + 1} has no column`);
    }
    if (!known.has('id')) throw new Error(`beginLayer: property "id" of feature ${index + 1} has no column`);
    const given = properties.id;
    const blank = given === undefined || given === null || String(given).trim() === '';
    // Stored trimmed, so a lookup by id is an equality on the indexed column.
    const id = featureIdOf({ id: blank ? feature.id : given }, index + 1);
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      values[i] = toSqlValue(c.key === 'id' ? id : properties[c.key], c.type);
    }
    return { blob, envelope };
  };
}

interface LayerRow {
  table_name: string;
  kind: string;
  title: string;
  source_file: string | null;
  original_crs: string;
  imported_at: string;
  columns: string;
}

/** Audit action of a new layer: `import` (from a file) or `layer-create` (made in the app, e.g. 绘制地块). */
export type LayerAuditAction = 'import' | 'layer-create';

/** Reference layers are what checks read: writing one changes the data version. */
function isReferenceKind(kind: string): boolean {
  return kind !== 'parcel';
}

/** A stored feature as GeoJSON, its id in `id` and in `properties.id`. */
export function toGeoJsonFeature(feature: StoredFeature): Feature {
  return { type: 'Feature', id: feature.id, properties: feature.properties, geometry: feature.geometry } as Feature;
}

export class LayerRepository {
  constructor(
    private readonly db: ProjectDb,
    private readonly audit: AuditRepository,
  ) {}

  private get sql() {
    return sqlOf(this.db);
  }

  private get dialect() {
    return layerDialect(this.sql);
  }

  /**
   * QGIS's style of the layer, rewritten after a change of its title or columns. GeoPackage only:
   * QGIS keeps a PostGIS layer's styles in public.layer_styles, outside the project's schema.
   */
  private restyle(table: string, at: string): void {
    if (this.dialect.name === 'sqlite') writeLayerStyle(connectionOf(this.db), table, at);
  }

  private layerRows(): LayerRow[] {
    if (!this.db.hasTable('landgate_layers')) return [];
    return this.sql.prepare('SELECT table_name, kind, title, source_file, original_crs, imported_at, columns FROM landgate_layers ORDER BY id').all() as LayerRow[];
  }

  private layerRow(table: string): LayerRow | undefined {
    if (!this.db.hasTable('landgate_layers')) return undefined;
    return this.sql.prepare('SELECT table_name, kind, title, source_file, original_crs, imported_at, columns FROM landgate_layers WHERE table_name = ?').get(table) as LayerRow | undefined;
  }

  private layerInfoOf(row: LayerRow): LayerInfo {
    const contents = this.sql.prepare('SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?').get(row.table_name) as
      | { min_x: number | null; min_y: number | null; max_x: number | null; max_y: number | null }
      | undefined;
    const geometry = this.sql.prepare('SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?').get(row.table_name) as { geometry_type_name: string } | undefined;
    const count = this.sql.prepare(`SELECT count(*) AS n FROM ${quoteId(row.table_name)}`).get() as { n: number };
    const bbox: BBox | null =
      contents && contents.min_x !== null && contents.min_y !== null && contents.max_x !== null && contents.max_y !== null
        ? [contents.min_x, contents.min_y, contents.max_x, contents.max_y]
        : null;
    return {
      table: row.table_name,
      kind: row.kind as LayerKind,
      title: row.title,
      featureCount: Number(count.n),
      geometryType: (geometry?.geometry_type_name.toUpperCase() ?? 'GEOMETRY') as GpkgGeometryType,
      bbox,
      sourceFile: row.source_file,
      originalCrs: row.original_crs,
      importedAt: row.imported_at,
    };
  }

  list(): LayerInfo[] {
    return this.layerRows().map((row) => this.layerInfoOf(row));
  }

  get(table: string): LayerInfo {
    const row = this.layerRow(table);
    if (!row) throw this.unknownLayer(table);
    return this.layerInfoOf(row);
  }

  private unknownLayer(table: string): UserInputError {
    const known = this.layerRows().map((r) => r.table_name);
    return new UserInputError(
      'layer.unknown',
      `项目“${this.db.fileName}”中没有图层“${table}”。现有图层：${known.length ? known.join('、') : '（无）'}。`,
      `No layer "${table}" in project "${this.db.path}". Layers: ${known.join(', ') || '(none)'}.`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Layer operations (the 图层 context menu)

  /**
   * The layer's extent without reading its features: gpkg_contents (kept by every write), else
   * the spatial index (the R*Tree's root node on a GeoPackage). Null for an empty layer.
   */
  extent(table: string): BBox | null {
    if (!this.layerRow(table)) throw this.unknownLayer(table);
    const contents = this.sql.prepare('SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?').get(table) as Record<'min_x' | 'min_y' | 'max_x' | 'max_y', number | null> | undefined;
    if (contents && contents.min_x !== null && contents.min_y !== null && contents.max_x !== null && contents.max_y !== null) {
      return [contents.min_x, contents.min_y, contents.max_x, contents.max_y];
    }
    return this.dialect.indexExtent(this.sql, table, (name) => this.db.hasTable(name));
  }

  /** A new title (what the 图层 panel, legends and reports show); the table name stays. Audited. */
  rename(table: string, title: string): { table: string; oldTitle: string; title: string } {
    const clean = typeof title === 'string' ? title.trim() : '';
    if (clean === '' || clean.length > 100) {
      throw new UserInputError('layer.invalid-title', `图层名称不能为空，且不超过 100 个字符（图层“${table}”）。`, `A layer title must be 1–100 characters (layer "${table}").`);
    }
    return this.db.transaction(() => {
      this.db.ensureWritable();
      const row = this.layerRow(table);
      if (!row) throw this.unknownLayer(table);
      if (row.title === clean) return { table, oldTitle: row.title, title: clean };
      this.sql.prepare('UPDATE landgate_layers SET title = ? WHERE table_name = ?').run(clean, table);
      this.sql.prepare('UPDATE gpkg_contents SET description = ? WHERE table_name = ?').run(clean, table);
      // QGIS names the style by the layer's title: keep its layer_styles row in step
      this.restyle(table, nowIso());
      this.audit.appendInTransaction({ action: 'layer-rename', detail: { table, kind: row.kind, oldTitle: row.title, title: clean } });
      return { table, oldTitle: row.title, title: clean };
    });
  }

  /**
   * Removes a layer and its table from the project, audited with what it held. Removing a
   * reference layer bumps the data version, so the next check no longer sees it. A parcel layer
   * with a submission or a signed decision is refused: the record of a decision must keep its parcel.
   */
  remove(table: string): { table: string; kind: LayerKind; title: string; featureCount: number } {
    return this.db.transaction(() => {
      this.db.ensureWritable();
      const row = this.layerRow(table);
      if (!row) throw this.unknownLayer(table);
      if (row.kind === 'parcel') {
        const reviewed = (['landgate_decisions', 'landgate_submissions'] as const).some(
          (t) => this.db.hasTable(t) && this.sql.prepare(`SELECT 1 FROM ${t} WHERE parcel_table = ? LIMIT 1`).get(table) !== undefined,
        );
        if (reviewed) {
          throw new UserInputError(
            'layer.remove-reviewed',
            `图层“${row.title}”中的地块已登记报件或已签署审查决定，不能删除（审查记录须保留其地块）。`,
            `Layer "${table}" holds parcels with submissions or signed decisions; it cannot be removed.`,
          );
        }
      }
      const featureCount = Number((this.sql.prepare(`SELECT count(*) AS n FROM ${quoteId(table)}`).get() as { n: number }).n);
      const extent = this.layerInfoOf(row).bbox;
      for (const sql of this.dialect.dropLayerSql(table)) this.sql.exec(sql);
      for (const meta of [...this.dialect.registryTables, 'landgate_layers']) {
        this.sql.prepare(`DELETE FROM ${meta} WHERE table_name = ?`).run(table);
      }
      if (this.db.hasTable('landgate_parcel_verdicts')) this.sql.prepare('DELETE FROM landgate_parcel_verdicts WHERE parcel_table = ?').run(table);
      // QGIS would offer a removed layer's styles for nothing
      if (this.db.hasTable('layer_styles')) this.sql.prepare('DELETE FROM layer_styles WHERE f_table_name = ?').run(table);
      if (isReferenceKind(row.kind)) this.db.bumpDataVersion();
      this.audit.appendInTransaction({
        action: 'layer-remove',
        detail: { table, kind: row.kind, title: row.title, sourceFile: row.source_file, originalCrs: row.original_crs, importedAt: row.imported_at, featureCount, extent },
      });
      return { table, kind: row.kind as LayerKind, title: row.title, featureCount };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Features

  /** Every feature of a layer (or those in a box) as GeoJSON: for whole-layer work (sweep, exports), never an interactive path. */
  readFeatures(table: string, options: { bbox?: BBox } = {}): FeatureCollection {
    const features = this.requestFeatures(table, options.bbox ? { bbox: options.bbox } : {}).map(toGeoJsonFeature);
    return { type: 'FeatureCollection', features };
  }

  /** The features a request asks for (electron/services/store/feature-request.ts). */
  requestFeatures(table: string, request: FeatureRequest = {}): StoredFeature[] {
    // What a box, keys or a page bound (a tile, a popup, a page) comes in one answer, where a
    // cursor would cost PostgreSQL three round trips; a whole layer streams, so its rows are
    // never held twice (as rows and as features).
    const bounded = request.bbox !== undefined || request.fids !== undefined || request.ids !== undefined || request.limit !== undefined;
    return [...this.features(table, request, bounded)];
  }

  /** Like requestFeatures, one row at a time: a caller that stops early reads no further. */
  iterateFeatures(table: string, request: FeatureRequest = {}): Generator<StoredFeature> {
    return this.features(table, request, false);
  }

  private *features(table: string, request: FeatureRequest, whole: boolean): Generator<StoredFeature> {
    const { columns, wanted } = this.requestColumns(table, request);
    const withGeometry = request.geometry !== false;
    const dialect = this.dialect;
    // Aliases by position: a key may be longer than an identifier may be (63 bytes on PostgreSQL).
    const select = ['t.fid AS fid', ...(withGeometry ? [`${dialect.geometrySelect('t.geom')} AS geom`] : []), ...wanted.map((c, i) => `t.${quoteId(c.column)} AS c${i}`)].join(', ');
    const { sql, params } = requestSql(table, columns, request, select, dialect);
    const statement = this.sql.prepare(sql);
    for (const r of (whole ? statement.all(...params) : statement.iterate(...params)) as Iterable<Record<string, unknown>>) {
      const properties: Record<string, unknown> = {};
      wanted.forEach((c, i) => {
        const value = fromSqlValue(r[`c${i}`], c.type);
        if (value !== undefined) properties[c.key] = value;
      });
      const fid = Number(r.fid);
      const id = featureIdOf(properties, fid);
      properties.id = id;
      const geometry = withGeometry && r.geom instanceof Uint8Array ? dialect.decodeGeometry(r.geom) : null;
      yield { fid, id, properties, geometry };
    }
  }

  /** How many features a request matches (its limit and offset ignored). */
  countFeatures(table: string, request: FeatureRequest = {}): number {
    const { columns } = this.requestColumns(table, request);
    const { sql, params } = countSql(table, columns, request, this.dialect);
    return Number((this.sql.prepare(sql).get(...params) as { n: number }).n);
  }

  /** Where a feature stands in the rows a request matches (0-based, in the request's order); null when it does not match. */
  featurePosition(table: string, request: FeatureRequest, fid: number): number | null {
    const { columns } = this.requestColumns(table, request);
    const position = positionSql(table, columns, request, fid, this.dialect);
    const target = this.sql.prepare(position.value.sql).get(...position.value.params) as { v: unknown } | undefined;
    if (!target) return null;
    const before = position.before(target.v);
    return Number((this.sql.prepare(before.sql).get(...before.params) as { n: number }).n);
  }

  /** One feature by the id users know it by (parcel number, patch number, else fid); null when none. */
  featureById(table: string, id: string, options: Pick<FeatureRequest, 'geometry' | 'attributes'> = {}): StoredFeature | null {
    const hits = this.requestFeatures(table, { ...options, ids: [id], limit: 2 });
    if (hits.length > 1) {
      throw new UserInputError('layer.duplicate-id', `图层“${table}”中有多个要素的编号都是“${id}”，无法确定是哪一个。`, `Layer "${table}" has several features with id "${id}".`);
    }
    return hits[0] ?? null;
  }

  /** The layer's columns, and those a request returns; unknown keys in the request are refused by name. */
  /** The attribute columns of a layer (canonical key → SQL column), for repositories that join on them. */
  columns(table: string): ColumnSpec[] {
    const row = this.layerRow(table);
    if (!row) throw this.unknownLayer(table);
    return JSON.parse(row.columns) as ColumnSpec[];
  }

  private requestColumns(table: string, request: FeatureRequest): { columns: ColumnSpec[]; wanted: ColumnSpec[] } {
    const row = this.layerRow(table);
    if (!row) throw this.unknownLayer(table);
    const columns = JSON.parse(row.columns) as ColumnSpec[];
    const known = new Set(['fid', 'id', ...columns.map((c) => c.key)]);
    const asked = [...filterKeys(request.filters), ...(request.orderBy ?? []).map((o) => o.key)];
    const unknown = asked.filter((key) => !known.has(key));
    if (unknown.length) {
      throw new UserInputError('layer.unknown-field', `图层“${table}”没有字段：${unknown.join('、')}。`, `Layer "${table}" has no field(s): ${unknown.join(', ')}.`);
    }
    const wanted = request.attributes ? columns.filter((c) => c.key === 'id' || request.attributes!.includes(c.key)) : columns;
    return { columns, wanted };
  }

  writeLayer(input: {
    table: string;
    kind: LayerKind;
    title?: string;
    sourceFile: string | null;
    originalCrs: string;
    features: Feature[];
    /** ISO timestamp recorded as the import time (default now); the demo passes a fixed one. */
    importedAt?: string;
    /** What the audit says happened: a file was imported (default), or an empty layer was created for drawing. */
    auditAction?: LayerAuditAction;
  }): LayerInfo {
    this.checkLayerName(input.table, input.kind);
    const geometryType = this.tableGeometryType(input.kind, input.features, input.table);
    const inference = new ColumnInference();
    for (const feature of input.features) inference.add(feature.properties ?? {});
    return this.db.transaction(() => {
      const writer = this.beginLayer({ ...input, columns: inference.columns(), geometryType });
      writer.write(input.features);
      return writer.finish();
    });
  }

  private checkLayerName(table: string, kind: LayerKind): void {
    if (!TABLE_NAME_RE.test(table) || RESERVED_PREFIXES.some((p) => table.startsWith(p))) {
      throw new UserInputError(
        'layer.invalid-name',
        `图层名“${table}”无效：只能用小写英文字母、数字和下划线，以字母开头，最长 63 个字符，且不能以 gpkg_、rtree_、landgate_、sqlite_ 开头。`,
        `Invalid layer name "${table}": use [a-z][a-z0-9_]{0,62}, not starting with gpkg_/rtree_/landgate_/sqlite_.`,
      );
    }
    if (!isLayerKind(kind)) {
      throw new UserInputError('layer.invalid-kind', `未知的图层类型“${String(kind)}”。`, `Unknown layer kind "${String(kind)}".`);
    }
  }

  /**
   * The streamed half of writeLayer, for imports that must not hold all features (huge
   * shapefiles): creates the table with the given columns and geometry type, then `write` adds
   * batches and `finish` records the layer (extent, metadata, audit). Must run inside
   * `transaction()`, so a refusal after some batches still leaves the project unchanged.
   */
  beginLayer(input: {
    table: string;
    kind: LayerKind;
    title?: string;
    sourceFile: string | null;
    originalCrs: string;
    /** Every property key the features will carry, with its type (ColumnInference) and the source field it came from. */
    columns: Array<{ key: string; type: ColumnType; source?: string }>;
    geometryType: GpkgGeometryType;
    importedAt?: string;
    auditAction?: LayerAuditAction;
  }): LayerWriter {
    const { table, kind, geometryType } = input;
    this.checkLayerName(table, kind);
    if (!this.db.inTransaction) throw new Error('beginLayer must run inside transaction()');
    const projectName = this.db.fileName;
    const importedAt = input.importedAt ?? nowIso();
    const usedColumns = new Set(['fid', 'geom']);
    const columns: ColumnSpec[] = input.columns.map(({ key, type, source }) => {
      const column = this.columnFor(key, usedColumns);
      return source ? { key, column, type, source } : { key, column, type };
    });

    this.db.ensureWritable();
    if (this.db.hasTable(table)) {
      throw new UserInputError('layer.exists', `项目“${projectName}”中已有图层“${table}”。请用另一个图层名（--name）。`, `Layer "${table}" already exists in "${this.db.path}".`);
    }
    const db = this.sql;
    const dialect = this.dialect;
    db.prepare('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?, ?, ?, ?, ?, ?)').run(
      table,
      'features',
      table,
      input.title ?? table,
      gpkgTimestamp(importedAt),
      PROJECT_SRS_ID,
    );
    for (const sql of dialect.createLayerSql(table, kind, columns, geometryType)) db.exec(sql);
    db.prepare('INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ?, 0, 0)').run(table, 'geom', geometryType, PROJECT_SRS_ID);
    const rows = dialect.beginRows(db, table, columns);

    let count = 0;
    let bbox: BBox | null = null;
    const encode = layerRowEncoder(table, input.columns, geometryType);
    // one row's attribute values, refilled per feature, in column order
    const values: unknown[] = new Array(columns.length);
    const add = (blob: Uint8Array, rowValues: readonly unknown[], e: readonly [number, number, number, number] | null) => {
      if (e) bbox = bbox ? [Math.min(bbox[0], e[0]), Math.min(bbox[1], e[1]), Math.max(bbox[2], e[2]), Math.max(bbox[3], e[3])] : [e[0], e[1], e[2], e[3]];
      rows.add(blob, rowValues, e);
    };
    return {
      write: (features) => {
        for (const feature of features) {
          const { blob, envelope } = encode(feature, count++, values);
          add(blob!, values, envelope);
        }
      },
      writeRow: (blob, rowValues, envelope) => {
        count++;
        add(blob, rowValues, envelope);
      },
      finish: () => {
        rows.finish();
        const box = bbox as BBox | null;
        db.prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?').run(box?.[0] ?? null, box?.[1] ?? null, box?.[2] ?? null, box?.[3] ?? null, table);
        db.prepare('INSERT INTO landgate_layers (table_name, kind, title, source_file, original_crs, imported_at, columns) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          table,
          kind,
          input.title ?? table,
          input.sourceFile,
          input.originalCrs,
          importedAt,
          JSON.stringify(columns),
        );
        this.restyle(table, importedAt);
        if (isReferenceKind(kind)) this.db.bumpDataVersion();
        this.audit.appendInTransaction({
          action: input.auditAction ?? 'import',
          at: importedAt,
          detail: { table, kind, title: input.title ?? table, sourceFile: input.sourceFile, originalCrs: input.originalCrs, featureCount: count, geometryType },
        });
        return this.get(table);
      },
    };
  }

  /** Table geometry type for a kind whose features have these geometry types (streamed imports know them from the file header). */
  static geometryTypeFor(kind: LayerKind, types: readonly Geometry['type'][]): GpkgGeometryType {
    const expected = LAYER_KIND_GEOMETRY[kind];
    if (expected === 'point') return types.includes('MultiPoint') ? 'MULTIPOINT' : 'POINT';
    if (expected === 'polygon') return 'MULTIPOLYGON';
    const families = new Set(types.map((t) => familyOf({ type: t } as Geometry)).filter((f) => f === 'line' || f === 'polygon'));
    if (families.size === 1 && families.has('line')) return 'MULTILINESTRING';
    if (families.size === 2) return 'GEOMETRY';
    return 'MULTIPOLYGON';
  }

  private tableGeometryType(kind: LayerKind, features: Feature[], table: string): GpkgGeometryType {
    const expected = LAYER_KIND_GEOMETRY[kind];
    const families = new Set<GeometryFamily>();
    let multiPoint = false;
    features.forEach((feature, index) => {
      if (!feature.geometry) return; // reported with its number when rows are built
      const family = familyOf(feature.geometry);
      const ok = family !== null && (expected === 'point' ? family === 'point' : expected === 'polygon' ? family === 'polygon' : family === 'line' || family === 'polygon');
      if (!ok) {
        const want = expected === 'point' ? '点' : expected === 'polygon' ? '面' : '线或面';
        throw new UserInputError(
          'layer.geometry-type',
          `第 ${index + 1} 个要素的几何类型是 ${feature.geometry.type}，而图层“${table}”（${kind}）要求${want}。`,
          `Feature ${index + 1} is a ${feature.geometry.type}; layer "${table}" (${kind}) needs ${expected} geometries.`,
        );
      }
      families.add(family!);
      if (feature.geometry.type === 'MultiPoint') multiPoint = true;
    });
    if (expected === 'point') return multiPoint ? 'MULTIPOINT' : 'POINT';
    if (expected === 'polygon') return 'MULTIPOLYGON';
    if (families.size === 1 && families.has('line')) return 'MULTILINESTRING';
    if (families.size === 2) return 'GEOMETRY';
    return 'MULTIPOLYGON';
  }

  /**
   * The column name of a new attribute: its key, unless another column has it (names are unique
   * case-insensitively) or the engine does not allow it (PostgreSQL's system columns, names over
   * 63 bytes), then the key with _2, _3 … Recorded in `used`.
   */
  private columnFor(key: string, used: Set<string>): string {
    const { reservedColumns, maxColumnBytes } = this.dialect;
    const taken = (name: string) => used.has(name.toLowerCase()) || reservedColumns.includes(name) || Buffer.byteLength(name) > maxColumnBytes;
    let base = key;
    while (Buffer.byteLength(base) > maxColumnBytes - 4) base = [...base].slice(0, -1).join('');
    let column = key;
    for (let n = 2; taken(column); n++) column = `${base}_${n}`;
    used.add(column.toLowerCase());
    return column;
  }

  /** The fid of the feature with this id (featureById), or null. */
  findFeatureFid(table: string, id: string): number | null {
    return this.featureById(table, id, { geometry: false, attributes: [] })?.fid ?? null;
  }

  /**
   * appends one feature to an existing layer. Property keys the layer lacks
   * become new columns (recorded in landgate_layers), so a drawn parcel keeps every attribute.
   */
  insertFeature(table: string, feature: Feature): number {
    return this.db.transaction(() => {
      this.db.ensureWritable();
      const row = this.layerRow(table);
      if (!row) throw this.unknownLayer(table);
      const geometry = this.checkedLayerGeometry(table, row.kind as LayerKind, feature.geometry);
      const columns = JSON.parse(row.columns) as ColumnSpec[];
      const properties: Record<string, unknown> = { ...(feature.properties ?? {}) };
      if ((properties.id === undefined || properties.id === null) && feature.id !== undefined && feature.id !== null) properties.id = String(feature.id);
      if (typeof properties.id === 'string') properties.id = properties.id.trim();
      const used = new Set(['fid', 'geom', ...columns.map((c) => c.column.toLowerCase())]);
      let added = false;
      for (const [key, value] of Object.entries(properties)) {
        if (key === '' || columns.some((c) => c.key === key)) continue;
        const column = this.columnFor(key, used);
        const spec: ColumnSpec = { key, column, type: inferColumnType(key, [value]) };
        this.sql.exec(`ALTER TABLE ${quoteId(table)} ADD COLUMN ${quoteId(column)} ${this.dialect.columnType(spec.type)}`);
        columns.push(spec);
        added = true;
      }
      if (added) {
        this.sql.prepare('UPDATE landgate_layers SET columns = ? WHERE table_name = ?').run(JSON.stringify(columns), table);
        this.restyle(table, nowIso());
      }
      const values = columns.map((c) => toSqlValue(this.valueForColumn(properties[c.key], c, table), c.type));
      const dialect = this.dialect;
      const inserted = this.sql
        .prepare(`INSERT INTO ${quoteId(table)} (geom${columns.map((c) => `, ${quoteId(c.column)}`).join('')}) VALUES (${[dialect.geometrySql, ...columns.map((c) => dialect.valueSql(c.type))].join(', ')}) RETURNING fid`)
        .get(dialect.geometryParam(encodeGpkgGeometry(geometry, PROJECT_SRS_ID)), ...values) as { fid: number };
      // an insert can only grow the extent: no need to read the layer's other geometries
      this.growLayerExtent(table, geometry);
      if (isReferenceKind(row.kind)) this.db.bumpDataVersion();
      return Number(inserted.fid);
    });
  }

  /**
   * Sets attributes of one feature (by fid); `null` clears one (unknown). Keys the layer lacks
   * become columns as in insertFeature. A column typed from an import that cannot hold the new
   * value (a text column left all-empty by the file, or text that a list now joins) is retyped
   * when every stored value survives the change, because storing `[]` or `true` as text would
   * turn a known answer into an unreadable one for the engine. Returns the values before.
   */
  updateFeatureAttributes(table: string, fid: number, changes: Record<string, unknown>): Record<string, unknown> {
    return this.db.transaction(() => {
      this.db.ensureWritable();
      const row = this.layerRow(table);
      if (!row) throw this.unknownLayer(table);
      const columns = JSON.parse(row.columns) as ColumnSpec[];
      const keys = Object.keys(changes).filter((key) => key !== '' && key !== 'fid' && key !== 'geom');
      if (keys.includes('id')) throw new Error('updateFeatureAttributes: the id of a feature is not an attribute to edit');
      const current = this.sql.prepare(`SELECT * FROM ${quoteId(table)} WHERE fid = ?`).get(fid) as Record<string, unknown> | undefined;
      if (!current) throw new UserInputError('layer.unknown-feature', `图层“${table}”中没有要素 ${fid}。`, `Layer "${table}" has no feature ${fid}.`);
      const before: Record<string, unknown> = {};
      const used = new Set(['fid', 'geom', ...columns.map((c) => c.column.toLowerCase())]);
      let columnsChanged = false;
      for (const key of keys) {
        const value = changes[key];
        let spec = columns.find((c) => c.key === key);
        if (!spec) {
          const column = this.columnFor(key, used);
          spec = { key, column, type: inferColumnType(key, [value]) };
          this.sql.exec(`ALTER TABLE ${quoteId(table)} ADD COLUMN ${quoteId(column)} ${this.dialect.columnType(spec.type)}`);
          columns.push(spec);
          columnsChanged = true;
          before[key] = undefined;
          continue;
        }
        before[key] = fromSqlValue(current[spec.column], spec.type);
        if (value === null || value === undefined) continue;
        const wanted = inferColumnType(key, [value]);
        if (spec.type === 'text' && (wanted === 'json' || wanted === 'boolean') && typeof value !== 'string') {
          this.retypeTextColumn(table, spec, wanted);
          columnsChanged = true;
        }
      }
      if (columnsChanged) {
        this.sql.prepare('UPDATE landgate_layers SET columns = ? WHERE table_name = ?').run(JSON.stringify(columns), table);
        this.restyle(table, nowIso());
      }
      if (keys.length > 0) {
        const specs = keys.map((key) => columns.find((c) => c.key === key)!);
        const values = specs.map((c) => toSqlValue(this.valueForColumn(changes[c.key], c, table), c.type));
        this.sql.prepare(`UPDATE ${quoteId(table)} SET ${specs.map((c) => `${quoteId(c.column)} = ${this.dialect.valueSql(c.type)}`).join(', ')} WHERE fid = ?`).run(...values, fid);
        this.touchLayer(table);
        if (isReferenceKind(row.kind)) this.db.bumpDataVersion();
      }
      return before;
    });
  }

  /** Text column → json or boolean, converting the stored values; refused when one does not convert. */
  private retypeTextColumn(table: string, spec: ColumnSpec, type: 'json' | 'boolean'): void {
    const rows = this.sql.prepare(`SELECT fid, ${quoteId(spec.column)} AS v FROM ${quoteId(table)} WHERE ${quoteId(spec.column)} IS NOT NULL`).all() as { fid: number; v: unknown }[];
    const update = this.sql.prepare(`UPDATE ${quoteId(table)} SET ${quoteId(spec.column)} = ? WHERE fid = ?`);
    for (const { fid, v } of rows) {
      let converted: string | bigint | null;
      if (type === 'json') converted = JSON.stringify(String(v));
      else {
        const text = String(v).trim().toLowerCase();
        if (text === '') converted = null;
        else if (['是', 'true', '1', 'yes'].includes(text)) converted = 1n;
        else if (['否', 'false', '0', 'no'].includes(text)) converted = 0n;
        else {
          throw new UserInputError(
            'layer.value-type',
            `图层“${table}”的字段“${spec.key}”已存有非是/否的文字“${String(v)}”（要素 ${fid}），不能改存是/否值。`,
            `Layer "${table}" field "${spec.key}" holds text "${String(v)}" (feature ${fid}); it cannot become a yes/no field.`,
          );
        }
      }
      update.run(converted, fid);
    }
    for (const sql of this.dialect.retypeColumnSql(table, spec.column, type)) this.sql.exec(sql);
    spec.type = type;
  }

  /**
   * A new gpkg_contents.last_change after an attribute edit: the vector tiles key their cache on it,
   * so two edits within one millisecond must still differ.
   */
  private touchLayer(table: string): void {
    const previous = (this.sql.prepare('SELECT last_change FROM gpkg_contents WHERE table_name = ?').get(table) as { last_change?: string } | undefined)?.last_change;
    let next = nowIso();
    const previousMs = previous ? Date.parse(previous) : NaN;
    if (Number.isFinite(previousMs) && Date.parse(next) <= previousMs) next = new Date(previousMs + 1).toISOString();
    this.sql.prepare('UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?').run(next, table);
  }

  /** replaces the geometry of one feature (by fid); its attributes stay. */
  replaceFeatureGeometry(table: string, fid: number, geometry: Geometry): void {
    this.db.transaction(() => {
      this.db.ensureWritable();
      const row = this.layerRow(table);
      if (!row) throw this.unknownLayer(table);
      const checked = this.checkedLayerGeometry(table, row.kind as LayerKind, geometry);
      const changes = this.sql.prepare(`UPDATE ${quoteId(table)} SET geom = ${this.dialect.geometrySql} WHERE fid = ?`).run(this.dialect.geometryParam(encodeGpkgGeometry(checked, PROJECT_SRS_ID)), fid).changes;
      if (changes !== 1) throw new UserInputError('layer.unknown-feature', `图层“${table}”中没有要素 ${fid}。`, `Layer "${table}" has no feature ${fid}.`);
      this.refreshLayerExtent(table);
      if (isReferenceKind(row.kind)) this.db.bumpDataVersion();
    });
  }

  /** The geometry promoted to the table's declared type, refused when the kind or coordinates do not fit. */
  private checkedLayerGeometry(table: string, kind: LayerKind, geometry: Geometry | null): Geometry {
    if (!geometry) throw new UserInputError('layer.null-geometry', `要素没有几何图形，不能写入图层“${table}”。`, `Feature has no geometry (layer "${table}").`);
    this.tableGeometryType(kind, [{ type: 'Feature', properties: {}, geometry }], table);
    let finite = true;
    forEachPosition(geometry, (p) => {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) finite = false;
    });
    if (!finite) throw new UserInputError('layer.bad-coordinate', `要素含有非数值坐标，不能写入图层“${table}”。`, `Feature has non-finite coordinates (layer "${table}").`);
    const declared = this.sql.prepare('SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?').get(table) as { geometry_type_name: string } | undefined;
    return promote(geometry, (declared?.geometry_type_name.toUpperCase() ?? 'GEOMETRY') as GpkgGeometryType);
  }

  /** A form's text for a numeric or boolean column of an imported layer; refused when it is not one. */
  private valueForColumn(value: unknown, column: ColumnSpec, table: string): unknown {
    if (value === null || value === undefined || typeof value !== 'string') return value;
    if (column.type === 'integer' || column.type === 'real') {
      const n = value.trim() === '' ? null : Number(value.trim());
      if (n === null) return null;
      if (Number.isFinite(n) && (column.type === 'real' || Number.isSafeInteger(n))) return n;
    } else if (column.type === 'boolean') {
      if (value.trim() === '') return null;
      const text = value.trim().toLowerCase();
      if (['是', 'true', '1', 'yes'].includes(text)) return true;
      if (['否', 'false', '0', 'no'].includes(text)) return false;
    } else return value;
    throw new UserInputError('layer.value-type', `图层“${table}”的字段“${column.key}”要求${column.type === 'boolean' ? '是/否' : '数值'}，不能写入“${value}”。`, `Layer "${table}" field "${column.key}" needs a ${column.type} value, not "${value}".`);
  }

  /** gpkg_contents extent widened to a new geometry's envelope, and last_change; refreshed whole when unknown. */
  private growLayerExtent(table: string, geometry: Geometry): void {
    const e = geometryEnvelope(geometry);
    const c = this.sql.prepare('SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?').get(table) as Record<'min_x' | 'min_y' | 'max_x' | 'max_y', number | null> | undefined;
    if (!e || !c || c.min_x === null || c.min_y === null || c.max_x === null || c.max_y === null) {
      this.refreshLayerExtent(table);
      return;
    }
    this.sql
      .prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = ? WHERE table_name = ?')
      .run(Math.min(c.min_x, e[0]), Math.min(c.min_y, e[1]), Math.max(c.max_x, e[2]), Math.max(c.max_y, e[3]), nowIso(), table);
  }

  /** gpkg_contents extent and last_change from the stored geometries (exact, unlike the float32 R*Tree). */
  private refreshLayerExtent(table: string): void {
    const e = this.sql.prepare(this.dialect.extentSql(table)).get() as Record<string, number | null>;
    this.sql.prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = ? WHERE table_name = ?').run(e.minx, e.miny, e.maxx, e.maxy, nowIso(), table);
  }
}
