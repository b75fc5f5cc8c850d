/**
 * Drawing a new parcel and reshaping a selected one on the map. A small editor on
 * MapLibre's own events rather than a drawing library: terra-draw (the candidate) handles neither
 * MultiPolygons nor holes, which parcels have, and our undo history and project-layer snapping
 * would have to round-trip through its store. The pure parts live beside it: sketch.ts (geometry
 * operations), snap.ts (candidate search), history.ts (undo/redo).
 *
 * The editor draws into its own GeoJSON sources on top of the project layers; the saved geometry
 * goes to the Node side (api.saveParcel), which validates, repairs and audits it.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type Dispatch, type FormEvent } from 'react';
import type * as maplibregl from 'maplibre-gl';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import type { BBox, ProjectInfo } from '../../../shared/model/layers';
import { geodesicAreaM2 } from '../../../shared/geo/geodesy';
import { describeUse, classifyUse } from '../../../shared/landuse/codes';
import type { AppAction, ParcelRef } from '../../app/state';
import { areaParts, formatArea } from '../../app/format';
import { formatAttributeValue } from '../../i18n/labels';
import { api, userMessage } from '../../platform/api';
import { canRedo, canUndo, createHistory, record, redo, undo, type History } from './history';
import { ACTION_CODES } from './messages';
import { statusLabel } from '../../review/messages';
import { buildSnapIndex, findSnap, SNAP_TOLERANCE_PX, type SnapIndex, type SnapLayer, type SnapResult } from './snap';
import {
  addVertex,
  closeSketch,
  deleteVertex,
  emptySketch,
  insertVertex,
  midpoints,
  moveVertex,
  nearestHandle,
  sketchFromGeometry,
  sketchGeometry,
  vertexAt,
  vertexCount,
  vertices,
  type Sketch,
  type VertexRef,
} from './sketch';
import './edit.css';
import { t, tText } from '../../i18n';
import { textList, type CodedText } from '../../../shared/model/text';

const DRAWN_TABLE = 'drawn_parcels';
const SKETCH_SOURCE = 'landgate-edit-sketch';
const SNAP_SOURCE = 'landgate-edit-snap';
/** Pixel radius within which the pointer grabs a vertex or midpoint handle. */
const HANDLE_PX = 8;
/** A click this close to the previous vertex is the second half of a double-click, not a new vertex. */
const REPEAT_CLICK_PX = 3;
/**
 * Snapping reads the visible layers' features in the view (bounded requests, again after each pan
 * or zoom). Below SNAP_MIN_ZOOM, or when the view holds more than SNAP_MAX_FEATURES, it pauses
 * with a hint: at that scale a snap tolerance of 10 px spans tens of metres and would pull the
 * pointer onto whatever lies near rather than the vertex the user means.
 */
const SNAP_MIN_ZOOM = 12;
const SNAP_MAX_FEATURES = 4000;

const SKETCH_LAYERS: maplibregl.LayerSpecification[] = [
  { id: 'landgate-edit-fill', type: 'fill', source: SKETCH_SOURCE, filter: ['in', ['get', 'role'], ['literal', ['shape', 'shape-preview']]], paint: { 'fill-color': '#2f6fde', 'fill-opacity': 0.18 } },
  { id: 'landgate-edit-line', type: 'line', source: SKETCH_SOURCE, filter: ['in', ['get', 'role'], ['literal', ['shape', 'path']]], paint: { 'line-color': '#1d4fb8', 'line-width': 2 } },
  { id: 'landgate-edit-guide', type: 'line', source: SKETCH_SOURCE, filter: ['==', ['get', 'role'], 'guide'], paint: { 'line-color': '#1d4fb8', 'line-width': 1.5, 'line-dasharray': [2, 2] } },
  {
    id: 'landgate-edit-midpoints',
    type: 'circle',
    source: SKETCH_SOURCE,
    filter: ['==', ['get', 'role'], 'midpoint'],
    paint: { 'circle-radius': 3.5, 'circle-color': '#ffffff', 'circle-opacity': 0.85, 'circle-stroke-color': '#1d4fb8', 'circle-stroke-width': 1 },
  },
  {
    id: 'landgate-edit-vertices',
    type: 'circle',
    source: SKETCH_SOURCE,
    filter: ['==', ['get', 'role'], 'vertex'],
    paint: {
      'circle-radius': ['case', ['get', 'selected'], 6, 4.5],
      'circle-color': ['case', ['get', 'selected'], '#f08c00', '#ffffff'],
      'circle-stroke-color': '#1d4fb8',
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'landgate-edit-snap',
    type: 'circle',
    source: SNAP_SOURCE,
    paint: {
      'circle-radius': 9,
      'circle-opacity': 0,
      'circle-stroke-color': ['case', ['==', ['get', 'kind'], 'vertex'], '#d6006f', '#7a2bd6'],
      'circle-stroke-width': 2.5,
    },
  },
];

type Target = { kind: 'new' } | { kind: 'existing'; table: string; id: string };

interface Session {
  target: Target;
  history: History<Sketch>;
}

interface Drag {
  ref: VertexRef;
  base: Sketch;
  inserted: boolean;
  moved: boolean;
  live: Sketch;
}

export interface ParcelEditorProps {
  /** The map once the project layers are on it (null before). */
  map: maplibregl.Map | null;
  project: ProjectInfo;
  hiddenLayers: Record<string, boolean>;
  selectedParcel: ParcelRef | null;
  /** The selected parcel's stored geometry (null while loading or when it has none). */
  selectedGeometry: Polygon | MultiPolygon | null;
  dispatch: Dispatch<AppAction>;
  /** Tells the map view to leave clicks to the editor (no feature popup while editing). */
  onActiveChange(active: boolean): void;
}

declare global {
  interface Window {
    /** e2e tests: the editor's sketch geometry and state, read-only. */
    __landgateEdit?: { phase: Sketch['phase'] | null; geometry: Polygon | MultiPolygon | null; vertexCount: number; snap: SnapResult | null };
    /** e2e tests: lon/lat → pixel offset within the map canvas. */
    __landgateMapToScreen?: (lon: number, lat: number) => { x: number; y: number };
  }
}

export function ParcelEditor(props: ParcelEditorProps) {
  const { map, dispatch } = props;
  const [session, setSession] = useState<Session | null>(null);
  const [selectedVertex, setSelectedVertex] = useState<VertexRef | null>(null);
  const [live, setLive] = useState<Sketch | null>(null);
  const [snapOn, setSnapOn] = useState(true);
  const [snapStatus, setSnapStatus] = useState<SnapResult | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [saving, setSaving] = useState(false);

  const latest = useRef({ props, session, selectedVertex, snapOn, formOpen });
  latest.current = { props, session, selectedVertex, snapOn, formOpen };
  const dragRef = useRef<Drag | null>(null);
  const pointerRef = useRef<Position | null>(null);
  const altRef = useRef(false);

  const active = session !== null;
  const excluded = session?.target.kind === 'existing' ? { table: session.target.table, id: session.target.id } : null;
  const excludedKey = excluded ? `${excluded.table}\u0000${excluded.id}` : '';
  const snapLayers = useSnapLayers(map, active && snapOn, props.project, props.hiddenLayers);
  const snapIndex = useMemo<SnapIndex>(
    () => buildSnapIndex(snapLayers.layers, excluded),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [snapLayers.layers, excludedKey],
  );
  const snapIndexRef = useRef(snapIndex);
  snapIndexRef.current = snapIndex;
  const resnapRef = useRef<(() => void) | null>(null);
  useEffect(() => resnapRef.current?.(), [snapIndex]);

  useEffect(() => {
    latest.current.props.onActiveChange(active);
  }, [active]);

  useEffect(() => {
    if (!map) return;
    window.__landgateMapToScreen = (lon, lat) => {
      const p = map.project([lon, lat]);
      return { x: p.x, y: p.y };
    };
  }, [map]);

  // ---- map sources and layers of the editor ------------------------------------------------
  useEffect(() => {
    if (!map || !active) return;
    map.addSource(SKETCH_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addSource(SNAP_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    for (const layer of SKETCH_LAYERS) map.addLayer(layer);
    map.doubleClickZoom.disable();
    map.getCanvas().style.cursor = 'crosshair';
    return () => {
      // The map may already be gone (project reload remounts the map view).
      if (!map.getStyle()) return;
      for (const layer of SKETCH_LAYERS) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
      for (const source of [SKETCH_SOURCE, SNAP_SOURCE]) if (map.getSource(source)) map.removeSource(source);
      map.doubleClickZoom.enable();
      map.getCanvas().style.cursor = '';
    };
  }, [map, active]);

  const render = useCallback(
    (sketch: Sketch | null, pointer: Position | null) => {
      if (!map) return;
      const source = map.getSource(SKETCH_SOURCE) as maplibregl.GeoJSONSource | undefined;
      if (!source) return;
      source.setData(sketchFeatures(sketch, pointer, latest.current.selectedVertex));
    },
    [map],
  );

  const showSnap = useCallback(
    (snap: SnapResult | null) => {
      const source = map?.getSource(SNAP_SOURCE) as maplibregl.GeoJSONSource | undefined;
      source?.setData({ type: 'FeatureCollection', features: snap ? [{ type: 'Feature', properties: { kind: snap.kind }, geometry: { type: 'Point', coordinates: snap.position } }] : [] });
      setSnapStatus((previous) => (previous?.kind === snap?.kind && previous?.table === snap?.table ? previous : snap));
      if (window.__landgateEdit) window.__landgateEdit.snap = snap;
    },
    [map],
  );

  const present = session?.history.present ?? null;
  useEffect(() => {
    render(dragRef.current?.live ?? present, pointerRef.current);
    setLive(null);
    window.__landgateEdit = present
      ? { phase: present.phase, geometry: sketchGeometry(present), vertexCount: vertexCount(present), snap: window.__landgateEdit?.snap ?? null }
      : { phase: null, geometry: null, vertexCount: 0, snap: null };
  }, [present, selectedVertex, render]);

  // ---- editing operations ----------------------------------------------------------------------
  const commit = useCallback((next: Sketch) => {
    setSession((s) => (s ? { ...s, history: record(s.history, next) } : s));
    setMessage(null);
  }, []);

  const doUndo = useCallback(() => {
    setSession((s) => (s ? { ...s, history: undo(s.history) } : s));
    setSelectedVertex(null);
  }, []);
  const doRedo = useCallback(() => {
    setSession((s) => (s ? { ...s, history: redo(s.history) } : s));
    setSelectedVertex(null);
  }, []);

  const removeVertex = useCallback(
    (ref: VertexRef) => {
      const s = latest.current.session;
      if (!s) return;
      const next = deleteVertex(s.history.present, ref);
      if (!next) {
        setMessage(t('edit.minVertices'));
        return;
      }
      setSelectedVertex(null);
      commit(next);
    },
    [commit],
  );

  const stop = useCallback(() => {
    setSession(null);
    setSelectedVertex(null);
    setFormOpen(false);
    setMessage(null);
    dragRef.current = null;
    setSnapStatus(null);
    window.__landgateEdit = { phase: null, geometry: null, vertexCount: 0, snap: null };
  }, []);

  // ---- map events ----------------------------------------------------------------------------------
  useEffect(() => {
    if (!map || !active) return;
    const project = (p: Position) => map.project([p[0], p[1]]);
    const snapAt = (point: maplibregl.Point, altKey: boolean): SnapResult | null => {
      if (!latest.current.snapOn || altKey || altRef.current) return null;
      const tl = map.unproject([point.x - SNAP_TOLERANCE_PX, point.y - SNAP_TOLERANCE_PX]);
      const br = map.unproject([point.x + SNAP_TOLERANCE_PX, point.y + SNAP_TOLERANCE_PX]);
      return findSnap(snapIndexRef.current, {
        pointer: point,
        project,
        hidden: latest.current.props.hiddenLayers,
        near: [Math.min(tl.lng, br.lng), Math.min(tl.lat, br.lat), Math.max(tl.lng, br.lng), Math.max(tl.lat, br.lat)],
      });
    };
    const sketchNow = () => latest.current.session?.history.present ?? null;
    /** While drawing, the first vertex closes the ring: it wins over any layer snap. */
    const closingVertex = (sketch: Sketch, point: maplibregl.Point): Position | null => {
      const ring = sketch.polygons[0][0];
      if (sketch.phase !== 'drawing' || ring.length < 3) return null;
      const first = project(ring[0] as Position);
      return Math.hypot(first.x - point.x, first.y - point.y) <= SNAP_TOLERANCE_PX ? (ring[0] as Position) : null;
    };

    // Candidates arrive after the view settles: the pointer that is already there snaps then.
    let lastPoint: maplibregl.Point | null = null;
    resnapRef.current = () => {
      if (!lastPoint || dragRef.current || latest.current.formOpen || !sketchNow()) return;
      const snap = snapAt(lastPoint, false);
      if (snap) pointerRef.current = snap.position;
      showSnap(snap);
    };

    const onMove = (event: maplibregl.MapMouseEvent) => {
      if (latest.current.formOpen) return;
      const sketch = sketchNow();
      if (!sketch) return;
      lastPoint = event.point;
      const alt = event.originalEvent.altKey;
      const closing = closingVertex(sketch, event.point);
      const snap = closing ? { position: closing, kind: 'vertex' as const, table: '', featureId: '', distancePx: 0 } : snapAt(event.point, alt);
      const position: Position = snap ? snap.position : [event.lngLat.lng, event.lngLat.lat];
      pointerRef.current = position;
      showSnap(snap);
      const drag = dragRef.current;
      if (drag) {
        drag.moved = true;
        drag.live = moveVertex(drag.base, drag.ref, position);
        render(drag.live, null);
        setLive(drag.live);
        return;
      }
      if (sketch.phase === 'drawing') render(sketch, position);
      else {
        const over = nearestHandle(vertices(sketch), event.point, project, HANDLE_PX) ?? nearestHandle(midpoints(sketch), event.point, project, HANDLE_PX);
        map.getCanvas().style.cursor = over ? 'move' : 'crosshair';
      }
    };

    const onDown = (event: maplibregl.MapMouseEvent) => {
      if (event.originalEvent.button !== 0 || latest.current.formOpen) return;
      const sketch = sketchNow();
      if (!sketch || sketch.phase !== 'editing') return;
      const vertex = nearestHandle(vertices(sketch), event.point, project, HANDLE_PX);
      if (vertex) {
        event.preventDefault(); // no map panning: the vertex moves instead
        setSelectedVertex(vertex);
        dragRef.current = { ref: vertex, base: sketch, inserted: false, moved: false, live: sketch };
        return;
      }
      const mid = nearestHandle(midpoints(sketch), event.point, project, HANDLE_PX);
      if (mid) {
        event.preventDefault();
        const at = midpoints(sketch).find((m) => m.ref.polygon === mid.polygon && m.ref.ring === mid.ring && m.ref.index === mid.index)!.position;
        const base = insertVertex(sketch, mid, at);
        const ref = { ...mid, index: mid.index + 1 };
        setSelectedVertex(ref);
        dragRef.current = { ref, base, inserted: true, moved: false, live: base };
        render(base, null);
      }
    };

    const onUp = () => {
      const drag = dragRef.current;
      if (!drag) return;
      dragRef.current = null;
      if (drag.moved || drag.inserted) commit(drag.moved ? drag.live : drag.base);
    };

    const onClick = (event: maplibregl.MapMouseEvent) => {
      if (latest.current.formOpen) return;
      const sketch = sketchNow();
      if (!sketch) return;
      if (sketch.phase === 'editing') {
        if (!nearestHandle(vertices(sketch), event.point, project, HANDLE_PX)) setSelectedVertex(null);
        return;
      }
      const ring = sketch.polygons[0][0];
      if (closingVertex(sketch, event.point)) {
        commit(closeSketch(sketch));
        return;
      }
      const last = ring[ring.length - 1] as Position | undefined;
      if (last) {
        const p = project(last);
        if (Math.hypot(p.x - event.point.x, p.y - event.point.y) <= REPEAT_CLICK_PX) return;
      }
      const snap = snapAt(event.point, event.originalEvent.altKey);
      commit(addVertex(sketch, snap ? snap.position : [event.lngLat.lng, event.lngLat.lat]));
    };

    const onDblClick = (event: maplibregl.MapMouseEvent) => {
      event.preventDefault();
      const sketch = sketchNow();
      if (sketch?.phase === 'drawing') {
        const closed = closeSketch(sketch);
        if (closed !== sketch) commit(closed);
        else setMessage(t('edit.needClosed'));
      }
    };

    const onContextMenu = (event: maplibregl.MapMouseEvent) => {
      event.originalEvent.preventDefault();
      const sketch = sketchNow();
      if (!sketch) return;
      const vertex = nearestHandle(vertices(sketch), event.point, project, HANDLE_PX);
      if (vertex) removeVertex(vertex);
    };

    map.on('mousemove', onMove);
    map.on('mousedown', onDown);
    map.on('mouseup', onUp);
    map.on('click', onClick);
    map.on('dblclick', onDblClick);
    map.on('contextmenu', onContextMenu);
    return () => {
      resnapRef.current = null;
      map.off('mousemove', onMove);
      map.off('mousedown', onDown);
      map.off('mouseup', onUp);
      map.off('click', onClick);
      map.off('dblclick', onDblClick);
      map.off('contextmenu', onContextMenu);
    };
  }, [map, active, render, showSnap, commit, removeVertex]);

  // ---- keyboard ----------------------------------------------------------------------------------------
  useEffect(() => {
    if (!active) return;
    const typing = (target: EventTarget | null) => target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Alt') altRef.current = true;
      if (latest.current.formOpen || typing(event.target)) return;
      const ctrl = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (ctrl && key === 'z' && !event.shiftKey) {
        event.preventDefault();
        doUndo();
      } else if (ctrl && (key === 'y' || (key === 'z' && event.shiftKey))) {
        event.preventDefault();
        doRedo();
      } else if ((event.key === 'Delete' || event.key === 'Backspace') && latest.current.selectedVertex) {
        event.preventDefault();
        removeVertex(latest.current.selectedVertex);
      } else if (event.key === 'Escape') {
        const phase = latest.current.session?.history.present.phase;
        if (phase === 'drawing') stop();
        else setSelectedVertex(null);
      }
    };
    const onKeyUp = (event: KeyboardEvent) => {
      if (event.key === 'Alt') altRef.current = false;
    };
    const onBlur = () => (altRef.current = false);
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [active, doUndo, doRedo, removeVertex, stop]);

  // ---- starting, saving ------------------------------------------------------------------------------
  const startDrawing = () => {
    setSession({ target: { kind: 'new' }, history: createHistory(emptySketch()) });
    setSelectedVertex(null);
    setMessage(null);
  };

  const selected = props.selectedParcel;
  const selectedGeometry = selected ? props.selectedGeometry : null;
  const startReshape = async () => {
    if (!selected || !selectedGeometry) return;
    // Say it before the user spends effort: a standing signed decision rests on this boundary, so
    // saving would be refused (electron/services/parcel-edit.ts); only 退回补正 reopens it.
    try {
      const review = await api.getParcelReview({ table: selected.table, parcelId: selected.id });
      const standing = review.decisions.reduce<(typeof review.decisions)[number] | null>((latest, d) => (!latest || d.revision > latest.revision ? d : latest), null);
      if (standing && standing.decision !== 'returned') {
        dispatch({ type: 'showNotice', message: t('edit.decided', { id: selected.id, decision: statusLabel(standing.decision), revision: standing.revision }) });
        return;
      }
    } catch (error) {
      dispatch({ type: 'showNotice', message: userMessage(error) });
      return;
    }
    setSession({ target: { kind: 'existing', table: selected.table, id: selected.id }, history: createHistory(sketchFromGeometry(selectedGeometry)) });
    setSelectedVertex(null);
    setMessage(null);
  };

  const cancel = () => {
    if (session && canUndo(session.history) && !window.confirm(t('edit.discard'))) return;
    stop();
  };

  const saved = (table: string, id: string, areaM2: number, repairs: CodedText[], isNew: boolean) => {
    const done = t(isNew ? 'edit.savedNew' : 'edit.savedEdit', { id, area: formatArea(areaM2) });
    const notice = tText(textList([done, ...(repairs.length ? [t('edit.repairs', { notes: tText(textList(repairs, 'semicolon')) })] : [])], 'semicolon'));
    stop();
    dispatch({ type: 'selectParcel', parcel: { table, id } });
    // the layer's tiles are cut again; the project info (counts, extents, a new layer) is reread
    dispatch({ type: 'layersChanged', tables: [table] });
    dispatch({ type: 'reloadProject', notice });
  };

  const geometry = present ? sketchGeometry(present) : null;
  const closed = present?.phase === 'editing';

  const onSave = async () => {
    if (!session || !geometry || !closed) {
      setMessage(t('edit.needClosed'));
      return;
    }
    if (session.target.kind === 'new') {
      setFormOpen(true);
      return;
    }
    const { table, id } = session.target;
    setSaving(true);
    try {
      const response = await api.saveParcel({ table, parcelId: id, geometry });
      saved(response.parcel.table, response.parcel.id, response.areaM2, response.repairs, false);
    } catch (error) {
      setMessage(userMessage(error));
    } finally {
      setSaving(false);
    }
  };

  const shown = live ?? present;
  const shownGeometry = shown ? sketchGeometry(shown) : null;
  const area = shownGeometry ? geodesicAreaM2(shownGeometry) : null;
  const parts = area !== null ? areaParts(area) : null;

  return (
    <>
      <div className="edit-dock">
      <div className="edit-toolbar" data-testid="edit-toolbar">
        {!active ? (
          <>
            <button type="button" className="edit-button" data-testid="edit-draw" disabled={!map} title={t('edit.drawHint')} onClick={startDrawing}>
              ✎ {t('edit.draw')}
            </button>
            <button
              type="button"
              className="edit-button"
              data-testid="edit-reshape"
              disabled={!map || !selectedGeometry}
              title={selectedGeometry ? t('edit.editHint') : t('edit.reshapeHint')}
              onClick={startReshape}
            >
              ⬠ {t('edit.reshape')}
            </button>
          </>
        ) : (
          <>
            <button type="button" className="edit-button" data-testid="edit-undo" disabled={!canUndo(session.history) || saving} onClick={doUndo} title="Ctrl+Z">
              ↶ {t('edit.undo')}
            </button>
            <button type="button" className="edit-button" data-testid="edit-redo" disabled={!canRedo(session.history) || saving} onClick={doRedo} title="Ctrl+Y / Ctrl+Shift+Z">
              ↷ {t('edit.redo')}
            </button>
            <label className="edit-toggle" title={t('edit.snapHint')}>
              <input type="checkbox" data-testid="edit-snap-toggle" checked={snapOn} onChange={(event) => setSnapOn(event.target.checked)} /> {t('edit.snap')}
            </label>
            <button type="button" className="edit-button edit-primary" data-testid="edit-save" disabled={!closed || saving} onClick={onSave}>
              {saving ? t('edit.saving') : t('edit.save')}
            </button>
            <button type="button" className="edit-button" data-testid="edit-cancel" disabled={saving} onClick={cancel}>
              {t('edit.cancel')}
            </button>
          </>
        )}
      </div>
      {session && (
        <div className="edit-panel" data-testid="edit-panel">
          <div className="edit-panel-title">{session.target.kind === 'new' ? t('edit.drawing') : t('edit.editing', { id: session.target.id })}</div>
          <div className="edit-hint">{present?.phase === 'drawing' ? t('edit.drawHint') : t('edit.editHint')}</div>
          <div className="edit-area" data-testid="edit-area">
            <span>{t('edit.area')}：</span>
            {parts ? (
              <>
                <strong data-testid="edit-area-m2" data-area-m2={area!.toFixed(3)}>
                  {parts.m2}
                </strong>
                <span>{parts.hectares}</span>
                <span>{parts.mu}</span>
              </>
            ) : (
              <span>—</span>
            )}
            <span className="edit-count">{t('edit.vertices', { n: shown ? vertexCount(shown) : 0 })}</span>
          </div>
          {snapOn && snapLayers.paused && (
            <div className="edit-snap-status" data-testid="edit-snap-paused">
              {t('edit.snapOff.zoom')}
            </div>
          )}
          {snapStatus && (
            <div className="edit-snap-status" data-testid="edit-snap-status">
              {t(snapStatus.kind === 'vertex' ? 'edit.snapped.vertex' : 'edit.snapped.edge', { layer: layerTitle(props.project, snapStatus.table) })}
            </div>
          )}
          {message && (
            <div className="edit-message" role="alert" data-testid="edit-message">
              {message}
            </div>
          )}
        </div>
      )}
      </div>
      {formOpen && session && geometry && (
        <NewParcelForm
          project={props.project}
          geometry={geometry}
          onCancel={() => setFormOpen(false)}
          onSaved={(table, id, areaM2, repairs) => saved(table, id, areaM2, repairs, true)}
        />
      )}
    </>
  );
}

function layerTitle(project: ProjectInfo, table: string): string {
  return project.layers.find((l) => l.table === table)?.title ?? table;
}

/** The editor's own features: shape or open path, rubber band to the pointer, vertex and midpoint handles. */
function sketchFeatures(sketch: Sketch | null, pointer: Position | null, selected: VertexRef | null): FeatureCollection {
  if (!sketch) return { type: 'FeatureCollection', features: [] };
  const features: Feature[] = [];
  if (sketch.phase === 'drawing') {
    const ring = sketch.polygons[0][0] as Position[];
    if (ring.length >= 3) features.push({ type: 'Feature', properties: { role: 'shape-preview' }, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] } });
    if (ring.length >= 2) features.push({ type: 'Feature', properties: { role: 'path' }, geometry: { type: 'LineString', coordinates: ring } });
    if (ring.length >= 1 && pointer) {
      const guide = ring.length >= 2 ? [ring[ring.length - 1], pointer, ring[0]] : [ring[0], pointer];
      features.push({ type: 'Feature', properties: { role: 'guide' }, geometry: { type: 'LineString', coordinates: guide } });
    }
  } else {
    const geometry = sketchGeometry(sketch);
    if (geometry) features.push({ type: 'Feature', properties: { role: 'shape' }, geometry });
    for (const mid of midpoints(sketch)) features.push({ type: 'Feature', properties: { role: 'midpoint' }, geometry: { type: 'Point', coordinates: mid.position } });
  }
  for (const { ref, position } of vertices(sketch)) {
    const isSelected = !!selected && selected.polygon === ref.polygon && selected.ring === ref.ring && selected.index === ref.index && vertexAt(sketch, ref) !== undefined;
    features.push({ type: 'Feature', properties: { role: 'vertex', selected: isSelected }, geometry: { type: 'Point', coordinates: position } });
  }
  return { type: 'FeatureCollection', features };
}

// ---------------------------------------------------------------------------------------------------

interface NewParcelFormProps {
  project: ProjectInfo;
  geometry: Polygon | MultiPolygon;
  onCancel(): void;
  onSaved(table: string, id: string, areaM2: number, repairs: CodedText[]): void;
}

function NewParcelForm({ project, geometry, onCancel, onSaved }: NewParcelFormProps) {
  const parcelLayers = project.layers.filter((l) => l.kind === 'parcel');
  const hasDrawn = parcelLayers.some((l) => l.table === DRAWN_TABLE);
  const [table, setTable] = useState(DRAWN_TABLE);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [currentUse, setCurrentUse] = useState('');
  const [plannedUse, setPlannedUse] = useState('');
  const [action, setAction] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const taken = useIdTaken(project, table, id.trim());
  const useHint = (code: string) => {
    const c = code.trim() ? classifyUse(code.trim()) : undefined;
    return c ? `${describeUse(c)}${c.sensitive ? ' · 一住两公' : ''}${c.recognised ? '' : ' · ?'}` : t('edit.form.useHint');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!id.trim()) return setError(t('edit.form.idMissing'));
    if (taken) return setError(t('edit.form.idTaken', { id: id.trim() }));
    setBusy(true);
    setError(null);
    try {
      const response = await api.saveParcel({
        table,
        geometry,
        properties: { id: id.trim(), name: name.trim() || null, currentUse: currentUse.trim() || null, plannedUse: plannedUse.trim() || null, action: action || null },
      });
      onSaved(response.parcel.table, response.parcel.id, response.areaM2, response.repairs);
    } catch (failure) {
      setError(userMessage(failure));
      setBusy(false);
    }
  };

  return (
    <div className="edit-form-backdrop">
      <form className="edit-form" data-testid="edit-form" onSubmit={submit}>
        <h3>{t('edit.form.title')}</h3>
        <p className="edit-form-area">
          {t('edit.area')}：{formatArea(geodesicAreaM2(geometry))}
        </p>
        <label>
          <span>{t('edit.form.id')}</span>
          <input data-testid="edit-form-id" value={id} autoFocus required onChange={(e) => setId(e.target.value)} />
        </label>
        {taken && <div className="edit-form-warn">{t('edit.form.idTaken', { id: id.trim() })}</div>}
        <label>
          <span>{t('edit.form.name')}</span>
          <input data-testid="edit-form-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          <span>{t('edit.form.currentUse')}</span>
          <input data-testid="edit-form-current-use" value={currentUse} placeholder={t('edit.form.useHint')} onChange={(e) => setCurrentUse(e.target.value)} />
          <small>{useHint(currentUse)}</small>
        </label>
        <label>
          <span>{t('edit.form.plannedUse')}</span>
          <input data-testid="edit-form-planned-use" value={plannedUse} placeholder={t('edit.form.useHint')} onChange={(e) => setPlannedUse(e.target.value)} />
          <small>{useHint(plannedUse)}</small>
        </label>
        <label>
          <span>{t('edit.form.action')}</span>
          <select data-testid="edit-form-action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('edit.form.actionNone')}</option>
            {ACTION_CODES.map((code) => (
              <option key={code} value={code}>
                {formatAttributeValue('parcel', 'action', code)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('edit.form.layer')}</span>
          <select data-testid="edit-form-layer" value={table} onChange={(e) => setTable(e.target.value)}>
            {!hasDrawn && <option value={DRAWN_TABLE}>{t('edit.form.newLayer')}</option>}
            {parcelLayers.map((l) => (
              <option key={l.table} value={l.table}>
                {l.title}（{l.table}）
              </option>
            ))}
          </select>
        </label>
        {error && (
          <div className="edit-message" role="alert" data-testid="edit-form-error">
            {error}
          </div>
        )}
        <div className="edit-form-buttons">
          <button type="button" className="edit-button" onClick={onCancel} disabled={busy}>
            {t('edit.cancel')}
          </button>
          <button type="submit" className="edit-button edit-primary" data-testid="edit-form-save" disabled={busy}>
            {busy ? t('edit.saving') : t('edit.save')}
          </button>
        </div>
      </form>
    </div>
  );
}

/** Whether the layer already holds a feature with this id (one bounded request, not the layer). */
function useIdTaken(project: ProjectInfo, table: string, id: string): boolean {
  const [taken, setTaken] = useState(false);
  const exists = project.layers.some((l) => l.table === table);
  useEffect(() => {
    setTaken(false);
    if (!id || !exists) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.getFeatures({ table, ids: [id], geometry: false, attributes: [], limit: 1 }).then(
        (response) => !cancelled && setTaken(response.features.length > 0),
        () => undefined, // the save itself refuses a taken id with the store's message
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [table, id, exists]);
  return taken;
}

/**
 * Features of the visible layers in the current view, for snapping: fetched when the editor is
 * active, again after every pan or zoom, never more than SNAP_MAX_FEATURES.
 */
function useSnapLayers(map: maplibregl.Map | null, enabled: boolean, project: ProjectInfo, hidden: Record<string, boolean>): { layers: SnapLayer[]; paused: boolean } {
  const [state, setState] = useState<{ layers: SnapLayer[]; paused: boolean }>({ layers: [], paused: false });
  const visibleKey = project.layers
    .filter((l) => !hidden[l.table])
    .map((l) => `${l.table}:${l.featureCount}`)
    .join('\u0000');
  useEffect(() => {
    if (!map || !enabled) {
      setState({ layers: [], paused: false });
      return;
    }
    let request = 0;
    const load = async () => {
      const mine = ++request;
      if (map.getZoom() < SNAP_MIN_ZOOM) {
        setState({ layers: [], paused: true });
        return;
      }
      const b = map.getBounds();
      const bbox: BBox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
      const tables = project.layers.filter((l) => !hidden[l.table]).map((l) => l.table);
      let budget = SNAP_MAX_FEATURES;
      const layers: SnapLayer[] = [];
      try {
        // every layer at once (one round trip, not one per layer); the budget bounds the sum
        const responses = await Promise.all(tables.map((table) => api.getFeatures({ table, bbox, attributes: [], limit: SNAP_MAX_FEATURES })));
        if (mine !== request) return;
        for (const [i, response] of responses.entries()) {
          budget -= response.features.length;
          if (response.truncated || budget < 0) {
            setState({ layers: [], paused: true });
            return;
          }
          layers.push({ table: tables[i], data: { type: 'FeatureCollection', features: response.features } });
        }
      } catch {
        if (mine === request) setState({ layers: [], paused: false });
        return;
      }
      if (mine === request) setState({ layers, paused: false });
    };
    void load();
    map.on('moveend', load);
    return () => {
      request++;
      map.off('moveend', load);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, enabled, visibleKey]);
  return state;
}
