/**
 * The MapLibre map. React owns the container and the overlays; the map itself is driven
 * imperatively from props (sources, visibility, selection, finding highlight). User input on the
 * map becomes app actions (`inspectFeatures`). Everything drawn comes from the project: the
 * style has no remote sources, no sprite and no glyphs.
 */
import { useEffect, useRef, useState, type Dispatch } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { BBox, ProjectInfo } from '../../shared/model/layers';
import type { AppAction, InspectedFeature, ParcelRef } from '../app/state';
import { formatDegrees } from '../app/format';
import { t } from '../i18n';
import { geometryBBox, pointBufferRings, unionBBox } from './geodesy-display';
import {
  BACKGROUND_COLOR,
  HATCH_IMAGE_ID,
  HIGHLIGHT_LAYERS,
  HIGHLIGHT_SOURCE,
  STATION_BUFFER_M,
  drawRank,
  hatchImage,
  parcelIdFilter,
  selectionLayers,
  sourceId,
  styleLayer,
} from './layer-styles';
import { ensureMapLibreWorker } from './worker';
import { BasemapControl } from './basemap';
import { ParcelEditor } from './edit/ParcelEditor';

declare global {
  interface Window {
    /** Set once every project layer is on the map and the map went idle (e2e tests wait for it). */
    __landgateMapReady?: boolean;
  }
}

export interface MapViewProps {
  project: ProjectInfo;
  layerData: Record<string, FeatureCollection>;
  allLayersLoaded: boolean;
  hiddenLayers: Record<string, boolean>;
  selectedParcel: ParcelRef | null;
  selectedParcelBBox: BBox | null;
  findingGeometry: Geometry | null;
  fitRequest: number;
  dispatch: Dispatch<AppAction>;
}

interface MapLayerOwner {
  table: string;
  derived: boolean;
}

const FIT_PADDING = 48;

export function MapView(props: MapViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [styleReady, setStyleReady] = useState(false);
  const [layersOnMap, setLayersOnMap] = useState(false);
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const latest = useRef(props);
  latest.current = props;
  /** MapLibre layer id → project layer it draws. */
  const ownersRef = useRef(new Map<string, MapLayerOwner>());
  /** True while a parcel is drawn or edited: map clicks belong to the editor, not the feature popup. */
  const editingRef = useRef(false);
  /** Layer data last put on the map, per table (a reload after a parcel save replaces one layer's data). */
  const shownDataRef = useRef(new Map<string, FeatureCollection>());

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
    });
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 140 }), 'bottom-left');
    map.on('load', () => {
      map.addImage(HATCH_IMAGE_ID, hatchImage(), { pixelRatio: 1 });
      setStyleReady(true);
    });

    let frame = 0;
    map.on('mousemove', (event) => {
      if (editingRef.current) {
        cancelAnimationFrame(frame);
        const { lng, lat } = event.lngLat;
        frame = requestAnimationFrame(() => setCursor([lng, lat]));
        return;
      }
      const hits = map.queryRenderedFeatures(hitBox(event.point), { layers: interactiveLayerIds(map, ownersRef.current) });
      map.getCanvas().style.cursor = hits.length > 0 ? 'pointer' : '';
      cancelAnimationFrame(frame);
      const { lng, lat } = event.lngLat;
      frame = requestAnimationFrame(() => setCursor([lng, lat]));
    });
    map.on('mouseout', () => setCursor(null));
    map.on('click', (event) => {
      if (editingRef.current) return;
      const hits = map.queryRenderedFeatures(hitBox(event.point), { layers: interactiveLayerIds(map, ownersRef.current) });
      latest.current.dispatch({ type: 'inspectFeatures', features: inspectedFrom(hits, ownersRef.current, latest.current.layerData) });
    });
    return () => {
      cancelAnimationFrame(frame);
      map.remove();
      mapRef.current = null;
    };
    // The map is created once; later prop changes are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Add every layer once all are loaded, in draw order (bottom → top).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleReady || !props.allLayersLoaded || layersOnMap) return;
    const owners = ownersRef.current;
    const ordered = [...props.project.layers].sort((a, b) => drawRank(a.kind) - drawRank(b.kind));
    for (const info of ordered) {
      const data = props.layerData[info.table];
      if (!data) continue;
      map.addSource(sourceId(info.table), { type: 'geojson', data: withFeatureIndex(data) });
      shownDataRef.current.set(info.table, data);
      const styled = styleLayer(info, data);
      for (const derived of styled.derivedSources) {
        map.addSource(derived.id, { type: 'geojson', data: pointBufferRings(data, STATION_BUFFER_M) });
      }
      for (const layer of styled.layers) {
        map.addLayer(layer);
        owners.set(layer.id, { table: info.table, derived: 'source' in layer && layer.source !== sourceId(info.table) });
      }
    }
    for (const info of ordered.filter((l) => l.kind === 'parcel' && props.layerData[l.table])) {
      for (const layer of selectionLayers(info.table)) map.addLayer(layer);
    }
    map.addSource(HIGHLIGHT_SOURCE, { type: 'geojson', data: emptyCollection() });
    for (const layer of HIGHLIGHT_LAYERS) map.addLayer(layer);
    setLayersOnMap(true);
    map.once('idle', () => {
      window.__landgateMapReady = true;
    });
  }, [styleReady, props.allLayersLoaded, props.layerData, props.project, layersOnMap]);

  // A layer's features replaced after the map was built (a parcel saved from the editor, then the project reloaded).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !layersOnMap) return;
    for (const info of props.project.layers) {
      const data = props.layerData[info.table];
      if (!data || shownDataRef.current.get(info.table) === data) continue;
      const source = map.getSource(sourceId(info.table)) as maplibregl.GeoJSONSource | undefined;
      if (!source) continue;
      source.setData(withFeatureIndex(data));
      for (const derived of styleLayer(info, data).derivedSources) {
        (map.getSource(derived.id) as maplibregl.GeoJSONSource | undefined)?.setData(pointBufferRings(data, STATION_BUFFER_M));
      }
      shownDataRef.current.set(info.table, data);
    }
  }, [props.layerData, props.project, layersOnMap]);

  // Layer visibility.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !layersOnMap) return;
    for (const [layerId, owner] of ownersRef.current) {
      if (!map.getLayer(layerId)) continue;
      map.setLayoutProperty(layerId, 'visibility', props.hiddenLayers[owner.table] ? 'none' : 'visible');
    }
  }, [props.hiddenLayers, layersOnMap]);

  // Selected parcel: highlight and zoom.
  const selectedKey = props.selectedParcel ? `${props.selectedParcel.table}\u0000${props.selectedParcel.id}` : '';
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !layersOnMap) return;
    for (const info of props.project.layers.filter((l) => l.kind === 'parcel')) {
      const match = props.selectedParcel?.table === info.table ? props.selectedParcel.id : null;
      for (const layer of selectionLayers(info.table)) if (map.getLayer(layer.id)) map.setFilter(layer.id, parcelIdFilter(match));
    }
    const bounds = toBounds(props.selectedParcelBBox);
    if (bounds) map.fitBounds(bounds, { padding: contextPadding(map), maxZoom: 17, duration: 600 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedKey, layersOnMap]);

  // Selected finding: draw its geometry and bring it into view with the parcel.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !layersOnMap) return;
    const source = map.getSource(HIGHLIGHT_SOURCE) as maplibregl.GeoJSONSource | undefined;
    source?.setData(highlightCollection(props.findingGeometry));
    if (props.findingGeometry) {
      const bounds = toBounds(unionBBox([geometryBBox(props.findingGeometry), props.selectedParcelBBox]));
      if (bounds) map.fitBounds(bounds, { padding: contextPadding(map), maxZoom: 17, duration: 500 });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.findingGeometry, layersOnMap]);

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
      <ParcelEditor
        map={layersOnMap ? mapRef.current : null}
        project={props.project}
        layerData={props.layerData}
        hiddenLayers={props.hiddenLayers}
        selectedParcel={props.selectedParcel}
        dispatch={props.dispatch}
        onActiveChange={(active) => {
          editingRef.current = active;
          if (active) latest.current.dispatch({ type: 'closeInspector' });
        }}
      />
      <div className="map-status" data-testid="cursor-coords">
        {cursor ? t('map.coords', { lon: formatDegrees(cursor[0]), lat: formatDegrees(cursor[1]) }) : t('map.coordsIdle')}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

/** Leaves about a quarter of the view on each side, so the surroundings of a parcel stay visible. */
function contextPadding(map: maplibregl.Map): maplibregl.PaddingOptions {
  const { clientWidth: width, clientHeight: height } = map.getContainer();
  const x = Math.round(width * 0.26);
  const y = Math.round(height * 0.26);
  return { top: y, bottom: y, left: x, right: x };
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

/** Hits (top first) → the original features, one entry per feature. */
function inspectedFrom(hits: maplibregl.MapGeoJSONFeature[], owners: Map<string, MapLayerOwner>, layerData: Record<string, FeatureCollection>): InspectedFeature[] {
  const seen = new Set<string>();
  const out: InspectedFeature[] = [];
  for (const hit of hits) {
    const owner = owners.get(hit.layer.id);
    const index = Number(hit.properties?.__idx);
    if (!owner || !Number.isInteger(index)) continue;
    const key = `${owner.table}#${index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const feature = layerData[owner.table]?.features[index];
    if (!feature) continue;
    out.push({ layerTable: owner.table, feature, ...(owner.derived ? { derivedFrom: 'station-buffer' as const } : {}) });
  }
  // A station hit on its dot and on its ring counts once (same table and index; the dot, on top, wins).
  return out;
}

/** Tags each feature with its index so a click can find the original (MapLibre flattens nested properties). */
function withFeatureIndex(data: FeatureCollection): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: data.features.map((feature, index) => ({ ...feature, properties: { ...(feature.properties ?? {}), __idx: index } })),
  };
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
