/**
 * The one declaration of what the renderer may ask of the Node side. The preload object, the IPC
 * handlers (electron/main) and the browser-mode HTTP routes (electron/host) are all derived from
 * `API_METHODS`; the service object must implement `LandGateApi`, so a method without a handler
 * is a compile error. Every method takes one JSON-serialisable request object (or nothing) and
 * resolves to JSON-serialisable data.
 */
import type { FeatureCollection } from 'geojson';
import type { CheckReport } from '../model/check';
import type { BBox, ProjectInfo } from '../model/layers';

export interface ParcelSummary {
  /** GeoPackage table holding the parcel (a layer of kind `parcel`). */
  table: string;
  id: string;
  name?: string;
  currentUse?: string;
  plannedUse?: string;
  action?: string;
  bbox: BBox;
}

export interface ProfileSummary {
  id: string;
  name: string;
  version: string;
  description?: string;
}

export interface LayerFeaturesRequest {
  table: string;
}

export interface CheckParcelRequest {
  table: string;
  parcelId: string;
  profile: string;
}

export interface LandGateApi {
  getProject(): Promise<ProjectInfo>;
  getLayerFeatures(request: LayerFeaturesRequest): Promise<FeatureCollection>;
  listParcels(): Promise<ParcelSummary[]>;
  listProfiles(): Promise<ProfileSummary[]>;
  /** Runs the check for one parcel, records it in the project, and returns findings with geometry. */
  checkParcel(request: CheckParcelRequest): Promise<CheckReport>;
}

export type ApiMethod = keyof LandGateApi;
export type ApiRequest<M extends ApiMethod> = Parameters<LandGateApi[M]> extends [infer R] ? R : undefined;
export type ApiResponse<M extends ApiMethod> = Awaited<ReturnType<LandGateApi[M]>>;

export const API_METHODS = ['getProject', 'getLayerFeatures', 'listParcels', 'listProfiles', 'checkParcel'] as const satisfies readonly ApiMethod[];

// Compile-time proof that API_METHODS lists every method of LandGateApi.
type Unlisted = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

/** IPC channel of a method (desktop app). */
export const ipcChannel = (method: ApiMethod) => `landgate:${method}`;
/** HTTP route of a method (browser mode): POST with the request as JSON body. */
export const httpRoute = (method: ApiMethod) => `/api/${method}`;

export function isApiMethod(value: unknown): value is ApiMethod {
  return typeof value === 'string' && (API_METHODS as readonly string[]).includes(value);
}

/** Error shape that crosses the boundary: a Chinese message for the user, English for logs. */
export interface ApiErrorBody {
  error: { code: string; messageZh: string; messageEn: string };
}

/** Name of the object the preload exposes on `window`. */
export const PRELOAD_GLOBAL = 'landgate';
