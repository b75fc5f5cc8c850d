/**
 * The parcel attributes a reviewer may edit (rules.md §1.2): their Chinese and English labels, the
 * allowed values, and the one parser the API, the CLI and the form share, so a value the form
 * offers is a value the service accepts. A blank value clears the attribute (unknown); an explicit
 * none for projectType is the known empty list.
 */
import { classifyUse, describeUse, USE_SCHEME_LABEL_ZH, type UseScheme } from '../landuse/codes';
import { normalizeProperties, parseBool } from './attributes';

export const EDITABLE_PARCEL_KEYS = ['name', 'plannedUse', 'currentUse', 'action', 'soilSurvey', 'riskAssessment', 'toxicHistory', 'projectType'] as const;
export type EditableParcelKey = (typeof EDITABLE_PARCEL_KEYS)[number];
export type ParcelAttributeValue = string | string[] | boolean | null;
export type ParcelAttributeChanges = Partial<Record<EditableParcelKey, ParcelAttributeValue>>;

export interface AttributeOption {
  value: string;
  labelZh: string;
  labelEn: string;
}

export interface ParcelAttributeField {
  key: EditableParcelKey;
  labelZh: string;
  labelEn: string;
  kind: 'text' | 'land-use' | 'choice' | 'yes-no' | 'list';
  /** Allowed values of choice, yes-no and list fields. */
  options?: AttributeOption[];
}

const opt = (value: string, labelZh: string, labelEn: string): AttributeOption => ({ value, labelZh, labelEn });

export const PARCEL_ATTRIBUTE_FIELDS: readonly ParcelAttributeField[] = [
  { key: 'name', labelZh: '地块名称', labelEn: 'Name', kind: 'text' },
  { key: 'plannedUse', labelZh: '规划用途', labelEn: 'Planned use', kind: 'land-use' },
  { key: 'currentUse', labelZh: '现状用途', labelEn: 'Current use', kind: 'land-use' },
  {
    key: 'action',
    labelZh: '拟办事项',
    labelEn: 'Action',
    kind: 'choice',
    options: [
      opt('supply', '供应（出让/划拨）', 'supply'),
      opt('recover', '收回', 'recover'),
      opt('acquire', '收购/征收', 'acquire'),
      opt('change-use', '改变用途', 'change of use'),
      opt('transfer', '转让', 'transfer'),
      opt('construct', '开工建设', 'construction'),
      opt('reclaim', '复垦', 'reclamation'),
    ],
  },
  {
    key: 'soilSurvey',
    labelZh: '土壤污染状况调查',
    labelEn: 'Soil survey',
    kind: 'choice',
    options: [
      opt('none', '未开展', 'not carried out'),
      opt('in-progress', '进行中', 'in progress'),
      opt('passed', '调查通过（未超筛选值，已评审）', 'passed (below screening values, reviewed)'),
      opt('exceeds', '超筛选值', 'exceeds screening values'),
    ],
  },
  {
    key: 'riskAssessment',
    labelZh: '风险评估',
    labelEn: 'Risk assessment',
    kind: 'choice',
    options: [opt('none', '未开展', 'not carried out'), opt('acceptable', '风险可接受', 'acceptable'), opt('unacceptable', '风险不可接受', 'unacceptable')],
  },
  { key: 'toxicHistory', labelZh: '是否曾涉及有毒有害物质', labelEn: 'Toxic substances in its history', kind: 'yes-no', options: [opt('yes', '是', 'yes'), opt('no', '否', 'no')] },
  {
    key: 'projectType',
    labelZh: '项目类型',
    labelEn: 'Project type',
    kind: 'list',
    options: [
      opt('catering', '餐饮', 'catering'),
      opt('air-polluting', '涉气', 'air-polluting'),
      opt('discharging', '排放污染物', 'discharging pollutants'),
      opt('heavy-water-polluting', '严重污染水体', 'heavily water-polluting'),
      opt('soil-polluting', '可能造成土壤污染', 'possibly soil-polluting'),
      opt('water-supply', '供水/水源保护设施', 'water supply / source protection'),
      opt('food-processing', '食品加工储存', 'food processing / storage'),
    ],
  },
];

export const PARCEL_ATTRIBUTE_FIELD: Record<EditableParcelKey, ParcelAttributeField> = Object.fromEntries(PARCEL_ATTRIBUTE_FIELDS.map((f) => [f.key, f])) as Record<EditableParcelKey, ParcelAttributeField>;

/** What an explicit "none of these project types" may be written as. */
export const PROJECT_TYPE_NONE = ['none', '无', '不涉及', '不涉及以下类型', '否'];

export function isEditableParcelKey(key: string): key is EditableParcelKey {
  return (EDITABLE_PARCEL_KEYS as readonly string[]).includes(key);
}

export type ParsedAttribute =
  | { ok: true; value: string | string[] | boolean | null; scheme?: UseScheme; schemeAssumed?: boolean }
  | { ok: false; messageZh: string; messageEn: string };

/** The allowed values of a field, as a message lists them. */
export function allowedValuesText(key: EditableParcelKey): { zh: string; en: string } {
  const field = PARCEL_ATTRIBUTE_FIELD[key];
  if (field.kind === 'land-use') {
    return {
      zh: '用地用海分类 2023 代码（如 0701 城镇住宅用地、1001 工业用地），或 GB/T 21010-2017、三调（如 08H2A）、GB/T 21010-2007（如 071）、GB 50137（如 R2）代码；留空表示未知',
      en: 'a 2023 land/sea classification code (e.g. 0701, 1001), or a GB/T 21010-2017, third land survey (e.g. 08H2A), GB/T 21010-2007 (e.g. 071) or GB 50137 (e.g. R2) code; blank = unknown',
    };
  }
  if (field.kind === 'text') return { zh: '任意文字', en: 'any text' };
  const options = field.options ?? [];
  const zh = options.map((o) => `${o.value}（${o.labelZh}）`).join('、');
  const en = options.map((o) => o.value).join(', ');
  if (field.kind === 'list') return { zh: `${zh}，可多选，以逗号分隔；none / 无 / 不涉及 表示均不涉及`, en: `${en} (comma-separated), or none` };
  return { zh, en };
}

function refused(key: EditableParcelKey, raw: unknown): ParsedAttribute {
  const field = PARCEL_ATTRIBUTE_FIELD[key];
  const allowed = allowedValuesText(key);
  const shown = Array.isArray(raw) ? raw.join(',') : String(raw);
  return {
    ok: false,
    messageZh: `${field.labelZh}“${shown}”无法识别。可用：${allowed.zh}。`,
    messageEn: `${field.labelEn} (${key}): "${shown}" is not allowed. Allowed: ${allowed.en}.`,
  };
}

function choiceValue(key: EditableParcelKey, raw: string): string | undefined {
  const text = raw.trim();
  const option = PARCEL_ATTRIBUTE_FIELD[key].options?.find((o) => o.value === text.toLowerCase() || o.labelZh === text);
  if (option) return option.value;
  const parsed = normalizeProperties('parcel', { [key]: text })[key];
  return typeof parsed === 'string' ? parsed : undefined;
}

function projectTypeList(raw: string | string[]): string[] | undefined {
  const items = (Array.isArray(raw) ? raw.map(String) : raw.split(/[,，、;；|\s]+/)).map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) return Array.isArray(raw) ? [] : undefined;
  if (items.every((item) => PROJECT_TYPE_NONE.includes(item.toLowerCase()))) return [];
  const out: string[] = [];
  for (const item of items) {
    const value = choiceValue('projectType', item);
    const list = value === undefined ? normalizeProperties('parcel', { projectType: item }).projectType : [value];
    if (!Array.isArray(list) || list.length !== 1) return undefined;
    if (!out.includes(String(list[0]))) out.push(String(list[0]));
  }
  return out;
}

/**
 * One field's value as stored: canonical values for choices, the code as given for land uses
 * (with the scheme it is read under), a list for projectType. null = clear (unknown).
 */
export function parseParcelAttribute(key: EditableParcelKey, raw: unknown, options: { declaredScheme?: string } = {}): ParsedAttribute {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const field = PARCEL_ATTRIBUTE_FIELD[key];
  if (field.kind === 'list') {
    if (typeof raw !== 'string' && !Array.isArray(raw)) return refused(key, raw);
    if (typeof raw === 'string' && raw.trim() === '') return { ok: true, value: null };
    const list = projectTypeList(raw as string | string[]);
    return list === undefined ? refused(key, raw) : { ok: true, value: list };
  }
  if (field.kind === 'yes-no') {
    if (typeof raw === 'string' && raw.trim() === '') return { ok: true, value: null };
    const value = typeof raw === 'boolean' ? raw : typeof raw === 'string' ? parseBool(raw) : undefined;
    return value === undefined ? refused(key, raw) : { ok: true, value };
  }
  if (typeof raw !== 'string') return refused(key, raw);
  const text = raw.trim();
  if (text === '') return { ok: true, value: null };
  if (field.kind === 'text') return { ok: true, value: text };
  if (field.kind === 'land-use') {
    const use = classifyUse(text, { declaredScheme: options.declaredScheme });
    if (!use || !use.recognised || !use.code) return refused(key, raw);
    return { ok: true, value: text, scheme: use.scheme, schemeAssumed: use.schemeAssumed };
  }
  const value = choiceValue(key, text);
  return value === undefined ? refused(key, raw) : { ok: true, value };
}

/** How a stored value reads in Chinese: the option label, 是/否, the list, 不涉及 for []. */
export function attributeValueZh(key: EditableParcelKey, value: unknown, options: { declaredScheme?: string } = {}): string {
  if (value === null || value === undefined || value === '') return '（未填写）';
  const field = PARCEL_ATTRIBUTE_FIELD[key];
  const label = (v: string) => field.options?.find((o) => o.value === v)?.labelZh ?? v;
  if (field.kind === 'list') return Array.isArray(value) ? (value.length === 0 ? '不涉及以下类型' : value.map((v) => label(String(v))).join('、')) : String(value);
  if (field.kind === 'yes-no') return value === true ? '是' : value === false ? '否' : String(value);
  if (field.kind === 'land-use') {
    const use = classifyUse(value, options);
    return use && use.recognised ? describeUse(use) : `${String(value)}（无法识别）`;
  }
  if (field.kind === 'choice') return `${label(String(value))}（${String(value)}）`;
  return String(value);
}

export { USE_SCHEME_LABEL_ZH };
