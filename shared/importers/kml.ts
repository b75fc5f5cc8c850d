/**
 * KML / KMZ → layers (pure). Placemarks with Point / LineString / Polygon (outer + inner
 * boundaries) / MultiGeometry; `ExtendedData` (Data and SchemaData/SimpleData), `name` and
 * `description` become attributes; each Folder becomes a layer (placemarks outside any folder go to
 * a layer named after the document). KMZ is unzipped with fflate (the first .kml inside, doc.kml
 * preferred). KML coordinates are WGS84 lon/lat (EPSG:4326), which matches CGCS2000 to ~1 m at
 * county scale; the preview says so. Coordinates copied from 高德/腾讯/百度 maps are GCJ-02/BD-09,
 * which the user can declare instead.
 */
import { unzipWithinBudget } from './zip';
import { XMLParser } from 'fast-xml-parser';
import type { Feature, Geometry, Position } from 'geojson';
import { UserInputError } from '../model/errors';
import { text as noteText, type CodedText } from '../model/text';
import type { FormatModule, ParsedLayer, ParsedSource, ParseOptions, SourceFile } from './types';

type Node = Record<string, unknown>;

const ARRAY_TAGS = new Set(['Document', 'Folder', 'Placemark', 'Point', 'LineString', 'LinearRing', 'Polygon', 'MultiGeometry', 'innerBoundaryIs', 'Data', 'SchemaData', 'SimpleData']);

function fail(fileName: string, zh: string, en: string, code = 'import.invalid-kml'): UserInputError {
  return new UserInputError(code, `文件“${fileName}”${zh}`, `"${fileName}": ${en}`);
}

const arr = (v: unknown): Node[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

function textOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') {
    const t = (v as Node)['#text'];
    return t === undefined ? '' : String(t);
  }
  return String(v);
}

function parseCoordinates(text: string, fileName: string, where: string): Position[] {
  const out: Position[] = [];
  for (const tuple of text.trim().split(/\s+/)) {
    if (tuple === '') continue;
    const parts = tuple.split(',').map(Number);
    if (parts.length < 2 || !Number.isFinite(parts[0]) || !Number.isFinite(parts[1])) {
      throw fail(fileName, `中${where}的坐标“${tuple}”不是“经度,纬度[,高程]”。`, `${where}: bad coordinate tuple "${tuple}".`);
    }
    out.push([parts[0], parts[1]]);
  }
  return out;
}

function geometriesOf(node: Node, fileName: string, where: string): Geometry[] {
  const out: Geometry[] = [];
  for (const p of arr(node.Point)) out.push({ type: 'Point', coordinates: parseCoordinates(textOf(p.coordinates), fileName, where)[0] ?? [] });
  for (const l of arr(node.LineString)) out.push({ type: 'LineString', coordinates: parseCoordinates(textOf(l.coordinates), fileName, where) });
  for (const r of arr(node.LinearRing)) out.push({ type: 'Polygon', coordinates: [parseCoordinates(textOf(r.coordinates), fileName, where)] });
  for (const poly of arr(node.Polygon)) {
    const outerRing = arr((poly.outerBoundaryIs as Node | undefined)?.LinearRing)[0];
    if (!outerRing) throw fail(fileName, `中${where}的多边形没有外边界（outerBoundaryIs）。`, `${where}: polygon without outerBoundaryIs.`);
    const rings = [parseCoordinates(textOf(outerRing.coordinates), fileName, where)];
    for (const inner of arr(poly.innerBoundaryIs)) for (const ring of arr(inner.LinearRing)) rings.push(parseCoordinates(textOf(ring.coordinates), fileName, where));
    out.push({ type: 'Polygon', coordinates: rings });
  }
  for (const multi of arr(node.MultiGeometry)) out.push(...geometriesOf(multi, fileName, where));
  return out;
}

function combine(geometries: Geometry[]): Geometry | null {
  if (geometries.length === 0) return null;
  if (geometries.length === 1) return geometries[0];
  const types = new Set(geometries.map((g) => g.type));
  if (types.size === 1 && types.has('Polygon')) return { type: 'MultiPolygon', coordinates: geometries.map((g) => (g as { coordinates: Position[][] }).coordinates) };
  if (types.size === 1 && types.has('LineString')) return { type: 'MultiLineString', coordinates: geometries.map((g) => (g as { coordinates: Position[] }).coordinates) };
  if (types.size === 1 && types.has('Point')) return { type: 'MultiPoint', coordinates: geometries.map((g) => (g as { coordinates: Position }).coordinates) };
  return { type: 'GeometryCollection', geometries };
}

function stripHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

function placemarkFeature(pm: Node, fileName: string, index: number): Feature {
  const props: Record<string, unknown> = {};
  const name = textOf(pm.name).trim();
  if (name !== '') props.name = name;
  const description = textOf(pm.description).trim();
  if (description !== '') props.description = stripHtml(description);
  const ext = pm.ExtendedData as Node | undefined;
  if (ext) {
    for (const d of arr(ext.Data)) {
      const key = String(d['@_name'] ?? '').trim();
      if (key) props[key] = textOf(d.value);
    }
    for (const sd of arr(ext.SchemaData)) {
      for (const s of arr(sd.SimpleData)) {
        const key = String(s['@_name'] ?? '').trim();
        if (key) props[key] = textOf(s);
      }
    }
  }
  const where = `第 ${index} 个地标${name ? `“${name}”` : ''}`;
  return { type: 'Feature', properties: props, geometry: combine(geometriesOf(pm, fileName, where)) as Geometry };
}

interface Group {
  name: string;
  placemarks: Node[];
}

function collect(container: Node, path: string, groups: Group[]): void {
  const own = arr(container.Placemark);
  if (own.length > 0) groups.push({ name: path, placemarks: own });
  for (const doc of arr(container.Document)) collect(doc, path, groups);
  for (const folder of arr(container.Folder)) {
    const name = textOf(folder.name).trim() || '未命名文件夹';
    collect(folder, path ? `${path}/${name}` : name, groups);
  }
}

export function parseKmlText(text: string, fileName: string, options: ParseOptions = {}): ParsedLayer[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (tagName) => ARRAY_TAGS.has(tagName),
  });
  let root: Node;
  try {
    root = parser.parse(text, true) as Node;
  } catch (error) {
    throw fail(fileName, `不是有效的 KML（XML 语法错误：${(error as Error).message.split('\n')[0]}）。`, `not valid KML XML: ${(error as Error).message}`);
  }
  const kml = root.kml as Node | undefined;
  if (!kml) throw fail(fileName, '不是 KML 文件：没有 <kml> 根元素。', 'no <kml> root element.');
  const docName = textOf(arr(kml.Document)[0]?.name).trim() || fileName.replace(/\.[^.]+$/, '');
  const groups: Group[] = [];
  collect(kml, '', groups);
  let index = 0;
  const layers: ParsedLayer[] = [];
  for (const group of groups) {
    const name = group.name || docName;
    if (options.layers && options.layers.length > 0 && !options.layers.includes(name)) {
      index += group.placemarks.length;
      continue;
    }
    const features = group.placemarks.map((pm) => placemarkFeature(pm, fileName, ++index));
    const skipped = features.filter((f) => f.geometry === null).length;
    const kept = features.filter((f) => f.geometry !== null);
    const fields: string[] = [];
    for (const f of kept) for (const k of Object.keys(f.properties ?? {})) if (!fields.includes(k)) fields.push(k);
    const warnings: CodedText[] = [];
    if (skipped > 0) warnings.push(noteText('importNote.kml.noGeometry', { count: skipped }));
    const existing = layers.find((l) => l.name === name);
    if (existing) {
      existing.features.push(...kept);
      for (const k of fields) if (!existing.fields.includes(k)) existing.fields.push(k);
      existing.warnings.push(...warnings);
      continue;
    }
    layers.push({
      name,
      features: kept,
      crs: options.crs
        ? { value: options.crs, source: 'user', confidence: 'certain' }
        : { value: 'EPSG:4326', source: 'declared', confidence: 'certain', note: noteText('importNote.crs.kml') },
      encoding: { value: 'utf-8', source: 'declared', confidence: 'certain' },
      warnings,
      fields,
    });
  }
  if (layers.length === 0 || layers.every((l) => l.features.length === 0)) {
    throw fail(fileName, '中没有带几何图形的地标（Placemark），未导入。', 'no placemarks with geometry.', 'import.empty');
  }
  return layers.filter((l) => l.features.length > 0);
}

function decodeXml(bytes: Uint8Array, options: ParseOptions): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /encoding=["']([^"']+)["']/i.exec(head)?.[1];
  const label = options.encoding ?? declared ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  }
}

export function parseKml(files: SourceFile[], options: ParseOptions = {}): ParsedSource {
  const file = files[0];
  const isKmz = /\.kmz$/i.test(file.name) || (file.bytes[0] === 0x50 && file.bytes[1] === 0x4b);
  let bytes = file.bytes;
  if (isKmz) {
    const entries = unzipWithinBudget(file.bytes, file.name, (f) => /\.kml$/i.test(f.name), { corruptCode: 'import.invalid-kmz' });
    const names = Object.keys(entries);
    const main = names.find((n) => /(^|\/)doc\.kml$/i.test(n)) ?? names[0];
    if (!main) throw fail(file.name, '（KMZ）里没有 .kml 文件。', 'KMZ contains no .kml file.', 'import.invalid-kmz');
    bytes = entries[main];
  }
  const layers = parseKmlText(decodeXml(bytes, options), file.name, options);
  return { format: isKmz ? 'kmz' : 'kml', formatLabel: noteText(isKmz ? 'importNote.format.kmz' : 'importNote.format.kml'), layers };
}

export const kmlModule: FormatModule = {
  format: 'kml',
  sniff(files) {
    if (files.length !== 1) return false;
    if (/\.(kml|kmz)$/i.test(files[0].name)) return true;
    const head = new TextDecoder('utf-8').decode(files[0].bytes.subarray(0, 1000));
    return /<kml[\s>]/.test(head);
  },
  parse: parseKml,
};
