/**
 * 自然资源部 boundary-point TXT (界址点坐标, 勘测定界/报批 exchange format, domain.md §5) → parcels
 * (pure). `[属性描述]` key=value lines give the CRS (坐标系 + 几度分带 + 带号); `[地块坐标]` holds
 * one header line per parcel (fields up to the literal `@`, any count) followed by point lines
 * `点号,圈号,X,Y` with X = northing and Y = easting (with zone prefix, usually).
 *
 * Tolerated and reported: GBK or UTF-8 (with BOM), CRLF/LF, full-width brackets/commas, X/Y written
 * the other way round (decided by magnitude), unclosed rings (closed), 带号 disagreeing with the
 * coordinate prefix (the prefix wins), duplicate 点号 with different coordinates, header area vs
 * computed area (planar GK area in the file's zone — what 报批 reports — and geodesic). Outer rings
 * vs holes and the parts of a multipart parcel are decided by containment, never by 圈号.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { transformer, withTowgs84 } from '../crs';
import { geodesicAreaM2 } from '../geo/geodesy';
import { UserInputError } from '../model/errors';
import { text as noteText, type CodedText, type TextParam } from '../model/text';
import { importNoteEn, importNoteZh } from './messages';
import { decodeTextFile } from './encoding';
import type { Detected, FormatModule, ParsedLayer, ParsedSource, ParseOptions, SourceFile } from './types';
import { pointInRing, signedRingArea } from '../geo/rings';

/** Names of the header-line fields in the standard order (8), the 土地整治 variant adds 5. */
export const TXT_HEADER_FIELDS = ['界址点数', '地块面积', '地块编号', '地块名称', '记录图形属性', '图幅号', '地块用途', '地类编码'];
export const TXT_HEADER_FIELDS_EXT = ['图斑类型', '地类', '改造前平均质量等别', '改造后平均质量等别', '备注'];

/** Tolerance of header area vs computed planar area before a warning, as a fraction. */
export const AREA_TOLERANCE = 0.005;

export interface TxtHeader {
  coordinateSystem: string;
  /** 3 or 6, null when absent. */
  zoneWidth: number | null;
  /** 带号 from the header, null when absent/blank. */
  zone: number | null;
  transformParams: string;
  raw: Record<string, string>;
}

export interface TxtParcelReport {
  id: string;
  name: string;
  /** Header 地块面积 in 公顷 (null when blank/not a number). */
  headerAreaHa: number | null;
  /** Planar area in the file's GK plane (坐标解析法), 公顷. */
  planarAreaHa: number;
  /** Geodesic area on the CGCS2000 ellipsoid, 公顷. */
  geodesicAreaHa: number;
  /** (header − planar) / planar, null when no header area. */
  areaDifference: number | null;
  rings: number;
  parts: number;
  holes: number;
}

interface PointRecord {
  label: string;
  ring: string;
  north: number;
  east: number;
  line: number;
}

interface ParcelRecord {
  fields: string[];
  line: number;
  points: PointRecord[];
}

const fullWidth = (text: string) =>
  text
    .replace(/【/g, '[')
    .replace(/】/g, ']')
    .replace(/，/g, ',')
    .replace(/＠/g, '@')
    .replace(/＝/g, '=');

function fail(fileName: string, code: string, zh: string, en: string): UserInputError {
  return new UserInputError(code, `文件“${fileName}”${zh}`, `"${fileName}": ${en}`);
}

function looksLikeTxt(text: string): boolean {
  return /[[【]\s*地块坐标\s*[\]】]/.test(text) || (/[[【]\s*属性描述\s*[\]】]/.test(text) && /@/.test(text));
}

export function sniffBoundaryTxt(files: SourceFile[]): boolean {
  if (files.length !== 1) return false;
  const file = files[0];
  if (!/\.(txt|dat)$/i.test(file.name)) return false;
  const head = file.bytes.subarray(0, 4096);
  for (const label of ['utf-8', 'gbk']) {
    try {
      if (looksLikeTxt(new TextDecoder(label).decode(head))) return true;
    } catch {
      /* decoder unavailable */
    }
  }
  return false;
}

/** Splits a line on commas after stripping bracket/parenthesis wrappers some tools add. */
function splitFields(line: string): string[] {
  return line
    .replace(/^[([{（]\s*/, '')
    .replace(/\s*[)\]}）]$/, '')
    .split(',')
    .map((f) => f.trim());
}

function parseHeaderSection(lines: Array<{ text: string; line: number }>): TxtHeader {
  const raw: Record<string, string> = {};
  for (const { text } of lines) {
    const eq = text.indexOf('=');
    if (eq < 0) continue;
    raw[text.slice(0, eq).trim()] = text.slice(eq + 1).trim();
  }
  const widthText = raw['几度分带'] ?? raw['分带'] ?? raw['分带方式'] ?? '';
  const widthMatch = /([36])/.exec(widthText);
  const zoneText = raw['带号'] ?? '';
  const zoneMatch = /(\d{1,2})/.exec(zoneText);
  return {
    coordinateSystem: raw['坐标系'] ?? '',
    zoneWidth: widthMatch ? Number(widthMatch[1]) : null,
    zone: zoneMatch ? Number(zoneMatch[1]) : null,
    transformParams: raw['转换参数'] ?? '',
    raw,
  };
}

type Datum = 'cgcs2000' | 'xian80' | 'beijing54' | 'unknown';

function datumOf(name: string): Datum {
  const n = name.replace(/\s/g, '');
  if (n === '') return 'unknown';
  if (/2000|CGCS/i.test(n)) return 'cgcs2000';
  if (/西安|80|xian/i.test(n)) return 'xian80';
  if (/北京|54|beijing/i.test(n)) return 'beijing54';
  return 'unknown';
}

/** EPSG code of a CGCS2000 GK zone: 3° 25–45 / 6° 13–23, with or without the zone prefix. */
export function cgcs2000GkCode(zoneWidth: 3 | 6, zone: number, prefixed: boolean): string | null {
  if (zoneWidth === 3 && zone >= 25 && zone <= 45) return `EPSG:${(prefixed ? 4488 : 4509) + zone}`;
  if (zoneWidth === 6 && zone >= 13 && zone <= 23) return `EPSG:${(prefixed ? 4478 : 4489) + zone}`;
  return null;
}

/** EPSG code of a Xian 1980 / Beijing 1954 GK zone (needs user parameters before use, shared/crs). */
export function legacyGkCode(datum: 'xian80' | 'beijing54', zoneWidth: 3 | 6, zone: number, prefixed: boolean): string | null {
  if (zoneWidth === 3 && zone >= 25 && zone <= 45) {
    if (datum === 'xian80') return `EPSG:${(prefixed ? 2324 : 2345) + zone}`;
    return `EPSG:${(prefixed ? 2376 : 2397) + zone}`;
  }
  if (zoneWidth === 6 && zone >= 13 && zone <= 23) {
    if (datum === 'xian80') return `EPSG:${(prefixed ? 2314 : 2325) + zone}`;
    return `EPSG:${(prefixed ? 21400 : 21440) + zone}`;
  }
  return null;
}

/** Inverse of cgcs2000GkCode. */
export function gkZoneOfCode(code: string): { zoneWidth: 3 | 6; zone: number; prefixed: boolean } | null {
  const m = /^EPSG:(\d+)$/.exec(code);
  if (!m) return null;
  const n = Number(m[1]);
  if (n >= 4513 && n <= 4533) return { zoneWidth: 3, zone: n - 4488, prefixed: true };
  if (n >= 4534 && n <= 4554) return { zoneWidth: 3, zone: n - 4509, prefixed: false };
  if (n >= 4491 && n <= 4501) return { zoneWidth: 6, zone: n - 4478, prefixed: true };
  if (n >= 4502 && n <= 4512) return { zoneWidth: 6, zone: n - 4489, prefixed: false };
  return null;
}



/** A ring lies inside another when most of its vertices do (robust to shared boundary points). */
function ringInside(inner: readonly Position[], outer: readonly Position[]): boolean {
  let inside = 0;
  let total = 0;
  for (let i = 0; i < inner.length - 1; i++) {
    total++;
    if (pointInRing(inner[i], outer)) inside++;
  }
  return total > 0 && inside * 2 > total;
}

/** Rings (closed, planar x/y) → polygons [shell, ...holes]: containment decides, not ring numbers. */
export function assemblePolygons(rings: Position[][]): Position[][][] {
  const ordered = rings.map((ring) => ({ ring, area: Math.abs(signedRingArea(ring)) })).sort((a, b) => b.area - a.area);
  const polygons: Array<{ shell: Position[]; holes: Position[][]; depth: number }> = [];
  for (const { ring } of ordered) {
    // innermost containing polygon (shell) decides: inside a shell and not inside one of its holes → hole
    let container: (typeof polygons)[number] | null = null;
    for (const polygon of polygons) {
      if (ringInside(ring, polygon.shell) && (!container || polygon.depth >= container.depth)) container = polygon;
    }
    if (container && !container.holes.some((hole) => ringInside(ring, hole))) {
      container.holes.push(ring);
    } else {
      polygons.push({ shell: ring, holes: [], depth: container ? container.depth + 2 : 0 });
    }
  }
  // RFC 7946 orientation: shells counter-clockwise, holes clockwise
  const orient = (ring: Position[], ccw: boolean) => (signedRingArea(ring) > 0 === ccw ? ring : [...ring].reverse());
  return polygons.map((p) => [orient(p.shell, true), ...p.holes.map((h) => orient(h, false))]);
}

function planarArea(polygons: Position[][][]): number {
  let sum = 0;
  for (const rings of polygons) rings.forEach((ring, i) => (sum += (i === 0 ? 1 : -1) * Math.abs(signedRingArea(ring))));
  return sum;
}

function toNumber(text: string): number {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
}

const fmtHa = (v: number) => v.toFixed(4);

export function parseBoundaryTxt(file: SourceFile, options: ParseOptions = {}): ParsedSource {
  const fileName = file.name;
  const { text: rawText, encoding } = decodeTextFile(file.bytes, options.encoding);
  const text = fullWidth(rawText.replace(/^\uFEFF/, ''));
  // with a wrong user-chosen encoding the section names are mojibake: accept any bracketed section + an @ line
  if (!looksLikeTxt(text) && !(/^\s*\[[^\]\n]*\]\s*$/m.test(text) && /@\s*$/m.test(text))) {
    throw fail(fileName, 'import.txt-no-section', '不是界址点坐标 TXT 文件：没有找到 [地块坐标] 段。', 'not a boundary-point TXT file: no [地块坐标] section.');
  }
  const warnings: CodedText[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  const sections = new Map<string, Array<{ text: string; line: number }>>();
  let current = '';
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const section = /^\[\s*(.+?)\s*\]$/.exec(trimmed);
    if (section) {
      current = section[1];
      if (!sections.has(current)) sections.set(current, []);
      return;
    }
    if (!sections.has(current)) sections.set(current, []);
    sections.get(current)!.push({ text: trimmed, line: index + 1 });
  });
  const header = parseHeaderSection(sections.get('属性描述') ?? []);
  const body = sections.get('地块坐标') ?? [...sections.values()].find((lines) => lines.some((l) => l.text.includes('@')));
  if (!body || body.length === 0) {
    throw fail(fileName, 'import.txt-empty', '的 [地块坐标] 段是空的，没有任何地块。', 'the [地块坐标] section is empty.');
  }

  // --- records
  const parcels: ParcelRecord[] = [];
  for (const { text: lineText, line } of body) {
    if (lineText.includes('@')) {
      const fields = splitFields(lineText.slice(0, lineText.indexOf('@')));
      if (fields.length > 0 && fields[fields.length - 1] === '') fields.pop(); // the comma before @
      parcels.push({ fields, line, points: [] });
      continue;
    }
    const fields = splitFields(lineText);
    if (parcels.length === 0) {
      throw fail(fileName, 'import.txt-syntax', `第 ${line} 行：坐标行“${lineText}”之前没有地块属性行（以 @ 结尾）。`, `line ${line}: point line before any parcel header line (ending with @).`);
    }
    if (fields.length < 4) {
      throw fail(fileName, 'import.txt-syntax', `第 ${line} 行“${lineText}”不是“点号,圈号,X,Y”格式的坐标行。`, `line ${line}: not a "点号,圈号,X,Y" point line.`);
    }
    const a = toNumber(fields[2]);
    const b = toNumber(fields[3]);
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw fail(fileName, 'import.txt-number', `第 ${line} 行的坐标“${fields[2]},${fields[3]}”不是数字。`, `line ${line}: coordinates "${fields[2]},${fields[3]}" are not numbers.`);
    }
    parcels[parcels.length - 1].points.push({ label: fields[0], ring: fields[1], north: a, east: b, line });
  }
  if (parcels.length === 0) {
    throw fail(fileName, 'import.txt-empty', '的 [地块坐标] 段没有地块属性行（以 @ 结尾的行）。', 'no parcel header lines (ending with @).');
  }

  // --- X/Y order by magnitude: northing in China is 1e6..1e7; easting is < 1e6 or has a zone prefix (≥ 1e7)
  const all = parcels.flatMap((p) => p.points);
  if (all.length === 0) throw fail(fileName, 'import.txt-empty', '没有任何界址点坐标行。', 'no point lines.');
  const isNorthing = (v: number) => v >= 1e6 && v < 1e7;
  const standard = all.filter((p) => isNorthing(p.north) && !isNorthing(p.east)).length;
  const swapped = all.filter((p) => isNorthing(p.east) && !isNorthing(p.north)).length;
  let swap = false;
  if (swapped > standard) {
    swap = true;
    warnings.push(noteText('importNote.txt.swapped'));
    for (const p of all) [p.north, p.east] = [p.east, p.north];
  } else if (standard === 0) {
    throw fail(
      fileName,
      'import.txt-magnitude',
      `的坐标数值不像高斯-克吕格平面坐标（北坐标应为 7 位整数，东坐标 6 位或含带号 8 位），例如第 ${all[0].line} 行“${all[0].north},${all[0].east}”。`,
      `coordinates do not look like Gauss-Krüger metres (line ${all[0].line}).`,
    );
  }

  // --- zone: prefix of the eastings vs 带号
  const prefixes = new Set(all.map((p) => (p.east >= 1e7 ? Math.floor(p.east / 1e6) : 0)));
  if (prefixes.size > 1) {
    throw fail(fileName, 'import.txt-mixed-zones', `的东坐标带号前缀不一致（${[...prefixes].map((z) => z || '无').join('、')}），一个文件只能有一个投影带。`, 'eastings carry different zone prefixes.');
  }
  const prefix = [...prefixes][0] || null;
  if (prefix !== null && header.zone !== null && prefix !== header.zone) {
    warnings.push(noteText('importNote.txt.zonePrefix', { zone: header.zone, prefix }));
  }
  const zone = prefix ?? header.zone;
  let zoneWidth: 3 | 6 | null = header.zoneWidth === 3 || header.zoneWidth === 6 ? header.zoneWidth : null;
  if (zone !== null) {
    const widthByZone: 3 | 6 | null = zone >= 25 && zone <= 45 ? 3 : zone >= 13 && zone <= 23 ? 6 : null;
    if (zoneWidth !== null && widthByZone !== null && widthByZone !== zoneWidth) {
      warnings.push(noteText('importNote.txt.zoneWidth', { width: zoneWidth, zone, actual: widthByZone }));
    }
    zoneWidth = widthByZone ?? zoneWidth;
  }

  // --- CRS
  const datum = datumOf(header.coordinateSystem);
  let crs: Detected<string | null>;
  if (options.crs) {
    crs = { value: options.crs, source: 'user', confidence: 'certain', note: noteText('importNote.crs.user', { code: options.crs }) };
  } else if ((datum === 'xian80' || datum === 'beijing54') && zone !== null && zoneWidth !== null) {
    const datumName = noteText(`importNote.txt.datum.${datum}`);
    const datumZh = importNoteZh(datumName);
    const code = legacyGkCode(datum, zoneWidth, zone, prefix !== null);
    if (!code) {
      throw fail(fileName, 'import.txt-zone', `的带号 ${zone}（${zoneWidth}° 带）不在中国范围内的${datumZh}分带中。`, `zone ${zone} (${zoneWidth}°) is not a ${datum} zone in China.`);
    }
    const params = header.transformParams.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (params.length === 3 || params.length === 7) {
      const key = withTowgs84(code, params.join(','));
      crs = { value: key, source: 'header', confidence: 'certain', note: noteText('importNote.crs.txtParams', { system: header.coordinateSystem, code, params: params.join(',') }) };
      warnings.push(noteText('importNote.txt.params', { datum: datumName, params: params.join(',') }));
    } else {
      // the import refuses this code unless the user supplies parameters (--towgs84); see shared/crs
      crs = { value: code, source: 'header', confidence: 'certain', note: noteText('importNote.crs.txtNeedsParams', { system: header.coordinateSystem, code, datum: datumName }) };
    }
  } else if (zone === null || zoneWidth === null) {
    crs = { value: null, source: 'header', confidence: 'proposed', note: noteText('importNote.crs.txtNoZone') };
  } else {
    const code = cgcs2000GkCode(zoneWidth, zone, prefix !== null);
    if (!code) {
      throw fail(fileName, 'import.txt-zone', `的带号 ${zone}（${zoneWidth}° 带）不在中国范围内的 CGCS2000 分带中。`, `zone ${zone} (${zoneWidth}°) is not a CGCS2000 zone in China.`);
    }
    const certain = datum === 'cgcs2000';
    crs = {
      value: code,
      source: 'header',
      confidence: certain ? 'certain' : 'proposed',
      note: noteText('importNote.crs.txtZone', {
        basis: certain ? noteText('importNote.crs.txtZone.declared', { system: header.coordinateSystem }) : noteText('importNote.crs.txtZone.assumed'),
        width: zoneWidth,
        zone,
        prefixed: noteText(prefix !== null ? 'importNote.crs.txtZone.prefixed' : 'importNote.crs.txtZone.unprefixed'),
        fromPrefix: header.zone === null ? noteText('importNote.crs.txtZone.fromPrefix') : '',
        code,
      }),
    };
  }

  // --- parcels → features
  const reports: TxtParcelReport[] = [];
  const toLonLat = crs.value ? safeTransformer(crs.value) : null;
  const features: Feature[] = parcels.map((parcel, index) => {
    const n = index + 1;
    const f = parcel.fields;
    const names = f.length > 8 ? [...TXT_HEADER_FIELDS, ...TXT_HEADER_FIELDS_EXT] : TXT_HEADER_FIELDS;
    const props: Record<string, unknown> = {};
    f.forEach((value, i) => {
      let key = names[i] ?? `字段${i + 1}`;
      if (i === 7 && (value === '地上' || value === '地下')) key = '地上地下'; // CCTool writes the vertical layer in slot 8
      props[key] = value;
    });
    for (const key of TXT_HEADER_FIELDS) if (!(key in props)) props[key] = '';
    if (props['地块用途'] === '' && typeof props['地类编码'] === 'string' && props['地类编码'] !== '') props['地块用途'] = props['地类编码'];
    // a parcel without id or name is named by its place in the file, in the reader's language
    const label: TextParam = props['地块编号'] || props['地块名称'] ? String(props['地块编号'] || props['地块名称']) : noteText('importNote.txt.nthParcel', { n });
    const labelZh = importNoteZh(label);
    if (parcel.points.length === 0) {
      throw fail(fileName, 'import.txt-no-points', `的地块“${labelZh}”（第 ${parcel.line} 行）没有界址点。`, `parcel "${importNoteEn(label)}" (line ${parcel.line}) has no points.`);
    }
    // duplicate 点号 (per ring number) with different coordinates
    const seen = new Map<string, PointRecord>();
    for (const p of parcel.points) {
      const key = `${p.ring}\u0000${p.label}`;
      const prev = seen.get(key);
      if (prev && (Math.abs(prev.north - p.north) > 0.0005 || Math.abs(prev.east - p.east) > 0.0005)) {
        warnings.push(noteText('importNote.txt.duplicatePoint', { parcel: label, point: p.label, ring: p.ring, first: prev.line, second: p.line }));
      } else if (!prev) seen.set(key, p);
    }
    // split into rings: a new ring starts when 圈号 changes or after the ring was closed by repeating its first point
    const rings: PointRecord[][] = [];
    let ring: PointRecord[] = [];
    // `p` is already the ring's last point: it closes a ring of at least 3 points before it
    const closes = (r: PointRecord[], p: PointRecord) => r.length >= 4 && Math.abs(r[0].north - p.north) < 0.0005 && Math.abs(r[0].east - p.east) < 0.0005;
    for (const p of parcel.points) {
      if (ring.length > 0 && p.ring !== ring[0].ring) {
        rings.push(ring);
        ring = [];
      }
      ring.push(p);
      if (closes(ring, p)) {
        rings.push(ring);
        ring = [];
      }
    }
    if (ring.length > 0) rings.push(ring);
    const geomKind = String(props['记录图形属性'] ?? '').trim();
    const positions = rings.map((r) => r.map((p): Position => [p.east, p.north]));
    let geometry: Geometry;
    let planar = 0;
    if (geomKind === '点') {
      geometry = { type: 'MultiPoint', coordinates: positions.flat() };
    } else if (geomKind === '线') {
      geometry = positions.length === 1 ? { type: 'LineString', coordinates: positions[0] } : { type: 'MultiLineString', coordinates: positions };
    } else {
      const closed = positions.map((r, i) => {
        const first = r[0];
        const last = r[r.length - 1];
        const isClosed = r.length > 1 && Math.abs(first[0] - last[0]) < 0.0005 && Math.abs(first[1] - last[1]) < 0.0005;
        const distinct = isClosed ? r.length - 1 : r.length;
        if (distinct < 3) {
          throw fail(fileName, 'import.txt-ring', `的地块“${labelZh}”第 ${i + 1} 个环（圈号 ${rings[i][0].ring}，第 ${rings[i][0].line} 行起）只有 ${distinct} 个不同的点，构不成面。`, `parcel "${importNoteEn(label)}": ring ${i + 1} has only ${distinct} points.`);
        }
        if (!isClosed) {
          warnings.push(noteText('importNote.txt.unclosed', { parcel: label, ring: rings[i][0].ring, line: rings[i][0].line }));
          return [...r, [first[0], first[1]]];
        }
        return r;
      });
      const polygons = assemblePolygons(closed);
      planar = planarArea(polygons);
      geometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
      const headerArea = toNumber(String(props['地块面积'] ?? ''));
      const planarHa = planar / 10000;
      let geodesicHa = NaN;
      if (toLonLat) {
        const lonLat = polygons.map((rs) => rs.map((r) => r.map((p) => toLonLat([p[0], p[1]]))));
        geodesicHa = geodesicAreaM2({ type: 'MultiPolygon', coordinates: lonLat }) / 10000;
      }
      const difference = Number.isFinite(headerArea) && planar > 0 ? (headerArea - planarHa) / planarHa : null;
      reports.push({
        id: String(props['地块编号'] ?? ''),
        name: String(props['地块名称'] ?? ''),
        headerAreaHa: Number.isFinite(headerArea) ? headerArea : null,
        planarAreaHa: planarHa,
        geodesicAreaHa: geodesicHa,
        areaDifference: difference,
        rings: closed.length,
        parts: polygons.length,
        holes: polygons.reduce((s, p) => s + p.length - 1, 0),
      });
      if (difference !== null && Math.abs(difference) > AREA_TOLERANCE) {
        warnings.push(noteText('importNote.txt.area', { parcel: label, header: fmtHa(headerArea), planar: fmtHa(planarHa), pct: (difference * 100).toFixed(2) }));
      }
    }
    return { type: 'Feature', properties: props, geometry };
  });

  const layer: ParsedLayer = {
    name: fileName.replace(/\.[^.]+$/, ''),
    features,
    crs,
    encoding,
    warnings,
    fields: Object.keys(features[0]?.properties ?? {}),
    extras: {
      header: header.raw,
      swappedXY: swap,
      zone,
      zoneWidth,
      zonePrefix: prefix,
      parcels: reports,
    },
  };
  return { format: 'boundary-txt', formatLabel: noteText('importNote.format.boundaryTxt', { encoding: encoding.value.toUpperCase() }), layers: [layer] };
}

function safeTransformer(code: string): ((xy: [number, number]) => [number, number]) | null {
  try {
    return transformer(code, 'EPSG:4490');
  } catch {
    return null;
  }
}

export const boundaryTxtModule: FormatModule = {
  format: 'boundary-txt',
  sniff: sniffBoundaryTxt,
  parse(files, options) {
    return parseBoundaryTxt(files[0], options);
  },
};
