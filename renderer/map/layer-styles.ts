/**
 * How each layer kind looks on screen: the one style definition (shared/map/styles.ts, also drawn
 * by the 审查意见书 and written to the GeoPackage for QGIS) as MapLibre layer specifications, and
 * the legend classes from the same definition, so the legend never disagrees with the map. No
 * symbol/text layers: the app ships no glyphs and loads nothing from the network.
 */
import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { LayerInfo, LayerKind } from '../../shared/model/layers';
import { bufferSourceLayer, STATION_BUFFER_M, TILE_MARKER_ATTRIBUTE } from '../../shared/map/vector-tiles';
import { getLocale, t } from '../i18n';
import {
  ADMIN,
  BUILT_UP,
  COAL_BAN,
  CONTAMINATED,
  ELEVATION_PALETTE,
  FARMLAND,
  KEY_UNIT,
  PARCEL,
  RIVER,
  STATION_OTHER,
  STATION_TYPE_COLORS,
  SUSPECT,
  VERDICT_COLORS,
  WATER_LEVEL_COLORS,
  elevationValues,
  styleClasses,
  type StyleClass,
} from '../../shared/map/styles';

const zh = () => getLocale() === 'zh-CN';

export const BACKGROUND_COLOR = '#f3f1ec';
export const HATCH_IMAGE_ID = 'landgate-hatch-delisted';
export { STATION_BUFFER_M };

export const sourceId = (table: string) => `lg:${table}`;
export const HIGHLIGHT_SOURCE = 'lg:highlight';

/**
 * Distinct values of the attributes a layer's style and legend depend on (elevation `belowM`,
 * river `class`, …), read once per layer with a bounded attribute-only request; absent while
 * unknown, then every known class is shown.
 */
export type LayerClasses = Record<string, readonly (string | number)[]>;

export { CLASS_ATTRIBUTES, KIND_DRAW_ORDER, drawRank, elevationValues, STATION_TYPE_COLORS, VERDICT_COLORS, WATER_LEVEL_COLORS } from '../../shared/map/styles';

/** A legend swatch, drawn by the layer panel with plain CSS. */
export interface Swatch {
  shape: 'area' | 'line' | 'point';
  fill?: string;
  fillOpacity?: number;
  stroke?: string;
  strokeWidth?: number;
  dashed?: boolean;
  hatched?: boolean;
  /** Point swatches: draw the buffer ring around the dot. */
  ring?: boolean;
}

export interface LegendClass {
  label: string;
  swatch: Swatch;
}

export const SELECTION_COLOR = '#00b4d8';
export const FINDING_COLOR = '#e0119d';

// ---------------------------------------------------------------------------------------------
// Class predicates (shared by paint expressions and legends)

const getString = (key: string): ExpressionSpecification => ['to-string', ['coalesce', ['get', key], '']];
const isTrue = (key: string): ExpressionSpecification => ['==', ['get', key], true];
const listedActive: ExpressionSpecification = ['all', isTrue('listed'), ['!', isTrue('delisted')]];
const isPolygon: FilterSpecification = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
const isLine: FilterSpecification = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false];

const verdictColor = (fallback: string): ExpressionSpecification => [
  'match',
  ['coalesce', ['get', 'verdict'], ''],
  'permitted',
  VERDICT_COLORS.permitted,
  'conditional',
  VERDICT_COLORS.conditional,
  'prohibited',
  VERDICT_COLORS.prohibited,
  fallback,
];

/** Paint of the parcel fill: by verdict (checked parcels more opaque) or one colour as before. */
export function parcelFillPaint(colorByVerdict: boolean): { 'fill-color': ExpressionSpecification | string; 'fill-opacity': ExpressionSpecification | number } {
  if (!colorByVerdict) return { 'fill-color': PARCEL.fill, 'fill-opacity': 0.16 };
  return { 'fill-color': verdictColor(PARCEL.fill), 'fill-opacity': ['case', ['has', 'verdict'], 0.45, 0.16] };
}

export function parcelMarkerColor(colorByVerdict: boolean): ExpressionSpecification | string {
  return colorByVerdict ? verdictColor(PARCEL.line) : PARCEL.line;
}

/** Colour of the dots that stand for features smaller than a pixel at low zoom (the tiles' markers). */
function markerColor(kind: LayerKind): string {
  switch (kind) {
    case 'water-source-zone':
      return WATER_LEVEL_COLORS['2'];
    case 'contaminated-parcel':
      return CONTAMINATED.listed;
    case 'suspect-parcel':
      return SUSPECT.edge;
    case 'key-supervised-unit':
      return KEY_UNIT;
    case 'elevation-band':
      return ELEVATION_PALETTE[0];
    case 'basic-farmland':
      return FARMLAND.edge;
    case 'coal-ban-zone':
      return COAL_BAN;
    case 'river':
      return RIVER.main;
    case 'built-up-area':
      return BUILT_UP.edge;
    case 'admin-boundary':
      return ADMIN;
    case 'monitoring-station':
      return STATION_OTHER;
    case 'parcel':
      return PARCEL.line;
  }
}

function elevationColor(values: number[]): ExpressionSpecification | string {
  if (values.length === 0) return ELEVATION_PALETTE[0];
  const cases: (string | number)[] = [];
  values.forEach((value, i) => cases.push(value, ELEVATION_PALETTE[i % ELEVATION_PALETTE.length]));
  return ['match', ['to-number', ['get', 'belowM'], -1], ...cases, '#cccccc'] as unknown as ExpressionSpecification;
}

const stationColor: ExpressionSpecification = [
  'match',
  getString('type'),
  ...Object.entries(STATION_TYPE_COLORS).flat(),
  STATION_OTHER,
] as unknown as ExpressionSpecification;

// ---------------------------------------------------------------------------------------------
// MapLibre layers per kind

/** The MapLibre layers that draw one project layer, bottom → top (all on its vector source). */
export interface StyledLayer {
  layers: LayerSpecification[];
}

export interface StyleOptions {
  colorByVerdict: boolean;
}

export function styleLayer(info: LayerInfo, classes: LayerClasses | undefined, options: StyleOptions): StyledLayer {
  const styled = kindLayers(info, classes, options);
  if (info.kind === 'monitoring-station') return styled;
  const marker = {
    id: `${sourceId(info.table)}:marker`,
    type: 'circle',
    source: sourceId(info.table),
    'source-layer': info.table,
    filter: ['==', ['get', TILE_MARKER_ATTRIBUTE], true],
    paint: {
      'circle-color': info.kind === 'parcel' ? parcelMarkerColor(options.colorByVerdict) : markerColor(info.kind),
      'circle-radius': 2.2,
      'circle-opacity': 0.85,
    },
  } as LayerSpecification;
  return { layers: [...styled.layers, marker] };
}

function kindLayers(info: LayerInfo, classes: LayerClasses | undefined, options: StyleOptions): StyledLayer {
  const source = sourceId(info.table);
  const sourceLayer = info.table;
  const id = (suffix: string) => `${source}:${suffix}`;
  const fill = (suffix: string, paint: Record<string, unknown>, filter?: FilterSpecification): LayerSpecification =>
    ({ id: id(suffix), type: 'fill', source, 'source-layer': sourceLayer, paint, ...(filter ? { filter } : {}) }) as LayerSpecification;
  const line = (suffix: string, paint: Record<string, unknown>, filter?: FilterSpecification, layerName = sourceLayer): LayerSpecification =>
    ({ id: id(suffix), type: 'line', source, 'source-layer': layerName, layout: { 'line-join': 'round', 'line-cap': 'round' }, paint, ...(filter ? { filter } : {}) }) as LayerSpecification;

  switch (info.kind) {
    case 'water-source-zone': {
      const color: ExpressionSpecification = ['match', getString('level'), '1', WATER_LEVEL_COLORS['1'], '2', WATER_LEVEL_COLORS['2'], WATER_LEVEL_COLORS.quasi];
      // Quasi zones (largest) first, level 1 last, so the strictest zone stays visible on top.
      const sortKey: ExpressionSpecification = ['match', getString('level'), '1', 3, '2', 2, 1];
      return {
        layers: [
          { id: id('fill'), type: 'fill', source, 'source-layer': sourceLayer, layout: { 'fill-sort-key': sortKey }, paint: { 'fill-color': color, 'fill-opacity': 0.5 } } as LayerSpecification,
          line('line', { 'line-color': color, 'line-width': 1.4 }),
        ],
      };
    }
    case 'contaminated-parcel':
      return {
        layers: [
          fill('fill-other', { 'fill-color': CONTAMINATED.other, 'fill-opacity': 0.45 }, ['all', ['!', listedActive], ['!', isTrue('delisted')]]),
          fill('fill-delisted', { 'fill-color': CONTAMINATED.delisted, 'fill-opacity': 0.35 }, isTrue('delisted')),
          fill('hatch-delisted', { 'fill-pattern': HATCH_IMAGE_ID, 'fill-opacity': 0.9 }, isTrue('delisted')),
          fill('fill-listed', { 'fill-color': CONTAMINATED.listed, 'fill-opacity': 0.6 }, listedActive),
          line('line', {
            'line-color': ['case', listedActive, CONTAMINATED.listedEdge, isTrue('delisted'), CONTAMINATED.delistedEdge, CONTAMINATED.listed],
            'line-width': 1.5,
          }),
        ],
      };
    case 'suspect-parcel':
      return {
        layers: [fill('fill', { 'fill-color': SUSPECT.fill, 'fill-opacity': 0.5 }), line('line', { 'line-color': SUSPECT.edge, 'line-width': 1.4 })],
      };
    case 'key-supervised-unit':
      return {
        layers: [fill('fill', { 'fill-color': KEY_UNIT, 'fill-opacity': 0.08 }), line('line', { 'line-color': KEY_UNIT, 'line-width': 2.2 })],
      };
    case 'elevation-band':
      return {
        layers: [
          fill('fill', { 'fill-color': elevationColor(elevationValues(classes)), 'fill-opacity': 0.32 }),
          line('line', { 'line-color': elevationColor(elevationValues(classes)), 'line-width': 0.8, 'line-opacity': 0.9 }),
        ],
      };
    case 'basic-farmland':
      return {
        layers: [fill('fill', { 'fill-color': FARMLAND.fill, 'fill-opacity': 0.42 }), line('line', { 'line-color': FARMLAND.edge, 'line-width': 0.8, 'line-opacity': 0.8 })],
      };
    case 'coal-ban-zone':
      return {
        layers: [
          fill('fill', { 'fill-color': COAL_BAN, 'fill-opacity': 0.04 }),
          line('line', { 'line-color': COAL_BAN, 'line-width': 2.2, 'line-dasharray': [3, 2] }),
        ],
      };
    case 'river':
      return {
        layers: [
          fill('fill', { 'fill-color': RIVER.area, 'fill-opacity': 0.85 }, isPolygon),
          line('area-edge', { 'line-color': RIVER.main, 'line-width': 1 }, isPolygon),
          line(
            'line',
            {
              'line-color': ['match', getString('class'), 'main', RIVER.main, RIVER.tributary],
              'line-width': ['interpolate', ['linear'], ['zoom'], 8, ['match', getString('class'), 'main', 2, 1], 14, ['match', getString('class'), 'main', 5, 2.5]],
            },
            isLine,
          ),
        ],
      };
    case 'built-up-area':
      return {
        layers: [
          fill('fill', { 'fill-color': ['match', getString('level'), 'city', BUILT_UP.city, BUILT_UP.county], 'fill-opacity': 0.55 }),
          line('line', { 'line-color': BUILT_UP.edge, 'line-width': 0.8 }),
        ],
      };
    case 'admin-boundary':
      return {
        layers: [
          fill('fill', { 'fill-color': ADMIN, 'fill-opacity': 0 }),
          line('line', { 'line-color': ADMIN, 'line-width': 1.8, 'line-dasharray': [4, 2, 1, 2] }),
        ],
      };
    case 'monitoring-station': {
      // the rings are cut into the station tiles by the tile service (their own source-layer)
      const buffer = bufferSourceLayer(info.table);
      return {
        layers: [
          { id: id('buffer-fill'), type: 'fill', source, 'source-layer': buffer, paint: { 'fill-color': stationColor, 'fill-opacity': 0.07 } } as LayerSpecification,
          line('buffer-line', { 'line-color': stationColor, 'line-width': 1.3, 'line-dasharray': [2, 2], 'line-opacity': 0.9 }, undefined, buffer),
          {
            id: id('circle'),
            type: 'circle',
            source,
            'source-layer': sourceLayer,
            paint: {
              'circle-color': stationColor,
              'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 4, 14, 7],
              'circle-stroke-color': '#ffffff',
              'circle-stroke-width': 1.5,
            },
          } as LayerSpecification,
        ],
      };
    }
    case 'parcel':
      return {
        layers: [
          fill('fill', parcelFillPaint(options.colorByVerdict)),
          line('casing', { 'line-color': PARCEL.casing, 'line-width': 4, 'line-opacity': 0.55 }),
          line('line', { 'line-color': PARCEL.line, 'line-width': 2.2 }),
        ],
      };
  }
}

/** Highlight layers drawn above everything: the selected parcel and the selected finding's geometry. */
export function selectionLayers(parcelTable: string): LayerSpecification[] {
  const source = sourceId(parcelTable);
  return [
    {
      id: `${source}:selected-glow`,
      type: 'line',
      source,
      'source-layer': parcelTable,
      filter: ['==', ['literal', 1], 0],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': SELECTION_COLOR, 'line-width': 9, 'line-opacity': 0.35 },
    } as LayerSpecification,
    {
      id: `${source}:selected`,
      type: 'line',
      source,
      'source-layer': parcelTable,
      filter: ['==', ['literal', 1], 0],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': SELECTION_COLOR, 'line-width': 3.2 },
    } as LayerSpecification,
  ];
}

/** The selected parcel by its fid (the tiles' feature id); nothing when null. */
export function selectedFidFilter(fid: number | null): FilterSpecification {
  if (fid === null) return ['==', ['literal', 1], 0];
  return ['==', ['id'], fid];
}

export const HIGHLIGHT_LAYERS: LayerSpecification[] = [
  { id: 'lg:highlight:fill', type: 'fill', source: HIGHLIGHT_SOURCE, filter: isPolygon, paint: { 'fill-color': FINDING_COLOR, 'fill-opacity': 0.45 } } as LayerSpecification,
  {
    id: 'lg:highlight:line',
    type: 'line',
    source: HIGHLIGHT_SOURCE,
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': FINDING_COLOR, 'line-width': 3, 'line-dasharray': ['literal', [2, 1]] } as Record<string, unknown>,
  } as LayerSpecification,
  {
    id: 'lg:highlight:ends',
    type: 'circle',
    source: HIGHLIGHT_SOURCE,
    filter: ['==', ['geometry-type'], 'Point'],
    // Hollow rings: the end of a distance line is often a station dot, which must stay visible.
    paint: { 'circle-opacity': 0, 'circle-radius': 10, 'circle-stroke-color': FINDING_COLOR, 'circle-stroke-width': 2.5 },
  } as LayerSpecification,
];

/** 8×8 RGBA diagonal hatch for delisted contaminated parcels (a generated image: no sprite file needed). */
export function hatchImage(size = 8): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(size * size * 4);
  const [r, g, b] = [0x8a, 0x4a, 0x4a];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const onStroke = (x + y) % size === 0 || (x + y) % size === size - 1;
      const offset = (y * size + x) * 4;
      data[offset] = r;
      data[offset + 1] = g;
      data[offset + 2] = b;
      data[offset + 3] = onStroke ? 220 : 0;
    }
  }
  return { width: size, height: size, data };
}

// ---------------------------------------------------------------------------------------------
// Legend classes (labels in the active locale)

function presentValues(classes: LayerClasses | undefined, key: string): Set<string> {
  return new Set((classes?.[key] ?? []).map(String));
}

const label = (c: StyleClass) => (zh() ? c.label.zh : c.label.en);

/** A legend swatch for a class of the shared style definition (legend swatches a little stronger than the fill). */
function swatchOf(c: StyleClass): Swatch {
  if (c.geometry === 'point') return { shape: 'point', fill: c.fill, stroke: c.stroke };
  if (c.geometry === 'line') return { shape: 'line', stroke: c.stroke, strokeWidth: Math.max(1.5, Math.min(3, c.strokeWidth ?? 2)), ...(c.dash ? { dashed: true } : {}) };
  const fillOpacity = c.fillOpacity !== undefined && c.fillOpacity < 0.1 ? c.fillOpacity : Math.min(0.8, (c.fillOpacity ?? 0.5) + 0.2);
  return { shape: 'area', fill: c.fill, fillOpacity, stroke: c.stroke, ...(c.strokeWidth && c.strokeWidth >= 2 ? { strokeWidth: 2 } : {}), ...(c.dash ? { dashed: true } : {}), ...(c.hatched ? { hatched: true } : {}) };
}

export function legendFor(info: LayerInfo, classes: LayerClasses | undefined, options: StyleOptions = { colorByVerdict: false }): LegendClass[] {
  const shared = styleClasses(info.kind, classes);
  const entry = (c: StyleClass): LegendClass => ({ label: label(c), swatch: swatchOf(c) });
  switch (info.kind) {
    case 'river': {
      const present = presentValues(classes, 'class');
      const entries: LegendClass[] = [];
      if (present.has('main') || present.size === 0) entries.push(entry(shared.find((c) => c.key === 'main')!));
      if (present.has('tributary')) entries.push(entry(shared.find((c) => c.key === 'tributary')!));
      return entries;
    }
    case 'built-up-area': {
      const levels = presentValues(classes, 'level');
      const entries: LegendClass[] = [];
      if (levels.has('city')) entries.push(entry(shared.find((c) => c.key === 'city')!));
      if (levels.has('county') || entries.length === 0) entries.push(entry(shared.find((c) => c.key === 'county')!));
      return entries;
    }
    case 'elevation-band':
      return elevationValues(classes).length ? shared.map(entry) : [];
    case 'monitoring-station': {
      const types = presentValues(classes, 'type');
      const shown = shared.filter((c) => c.key !== 'other' && (types.size === 0 || types.has(c.key)));
      return [...shown.map(entry), { label: t('map.stationBuffer'), swatch: { shape: 'point', ring: true, stroke: '#666666', fill: 'transparent' } }];
    }
    case 'parcel': {
      const unchecked = { label: options.colorByVerdict ? t('layers.verdict.unchecked') : label(shared[0]), swatch: { shape: 'area', fill: PARCEL.fill, fillOpacity: 0.2, stroke: PARCEL.line, strokeWidth: 2 } as Swatch };
      if (!options.colorByVerdict) return [unchecked];
      return [
        ...(['prohibited', 'conditional', 'permitted'] as const).map((verdict) => ({ label: t(`layers.verdict.${verdict}`), swatch: { shape: 'area', fill: VERDICT_COLORS[verdict], fillOpacity: 0.55, stroke: PARCEL.line, strokeWidth: 2 } as Swatch })),
        unchecked,
      ];
    }
    default:
      return shared.map(entry);
  }
}
