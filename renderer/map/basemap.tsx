/**
 * The offline basemap under the project layers: relief (MapLibre `hillshade` on terrain-RGB tiles
 * rendered by the Node side from the project's DEM) with contour lines, or one of the user's
 * MBTiles / PMTiles basemaps — with a picker and the attribution of what is shown. Every URL is
 * on the page's own origin (127.0.0.1 in browser mode, app://landgate in the desktop app).
 *
 * The choice is a small store (like the locale): the picker on the main map sets it, the frame
 * maps (汇报模式, the check panel) draw the same basemap, and the 意见书 export asks for it.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type * as maplibregl from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { BasemapSummary, TerrainInfo } from '../../shared/terrain/types';
import { t } from '../i18n';
import { api, userMessage } from '../platform/api';

declare global {
  interface Window {
    /** Set when the chosen basemap's tiles are loaded and the map went idle (e2e tests). */
    __landgateBasemapReady?: boolean;
  }
}

const PREFIX = 'basemap-';
const RELIEF_SOURCE = `${PREFIX}dem`;
const CONTOUR_SOURCE = `${PREFIX}contours`;

type Choice = 'relief' | 'none' | string; // string = user basemap id

/** The user's choice in the picker; null until they choose (then the default applies). */
let chosen: Choice | null = null;
/** What the picker offers (for the 意见书 export, which draws what the map shows). */
let known: { terrain: TerrainInfo | null; basemaps: BasemapSummary[] } = { terrain: null, basemaps: [] };
const listeners = new Set<() => void>();

function setChosen(choice: Choice) {
  if (choice === chosen) return;
  chosen = choice;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The basemap chosen in the picker (null while nothing was chosen): components follow it. */
export function useChosenBasemap(): Choice | null {
  return useSyncExternalStore(subscribe, () => chosen, () => chosen);
}

/** What is drawn: the user's choice, else relief when the project has a DEM, else its first usable basemap. */
export function effectiveBasemap(choice: Choice | null, terrain: TerrainInfo | null, basemaps: readonly BasemapSummary[]): Choice {
  if (choice !== null && (choice === 'none' || (choice === 'relief' && terrain) || basemaps.some((b) => b.id === choice && b.available))) return choice;
  return terrain ? 'relief' : (basemaps.find((b) => b.available)?.id ?? 'none');
}

/**
 * The basemap a 意见书 map can be printed over (exportReviewPdf `basemap`): the one the map shows
 * when it is a raster PNG / JPEG basemap that is there; otherwise the report keeps the hillshade.
 */
export function printableBasemapId(): string | undefined {
  const shown = effectiveBasemap(chosen, known.terrain, known.basemaps);
  const basemap = known.basemaps.find((b) => b.id === shown);
  return basemap && basemap.available && basemap.type === 'raster' && (basemap.format === 'png' || basemap.format === 'jpg') ? basemap.id : undefined;
}

/** Draws `choice` under the map's project layers, replacing whatever basemap it had. */
export function showBasemap(map: maplibregl.Map, choice: Choice, terrain: TerrainInfo | null, basemaps: readonly BasemapSummary[], contours: FeatureCollection | null = null, showContours = false) {
  clear(map);
  const user = basemaps.find((b) => b.id === choice);
  if (choice === 'relief' && terrain) addRelief(map, terrain, contours, showContours);
  else if (user?.available) addUserBasemap(map, user);
}

/** The attribution of what `choice` draws, in words. */
export function basemapCredit(choice: Choice, terrain: TerrainInfo | null, basemaps: readonly BasemapSummary[]): string {
  const user = basemaps.find((b) => b.id === choice);
  return choice === 'relief' && terrain ? t('basemap.reliefAttribution', { files: terrain.files.join('、') }) : user ? stripTags(user.attribution) || user.name : '';
}

/** Same-origin absolute URL, braces kept for MapLibre's {z}/{x}/{y}. */
function sameOrigin(path: string): string {
  return `${window.location.origin}${path}`;
}

/** First layer that is not ours and not the background: basemap layers go below it. */
function beforeProjectLayers(map: maplibregl.Map): string | undefined {
  return map.getStyle().layers.find((l) => l.id !== 'background' && !l.id.startsWith(PREFIX))?.id;
}

function clear(map: maplibregl.Map) {
  for (const layer of [...map.getStyle().layers].reverse()) if (layer.id.startsWith(PREFIX)) map.removeLayer(layer.id);
  for (const id of Object.keys(map.getStyle().sources)) if (id.startsWith(PREFIX)) map.removeSource(id);
}

export function addRelief(map: maplibregl.Map, terrain: TerrainInfo, contours: FeatureCollection | null, showContours: boolean) {
  const before = beforeProjectLayers(map);
  map.addSource(RELIEF_SOURCE, {
    type: 'raster-dem',
    tiles: [sameOrigin(terrain.tiles)],
    tileSize: terrain.tileSize,
    encoding: terrain.encoding,
    minzoom: terrain.minzoom,
    maxzoom: terrain.maxzoom,
    bounds: terrain.bounds,
  });
  map.addLayer(
    {
      id: `${PREFIX}hillshade`,
      type: 'hillshade',
      source: RELIEF_SOURCE,
      paint: { 'hillshade-exaggeration': 0.65, 'hillshade-shadow-color': '#4f5a52', 'hillshade-highlight-color': '#ffffff', 'hillshade-accent-color': '#6d7a6f' },
    },
    before,
  );
  if (contours && showContours) {
    map.addSource(CONTOUR_SOURCE, { type: 'geojson', data: contours });
    map.addLayer(
      {
        id: `${PREFIX}contour-lines`,
        type: 'line',
        source: CONTOUR_SOURCE,
        paint: { 'line-color': '#8a6a45', 'line-opacity': ['case', ['get', 'major'], 0.75, 0.45], 'line-width': ['case', ['get', 'major'], 1.2, 0.6] },
      },
      before,
    );
  }
}

function addUserBasemap(map: maplibregl.Map, basemap: BasemapSummary) {
  const before = beforeProjectLayers(map);
  const source = `${PREFIX}user`;
  const common = { tiles: [sameOrigin(basemap.tiles)], minzoom: basemap.minzoom, maxzoom: basemap.maxzoom, ...(basemap.bounds ? { bounds: basemap.bounds } : {}), attribution: basemap.attribution };
  if (basemap.type === 'raster') {
    map.addSource(source, { type: 'raster', tileSize: 256, ...common });
    map.addLayer({ id: `${PREFIX}user-raster`, type: 'raster', source }, before);
    return;
  }
  map.addSource(source, { type: 'vector', ...common });
  // a neutral generic style: the package brings data, not a style (no glyphs offline: no labels)
  for (const layer of basemap.vectorLayers) {
    map.addLayer({ id: `${PREFIX}user-${layer}-fill`, type: 'fill', source, 'source-layer': layer, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#e6e2d6', 'fill-opacity': 0.6 } }, before);
    map.addLayer({ id: `${PREFIX}user-${layer}-line`, type: 'line', source, 'source-layer': layer, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#9a9488', 'line-width': 0.8 } }, before);
    map.addLayer({ id: `${PREFIX}user-${layer}-point`, type: 'circle', source, 'source-layer': layer, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#7d776c', 'circle-radius': 2 } }, before);
  }
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&copy;/g, '©').replace(/&amp;/g, '&').trim();
}

/** Dispatched on `window` when the project's DEM changed (DEM import dialog): the relief basemap reloads. */
export const TERRAIN_CHANGED_EVENT = 'landgate:terrain-changed';

export function BasemapControl({ map }: { map: maplibregl.Map | null }) {
  const [terrain, setTerrain] = useState<TerrainInfo | null>(null);
  const [contours, setContours] = useState<FeatureCollection | null>(null);
  const [basemaps, setBasemaps] = useState<BasemapSummary[]>([]);
  const picked = useChosenBasemap();
  const choice = effectiveBasemap(picked, terrain, basemaps);
  const setChoice = setChosen;
  const [showContours, setShowContours] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [levels, setLevels] = useState('400,900');
  const [bandsStatus, setBandsStatus] = useState<{ busy: boolean; message: string }>({ busy: false, message: '' });
  const [terrainVersion, setTerrainVersion] = useState(0);

  useEffect(() => {
    const bump = () => setTerrainVersion((v) => v + 1);
    window.addEventListener(TERRAIN_CHANGED_EVENT, bump);
    return () => window.removeEventListener(TERRAIN_CHANGED_EVENT, bump);
  }, []);

  /** Same as `landgate bands` on the stored DEM; the page reloads to show the new layer. */
  async function buildBands() {
    const parsed = levels.split(/[,，\s]+/).filter(Boolean).map(Number);
    setBandsStatus({ busy: true, message: t('basemap.bandsRunning') });
    try {
      const result = await api.buildElevationBands({ levels: parsed });
      setBandsStatus({ busy: false, message: t('basemap.bandsDone', { table: result.table }) });
      window.setTimeout(() => window.location.reload(), 800);
    } catch (error) {
      setBandsStatus({ busy: false, message: userMessage(error) });
    }
  }

  useEffect(() => {
    let cancelled = false;
    void Promise.all([api.getTerrainInfo(), api.listBasemaps()])
      .then(async ([info, list]) => {
        const lines = info ? await api.getTerrainContours() : null;
        if (cancelled) return;
        setTerrain(info);
        setBasemaps(list);
        known = { terrain: info, basemaps: list };
        setContours(lines);
        if (info && terrainVersion > 0) setChoice('relief'); // a DEM was just imported: show its relief
        setLoaded(true);
      })
      .catch(() => {
        if (!cancelled) setLoaded(true); // no basemap is not an error worth a dialog
      });
    return () => {
      cancelled = true;
    };
  }, [terrainVersion]);

  useEffect(() => {
    if (!map || !loaded) return;
    window.__landgateBasemapReady = false;
    showBasemap(map, choice, terrain, basemaps, contours, showContours);
    const done = () => {
      window.__landgateBasemapReady = true;
    };
    map.once('idle', done);
    return () => {
      map.off('idle', done);
    };
  }, [map, loaded, choice, showContours, terrain, contours, basemaps]);

  if (!loaded || (!terrain && basemaps.length === 0)) return null;
  const attribution = basemapCredit(choice, terrain, basemaps);
  return (
    <>
      <div className="basemap-picker" data-testid="basemap-picker" style={{ position: 'absolute', top: 48, left: 10, padding: '4px 8px', borderRadius: 4, background: 'rgba(255,255,255,0.95)', boxShadow: '0 1px 3px rgba(0,0,0,0.15)', fontSize: 12, display: 'flex', gap: 8, alignItems: 'center' }}>
        <label>
          {t('basemap.label')}{' '}
          <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="basemap-select">
            {terrain && <option value="relief">{t('basemap.relief')}</option>}
            {basemaps.map((b) => (
              <option key={b.id} value={b.id} disabled={!b.available}>
                {b.name}
                {b.available ? '' : t('basemap.missing')}
              </option>
            ))}
            <option value="none">{t('basemap.none')}</option>
          </select>
        </label>
        {choice === 'relief' && terrain && (
          <label title={t('basemap.contourInterval', { m: terrain.contourIntervalM })}>
            <input type="checkbox" checked={showContours} onChange={(e) => setShowContours(e.target.checked)} /> {t('basemap.contours')}
          </label>
        )}
        {terrain && (
          <span title={t('basemap.bandsHint')}>
            <input aria-label={t('basemap.bandsLevels')} data-testid="bands-levels" value={levels} size={8} onChange={(e) => setLevels(e.target.value)} />{' '}
            <button type="button" data-testid="bands-build" disabled={bandsStatus.busy} onClick={() => void buildBands()}>
              {t('basemap.bandsBuild')}
            </button>
            {bandsStatus.message && <span data-testid="bands-status"> {bandsStatus.message}</span>}
          </span>
        )}
      </div>
      {attribution && (
        <div className="basemap-attribution" data-testid="basemap-attribution" style={{ position: 'absolute', right: 10, bottom: 40, padding: '1px 6px', borderRadius: 3, background: 'rgba(255,255,255,0.8)', fontSize: 10, color: '#4a5560', maxWidth: '50%' }}>
          {attribution}
        </div>
      )}
    </>
  );
}
