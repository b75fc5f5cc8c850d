/**
 * The one declaration of what the renderer may ask of the Node side. The preload object, the IPC
 * handlers (electron/main) and the browser-mode HTTP routes (electron/host) are all derived from
 * `API_METHODS`; the service object must implement `LandGateApi`, so a method without a handler
 * is a compile error. Every method takes one JSON-serialisable request object (or nothing) and
 * resolves to JSON-serialisable data.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { CheckReport, Verdict } from '../model/check';
import type { Profile } from '../rules/profile';
import type { BasemapSummary, TerrainInfo } from '../terrain/types';
import type { AuditView, Decision, DecisionInput, ExportedFile, NewSubmission, PackageProvenance, ParcelReview, Submission, SubmissionPage, SubmissionQuery } from '../review/model';
import type { BBox, LayerInfo, ProjectInfo } from '../model/layers';
import type { EditableParcelKey, ParcelAttributeChanges, ParcelAttributeField } from '../model/parcel-attributes';
import type { CodedText } from '../model/text';
import type {
  DemPreview,
  ImportJobStatus,
  ImportPreview,
  PreviewImportRequest,
  StageImportFilesRequest,
  StageImportFilesResponse,
  StartImportRequest,
} from '../importers/preview';

export type { DemPreview, ImportJobStatus, ImportPreview, PreviewImportRequest, StageImportFilesRequest, StageImportFilesResponse, StartImportRequest };

export interface ParcelSummary {
  /** GeoPackage table holding the parcel (a layer of kind `parcel`). */
  table: string;
  id: string;
  /** GeoPackage feature id: what the map's vector tiles carry as feature id. */
  fid?: number;
  name?: string;
  currentUse?: string;
  plannedUse?: string;
  action?: string;
  bbox: BBox;
  /** Verdict of the parcel's latest recorded check (a click or a sweep), absent when never checked. */
  verdict?: Verdict;
}

/** Parcels are never listed whole: the list asks for one page of a filtered, sorted query. */
export interface ParcelQuery {
  /** Id prefix or name substring, case-insensitive. */
  search?: string;
  /** One parcel layer; absent = every parcel layer. */
  table?: string;
  /** Latest recorded verdict; `unchecked` = never checked. */
  verdict?: Verdict | 'unchecked';
  /** 规划用途 code prefix (e.g. "07" matches 0701, 070101). */
  plannedUse?: string;
  /** 拟办事项 (canonical value). */
  action?: string;
  sort?: { key: 'id' | 'name' | 'plannedUse' | 'verdict'; descending?: boolean };
  offset: number;
  /** At most 500. */
  limit: number;
}

export interface ParcelPage {
  /** Parcels matching the query (all pages). */
  total: number;
  rows: ParcelSummary[];
}

/**
 * Features of one layer by request (shared with the store's feature requests): by fid, by feature
 * id, or in a box; bounded by `limit` (at most 5 000), so no caller can ask for a whole county.
 */
export interface FeaturesRequest {
  table: string;
  fids?: number[];
  ids?: string[];
  bbox?: BBox;
  /** Attribute keys to return; absent = all. */
  attributes?: string[];
  /** Default true. */
  geometry?: boolean;
  limit?: number;
}

export interface FeaturesResponse {
  features: FeatureCollection['features'];
  /** GeoPackage fid of each feature, in the same order (the map's tiles know features by fid). */
  fids: number[];
  /** True when the limit cut the answer short. */
  truncated: boolean;
}

/** One condition of the attribute table (属性表) on one column; `in` takes an array value. */
export interface AttributeTableFilter {
  key: string;
  op: 'eq' | 'in' | 'prefix' | 'contains' | 'isNull' | 'notNull';
  value?: string | number | boolean | (string | number)[];
}

/** One page of a layer's attribute table: filtered, searched and sorted in the store, never whole. */
export interface AttributeTableQuery {
  table: string;
  /** All must hold. */
  filters?: AttributeTableFilter[];
  /** Case-insensitive substring of the feature id or the name. */
  search?: string;
  orderBy?: { key: string; descending?: boolean };
  offset: number;
  /** At most 500. */
  limit: number;
  /** Attribute keys to return; absent = all. */
  attributes?: string[];
  /** A feature (fid) whose position in this query's order the answer gives (`position`). */
  locateFid?: number;
}

export interface AttributeTableColumn {
  /** Canonical key (or the file's own field name when no alias matched). */
  key: string;
  /** SQL column in the GeoPackage table. */
  column: string;
  labelZh: string;
  labelEn: string;
  type: 'text' | 'integer' | 'real' | 'boolean' | 'json';
  /** The imported file's field this column was read from (GHYT, DKBH); absent when not recorded (older projects, drawn layers). */
  sourceField?: string;
}

export interface AttributeTablePage {
  total: number;
  /** `lockedZh` / `lockedEn` (parcel layers): why the row's attributes cannot be edited (a signed decision stands). */
  rows: { fid: number; id: string; properties: Record<string, unknown>; lockedZh?: string; lockedEn?: string }[];
  columns: AttributeTableColumn[];
  /** With `locateFid`: its 0-based row index in this query, null when the query does not match it. */
  position?: number | null;
}

/** One stored sweep (全部审查) run. */
export interface SweepSummary {
  sweepId: number;
  profile: string;
  profileVersion: string | null;
  checkedAt: string;
  parcelCount: number;
  verdicts: Record<Verdict, number>;
  /** False while a sweep is still being written (or was cancelled: then it is never listed). */
  complete: boolean;
}

export interface SweepResultQuery {
  sweepId: number;
  verdict?: Verdict;
  /** Only parcels with a finding of this rule. */
  ruleId?: string;
  /** Id prefix or name substring. */
  search?: string;
  offset: number;
  /** At most 500. */
  limit: number;
}

export interface SweepResultRow {
  table: string;
  parcelId: string;
  name?: string;
  verdict: Verdict;
  /** Rules with findings for this parcel (ids: shown only in a details view). */
  ruleIds: string[];
  findingCount: number;
}

export interface SweepResultPage {
  total: number;
  rows: SweepResultRow[];
  /** Every rule with findings in this sweep and how many parcels it hit (for the rule filter). */
  rules: { ruleId: string; parcels: number }[];
}

export interface ProfileSummary {
  id: string;
  name: string;
  version: string;
  description?: string;
  /** `builtin` (data/profiles, read-only) or `project` (stored in the project, editable). */
  source?: 'builtin' | 'project';
  basedOn?: string;
}

/** Sweep of every parcel of the project (全部审查). */
export interface SweepJob {
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** The stored sweep the results go into (querySweepResults), once it has started writing. */
  sweepId?: number;
  done: number;
  total: number;
  profile: string;
  /** When done: parcels per verdict, and the check records written. */
  summary?: { prohibited: number; conditional: number; permitted: number; checkIds: number[]; seconds: number };
  /** When failed: zh-CN message, and the English one. */
  error?: string;
  errorEn?: string;
}

export interface CheckParcelRequest {
  table: string;
  parcelId: string;
  profile: string;
}

/**
 * A parcel drawn or reshaped on the map. Coordinates are EPSG:4490 (lon, lat); the
 * geometry goes through the same hygiene as an import (shared/geo/validate.ts).
 */
export interface SaveParcelRequest {
  /** Parcel layer. For a new parcel without a table: the project's drawn-parcel layer, created on first use. */
  table?: string;
  /** An existing parcel to reshape; absent = a new parcel. */
  parcelId?: string;
  geometry: Polygon | MultiPolygon;
  /** Attributes of a new parcel (canonical keys of rules.md §1.2: id, name, currentUse, plannedUse, action…). */
  properties?: Record<string, string | number | boolean | null>;
}

export interface SaveParcelResponse {
  parcel: ParcelSummary;
  /** Geodesic area on the CGCS2000 ellipsoid. */
  areaM2: number;
  /** What the geometry check repaired, coded (repair.* in shared/importers/messages.ts); empty when nothing was. */
  repairs: CodedText[];
}

/** One editable attribute of a parcel as the form shows it. */
export interface ParcelAttributeView extends ParcelAttributeField {
  /** Stored canonical value (undefined = unknown; [] for projectType = known: none of the types). */
  value?: string | string[] | boolean;
  /** The value in Chinese (option label, 是/否, the scheme of a land-use code, 不涉及以下类型, 未填写). */
  valueZh: string;
  /** Land-use fields: the scheme the code is read under, and whether it was assumed. */
  scheme?: string;
  schemeLabelZh?: string;
  schemeAssumed?: boolean;
}

export interface ParcelAttributesResponse {
  parcel: ParcelSummary;
  attributes: ParcelAttributeView[];
  /** The parcel's declared 用地分类标准, when it has one. */
  useScheme?: string;
  /** False while a signed decision other than 退回补正 stands. */
  editable: boolean;
  /** Why not editable (zh, en). */
  lockedReasonZh?: string;
  lockedReasonEn?: string;
}

export interface SetParcelAttributesRequest {
  table: string;
  parcelId: string;
  /** Values as rules.md §1.2 (Chinese labels accepted); null or '' clears a field (unknown). */
  changes: ParcelAttributeChanges;
  /** Profile the parcel is re-checked with at once. */
  profile: string;
}

export interface ParcelAttributeChange {
  key: EditableParcelKey;
  labelZh: string;
  old: unknown;
  new: unknown;
}

export interface SetParcelAttributesResponse {
  parcel: ParcelSummary;
  /** The re-check after the change (recorded like any check). */
  report: CheckReport;
  /** What actually changed (fields given with their stored value are not listed). */
  changed: ParcelAttributeChange[];
}

/** Which parcels an exchange export covers: every parcel, or these (table + id). */
export type ParcelSelection = 'all' | { table: string; id: string }[];

/** Whether the open project is a bureau's shared project, or a meeting copy pulled from one. */
export interface MeetingCopyInfo {
  /** The project lives in PostgreSQL (a meeting copy can be taken from it). */
  shared: boolean;
  /** For a meeting copy: the project it was pulled from (URL without password, or file path). */
  copyOf: string | null;
  pulledAt: string | null;
}

/** What a push of a meeting copy wrote, and what it left for the reviewer. */
export interface MeetingPushResult {
  decisions: number;
  alreadyPushed: number;
  attributeEdits: number;
  conflicts: { parcelTable: string; parcelId: string; kind: 'decision' | 'attributes'; message: string; messageEn: string }[];
  /** Parcels the shared project does not have. */
  skipped: string[];
}

export interface PackageImportResult {
  layers: string[];
  parcels: number;
  decisions: number;
  provenance: PackageProvenance;
}

/** A layer removed from the project (the 图层 context menu's 删除图层). */
export interface RemovedLayer {
  table: string;
  title: string;
  featureCount: number;
}

export interface LandGateApi {
  getProject(): Promise<ProjectInfo>;
  /** A layer's extent from gpkg_contents or its R*Tree root (缩放至图层): no feature is read. */
  getLayerExtent(request: { table: string }): Promise<{ table: string; bbox: BBox | null }>;
  /** A layer's title (the table name stays); audited. */
  renameLayer(request: { table: string; title: string }): Promise<LayerInfo>;
  /** Removes a layer (audited; a reference layer's removal bumps the data version, so checks no longer see it). */
  removeLayer(request: { table: string }): Promise<RemovedLayer>;
  /** Features by request (ids, box, attribute subset), never a whole layer: the map draws vector tiles. */
  getFeatures(request: FeaturesRequest): Promise<FeaturesResponse>;
  /** One page of the parcel list, searched, filtered and sorted in the store. */
  queryParcels(request: ParcelQuery): Promise<ParcelPage>;
  /** One page of any layer's attribute table (属性表), with its columns in Chinese and English. */
  queryFeatures(request: AttributeTableQuery): Promise<AttributeTablePage>;
  /** One parcel's summary (bbox, attributes, latest verdict). */
  getParcel(request: { table: string; id: string }): Promise<ParcelSummary>;
  listProfiles(): Promise<ProfileSummary[]>;
  /** A full profile (built-in or project) for the profile editor. */
  getProfile(request: { id: string }): Promise<Profile>;
  /** Validate and store a project profile (copy/edit); errors name the field in Chinese. */
  saveProfile(request: { profile: unknown }): Promise<ProfileSummary>;
  /** Sweep every parcel layer with a profile on worker threads; poll getSweepJob. */
  startSweep(request: { profile: string }): Promise<{ jobId: string }>;
  getSweepJob(request: { jobId: string }): Promise<SweepJob>;
  /** Stops a running sweep; what it wrote is discarded (the sweep is not listed). */
  cancelSweep(request: { jobId: string }): Promise<SweepJob>;
  /** Stored sweeps, newest first. */
  listSweeps(): Promise<SweepSummary[]>;
  /** One page of a sweep's results, filtered by verdict, rule and id/name. */
  querySweepResults(request: SweepResultQuery): Promise<SweepResultPage>;
  /** A sweep's results (optionally filtered) as XLSX, GeoPackage or a zipped GBK Shapefile (recorded as an export). */
  exportSweepResults(request: { sweepId: number; format: 'xlsx' | 'gpkg' | 'shapefile'; verdict?: Verdict; ruleId?: string }): Promise<ExportedFile>;
  /** Runs the check for one parcel, records it in the project, and returns findings with geometry. */
  checkParcel(request: CheckParcelRequest): Promise<CheckReport>;
  /** Import dialog: upload files as base64 chunks (each request well under the host's body limit). */
  stageImportFiles(request: StageImportFilesRequest): Promise<StageImportFilesResponse>;
  /** Parses the staged files (nothing written) with the user's encoding / CRS / layer / kind. */
  previewImport(request: PreviewImportRequest): Promise<ImportPreview>;
  /** Starts the import as a job; poll getImportJob. The staged files are deleted when it ends. */
  startImport(request: StartImportRequest): Promise<{ jobId: string }>;
  getImportJob(request: { jobId: string }): Promise<ImportJobStatus>;
  /** Cancels a running import; the project stays unchanged. */
  cancelImport(request: { jobId: string }): Promise<ImportJobStatus>;
  /** Drops staged files when the dialog is closed without importing. */
  discardImport(request: { uploadId: string }): Promise<{ ok: true }>;
  /** The project's stored DEM as an offline relief basemap (terrain-RGB tile URL, bounds, contour interval); null without a DEM. */
  getTerrainInfo(): Promise<TerrainInfo | null>;
  /** Contour lines of the project's DEM (LineStrings with `elevation`, `major`). */
  getTerrainContours(): Promise<FeatureCollection>;
  /** Offline basemaps added with `landgate basemap add` (MBTiles / PMTiles), with their tile URLs and attribution. */
  listBasemaps(): Promise<BasemapSummary[]>;
  /** `landgate bands` from the project's stored DEM: writes an elevation-band layer (default table elevation_bands, levels 400/900). */
  buildElevationBands(request: { levels?: number[]; table?: string; smooth?: boolean }): Promise<{ table: string; levels: number[]; nodataCells: number }>;
  /**
   * Review workbench: every submission (registered, or one implicit per parcel) with derived
   * status; with `registeredOnly`, the registered ones alone (what the new-submission form needs:
   * which parcels are taken), read without the project's other parcels.
   */
  listSubmissions(request?: { registeredOnly?: boolean }): Promise<Submission[]>;
  /** One page of the submission list, filtered, sorted and counted in the store (whatever the number of submissions, one page crosses). */
  querySubmissions(request: SubmissionQuery): Promise<SubmissionPage>;
  createSubmission(request: NewSubmission): Promise<Submission>;
  /** The review of one parcel: submission, latest check, signed decisions (revisions), pre-filled conditions. */
  getParcelReview(request: { table: string; parcelId: string }): Promise<ParcelReview>;
  /** Signs a decision; a change to a signed one must supersede it (new revision). */
  signDecision(request: DecisionInput): Promise<Decision>;
  /** Audit trail of the project or of one parcel, with the integrity check of the log and decisions. */
  getAuditTrail(request: { table?: string; parcelId?: string }): Promise<AuditView>;
  /** Sets the display name the audit trail shows for the acting OS account (audited; empty removes it). */
  setDisplayName(request: { name: string }): Promise<{ account: string; displayName: string | null }>;
  /** 审查意见书 PDF of a parcel (recorded as an export). */
  /** `basemap`: a raster basemap's id to draw under the maps instead of the hillshade (the map's chosen basemap). */
  exportReviewPdf(request: { table: string; parcelId: string; authority?: string; basemap?: string }): Promise<ExportedFile>;
  /** Monthly 汇总调度表 XLSX (recorded as an export). */
  exportMonthlySummary(request: { month: string; authority?: string }): Promise<ExportedFile>;
  /** A parcel drawn or vertex-edited on the map, written in one audited transaction. */
  saveParcel(request: SaveParcelRequest): Promise<SaveParcelResponse>;
  /** Review package (GeoPackage) of the chosen parcels for another department (recorded as an export). */
  exportReviewPackage(request: { parcels: ParcelSelection; department?: string }): Promise<ExportedFile>;
  /** Imports a review package staged with stageImportFiles (one .gpkg), keeping its provenance. */
  importReviewPackage(request: { uploadId: string }): Promise<PackageImportResult>;
  /** Findings of the chosen parcels as GeoJSON, or a zipped GBK Shapefile with .cpg (recorded as an export). */
  exportFindings(request: { parcels: ParcelSelection; format: 'geojson' | 'shapefile' }): Promise<ExportedFile>;
  /** The editable attributes of one parcel with Chinese labels and allowed values (the 编辑属性 form). */
  getParcelAttributes(request: { table: string; parcelId: string }): Promise<ParcelAttributesResponse>;
  /** Sets attributes (one audited transaction, refused under a standing signed decision) and re-checks the parcel. */
  setParcelAttributes(request: SetParcelAttributesRequest): Promise<SetParcelAttributesResponse>;
  /** Whether the project is shared (PostgreSQL) or a meeting copy, and of what. */
  getMeetingCopyInfo(): Promise<MeetingCopyInfo>;
  /** A meeting copy (GeoPackage) of the chosen registered submissions, or of everything (recorded in both projects' audit). */
  exportMeetingCopy(request: { submissionIds?: number[] }): Promise<ExportedFile>;
  /** Pushes a meeting copy: the one staged with stageImportFiles into this project, or (no uploadId) this copy to the project it came from. */
  pushMeetingCopy(request: { uploadId?: string }): Promise<MeetingPushResult>;
}

export type ApiMethod = keyof LandGateApi;
export type ApiRequest<M extends ApiMethod> = Parameters<LandGateApi[M]> extends [infer R] ? R : undefined;
export type ApiResponse<M extends ApiMethod> = Awaited<ReturnType<LandGateApi[M]>>;

export const API_METHODS = ['getProject', 'getLayerExtent', 'renameLayer', 'removeLayer', 'getFeatures', 'queryParcels', 'queryFeatures', 'getParcel', 'listProfiles', 'getProfile', 'saveProfile', 'startSweep', 'getSweepJob', 'cancelSweep', 'listSweeps', 'querySweepResults', 'exportSweepResults', 'checkParcel', 'stageImportFiles', 'previewImport', 'startImport', 'getImportJob', 'cancelImport', 'discardImport', 'listSubmissions', 'querySubmissions', 'createSubmission', 'getParcelReview', 'signDecision', 'getAuditTrail', 'exportReviewPdf', 'exportMonthlySummary', 'saveParcel', 'getParcelAttributes', 'setParcelAttributes', 'exportReviewPackage', 'importReviewPackage', 'exportFindings', 'getTerrainInfo', 'getTerrainContours', 'listBasemaps', 'buildElevationBands', 'setDisplayName', 'getMeetingCopyInfo', 'exportMeetingCopy', 'pushMeetingCopy'] as const satisfies readonly ApiMethod[];

// Compile-time proof that API_METHODS lists every method of LandGateApi.
type Unlisted = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

/** IPC channel of a method (desktop app). */
export const ipcChannel = (method: ApiMethod) => `landgate:${method}`;
/** HTTP route of a method (browser mode): POST with the request as JSON body. */
export const httpRoute = (method: ApiMethod) => `/api/${method}`;
/** Header carrying browser mode's per-run session token on every API call. */
export const SESSION_HEADER = 'X-LandGate-Session';
/** `<meta name=…>` of the served index.html that hands the page its session token. */
export const SESSION_META = 'landgate-session';

export function isApiMethod(value: unknown): value is ApiMethod {
  return typeof value === 'string' && (API_METHODS as readonly string[]).includes(value);
}

/** Error shape that crosses the boundary: a Chinese message for the user, English for logs. */
export interface ApiErrorBody {
  error: { code: string; messageZh: string; messageEn: string };
}

/** Name of the object the preload exposes on `window`. */
export const PRELOAD_GLOBAL = 'landgate';
