/**
 * The window: header (project, profile, language), layer panel on the left, map in the centre,
 * parcel list and 审查结论 on the right. All state lives in one reducer (state.ts); this component
 * loads the project, runs checks when the selection or the profile changes, and lays out panels.
 */
import { useEffect, useReducer, useRef, useState } from 'react';
import type { ProjectInfo } from '../../shared/model/layers';
import { api, platformMode, userMessage } from '../platform/api';
import { LOCALES, setLocale, t, tText, useLocale, type Locale } from '../i18n';
import { textList } from '../../shared/model/text';
import { MapView } from '../map/MapView';
import { CLASS_ATTRIBUTES, type LayerClasses } from '../map/layer-styles';
import { FeaturePopup } from '../panels/FeaturePopup';
import { FindingsPanel } from '../panels/FindingsPanel';
import { AttributeTable } from '../panels/AttributeTable';
import { LayerPanel } from '../panels/LayerPanel';
import { ParcelList } from '../panels/ParcelList';
import { SweepPanel } from '../panels/SweepPanel';
import { ProfileEditButton } from '../profiles/ProfileEditor';
import { ReviewWorkbench } from '../review/ReviewWorkbench';
import { ImportController } from '../import/ImportController';
import { appReducer, checkKey, defaultAppState, selectedFindingGeometry, selectedParcelSummary, type AppAction, type InspectedFeature } from './state';

export function App() {
  const [state, dispatch] = useReducer(appReducer, undefined, defaultAppState);
  // the language switch sets the locale; this subscription re-renders the window in it
  const locale = useLocale();

  useProjectLoader(dispatch, state.reloadRequest);
  const layerClasses = useLayerClasses(state.project);
  useParcelCheck(state.selectedParcel, state.profileId, dispatch, state.reloadRequest);
  useSelectedSummary(state.selectedParcel, state.selectedSummary !== null, dispatch, state.reloadRequest);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') dispatch({ type: 'closeInspector' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const project = state.project;
  const attributeLayer = project?.layers.find((layer) => layer.table === state.attributeTable) ?? null;
  useEffect(() => {
    document.title = project ? `${project.title} — ${t('app.name')}` : t('app.name');
  }, [project, locale]);

  const profile = state.profiles.find((p) => p.id === state.profileId) ?? null;
  const parcel = selectedParcelSummary(state);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            审
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <div className="project-title" data-testid="project-title">
          <h1 title={project?.path}>{project?.title ?? (state.loadStatus === 'error' ? t('app.loadFailed') : t('app.loading'))}</h1>
          {project?.synthetic && (
            <span className="badge badge-synthetic" data-testid="synthetic-badge" title={t('app.syntheticHint')}>
              {t('app.synthetic')}
            </span>
          )}
        </div>
        <div className="header-controls">
          <ImportController
            onImported={(layer, warnings) => {
              dispatch({
                type: 'reloadProject',
                notice: tText(textList([t('import.done', { count: layer.featureCount, title: layer.title }), ...warnings.slice(0, 3)], 'semicolon')),
              });
              // show what was imported, whole
              if (layer.bbox) dispatch({ type: 'zoomTo', bbox: layer.bbox, whole: true });
            }}
          />
          <label className="control">
            <span>{t('profile.label')}</span>
            <select
              data-testid="profile-select"
              value={state.profileId ?? ''}
              disabled={state.profiles.length === 0}
              onChange={(event) => dispatch({ type: 'selectProfile', profileId: event.target.value })}
            >
              {state.profiles.length === 0 && <option value="">{t('profile.none')}</option>}
              {state.profiles.map((p) => (
                <option key={p.id} value={p.id} title={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <ProfileEditButton
            profile={profile}
            profiles={state.profiles}
            onSaved={(saved) => {
              dispatch({ type: 'selectProfile', profileId: saved.id });
              dispatch({ type: 'reloadProject', notice: t('editor.saved', { name: saved.name, id: saved.id, version: saved.version }) });
            }}
          />
          <label className="control">
            <span>{t('app.language')}</span>
            <select data-testid="locale-select" value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
              {LOCALES.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          <span className="mode-chip">{platformMode() === 'desktop' ? t('app.mode.desktop') : t('app.mode.browser')}</span>
        </div>
      </header>

      {state.notice && (
        <div className={`notice notice-${state.notice.tone}`} role={state.notice.tone === 'error' ? 'alert' : 'status'} data-testid="app-notice">
          <span>{state.notice.text}</span>
          <button type="button" className="link-button" onClick={() => dispatch({ type: 'dismissNotice' })}>
            {t('app.dismiss')}
          </button>
        </div>
      )}

      <main className="app-body">
        <aside className="sidebar sidebar-left">
          {project ? (
            <LayerPanel project={project} layerClasses={layerClasses} hiddenLayers={state.hiddenLayers} layerOpacity={state.layerOpacity} colorByVerdict={state.colorByVerdict} dispatch={dispatch} />
          ) : (
            <section className="panel layer-panel" data-testid="layer-panel">
              <header className="panel-header">
                <h2>{t('layers.title')}</h2>
              </header>
            </section>
          )}
        </aside>

        <section className="map-area">
          {project && (
            <MapView
              project={project}
              layerClasses={layerClasses}
              hiddenLayers={state.hiddenLayers}
              layerOpacity={state.layerOpacity}
              layerRevisions={state.layerRevisions}
              colorByVerdict={state.colorByVerdict}
              selectedParcel={state.selectedParcel}
              findingGeometry={selectedFindingGeometry(state)}
              fitRequest={state.fitRequest}
              zoomRequest={state.zoomRequest}
              dispatch={dispatch}
            />
          )}
          {!project && state.loadStatus === 'loading' && (
            <div className="map-overlay">
              <span className="spinner" aria-hidden="true" />
              {t('app.loading')}
            </div>
          )}
          {state.loadStatus === 'error' && (
            <div className="map-overlay map-overlay-error" role="alert">
              <strong>{t('app.loadFailed')}</strong>
              <p>{state.loadError}</p>
            </div>
          )}
          {project && <ReviewWorkbench state={state} dispatch={dispatch} />}
          {attributeLayer && (
            <AttributeTable
              key={attributeLayer.table}
              layer={attributeLayer}
              selectedParcel={state.selectedParcel}
              selectedParcelFid={state.selectedSummary && state.selectedSummary.table === attributeLayer.table && state.selectedSummary.id === state.selectedParcel?.id ? (state.selectedSummary.fid ?? null) : null}
              inspectedFid={inspectedFidOf(state.inspected[state.inspectedIndex], attributeLayer.table)}
              profileId={state.profileId}
              revision={`${state.listRevision}/${state.reloadRequest}/${state.layerRevisions[attributeLayer.table] ?? 0}`} dispatch={dispatch} />
          )}
          {project && <FeaturePopup inspected={state.inspected} index={state.inspectedIndex} layers={project.layers} dispatch={dispatch} />}
        </section>

        <aside className="sidebar sidebar-right">
          <SweepPanel profileId={state.profileId} profileName={profile ? `${profile.name}（${profile.id}，版本 ${profile.version}）` : undefined} dispatch={dispatch} />
          <ParcelList
            layers={project?.layers ?? []}
            filter={state.parcelFilter}
            selected={state.selectedParcel}
            revision={`${state.listRevision}/${state.reloadRequest}`}
            dispatch={dispatch}
          />
          <FindingsPanel
            parcel={parcel}
            check={state.check}
            profile={profile}
            layers={project?.layers ?? []}
            selectedFinding={state.selectedFinding}
            dispatch={dispatch}
          />
        </aside>
      </main>
    </div>
  );
}

/** The fid of the feature shown in the identify popup, when it is of this layer. */
function inspectedFidOf(inspected: InspectedFeature | undefined, table: string): number | null {
  return inspected && inspected.layerTable === table && inspected.fid !== undefined && !inspected.derivedFrom ? inspected.fid : null;
}

function useProjectLoader(dispatch: (action: AppAction) => void, reloadRequest = 0) {
  useEffect(() => {
    let cancelled = false;
    const send = (action: AppAction) => {
      if (!cancelled) dispatch(action);
    };
    (async () => {
      try {
        // layer infos only: the map asks for its tiles itself, the list for its pages
        const [project, profiles] = await Promise.all([api.getProject(), api.listProfiles()]);
        send({ type: 'projectLoaded', project, profiles });
      } catch (error) {
        send({ type: 'loadFailed', message: userMessage(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [dispatch, reloadRequest]);
}

/**
 * The selected parcel's summary when the selection came without one (a submission opened, a
 * parcel drawn), and again after a reload (a reshaped parcel has a new box).
 */
function useSelectedSummary(parcel: { table: string; id: string } | null, known: boolean, dispatch: (action: AppAction) => void, reloadRequest = 0) {
  const table = parcel?.table;
  const id = parcel?.id;
  const knownRef = useRef(known);
  knownRef.current = known;
  const lastReload = useRef(reloadRequest);
  useEffect(() => {
    const reloaded = lastReload.current !== reloadRequest;
    lastReload.current = reloadRequest;
    if (table === undefined || id === undefined || (knownRef.current && !reloaded)) return;
    let cancelled = false;
    api.getParcel({ table, id }).then(
      (summary) => !cancelled && dispatch({ type: 'parcelSummaryLoaded', summary }),
      () => undefined, // the check reports an unknown parcel in words; the map just does not zoom
    );
    return () => {
      cancelled = true;
    };
  }, [table, id, dispatch, reloadRequest]);
}

/** `reloadRequest`: a reload (a parcel reshaped on the map, a new layer) checks the selected parcel again. */
function useParcelCheck(parcel: { table: string; id: string } | null, profileId: string | null, dispatch: (action: AppAction) => void, reloadRequest = 0) {
  const table = parcel?.table;
  const id = parcel?.id;
  useEffect(() => {
    if (table === undefined || id === undefined || !profileId) return;
    const key = checkKey({ table, id }, profileId);
    dispatch({ type: 'checkStarted', key });
    api.checkParcel({ table, parcelId: id, profile: profileId }).then(
      (report) => dispatch({ type: 'checkFinished', key, report }),
      (error: unknown) => dispatch({ type: 'checkFailed', key, message: userMessage(error) }),
    );
  }, [table, id, profileId, dispatch, reloadRequest]);
}

/** Distinct values of the attributes the layers' styles and legends depend on (one bounded request per such layer). */
function useLayerClasses(project: ProjectInfo | null): Record<string, LayerClasses> {
  const [classes, setClasses] = useState<Record<string, LayerClasses>>({});
  const key = project?.layers.map((l) => `${l.table}:${l.featureCount}`).join('\u0000') ?? '';
  useEffect(() => {
    if (!project) return;
    let cancelled = false;
    for (const layer of project.layers) {
      const attribute = CLASS_ATTRIBUTES[layer.kind];
      if (!attribute) continue;
      api.getFeatures({ table: layer.table, attributes: [attribute], geometry: false, limit: 5000 }).then(
        (response) => {
          if (cancelled) return;
          const values = new Set<string | number>();
          for (const feature of response.features) {
            const value = feature.properties?.[attribute];
            if (typeof value === 'string' || typeof value === 'number') values.add(value);
          }
          setClasses((all) => ({ ...all, [layer.table]: { [attribute]: [...values] } }));
        },
        () => undefined, // the legend then lists every known class
      );
    }
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return classes;
}
