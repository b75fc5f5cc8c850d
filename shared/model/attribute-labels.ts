/**
 * Chinese and English names of the canonical attribute keys (rules.md §1), shared by the
 * renderer's labels and the attribute table's columns so both name a field the same way.
 */
/** Canonical attribute key → label. Unknown keys are shown as they are. */
export const ATTRIBUTE_LABELS: Record<string, readonly [zh: string, en: string]> = {
  id: ['编号', 'ID'],
  name: ['名称', 'Name'],
  level: ['级别', 'Level'],
  listed: ['列入名录', 'Listed'],
  delisted: ['移出名录', 'Delisted'],
  targetsMet: ['修复目标已达到', 'Remediation targets met'],
  stage: ['所处阶段', 'Stage'],
  industry: ['原行业', 'Former industry'],
  heavy: ['重度污染', 'Heavily polluted'],
  type: ['类型', 'Type'],
  belowM: ['高程上限（米）', 'Elevation below (m)'],
  class: ['河流等级', 'River class'],
  code: ['行政区划代码', 'Division code'],
  currentUse: ['现状用途', 'Current use'],
  plannedUse: ['规划用途', 'Planned use'],
  action: ['拟办事项', 'Requested action'],
  soilSurvey: ['土壤污染状况调查', 'Soil survey'],
  riskAssessment: ['风险评估', 'Risk assessment'],
  toxicHistory: ['曾涉及有毒有害物质', 'Toxic-substance history'],
  projectType: ['项目类型', 'Project type'],
  useScheme: ['用地分类标准', 'Land-use scheme'],
  areaM2: ['面积（m²）', 'Area (m²)'],
  remark: ['备注', 'Remark'],
};

/** Labels of one key: canonical keys by the table, `…Raw` keys after their base, others as they are. */
export function attributeLabelPair(key: string): { labelZh: string; labelEn: string } {
  const pair = ATTRIBUTE_LABELS[key];
  if (pair) return { labelZh: pair[0], labelEn: pair[1] };
  const raw = /^(.+)Raw$/.exec(key);
  const base = raw ? ATTRIBUTE_LABELS[raw[1]] : undefined;
  if (base) return { labelZh: `${base[0]}（原值）`, labelEn: `${base[1]} (raw)` };
  return { labelZh: key, labelEn: key };
}

/** Canonical keys first, in table order; other fields after, as stored. */
export function attributeRank(key: string): number {
  const canonical = Object.keys(ATTRIBUTE_LABELS);
  const index = canonical.indexOf(key.replace(/Raw$/, ''));
  return index < 0 ? canonical.length : index;
}
