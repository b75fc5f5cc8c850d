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
import type { RuleId } from '../rules/profile';

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

/** For a rule the table does not know (an id from a newer project file). */
export const GENERIC_CONDITION_ZH = '落实审查意见所列要求';

/** What a 需补充 finding asks for, without the English key in brackets. */
function missingOf(f: Finding & { missing?: string[] }): string | null {
  const items = f.missing && f.missing.length > 0 ? f.missing : f.message.startsWith('需补充：') ? [f.message.slice(4).split('。')[0]] : null;
  if (!items) return null;
  // Keep the name of each missing fact only: the English key, the why and the bad raw code belong
  // in the finding, not in the condition.
  const names = items.flatMap((m) => m.split('；')).map((m) => m.replace(/（[^）]*）/g, '').split('：')[0].trim());
  return [...new Set(names.filter(Boolean))].join('、');
}

/**
 * Rules whose condition holds whatever the missing fact turns out to be (二级保护区: sewage leaves
 * the zone either way; the missing project type only decides whether it is prohibited outright).
 */
const STANDS_WHEN_UNKNOWN: ReadonlySet<string> = new Set(['water.zone2']);

/** The short conditions one `condition` finding leads to (one, or two for STANDS_WHEN_UNKNOWN). */
export function conditionsForFinding(f: Finding): string[] {
  const rule = (RULE_CONDITIONS_ZH as Record<string, string>)[f.rule] ?? GENERIC_CONDITION_ZH;
  // A finding raised because facts are missing asks for the facts, not for the rule's remedy:
  // the rule may turn out not to apply at all.
  const missing = missingOf(f);
  if (!missing) return [rule];
  const ask = `补充${missing}后重新审查`;
  return STANDS_WHEN_UNKNOWN.has(f.rule) ? [ask, rule] : [ask];
}
