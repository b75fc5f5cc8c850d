/**
 * Domain vocabulary in both locales: layer kinds, verdicts, severities, canonical attribute keys
 * (rules.md §1) and their enumerated values. zh-CN reuses the shared labels so the UI, the CLI
 * and the reports say the same thing.
 */
import { SEVERITY_LABEL_ZH, VERDICT_LABEL_ZH, type Severity, type Verdict } from '../../shared/model/check';
import { ATTRIBUTE_LABELS } from '../../shared/model/attribute-labels';
import { LAYER_KIND_LABEL_EN, LAYER_KIND_LABEL_ZH, type LayerKind } from '../../shared/model/layers';
import { getLocale, t } from './index';

const VERDICT_LABEL_EN: Record<Verdict, string> = {
  permitted: 'Permitted',
  conditional: 'Conditionally permitted',
  prohibited: 'Prohibited',
};

const SEVERITY_LABEL_EN: Record<Severity, string> = {
  prohibit: 'Prohibits release',
  condition: 'Condition to meet',
  notice: 'Notice',
};

const zh = () => getLocale() === 'zh-CN';

export const kindLabel = (kind: LayerKind): string => (zh() ? LAYER_KIND_LABEL_ZH[kind] : LAYER_KIND_LABEL_EN[kind]) ?? kind;
export const verdictLabel = (verdict: Verdict): string => (zh() ? VERDICT_LABEL_ZH[verdict] : VERDICT_LABEL_EN[verdict]);
export const severityLabel = (severity: Severity): string => (zh() ? SEVERITY_LABEL_ZH[severity] : SEVERITY_LABEL_EN[severity]);

type Pair = readonly [zh: string, en: string];

const VALUE_LABELS: Record<string, Record<string, Pair>> = {
  'water-source-zone.level': { '1': ['一级保护区', 'Level 1'], '2': ['二级保护区', 'Level 2'], quasi: ['准保护区', 'Quasi-protection'] },
  'built-up-area.level': { city: ['市区', 'City'], county: ['县城', 'County town'] },
  type: {
    'air-national': ['国控空气站', 'National air station'],
    'air-provincial': ['省控空气站', 'Provincial air station'],
    'air-township': ['乡镇空气站', 'Township air station'],
    'water-section': ['水质断面', 'Water-quality section'],
    groundwater: ['地下水考核点位', 'Groundwater point'],
  },
  class: { main: ['干流', 'Main stream'], tributary: ['支流', 'Tributary'] },
  stage: {
    S0: ['S0 疑似', 'S0 suspected'],
    S1: ['S1 初步调查', 'S1 preliminary survey'],
    S2: ['S2 详细调查', 'S2 detailed survey'],
    S3: ['S3 风险评估', 'S3 risk assessment'],
    S4: ['S4 风险管控', 'S4 risk control'],
    S5: ['S5 修复', 'S5 remediation'],
    S6: ['S6 效果评估', 'S6 effect evaluation'],
  },
  action: {
    supply: ['供应（出让/划拨）', 'Supply'],
    recover: ['收回', 'Recover'],
    acquire: ['收购/征收', 'Acquire'],
    'change-use': ['改变用途', 'Change of use'],
    transfer: ['转让', 'Transfer'],
    construct: ['开工建设', 'Construction'],
    reclaim: ['复垦', 'Reclamation'],
  },
  soilSurvey: {
    none: ['未开展', 'Not done'],
    'in-progress': ['进行中', 'In progress'],
    passed: ['调查通过', 'Passed'],
    exceeds: ['超筛选值', 'Exceeds screening values'],
  },
  riskAssessment: { none: ['未开展', 'Not done'], acceptable: ['风险可接受', 'Acceptable'], unacceptable: ['风险不可接受', 'Unacceptable'] },
  projectType: {
    catering: ['餐饮', 'Catering'],
    'air-polluting': ['涉气', 'Air-polluting'],
    discharging: ['排放污染物', 'Discharging'],
    'heavy-water-polluting': ['严重污染水体', 'Heavy water-polluting'],
    'soil-polluting': ['可能造成土壤污染', 'Soil-polluting'],
    'water-supply': ['供水/水源保护设施', 'Water supply'],
    'food-processing': ['食品加工储存', 'Food processing'],
  },
  useScheme: {
    '2023': ['用地用海分类（2023）', 'Land & sea use (2023)'],
    '2017': ['GB/T 21010-2017', 'GB/T 21010-2017'],
    sandiao: ['三调工作分类', '3rd land survey'],
    '2007': ['GB/T 21010-2007', 'GB/T 21010-2007'],
    gb50137: ['GB 50137', 'GB 50137'],
  },
};

const pick = (pair: Pair) => (zh() ? pair[0] : pair[1]);

export function attributeLabel(key: string): string {
  const raw = /^(.+)Raw$/.exec(key);
  if (raw && ATTRIBUTE_LABELS[raw[1]]) return t('attrs.raw', { label: pick(ATTRIBUTE_LABELS[raw[1]]) });
  return ATTRIBUTE_LABELS[key] ? pick(ATTRIBUTE_LABELS[key]) : key;
}

/** Canonical keys first, in catalogue order; other fields after, as stored. */
export function attributeOrder(keys: string[]): string[] {
  const canonical = Object.keys(ATTRIBUTE_LABELS);
  const rank = (key: string) => {
    const base = key.replace(/Raw$/, '');
    const index = canonical.indexOf(base);
    return index < 0 ? canonical.length : index;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b));
}

function valueLabel(kind: LayerKind | undefined, key: string, value: string): string {
  const table = VALUE_LABELS[`${kind}.${key}`] ?? VALUE_LABELS[key];
  return table?.[value] ? pick(table[value]) : value;
}

export function formatAttributeValue(kind: LayerKind | undefined, key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('bool.true') : t('bool.false');
  if (Array.isArray(value)) return value.map((item) => valueLabel(kind, key, String(item))).join('、');
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toLocaleString(getLocale(), { maximumFractionDigits: 6 });
  if (typeof value === 'object') return JSON.stringify(value);
  return valueLabel(kind, key, String(value));
}
