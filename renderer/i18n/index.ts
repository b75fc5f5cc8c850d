/**
 * The one message catalogue of the UI. Its namespaces live beside the code that speaks them
 * (app/map/layers/… in zh-CN.ts + en.ts, wb/ns/pr/ex in review/messages.ts, sweep/editor/param/
 * survey in profiles/messages.ts, edit in map/edit/messages.ts, and the words the Node side sends
 * as codes: finding in shared/rules/messages.ts, condition in shared/review/conditions.ts,
 * importNote, repair and crsName in shared/importers/messages.ts); every key is unique across them
 * and every namespace is complete in both locales (the types say so, a test checks the strings).
 * `t(key, params)` is the lookup and fills `{name}` placeholders in one place; `tText(text)`
 * renders a coded text from the Node side (nested phrases, lists) with it, and a plain string (a
 * note an older project stored in Chinese) as itself.
 *
 * The locale is a small store: the language switch sets it (never a render), React components
 * follow it through `useLocale()` (useSyncExternalStore), and plain helpers read `getLocale()`.
 */
import { useSyncExternalStore } from 'react';
import { en } from './en';
import { zhCN, type MessageKey as AppMessageKey } from './zh-CN';
import { REVIEW_MESSAGES, type ReviewMessageKey } from '../review/messages';
import { PROFILE_MESSAGES_EN, PROFILE_MESSAGES_ZH, type ProfileMessageKey } from '../profiles/messages';
import { EDIT_MESSAGES, type EditMessageKey } from '../map/edit/messages';
import { findingMessages } from '../../shared/rules/messages';
import { conditionMessages } from '../../shared/review/conditions';
import { importMessages } from '../../shared/importers/messages';
import { EN_SEPARATORS, renderText, ZH_SEPARATORS, type TextParam } from '../../shared/model/text';
import type { Finding } from '../../shared/model/check';

export type Locale = 'zh-CN' | 'en';
export type MessageKey = AppMessageKey | ReviewMessageKey | ProfileMessageKey | EditMessageKey;
export type MessageParams = Record<string, string | number>;

export const LOCALES: readonly { id: Locale; label: string }[] = [
  { id: 'zh-CN', label: '简体中文' },
  { id: 'en', label: 'English' },
];

type Catalogue = Record<Locale, Record<string, string>>;

let catalogue: Catalogue | null = null;

/**
 * Built on first use: the namespace modules import this one for `getLocale`, so reading their
 * tables at load time would meet them half-initialised.
 */
function messages(): Catalogue {
  if (catalogue) return catalogue;
  const zh: Record<string, string> = { ...zhCN, ...PROFILE_MESSAGES_ZH };
  const english: Record<string, string> = { ...en, ...PROFILE_MESSAGES_EN };
  for (const table of [REVIEW_MESSAGES, EDIT_MESSAGES, findingMessages(), conditionMessages(), importMessages()] as Record<string, readonly [string, string]>[]) {
    for (const [key, [textZh, textEn]] of Object.entries(table)) {
      zh[key] = textZh;
      english[key] = textEn;
    }
  }
  catalogue = { 'zh-CN': zh, en: english };
  return catalogue;
}

/** Every key of the catalogue with its two texts (for the completeness test). */
export function catalogueEntries(): { key: string; zh: string; en: string }[] {
  const { 'zh-CN': zh, en: english } = messages();
  return Object.keys({ ...zh, ...english }).map((key) => ({ key, zh: zh[key], en: english[key] }));
}

let activeLocale: Locale = 'zh-CN';
const listeners = new Set<() => void>();

export function setLocale(locale: Locale): void {
  if (locale === activeLocale) return;
  activeLocale = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  for (const listener of listeners) listener();
}

export function getLocale(): Locale {
  return activeLocale;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The locale for a component: it re-renders when the language switch changes it. */
export function useLocale(): Locale {
  return useSyncExternalStore(subscribe, getLocale, getLocale);
}

/** `{name}` placeholders filled from params; an unknown placeholder stays visible. */
export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] !== undefined ? String(params[name]) : whole));
}

/** A zh/en message pair (API and job errors, validation errors) in the active locale. */
export function localized(message: { messageZh: string; messageEn: string }): string {
  return activeLocale === 'zh-CN' ? message.messageZh : message.messageEn;
}

export function t(key: MessageKey, params?: MessageParams): string {
  const { [activeLocale]: table, 'zh-CN': zh } = messages();
  return interpolate(table[key] ?? zh[key] ?? key, params);
}

/** A coded text from the Node side (shared/model/text.ts) in the active locale. */
export function tText(value: TextParam): string {
  const { [activeLocale]: table, 'zh-CN': zh } = messages();
  return renderText(value, { template: (code) => table[code] ?? zh[code], separators: activeLocale === 'zh-CN' ? ZH_SEPARATORS : EN_SEPARATORS });
}

/** What a finding says, in the active locale; a finding recorded before findings had codes says its Chinese message. */
export function findingText(finding: Pick<Finding, 'message' | 'code' | 'params'>): string {
  return finding.code ? tText(finding.params ? { code: finding.code, params: finding.params } : { code: finding.code }) : finding.message;
}

/** A rule's title in the active locale (its id for a rule this version does not know). */
export function ruleTitle(id: string): string {
  const key = `finding.rule.${id}`;
  return messages()['zh-CN'][key] ? t(key as MessageKey) : id;
}
