/**
 * The one UI catalogue: every key in both locales, the same placeholders in both, and no
 * internal names (field keys, rule ids, English enum values) in the Chinese texts. The import's
 * notes (warnings, geometry repairs, the preview's notes, CRS names) are codes the Node side
 * sends: every code the source sends has its words in both languages.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueEntries, getLocale, interpolate, setLocale, t, tText } from '../../renderer/i18n';
import { RULES } from '../../shared/rules/catalogue';
import { EDITABLE_PARCEL_KEYS } from '../../shared/model/parcel-attributes';
import { zhCN } from '../../renderer/i18n/zh-CN';
import { REVIEW_MESSAGES } from '../../renderer/review/messages';
import { PROFILE_MESSAGES_ZH } from '../../renderer/profiles/messages';
import { EDIT_MESSAGES } from '../../renderer/map/edit/messages';
import { findingMessages } from '../../shared/rules/messages';
import { conditionMessages } from '../../shared/review/conditions';
import { importMessages, importNoteEn, importNoteZh } from '../../shared/importers/messages';
import { crsLabelText } from '../../shared/crs';
import { text, textList } from '../../shared/model/text';
import { repoRoot } from '../support/cli';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the UI message catalogue', () => {
  const entries = catalogueEntries();

  it('holds the namespaces of every panel, each key once, complete in zh-CN and en', () => {
    const tables = [zhCN, REVIEW_MESSAGES, PROFILE_MESSAGES_ZH, EDIT_MESSAGES, findingMessages(), conditionMessages(), importMessages()].map((table) => Object.keys(table));
    const all = tables.flat();
    expect(new Set(all).size, 'a key defined in two namespace files').toBe(all.length);
    expect(entries.length).toBe(all.length);
    const namespaces = new Set(entries.map((e) => e.key.split('.')[0]));
    for (const ns of ['app', 'layers', 'check', 'import', 'wb', 'ns', 'ex', 'sweep', 'editor', 'edit', 'finding', 'condition', 'importNote', 'repair', 'crsName']) expect(namespaces).toContain(ns);
    for (const e of entries) {
      expect(e.zh, `${e.key} zh`).toBeTruthy();
      expect(e.en, `${e.key} en`).toBeTruthy();
      expect(placeholders(e.zh), e.key).toEqual(placeholders(e.en));
    }
  });

  it('shows no internal names in Chinese', () => {
    const internal = [...RULES.map((r) => r.id as string), ...EDITABLE_PARCEL_KEYS.filter((k) => k !== 'name'), 'permitted', 'prohibited', 'conditional'];
    for (const e of entries) {
      const text = e.zh.replace(/\{\w+\}/g, '');
      for (const name of internal) expect(text.includes(name), `${e.key}: “${e.zh}” shows ${name}`).toBe(false);
    }
  });

  it('looks keys up in the locale the switch set, with one interpolation', () => {
    const before = getLocale();
    try {
      setLocale('en');
      expect(t('wb.audit.ok')).toMatch(/^Integrity verified/);
      expect(t('edit.draw')).toBe('Draw parcel');
      setLocale('zh-CN');
      expect(t('edit.draw')).toBe('绘制地块');
      expect(t('sweep.title')).toBe('全部审查');
      expect(t('check.rule', { title: '一住两公' })).toBe('规则：一住两公');
      expect(interpolate('{a} 与 {b}', { a: 1 })).toBe('1 与 {b}');
    } finally {
      setLocale(before);
    }
  });
});

/** Source files of the Node side and the shared code (not tests): where import notes are coded. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry) ? [path] : [];
  });
}

describe('the import notes (importNote, repair and crsName codes)', () => {
  const table = importMessages();
  const NOTE_CODE = /'((?:importNote|repair|crsName)\.[\w.]+)'/g;

  it('has zh-CN and English words with the same parameters for every code the importers send', () => {
    const sent = new Set<string>();
    for (const root of ['shared', 'electron', 'renderer']) {
      for (const file of sourceFiles(join(repoRoot, root))) {
        if (file.endsWith(join('importers', 'messages.ts'))) continue;
        for (const m of readFileSync(file, 'utf8').matchAll(NOTE_CODE)) sent.add(m[1]);
      }
    }
    // codes built from a value: the datums of shared/crs and the boundary-point TXT, the CRS names by number
    for (const datum of ['cgcs2000', 'wgs84', 'xian80', 'beijing54', 'unknown']) sent.add(`crsName.datum.${datum}`);
    for (const datum of ['xian80', 'beijing54']) sent.add(`importNote.txt.datum.${datum}`);
    for (const n of [4490, 4326, 3857]) sent.add(`crsName.${n}`);
    expect(sent.size).toBeGreaterThan(100);
    for (const code of sent) {
      expect(table[code], `${code} has no words`).toBeDefined();
      const [zh, en] = table[code];
      expect(zh, code).toBeTruthy();
      expect(en, code).toBeTruthy();
      expect(placeholders(en), code).toEqual(placeholders(zh));
    }
    // and nothing in the table that no importer sends any more
    for (const code of Object.keys(table)) expect(sent.has(code), `${code} is never sent`).toBe(true);
  });

  it('says the English in English: Chinese only where it quotes a file format (its section and field names)', () => {
    const quoted = /\[属性描述\]|带号|几度分带|转换参数|地块编号|编号/g;
    for (const [code, [, en]] of Object.entries(table)) expect(en.replace(quoted, ''), code).not.toMatch(/\p{Script=Han}/u);
  });

  it('renders a note in the reader\'s language, parameters filled in; the Chinese is what the CLI always printed', () => {
    const repaired = text('importNote.repaired', {
      count: 2,
      features: textList(
        [
          text('importNote.featureRepaired', { id: 'A1', n: 1, repairs: textList([text('repair.selfIntersection', { count: 1, at: '112.000025, 37.010025', pct: '0.0011' })], 'semicolon') }),
          text('importNote.featureRepaired', { id: 'A2', n: 2, repairs: textList([text('repair.duplicates', { count: 1 }), text('repair.spikes', { count: 1 })], 'semicolon') }),
        ],
        'sentence',
      ),
      more: '',
    });
    const zh = '2 个要素的几何已修复：要素“A1”（第 1 个）：边界自相交 1 处（首处在 112.000025, 37.010025 附近），已在交点处拆分，面积变化 0.0011%。要素“A2”（第 2 个）：删除 1 个重复的连续点；删除 1 个尖刺（折返的顶点）。';
    const en =
      'Geometry repaired in 2 feature(s): Feature “A1” (no. 1): the boundary crossed itself 1 time(s) (first near 112.000025, 37.010025): split at the crossings, area changed by 0.0011%. Feature “A2” (no. 2): removed 1 repeated consecutive point(s); removed 1 spike(s) (vertices where the boundary turns straight back).';
    expect(importNoteZh(repaired)).toBe(zh);
    expect(importNoteEn(repaired)).toBe(en);
    const before = getLocale();
    try {
      setLocale('en');
      expect(tText(repaired)).toBe(en);
      expect(tText(crsLabelText('EPSG:4526'))).toBe('CGCS2000 3° Gauss-Krüger zone 38 (EPSG:4526)');
      // a note an older project stored as plain Chinese shows as it was stored
      expect(tText('高程数据“a.tif”经确认后导入，但可能有误：没有任何有效高程值。')).toBe('高程数据“a.tif”经确认后导入，但可能有误：没有任何有效高程值。');
      setLocale('zh-CN');
      expect(tText(repaired)).toBe(zh);
      expect(tText(crsLabelText('EPSG:4526'))).toBe('CGCS2000 3° 高斯-克吕格第 38 带（EPSG:4526）');
    } finally {
      setLocale(before);
    }
  });
});
