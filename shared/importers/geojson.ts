/**
 * GeoJSON text → features + the CRS the file declares (pure: no Node built-ins, runs anywhere).
 *
 * Accepts what county offices actually hand over: a FeatureCollection, a single Feature, a bare
 * geometry, a bare JSON array of Features (DataV 2019 dumps) and the legacy 2008 `crs` member
 * (`urn:ogc:def:crs:EPSG::4490`, `EPSG:4525`, `{"type":"EPSG","properties":{"code":4525}}`).
 * Geometry checks, CRS transformation and attribute normalisation happen in `prepare.ts`.
 */
import type { Feature, Geometry } from 'geojson';
import { UserInputError } from '../model/errors';
import { text as noteText, type CodedText } from '../model/text';
import { decodeTextFile } from './encoding';
import { requireShallow, sanitiseFields } from './fields';
import { proposeCrsFromCoordinates } from '../crs/guess';
import type { FormatModule, ParsedSource, SourceFile } from './types';

export interface ParsedGeoJson {
  features: Feature[];
  /** CRS named by a legacy `crs` member, normalised to `EPSG:n` (CRS84 → EPSG:4326); null when absent. */
  declaredCrs: string | null;
  /** Human notes (zh) about tolerated irregularities, e.g. a bare array instead of a FeatureCollection. */
  notes: CodedText[];
}

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

function invalid(fileName: string, detailZh: string, detailEn: string): UserInputError {
  return new UserInputError('import.invalid-geojson', `文件“${fileName}”不是有效的 GeoJSON：${detailZh}`, `"${fileName}" is not valid GeoJSON: ${detailEn}`);
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Offset of the first JSON syntax error (V8's messages do not always give one). A small
 * recursive-descent scanner, only run after JSON.parse has failed.
 */
export function findJsonErrorOffset(text: string): { offset: number; expected: string } {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  class Stop {
    constructor(readonly expected: string) {}
  }
  const fail = (expected: string): never => {
    throw new Stop(expected);
  };
  const string = () => {
    if (text[i] !== '"') fail('字符串');
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('\\u 转义');
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? '')) i++;
        else fail('转义字符');
      } else if (c.charCodeAt(0) < 0x20) fail('字符串结束引号');
      else i++;
    }
    fail('字符串结束引号');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail('冒号 :');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('逗号 , 或 }');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('逗号 , 或 ]');
      }
    }
    if (c === '"') return string();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal) {
      i += literal[0].length;
      return;
    }
    fail('值');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('文件结束');
    return { offset: -1, expected: '' };
  } catch (error) {
    if (error instanceof Stop) return { offset: i, expected: error.expected };
    throw error;
  }
}

/** `urn:ogc:def:crs:EPSG::4490`, `EPSG:4525`, `urn:ogc:def:crs:OGC:1.3:CRS84`, `{type:'EPSG', properties:{code}}` → `EPSG:n`. */
export function crsFromMember(crs: unknown): string | null | undefined {
  if (crs === undefined || crs === null) return null;
  if (typeof crs !== 'object') return undefined;
  const { type, properties } = crs as { type?: unknown; properties?: Record<string, unknown> };
  if (type === 'EPSG' && properties && properties.code !== undefined) return `EPSG:${String(properties.code).trim()}`;
  if (type !== 'name' || !properties || typeof properties.name !== 'string') return undefined;
  const name = properties.name.trim();
  if (/CRS84$/i.test(name)) return 'EPSG:4326';
  const match = /^(?:urn:ogc:def:crs:EPSG:[\d.]*:|EPSG:+|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/)(\d{4,5})$/i.exec(name);
  return match ? `EPSG:${match[1]}` : undefined;
}

function describeCrsMember(crs: unknown): string {
  try {
    return JSON.stringify(crs).slice(0, 120);
  } catch {
    return String(crs);
  }
}

/**
 * Parses GeoJSON text. `fileName` is only used in messages. Throws UserInputError (code
 * `import.invalid-geojson` / `import.unsupported-crs-member`) with a zh message naming the file.
 */
export function parseGeoJson(text: string, fileName: string): ParsedGeoJson {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') throw invalid(fileName, '文件是空的。', 'the file is empty.');
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch {
    const { offset, expected } = findJsonErrorOffset(source);
    const at = lineColumn(source, Math.max(offset, 0));
    const near = source.slice(Math.max(offset, 0), Math.max(offset, 0) + 20).replace(/\s+/g, ' ');
    const found = offset >= source.length ? '文件意外结束' : `遇到“${near}”`;
    throw invalid(fileName, `第 ${at.line} 行第 ${at.column} 列 JSON 语法错误（此处应为${expected}，${found}）。`, `JSON syntax error at line ${at.line}, column ${at.column} (expected ${expected}).`);
  }

  requireShallow(data, fileName);
  const notes: CodedText[] = [];
  let rawFeatures: unknown[];
  let crsMember: unknown = undefined;
  if (Array.isArray(data)) {
    rawFeatures = data;
    notes.push(noteText('importNote.geojson.array'));
  } else if (data && typeof data === 'object') {
    const obj = data as { type?: unknown; features?: unknown; crs?: unknown };
    crsMember = obj.crs;
    if (obj.type === 'FeatureCollection') {
      if (!Array.isArray(obj.features)) throw invalid(fileName, 'FeatureCollection 缺少 features 数组。', 'FeatureCollection without a features array.');
      rawFeatures = obj.features;
    } else if (obj.type === 'Feature') {
      rawFeatures = [data];
    } else if (typeof obj.type === 'string' && GEOMETRY_TYPES.has(obj.type)) {
      rawFeatures = [{ type: 'Feature', properties: {}, geometry: data }];
      notes.push(noteText('importNote.geojson.bareGeometry'));
    } else {
      throw invalid(fileName, `顶层 type 为“${String(obj.type)}”，应为 FeatureCollection 或 Feature。`, `top-level type "${String(obj.type)}" is not FeatureCollection or Feature.`);
    }
  } else {
    throw invalid(fileName, '顶层不是 JSON 对象或数组。', 'top level is not an object or array.');
  }

  const features = rawFeatures.map((raw, index): Feature => {
    const n = index + 1;
    if (!raw || typeof raw !== 'object' || (raw as { type?: unknown }).type !== 'Feature') {
      throw invalid(fileName, `第 ${n} 个要素不是 Feature 对象（type 应为 "Feature"）。`, `feature ${n} is not a Feature.`);
    }
    const f = raw as { id?: unknown; properties?: unknown; geometry?: unknown };
    if (f.properties !== undefined && f.properties !== null && (typeof f.properties !== 'object' || Array.isArray(f.properties))) {
      throw invalid(fileName, `第 ${n} 个要素的 properties 不是对象。`, `feature ${n} has non-object properties.`);
    }
    const geometry = f.geometry as Geometry | null | undefined;
    if (geometry !== null && geometry !== undefined) {
      if (typeof geometry !== 'object' || !GEOMETRY_TYPES.has((geometry as { type?: string }).type ?? '')) {
        throw invalid(fileName, `第 ${n} 个要素的几何类型“${String((geometry as { type?: unknown })?.type)}”无效。`, `feature ${n} has an invalid geometry type.`);
      }
      if (geometry.type !== 'GeometryCollection' && !Array.isArray((geometry as { coordinates?: unknown }).coordinates)) {
        throw invalid(fileName, `第 ${n} 个要素的几何图形缺少 coordinates 数组。`, `feature ${n} geometry has no coordinates array.`);
      }
    }
    const feature: Feature = { type: 'Feature', properties: (f.properties as Record<string, unknown> | null) ?? {}, geometry: (geometry ?? null) as Geometry };
    if (typeof f.id === 'string' || typeof f.id === 'number') feature.id = f.id;
    return feature;
  });

  const declaredCrs = crsFromMember(crsMember);
  if (declaredCrs === undefined) {
    throw new UserInputError(
      'import.unsupported-crs-member',
      `文件“${fileName}”的 crs 声明无法识别：${describeCrsMember(crsMember)}。请用 --crs 指定坐标系（如 EPSG:4490 或 EPSG:4525）。`,
      `"${fileName}": unrecognised crs member ${describeCrsMember(crsMember)}; pass --crs.`,
    );
  }
  return { features, declaredCrs, notes };
}

const GEOJSON_EXT = /\.(geo)?json$/i;

/** GeoJSON as a FormatModule: `.geojson`/`.json`, or any single file whose text starts with `{` / `[`. */
export const geojsonFormat: FormatModule = {
  format: 'geojson',
  sniff(files: SourceFile[]): boolean {
    if (files.length !== 1) return false;
    const [file] = files;
    if (GEOJSON_EXT.test(file.name)) return true;
    let i = 0;
    const b = file.bytes;
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
    return b[i] === 0x7b /* { */ || b[i] === 0x5b /* [ */;
  },
  parse(files: SourceFile[], options): ParsedSource {
    const [file] = files;
    const { text, encoding } = decodeTextFile(file.bytes, options.encoding);
    const parsed = parseGeoJson(text, file.name);
    const warnings = [...parsed.notes];
    if (encoding.source !== 'user' && encoding.value !== 'utf-8') warnings.unshift(noteText('importNote.geojson.gbk'));
    const fields: string[] = [];
    const seen = new Set<string>();
    sanitiseFields(parsed.features, [], file.name);
    for (const f of parsed.features) {
      for (const key of Object.keys(f.properties ?? {})) {
        if (!seen.has(key)) {
          seen.add(key);
          fields.push(key);
        }
      }
    }
    let crs: ParsedSource['layers'][number]['crs'];
    if (parsed.declaredCrs) {
      crs = { value: parsed.declaredCrs, source: 'declared', confidence: 'certain', note: noteText('importNote.crs.declaredMember', { code: parsed.declaredCrs }) };
    } else {
      // RFC 7946: GeoJSON is lon/lat. Projected metres without a crs member get a proposal (never applied silently).
      const proposal = proposeCrsFromCoordinates(parsed.features);
      crs =
        proposal && proposal.value !== 'EPSG:4490'
          ? proposal
          : { value: 'EPSG:4490', source: 'default', confidence: 'certain', note: noteText('importNote.crs.geojsonDefault') };
    }
    if (looksLikeDataV(parsed.features)) {
      warnings.push(noteText('importNote.geojson.datav'));
    }
    const name = file.name.replace(/\.[^.]*$/, '');
    return {
      format: 'geojson',
      formatLabel: noteText('importNote.format.geojson'),
      layers: [{ name, features: parsed.features, crs, encoding, warnings, fields }],
    };
  },
};

/** DataV.GeoAtlas dumps carry adcode + center + centroid; their coordinates are GCJ-02. */
function looksLikeDataV(features: Feature[]): boolean {
  const props = features[0]?.properties;
  return !!props && 'adcode' in props && 'center' in props && 'centroid' in props;
}
