/**
 * Words the Node side sends for a person to read (findings, 需补充, conditions, import notes), as
 * a code with parameters rather than a finished sentence, so each reader gets them in their own
 * language: the check output, the CLI and the PDF render them with the Chinese catalogue, the UI
 * with the catalogue of the locale in force. A parameter is data (an id, a name, a figure already
 * formatted), another coded text (a phrase: a feature's label, an area, a land-use code) or a list
 * of either.
 */

export interface CodedText {
  code: string;
  params?: Record<string, TextParam>;
}

/**
 * A list joined in the reader's language: `semicolon` (；/ ;) between clauses, `enum` (、/ ,)
 * between names, `sentence` (。/ .) between sentences.
 */
export interface TextList {
  list: TextParam[];
  sep: 'semicolon' | 'enum' | 'sentence';
}

export type TextParam = string | number | CodedText | TextList;

export function text(code: string, params?: Record<string, TextParam>): CodedText {
  return params ? { code, params } : { code };
}

export function textList(list: TextParam[], sep: TextList['sep']): TextList {
  return { list, sep };
}

export function isCodedText(value: unknown): value is CodedText {
  return typeof value === 'object' && value !== null && typeof (value as CodedText).code === 'string' && !Array.isArray(value);
}

function isTextList(value: unknown): value is TextList {
  return typeof value === 'object' && value !== null && Array.isArray((value as TextList).list);
}

/** How one language renders: its templates by code, and its list separators. */
export interface TextLanguage {
  template(code: string): string | undefined;
  separators: Record<TextList['sep'], string>;
}

export const ZH_SEPARATORS: TextLanguage['separators'] = { semicolon: '；', enum: '、', sentence: '。' };
export const EN_SEPARATORS: TextLanguage['separators'] = { semicolon: '; ', enum: ', ', sentence: '. ' };

/**
 * The text in one language: `{name}` placeholders filled from the parameters, nested texts and
 * lists rendered first. An unknown code renders as the code itself and an unknown placeholder
 * stays visible, so a gap in a catalogue shows instead of silently losing words.
 */
export function renderText(value: TextParam, language: TextLanguage): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isTextList(value)) return value.list.map((item) => renderText(item, language)).join(language.separators[value.sep]);
  if (!isCodedText(value)) return String(value);
  const template = language.template(value.code);
  if (template === undefined) return value.code;
  const params = value.params;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params && params[name] !== undefined ? renderText(params[name], language) : whole));
}

/** A stable key for a text (equal texts, equal keys): to keep each of a list once. */
export function textKey(value: TextParam): string {
  return JSON.stringify(value);
}
