/**
 * A parcel in its surroundings, as cartography (汇报模式, and the check panel's small map): the
 * project's layers in the shared style (layer-styles.ts, the one the main map and the PDF use) over
 * the basemap chosen on the main map (the relief of the project's DEM unless the user chose one of
 * their offline basemaps), the parcel outlined and its overlaps drawn, with a legend of
 * exactly what is drawn in the frame, a scale bar, a north arrow and the cursor in CGCS2000
 * lon/lat and Gauss-Krüger X/Y. Tiles come from the project like the main map's; nothing is
 * fetched from outside. `variant` says where it sits: a slide (legend over the map) or a panel
 * (a small map, the legend below it).
 */
import { useEffect, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { LayerInfo } from '../../shared/model/layers';
import { VECTOR_TILE_MAX_ZOOM, vectorTilePath } from '../../shared/map/vector-tiles';
import { t } from '../i18n';
import { api } from '../platform/api';
import { LegendClasses } from '../panels/Swatch';
import { basemapCredit, effectiveBasemap, showBasemap, useChosenBasemap } from './basemap';
import type { BasemapSummary, TerrainInfo } from '../../shared/terrain/types';
import { geometryBBox, unionBBox } from './geodesy-display';
import { BACKGROUND_COLOR, FINDING_COLOR, HATCH_IMAGE_ID, drawRank, hatchImage, legendFor, sourceId, styleLayer, type LegendClass } from './layer-styles';
import { CursorReadout } from './tools/CursorReadout';
import { NorthArrow } from './tools/NorthArrow';
import { ensureMapLibreWorker } from './worker';
import './tools/tools.css';

declare global {
  interface Window {
    /** Set when the frame map drew the current parcel and its legend (e2e tests). */
    __landgateFrameReady?: string;
  }
}

const FRAME_SOURCE = 'landgate-frame';
const PARCEL_COLOR = '#d40000';

export interface FrameMapProps {
  layers: LayerInfo[];
  /** The parcel the frame is about (EPSG:4490). */
  parcel: Feature | null;
  /** Overlap polygons and distance lines of its findings. */
  findings: Geometry[];
  /** Identifies the slide, so a new parcel is fitted again. */
  frameKey: string;
  /** `slide` (default): 汇报模式, the legend over the map; `panel`: the check panel's small map, the legend below. */
  variant?: 'slide' | 'panel';
}

/** Test ids by variant: both can be on the page at once (汇报模式 over the check panel). */
const TEST_IDS = {
  slide: { map: 'presentation-map', legend: 'frame-legend', coords: 'frame-coords' },
  panel: { map: 'check-map', legend: 'check-map-legend', coords: 'check-map-coords' },
} as const;

interface LegendRow {
  key: string;
  title: string;
  classes: LegendClass[];
}

export function FrameMap({ layers, parcel, findings, frameKey, variant = 'slide' }: FrameMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<maplibregl.Map | null>(null);
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const [legend, setLegend] = useState<LegendRow[]>([]);
  const [ready, setReady] = useState<string | null>(null);
  const [backdrop, setBackdrop] = useState<{ terrain: TerrainInfo | null; basemaps: BasemapSummary[] } | null>(null);
  const picked = useChosenBasemap();
  const basemap = backdrop ? effectiveBasemap(picked, backdrop.terrain, backdrop.basemaps) : null;
  const ids = TEST_IDS[variant];
  const openedAt = useRef(Date.now());

  // The map, once, with the project's layers; and what can go under them (relief, offline basemaps).
  useEffect(() => {
    ensureMapLibreWorker();
    const created = new maplibregl.Map({
      container: containerRef.current as HTMLDivElement,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }] },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      maxZoom: 19,
      fadeDuration: 0,
      locale: { 'ScaleControl.Meters': t('unit.m'), 'ScaleControl.Kilometers': t('measure.km') },
    });
    created.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: variant === 'panel' ? 100 : 160 }), 'bottom-left');
    created.on('mousemove', (event) => setCursor([event.lngLat.lng, event.lngLat.lat]));
    created.on('mouseout', () => setCursor(null));
    created.on('load', () => {
      created.addImage(HATCH_IMAGE_ID, hatchImage(), { pixelRatio: 1 });
      for (const info of [...layers].sort((a, b) => drawRank(a.kind) - drawRank(b.kind))) {
        created.addSource(sourceId(info.table), { type: 'vector', tiles: [`${window.location.origin}${vectorTilePath(info.table, openedAt.current)}`], maxzoom: VECTOR_TILE_MAX_ZOOM });
        for (const layer of styleLayer(info, undefined, { colorByVerdict: false }).layers) created.addLayer(layer);
      }
      created.addSource(FRAME_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      created.addLayer({ id: `${FRAME_SOURCE}-overlap`, type: 'fill', source: FRAME_SOURCE, filter: ['==', ['get', 'role'], 'overlap'], paint: { 'fill-color': FINDING_COLOR, 'fill-opacity': 0.5 } });
      created.addLayer({ id: `${FRAME_SOURCE}-distance`, type: 'line', source: FRAME_SOURCE, filter: ['==', ['get', 'role'], 'distance'], paint: { 'line-color': '#333333', 'line-width': 2, 'line-dasharray': [3, 2] } });
      created.addLayer({ id: `${FRAME_SOURCE}-parcel-casing`, type: 'line', source: FRAME_SOURCE, filter: ['==', ['get', 'role'], 'parcel'], paint: { 'line-color': '#ffffff', 'line-width': 7, 'line-opacity': 0.8 } });
      created.addLayer({ id: `${FRAME_SOURCE}-parcel`, type: 'line', source: FRAME_SOURCE, filter: ['==', ['get', 'role'], 'parcel'], paint: { 'line-color': PARCEL_COLOR, 'line-width': 3.5 } });
      setMap(created);
    });
    let removed = false;
    void Promise.all([api.getTerrainInfo().catch(() => null), api.listBasemaps().catch(() => [])]).then(([terrain, basemaps]) => !removed && setBackdrop({ terrain, basemaps }));
    return () => {
      removed = true;
      created.remove();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The chosen basemap under the project layers (below the first of them).
  useEffect(() => {
    if (!map || !backdrop || basemap === null) return;
    showBasemap(map, basemap, backdrop.terrain, backdrop.basemaps);
  }, [map, backdrop, basemap]);

  // The slide's parcel and findings, fitted; then the legend of what the frame shows.
  useEffect(() => {
    if (!map) return;
    if (variant === 'slide') window.__landgateFrameReady = undefined;
    setReady(null);
    const collection: FeatureCollection = { type: 'FeatureCollection', features: [] };
    if (parcel?.geometry) collection.features.push({ type: 'Feature', properties: { role: 'parcel' }, geometry: parcel.geometry });
    for (const geometry of findings) {
      const role = geometry.type.endsWith('Polygon') ? 'overlap' : geometry.type.endsWith('LineString') ? 'distance' : null;
      if (role) collection.features.push({ type: 'Feature', properties: { role }, geometry });
    }
    (map.getSource(FRAME_SOURCE) as maplibregl.GeoJSONSource).setData(collection);
    const box = unionBBox([geometryBBox(parcel?.geometry ?? null), ...findings.map(geometryBBox)]);
    if (box) {
      const { clientWidth: w, clientHeight: h } = map.getContainer();
      const margin = variant === 'panel' ? 0.15 : 0.22;
      map.fitBounds(
        [
          [box[0], box[1]],
          [box[2], box[3]],
        ],
        { padding: { top: h * margin, bottom: h * margin, left: w * margin, right: w * margin }, maxZoom: 17, duration: 0 },
      );
    }
    // ready once the basemap is in too: `<frameKey>\u0000<basemap drawn>`
    const readyKey = `${frameKey}\u0000${basemap ?? ''}`;
    const update = () => {
      setLegend(drawnLegend(map, layers, collection));
      if (basemap === null) return;
      setReady(readyKey);
      if (variant === 'slide') window.__landgateFrameReady = readyKey;
    };
    map.once('idle', update);
    return () => {
      map.off('idle', update);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, frameKey, parcel, findings.length, basemap]);

  const credit = backdrop && basemap ? basemapCredit(basemap, backdrop.terrain, backdrop.basemaps) : '';

  return (
    <div className={`frame-map frame-map-${variant}`} data-testid={ids.map} data-frame-ready={ready ?? undefined}>
      <div className="frame-map-view">
        <div ref={containerRef} className="frame-map-canvas" />
        <NorthArrow map={map} className="north-arrow frame-north-arrow" />
        <CursorReadout cursor={cursor} className="frame-coords" testid={ids.coords} />
      </div>
      <aside className="frame-legend" data-testid={ids.legend} aria-label={t('layers.legend')}>
        <div className="frame-legend-title">{t('layers.legend')}</div>
        <ul>
          {legend.map((row) => (
            <li key={row.key}>
              <div className="frame-legend-layer">{row.title}</div>
              <ul>
                <LegendClasses entries={row.classes} />
              </ul>
            </li>
          ))}
        </ul>
        {credit && (
          <div className="frame-legend-credit" data-basemap={basemap ?? undefined}>
            {t('basemap.label')}：{credit}
          </div>
        )}
      </aside>
    </div>
  );
}

/** Legend rows for the layers with something drawn in the frame, plus the parcel and its overlaps. */
function drawnLegend(map: maplibregl.Map, layers: LayerInfo[], frame: FeatureCollection): LegendRow[] {
  const drawn = new Set<string>();
  const ids = map
    .getStyle()
    .layers.map((l) => l.id)
    .filter((id) => id.startsWith('lg:'));
  for (const feature of map.queryRenderedFeatures(undefined, { layers: ids })) drawn.add(feature.layer.id);
  const rows: LegendRow[] = [];
  const roles = new Set(frame.features.map((f) => f.properties?.role));
  if (roles.has('parcel')) rows.push({ key: 'frame:parcel', title: t('frame.parcel'), classes: [{ label: t('frame.parcelOutline'), swatch: { shape: 'area', fill: 'transparent', fillOpacity: 0, stroke: PARCEL_COLOR, strokeWidth: 3 } }] });
  if (roles.has('overlap')) rows.push({ key: 'frame:overlap', title: t('frame.overlap'), classes: [{ label: t('frame.overlapArea'), swatch: { shape: 'area', fill: FINDING_COLOR, fillOpacity: 0.5 } }] });
  if (roles.has('distance')) rows.push({ key: 'frame:distance', title: t('frame.distance'), classes: [{ label: t('frame.distanceLine'), swatch: { shape: 'line', stroke: '#333333', strokeWidth: 2, dashed: true } }] });
  for (const info of [...layers].sort((a, b) => drawRank(b.kind) - drawRank(a.kind))) {
    const prefix = `${sourceId(info.table)}:`;
    if (![...drawn].some((id) => id.startsWith(prefix))) continue;
    rows.push({ key: info.table, title: info.title, classes: legendFor(info, undefined, { colorByVerdict: false }) });
  }
  return rows;
}
