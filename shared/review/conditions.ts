/**
 * Release conditions as a reviewer writes them into a decision: one short condition per rule,
 * not the finding text. Findings carry figures (overlap m², distances) and the legal reasoning;
 * a decision's condition must stay true whatever the figures were, so it is worded from the
 * rule's requirement alone.
 *
 * The table lives here, not in the rule catalogue: it is review wording (what the bureau asks of
 * the applicant), while the catalogue decides verdicts; keeping it apart leaves the engine and the
 * profiles untouched when a bureau rewords a condition. It is keyed by every RuleId so a new rule
 * fails to compile until someone words its condition.
 */
import type { Finding } from '../model/check';
import { isCodedText, renderText, ZH_SEPARATORS, type CodedText, type TextLanguage, type TextParam } from '../model/text';
import type { RuleId } from '../rules/profile';
import { findingMessages, findingTextZh } from '../rules/messages';

export const RULE_CONDITIONS_ZH: Record<RuleId, string> = {
  'soil.listed-sensitive': '移出污染地块名录前不得用作住宅和公共管理与公共服务用地',
  'soil.listed-transaction': '移出污染地块名录前不得办理收回、收购、供应或改变用途手续',
  'soil.unremediated-construction': '达到风险管控、修复目标前不得开工建设',
  'soil.survey-required': '开工前完成土壤污染状况调查并通过评审',
  'soil.heavy-industry-sensitive': '不得规划为住宅、学校用地',
  'soil.suspect-query': '查询污染地块信息系统并留存查询记录',
  'soil.adjacent-sequencing': '合理安排与相邻污染地块的开发时序',
  'soil.key-unit-transfer': '变更用途、收回或转让前完成土壤污染状况调查并通过评审',
  'soil.toxic-to-farmland': '不得复垦为耕地',
  'farmland.polluting-project': '不得建设可能造成土壤污染的项目',
  'use.ambiguous-code': '人工核定规划用途分类后再行审查',
  'water.zone1': '取得水行政主管部门意见',
  'water.zone2': '污水引出保护区，不得在保护区内排放污染物或设置排污口',
  'water.quasi': '不得建设严重污染水体的项目，不得在保护区内设置排污口',
  'heat.clean-heating-band': '采用集中供热、煤改气或煤改电等清洁取暖方式，不得分散燃煤',
  'heat.coal-ban-zone': '采用清洁能源取暖，不得使用燃煤设施',
  'air.station-catering': '不得新建餐饮项目',
  'air.station-buffer': '按要求编制并落实扬尘污染防治措施',
  'air.urban-no-air-projects': '不得建设涉气项目',
  'air.county-air-inspection': '涉气项目须经生态环境主管部门严格审查',
  'river.agri-chemical-limit': '控制化肥、农药使用量',
  'river.green-buffer': '按要求预留河道生态缓冲带',
};

export const RULE_CONDITIONS_EN: Record<RuleId, string> = {
  'soil.listed-sensitive': 'Not to be used as residential or public management and public service land until removed from the contaminated-land list',
  'soil.listed-transaction': 'No recovery, acquisition, supply or change of use until removed from the contaminated-land list',
  'soil.unremediated-construction': 'No construction before the risk control and remediation targets are met',
  'soil.survey-required': 'Complete a soil pollution survey and pass its review before construction',
  'soil.heavy-industry-sensitive': 'Not to be planned as residential or school land',
  'soil.suspect-query': 'Query the contaminated-land information system and keep the query record',
  'soil.adjacent-sequencing': 'Sequence development with the neighbouring contaminated land',
  'soil.key-unit-transfer': 'Complete a soil pollution survey and pass its review before a change of use, recovery or transfer',
  'soil.toxic-to-farmland': 'Not to be reclaimed as farmland',
  'farmland.polluting-project': 'No project that may pollute the soil',
  'use.ambiguous-code': 'Classify the planned use by hand, then check again',
  'water.zone1': 'Obtain the opinion of the water administration authority',
  'water.zone2': 'Lead sewage out of the protection zone; no pollutant discharge or sewage outlet inside it',
  'water.quasi': 'No project seriously polluting water; no sewage outlet inside the protection zone',
  'heat.clean-heating-band': 'Clean heating (district heating, coal-to-gas or coal-to-electricity); no scattered coal burning',
  'heat.coal-ban-zone': 'Heating with clean energy; no coal-burning installations',
  'air.station-catering': 'No new catering project',
  'air.station-buffer': 'Draw up and carry out dust-control measures as required',
  'air.urban-no-air-projects': 'No air-polluting project',
  'air.county-air-inspection': 'Air-polluting projects need the strict review of the ecology and environment authority',
  'river.agri-chemical-limit': 'Limit the use of fertiliser and pesticide',
  'river.green-buffer': 'Keep the river’s ecological buffer as required',
};

/** For a rule the table does not know (an id from a newer project file). */
export const GENERIC_CONDITION_ZH = '落实审查意见所列要求';

type Pair = readonly [zh: string, en: string];

/**
 * The words of the conditions by code, zh-CN and English: the UI's `condition` namespace
 * (renderer/i18n). A condition's missing facts are finding texts (shared/rules/messages.ts).
 */
export function conditionMessages(): Record<string, Pair> {
  return {
    ...Object.fromEntries(Object.entries(RULE_CONDITIONS_ZH).map(([id, zh]) => [`condition.rule.${id}`, [zh, RULE_CONDITIONS_EN[id as RuleId]] as const])),
    'condition.generic': [GENERIC_CONDITION_ZH, 'Carry out the requirements listed in the review opinion'],
    'condition.supply': ['补充{missing}后重新审查', 'Supply {missing}, then check again'],
  };
}

let table: Record<string, Pair> | null = null;
const CONDITION_ZH: TextLanguage = {
  template: (code) => (table ??= conditionMessages())[code]?.[0] ?? findingMessages()[code]?.[0],
  separators: ZH_SEPARATORS,
};

/** The Chinese of a condition text: what a decision and the 意见书 say. */
export function conditionTextZh(value: CodedText): string {
  return renderText(value, CONDITION_ZH);
}

/** Every coded text inside a finding's parameters, outermost first. */
function textsIn(value: TextParam | undefined, into: CodedText[] = []): CodedText[] {
  if (value === undefined || typeof value === 'string' || typeof value === 'number') return into;
  if (isCodedText(value)) {
    into.push(value);
    for (const param of Object.values(value.params ?? {})) textsIn(param, into);
  } else for (const item of value.list) textsIn(item, into);
  return into;
}

/**
 * What a 需补充 finding asks for, as the name of each missing fact: the feature named without its
 * id, the attribute without the values it may take, the land-use field without the bad raw code
 * (those belong in the finding, not in the condition). Coded when the finding is (its missing
 * facts are found among its parameters), else cut from the Chinese.
 */
function missingNames(f: Finding & { missing?: string[] }): TextParam[] | null {
  const items = f.missing && f.missing.length > 0 ? f.missing : f.message.startsWith('需补充：') ? [f.message.slice(4).split('。')[0]] : null;
  if (!items) return null;
  const coded = f.code ? textsIn({ code: f.code, params: f.params }) : [];
  const names: TextParam[] = [];
  const seen = new Set<string>();
  const add = (name: TextParam) => {
    const key = typeof name === 'string' ? name : renderText(name, CONDITION_ZH);
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    names.push(name);
  };
  for (const item of items) {
    const source = coded.find((t) => findingTextZh(t) === item);
    if (source) add(nameOfMissing(source));
    else for (const part of item.split('；')) add(part.replace(/（[^）]*）/g, '').split('：')[0].trim());
  }
  return names;
}

/** The name of one missing fact (see missingNames), coded. */
function nameOfMissing(missing: CodedText): TextParam {
  const params = missing.params ?? {};
  if (missing.code === 'finding.missing.useUnrecognised') return params.label;
  if (NAMED_BY_SHORT_FORM.has(missing.code)) return { code: `${missing.code}.name`, ...(missing.params ? { params: shortFeature(params) } : {}) };
  return params.feature ? { code: missing.code, params: shortFeature(params) } : missing;
}

/** Missing facts whose text carries a bracketed explanation the condition leaves out. */
const NAMED_BY_SHORT_FORM: ReadonlySet<string> = new Set(['finding.missing.builtUpLevel', 'finding.missing.riverClass', 'finding.missing.elevation']);

/** A feature named by kind and name only (污染地块“原焦化厂地块”), without its id. */
function shortFeature(params: Record<string, TextParam>): Record<string, TextParam> {
  const feature = params.feature;
  if (!isCodedText(feature) || !feature.params) return params;
  const { kind, name } = feature.params;
  return { ...params, feature: feature.code === 'finding.feature.named' ? { code: 'finding.feature.nameOnly', params: { kind, name } } : kind };
}

/**
 * Rules whose condition holds whatever the missing fact turns out to be (二级保护区: sewage leaves
 * the zone either way; the missing project type only decides whether it is prohibited outright).
 */
const STANDS_WHEN_UNKNOWN: ReadonlySet<string> = new Set(['water.zone2']);

/** The short conditions one `condition` finding leads to (one, or two for STANDS_WHEN_UNKNOWN), coded. */
export function conditionTextsForFinding(f: Finding): CodedText[] {
  const rule: CodedText = { code: Object.hasOwn(RULE_CONDITIONS_ZH, f.rule) ? `condition.rule.${f.rule}` : 'condition.generic' };
  // A finding raised because facts are missing asks for the facts, not for the rule's remedy:
  // the rule may turn out not to apply at all.
  const missing = missingNames(f);
  if (!missing) return [rule];
  const ask: CodedText = { code: 'condition.supply', params: { missing: { list: missing, sep: 'enum' } } };
  return STANDS_WHEN_UNKNOWN.has(f.rule) ? [ask, rule] : [ask];
}

/** The short conditions one `condition` finding leads to, in Chinese. */
export function conditionsForFinding(f: Finding): string[] {
  return conditionTextsForFinding(f).map(conditionTextZh);
}
