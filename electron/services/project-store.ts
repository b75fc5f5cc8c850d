/**
 * The project store: one GeoPackage 1.3 file (SQLite via better-sqlite3) holding the reference
 * layers and parcel submissions, check records, project profiles and the audit log.
 *
 * It is a composition, split along the lines of what a project holds (store/):
 *   ProjectDb            the file: open/create, transactions, metadata, data version, schema + migrations
 *   LayerRepository      layers and their features, read by feature requests (QgsFeatureRequest-like)
 *   AuditRepository      the append-only, hash-chained audit log
 *   CheckRepository      check records and the latest verdict per parcel
 *   ProfileRepository    profiles stored in the project
 *   DocumentNumberRepository  the authority's 文书编号 pattern and the numbers issued per year
 *   RoleRepository       who may do what in a shared project (its PostgreSQL roles)
 * Companion repositories on the same file (reviews, DEM, basemaps, sweep results) take the
 * ProjectDb too. None of them hands out the SQLite connection.
 *
 * The one-line methods below keep the common calls short (`store.getLayer(t)`); they add nothing.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { BBox, GpkgGeometryType, LayerInfo, LayerKind, ProjectInfo } from '../../shared/model/layers';
import type { CheckReport } from '../../shared/model/check';
import type { AuditRecord } from '../../shared/review/model';
import { AuditRepository, type AuditInput } from './store/audit';
import { CheckRepository, type CheckParcelRecord, type CheckRecord } from './store/checks';
import { DocumentNumberRepository } from './store/document-numbers';
import type { FeatureRequest, StoredFeature } from './store/feature-request';
import { LayerRepository } from './store/layers';
import { ProfileRepository } from './store/profiles';
import { ProjectDb, type SchemaUpgrade } from './store/project-db';
import { RoleRepository } from './store/roles';
import { nowIso } from './store/schema';

export type { AttributeFilter, FeatureRequest, StoredFeature } from './store/feature-request';
export type { CheckParcelRecord, CheckRecord } from './store/checks';
export type { ColumnType, LayerAuditAction } from './store/layers';
export { ColumnInference, toGeoJsonFeature } from './store/layers';
export { PROJECT_SRS_ID } from './store/schema';
export { SCHEMA_VERSION } from './store/project-db';

/** The UI's audit record is exactly the store's entry (shared/review/model.ts). */
export type AuditEntry = AuditRecord;

export class ProjectStore {
  readonly db: ProjectDb;
  readonly layers: LayerRepository;
  readonly audit: AuditRepository;
  readonly checks: CheckRepository;
  readonly profiles: ProfileRepository;
  readonly documentNumbers: DocumentNumberRepository;
  readonly roles: RoleRepository;

  private constructor(db: ProjectDb) {
    this.db = db;
    this.audit = new AuditRepository(db);
    this.layers = new LayerRepository(db, this.audit);
    this.checks = new CheckRepository(db, this.audit);
    this.profiles = new ProfileRepository(db, this.audit);
    this.documentNumbers = new DocumentNumberRepository(db, this.audit);
    this.roles = new RoleRepository(db, this.audit);
  }

  get path(): string {
    return this.db.path;
  }

  static create(path: string, options: { title?: string; synthetic?: boolean; createdAt?: string } = {}): ProjectStore {
    const db = ProjectDb.create(
      path,
      (db, createdAt) => {
        db.setMetaRaw('title', options.title ?? db.fileName.replace(/\.gpkg$/i, ''));
        db.setMetaRaw('synthetic', options.synthetic ? 'true' : 'false');
        new AuditRepository(db).appendInTransaction({ action: 'create', detail: { title: options.title ?? null, synthetic: !!options.synthetic }, at: createdAt });
      },
      options.createdAt ?? nowIso(),
    );
    return new ProjectStore(db);
  }

  /** Opens a project; an older schema is upgraded (and the upgrade audited) in one transaction. */
  static open(path: string, options: { readonly?: boolean } = {}): ProjectStore {
    let upgraded: SchemaUpgrade | null = null;
    const db = ProjectDb.open(path, {
      readonly: options.readonly,
      onUpgrade: (db, upgrade) => {
        new AuditRepository(db).appendInTransaction({ action: 'schema-upgrade', detail: upgrade });
        upgraded = upgrade;
      },
    });
    const store = new ProjectStore(db);
    store.schemaUpgrade = upgraded;
    return store;
  }

  /** The schema upgrade this open made (null when the project was at this LandGate's version, or may not be upgraded by this login). */
  schemaUpgrade: SchemaUpgrade | null = null;

  /** The project's title (its file name or schema when none was given). */
  title(): string {
    return this.db.getMeta('title') ?? this.db.fileName.replace(/\.gpkg$/i, '');
  }

  info(): ProjectInfo {
    return {
      path: this.path,
      title: this.title(),
      synthetic: this.db.getMeta('synthetic') === 'true',
      layers: this.layers.list(),
    };
  }

  // Layers and features
  listLayers(): LayerInfo[] {
    return this.layers.list();
  }
  getLayer(table: string): LayerInfo {
    return this.layers.get(table);
  }
  readFeatures(table: string, options: { bbox?: BBox } = {}): FeatureCollection {
    return this.layers.readFeatures(table, options);
  }
  requestFeatures(table: string, request: FeatureRequest = {}): StoredFeature[] {
    return this.layers.requestFeatures(table, request);
  }
  iterateFeatures(table: string, request: FeatureRequest = {}): Generator<StoredFeature> {
    return this.layers.iterateFeatures(table, request);
  }
  countFeatures(table: string, request: FeatureRequest = {}): number {
    return this.layers.countFeatures(table, request);
  }
  featurePosition(table: string, request: FeatureRequest, fid: number): number | null {
    return this.layers.featurePosition(table, request, fid);
  }
  featureById(table: string, id: string, options: Pick<FeatureRequest, 'geometry' | 'attributes'> = {}): StoredFeature | null {
    return this.layers.featureById(table, id, options);
  }
  findFeatureFid(table: string, id: string): number | null {
    return this.layers.findFeatureFid(table, id);
  }
  writeLayer(input: Parameters<LayerRepository['writeLayer']>[0]): LayerInfo {
    return this.layers.writeLayer(input);
  }
  beginLayer(input: Parameters<LayerRepository['beginLayer']>[0]): ReturnType<LayerRepository['beginLayer']> {
    return this.layers.beginLayer(input);
  }
  insertFeature(table: string, feature: Feature): number {
    return this.layers.insertFeature(table, feature);
  }
  /** Sets attributes of one feature (LayerRepository.updateFeatureAttributes); returns the values before. */
  updateFeatureAttributes(table: string, fid: number, changes: Record<string, unknown>): Record<string, unknown> {
    return this.layers.updateFeatureAttributes(table, fid, changes);
  }
  replaceFeatureGeometry(table: string, fid: number, geometry: Geometry): void {
    this.layers.replaceFeatureGeometry(table, fid, geometry);
  }
  static geometryTypeFor(kind: LayerKind, types: readonly Geometry['type'][]): GpkgGeometryType {
    return LayerRepository.geometryTypeFor(kind, types);
  }

  // Audit log
  appendAudit(entry: AuditInput): void {
    this.audit.append(entry);
  }
  listAudit(): AuditEntry[] {
    return this.audit.list();
  }
  verifyAudit(): { ok: boolean; firstBadSeq?: number } {
    return this.audit.verify();
  }

  // Check records
  recordCheck(report: CheckReport, context: { parcelTable: string | null; parcelsSource: string; trigger: 'ui' | 'cli' }): number {
    return this.checks.record(report, context);
  }
  recordLatestVerdicts(parcelTable: string, checkId: number, checkedAt: string, parcels: readonly { id: string; verdict: string }[]): void {
    this.checks.recordLatestVerdicts(parcelTable, checkId, checkedAt, parcels);
  }
  latestVerdicts(parcelTable: string, ids: readonly string[]): Map<string, string> {
    return this.checks.latestVerdicts(parcelTable, ids);
  }
  listChecks(): CheckRecord[] {
    return this.checks.list();
  }
  getCheckReport(checkId: number): CheckReport {
    return this.checks.report(checkId);
  }
  listCheckParcels(filter: { parcelId?: string; checkId?: number } = {}): CheckParcelRecord[] {
    return this.checks.parcels(filter);
  }

  // Project profiles
  listProjectProfiles(): { id: string; json: string; updatedAt: string }[] {
    return this.profiles.list();
  }
  saveProjectProfile(id: string, json: string, action: 'profile-save' | 'profile-import' = 'profile-save'): void {
    this.profiles.save(id, json, action);
  }
  deleteProjectProfile(id: string): boolean {
    return this.profiles.delete(id);
  }

  // The file
  getMeta(key: string): string | undefined {
    return this.db.getMeta(key);
  }
  setMeta(key: string, value: string): void {
    this.db.setMeta(key, value);
  }
  ensureWritable(): void {
    this.db.ensureWritable();
  }
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }
  /** See ProjectDb.retryingTransaction: fn may run more than once on a shared project. */
  retryingTransaction<T>(fn: () => T): T {
    return this.db.retryingTransaction(fn);
  }
  close(): void {
    this.db.close();
  }
}

