/**
 * The one UI catalogue: every key in both locales, the same placeholders in both, and no
 * internal names (field keys, rule ids, English enum values) in the Chinese texts.
 */
import { describe, expect, it } from 'vitest';
import { catalogueEntries, getLocale, interpolate, setLocale, t } from '../../renderer/i18n';
import { RULES } from '../../shared/rules/catalogue';
import { EDITABLE_PARCEL_KEYS } from '../../shared/model/parcel-attributes';
import { zhCN } from '../../renderer/i18n/zh-CN';
import { REVIEW_MESSAGES } from '../../renderer/review/messages';
import { PROFILE_MESSAGES_ZH } from '../../renderer/profiles/messages';
import { EDIT_MESSAGES } from '../../renderer/map/edit/messages';
import { findingMessages } from '../../shared/rules/messages';
import { conditionMessages } from '../../shared/review/conditions';
import { importMessages } from '../../shared/importers/messages';

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
