/**
 * Canonical attribute keys of rules.md §1 and their Chinese aliases, plus value normalisation
 * (是/否 → true/false, 一级 → "1", 国控 → "air-national", …). Importers call
 * `normalizeProperties` once, so everything stored in a project and everything the engine reads is
 * canonical; the original field names are kept nowhere else, which is why the alias table is
 * generous.
 */
import type { LayerKind } from './layers';

type Props = Record<string, unknown>;

/**
 * canonical key → accepted field names (compared case-insensitively, spaces trimmed), best first:
 * when a file has several fields for one key, the earliest in the list wins whatever the field
 * order in the file (see normalizeProperties). The canonical key itself always comes first.
 *
 * Pinyin initials are those of the 三调 / 国土空间规划 / 报批 databases (DKBH 地块编号, TBBH 图斑编号,
 * BSM 标识码, DLBM 地类编码, GHYT 规划用途, XZQDM 行政区代码 …). The Chinese headers 地类编码 and
 * 地类名称 are deliberately not aliases: in the 部标 boundary-point TXT they describe the use the
 * parcel is reported for, and reading them as the current use would hide a use change from
 * soil.survey-required. README.md "Field names" lists this table; a unit test keeps the two equal.
 */
const COMMON_ALIASES: Record<string, string[]> = {
  // an explicit number beats a 图斑编号 (unique only within its village), which beats the database
  // 标识码 (unique, but meaningless to a reviewer)
  id: ['id', 'code', '编号', '地块编号', '地块编码', 'dkbh', 'dkbm', 'wrdkbm', 'bh', 'fid_code', '图斑编号', 'tbbh', 'bsm', '标识码'],
  name: ['name', '名称', '地块名称', '水源地名称', '河流名称', '站点名称', 'mc', 'dkmc', 'wrdkmc'],
};

/** Where a feature lies and who holds it: kept under English keys, read by no rule. */
const CONTEXT_ALIASES: Record<string, string[]> = {
  adminCode: ['adminCode', 'admin_code', '行政区代码', '行政区划代码', 'xzqdm'],
  adminName: ['adminName', 'admin_name', '行政区名称', 'xzqmc'],
  locationUnit: ['locationUnit', 'location_unit', '坐落单位名称', 'zldwmc'],
  ownerUnit: ['ownerUnit', 'owner_unit', '权属单位名称', 'qsdwmc'],
};

/** On an admin boundary 编码/名称 describe the area itself, so they are its `code` and `name`. */
const ADMIN_BOUNDARY_ALIASES: Record<string, string[]> = {
  id: ['id', '编号', 'bsm', '标识码'],
  name: [...COMMON_ALIASES.name, '行政区名称', 'xzqmc'],
  code: ['code', '行政区划代码', '行政区代码', 'adcode', 'xzqdm'],
};

const KIND_ALIASES: Partial<Record<LayerKind, Record<string, string[]>>> = {
  'water-source-zone': { level: ['level', '级别', '保护区级别', 'bhqjb'] },
  'contaminated-parcel': {
    listed: ['listed', '列入名录', '是否列入名录'],
    delisted: ['delisted', '移出名录', '是否移出名录'],
    targetsMet: ['targetsMet', 'targets_met', '修复目标已达到', '达到修复目标'],
    stage: ['stage', '所处阶段', 'scjdbm', '阶段'],
    industry: ['industry', '原行业', '行业', '行业类别'],
    heavy: ['heavy', '重度污染', '是否重度污染'],
  },
  'suspect-parcel': { industry: ['industry', '原行业', '行业', '行业类别'] },
  'monitoring-station': { type: ['type', '类型', '站点类型', '点位类型'] },
  'elevation-band': { belowM: ['belowM', 'below_m', '高程上限', '高程'] },
  river: { class: ['class', '河流等级', '等级'] },
  'built-up-area': { level: ['level', '级别'] },
  parcel: {
    currentUse: ['currentUse', 'current_use', '现状用途', '原用途', '现状地类', '现状地类编码', 'xzyt', 'dlbm'],
    currentUseName: ['currentUseName', 'current_use_name', '现状地类名称', 'dlmc'],
    plannedUse: ['plannedUse', 'planned_use', '规划用途', '拟用途', '地块用途', '规划地类', 'ghyt', 'ghdl'],
    action: ['action', '拟办事项'],
    soilSurvey: ['soilSurvey', 'soil_survey', '土壤污染状况调查', '土壤调查'],
    riskAssessment: ['riskAssessment', 'risk_assessment', '风险评估'],
    toxicHistory: ['toxicHistory', 'toxic_history', '曾涉及有毒有害物质'],
    projectType: ['projectType', 'project_type', '项目类型'],
    useScheme: ['useScheme', 'use_scheme', '分类标准', '用地分类标准'],
  },
};

/** The alias table of one kind: canonical key → accepted field names, best first. */
export function fieldAliases(kind: LayerKind): Record<string, readonly string[]> {
  const base = kind === 'admin-boundary' ? ADMIN_BOUNDARY_ALIASES : { ...COMMON_ALIASES, ...CONTEXT_ALIASES };
  return { ...base, ...(KIND_ALIASES[kind] ?? {}) };
}

const fold = (key: string) => key.trim().toLowerCase();

/** Canonical keys a kind knows, for the field-mapping step of an import. */
export function canonicalKeys(kind: LayerKind): string[] {
  return Object.keys(fieldAliases(kind));
}

interface AliasEntry {
  canonical: string;
  /** Position in the key's alias list: lower wins. */
  rank: number;
}

/** Per kind, built once: normalizeProperties runs for every feature of a 100 000-feature import. */
const ENTRIES = new Map<LayerKind, { entries: Map<string, AliasEntry>; keys: Set<string> }>();

function aliasIndex(kind: LayerKind): { entries: Map<string, AliasEntry>; keys: Set<string> } {
  let index = ENTRIES.get(kind);
  if (!index) {
    const entries = new Map<string, AliasEntry>();
    const table = fieldAliases(kind);
    for (const [canonical, aliases] of Object.entries(table)) aliases.forEach((alias, rank) => entries.set(fold(alias), { canonical, rank }));
    index = { entries, keys: new Set(Object.keys(table).map(fold)) };
    ENTRIES.set(kind, index);
  }
  return index;
}

const aliasEntries = (kind: LayerKind) => aliasIndex(kind).entries;

/** Map of folded source field name → canonical key for the given kind. */
export function aliasLookup(kind: LayerKind): Map<string, string> {
  return new Map([...aliasEntries(kind)].map(([alias, { canonical }]) => [alias, canonical]));
}

/** A field's claim on a canonical key; the explicit mapping of the user ranks above every alias. */
interface Claim {
  field: string;
  canonical: string;
  rank: number;
}

const EXPLICIT_RANK = -1;

/** Which claim wins: lower rank, then the exact canonical spelling, then the field name (never file order). */
function better(a: Claim, b: Claim): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  const exactA = a.field === a.canonical;
  const exactB = b.field === b.canonical;
  if (exactA !== exactB) return exactA;
  return a.field < b.field;
}

/**
 * claimOf per alias table and mapping, by field name: an import asks the same few fields once per
 * feature, twice (the column pass and the write pass). Claims are never mutated, and a field
 * mapping is a value its callers build once and do not edit in place.
 */
const CLAIMS = new WeakMap<Map<string, AliasEntry>, WeakMap<object, Map<string, Claim | null>>>();
const NO_MAPPING = {};

function cachedClaimOf(field: string, entries: Map<string, AliasEntry>, fieldMap: Record<string, string> | undefined): Claim | null {
  let byMapping = CLAIMS.get(entries);
  if (!byMapping) CLAIMS.set(entries, (byMapping = new WeakMap()));
  let claims = byMapping.get(fieldMap ?? NO_MAPPING);
  if (!claims) byMapping.set(fieldMap ?? NO_MAPPING, (claims = new Map()));
  let claim = claims.get(field);
  if (claim === undefined) {
    claim = claimOf(field, entries, fieldMap);
    // bounded: a file with thousands of distinct field names gains nothing from the cache
    if (claims.size < 4096) claims.set(field, claim);
  }
  return claim;
}

function claimOf(field: string, entries: Map<string, AliasEntry>, fieldMap: Record<string, string> | undefined): Claim | null {
  if (fieldMap && Object.prototype.hasOwnProperty.call(fieldMap, field)) {
    // '' in an explicit mapping means "keep this field as it is"
    return fieldMap[field] ? { field, canonical: fieldMap[field], rank: EXPLICIT_RANK } : null;
  }
  const entry = entries.get(fold(field));
  return entry ? { field, canonical: entry.canonical, rank: entry.rank } : null;
}

/**
 * Source field → canonical key the way an import reads a file with these fields ('' = kept as
 * is): for each key the best-ranked field, whatever the field order. Per feature a losing field
 * still stands in when the winner is blank (see normalizeProperties).
 */
export function resolveFieldMap(kind: LayerKind, fields: string[], fieldMap?: Record<string, string>): Record<string, string> {
  const entries = aliasEntries(kind);
  const best = new Map<string, Claim>();
  for (const field of fields) {
    const claim = claimOf(field, entries, fieldMap);
    if (!claim) continue;
    const current = best.get(claim.canonical);
    if (!current || better(claim, current)) best.set(claim.canonical, claim);
  }
  const out: Record<string, string> = {};
  for (const field of fields) out[field] = '';
  for (const claim of best.values()) out[claim.field] = claim.canonical;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Value normalisation

/** 是/否, true/false, 1/0, y/n → boolean; anything else → undefined (unknown). */
export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['是', 'true', '1', 'y', 'yes', '已', '已列入', '已移出', '已达到', '√'].includes(v)) return true;
  if (['否', 'false', '0', 'n', 'no', '未', '未列入', '未移出', '未达到', '×'].includes(v)) return false;
  return undefined;
}

function mapValue(value: unknown, table: Record<string, string>): string | undefined {
  if (value === null || value === undefined) return undefined;
  const v = String(value).trim();
  if (v === '') return undefined;
  return table[v] ?? table[v.toLowerCase()] ?? undefined;
}

const ZONE_LEVEL: Record<string, string> = {
  '1': '1', 一级: '1', 一级保护区: '1', 'level1': '1', i: '1',
  '2': '2', 二级: '2', 二级保护区: '2', 'level2': '2', ii: '2',
  quasi: 'quasi', 准: 'quasi', 准保护区: 'quasi', '3': 'quasi',
};

const STATION_TYPE: Record<string, string> = {
  'air-national': 'air-national', 国控: 'air-national', 国控站: 'air-national', 国控点: 'air-national',
  'air-provincial': 'air-provincial', 省控: 'air-provincial', 省控站: 'air-provincial', 省控点: 'air-provincial',
  'air-township': 'air-township', 乡镇站: 'air-township', 乡镇: 'air-township',
  'water-section': 'water-section', 断面: 'water-section', 水质断面: 'water-section',
  groundwater: 'groundwater', 地下水: 'groundwater', 地下水考核点位: 'groundwater',
};

const RIVER_CLASS: Record<string, string> = { main: 'main', 干流: 'main', tributary: 'tributary', 支流: 'tributary' };
const BUILT_UP_LEVEL: Record<string, string> = { city: 'city', 市区: 'city', 城区: 'city', county: 'county', 县城: 'county' };

const STAGE: Record<string, string> = {
  s0: 'S0', 疑似: 'S0', 疑似地块: 'S0',
  s1: 'S1', 初步调查: 'S1',
  s2: 'S2', 详细调查: 'S2',
  s3: 'S3', 风险评估: 'S3',
  s4: 'S4', 风险管控: 'S4',
  s5: 'S5', 修复: 'S5', 土壤修复与治理: 'S5',
  s6: 'S6', 效果评估: 'S6', 土壤修复与治理评估: 'S6',
};

const ACTION: Record<string, string> = {
  supply: 'supply', 供应: 'supply', 出让: 'supply', 划拨: 'supply', 土地供应: 'supply',
  recover: 'recover', 收回: 'recover', 土地收回: 'recover',
  acquire: 'acquire', 收购: 'acquire', 征收: 'acquire', 收储: 'acquire',
  'change-use': 'change-use', 改变用途: 'change-use', 用途变更: 'change-use',
  transfer: 'transfer', 转让: 'transfer',
  construct: 'construct', 开工建设: 'construct', 建设: 'construct',
  reclaim: 'reclaim', 复垦: 'reclaim',
};

const SOIL_SURVEY: Record<string, string> = {
  none: 'none', 未开展: 'none', 无: 'none',
  'in-progress': 'in-progress', 进行中: 'in-progress',
  passed: 'passed', 调查通过: 'passed', 通过: 'passed', 未超筛选值: 'passed',
  exceeds: 'exceeds', 超筛选值: 'exceeds', 超标: 'exceeds',
};

const RISK: Record<string, string> = {
  none: 'none', 未开展: 'none', 无: 'none',
  acceptable: 'acceptable', 风险可接受: 'acceptable', 可接受: 'acceptable',
  unacceptable: 'unacceptable', 风险不可接受: 'unacceptable', 不可接受: 'unacceptable',
};

const PROJECT_TYPE: Record<string, string> = {
  catering: 'catering', 餐饮: 'catering',
  'air-polluting': 'air-polluting', 涉气: 'air-polluting',
  discharging: 'discharging', 排放污染物: 'discharging', 排污: 'discharging',
  'heavy-water-polluting': 'heavy-water-polluting', 严重污染水体: 'heavy-water-polluting',
  'soil-polluting': 'soil-polluting', 可能造成土壤污染: 'soil-polluting',
  'water-supply': 'water-supply', 供水: 'water-supply', 水源保护设施: 'water-supply', '供水/水源保护设施': 'water-supply',
  'food-processing': 'food-processing', 食品加工: 'food-processing', 食品加工储存: 'food-processing',
};

const USE_SCHEME: Record<string, string> = {
  '2023': '2023', 用地用海: '2023', '2017': '2017', 'gb/t 21010-2017': '2017', sandiao: 'sandiao', 三调: 'sandiao',
  '2007': '2007', 'gb/t 21010-2007': '2007', gb50137: 'gb50137', 'gb 50137': 'gb50137',
};

function parseList(value: unknown, table: Record<string, string>): string[] | undefined {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,，、;；|\s]+/) : [];
  const mapped = items.map((item) => mapValue(item, table)).filter((v): v is string => v !== undefined);
  return mapped.length > 0 ? [...new Set(mapped)] : undefined;
}

function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim().replace(/\s*(m|米)$/i, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Per canonical key: how to turn a raw value into the canonical one (undefined = unknown). */
const VALUE_PARSERS: Record<string, (value: unknown, kind: LayerKind) => unknown> = {
  level: (v, kind) => mapValue(v, kind === 'built-up-area' ? BUILT_UP_LEVEL : ZONE_LEVEL),
  type: (v) => mapValue(v, STATION_TYPE),
  class: (v) => mapValue(v, RIVER_CLASS),
  stage: (v) => mapValue(v, STAGE),
  listed: parseBool,
  delisted: parseBool,
  targetsMet: parseBool,
  heavy: parseBool,
  toxicHistory: parseBool,
  belowM: parseNumber,
  action: (v) => mapValue(v, ACTION),
  soilSurvey: (v) => mapValue(v, SOIL_SURVEY),
  riskAssessment: (v) => mapValue(v, RISK),
  projectType: (v) => parseList(v, PROJECT_TYPE),
  useScheme: (v) => mapValue(v, USE_SCHEME),
  id: (v) => (v === null || v === undefined || String(v).trim() === '' ? undefined : String(v).trim()),
  code: (v) => (v === null || v === undefined ? undefined : String(v).trim()),
  currentUse: (v) => (v === null || v === undefined || String(v).trim() === '' ? undefined : String(v).trim()),
  plannedUse: (v) => (v === null || v === undefined || String(v).trim() === '' ? undefined : String(v).trim()),
};

export interface NormalizeOptions {
  /** Explicit source field → canonical key mapping chosen by the user; wins over aliases. */
  fieldMap?: Record<string, string>;
}

/**
 * Renames alias fields to canonical keys and normalises their values. Fields that are not
 * aliases are kept unchanged. A canonical value that cannot be understood is dropped (unknown),
 * and the raw text is kept under `<key>Raw` so a reviewer can see what the file said.
 *
 * When several fields claim one key, the explicit mapping wins, then the alias listed first
 * (fieldAliases), whatever the field order in the file; a blank or unreadable winner lets the
 * next claimant stand in. A field that loses with a value is kept under its own name, unless that
 * name is itself a canonical key (an `id` column the user mapped away from).
 */
export function normalizeProperties(kind: LayerKind, props: Props, options: NormalizeOptions = {}): Props {
  const plan = planFor(kind, props, options.fieldMap);
  const { claims, parsers, raws, values, statuses } = plan;
  let i = 0;
  let c = 0;
  for (const field in props) {
    const raw = props[field];
    raws[i] = raw;
    const claim = claims[i];
    if (claim) {
      const parser = parsers[i];
      const value = parser ? parser(raw, kind) : raw;
      values[i] = value;
      statuses[c++] = value !== undefined ? READ : raw === null || raw === undefined || String(raw).trim() === '' ? BLANK : UNREAD;
    }
    i++;
  }
  // the statuses in base 3 name the recipe (exact for up to MAX_PLANNED_CLAIMS claimed fields)
  let key = 0;
  for (let k = statuses.length - 1; k >= 0; k--) key = key * 3 + statuses[k];
  let recipe = plan.cached ? plan.recipes.get(key) : undefined;
  if (!recipe) {
    recipe = assemble(plan);
    if (plan.cached) plan.recipes.set(key, recipe);
  }
  const out: Props = {};
  for (let k = 0; k < recipe.keys.length; k++) {
    const from = recipe.from[k];
    out[recipe.keys[k]] = recipe.parsed[k] ? values[from] : raws[from];
  }
  raws.fill(undefined);
  values.fill(undefined);
  return out;
}

/** What a claimed field holds: a value its key can read, one it cannot, or nothing. */
const READ = 0;
const UNREAD = 1;
const BLANK = 2;

/**
 * How the features of one field list are normalised: the claim and value parser of each field,
 * and per combination of which claimed fields are read, unreadable or blank (all that the choice
 * of winners, stand-ins and kept fields depends on) the output it gives, as a recipe: output keys
 * in order, each with the field it comes from and whether it takes the parsed or the raw value.
 */
interface FieldPlan {
  fields: string[];
  claims: (Claim | null)[];
  parsers: (((value: unknown, kind: LayerKind) => unknown) | undefined)[];
  recipes: Map<number, Recipe>;
  /** Whether recipes are kept (few enough claimed fields for an exact key). */
  cached: boolean;
  /** Scratch per call: the raw and parsed values by field position, the status of each claimed field. */
  raws: unknown[];
  values: unknown[];
  statuses: Uint8Array;
  keys: Set<string>;
}

interface Recipe {
  keys: string[];
  from: number[];
  parsed: boolean[];
}

/** Plans by alias table and mapping: the last field list seen (a streamed file repeats it for every feature). */
const PLANS = new WeakMap<Map<string, AliasEntry>, WeakMap<object, FieldPlan>>();
/** With more claimed fields than this the base-3 recipe key would not be exact: such a list's recipes are not kept. */
const MAX_PLANNED_CLAIMS = 30;

function planFor(kind: LayerKind, props: Props, fieldMap: Record<string, string> | undefined): FieldPlan {
  const { entries, keys } = aliasIndex(kind);
  let byMapping = PLANS.get(entries);
  if (!byMapping) PLANS.set(entries, (byMapping = new WeakMap()));
  const last = byMapping.get(fieldMap ?? NO_MAPPING);
  if (last) {
    let i = 0;
    let same = true;
    for (const field in props) {
      if (last.fields[i] !== field) {
        same = false;
        break;
      }
      i++;
    }
    if (same && i === last.fields.length) return last;
  }
  const fields: string[] = [];
  for (const field in props) fields.push(field);
  const claims = fields.map((field) => cachedClaimOf(field, entries, fieldMap));
  const claimed = claims.filter(Boolean).length;
  const plan: FieldPlan = {
    fields,
    claims,
    parsers: claims.map((claim) => (claim ? VALUE_PARSERS[claim.canonical] : undefined)),
    recipes: new Map(),
    cached: claimed <= MAX_PLANNED_CLAIMS,
    raws: new Array(fields.length).fill(undefined),
    values: new Array(fields.length).fill(undefined),
    statuses: new Uint8Array(claimed),
    keys,
  };
  byMapping.set(fieldMap ?? NO_MAPPING, plan);
  return plan;
}

/**
 * The output of a plan's fields given which claimed fields are read, unreadable or blank (the
 * plan's `statuses`, in claim order). When several fields claim one key, the explicit mapping
 * wins, then the alias listed first, whatever the field order; a blank or unreadable winner lets
 * the next claimant stand in; a field that loses with a value is kept under its own name unless
 * that name is itself a canonical key. Output keys follow the order the file first mentions them.
 */
function assemble(plan: FieldPlan): Recipe {
  const { fields, claims, keys, statuses } = plan;
  const slots: string[] = [];
  const kept = new Map<string, number>();
  const won = new Map<string, { claim: Claim; at: number }>();
  const unread = new Map<string, { claim: Claim; at: number }>();
  const losers: { claim: Claim; at: number }[] = [];
  let c = 0;
  for (let at = 0; at < fields.length; at++) {
    const field = fields[at];
    const claim = claims[at];
    if (!claim) {
      if (!kept.has(field)) kept.set(field, at);
      slots.push(field);
      continue;
    }
    const status = statuses[c++];
    if (status === BLANK) continue;
    if (status === UNREAD) {
      const seen = unread.get(claim.canonical);
      if (!seen) slots.push(`${claim.canonical}Raw`);
      if (!seen || better(claim, seen.claim)) unread.set(claim.canonical, { claim, at });
      continue;
    }
    const current = won.get(claim.canonical);
    if (!current) slots.push(claim.canonical);
    // a field that loses later keeps its place in the file order
    slots.push(field);
    if (!current || better(claim, current.claim)) {
      if (current) losers.push(current);
      won.set(claim.canonical, { claim, at });
    } else losers.push({ claim, at });
  }
  for (const loser of losers) if (!kept.has(loser.claim.field) && !keys.has(fold(loser.claim.field))) kept.set(loser.claim.field, loser.at);
  const recipe: Recipe = { keys: [], from: [], parsed: [] };
  // the same test as assigning into a fresh object: a slot already there (or inherited) is skipped
  const assigned: Props = {};
  const add = (key: string, from: number, parsed: boolean) => {
    assigned[key] = true;
    recipe.keys.push(key);
    recipe.from.push(from);
    recipe.parsed.push(parsed);
  };
  for (const slot of slots) {
    if (slot in assigned) continue;
    const winner = won.get(slot);
    if (winner) add(slot, winner.at, true);
    else if (slot.endsWith('Raw') && unread.has(slot.slice(0, -3))) add(slot, unread.get(slot.slice(0, -3))!.at, false);
    else if (kept.has(slot)) add(slot, kept.get(slot)!, false);
  }
  return recipe;
}

/**
 * Stable feature id (rules.md §1.1): the id/code/编号/地块编码 attribute when present, else the
 * 1-based feature number.
 */
export function featureIdOf(props: Props, featureNumber: number): string {
  const id = props.id;
  if (id !== undefined && id !== null && String(id).trim() !== '') return String(id).trim();
  return String(featureNumber);
}

/**
 * The id of a feature as users know it, wherever it came from: the GeoJSON `id` (the store and
 * the API put the id there), else the id attribute, else the 1-based feature number when given.
 */
export function idOfFeature(feature: { id?: string | number | null; properties?: Props | null }, featureNumber?: number): string {
  const fromFeature = feature.id;
  if (fromFeature !== undefined && fromFeature !== null && String(fromFeature).trim() !== '') return String(fromFeature).trim();
  const fromProperties = feature.properties?.id;
  if (fromProperties !== undefined && fromProperties !== null && String(fromProperties).trim() !== '') return String(fromProperties).trim();
  return featureNumber === undefined ? '' : String(featureNumber);
}
