/**
 * `.prj` WKT (ESRI or OGC WKT1) → EPSG code (pure). Recognises what Chinese data actually carries:
 * CGCS2000 geographic in its several spellings (incl. ArcGIS's odd `GEOGCS["CGCS_2000",
 * DATUM["D_2000",…]]`), ESRI `Gauss_Kruger` / `Transverse_Mercator` with the false easting and
 * central meridian deciding the 3°/6° zone and prefix, WGS84, Web Mercator, and Xian 1980 /
 * Beijing 1954 (returned as their EPSG code, which the CRS layer refuses without user parameters).
 *
 * A `.prj` cannot reveal GCJ-02 data labelled WGS84 (see the offset check in offset.ts).
 */
import { isKnownCrs, needsTransformationParameters } from './index';
import { text, type CodedText } from '../model/text';

export type WktNode = { keyword: string; values: Array<string | number | WktNode> };

export interface PrjResult {
  /** `EPSG:n`, or null when not recognised. */
  code: string | null;
  /** How it was read, for the preview / error, coded (importNote.prj.* in shared/importers/messages.ts). */
  note: CodedText;
  /** The root name, e.g. `CGCS2000_3_Degree_GK_Zone_37`. */
  name: string;
}

/** Minimal WKT1 parser (brackets or parentheses, quoted strings, numbers, bare words). */
export function parseWkt(text: string): WktNode {
  let i = 0;
  const s = text.trim();
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const node = (): WktNode => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (!m) throw new Error(`keyword expected at ${i}`);
    i += m[0].length;
    ws();
    const values: WktNode['values'] = [];
    if (s[i] !== '[' && s[i] !== '(') return { keyword: m[0].toUpperCase(), values };
    const close = s[i] === '[' ? ']' : ')';
    i++;
    for (;;) {
      ws();
      if (s[i] === '"') {
        const end = s.indexOf('"', i + 1);
        if (end < 0) throw new Error('unterminated string');
        values.push(s.slice(i + 1, end));
        i = end + 1;
      } else if (/[-+.\d]/.test(s[i] ?? '')) {
        const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i));
        if (!num) throw new Error(`number expected at ${i}`);
        values.push(Number(num[0]));
        i += num[0].length;
      } else {
        values.push(node());
      }
      ws();
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === close) {
        i++;
        return { keyword: m[0].toUpperCase(), values };
      }
      throw new Error(`',' or '${close}' expected at ${i}`);
    }
  };
  const root = node();
  return root;
}

function child(n: WktNode, keyword: string): WktNode | undefined {
  return n.values.find((v): v is WktNode => typeof v === 'object' && v.keyword === keyword);
}

function children(n: WktNode, keyword: string): WktNode[] {
  return n.values.filter((v): v is WktNode => typeof v === 'object' && v.keyword === keyword);
}

function nameOf(n: WktNode | undefined): string {
  return typeof n?.values[0] === 'string' ? n.values[0] : '';
}

type Datum = 'cgcs2000' | 'wgs84' | 'xian80' | 'beijing54' | 'unknown';

function datumOf(geogcs: WktNode): Datum {
  const datum = child(geogcs, 'DATUM');
  const spheroid = datum && child(datum, 'SPHEROID');
  const names = `${nameOf(geogcs)} ${nameOf(datum)} ${nameOf(spheroid)}`.toLowerCase();
  if (/xian|xi'an|西安|iag_?1975|iau_?1976/.test(names)) return 'xian80';
  if (/beijing|北京|krasovsk/.test(names)) return 'beijing54';
  if (/cgcs|china_2000|china_geodetic|china 2000|d_2000|s_2000|2000国家/.test(names)) return 'cgcs2000';
  if (/wgs_?\s?1984|wgs_?\s?84/.test(names)) return 'wgs84';
  const a = Number(spheroid?.values[1]);
  const rf = Number(spheroid?.values[2]);
  if (a === 6378137 && Math.abs(rf - 298.257222101) < 1e-6) return 'cgcs2000';
  if (a === 6378137 && Math.abs(rf - 298.257223563) < 1e-6) return 'wgs84';
  if (a === 6378140) return 'xian80';
  if (a === 6378245) return 'beijing54';
  return 'unknown';
}

function parameters(projcs: WktNode): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of children(projcs, 'PARAMETER')) out.set(nameOf(p).toLowerCase().replace(/\s+/g, '_'), Number(p.values[1]));
  return out;
}

/** A datum as notes name it (crsName.datum.*). */
const datumName = (datum: Datum): CodedText => text(`crsName.datum.${datum}`);

/** EPSG code of a Gauss-Krüger / TM definition on a Chinese datum, or null. */
function gaussKrugerCode(datum: Datum, cm: number, fe: number, name: string): string | null {
  const threeDegreeName = /3[-_ ]?degree|3度|三度|3°/i.test(name);
  const sixDegreeName = !threeDegreeName && /(gk|gauss[-_ ]kruger)[-_ ](zone|cm)|6[-_ ]?degree|6度/i.test(name);
  let width: 3 | 6 | null = null;
  let zone = 0;
  let prefixed = false;
  if (fe === 500000) {
    if (!Number.isInteger(cm) || cm % 3 !== 0) return null;
    // CM multiple of 6 minus 3 could be either 3° or 6° (identical projection): the name decides, else 3°.
    if (sixDegreeName && (cm + 3) % 6 === 0) {
      width = 6;
      zone = (cm + 3) / 6;
    } else {
      width = 3;
      zone = cm / 3;
    }
  } else if (fe > 1e6 && (fe - 500000) % 1e6 === 0) {
    prefixed = true;
    zone = (fe - 500000) / 1e6;
    if (zone * 3 === cm) width = 3;
    else if (zone * 6 - 3 === cm) width = 6;
    else return null;
  } else return null;
  const bases = {
    cgcs2000: { 3: prefixed ? 4488 : 4509, 6: prefixed ? 4478 : 4489 },
    xian80: { 3: prefixed ? 2324 : 2345, 6: prefixed ? 2314 : 2325 },
    beijing54: { 3: prefixed ? 2376 : 2397, 6: prefixed ? 21400 : 21440 },
  } as const;
  if (datum !== 'cgcs2000' && datum !== 'xian80' && datum !== 'beijing54') return null;
  if (width === 3 && (zone < 25 || zone > 45)) return null;
  if (width === 6 && (zone < 13 || zone > 23)) return null;
  return `EPSG:${bases[datum][width!] + zone}`;
}

/** Interprets a `.prj` text. Never throws: unrecognised or broken WKT gives code null with a note. */
export function crsFromPrj(prjText: string): PrjResult {
  const clean = prjText.replace(/^\uFEFF/, '').trim();
  if (clean === '') return { code: null, note: text('importNote.prj.empty'), name: '' };
  let root: WktNode;
  try {
    root = parseWkt(clean);
  } catch {
    return { code: null, note: text('importNote.prj.invalid', { text: clean.slice(0, 60) }), name: '' };
  }
  const name = nameOf(root);
  // OGC WKT with an EPSG authority on the root (GDAL-written) is taken at its word for codes we know.
  const authority = child(root, 'AUTHORITY');
  const authCode = authority && String(authority.values[0]).toUpperCase() === 'EPSG' ? `EPSG:${authority.values[1]}` : null;
  if (authCode && (isKnownCrs(authCode) || needsTransformationParameters(authCode))) {
    return { code: authCode, name, note: text('importNote.prj.epsg', { code: authCode, name }) };
  }

  if (root.keyword === 'GEOGCS') {
    const datum = datumOf(root);
    const code = { cgcs2000: 'EPSG:4490', wgs84: 'EPSG:4326', xian80: 'EPSG:4610', beijing54: 'EPSG:4214', unknown: null }[datum];
    return { code: code ?? authCode, name, note: code ? text('importNote.prj.geographic', { datum: datumName(datum), name, code }) : text('importNote.prj.unknownGeographic', { name }) };
  }
  if (root.keyword === 'PROJCS') {
    const geogcs = child(root, 'GEOGCS');
    const datum = geogcs ? datumOf(geogcs) : 'unknown';
    const projection = nameOf(child(root, 'PROJECTION')).toLowerCase();
    const params = parameters(root);
    const unit = child(root, 'UNIT');
    const unitFactor = Number(unit?.values[1] ?? 1);
    if (/mercator_auxiliary_sphere|popular_visualisation|pseudo_mercator/.test(projection) || /web_mercator|pseudo-mercator|3857/i.test(name)) {
      return { code: 'EPSG:3857', name, note: text('importNote.prj.webMercator', { name }) };
    }
    if (/gauss_kruger|transverse_mercator|gauss-kruger|tmerc/.test(projection)) {
      const cm = params.get('central_meridian') ?? params.get('longitude_of_center') ?? NaN;
      const fe = params.get('false_easting') ?? 0;
      const fn = params.get('false_northing') ?? 0;
      const k = params.get('scale_factor') ?? 1;
      const lat0 = params.get('latitude_of_origin') ?? 0;
      if (k === 1 && fn === 0 && lat0 === 0 && unitFactor === 1) {
        const code = gaussKrugerCode(datum, cm, fe, name);
        if (code) return { code, name, note: text('importNote.prj.gk', { datum: datumName(datum), name, cm, fe, code }) };
      }
      return {
        code: null,
        name,
        note: text('importNote.prj.unsupportedGk', { name, datum: datumName(datum), cm, k, fe }),
      };
    }
    return { code: null, name, note: text('importNote.prj.unsupportedProjection', { name, projection: nameOf(child(root, 'PROJECTION')) }) };
  }
  return { code: null, name, note: text('importNote.prj.unsupportedRoot', { keyword: root.keyword }) };
}
