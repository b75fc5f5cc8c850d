/**
 * Layer kinds of the rule catalogue (rules.md §1.1) plus `parcel`, the kind of a layer holding
 * parcel submissions (地块报件, rules.md §1.2). The kind decides which rules read a layer and how
 * the map styles it; the GeoPackage table name is free (`--name`).
 */
export const REFERENCE_LAYER_KINDS = [
  'water-source-zone',
  'contaminated-parcel',
  'suspect-parcel',
  'key-supervised-unit',
  'monitoring-station',
  'elevation-band',
  'basic-farmland',
  'coal-ban-zone',
  'river',
  'built-up-area',
  'admin-boundary',
] as const;

export type ReferenceLayerKind = (typeof REFERENCE_LAYER_KINDS)[number];
export type LayerKind = ReferenceLayerKind | 'parcel';
export const LAYER_KINDS: readonly LayerKind[] = [...REFERENCE_LAYER_KINDS, 'parcel'];

export function isLayerKind(value: unknown): value is LayerKind {
  return typeof value === 'string' && (LAYER_KINDS as readonly string[]).includes(value);
}

/** zh-CN names of the kinds, as in rules.md §1.1; used by the CLI messages and the UI. */
export const LAYER_KIND_LABEL_ZH: Record<LayerKind, string> = {
  'water-source-zone': '饮用水水源保护区',
  'contaminated-parcel': '污染地块',
  'suspect-parcel': '疑似污染地块',
  'key-supervised-unit': '土壤污染重点监管单位用地',
  'monitoring-station': '监测站点',
  'elevation-band': '清洁取暖高程带',
  'basic-farmland': '永久基本农田',
  'coal-ban-zone': '禁煤区',
  river: '河流',
  'built-up-area': '建成区',
  'admin-boundary': '行政区',
  parcel: '报件地块',
};

export const LAYER_KIND_LABEL_EN: Record<LayerKind, string> = {
  'water-source-zone': 'Drinking-water source protection zone',
  'contaminated-parcel': 'Contaminated parcel',
  'suspect-parcel': 'Suspected contaminated parcel',
  'key-supervised-unit': 'Key soil-supervised unit',
  'monitoring-station': 'Monitoring station',
  'elevation-band': 'Clean-heating elevation band',
  'basic-farmland': 'Permanent basic farmland',
  'coal-ban-zone': 'Coal-ban zone',
  river: 'River',
  'built-up-area': 'Built-up area',
  'admin-boundary': 'Administrative boundary',
  parcel: 'Submitted parcel',
};

/** Geometry family a kind expects; the importer refuses a mismatch (rivers take both). */
export const LAYER_KIND_GEOMETRY: Record<LayerKind, 'polygon' | 'point' | 'line-or-polygon'> = {
  'water-source-zone': 'polygon',
  'contaminated-parcel': 'polygon',
  'suspect-parcel': 'polygon',
  'key-supervised-unit': 'polygon',
  'monitoring-station': 'point',
  'elevation-band': 'polygon',
  'basic-farmland': 'polygon',
  'coal-ban-zone': 'polygon',
  river: 'line-or-polygon',
  'built-up-area': 'polygon',
  'admin-boundary': 'polygon',
  parcel: 'polygon',
};

/** GeoPackage geometry_type_name values we write (one per table). */
export type GpkgGeometryType = 'POINT' | 'MULTIPOINT' | 'LINESTRING' | 'MULTILINESTRING' | 'POLYGON' | 'MULTIPOLYGON' | 'GEOMETRY';

/** [minLon, minLat, maxLon, maxLat] in EPSG:4490. */
export type BBox = [number, number, number, number];

export interface LayerInfo {
  /** GeoPackage table name (`--name`). */
  table: string;
  kind: LayerKind;
  /** Human title (zh-CN), defaults to the table name. */
  title: string;
  featureCount: number;
  geometryType: GpkgGeometryType;
  bbox: BBox | null;
  /** File the layer was imported from (base name), null for generated layers. */
  sourceFile: string | null;
  /** CRS of the source before transformation to EPSG:4490, e.g. `EPSG:4525`. */
  originalCrs: string;
  /** ISO 8601 UTC. */
  importedAt: string;
}

export interface ProjectInfo {
  /** Absolute path of the .gpkg file. */
  path: string;
  /** Project title (zh-CN); the demo's says 示例数据. */
  title: string;
  /** True for generated demo projects: the UI labels them 示例数据 (synthetic). */
  synthetic: boolean;
  layers: LayerInfo[];
}
