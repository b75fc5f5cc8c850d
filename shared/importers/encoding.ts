/**
 * Text encodings of attribute and text files (pure: WHATWG `TextDecoder` only, which in Node 20
 * with full ICU and in Chromium knows gbk, gb18030, big5, windows-125x, …).
 *
 * Resolution order for a shapefile's DBF: language-driver byte → `.cpg` → detection →
 * user override (the override wins). Other text formats use detection → override.
 */
import { UserInputError } from '../model/errors';
import { text } from '../model/text';
import type { ByteSource, Detected } from './types';

/** Labels we normalise to, all accepted by TextDecoder. */
export type EncodingLabel = string;

const LABEL_ALIASES: Array<[RegExp, string]> = [
  [/^(?:utf-?8|65001|cp65001)$/i, 'utf-8'],
  [/^(?:ansi\s*|cp|ms|windows-?|x-?cp)?936$/i, 'gbk'],
  [/^(?:gbk|gb2312|gb-2312|euc-cn|x-gbk|chinese)$/i, 'gbk'],
  [/^(?:gb18030|54936|cp54936)$/i, 'gb18030'],
  [/^(?:big-?5|(?:ansi\s*|cp|ms)?950|big5-hkscs)$/i, 'big5'],
  [/^(?:ansi\s*|cp|windows-?|ms)?(125[0-8])$/i, 'windows-$1'],
  [/^(?:iso-?8859-?1|latin-?1|88591|28591|ascii|us-ascii)$/i, 'windows-1252'],
  [/^(?:iso-?8859-?(\d+)|8859(\d+))$/i, 'iso-8859-$1$2'],
  [/^(?:shift_jis|sjis|(?:ansi\s*|cp)?932)$/i, 'shift_jis'],
  [/^(?:euc-?kr|(?:ansi\s*|cp)?949)$/i, 'euc-kr'],
  [/^(?:utf-?16(?:le)?)$/i, 'utf-16le'],
];

/** Normalises a user- or file-supplied encoding name (`936`, `ANSI 936`, `CP936` → `gbk`); undefined when unknown. */
export function normalizeEncoding(name: string): EncodingLabel | undefined {
  const trimmed = name.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return undefined;
  for (const [re, label] of LABEL_ALIASES) {
    if (re.test(trimmed)) {
      const resolved = trimmed.replace(re, label);
      return isSupportedEncoding(resolved) ? resolved.toLowerCase() : undefined;
    }
  }
  return isSupportedEncoding(trimmed) ? trimmed.toLowerCase() : undefined;
}

export function isSupportedEncoding(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Encoding label for a user override; throws a zh UserInputError for unknown names. */
export function requireEncoding(name: string): EncodingLabel {
  const label = normalizeEncoding(name);
  if (!label) {
    throw new UserInputError('import.encoding', `不认识的字符编码“${name}”。可用例如 gbk、utf-8、gb18030、big5、windows-1250。`, `Unknown encoding "${name}".`);
  }
  return label;
}

/** Human label for the preview: gbk → “GBK”. */
export function encodingLabelZh(label: string): string {
  return label === 'utf-8' ? 'UTF-8' : label.toUpperCase();
}

/** True when the bytes are valid UTF-8 (ASCII counts as valid). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return true;
  return false;
}

/**
 * Guesses the encoding of bytes that are not declared: ASCII → utf-8 (certain: it does not
 * matter); valid UTF-8 with multi-byte sequences → utf-8; otherwise GB18030 heuristics: the share
 * of two-byte sequences that are common GB2312 hanzi (lead 0xB0–0xF7, trail 0xA1–0xFE) or GB
 * punctuation (lead 0xA1–0xA3). High share → gbk (a proposal shown in the preview), low → also a
 * proposal but flagged as doubtful.
 */
export function detectEncoding(bytes: Uint8Array): Detected<EncodingLabel> {
  if (!hasHighBytes(bytes)) return { value: 'utf-8', source: 'heuristic', confidence: 'certain', note: text('importNote.enc.ascii') };
  if (isValidUtf8(bytes)) return { value: 'utf-8', source: 'heuristic', confidence: 'certain', note: text('importNote.enc.utf8') };
  const census = new GbkCensus();
  census.add(bytes, true);
  return gbkProposal(census.share());
}

/**
 * The GBK heuristic's counts over bytes that arrive in chunks: two-byte sequences, those that
 * are common hanzi or punctuation, and high bytes that start no sequence.
 */
class GbkCensus {
  private pairs = 0;
  private common = 0;
  private invalid = 0;
  /** A lead byte that ended the previous chunk, waiting for its trail byte. */
  private lead = -1;

  add(bytes: Uint8Array, last: boolean): void {
    let i = 0;
    if (this.lead >= 0 && bytes.length > 0) {
      if (this.pair(this.lead, bytes[0])) i++;
      else this.invalid++;
      this.lead = -1;
    }
    for (; i < bytes.length; i++) {
      const b = bytes[i];
      if (b < 0x80) continue;
      if (i + 1 === bytes.length && !last) {
        this.lead = b;
        break;
      }
      if (this.pair(b, bytes[i + 1] ?? 0)) i++;
      else this.invalid++;
    }
  }

  private pair(b: number, t: number): boolean {
    if (!(b >= 0x81 && b <= 0xfe && t >= 0x40 && t <= 0xfe && t !== 0x7f)) return false;
    this.pairs++;
    if (((b >= 0xb0 && b <= 0xf7) || (b >= 0xa1 && b <= 0xa3)) && t >= 0xa1) this.common++;
    return true;
  }

  share(): number {
    if (this.lead >= 0) this.invalid++;
    this.lead = -1;
    return this.pairs === 0 ? 0 : this.common / (this.pairs + this.invalid);
  }
}

/**
 * `detectEncoding` over a file read in chunks (a large CSV is never held whole): one pass that
 * looks for high bytes, checks UTF-8 validity with a streaming decoder and counts GBK pairs.
 */
export function detectEncodingOf(source: ByteSource, chunk = 1 << 20): Detected<EncodingLabel> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let high = false;
  let validUtf8 = true;
  const census = new GbkCensus();
  for (let at = 0; at < source.size; at += chunk) {
    const bytes = source.read(at, chunk);
    const last = at + chunk >= source.size;
    if (!high && hasHighBytes(bytes)) high = true;
    if (validUtf8) {
      try {
        utf8.decode(bytes, { stream: !last });
      } catch {
        validUtf8 = false;
      }
    }
    census.add(bytes, last);
  }
  if (!high) return { value: 'utf-8', source: 'heuristic', confidence: 'certain', note: text('importNote.enc.ascii') };
  if (validUtf8) return { value: 'utf-8', source: 'heuristic', confidence: 'certain', note: text('importNote.enc.utf8') };
  return gbkProposal(census.share());
}

function gbkProposal(share: number): Detected<EncodingLabel> {
  const pct = Math.round(share * 100);
  return { value: 'gbk', source: 'heuristic', confidence: 'proposed', note: text(share >= 0.6 ? 'importNote.enc.gbk' : 'importNote.enc.gbkDoubtful', { pct }) };
}

/** Decodes bytes with a label (BOM stripped). */
export function decodeText(bytes: Uint8Array, label: EncodingLabel): string {
  const text = new TextDecoder(label).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Decodes a whole text file: user override, else UTF-8 BOM / valid UTF-8, else the GBK heuristic. */
export function decodeTextFile(bytes: Uint8Array, override?: string): { text: string; encoding: Detected<EncodingLabel> } {
  if (override) {
    const label = requireEncoding(override);
    return { text: decodeText(bytes, label), encoding: { value: label, source: 'user', confidence: 'certain' } };
  }
  const encoding = detectEncoding(bytes);
  return { text: decodeText(bytes, encoding.value), encoding };
}
