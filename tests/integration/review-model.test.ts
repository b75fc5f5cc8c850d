import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/model/check';
import { RULE_CONDITIONS_ZH } from '../../shared/review/conditions';
import { RULE_IDS } from '../../shared/rules/profile';
import { conditionsFromFindings, deriveStatus, inMonth, isIsoDate, isMonth, suggestedDecision, worstVerdict } from '../../shared/review/model';


describe('review model helpers', () => {
  it('derives a submission status from its parcels’ decisions and checks', () => {
    expect(deriveStatus([null], false)).toBe('pending');
    expect(deriveStatus([null], true)).toBe('in-review');
    expect(deriveStatus(['approved', null], true)).toBe('in-review');
    expect(deriveStatus(['approved', 'approved'], true)).toBe('approved');
    expect(deriveStatus(['approved', 'conditional'], true)).toBe('conditional');
    expect(deriveStatus(['approved', 'rejected'], true)).toBe('rejected');
    expect(deriveStatus(['returned', null], true)).toBe('returned');
    expect(deriveStatus(['returned', 'rejected'], true)).toBe('rejected');
  });

  it('pre-fills one short condition per rule from condition findings only, once each', () => {
    const f = (rule: string, severity: Finding['severity'], message: string, extra: Partial<Finding> = {}): Finding => ({ rule, severity, message, basis: '依据', ...extra });
    const lines = conditionsFromFindings([
      f('soil.listed-sensitive', 'prohibit', '禁止'),
      f('soil.survey-required', 'condition', '地块与污染地块 A 重叠 1234.5 m²（占 12.3%），须先开展土壤污染状况调查', { overlapM2: 1234.5 }),
      f('soil.survey-required', 'condition', '地块与污染地块 B 重叠 88.0 m²，须先开展土壤污染状况调查', { overlapM2: 88 }),
      f('air.station-buffer', 'notice', '距监测站 320.5 米'),
      f('heat.clean-heating-band', 'condition', '地块位于 400 米高程带内 5000 m²'),
      f('river.green-buffer', 'condition', '距涑水河 35.2 米'),
      f('no.such-rule', 'condition', '新规则 10 米'),
      f('water.zone2', 'condition', '需补充：项目类型（projectType）（如项目排放污染物则不予准入）。地块与 1 号水源地重叠 20 m²'),
      f('soil.key-unit-transfer', 'condition', '需补充：拟办事项（action）；土壤污染状况调查情况（soilSurvey）。若条件成立：…', { missing: ['拟办事项（action）', '土壤污染状况调查情况（soilSurvey）'] } as Partial<Finding>),
    ]);
    expect(lines).toEqual([
      '开工前完成土壤污染状况调查并通过评审',
      '采用集中供热、煤改气或煤改电等清洁取暖方式，不得分散燃煤',
      '按要求预留河道生态缓冲带',
      '落实审查意见所列要求',
      '补充项目类型后重新审查',
      '污水引出保护区，不得在保护区内排放污染物或设置排污口',
      '补充拟办事项、土壤污染状况调查情况后重新审查',
    ]);
    for (const line of lines) {
      expect(line).not.toMatch(/\d|m²|米|依据/);
      expect(line.length).toBeLessThanOrEqual(30);
    }
  });

  it('has a short condition without figures for every rule of the catalogue', () => {
    for (const id of RULE_IDS) {
      expect(RULE_CONDITIONS_ZH[id]).toBeTruthy();
      expect(RULE_CONDITIONS_ZH[id]).not.toMatch(/\d|m²|米/);
    }
  });

  it('suggests a decision from the verdict and ranks verdicts', () => {
    expect(suggestedDecision('prohibited')).toBe('rejected');
    expect(suggestedDecision('conditional')).toBe('conditional');
    expect(suggestedDecision('permitted')).toBe('approved');
    expect(suggestedDecision(null)).toBe('approved');
    expect(worstVerdict(['permitted', null, 'conditional'])).toBe('conditional');
    expect(worstVerdict([])).toBeNull();
  });

  it('validates dates and months', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-2-3')).toBe(false);
    expect(isMonth('2026-11')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(inMonth('2026-11-30T23:59:59Z', '2026-11')).toBe(true);
    expect(inMonth('2026-12-01', '2026-11')).toBe(false);
    expect(inMonth(null, '2026-11')).toBe(false);
  });
});
