/**
 * Rule profiles (rules.md §4): one JSON file per jurisdiction switches rules on and sets their
 * parameters; the engine is generic. Files are user-editable ("copy a profile and change
 * parameters"), so `validateProfile` checks every field and refuses a broken file with a Chinese
 * message that names the file, the field path and what was expected.
 *
 * The validator is hand-written (keeps `shared/` free of dependencies); `data/profiles/
 * profile.schema.json` documents the same format for editors, and a test checks both agree on the
 * shipped files.
 */
import { UserInputError } from '../model/errors';

/** Every rule id of rules.md §3, in catalogue order. */
export const RULE_IDS = [
  'soil.listed-sensitive',
  'soil.listed-transaction',
  'soil.unremediated-construction',
  'soil.survey-required',
  'soil.heavy-industry-sensitive',
  'soil.suspect-query',
  'soil.adjacent-sequencing',
  'soil.key-unit-transfer',
  'soil.toxic-to-farmland',
  'farmland.polluting-project',
  'use.ambiguous-code',
  'water.zone1',
  'water.zone2',
  'water.quasi',
  'heat.clean-heating-band',
  'heat.coal-ban-zone',
  'air.station-catering',
  'air.station-buffer',
  'air.urban-no-air-projects',
  'air.county-air-inspection',
  'river.agri-chemical-limit',
  'river.green-buffer',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export const AIR_STATION_TYPES = ['air-national', 'air-provincial', 'air-township'] as const;
export type AirStationType = (typeof AIR_STATION_TYPES)[number];

/**
 * What triggers `soil.survey-required` (rules.md §3):
 * - `sensitive-use-change`: planned use 一住两公, current use not (土壤污染防治法 第五十九条第二款);
 * - `agricultural-use-change`: planned use 农用地, current use not (沁水);
 * - `food-processing`: project type food-processing (沁水);
 * - `industrial-recover`: industrial/mining land being recovered (沁水).
 */
export const SURVEY_TARGETS = ['sensitive-use-change', 'agricultural-use-change', 'food-processing', 'industrial-recover'] as const;
export type SurveyTarget = (typeof SURVEY_TARGETS)[number];

export interface RiverAgriLimit {
  /** River name as in the `river` layer's `name` (matched when the layer name contains it). */
  river: string;
  distanceM: number;
}

export interface ProfileParameters {
  /** Overlap threshold, m²: a parcel overlaps a polygon when the overlap area is strictly greater. */
  minOverlapM2: number;
  /** `soil.adjacent-sequencing` distance to a listed contaminated parcel, m. */
  adjacencyM: number;
  /** `belowM` of the elevation band the clean-heating rule reads (夏县 400, 孝义 900); null when unused. */
  heatBandM: number | null;
  /** Air-station buffer, m (`air.station-catering`, `air.station-buffer`). */
  stationBufferM: number;
  /** Station types `air.station-catering` applies to. */
  stationTypes: AirStationType[];
  /** `air.urban-no-air-projects` distance from a city built-up area, m. */
  urbanAirBufferM: number;
  /** `air.county-air-inspection` distance from a county-town built-up area, m. */
  countyAirBufferM: number;
  /** `river.agri-chemical-limit`: rivers and distances. */
  riverAgriLimits: RiverAgriLimit[];
  /** `river.green-buffer` distances by river class, m. */
  riverGreenBufferM: { main: number; tributary: number };
  /** Triggers of `soil.survey-required`. */
  surveyTargets: SurveyTarget[];
  /** Optional override of the 一住两公 code prefixes (rules.md §1.3); disables the ambiguity flag. */
  sensitiveUsePrefixes?: string[];
}

export interface Profile {
  id: string;
  /** zh-CN name, e.g. 夏县. */
  name: string;
  /** Version of the profile file, e.g. 2026.1; recorded with every check. */
  version: string;
  description?: string;
  /** Informational: id of the profile this one was copied from. Files are always complete. */
  basedOn?: string;
  /**
   * The county's own documents (e.g. 夏政办发〔2024〕19号). A finding cites the statutes and these;
   * another county's document is cited only where the rule has no other basis (see citeBasis).
   * Absent (山西省通用): every document of rules.md §3 is cited.
   */
  localDocuments?: string[];
  parameters: ProfileParameters;
  /** Enabled rule ids. */
  rules: RuleId[];
}

/** Parameters a rule cannot run without (checked when the rule is enabled). */
const RULE_REQUIRES: Partial<Record<RuleId, (p: ProfileParameters) => { path: string; expectedZh: string; actual: unknown } | null>> = {
  'heat.clean-heating-band': (p) =>
    p.heatBandM === null ? { path: 'parameters.heatBandM', expectedZh: '正数（米）：已启用规则 heat.clean-heating-band，须给出高程带上限', actual: p.heatBandM } : null,
  'river.agri-chemical-limit': (p) =>
    p.riverAgriLimits.length === 0 ? { path: 'parameters.riverAgriLimits', expectedZh: '非空数组：已启用规则 river.agri-chemical-limit，须至少列出一条河流', actual: p.riverAgriLimits } : null,
  'air.station-catering': (p) =>
    p.stationTypes.length === 0 ? { path: 'parameters.stationTypes', expectedZh: '非空数组：已启用规则 air.station-catering，须至少列出一种站点类型', actual: p.stationTypes } : null,
};

// ---------------------------------------------------------------------------------------------
// Validation

class ProblemAt extends Error {
  constructor(
    readonly path: string,
    readonly expectedZh: string,
    readonly expectedEn: string,
    readonly actual: unknown,
  ) {
    super(`${path}: expected ${expectedEn}`);
  }
}

function fail(path: string, expectedZh: string, expectedEn: string, actual: unknown): never {
  throw new ProblemAt(path, expectedZh, expectedEn, actual);
}

function describeActual(value: unknown): string {
  if (value === undefined) return '缺失';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  } catch {
    return String(value);
  }
}

function stringArray(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) fail(path, '字符串数组（如 ["夏政办发〔2024〕19号"]）', 'an array of strings', value);
  return value.map((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') fail(`${path}[${i}]`, '非空字符串', 'a non-empty string', item);
    return item.trim();
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function noExtraKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (key === '$schema' && path === '') continue;
    if (!allowed.includes(key)) {
      fail(path ? `${path}.${key}` : key, `不认识的字段（可用：${allowed.join('、')}）`, `a known key (${allowed.join(', ')})`, obj[key]);
    }
  }
}

function str(obj: Record<string, unknown>, key: string, path: string, optional = false): string | undefined {
  const value = obj[key];
  const at = path ? `${path}.${key}` : key;
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(at, '非空字符串', 'a non-empty string', value);
  return value;
}

function nonNegative(obj: Record<string, unknown>, key: string, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${path}.${key}`, '非负数（单位见说明）', 'a non-negative number', value);
  return value;
}

function positive(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(path, '正数（米）', 'a positive number (metres)', value);
  return value;
}

function enumArray<T extends string>(value: unknown, allowed: readonly T[], path: string, allowEmpty = true): T[] {
  if (!Array.isArray(value)) fail(path, `数组，元素取自：${allowed.join('、')}`, `an array of ${allowed.join(', ')}`, value);
  if (!allowEmpty && value.length === 0) fail(path, '非空数组', 'a non-empty array', value);
  value.forEach((item, i) => {
    if (!(allowed as readonly unknown[]).includes(item)) fail(`${path}[${i}]`, `以下之一：${allowed.join('、')}`, `one of ${allowed.join(', ')}`, item);
  });
  const seen = new Set<unknown>();
  value.forEach((item, i) => {
    if (seen.has(item)) fail(`${path}[${i}]`, '不重复的值', 'no duplicates', item);
    seen.add(item);
  });
  return value as T[];
}

const PARAMETER_KEYS = [
  'minOverlapM2',
  'adjacencyM',
  'heatBandM',
  'stationBufferM',
  'stationTypes',
  'urbanAirBufferM',
  'countyAirBufferM',
  'riverAgriLimits',
  'riverGreenBufferM',
  'surveyTargets',
  'sensitiveUsePrefixes',
] as const;

function parseParameters(value: unknown): ProfileParameters {
  const path = 'parameters';
  if (!isRecord(value)) fail(path, '对象', 'an object', value);
  noExtraKeys(value, PARAMETER_KEYS, path);

  const heat = value.heatBandM;
  if (heat !== null && (typeof heat !== 'number' || !Number.isFinite(heat) || heat <= 0)) {
    fail(`${path}.heatBandM`, '正数（高程带上限，米）或 null', 'a positive number (metres) or null', heat);
  }

  const limits = value.riverAgriLimits;
  if (!Array.isArray(limits)) fail(`${path}.riverAgriLimits`, '数组 [{"river": 河流名称, "distanceM": 米}]', 'an array of {river, distanceM}', limits);
  const riverAgriLimits = limits.map((item, i): RiverAgriLimit => {
    const at = `${path}.riverAgriLimits[${i}]`;
    if (!isRecord(item)) fail(at, '对象 {"river": 河流名称, "distanceM": 米}', 'an object {river, distanceM}', item);
    noExtraKeys(item, ['river', 'distanceM'], at);
    return { river: str(item, 'river', at) as string, distanceM: positive(item.distanceM, `${at}.distanceM`) };
  });

  const green = value.riverGreenBufferM;
  if (!isRecord(green)) fail(`${path}.riverGreenBufferM`, '对象 {"main": 米, "tributary": 米}', 'an object {main, tributary}', green);
  noExtraKeys(green, ['main', 'tributary'], `${path}.riverGreenBufferM`);

  let sensitiveUsePrefixes: string[] | undefined;
  if (value.sensitiveUsePrefixes !== undefined) {
    const prefixes = value.sensitiveUsePrefixes;
    if (!Array.isArray(prefixes) || prefixes.length === 0) fail(`${path}.sensitiveUsePrefixes`, '非空字符串数组（用地代码前缀，如 "07"）', 'a non-empty array of code prefixes', prefixes);
    prefixes.forEach((p, i) => {
      if (typeof p !== 'string' || !/^[0-9A-Za-z]+$/.test(p)) fail(`${path}.sensitiveUsePrefixes[${i}]`, '用地代码前缀（数字或字母，如 "07"、"R"）', 'a code prefix such as "07" or "R"', p);
    });
    sensitiveUsePrefixes = (prefixes as string[]).map((p) => p.toUpperCase());
  }

  return {
    minOverlapM2: nonNegative(value, 'minOverlapM2', path),
    adjacencyM: positive(value.adjacencyM, `${path}.adjacencyM`),
    heatBandM: heat as number | null,
    stationBufferM: positive(value.stationBufferM, `${path}.stationBufferM`),
    stationTypes: enumArray(value.stationTypes, AIR_STATION_TYPES, `${path}.stationTypes`),
    urbanAirBufferM: positive(value.urbanAirBufferM, `${path}.urbanAirBufferM`),
    countyAirBufferM: positive(value.countyAirBufferM, `${path}.countyAirBufferM`),
    riverAgriLimits,
    riverGreenBufferM: { main: positive(green.main, `${path}.riverGreenBufferM.main`), tributary: positive(green.tributary, `${path}.riverGreenBufferM.tributary`) },
    surveyTargets: enumArray(value.surveyTargets, SURVEY_TARGETS, `${path}.surveyTargets`, false),
    ...(sensitiveUsePrefixes ? { sensitiveUsePrefixes } : {}),
  };
}

/**
 * Validates a parsed profile file. `sourceName` (file name) appears in the message. Throws
 * UserInputError `profile.invalid` naming the field path, the expected value and what was found.
 */
export function validateProfile(json: unknown, sourceName: string): Profile {
  try {
    if (!isRecord(json)) fail('', 'JSON 对象', 'a JSON object', json);
    noExtraKeys(json, ['id', 'name', 'version', 'description', 'basedOn', 'localDocuments', 'parameters', 'rules'], '');
    const id = str(json, 'id', '') as string;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail('id', '小写字母、数字和连字符组成的标识（如 "xiaxian"）', 'lower-case letters, digits and hyphens', id);
    const name = str(json, 'name', '') as string;
    const version = str(json, 'version', '') as string;
    const description = str(json, 'description', '', true);
    const basedOn = str(json, 'basedOn', '', true);
    const localDocuments = json.localDocuments === undefined ? undefined : stringArray(json.localDocuments, 'localDocuments');
    const parameters = parseParameters(json.parameters);
    const rules = enumArray(json.rules, RULE_IDS, 'rules');
    for (const rule of rules) {
      const missing = RULE_REQUIRES[rule]?.(parameters);
      if (missing) fail(missing.path, missing.expectedZh, `a value required by enabled rule ${rule}`, missing.actual);
    }
    return {
      id,
      name,
      version,
      ...(description !== undefined ? { description } : {}),
      ...(basedOn !== undefined ? { basedOn } : {}),
      ...(localDocuments !== undefined ? { localDocuments } : {}),
      parameters,
      rules,
    };
  } catch (error) {
    if (!(error instanceof ProblemAt)) throw error;
    const field = error.path === '' ? '（根）' : error.path;
    throw new UserInputError(
      'profile.invalid',
      `审查规则配置文件“${sourceName}”无效：字段 ${field} 应为${error.expectedZh}，实际为 ${describeActual(error.actual)}。`,
      `Invalid rule profile "${sourceName}": field ${error.path || '(root)'} must be ${error.expectedEn}, got ${describeActual(error.actual)}.`,
    );
  }
}
