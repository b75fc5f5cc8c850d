/**
 * One typed app state, a defaults function, and every user action as a plain action object
 * (Excalidraw style): the header, the panels, the map, keyboard shortcuts and tests all change
 * the app by dispatching the same actions through `appReducer`. Nothing here knows React or
 * MapLibre.
 */
import type { Feature, Geometry } from 'geojson';
import type { ParcelQuery, ParcelSummary, ProfileSummary } from '../../shared/api/contract';
import type { CheckReport, Verdict } from '../../shared/model/check';
import type { BBox, ProjectInfo } from '../../shared/model/layers';

export interface ParcelRef {
  table: string;
  id: string;
}

/** What the parcel list shows: a query of the store, never the whole list (empty = no condition). */
export interface ParcelListFilter {
  search: string;
  verdict: Verdict | 'unchecked' | '';
  /** 规划用途 code prefix. */
  plannedUse: string;
  action: string;
  table: string;
  sort: NonNullable<ParcelQuery['sort']>;
}

export function defaultParcelFilter(): ParcelListFilter {
  return { search: '', verdict: '', plannedUse: '', action: '', table: '', sort: { key: 'id', descending: false } };
}

/** A feature the user clicked on the map, with its original (unflattened) properties. */
export interface InspectedFeature {
  layerTable: string;
  feature: Feature;
  /** Its GeoPackage fid: the 属性表 finds its row by it. */
  fid?: number;
  /** For derived display features (station buffer rings): what they were derived from. */
  derivedFrom?: 'station-buffer';
}

export type CheckState =
  | { status: 'idle' }
  | { status: 'running'; key: string }
  | { status: 'done'; key: string; report: CheckReport }
  | { status: 'error'; key: string; message: string };

export interface AppState {
  loadStatus: 'loading' | 'ready' | 'error';
  loadError: string | null;
  project: ProjectInfo | null;
  hiddenLayers: Record<string, boolean>;
  /** Opacity per layer (0..1) set in the 图层 context menu; absent = as styled. */
  layerOpacity: Record<string, number>;
  /**
   * Bumped per layer when its stored features or parcel verdicts changed (a parcel saved, a check
   * recorded, a sweep): the map asks for that layer's tiles again, nothing else is refetched.
   */
  layerRevisions: Record<string, number>;
  /** Parcels coloured by their latest verdict (按审查结论着色). */
  colorByVerdict: boolean;
  parcelFilter: ParcelListFilter;
  /** The selected parcel's summary (box to zoom to, heading), when known. */
  selectedSummary: ParcelSummary | null;
  /** Bumped when verdicts may have changed (a check, a sweep): the parcel list asks again. */
  listRevision: number;
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
  /** Layer whose 属性表 is open in the bottom drawer, if any. */
  attributeTable: string | null;
  /** A box the map is asked to zoom to (an attribute-table row of a non-parcel layer); `serial` makes a repeat zoom again. */
  zoomRequest: { bbox: BBox; serial: number; whole?: boolean } | null;
}

export interface Notice {
  text: string;
  tone: 'info' | 'error';
}

export const DEFAULT_PROFILE_ID = 'xiaxian';

export function defaultAppState(): AppState {
  return {
    loadStatus: 'loading',
    loadError: null,
    project: null,
    hiddenLayers: {},
    layerOpacity: {},
    layerRevisions: {},
    colorByVerdict: true,
    parcelFilter: defaultParcelFilter(),
    selectedSummary: null,
    listRevision: 0,
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
    attributeTable: null,
    zoomRequest: null,
  };
}

export type AppAction =
  | { type: 'projectLoaded'; project: ProjectInfo; profiles: ProfileSummary[] }
  | { type: 'loadFailed'; message: string }
  | { type: 'toggleLayer'; table: string }
  | { type: 'setColorByVerdict'; on: boolean }
  | { type: 'setLayerOpacity'; table: string; opacity: number }
  /** These layers' features or verdicts changed in the store: redraw them. */
  | { type: 'layersChanged'; tables: string[] }
  | { type: 'setAllLayersVisible'; visible: boolean }
  | { type: 'setParcelFilter'; filter: Partial<ParcelListFilter> }
  | { type: 'selectProfile'; profileId: string }
  /** `summary` when the caller has it (a list row): the map zooms at once instead of after getParcel. */
  | { type: 'selectParcel'; parcel: ParcelRef | null; summary?: ParcelSummary }
  | { type: 'parcelSummaryLoaded'; summary: ParcelSummary }
  /** A sweep (全部审查) finished writing verdicts. */
  | { type: 'sweepFinished' }
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
  | { type: 'openAttributeTable'; table: string }
  | { type: 'closeAttributeTable' }
  /** `whole`: the box is a whole layer (缩放至图层, an import), fitted edge to edge rather than shown in its surroundings. */
  | { type: 'zoomTo'; bbox: BBox; whole?: boolean }
  | { type: 'reloadProject'; notice?: string };

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
        profiles: action.profiles,
        profileId: state.profileId ?? pickDefaultProfile(action.profiles),
        loadStatus: 'ready',
      };
    case 'loadFailed':
      return { ...state, loadStatus: 'error', loadError: action.message };
    case 'toggleLayer':
      return { ...state, hiddenLayers: { ...state.hiddenLayers, [action.table]: !state.hiddenLayers[action.table] } };
    case 'setLayerOpacity':
      return { ...state, layerOpacity: { ...state.layerOpacity, [action.table]: Math.max(0, Math.min(1, action.opacity)) } };
    case 'setColorByVerdict':
      return { ...state, colorByVerdict: action.on };
    case 'layersChanged':
      return { ...state, layerRevisions: bumpRevisions(state.layerRevisions, action.tables) };
    case 'setAllLayersVisible': {
      const hiddenLayers: Record<string, boolean> = {};
      if (!action.visible) for (const layer of state.project?.layers ?? []) hiddenLayers[layer.table] = true;
      return { ...state, hiddenLayers };
    }
    case 'setParcelFilter':
      return { ...state, parcelFilter: { ...state.parcelFilter, ...action.filter } };
    case 'selectProfile':
      return state.profileId === action.profileId ? state : { ...state, profileId: action.profileId, selectedFinding: null };
    case 'selectParcel':
      return {
        ...state,
        selectedParcel: action.parcel,
        selectedSummary: action.parcel && action.summary && sameParcel(action.summary, action.parcel) ? action.summary : null,
        selectedFinding: null,
        check: action.parcel ? state.check : { status: 'idle' },
      };
    case 'checkStarted':
      return { ...state, check: { status: 'running', key: action.key }, selectedFinding: null };
    case 'parcelSummaryLoaded':
      return state.selectedParcel && sameParcel(action.summary, state.selectedParcel) ? { ...state, selectedSummary: action.summary } : state;
    case 'sweepFinished':
      // new verdicts for every parcel: the list asks again and the map recolours the parcel layers
      return {
        ...state,
        listRevision: state.listRevision + 1,
        layerRevisions: bumpRevisions(state.layerRevisions, (state.project?.layers ?? []).filter((l) => l.kind === 'parcel').map((l) => l.table)),
      };
    case 'checkFinished': {
      // Recorded even when the selection has moved on: the list's verdicts and the parcel's colour on the map change either way.
      const revised = { ...state, listRevision: state.listRevision + 1, layerRevisions: bumpRevisions(state.layerRevisions, [action.key.split('\u0000')[0]]) };
      return isCurrent(state, action.key) ? { ...revised, check: { status: 'done', key: action.key, report: action.report } } : revised;
    }
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
    case 'openAttributeTable':
      return { ...state, attributeTable: action.table };
    case 'closeAttributeTable':
      return { ...state, attributeTable: null };
    case 'zoomTo':
      return { ...state, zoomRequest: { bbox: action.bbox, serial: (state.zoomRequest?.serial ?? 0) + 1, ...(action.whole ? { whole: true } : {}) } };
    case 'reloadProject':
      return { ...state, reloadRequest: state.reloadRequest + 1, notice: action.notice ? { text: action.notice, tone: 'info' } : state.notice };
  }
}

function bumpRevisions(revisions: Record<string, number>, tables: readonly string[]): Record<string, number> {
  const next = { ...revisions };
  for (const table of tables) next[table] = (next[table] ?? 0) + 1;
  return next;
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
  return ref && state.selectedSummary && sameParcel(state.selectedSummary, ref) ? state.selectedSummary : null;
}

function sameParcel(a: ParcelRef, b: ParcelRef): boolean {
  return a.table === b.table && a.id === b.id;
}
