/**
 * Findings and conditions as codes with parameters: over every finding of the rule golden
 * fixtures, the code renders back to exactly the Chinese message of rules.md §5, every missing
 * fact (需补充) is among its parameters, and the English rendering finds every code and placeholder
 * and has no Chinese left but the data it quotes (names, ids). The coded conditions say what the
 * Chinese-only ones said.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport, Finding } from '../../shared/model/check';
import { EN_SEPARATORS, isCodedText, renderText, type CodedText, type TextLanguage, type TextParam } from '../../shared/model/text';
import { findingMessages, findingTextZh } from '../../shared/rules/messages';
import { conditionMessages, conditionsForFinding, conditionTextsForFinding } from '../../shared/review/conditions';
import { conditionTextsFromFindings, conditionsFromFindings } from '../../shared/review/model';
import { findingText, getLocale, setLocale } from '../../renderer/i18n';

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'rules');
const HAN = /\p{Script=Han}/u;

function goldenFindings(): { where: string; finding: Finding & { missing?: string[] } }[] {
  const out: { where: string; finding: Finding & { missing?: string[] } }[] = [];
  for (const rule of readdirSync(GOLDEN)) {
    for (const name of readdirSync(join(GOLDEN, rule))) {
      const dir = join(GOLDEN, rule, name);
      if (!statSync(dir).isDirectory()) continue;
      const report = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CheckReport;
      for (const parcel of report.parcels) for (const finding of parcel.findings) out.push({ where: `${rule}/${name} ${parcel.id}`, finding });
    }
  }
  return out;
}

/** English with every template lookup recorded, so a code without English shows. */
function english(missed: string[]): TextLanguage {
  const table = { ...findingMessages(), ...conditionMessages() };
  return {
    template: (code) => {
      const pair = table[code];
      if (!pair) missed.push(code);
      return pair?.[1];
    },
    separators: EN_SEPARATORS,
  };
}

/** The same text with every data string (names, ids, figures) replaced, to look at the words alone. */
function wordsOnly(value: TextParam): TextParam {
  if (typeof value === 'string') return '·';
  if (typeof value === 'number') return value;
  if (isCodedText(value)) return value.params ? { code: value.code, params: Object.fromEntries(Object.entries(value.params).map(([k, v]) => [k, wordsOnly(v)])) } : value;
  return { list: value.list.map(wordsOnly), sep: value.sep };
}

const coded = (f: Finding): CodedText => (f.params ? { code: f.code!, params: f.params } : { code: f.code! });
const withoutCode = ({ code: _code, params: _params, ...rest }: Finding) => rest as Finding;

describe('findings as codes with parameters', () => {
  const findings = goldenFindings();

  it('covers many findings of every severity', () => {
    expect(findings.length).toBeGreaterThan(500);
    expect(new Set(findings.map((f) => f.finding.severity))).toEqual(new Set(['prohibit', 'condition', 'notice']));
  });

  it('renders each code back to its Chinese message, with its missing facts among the parameters', () => {
    for (const { where, finding } of findings) {
      expect(finding.code, where).toBeTruthy();
      expect(findingTextZh(coded(finding)), where).toBe(finding.message);
      const rendered = JSON.stringify(coded(finding));
      for (const missing of finding.missing ?? []) {
        const texts: string[] = [];
        const walk = (v: TextParam | undefined) => {
          if (v === undefined || typeof v === 'string' || typeof v === 'number') return;
          if (isCodedText(v)) {
            texts.push(findingTextZh(v));
            Object.values(v.params ?? {}).forEach(walk);
          } else v.list.forEach(walk);
        };
        walk(coded(finding));
        expect(texts, `${where}: ${missing} in ${rendered.slice(0, 200)}`).toContain(missing);
      }
    }
  });

  it('renders each in English: every code and placeholder known, no Chinese but the data quoted', () => {
    for (const { where, finding } of findings) {
      const missed: string[] = [];
      const text = renderText(coded(finding), english(missed));
      expect(missed, where).toEqual([]);
      expect(text, where).not.toMatch(/\{\w+\}/);
      expect(renderText(wordsOnly(coded(finding)), english([])), where).not.toMatch(HAN);
    }
  });

  it('has no Chinese in any English template', () => {
    for (const [code, [, en]] of Object.entries({ ...findingMessages(), ...conditionMessages() })) expect(en, code).not.toMatch(HAN);
  });

  it('is what the English UI shows, and the Chinese UI shows the message', () => {
    const before = getLocale();
    try {
      const sample = findings.find((f) => f.finding.code === 'finding.soil.listedSensitive')!.finding;
      setLocale('en');
      expect(findingText(sample)).toMatch(/^The parcel overlaps contaminated parcel .+ by [\d.]+ m² \([\d.]+ ha, [\d.]+ mu\), [\d.]+% of the parcel; /);
      expect(findingText(withoutCode(sample)), 'a finding recorded before codes').toBe(sample.message);
      setLocale('zh-CN');
      expect(findingText(sample)).toBe(sample.message);
    } finally {
      setLocale(before);
    }
  });
});

describe('conditions as codes with parameters', () => {
  const conditionFindings = goldenFindings().filter((f) => f.finding.severity === 'condition');

  it('say what the Chinese wording of the same finding says', () => {
    let asks = 0;
    for (const { where, finding } of conditionFindings) {
      const fromCodes = conditionsForFinding(finding);
      expect(fromCodes, where).toEqual(conditionsForFinding(withoutCode(finding)));
      if (fromCodes.some((c) => c.startsWith('补充'))) asks++;
      for (const condition of conditionTextsForFinding(finding)) {
        const missed: string[] = [];
        renderText(condition, english(missed));
        expect(missed, where).toEqual([]);
        expect(renderText(wordsOnly(condition), english([])), where).not.toMatch(HAN);
      }
    }
    expect(asks, 'conditions asking for missing facts').toBeGreaterThan(20);
  });

  it('are suggested once each, coded and in Chinese alike', () => {
    const all = conditionFindings.map((f) => f.finding);
    const texts = conditionTextsFromFindings(all);
    expect(texts.length).toBe(conditionsFromFindings(all).length);
    expect(new Set(conditionsFromFindings(all)).size).toBe(texts.length);
  });
});
