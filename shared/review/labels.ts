/**
 * Chinese labels and map colours for printed review documents (PDF, XLSX, exchange files).
 * The UI has its own bilingual labels (renderer/i18n); these are the printed, zh-only ones.
 */
import type { LayerKind } from '../model/layers';
import type { DecisionKind } from './model';

export const ACTION_LABEL_ZH: Record<string, string> = {
  supply: '供应（出让/划拨）',
  recover: '收回',
  acquire: '收购/征收',
  'change-use': '改变用途',
  transfer: '转让',
  construct: '开工建设',
  reclaim: '复垦',
};

export const SOIL_SURVEY_LABEL_ZH: Record<string, string> = {
  none: '未开展',
  'in-progress': '进行中',
  passed: '调查通过',
  exceeds: '超筛选值',
};

export const RISK_LABEL_ZH: Record<string, string> = { none: '未开展', acceptable: '风险可接受', unacceptable: '风险不可接受' };

export const DECISION_LABEL_ZH: Record<DecisionKind, string> = {
  approved: '准予准入',
  conditional: '有条件准入',
  rejected: '不予准入',
  returned: '退回补正',
};

export const DECISION_LABEL_EN: Record<DecisionKind, string> = {
  approved: 'Approved',
  conditional: 'Approved with conditions',
  rejected: 'Rejected',
  returned: 'Returned for correction',
};

export function labelOf(map: Record<string, string>, value: unknown): string {
  if (value === undefined || value === null || value === '') return '（未填）';
  return map[String(value)] ?? String(value);
}

/** Stroke / fill colours per layer kind (same conventions as the map: water blue, soil red…). */
export const KIND_COLOR: Record<LayerKind, { stroke: string; fill: string }> = {
  'water-source-zone': { stroke: '#1f6fb2', fill: '#9ec9ee' },
  'contaminated-parcel': { stroke: '#a11d1d', fill: '#e88b8b' },
  'suspect-parcel': { stroke: '#c2661a', fill: '#f3c08f' },
  'key-supervised-unit': { stroke: '#7b3fa0', fill: '#d4b5e6' },
  'monitoring-station': { stroke: '#0b7a5a', fill: '#54c29c' },
  'elevation-band': { stroke: '#8a7a3b', fill: '#e9dfb2' },
  'basic-farmland': { stroke: '#3c8a2e', fill: '#b9e0a5' },
  'coal-ban-zone': { stroke: '#555555', fill: '#cccccc' },
  river: { stroke: '#2b8cc4', fill: '#a6d8f2' },
  'built-up-area': { stroke: '#9a8f80', fill: '#e6e0d6' },
  'admin-boundary': { stroke: '#444444', fill: '#ffffff' },
  parcel: { stroke: '#d40000', fill: '#ffd9d9' },
};

/** `1,234.5` with a fixed number of decimals. */
export function fmt(value: number | undefined | null, digits: number): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}
