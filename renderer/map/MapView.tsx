/**
 * The MapLibre map. React owns the container and the overlays; the map itself is created once and
 * driven imperatively from props: the style is derived from the project (one vector-tile source per
 * layer, cut by the Node side from the GeoPackage) and applied by diff — a layer added, hidden,
 * restyled or edited changes sources, layers and paint in place, never the map. User input on the
 * map becomes app actions (`inspectFeatures`). Everything drawn comes from the project: the style
 * has no remote sources, no sprite and no glyphs.
 */
import { useEffect, useRef, useState, type Dispatch } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import type { BBox, LayerInfo, ProjectInfo } from '../../shared/model/layers';
import { VECTOR_TILE_MAX_ZOOM, vectorTilePath } from '../../shared/map/vector-tiles';
import type { AppAction, InspectedFeature, ParcelRef } from '../app/state';
import { t } from '../i18n';
import { api, userMessage } from '../platform/api';
import { geometryBBox, unionBBox } from './geodesy-display';
import {
  BACKGROUND_COLOR,
  HATCH_IMAGE_ID,
  HIGHLIGHT_LAYERS,
  HIGHLIGHT_SOURCE,
  drawRank,
  hatchImage,
  selectedFidFilter,
  selectionLayers,
  sourceId,
  styleLayer,
  type LayerClasses,
} from './layer-styles';
import { ensureMapLibreWorker } from './worker';
import { BasemapControl } from './basemap';
import { ParcelEditor } from './edit/ParcelEditor';
import { withOpacity } from './layer-opacity';
import { MEASURE_LAYER_PREFIX, MeasureTool } from './tools/MeasureTool';
import { NorthArrow } from './tools/NorthArrow';
import { CursorReadout } from './tools/CursorReadout';
import './tools/tools.css';

declare global {
  interface Window {
    /** Set once the project's layers are on the map and the map went idle (e2e tests wait for it). */
    __landgateMapReady?: boolean;
  }
}

export interface MapViewProps {
  project: ProjectInfo;
  /** Distinct values of the attributes each layer's style depends on, by table. */
  layerClasses: Record<string, LayerClasses>;
  hiddenLayers: Record<string, boolean>;
  /** Opacity per layer (图层 context menu), 0..1; absent = as styled. */
  layerOpacity?: Record<string, number>;
  layerRevisions: Record<string, number>;
  colorByVerdict: boolean;
  selectedParcel: ParcelRef | null;
  findingGeometry: Geometry | null;
  fitRequest: number;
  /** A box to zoom to (an attribute-table row of a layer other than parcels; a whole layer when `whole`). */
  zoomRequest?: { bbox: BBox; serial: number; whole?: boolean } | null;
  dispatch: Dispatch<AppAction>;
}

interface MapLayerOwner {
  table: string;
  /** Drawn from derived geometry (station buffer rings), not the feature itself. */
  derived: boolean;
}

/** What the map shows of one project layer, to diff the next style against. */
interface AppliedLayer {
  rank: number;
  revision: number;
  layerIds: string[];
  /** Style inputs the layers were made from (colour by verdict, class values). */
  styleKey: string;
}

/** The selected parcel as the store has it: its fid (the tiles' feature id), geometry and box. */
export interface SelectedParcelFeature {
  table: string;
  id: string;
  fid: number;
  geometry: Polygon | MultiPolygon | null;
  bbox: BBox | null;
}

const FIT_PADDING = 48;

export function MapView(props: MapViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [styleReady, setStyleReady] = useState(false);
  const [styleApplied, setStyleApplied] = useState(false);
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const [selected, setSelected] = useState<SelectedParcelFeature | null>(null);
  const latest = useRef(props);
  latest.current = props;
  /** MapLibre layer id → project layer it draws. */
  const ownersRef = useRef(new Map<string, MapLayerOwner>());
  const appliedRef = useRef(new Map<string, AppliedLayer>());
  /** True while a parcel is drawn or edited: map clicks belong to the editor, not the feature popup. */
  const editingRef = useRef(false);
  /** True while the 测量 tool is on: map clicks add measuring points. */
  const measuringRef = useRef(false);

  // Create the map once.
  useEffect(() => {
    ensureMapLibreWorker();
    window.__landgateMapReady = false;
    const map = new maplibregl.Map({
      container: containerRef.current as HTMLDivElement,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }] },
      bounds: toBounds(projectBBox(props.project)) ?? undefined,
      fitBoundsOptions: { padding: FIT_PADDING },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxZoom: 19,
      fadeDuration: 0,
      // MapLibre's own controls speak the UI's language (their tooltips default to English)
      locale: {
        'NavigationControl.ZoomIn': t('map.zoomIn'),
        'NavigationControl.ZoomOut': t('map.zoomOut'),
        'NavigationControl.ResetBearing': t('map.resetBearing'),
        'ScaleControl.Meters': t('unit.m'),
        'ScaleControl.Kilometers': t('measure.km'),
      },
    });
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 140 }), 'bottom-left');
    map.on('load', () => {
      map.addImage(HATCH_IMAGE_ID, hatchImage(), { pixelRatio: 1 });
      // the finding highlight stays on top; project layers are inserted below it
      map.addSource(HIGHLIGHT_SOURCE, { type: 'geojson', data: emptyCollection() });
      for (const layer of HIGHLIGHT_LAYERS) map.addLayer(layer);
      setStyleReady(true);
    });

    let frame = 0;
    map.on('mousemove', (event) => {
      if (!editingRef.current && !measuringRef.current) {
        const hits = map.queryRenderedFeatures(hitBox(event.point), { layers: interactiveLayerIds(map, ownersRef.current) });
        map.getCanvas().style.cursor = hits.length > 0 ? 'pointer' : '';
      }
      cancelAnimationFrame(frame);
      const { lng, lat } = event.lngLat;
      frame = requestAnimationFrame(() => setCursor([lng, lat]));
    });
    map.on('mouseout', () => setCursor(null));
    let clicks = 0;
    map.on('click', (event) => {
      if (editingRef.current || measuringRef.current) return;
      const click = ++clicks;
      const hits = map.queryRenderedFeatures(hitBox(event.point), { layers: interactiveLayerIds(map, ownersRef.current) });
      identify(hits, ownersRef.current).then(
        (features) => {
          if (click === clicks) latest.current.dispatch({ type: 'inspectFeatures', features });
        },
        (error: unknown) => latest.current.dispatch({ type: 'showNotice', message: userMessage(error) }),
      );
    });
    return () => {
      cancelAnimationFrame(frame);
      map.remove();
      mapRef.current = null;
    };
    // The map is created once; later prop changes are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // MapLibre writes its controls' tooltips once, in the locale of the moment: follow a language switch.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    for (const [selector, text] of [
      ['.maplibregl-ctrl-zoom-in', t('map.zoomIn')],
      ['.maplibregl-ctrl-zoom-out', t('map.zoomOut')],
    ] as const) {
      const button = container.querySelector<HTMLElement>(selector);
      if (button && button.title !== text) {
        button.title = text;
        button.setAttribute('aria-label', text);
      }
    }
  });

  // The project's layers, their tiles' revisions and their style, applied by diff.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleReady) return;
    applyProjectStyle(map, props, appliedRef.current, ownersRef.current);
    if (!styleApplied) {
      setStyleApplied(true);
      map.once('idle', () => {
        window.__landgateMapReady = true;
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [styleReady, props.project, props.layerRevisions, props.colorByVerdict, props.layerClasses, props.hiddenLayers, props.layerOpacity]);

  // The selected parcel from the store (by id: fid, geometry, box), again after it was edited.
  const selectedKey = props.selectedParcel ? `${props.selectedParcel.table}\u0000${props.selectedParcel.id}` : '';
  const selectedRevision = props.selectedParcel ? (props.layerRevisions[props.selectedParcel.table] ?? 0) : 0;
  useEffect(() => {
    const ref = props.selectedParcel;
    if (!ref) {
      setSelected(null);
      return;
    }
    let cancelled = false;
    api.getFeatures({ table: ref.table, ids: [ref.id], limit: 1 }).then(
      (response) => {
        if (cancelled) return;
        const feature = response.features[0];
        const geometry = feature?.geometry && (feature.geometry.type === 'Polygon' || feature.geometry.type === 'MultiPolygon') ? feature.geometry : null;
        setSelected(feature ? { table: ref.table, id: ref.id, fid: response.fids[0], geometry, bbox: geometryBBox(feature.geometry) } : null);
      },
      () => !cancelled && setSelected(null),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedKey, selectedRevision]);

  // Selected parcel: highlight by feature id, zoom once per selection.
  const fittedRef = useRef('');
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleApplied) return;
    for (const info of props.project.layers.filter((l) => l.kind === 'parcel')) {
      const fid = selected && selected.table === info.table ? selected.fid : null;
      for (const layer of selectionLayers(info.table)) if (map.getLayer(layer.id)) map.setFilter(layer.id, selectedFidFilter(fid));
    }
    const key = selected ? `${selected.table}\u0000${selected.id}` : '';
    if (selected && key === selectedKey && fittedRef.current !== key) {
      fittedRef.current = key;
      const bounds = toBounds(selected.bbox);
      if (bounds) map.fitBounds(bounds, { padding: contextPadding(map), maxZoom: 17, duration: 600 });
    }
    if (!selectedKey) fittedRef.current = '';
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, styleApplied, props.project]);

  // Selected finding: draw its geometry and bring it into view with the parcel.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleReady) return;
    const source = map.getSource(HIGHLIGHT_SOURCE) as maplibregl.GeoJSONSource | undefined;
    source?.setData(highlightCollection(props.findingGeometry));
    if (props.findingGeometry) {
      const bounds = toBounds(unionBBox([geometryBBox(props.findingGeometry), selected?.bbox]));
      if (bounds) map.fitBounds(bounds, { padding: contextPadding(map), maxZoom: 17, duration: 500 });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.findingGeometry, styleReady]);

  // A feature chosen in the attribute table.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !props.zoomRequest) return;
    const bounds = toBounds(props.zoomRequest.bbox);
    if (bounds) map.fitBounds(bounds, { padding: props.zoomRequest.whole ? FIT_PADDING : contextPadding(map), maxZoom: 17, duration: 600 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.zoomRequest?.serial]);

  // "Zoom to project extent".
  useEffect(() => {
    const map = mapRef.current;
    if (!map || props.fitRequest === 0) return;
    const bounds = toBounds(projectBBox(props.project));
    if (bounds) map.fitBounds(bounds, { padding: FIT_PADDING, duration: 500 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.fitRequest]);

  return (
    <div className="map-wrap">
      <div ref={containerRef} className="map-canvas" data-testid="map" />
      <BasemapControl map={styleReady ? mapRef.current : null} />
      <button type="button" className="map-fit-button" title={t('map.fit')} onClick={() => props.dispatch({ type: 'fitProject' })}>
        <span aria-hidden="true">⤢</span> {t('map.fit')}
      </button>
      <MeasureTool
        map={styleApplied ? mapRef.current : null}
        onActiveChange={(active) => {
          measuringRef.current = active;
          if (active) latest.current.dispatch({ type: 'closeInspector' });
        }}
      />
      <ParcelEditor
        map={styleApplied ? mapRef.current : null}
        project={props.project}
        hiddenLayers={props.hiddenLayers}
        selectedParcel={props.selectedParcel}
        selectedGeometry={selected && selectedKey === `${selected.table}\u0000${selected.id}` ? selected.geometry : null}
        dispatch={props.dispatch}
        onActiveChange={(active) => {
          editingRef.current = active;
          if (active) latest.current.dispatch({ type: 'closeInspector' });
        }}
      />
      <NorthArrow map={styleReady ? mapRef.current : null} />
      <CursorReadout cursor={cursor} />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// The style, by diff

function tileUrl(table: string, revision: number): string {
  // same origin as the page: the browser-mode host or the desktop app's app:// protocol
  return `${window.location.origin}${vectorTilePath(table, revision)}`;
}

/** Layers that must stay above every project layer: selection, finding highlight, the editor. */
function isOverlayLayer(id: string): boolean {
  return id.endsWith(':selected-glow') || id.endsWith(':selected') || id.startsWith(HIGHLIGHT_SOURCE) || id.startsWith('landgate-edit') || id.startsWith(MEASURE_LAYER_PREFIX);
}

/** The map layer a new project layer of this draw rank goes below. */
function insertBefore(map: maplibregl.Map, rank: number, owners: Map<string, MapLayerOwner>, applied: Map<string, AppliedLayer>): string | undefined {
  for (const layer of map.getStyle().layers) {
    if (isOverlayLayer(layer.id)) return layer.id;
    const owner = owners.get(layer.id);
    const other = owner ? applied.get(owner.table) : undefined;
    if (other && other.rank > rank) return layer.id;
  }
  return undefined;
}

function styleKeyOf(info: LayerInfo, props: MapViewProps): string {
  return JSON.stringify([info.kind === 'parcel' && props.colorByVerdict, props.layerClasses[info.table] ?? null, props.layerOpacity?.[info.table] ?? 1]);
}

function applyProjectStyle(map: maplibregl.Map, props: MapViewProps, applied: Map<string, AppliedLayer>, owners: Map<string, MapLayerOwner>): void {
  const tables = new Set(props.project.layers.map((l) => l.table));
  // layers gone from the project
  for (const [table, shown] of applied) {
    if (tables.has(table)) continue;
    for (const id of [...shown.layerIds, ...selectionLayers(table).map((l) => l.id)]) {
      if (map.getLayer(id)) map.removeLayer(id);
      owners.delete(id);
    }
    if (map.getSource(sourceId(table))) map.removeSource(sourceId(table));
    applied.delete(table);
  }
  const ordered = [...props.project.layers].sort((a, b) => drawRank(a.kind) - drawRank(b.kind));
  for (const info of ordered) {
    const revision = props.layerRevisions[info.table] ?? 0;
    const styleKey = styleKeyOf(info, props);
    const base = styleLayer(info, props.layerClasses[info.table], { colorByVerdict: props.colorByVerdict });
    const styled = { ...base, layers: withOpacity(base.layers, props.layerOpacity?.[info.table] ?? 1) };
    const shown = applied.get(info.table);
    if (!shown) {
      const rank = drawRank(info.kind);
      // no `bounds`: a parcel drawn or reshaped beyond the layer's first extent must still be asked for
      map.addSource(sourceId(info.table), { type: 'vector', tiles: [tileUrl(info.table, revision)], maxzoom: VECTOR_TILE_MAX_ZOOM });
      const before = insertBefore(map, rank, owners, applied);
      for (const layer of styled.layers) {
        map.addLayer(layer, before);
        owners.set(layer.id, { table: info.table, derived: 'source-layer' in layer && layer['source-layer'] !== info.table });
      }
      if (info.kind === 'parcel') {
        const overlay = map.getStyle().layers.find((l) => l.id.startsWith(HIGHLIGHT_SOURCE))?.id;
        for (const layer of selectionLayers(info.table)) map.addLayer(layer, overlay);
      }
      applied.set(info.table, { rank, revision, layerIds: styled.layers.map((l) => l.id), styleKey });
      continue;
    }
    if (shown.revision !== revision) {
      // new tiles for this layer only: MapLibre drops its cached ones and asks again
      (map.getSource(sourceId(info.table)) as maplibregl.VectorTileSource | undefined)?.setTiles([tileUrl(info.table, revision)]);
      shown.revision = revision;
    }
    if (shown.styleKey !== styleKey) {
      for (const layer of styled.layers) {
        if (!map.getLayer(layer.id)) continue;
        for (const [name, value] of Object.entries((layer as { paint?: Record<string, unknown> }).paint ?? {})) {
          map.setPaintProperty(layer.id, name as Parameters<maplibregl.Map['setPaintProperty']>[1], value as never);
        }
        if ('filter' in layer && layer.filter) map.setFilter(layer.id, layer.filter);
      }
      shown.styleKey = styleKey;
    }
  }
  for (const [layerId, owner] of owners) {
    if (!map.getLayer(layerId)) continue;
    const visibility = props.hiddenLayers[owner.table] ? 'none' : 'visible';
    if (map.getLayoutProperty(layerId, 'visibility') !== visibility) map.setLayoutProperty(layerId, 'visibility', visibility);
  }
}

// ---------------------------------------------------------------------------------------------

/** Hits (top first) → the original features from the store, one entry per feature (by fid). */
async function identify(hits: maplibregl.MapGeoJSONFeature[], owners: Map<string, MapLayerOwner>): Promise<InspectedFeature[]> {
  const wanted: { table: string; fid: number; derived: boolean }[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    const owner = owners.get(hit.layer.id);
    const fid = Number(hit.id);
    if (!owner || !Number.isInteger(fid)) continue;
    // a station hit on its dot and on its ring counts once (the dot, on top, comes first)
    const key = `${owner.table}#${fid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    wanted.push({ table: owner.table, fid, derived: owner.derived });
  }
  const byTable = new Map<string, number[]>();
  for (const w of wanted) byTable.set(w.table, [...(byTable.get(w.table) ?? []), w.fid]);
  const found = new Map<string, Feature>();
  await Promise.all(
    [...byTable].map(async ([table, fids]) => {
      const response = await api.getFeatures({ table, fids, geometry: false });
      response.features.forEach((feature, i) => found.set(`${table}#${response.fids[i]}`, feature));
    }),
  );
  const out: InspectedFeature[] = [];
  for (const w of wanted) {
    const feature = found.get(`${w.table}#${w.fid}`);
    if (feature) out.push({ layerTable: w.table, feature, fid: w.fid, ...(w.derived ? { derivedFrom: 'station-buffer' as const } : {}) });
  }
  return out;
}

/** Leaves about a quarter of the view on each side, so the surroundings of a parcel stay visible. */
function contextPadding(map: maplibregl.Map): maplibregl.PaddingOptions {
  const container = map.getContainer();
  const { clientWidth: width, clientHeight: height } = container;
  // The 属性表 drawer covers the bottom of the map: fit into the part still visible.
  const drawer = container.closest('.map-area')?.querySelector<HTMLElement>('.attribute-table');
  const covered = Math.min(drawer?.offsetHeight ?? 0, Math.round(height * 0.6));
  const x = Math.round(width * 0.26);
  const y = Math.round((height - covered) * 0.26);
  return { top: y, bottom: y + covered, left: x, right: x };
}

function hitBox(point: maplibregl.Point): [maplibregl.PointLike, maplibregl.PointLike] {
  const tolerance = 4;
  return [
    [point.x - tolerance, point.y - tolerance],
    [point.x + tolerance, point.y + tolerance],
  ];
}

function interactiveLayerIds(map: maplibregl.Map, owners: Map<string, MapLayerOwner>): string[] {
  return [...owners.keys()].filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
}

function emptyCollection(): FeatureCollection {
  return { type: 'FeatureCollection', features: [] };
}

/** The finding geometry, plus its line ends as points so a distance reads as "from here to there". */
function highlightCollection(geometry: Geometry | null): FeatureCollection {
  if (!geometry) return emptyCollection();
  const features: Feature[] = [{ type: 'Feature', properties: {}, geometry }];
  if (geometry.type === 'LineString' && geometry.coordinates.length >= 2) {
    const ends = [geometry.coordinates[0], geometry.coordinates[geometry.coordinates.length - 1]];
    for (const end of ends) features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: end } });
  }
  return { type: 'FeatureCollection', features };
}

export function projectBBox(project: ProjectInfo): BBox | null {
  return unionBBox(project.layers.map((layer) => layer.bbox));
}

function toBounds(bbox: BBox | null | undefined): maplibregl.LngLatBoundsLike | null {
  if (!bbox || !bbox.every(Number.isFinite)) return null;
  // A point (one-station layer, a zero-size finding) still needs a non-empty box.
  const pad = bbox[0] === bbox[2] && bbox[1] === bbox[3] ? 0.002 : 0;
  return [
    [bbox[0] - pad, bbox[1] - pad],
    [bbox[2] + pad, bbox[3] + pad],
  ];
}
