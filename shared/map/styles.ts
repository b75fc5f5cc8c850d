/**
 * How each layer kind looks, once, for every place that draws a project: the map on screen
 * (renderer/map/layer-styles.ts turns it into MapLibre layers and legend swatches), the map of
 * the 审查意见书 (electron/services/reports/review-map.ts) and the styles QGIS reads from the
 * GeoPackage's layer_styles table (electron/services/store/qgis-styles.ts). Colours follow common
 * Chinese planning-map conventions (water blue, farmland green, contamination red, …).
 *
 * A kind is a list of classes, strictest first; a feature takes the first class whose condition
 * it meets, and classes are drawn in reverse, so the strictest stays on top.
 */
import type { LayerKind } from '../model/layers';

export const WATER_LEVEL_COLORS = { '1': '#08306b', '2': '#2f74b5', quasi: '#9cc9e6' } as const;
export const CONTAMINATED = { listed: '#d62828', listedEdge: '#8f0a0a', delisted: '#b58b8b', delistedEdge: '#8a5656', other: '#f1a7a7' } as const;
export const SUSPECT = { fill: '#f2891d', edge: '#b85c00' } as const;
export const KEY_UNIT = '#7b2cbf';
export const FARMLAND = { fill: '#6cbf73', edge: '#2f8a3b' } as const;
export const COAL_BAN = '#8b5a2b';
export const RIVER = { main: '#1f78b4', tributary: '#4aa3df', area: '#a6d4f2' } as const;
export const BUILT_UP = { city: '#b9b9b9', county: '#d2d2d2', edge: '#9a9a9a' } as const;
export const ADMIN = '#2f2f2f';
export const PARCEL = { line: '#ffd60a', casing: '#5b4a00', fill: '#ffd60a' } as const;
export const STATION_TYPE_COLORS: Record<string, string> = {
  'air-national': '#e63946',
  'air-provincial': '#f77f00',
  'air-township': '#c9a227',
  'water-section': '#0077b6',
  groundwater: '#2a9d8f',
};
export const STATION_OTHER = '#555555';
/** Elevation bands: one distinct shade per `belowM`, lowest band most saturated. */
export const ELEVATION_PALETTE = ['#c2733a', '#e0a458', '#efc98a', '#d9b26f', '#a8875a', '#f4dfb6'] as const;
/** Parcels by latest verdict (按审查结论着色): green released, amber with conditions, red refused. */
export const VERDICT_COLORS = { permitted: '#2a9d4b', conditional: '#f0a202', prohibited: '#d62828' } as const;
/** The parcel a 审查意见书 is about, and the overlap areas it reports. */
export const SUBJECT_PARCEL = { line: '#d40000' } as const;
export const OVERLAP = { fill: '#e0001b', edge: '#7a0010' } as const;

/** Bottom → top. Reference layers under the parcels; points on top. */
export const KIND_DRAW_ORDER: readonly LayerKind[] = [
  'built-up-area',
  'elevation-band',
  'basic-farmland',
  'water-source-zone',
  'river',
  'coal-ban-zone',
  'key-supervised-unit',
  'suspect-parcel',
  'contaminated-parcel',
  'admin-boundary',
  'monitoring-station',
  'parcel',
];

export function drawRank(kind: LayerKind): number {
  const index = KIND_DRAW_ORDER.indexOf(kind);
  return index < 0 ? KIND_DRAW_ORDER.length : index;
}

/** Which features a class takes, on their canonical attributes. */
export type StyleCondition =
  | { attr: string; in: readonly (string | number)[] }
  | { attr: string; isTrue: true }
  | { not: StyleCondition }
  | { all: readonly StyleCondition[] };

export interface StyleClass {
  /** Stable within its kind (the QGIS rule key, the legend entry's identity). */
  key: string;
  label: { zh: string; en: string };
  /** The geometry the class draws: a line class on a polygon layer draws only its lines. */
  geometry: 'area' | 'line' | 'point';
  /** Absent: every feature that no earlier class took. */
  where?: StyleCondition;
  fill?: string;
  fillOpacity?: number;
  stroke?: string;
  /** Screen pixels (≈ points on paper). */
  strokeWidth?: number;
  /** Dash and gap lengths in line widths. */
  dash?: readonly number[];
  hatched?: boolean;
  /** Point symbols: radius in pixels. */
  radius?: number;
  /** A ring of this many metres around each point (monitoring-station buffers). */
  bufferM?: number;
}

/** Distinct values of the attributes a kind's classes depend on (elevation `belowM`, …); absent while unknown. */
export type LayerClassValues = Record<string, readonly (string | number)[]>;

/** Attributes whose distinct values a kind's style or legend needs. */
export const CLASS_ATTRIBUTES: Partial<Record<LayerKind, string>> = {
  'elevation-band': 'belowM',
  river: 'class',
  'built-up-area': 'level',
  'monitoring-station': 'type',
};

export const STATION_BUFFER_LABEL = { zh: '500 米缓冲区', en: '500 m buffer' };

export function elevationValues(values: LayerClassValues | undefined): number[] {
  const set = new Set<number>();
  for (const raw of values?.belowM ?? []) {
    const value = Number(raw);
    if (Number.isFinite(value)) set.add(value);
  }
  return [...set].sort((a, b) => a - b);
}

const isTrue = (attr: string): StyleCondition => ({ attr, isTrue: true });
const listedActive: StyleCondition = { all: [isTrue('listed'), { not: isTrue('delisted') }] };

export const WATER_LEVEL_LABELS = { '1': { zh: '一级保护区', en: 'Level 1' }, '2': { zh: '二级保护区', en: 'Level 2' }, quasi: { zh: '准保护区', en: 'Quasi-protection' } } as const;
export const STATION_TYPE_LABELS: Record<string, { zh: string; en: string }> = {
  'air-national': { zh: '国控空气站', en: 'National air station' },
  'air-provincial': { zh: '省控空气站', en: 'Provincial air station' },
  'air-township': { zh: '乡镇空气站', en: 'Township air station' },
  'water-section': { zh: '水质断面', en: 'Water-quality section' },
  groundwater: { zh: '地下水考核点位', en: 'Groundwater point' },
};

/**
 * The classes of a kind, strictest first. `values` (distinct attribute values of the layer)
 * gives the elevation bands their classes; every other kind has fixed classes.
 */
export function styleClasses(kind: LayerKind, values?: LayerClassValues): StyleClass[] {
  const area = (key: string, label: { zh: string; en: string }, fill: string, fillOpacity: number, stroke: string, strokeWidth: number, extra: Partial<StyleClass> = {}): StyleClass => ({
    key,
    label,
    geometry: 'area',
    fill,
    fillOpacity,
    stroke,
    strokeWidth,
    ...extra,
  });
  switch (kind) {
    case 'water-source-zone':
      return (['1', '2', 'quasi'] as const).map((level) =>
        area(`level-${level}`, WATER_LEVEL_LABELS[level], WATER_LEVEL_COLORS[level], 0.5, WATER_LEVEL_COLORS[level], 1.4, level === 'quasi' ? {} : { where: { attr: 'level', in: [level] } }),
      );
    case 'contaminated-parcel':
      return [
        area('listed', { zh: '列入名录（未移出）', en: 'Listed, not delisted' }, CONTAMINATED.listed, 0.6, CONTAMINATED.listedEdge, 1.5, { where: listedActive }),
        area('delisted', { zh: '已移出名录', en: 'Delisted' }, CONTAMINATED.delisted, 0.35, CONTAMINATED.delistedEdge, 1.5, { where: isTrue('delisted'), hatched: true }),
        area('other', { zh: '未列入名录', en: 'Not listed' }, CONTAMINATED.other, 0.45, CONTAMINATED.listed, 1.5),
      ];
    case 'suspect-parcel':
      return [area('suspect', { zh: '疑似污染地块', en: 'Suspected' }, SUSPECT.fill, 0.5, SUSPECT.edge, 1.4)];
    case 'key-supervised-unit':
      return [area('unit', { zh: '重点监管单位用地', en: 'Supervised unit' }, KEY_UNIT, 0.08, KEY_UNIT, 2.2)];
    case 'elevation-band': {
      const bands = elevationValues(values);
      if (bands.length === 0) return [area('band', { zh: '高程分带', en: 'Elevation band' }, ELEVATION_PALETTE[0], 0.32, ELEVATION_PALETTE[0], 0.8)];
      return bands.map((value, i) => {
        const color = ELEVATION_PALETTE[i % ELEVATION_PALETTE.length];
        return area(`below-${value}`, { zh: `高程低于 ${value} 米`, en: `Below ${value} m` }, color, 0.32, color, 0.8, { where: { attr: 'belowM', in: [value] } });
      });
    }
    case 'basic-farmland':
      return [area('farmland', { zh: '永久基本农田', en: 'Basic farmland' }, FARMLAND.fill, 0.42, FARMLAND.edge, 0.8)];
    case 'coal-ban-zone':
      return [area('coal-ban', { zh: '禁煤区边界', en: 'Coal-ban boundary' }, COAL_BAN, 0.04, COAL_BAN, 2.2, { dash: [3, 2] })];
    case 'river':
      return [
        { key: 'main', label: { zh: '干流', en: 'Main stream' }, geometry: 'line', where: { attr: 'class', in: ['main'] }, stroke: RIVER.main, strokeWidth: 2.5 },
        { key: 'tributary', label: { zh: '支流', en: 'Tributary' }, geometry: 'line', stroke: RIVER.tributary, strokeWidth: 1.3 },
        area('water-area', { zh: '水面', en: 'Water area' }, RIVER.area, 0.85, RIVER.main, 1),
      ];
    case 'built-up-area':
      return [
        area('city', { zh: '市区', en: 'City' }, BUILT_UP.city, 0.55, BUILT_UP.edge, 0.8, { where: { attr: 'level', in: ['city'] } }),
        area('county', { zh: '县城', en: 'County town' }, BUILT_UP.county, 0.55, BUILT_UP.edge, 0.8),
      ];
    case 'admin-boundary':
      return [{ key: 'boundary', label: { zh: '行政区界线', en: 'Boundary' }, geometry: 'line', stroke: ADMIN, strokeWidth: 1.8, dash: [4, 2, 1, 2] }];
    case 'monitoring-station':
      return [
        ...Object.entries(STATION_TYPE_COLORS).map(([type, color]): StyleClass => ({
          key: type,
          label: STATION_TYPE_LABELS[type],
          geometry: 'point',
          where: { attr: 'type', in: [type] },
          fill: color,
          stroke: '#ffffff',
          strokeWidth: 1.5,
          radius: 5,
          bufferM: 500,
        })),
        { key: 'other', label: { zh: '其他监测点位', en: 'Other station' }, geometry: 'point', fill: STATION_OTHER, stroke: '#ffffff', strokeWidth: 1.5, radius: 5, bufferM: 500 },
      ];
    case 'parcel':
      return [area('parcel', { zh: '报件地块', en: 'Submitted parcel' }, PARCEL.fill, 0.16, PARCEL.line, 2.2)];
  }
}

/** Whether a feature's canonical attributes meet a condition (booleans may be stored as 0/1). */
export function meetsCondition(condition: StyleCondition, properties: Record<string, unknown>): boolean {
  if ('all' in condition) return condition.all.every((c) => meetsCondition(c, properties));
  if ('not' in condition) return !meetsCondition(condition.not, properties);
  const value = properties[condition.attr];
  if ('isTrue' in condition) return value === true || value === 1 || value === '1';
  if (value === null || value === undefined) return false;
  return condition.in.some((v) => String(v) === String(value));
}

/**
 * The classes that draw features of one geometry: a kind drawn as lines (an administrative
 * boundary) whose features are polygons draws their outlines, unfilled.
 */
export function classesFor(classes: readonly StyleClass[], geometry: 'area' | 'line' | 'point'): StyleClass[] {
  const own = classes.filter((c) => c.geometry === geometry);
  if (own.length || geometry !== 'area') return own;
  return classes.filter((c) => c.geometry === 'line').map((c) => ({ ...c, geometry: 'area' as const, fill: c.stroke, fillOpacity: 0 }));
}

/** The class a feature takes (the first whose condition it meets among those of its geometry), or null. */
export function classOf(classes: readonly StyleClass[], properties: Record<string, unknown>, geometry: 'area' | 'line' | 'point'): StyleClass | null {
  return classesFor(classes, geometry).find((c) => !c.where || meetsCondition(c.where, properties)) ?? null;
}
