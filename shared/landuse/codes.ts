/**
 * Land-use code normalisation and classification (rules.md §1.3, domain.md §1).
 *
 * Codes arrive in five schemes. 07/08/01 mean the same in GB/T 21010-2017 and the 2023 用地用海
 * classification, but 06, 10 and 0809/0810 do not, so the scheme must be known — declared on the
 * parcel (`useScheme`), implied by the code's shape (letters → GB 50137, three digits → 2007,
 * 三调 suffixes H/A/K → sandiao), or assumed (bare 2/4/6-digit codes → 2023, and the result says
 * it was assumed so the message can state it).
 */

import { text, type CodedText } from '../model/text';

export type UseScheme = '2023' | '2017' | 'sandiao' | '2007' | 'gb50137';

export const USE_SCHEMES: readonly UseScheme[] = ['2023', '2017', 'sandiao', '2007', 'gb50137'];

export const USE_SCHEME_LABEL_ZH: Record<UseScheme, string> = {
  '2023': '用地用海分类 2023',
  '2017': 'GB/T 21010-2017',
  sandiao: '三调工作分类',
  '2007': 'GB/T 21010-2007',
  gb50137: 'GB 50137-2011',
};

export const USE_SCHEME_LABEL_EN: Record<UseScheme, string> = {
  '2023': 'land and sea use classification 2023',
  '2017': 'GB/T 21010-2017',
  sandiao: 'third land survey working classification',
  '2007': 'GB/T 21010-2007',
  gb50137: 'GB 50137-2011',
};

/**
 * Codes read literally as 公共管理与公共服务 under 2017/三调/2007 but not under 2023 (公用设施,
 * 公园与绿地, 广场, 风景名胜设施). Treated as sensitive and flagged for manual classification.
 */
export const AMBIGUOUS_USE_CODES: readonly string[] = ['0809', '0810', '0810A', '088'];

export interface UseClass {
  /** The text as given. */
  raw: string;
  /** Normalised code (upper case, 三调 `K` suffix kept), or null when only an unknown name was given. */
  code: string | null;
  /** Name part, when the value carried one (`0701城镇住宅用地` → 城镇住宅用地). */
  name?: string;
  scheme: UseScheme;
  /** True when the scheme was neither declared nor implied by the code (default 2023). */
  schemeAssumed: boolean;
  /** False when the code is not a code of the scheme we could recognise: treat as unknown. */
  recognised: boolean;
  /** 一住两公 (住宅 + 公共管理与公共服务). */
  sensitive: boolean;
  /** One of AMBIGUOUS_USE_CODES: counted as sensitive, needs manual classification. */
  ambiguous: boolean;
  schoolOrResidential: boolean;
  /** 耕地. */
  farmland: boolean;
  /** 农用地 (耕地, 园地, 林地, 草地), as 沁政办发〔2021〕19号 uses it. */
  agricultural: boolean;
  /** 工矿用地. */
  industrialMining: boolean;
}

export interface ClassifyOptions {
  /** Declared scheme of the submission (`useScheme`), any of USE_SCHEMES. */
  declaredScheme?: string;
  /**
   * Profile override (rules.md §1.3): when given, a code is 一住两公 exactly when it starts with
   * one of these prefixes, and no code is reported as ambiguous — the profile has settled it.
   */
  sensitiveUsePrefixes?: readonly string[];
}

/** Names (without code) we can map, to a code and the scheme that code belongs to. */
const NAME_TABLE: Record<string, { code: string; scheme: UseScheme }> = {
  住宅用地: { code: '07', scheme: '2017' },
  居住用地: { code: '07', scheme: '2023' },
  城镇住宅用地: { code: '0701', scheme: '2023' },
  农村宅基地: { code: '0703', scheme: '2023' },
  城镇社区服务设施用地: { code: '0702', scheme: '2023' },
  农村社区服务设施用地: { code: '0704', scheme: '2023' },
  公共管理与公共服务用地: { code: '08', scheme: '2023' },
  机关团体用地: { code: '0801', scheme: '2023' },
  科研用地: { code: '0802', scheme: '2023' },
  文化用地: { code: '0803', scheme: '2023' },
  教育用地: { code: '0804', scheme: '2023' },
  中小学用地: { code: '080403', scheme: '2023' },
  幼儿园用地: { code: '080404', scheme: '2023' },
  体育用地: { code: '0805', scheme: '2023' },
  医疗卫生用地: { code: '0806', scheme: '2023' },
  社会福利用地: { code: '0807', scheme: '2023' },
  机关团体新闻出版用地: { code: '08H1', scheme: 'sandiao' },
  科教文卫用地: { code: '08H2', scheme: 'sandiao' },
  高教用地: { code: '08H2A', scheme: 'sandiao' },
  // These names are exactly the ambiguous 2017/三调 classes; keep them ambiguous.
  公用设施用地: { code: '0809', scheme: '2017' },
  公园与绿地: { code: '0810', scheme: '2017' },
  广场用地: { code: '0810A', scheme: 'sandiao' },
  耕地: { code: '01', scheme: '2023' },
  水田: { code: '0101', scheme: '2023' },
  水浇地: { code: '0102', scheme: '2023' },
  旱地: { code: '0103', scheme: '2023' },
  园地: { code: '02', scheme: '2023' },
  林地: { code: '03', scheme: '2023' },
  草地: { code: '04', scheme: '2023' },
  工矿用地: { code: '10', scheme: '2023' },
  工业用地: { code: '1001', scheme: '2023' },
  采矿用地: { code: '1002', scheme: '2023' },
  工矿仓储用地: { code: '06', scheme: '2017' },
  商业服务业用地: { code: '09', scheme: '2023' },
  商服用地: { code: '05', scheme: '2017' },
  交通运输用地: { code: '12', scheme: '2023' },
  仓储用地: { code: '11', scheme: '2023' },
};

// Numeric codes with the 三调 suffixes (08H2A, 0810A, 0301K), or a GB 50137 letter code (R2, A33)
// not followed by more Latin letters (so English words are not read as codes).
const CODE_PATTERN = /^([0-9]{2,6}(?:H[0-9])?A?K?|[A-Z][0-9]{0,3})(?![A-Z0-9])(.*)$/;

/**
 * Classifies a land-use value: a code (`0701`, `08H2A`, `072`, `R2`), a code with a name
 * (`0701城镇住宅用地`, `0701 城镇住宅用地`), or a known name alone (`住宅用地`). Returns undefined
 * for a missing value (unknown).
 */
export function classifyUse(value: unknown, options: ClassifyOptions = {}): UseClass | undefined {
  if (value === null || value === undefined) return undefined;
  const raw = String(value).trim();
  if (raw === '') return undefined;
  const declared = normaliseScheme(options.declaredScheme);

  // Full-width digits/letters occur in hand-typed spreadsheets.
  const text = raw.replace(/[０-９Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const compact = text.replace(/\s+/g, '');
  const match = CODE_PATTERN.exec(compact.toUpperCase());
  // A match must not swallow a Chinese name that merely starts with a Latin letter; the code part
  // is ASCII by construction of the pattern.
  if (match && match[1]) {
    const code = match[1];
    const name = compact.slice(code.length).trim() || undefined;
    return classifyCode(raw, code, name, declared);
  }
  const named = NAME_TABLE[compact];
  // A name fixes the class by itself, so the scheme is not "assumed".
  if (named) return classifyCode(raw, named.code, compact, declared ?? named.scheme);
  return unrecognised(raw, declared);
}

function classifyCode(raw: string, code: string, name: string | undefined, declared: UseScheme | undefined): UseClass {
  // The code's shape wins over a declaration: letters and three-digit codes identify themselves.
  let scheme: UseScheme;
  let schemeAssumed = false;
  if (/^[A-Z]/.test(code)) scheme = 'gb50137';
  else if (/^[0-9]{3}$/.test(code)) scheme = '2007';
  else if (/[HAK]/.test(code)) scheme = 'sandiao';
  else if (declared) scheme = declared;
  else {
    scheme = '2023';
    schemeAssumed = true;
  }
  const result = baseClass(raw, code, name, scheme, schemeAssumed);
  result.recognised = isRecognised(code, scheme);
  if (!result.recognised) return result;
  applyClasses(result);
  return result;
}

function baseClass(raw: string, code: string | null, name: string | undefined, scheme: UseScheme, schemeAssumed: boolean): UseClass {
  return {
    raw,
    code,
    ...(name ? { name } : {}),
    scheme,
    schemeAssumed,
    recognised: false,
    sensitive: false,
    ambiguous: false,
    schoolOrResidential: false,
    farmland: false,
    agricultural: false,
    industrialMining: false,
  };
}

function unrecognised(raw: string, declared: UseScheme | undefined): UseClass {
  return baseClass(raw, null, raw, declared ?? '2023', declared === undefined);
}

/** Top-level classes that exist in each numeric scheme (a sanity check against typos like `99`). */
function isRecognised(code: string, scheme: UseScheme): boolean {
  if (scheme === 'gb50137') return /^(R|A|B|M|W|S|U|G|H|E)/.test(code);
  const top = Number(code.slice(0, 2));
  switch (scheme) {
    case '2023':
      return top >= 0 && top <= 24 && /^[0-9]+$/.test(code) && code.length % 2 === 0;
    case '2017':
      return top >= 0 && top <= 12 && /^[0-9]{2}([0-9]{2})?A?$/.test(code);
    case 'sandiao':
      return top >= 0 && top <= 12;
    case '2007':
      return top >= 1 && top <= 12;
  }
}

function applyClasses(c: UseClass): void {
  const code = c.code as string;
  // 三调 `K` (可调整) marks adjustable land of the same class: 0301K is 0301 for classification.
  const bare = c.scheme === 'sandiao' ? code.replace(/K$/, '') : code;
  const starts = (...prefixes: string[]) => prefixes.some((p) => bare.startsWith(p));
  switch (c.scheme) {
    case '2023':
    case '2017':
    case 'sandiao':
      c.ambiguous = AMBIGUOUS_USE_CODES.includes(bare);
      c.sensitive = starts('07', '08');
      c.schoolOrResidential =
        starts('07') ||
        (c.scheme === '2023' && starts('0804')) ||
        (c.scheme === '2017' && bare === '0803') ||
        // 三调 08H2A 高教用地 is education by name; 08H2 (科教文卫 mixed) is not assumed to be.
        (c.scheme === 'sandiao' && (bare === '0803' || bare === '08H2A'));
      c.farmland = starts('01');
      c.agricultural = starts('01', '02', '03', '04');
      c.industrialMining = c.scheme === '2023' ? starts('10') : starts('06');
      break;
    case '2007':
      c.ambiguous = AMBIGUOUS_USE_CODES.includes(bare);
      c.sensitive = /^07[1-7]$/.test(bare) || /^08[1-8]$/.test(bare);
      c.schoolOrResidential = starts('07');
      c.farmland = starts('01');
      c.agricultural = starts('01', '02', '03', '04');
      // 06 工矿仓储用地 means the same in 2007 as in 2017.
      c.industrialMining = starts('06');
      break;
    case 'gb50137':
      c.sensitive = starts('R', 'A');
      c.schoolOrResidential = starts('R') || bare.startsWith('A33');
      c.industrialMining = starts('M');
      break;
  }
}

/** Applies the profile's `sensitiveUsePrefixes` override to a classification. */
export function withSensitiveOverride(c: UseClass, prefixes: readonly string[] | undefined): UseClass {
  if (!prefixes || !c.code) return c;
  const code = c.code.replace(/K$/, '');
  return { ...c, sensitive: prefixes.some((p) => code.startsWith(p.toUpperCase())), ambiguous: false };
}

/** Classify, then apply the profile override. */
export function classifyUseForProfile(value: unknown, options: ClassifyOptions = {}): UseClass | undefined {
  const c = classifyUse(value, options);
  return c && c.recognised ? withSensitiveOverride(c, options.sensitiveUsePrefixes) : c;
}

export function normaliseScheme(value: unknown): UseScheme | undefined {
  if (value === null || value === undefined) return undefined;
  const v = String(value).trim().toLowerCase();
  if ((USE_SCHEMES as readonly string[]).includes(v)) return v as UseScheme;
  const aliases: Record<string, UseScheme> = {
    用地用海: '2023',
    'gb/t 21010-2017': '2017',
    三调: 'sandiao',
    'gb/t 21010-2007': '2007',
    'gb 50137': 'gb50137',
  };
  return aliases[v];
}

/**
 * Short description for messages: `0701（用地用海分类 2023）`, or `0701（按用地用海分类 2023 推定）` when
 * the submission declared no scheme. A parcel's messages repeat it, so it stays short; each message
 * must still say the scheme was assumed, because findings are read one by one (exports, the PDF).
 */
/** describeUse as a coded text (shared/rules/messages.ts), for the reader's language. */
export function describeUseText(c: UseClass): CodedText {
  return text(c.schemeAssumed ? 'finding.useAssumed' : 'finding.useDeclared', { code: c.code ?? c.raw, scheme: text(`finding.scheme.${c.scheme}`) });
}

export function describeUse(c: UseClass): string {
  const label = c.code ?? c.raw;
  const scheme = USE_SCHEME_LABEL_ZH[c.scheme];
  return c.schemeAssumed ? `${label}（按${scheme} 推定）` : `${label}（${scheme}）`;
}
