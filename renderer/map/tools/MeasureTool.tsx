/**
 * 测量: geodesic distance along a path and area of a polygon on the CGCS2000 ellipsoid. Click to
 * add points (the reading follows the cursor), double-click or Enter to finish, Backspace to take
 * back the last point, Esc to stop. While it is on, map clicks belong to it, not to identify.
 */
import { useEffect, useRef, useState } from 'react';
import type * as maplibregl from 'maplibre-gl';
import type { Position } from 'geojson';
import { areaParts, formatDistance } from '../../app/format';
import { t } from '../../i18n';
import { measure, measureFeatures, type MeasureMode } from './measure';

export const MEASURE_LAYER_PREFIX = 'landgate-measure';
const SOURCE = MEASURE_LAYER_PREFIX;
const COLOR = '#d9480f';

export interface MeasureToolProps {
  map: maplibregl.Map | null;
  /** True while measuring: the map's other click handlers stand aside. */
  onActiveChange(active: boolean): void;
}

interface Session {
  mode: MeasureMode;
  points: Position[];
  finished: boolean;
}

function addLayers(map: maplibregl.Map): void {
  if (map.getSource(SOURCE)) return;
  map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: `${SOURCE}-fill`, type: 'fill', source: SOURCE, filter: ['==', ['get', 'role'], 'area'], paint: { 'fill-color': COLOR, 'fill-opacity': 0.15 } });
  map.addLayer({
    id: `${SOURCE}-line`,
    type: 'line',
    source: SOURCE,
    filter: ['in', ['get', 'role'], ['literal', ['area', 'path']]],
    paint: { 'line-color': COLOR, 'line-width': 2.5, 'line-dasharray': [3, 1.5] },
  });
  map.addLayer({
    id: `${SOURCE}-vertex`,
    type: 'circle',
    source: SOURCE,
    filter: ['==', ['get', 'role'], 'vertex'],
    paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': COLOR, 'circle-stroke-width': 2 },
  });
}

function removeLayers(map: maplibregl.Map): void {
  for (const id of [`${SOURCE}-vertex`, `${SOURCE}-line`, `${SOURCE}-fill`]) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(SOURCE)) map.removeSource(SOURCE);
}

const samePoint = (a: Position | undefined, b: Position) => !!a && Math.abs(a[0] - b[0]) < 1e-10 && Math.abs(a[1] - b[1]) < 1e-10;

export function MeasureTool({ map, onActiveChange }: MeasureToolProps) {
  const [session, setSession] = useState<Session | null>(null);
  const [hover, setHover] = useState<Position | null>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const active = session !== null;

  useEffect(() => {
    onActiveChange(active);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);

  // Map events while a session is open.
  useEffect(() => {
    if (!map || !active) return;
    addLayers(map);
    map.doubleClickZoom.disable();
    map.getCanvas().style.cursor = 'crosshair';
    const click = (event: maplibregl.MapMouseEvent) => {
      const point: Position = [event.lngLat.lng, event.lngLat.lat];
      setSession((s) => {
        if (!s) return s;
        // a new measurement after a finished one starts from this click
        if (s.finished) return { ...s, points: [point], finished: false };
        // the two clicks of a double-click land on one spot: keep one
        if (samePoint(s.points[s.points.length - 1], point)) return s;
        return { ...s, points: [...s.points, point] };
      });
    };
    const dblclick = (event: maplibregl.MapMouseEvent) => {
      event.preventDefault();
      setSession((s) => (s ? { ...s, finished: true } : s));
    };
    const move = (event: maplibregl.MapMouseEvent) => {
      setHover([event.lngLat.lng, event.lngLat.lat]);
      map.getCanvas().style.cursor = 'crosshair';
    };
    const out = () => setHover(null);
    const key = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setSession(null);
      else if (event.key === 'Enter') setSession((s) => (s ? { ...s, finished: true } : s));
      else if (event.key === 'Backspace' && !(event.target instanceof HTMLInputElement)) setSession((s) => (s && !s.finished ? { ...s, points: s.points.slice(0, -1) } : s));
      else return;
      event.stopPropagation();
    };
    map.on('click', click);
    map.on('dblclick', dblclick);
    map.on('mousemove', move);
    map.on('mouseout', out);
    window.addEventListener('keydown', key, true);
    return () => {
      map.off('click', click);
      map.off('dblclick', dblclick);
      map.off('mousemove', move);
      map.off('mouseout', out);
      window.removeEventListener('keydown', key, true);
      map.doubleClickZoom.enable();
      map.getCanvas().style.cursor = '';
      removeLayers(map);
    };
  }, [map, active]);

  const drawn = session ? (session.finished || !hover ? session.points : [...session.points, hover]) : [];
  useEffect(() => {
    if (!map || !session) return;
    (map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(measureFeatures(session.mode, drawn));
  });

  const start = (mode: MeasureMode) => {
    setHover(null);
    setSession((s) => (s?.mode === mode ? null : { mode, points: [], finished: false }));
  };
  const result = session ? measure(session.mode, drawn) : null;
  const parts = result ? areaParts(result.areaM2) : null;

  return (
    <>
      <div className="map-tools" role="toolbar" aria-label={t('measure.toolbar')}>
        <button
          type="button"
          className={session?.mode === 'distance' ? 'map-tool is-active' : 'map-tool'}
          data-testid="measure-distance"
          title={t('measure.distanceHint')}
          aria-pressed={session?.mode === 'distance'}
          disabled={!map}
          onClick={() => start('distance')}
        >
          {t('measure.distance')}
        </button>
        <button
          type="button"
          className={session?.mode === 'area' ? 'map-tool is-active' : 'map-tool'}
          data-testid="measure-area"
          title={t('measure.areaHint')}
          aria-pressed={session?.mode === 'area'}
          disabled={!map}
          onClick={() => start('area')}
        >
          {t('measure.area')}
        </button>
      </div>
      {session && result && (
        <div className="measure-panel" data-testid="measure-panel" role="status">
          <div className="measure-title">{session.mode === 'distance' ? t('measure.distanceTitle') : t('measure.areaTitle')}</div>
          {result.points === 0 ? (
            <p className="measure-hint">{t('measure.start')}</p>
          ) : session.mode === 'distance' ? (
            <dl>
              <dt>{t('measure.total')}</dt>
              <dd data-testid="measure-length" data-value={result.lengthM}>
                {formatLength(result.lengthM)}
              </dd>
              {result.points >= 3 && (
                <>
                  <dt>{t('measure.lastSegment')}</dt>
                  <dd>{formatLength(result.lastSegmentM)}</dd>
                </>
              )}
            </dl>
          ) : (
            <dl>
              <dt>{t('measure.areaValue')}</dt>
              <dd data-testid="measure-area-value" data-value={result.areaM2}>
                {parts!.m2}
                <br />
                {parts!.hectares} · {parts!.mu}
              </dd>
              <dt>{t('measure.perimeter')}</dt>
              <dd data-testid="measure-perimeter" data-value={result.lengthM}>
                {formatLength(result.lengthM)}
              </dd>
            </dl>
          )}
          <p className="measure-hint">{session.finished ? t('measure.finished') : t('measure.keys')}</p>
          <div className="measure-actions">
            <button type="button" className="link-button" onClick={() => setSession({ ...session, points: [], finished: false })}>
              {t('measure.clear')}
            </button>
            <button type="button" className="link-button" data-testid="measure-close" onClick={() => setSession(null)}>
              {t('measure.close')}
            </button>
          </div>
          <p className="measure-basis">{t('measure.basis')}</p>
        </div>
      )}
    </>
  );
}

function formatLength(m: number): string {
  return m >= 1000 ? `${formatDistance(m)}（${(m / 1000).toFixed(3)} ${t('measure.km')}）` : formatDistance(m);
}
