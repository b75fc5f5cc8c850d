/**
 * One typed app state, a defaults function, and every user action as a plain action object
 * (Excalidraw style): the header, the panels, the map, keyboard shortcuts and tests all change
 * the app by dispatching the same actions through `appReducer`. Nothing here knows React or
 * MapLibre.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { ParcelSummary, ProfileSummary } from '../../shared/api/contract';
import type { CheckReport } from '../../shared/model/check';
import type { ProjectInfo } from '../../shared/model/layers';
import type { Locale } from '../i18n';

export interface ParcelRef {
  table: string;
  id: string;
}

/** A feature the user clicked on the map, with its original (unflattened) properties. */
export interface InspectedFeature {
  layerTable: string;
  feature: Feature;
  /** For derived display features (station buffer rings): what they were derived from. */
  derivedFrom?: 'station-buffer';
}

export type CheckState =
  | { status: 'idle' }
  | { status: 'running'; key: string }
  | { status: 'done'; key: string; report: CheckReport }
  | { status: 'error'; key: string; message: string };

export interface AppState {
  locale: Locale;
  loadStatus: 'loading' | 'ready' | 'error';
  loadError: string | null;
  project: ProjectInfo | null;
  /** Layer features by GeoPackage table, as served by the API. */
  layerData: Record<string, FeatureCollection>;
  layersLoaded: number;
  hiddenLayers: Record<string, boolean>;
  parcels: ParcelSummary[];
  parcelFilter: string;
  profiles: ProfileSummary[];
  profileId: string | null;
  selectedParcel: ParcelRef | null;
  check: CheckState;
  /** Index into the current report's findings of the finding drawn on the map. */
  selectedFinding: number | null;
  inspected: InspectedFeature[];
  inspectedIndex: number;
  /** Transient banner (user-facing text): what just happened (info) or what went wrong (error). */
  notice: Notice | null;
  /** Bumped to ask the map to zoom back to the project extent. */
  fitRequest: number;
  /** Bumped to reload the project (after an import). */
  reloadRequest: number;
  /** Bumped when stored verdicts changed (a sweep finished): lists and map colours re-query. */
  listRevision: number;
}

export interface Notice {
  text: string;
  tone: 'info' | 'error';
}

export const DEFAULT_PROFILE_ID = 'xiaxian';

export function defaultAppState(): AppState {
  return {
    locale: 'zh-CN',
    loadStatus: 'loading',
    loadError: null,
    project: null,
    layerData: {},
    layersLoaded: 0,
    hiddenLayers: {},
    parcels: [],
    parcelFilter: '',
    profiles: [],
    profileId: null,
    selectedParcel: null,
    check: { status: 'idle' },
    selectedFinding: null,
    inspected: [],
    inspectedIndex: 0,
    notice: null,
    fitRequest: 0,
    reloadRequest: 0,
    listRevision: 0,
  };
}

export type AppAction =
  | { type: 'projectLoaded'; project: ProjectInfo; parcels: ParcelSummary[]; profiles: ProfileSummary[] }
  | { type: 'layerLoaded'; table: string; data: FeatureCollection }
  | { type: 'loadFailed'; message: string }
  | { type: 'setLocale'; locale: Locale }
  | { type: 'toggleLayer'; table: string }
  | { type: 'setAllLayersVisible'; visible: boolean }
  | { type: 'setParcelFilter'; filter: string }
  | { type: 'selectProfile'; profileId: string }
  | { type: 'selectParcel'; parcel: ParcelRef | null }
  | { type: 'checkStarted'; key: string }
  | { type: 'checkFinished'; key: string; report: CheckReport }
  | { type: 'checkFailed'; key: string; message: string }
  | { type: 'selectFinding'; index: number | null }
  | { type: 'inspectFeatures'; features: InspectedFeature[] }
  | { type: 'showInspected'; index: number }
  | { type: 'closeInspector' }
  /** An error banner; a success is reported with the reload it causes (`reloadProject.notice`). */
  | { type: 'showNotice'; message: string }
  | { type: 'dismissNotice' }
  | { type: 'fitProject' }
  | { type: 'reloadProject'; notice?: string }
  /** A sweep stored new latest verdicts for many parcels. */
  | { type: 'sweepFinished' };

/** Identity of one check run: a result only lands if it still matches the selection. */
export function checkKey(parcel: ParcelRef, profileId: string): string {
  return `${parcel.table}\u0000${parcel.id}\u0000${profileId}`;
}

export function pickDefaultProfile(profiles: ProfileSummary[]): string | null {
  return profiles.find((p) => p.id === DEFAULT_PROFILE_ID)?.id ?? profiles[0]?.id ?? null;
}

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'projectLoaded':
      return {
        ...state,
        project: action.project,
        parcels: action.parcels,
        profiles: action.profiles,
        profileId: state.profileId ?? pickDefaultProfile(action.profiles),
        loadStatus: action.project.layers.length === 0 ? 'ready' : 'loading',
      };
    case 'layerLoaded': {
      const layerData = { ...state.layerData, [action.table]: action.data };
      const total = state.project?.layers.length ?? 0;
      const layersLoaded = Object.keys(layerData).length;
      return { ...state, layerData, layersLoaded, loadStatus: layersLoaded >= total ? 'ready' : state.loadStatus };
    }
    case 'loadFailed':
      return { ...state, loadStatus: 'error', loadError: action.message };
    case 'setLocale':
      return { ...state, locale: action.locale };
    case 'toggleLayer':
      return { ...state, hiddenLayers: { ...state.hiddenLayers, [action.table]: !state.hiddenLayers[action.table] } };
    case 'setAllLayersVisible': {
      const hiddenLayers: Record<string, boolean> = {};
      if (!action.visible) for (const layer of state.project?.layers ?? []) hiddenLayers[layer.table] = true;
      return { ...state, hiddenLayers };
    }
    case 'setParcelFilter':
      return { ...state, parcelFilter: action.filter };
    case 'selectProfile':
      return state.profileId === action.profileId ? state : { ...state, profileId: action.profileId, selectedFinding: null };
    case 'selectParcel':
      return {
        ...state,
        selectedParcel: action.parcel,
        selectedFinding: null,
        check: action.parcel ? state.check : { status: 'idle' },
      };
    case 'checkStarted':
      return { ...state, check: { status: 'running', key: action.key }, selectedFinding: null };
    case 'checkFinished':
      return isCurrent(state, action.key) ? { ...state, check: { status: 'done', key: action.key, report: action.report } } : state;
    case 'checkFailed':
      return isCurrent(state, action.key) ? { ...state, check: { status: 'error', key: action.key, message: action.message } } : state;
    case 'selectFinding':
      return { ...state, selectedFinding: state.selectedFinding === action.index ? null : action.index };
    case 'inspectFeatures':
      return { ...state, inspected: action.features, inspectedIndex: 0 };
    case 'showInspected':
      return { ...state, inspectedIndex: Math.max(0, Math.min(action.index, state.inspected.length - 1)) };
    case 'closeInspector':
      return { ...state, inspected: [], inspectedIndex: 0 };
    case 'showNotice':
      return { ...state, notice: { text: action.message, tone: 'error' } };
    case 'dismissNotice':
      return { ...state, notice: null };
    case 'fitProject':
      return { ...state, fitRequest: state.fitRequest + 1 };
    case 'reloadProject':
      return { ...state, reloadRequest: state.reloadRequest + 1, notice: action.notice ? { text: action.notice, tone: 'info' } : state.notice };
    case 'sweepFinished':
      return { ...state, listRevision: state.listRevision + 1 };
  }
}

function isCurrent(state: AppState, key: string): boolean {
  return state.check.status !== 'idle' && state.check.key === key;
}

/** The finding geometry to draw, if a finding of the current report is selected. */
export function selectedFindingGeometry(state: AppState): Geometry | null {
  if (state.check.status !== 'done' || state.selectedFinding === null) return null;
  const parcel = state.check.report.parcels[0];
  return parcel?.findings[state.selectedFinding]?.geometry ?? null;
}

export function selectedParcelSummary(state: AppState): ParcelSummary | null {
  const ref = state.selectedParcel;
  if (!ref) return null;
  return state.parcels.find((p) => p.table === ref.table && p.id === ref.id) ?? null;
}
