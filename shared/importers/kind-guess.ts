/**
 * The layer kind an import proposes, from what a bureau's file says about itself: its file and
 * layer names (行政区.shp, XZQ, 永久基本农田, 水源地 …) and its fields (XZQDM/XZQMC, BHQJB,
 * WRDKBM, DKBH/GHYT …), then its geometry. The user confirms it in the import dialog; a kind
 * whose geometry does not fit the file is never proposed.
 */
import type { LayerKind } from '../model/layers';
import { LAYER_KIND_GEOMETRY } from '../model/layers';

interface KindSigns {
  kind: LayerKind;
  /** File, folder or layer names (tested against each name, case-insensitively). */
  names: RegExp;
  /** Field names (upper-cased, trimmed) that mark the kind. */
  fields: readonly string[];
  /** Field names that say a little (shared with other kinds). */
  weakFields?: readonly string[];
}

// Order breaks ties: 疑似污染地块 names both suspect and contaminated parcels and is the former.
const SIGNS: readonly KindSigns[] = [
  { kind: 'suspect-parcel', names: /疑似/, fields: ['疑似污染地块编码', 'YSWRDKBM'] },
  { kind: 'contaminated-parcel', names: /污染地块|WRDK|风险管控|修复名录/i, fields: ['WRDKBM', '污染地块编码', '列入名录', '是否列入名录', '移出名录', 'SCJDBM', '所处阶段'] },
  { kind: 'key-supervised-unit', names: /重点监管|重点单位|ZDJG/i, fields: ['重点监管单位名称', 'ZDJGDW'] },
  { kind: 'water-source-zone', names: /水源|饮用水|SYD|BHQ/i, fields: ['BHQJB', '保护区级别', '水源地名称', 'SYDMC'] },
  {
    kind: 'basic-farmland',
    names: /永久基本农田|基本农田|JBNT|三调|农田/i,
    fields: ['JBNTTBBH', 'YJJBNTTBBH', 'BHTBBH', '基本农田图斑编号', 'JBNTMJ', 'YJJBNTMJ'],
    weakFields: ['DLBM', 'TBBH', 'DLMC', 'TBMJ', '地类编码', '图斑编号'],
  },
  { kind: 'admin-boundary', names: /行政区|行政界|XZQ|县界|乡界|镇界|区划|边界|XZJX|^bou\d|count(y|ies)|district/i, fields: ['XZQDM', 'XZQMC', '行政区代码', '行政区名称', '行政区划代码', 'ADCODE', 'ADCODE99', 'ADCODE93', 'DISTRICT_ADCODE'] },
  { kind: 'coal-ban-zone', names: /禁煤|禁燃/, fields: [] },
  { kind: 'elevation-band', names: /高程带|海拔|高程/, fields: ['BELOWM', 'BELOW_M', '高程上限'] },
  { kind: 'built-up-area', names: /建成区|城镇开发边界|中心城区/, fields: [] },
  { kind: 'river', names: /河流|河道|水系|HLX|HL_|河|^hyd|river/i, fields: ['河流名称', '河流等级', 'HLMC', 'HLDJ', 'LEVEL_RIVE'] },
  { kind: 'monitoring-station', names: /监测|站点|点位|ZD/i, fields: ['站点名称', '站点类型', '点位类型', 'ZDMC'] },
  { kind: 'parcel', names: /报件|报批|供地|出让|地块|界址|DK|征收/i, fields: ['DKBH', 'DKMC', '地块编号', '地块名称', 'GHYT', '规划用途', '拟办事项', '拟用途'] },
];

/** What a proposed kind rests on (the dialog says it under the kind choice). */
export interface KindBasis {
  /** The file or layer name that named the kind. */
  name?: string;
  /** The fields that marked it. */
  fields: string[];
}

export interface KindProposal {
  kind: LayerKind;
  basis: KindBasis;
}

function geometryFits(kind: LayerKind, family: 'point' | 'line' | 'polygon' | null): boolean {
  if (!family) return true;
  const expected = LAYER_KIND_GEOMETRY[kind];
  if (expected === 'point') return family === 'point';
  if (expected === 'polygon') return family === 'polygon';
  return family !== 'point';
}

/**
 * The best-supported kind, or null when neither the names nor the fields say anything (the
 * caller then goes by the geometry). `names`: file names without their folders, and the layer name.
 */
export function proposeKindFromSigns(input: { names: readonly string[]; fields: readonly string[]; family: 'point' | 'line' | 'polygon' | null }): KindProposal | null {
  const names = input.names.map((n) => n.replace(/\.[^.]+$/, ''));
  const fields = new Set(input.fields.map((f) => f.trim().toUpperCase()));
  let best: { score: number; signs: KindSigns; name?: string; fields: string[] } | null = null;
  for (const signs of SIGNS) {
    if (!geometryFits(signs.kind, input.family)) continue;
    const name = names.find((n) => signs.names.test(n));
    const strong = signs.fields.filter((f) => fields.has(f.toUpperCase()));
    const weak = (signs.weakFields ?? []).filter((f) => fields.has(f.toUpperCase()));
    // a name says most (a farmland file carries XZQDM as context); strong fields count up to two;
    // weak fields only back up another sign
    const score = (name ? 5 : 0) + Math.min(strong.length, 2) * 2 + (name || strong.length ? Math.min(weak.length, 2) : 0);
    if (score > 0 && (!best || score > best.score)) best = { score, signs, name, fields: [...strong, ...weak] };
  }
  if (!best) return null;
  return { kind: best.signs.kind, basis: { ...(best.name ? { name: best.name } : {}), fields: best.fields } };
}
