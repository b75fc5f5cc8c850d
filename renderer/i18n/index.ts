/**
 * A deliberately tiny i18n: `t(key, params)` looks the key up in the active locale (zh-CN by
 * default) and fills `{name}` placeholders. The App sets the locale from its state before each
 * render, so every component renders in one language.
 */
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };

export const LOCALES: readonly { id: Locale; label: string }[] = [
  { id: 'zh-CN', label: '简体中文' },
  { id: 'en', label: 'English' },
];

const catalogues: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

let activeLocale: Locale = 'zh-CN';

export function setLocale(locale: Locale): void {
  activeLocale = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function getLocale(): Locale {
  return activeLocale;
}

/** A zh/en message pair (API and job errors, validation errors) in the active locale. */
export function localized(message: { messageZh: string; messageEn: string }): string {
  return activeLocale === 'zh-CN' ? message.messageZh : message.messageEn;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = catalogues[activeLocale][key] ?? zhCN[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
