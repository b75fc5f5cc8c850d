import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/model/check';
import { conditionsFromFindings, deriveStatus, inMonth, isIsoDate, isMonth, suggestedDecision, worstVerdict } from '../../shared/review/model';

const finding = (severity: Finding['severity'], message: string, basis = '依据 1'): Finding => ({ rule: 'x', severity, message, basis });

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

  it('pre-fills conditions from condition findings only, once each, with their basis', () => {
    const lines = conditionsFromFindings([finding('prohibit', '禁止'), finding('condition', '须调查', '法 59'), finding('condition', '须调查', '法 59'), finding('notice', '提示'), finding('condition', '须清洁取暖', '')]);
    expect(lines).toEqual(['须调查（依据：法 59）', '须清洁取暖']);
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
