/**
 * ESRI Shapefile reader (pure: DataView + TextDecoder). Our own small reader rather than shpjs,
 * because we need: the raw DBF bytes for encoding resolution (LDID → .cpg → detection →
 * override), per-record notes (null shapes, Z/M dropped), precise refusals for truncated files
 * and MultiPatch, and outer/hole assignment by containment.
 *
 * Input is the set of sibling files as bytes (`x.shp`, `x.dbf`, `x.shx`, `x.prj`, `x.cpg`); zip
 * archives are expanded by the Node side before. `.sbn/.sbx/.shp.xml/.aux/.qpj` are ignored.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { crsLabelZh, isGeographic } from '../crs';
import { proposeCrsFromCoordinates } from '../crs/guess';
import { crsFromPrj } from '../crs/prj';
import { UserInputError } from '../model/errors';
import { decodeText, detectEncoding, encodingLabelZh, isValidUtf8, normalizeEncoding, requireEncoding } from './encoding';
import type { Detected, FormatModule, ParsedLayer, ParsedSource, ParseOptions, SourceFile } from './types';
import { pointInRing, signedRingArea } from '../geo/rings';

const SHAPE_TYPE_NAMES: Record<number, string> = {
  0: 'Null',
  1: 'Point',
  3: 'PolyLine',
  5: 'Polygon',
  8: 'MultiPoint',
  11: 'PointZ',
  13: 'PolyLineZ',
  15: 'PolygonZ',
  18: 'MultiPointZ',
  21: 'PointM',
  23: 'PolyLineM',
  25: 'PolygonM',
  28: 'MultiPointM',
  31: 'MultiPatch',
};

/** DBF language-driver ids we trust (ArcGIS writes 0x4D / 0x7A for code page 936). */
const LDID_ENCODINGS: Record<number, string> = { 0x4d: 'gbk', 0x7a: 'gbk', 0x78: 'big5', 0x4f: 'big5', 0x7b: 'shift_jis', 0x79: 'euc-kr' };

function refuse(file: string, zh: string, en: string, code = 'import.invalid-shapefile'): UserInputError {
  return new UserInputError(code, `文件“${file}”${zh}`, `"${file}": ${en}`);
}

const baseOf = (name: string) => name.replace(/\.[^.]*$/, '');
const extOf = (name: string) => (/\.[^.]*$/.exec(name)?.[0] ?? '').toLowerCase();

// ---------------------------------------------------------------------------------------------
// SHP

export interface ShpRecord {
  /** 1-based record number (as in the file). */
  number: number;
  geometry: Geometry | null;
}

export interface ShpResult {
  shapeType: number;
  records: ShpRecord[];
  notes: string[];
}



function ringBox(ring: Position[]): [number, number, number, number] {
  let a = Infinity;
  let b = Infinity;
  let c = -Infinity;
  let d = -Infinity;
  for (const [x, y] of ring) {
    if (x < a) a = x;
    if (y < b) b = y;
    if (x > c) c = x;
    if (y > d) d = y;
  }
  return [a, b, c, d];
}

/** Is `inner` inside `outer`? (bbox, then a vertex of inner that is not on outer's vertices). */
function ringInside(inner: Position[], innerBox: number[], outer: Position[], outerBox: number[]): boolean {
  if (innerBox[0] < outerBox[0] || innerBox[1] < outerBox[1] || innerBox[2] > outerBox[2] || innerBox[3] > outerBox[3]) return false;
  const step = Math.max(1, Math.floor(inner.length / 5));
  let votes = 0;
  let total = 0;
  for (let i = 0; i < inner.length - 1; i += step) {
    total++;
    if (pointInRing(inner[i], outer)) votes++;
  }
  return votes * 2 > total;
}

/**
 * Shapefile rings → polygons. Orientation first (ESRI: outer clockwise, holes counter-clockwise),
 * holes then assigned to the smallest outer that contains them; if the writer ignored orientation
 * (no clockwise ring at all), containment depth decides (even depth = outer).
 */
export function assembleRings(rings: Position[][]): { polygons: Position[][][]; note?: string } {
  const info = rings.map((ring) => ({ ring, area: signedRingArea(ring), box: ringBox(ring) }));
  const usable = info.filter((r) => r.area !== 0);
  let note: string | undefined;
  let outers = usable.filter((r) => r.area < 0);
  let holes = usable.filter((r) => r.area > 0);
  if (outers.length === 0) {
    // No clockwise ring: decide by containment depth.
    outers = [];
    holes = [];
    for (const r of usable) {
      const depth = usable.filter((o) => o !== r && Math.abs(o.area) > Math.abs(r.area) && ringInside(r.ring, r.box, o.ring, o.box)).length;
      (depth % 2 === 0 ? outers : holes).push(r);
    }
    if (usable.length > 0) note = '环的方向不符合 Shapefile 规范（外环应为顺时针），已按包含关系判定外环与内环';
  }
  const polygons = outers.map((o) => ({ outer: o, holes: [] as Position[][] }));
  // Smallest containing outer first.
  const bySize = [...polygons].sort((a, b) => Math.abs(a.outer.area) - Math.abs(b.outer.area));
  let orphans = 0;
  for (const h of holes) {
    const owner = bySize.find((p) => Math.abs(p.outer.area) > Math.abs(h.area) && ringInside(h.ring, h.box, p.outer.ring, p.outer.box));
    if (owner) owner.holes.push(h.ring);
    else {
      orphans++;
      polygons.push({ outer: h, holes: [] });
    }
  }
  if (orphans > 0) note = `${orphans} 个逆时针环不在任何外环内，已作为独立的面（而不是洞）`;
  return { polygons: polygons.map((p) => [p.outer.ring, ...p.holes]), note };
}

/** Reads the .shp bytes. Throws UserInputError for truncated/corrupt files and MultiPatch. */
export function readShp(bytes: Uint8Array, fileName: string): ShpResult {
  if (bytes.length < 100) throw refuse(fileName, `太短（${bytes.length} 字节），不是完整的 Shapefile（文件头就需要 100 字节）。`, 'too short for a shapefile header.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getInt32(0, false) !== 9994) throw refuse(fileName, '不是 Shapefile（.shp 文件头标识不是 9994），文件可能已损坏或扩展名有误。', 'not a shapefile (file code is not 9994).');
  const declaredLength = view.getInt32(24, false) * 2;
  const shapeType = view.getInt32(32, true);
  if (!(shapeType in SHAPE_TYPE_NAMES)) throw refuse(fileName, `的几何类型代码 ${shapeType} 无效，文件可能已损坏。`, `invalid shape type ${shapeType}.`);
  if (shapeType === 31) {
    throw refuse(
      fileName,
      '是 MultiPatch（三维多面体，几何类型 31），LandGate 只能导入点、线、面。请先在 GIS 软件中转换为面（如 ArcGIS“多面体转要素类/多面体足迹”），再导入。',
      'MultiPatch (shape type 31) is not supported; convert to polygons first.',
      'import.multipatch',
    );
  }
  const notes: string[] = [];
  if (declaredLength > bytes.length) {
    throw refuse(fileName, `不完整：文件头记录的长度为 ${declaredLength} 字节，实际只有 ${bytes.length} 字节（文件被截断，请重新拷贝）。`, `truncated: header says ${declaredLength} bytes, file has ${bytes.length}.`, 'import.truncated');
  }
  // Some writers (old pyshp) store a too-small file length; GDAL reads to the end of the file, so do we.
  const end = bytes.length;
  if (declaredLength < bytes.length) notes.push(`.shp 文件头记录的长度（${declaredLength} 字节）小于实际长度（${bytes.length} 字节），已按实际长度读取。`);
  const records: ShpRecord[] = [];
  const nullRecords: number[] = [];
  let droppedZ = false;
  let droppedM = false;
  const ringNotes = new Set<string>();
  let offset = 100;
  let index = 0;
  while (offset + 8 <= end) {
    index++;
    const number = view.getInt32(offset, false);
    const contentLength = view.getInt32(offset + 4, false) * 2;
    const start = offset + 8;
    if (contentLength < 4 || start + contentLength > end) {
      throw refuse(fileName, `第 ${index} 条记录不完整或已损坏（记录长度 ${contentLength} 字节超出文件末尾）。`, `record ${index} is truncated or corrupt.`, 'import.truncated');
    }
    const type = view.getInt32(start, true);
    const bad = (what: string) => refuse(fileName, `第 ${index} 条记录已损坏：${what}。`, `record ${index} is corrupt: ${what}.`, 'import.corrupt-record');
    let geometry: Geometry | null = null;
    if (type === 0) {
      nullRecords.push(index);
    } else if (type !== shapeType) {
      throw bad(`几何类型 ${type} 与文件头的 ${shapeType} 不一致`);
    } else if (type === 1 || type === 11 || type === 21) {
      if (contentLength < 20) throw bad('点记录太短');
      geometry = { type: 'Point', coordinates: [view.getFloat64(start + 4, true), view.getFloat64(start + 12, true)] };
      if (type === 11) droppedZ = true;
      if (type === 21 || (type === 11 && contentLength >= 36)) droppedM = true;
    } else if (type === 8 || type === 18 || type === 28) {
      const numPoints = view.getInt32(start + 36, true);
      if (numPoints < 0 || 40 + numPoints * 16 > contentLength) throw bad(`点数 ${numPoints} 与记录长度不符`);
      const points: Position[] = [];
      for (let i = 0; i < numPoints; i++) points.push([view.getFloat64(start + 40 + i * 16, true), view.getFloat64(start + 48 + i * 16, true)]);
      if (numPoints === 0) nullRecords.push(index);
      else geometry = { type: 'MultiPoint', coordinates: points };
      if (type === 18) droppedZ = true;
      if (type === 28 || (type === 18 && contentLength > 40 + numPoints * 24 + 16)) droppedM = true;
    } else {
      // PolyLine / Polygon (+Z/M)
      const numParts = view.getInt32(start + 36, true);
      const numPoints = view.getInt32(start + 40, true);
      if (numParts < 0 || numPoints < 0 || 44 + numParts * 4 + numPoints * 16 > contentLength) throw bad(`部件数 ${numParts}、点数 ${numPoints} 与记录长度 ${contentLength} 不符`);
      const partStarts: number[] = [];
      for (let i = 0; i < numParts; i++) partStarts.push(view.getInt32(start + 44 + i * 4, true));
      const pointsAt = start + 44 + numParts * 4;
      const parts: Position[][] = [];
      for (let p = 0; p < numParts; p++) {
        const from = partStarts[p];
        const to = p + 1 < numParts ? partStarts[p + 1] : numPoints;
        if (from < 0 || to > numPoints || from > to) throw bad(`部件起点 ${from} 超出点数 ${numPoints}`);
        const part: Position[] = [];
        for (let i = from; i < to; i++) part.push([view.getFloat64(pointsAt + i * 16, true), view.getFloat64(pointsAt + i * 16 + 8, true)]);
        if (part.length > 0) parts.push(part);
      }
      const isZ = type === 13 || type === 15;
      const isM = type === 23 || type === 25;
      if (isZ) droppedZ = true;
      if (isM || (isZ && contentLength >= 44 + numParts * 4 + numPoints * 32 + 16)) droppedM = true;
      if (parts.length === 0) nullRecords.push(index);
      else if (type === 3 || type === 13 || type === 23) {
        geometry = parts.length === 1 ? { type: 'LineString', coordinates: parts[0] } : { type: 'MultiLineString', coordinates: parts };
      } else {
        const { polygons, note } = assembleRings(parts);
        if (note) ringNotes.add(`第 ${index} 条记录：${note}`);
        if (polygons.length === 0) nullRecords.push(index);
        else geometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
      }
    }
    records.push({ number: number || index, geometry });
    offset = start + contentLength;
  }
  if (offset < end) notes.push(`.shp 末尾有 ${end - offset} 字节无法解析，已忽略。`);
  if (nullRecords.length > 0) {
    const list = nullRecords.slice(0, 10).join('、');
    notes.push(`第 ${list}${nullRecords.length > 10 ? ' 等' : ''} 条记录（共 ${nullRecords.length} 条）是空几何（Null Shape），已跳过。`);
  }
  if (droppedZ || droppedM) notes.push(`几何中的${droppedZ && droppedM ? ' Z（高程）和 M（量测）' : droppedZ ? ' Z（高程）' : ' M（量测）'}值已忽略，只导入平面坐标。`);
  for (const n of [...ringNotes].slice(0, 5)) notes.push(`${n}。`);
  if (ringNotes.size > 5) notes.push(`另有 ${ringNotes.size - 5} 条记录的环按包含关系重新判定。`);
  return { shapeType, records, notes };
}

// ---------------------------------------------------------------------------------------------
// DBF

export interface DbfField {
  name: string;
  type: string;
  length: number;
  decimals: number;
}

export interface DbfResult {
  fields: DbfField[];
  rows: Record<string, unknown>[];
  /** Deleted-flag records are kept in numbering but returned as null rows. */
  encoding: Detected<string>;
  notes: string[];
}

/** The DBF header and raw text bytes (for encoding detection) without decoding. */
function dbfLayout(bytes: Uint8Array, fileName: string) {
  if (bytes.length < 32) throw refuse(fileName, `太短（${bytes.length} 字节），不是有效的 DBF 属性表。`, 'too short for a DBF header.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const numRecords = view.getUint32(4, true);
  const headerLength = view.getUint16(8, true);
  const recordLength = view.getUint16(10, true);
  const ldid = bytes[29];
  const rawFields: Array<{ nameBytes: Uint8Array; type: string; length: number; decimals: number; offset: number }> = [];
  let pos = 32;
  let fieldOffset = 1;
  while (pos + 32 <= bytes.length && bytes[pos] !== 0x0d && pos < headerLength) {
    let nameEnd = pos;
    while (nameEnd < pos + 11 && bytes[nameEnd] !== 0) nameEnd++;
    const length = bytes[pos + 16];
    rawFields.push({ nameBytes: bytes.subarray(pos, nameEnd), type: String.fromCharCode(bytes[pos + 11]), length, decimals: bytes[pos + 17], offset: fieldOffset });
    fieldOffset += length;
    pos += 32;
  }
  if (rawFields.length === 0 || headerLength < 33 || recordLength < 1) throw refuse(fileName, '的文件头无效（没有字段定义），不是有效的 DBF 属性表。', 'invalid DBF header.');
  return { view, numRecords, headerLength, recordLength, ldid, rawFields };
}

/** Encoding of a DBF: user override → LDID → .cpg → detection (issue 3's order; the override wins). */
export function resolveDbfEncoding(bytes: Uint8Array, cpg: string | undefined, override: string | undefined, fileName: string): Detected<string> {
  if (override) return { value: requireEncoding(override), source: 'user', confidence: 'certain', noteZh: `按用户指定的 ${encodingLabelZh(requireEncoding(override))} 读取。` };
  const { numRecords, headerLength, recordLength, ldid, rawFields } = dbfLayout(bytes, fileName);
  const fromLdid = LDID_ENCODINGS[ldid];
  if (fromLdid) return { value: fromLdid, source: 'ldid', confidence: 'certain', noteZh: `DBF 语言驱动标识 0x${ldid.toString(16).toUpperCase()} 表示代码页 ${fromLdid === 'gbk' ? '936（GBK）' : encodingLabelZh(fromLdid)}。` };
  if (cpg !== undefined && cpg.trim() !== '') {
    const label = normalizeEncoding(cpg);
    if (label) return { value: label, source: 'cpg', confidence: 'certain', noteZh: `.cpg 文件声明编码“${cpg.trim()}”→ ${encodingLabelZh(label)}。` };
  }
  // Detection over the text of the character fields (and field names).
  const chunks: Uint8Array[] = rawFields.map((f) => f.nameBytes);
  const limit = Math.min(numRecords, 5000);
  for (let r = 0; r < limit; r++) {
    const base = headerLength + r * recordLength;
    for (const f of rawFields) {
      if (f.type !== 'C') continue;
      const s = base + f.offset;
      if (s + f.length <= bytes.length) chunks.push(bytes.subarray(s, s + f.length));
    }
  }
  const total = chunks.reduce((n, c) => n + c.length + 1, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.length;
    joined[at++] = 0x20;
  }
  const detected = detectEncoding(joined);
  const cpgNote = cpg !== undefined && cpg.trim() !== '' ? `.cpg 的“${cpg.trim()}”无法识别；` : '没有 .cpg 文件，DBF 也未标明代码页；';
  return { ...detected, noteZh: `${cpgNote}${detected.noteZh ?? ''}` };
}

/** Reads a DBF with a resolved encoding. */
export function readDbf(bytes: Uint8Array, fileName: string, encoding: Detected<string>): DbfResult {
  const { view, numRecords, headerLength, recordLength, rawFields } = dbfLayout(bytes, fileName);
  const notes: string[] = [];
  const decoder = new TextDecoder(encoding.value);
  const fields: DbfField[] = [];
  const used = new Set<string>();
  for (const f of rawFields) {
    let name = decoder.decode(f.nameBytes).trim() || `FIELD_${fields.length + 1}`;
    for (let n = 2; used.has(name); n++) name = `${name}_${n}`;
    used.add(name);
    fields.push({ name, type: f.type, length: f.length, decimals: f.decimals });
  }
  const available = Math.max(0, Math.floor((bytes.length - headerLength) / recordLength));
  let count = numRecords;
  if (available < numRecords) {
    // A trailing 0x1A end-of-file marker is optional; anything shorter than the records is truncation.
    throw refuse(fileName, `不完整：文件头记录有 ${numRecords} 条记录，实际只有 ${available} 条完整记录（文件被截断）。`, `truncated: ${numRecords} records declared, ${available} present.`, 'import.truncated');
  }
  let replacement = 0;
  let memo = false;
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < count; r++) {
    const base = headerLength + r * recordLength;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < rawFields.length; i++) {
      const f = rawFields[i];
      const s = base + f.offset;
      const raw = bytes.subarray(s, s + f.length);
      const name = fields[i].name;
      switch (f.type) {
        case 'C': {
          const text = decoder.decode(raw).replace(/\0+$/, '').trim();
          if (text.includes('\uFFFD')) replacement++;
          row[name] = text === '' ? null : text;
          break;
        }
        case 'N':
        case 'F': {
          const text = latin(raw).trim();
          const value = text === '' || /^\*+$/.test(text) ? null : Number(text);
          row[name] = value === null || Number.isNaN(value) ? null : value;
          break;
        }
        case 'L': {
          const c = latin(raw).trim().toUpperCase();
          row[name] = c === 'T' || c === 'Y' ? true : c === 'F' || c === 'N' ? false : null;
          break;
        }
        case 'D': {
          const text = latin(raw).trim();
          row[name] = /^\d{8}$/.test(text) && text !== '00000000' ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : null;
          break;
        }
        case 'I':
          row[name] = f.length === 4 ? view.getInt32(s, true) : null;
          break;
        case 'O':
        case 'B':
          row[name] = f.length === 8 ? view.getFloat64(s, true) : null;
          break;
        case 'M':
          memo = true;
          row[name] = null;
          break;
        default: {
          const text = decoder.decode(raw).replace(/\0+$/, '').trim();
          row[name] = text === '' ? null : text;
        }
      }
    }
    rows.push(row);
  }
  if (replacement > 0) notes.push(`${replacement} 个属性值含有按 ${encodingLabelZh(encoding.value)} 无法解码的字节（显示为 �），编码可能不对，请在预览中核对或指定编码（--encoding）。`);
  if (encoding.source !== 'user' && encoding.value !== 'utf-8' && hasMultibyteUtf8(bytes.subarray(headerLength))) {
    notes.push(`属性文字按 ${encodingLabelZh(encoding.value)} 读取，但这些字节恰好也是有效的 UTF-8，请在预览中核对（必要时 --encoding utf-8）。`);
  }
  if (memo) notes.push('备注型（Memo）字段需要 .dbt 文件，已留空。');
  count = rows.length;
  return { fields, rows, encoding, notes };
}

function latin(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function hasMultibyteUtf8(bytes: Uint8Array): boolean {
  let high = false;
  for (let i = 0; i < bytes.length && !high; i++) if (bytes[i] >= 0x80) high = true;
  return high && isValidUtf8(bytes);
}

// ---------------------------------------------------------------------------------------------
// The format module

const IGNORED = new Set(['.sbn', '.sbx', '.xml', '.aux', '.qpj', '.qix', '.fix', '.atx', '.ain', '.aih', '.ixs', '.mxs', '.lock']);

/** Groups sibling files by base name (case-insensitive). */
function groups(files: SourceFile[]): Map<string, Map<string, SourceFile>> {
  const out = new Map<string, Map<string, SourceFile>>();
  for (const f of files) {
    const ext = extOf(f.name);
    if (IGNORED.has(ext) || /\.shp\.xml$/i.test(f.name)) continue;
    const key = baseOf(f.name).toLowerCase();
    if (!out.has(key)) out.set(key, new Map());
    out.get(key)!.set(ext, f);
  }
  return out;
}

/** Parses one shapefile (its sibling files keyed by extension). */
export function parseShapefileSet(set: Map<string, SourceFile>, options: ParseOptions): ParsedLayer {
  const shp = set.get('.shp')!;
  const name = baseOf(shp.name);
  const warnings: string[] = [];
  const shpResult = readShp(shp.bytes, shp.name);
  warnings.push(...shpResult.notes);

  const dbfFile = set.get('.dbf');
  const cpgFile = set.get('.cpg');
  let rows: Record<string, unknown>[] | null = null;
  let fields: string[] = [];
  let encoding: Detected<string> | undefined;
  if (dbfFile) {
    const cpg = cpgFile ? decodeText(cpgFile.bytes, 'utf-8') : undefined;
    encoding = resolveDbfEncoding(dbfFile.bytes, cpg, options.encoding, dbfFile.name);
    const dbf = readDbf(dbfFile.bytes, dbfFile.name, encoding);
    if (encoding.confidence === 'proposed') warnings.push(`属性表编码：${encoding.noteZh}`);
    rows = dbf.rows;
    fields = dbf.fields.map((f) => f.name);
    warnings.push(...dbf.notes);
    if (dbf.rows.length !== shpResult.records.length) {
      warnings.push(`属性表记录数（${dbf.rows.length}）与几何记录数（${shpResult.records.length}）不一致，多出的记录${dbf.rows.length < shpResult.records.length ? '没有属性' : '已忽略'}。`);
    }
  } else {
    warnings.push(`缺少属性表“${name}.dbf”，只导入几何，要素按记录序号编号（1、2、3…）。`);
  }

  const features: Feature[] = [];
  shpResult.records.forEach((record, i) => {
    if (!record.geometry) return;
    const properties = rows ? { ...(rows[i] ?? {}) } : {};
    const feature: Feature = { type: 'Feature', properties, geometry: record.geometry };
    if (!rows) feature.id = String(i + 1);
    features.push(feature);
  });

  // CRS: .prj → code; a .prj that contradicts the coordinates is treated as missing (mislabelled).
  const prjFile = set.get('.prj');
  let crs: Detected<string | null>;
  const proposal = proposeCrsFromCoordinates(features);
  if (prjFile) {
    const prj = crsFromPrj(decodeText(prjFile.bytes, 'utf-8'));
    if (prj.code) {
      const geographic = isGeographicCode(prj.code);
      const looksGeographic = proposal?.value === 'EPSG:4490';
      if (proposal && geographic !== looksGeographic && features.length > 0) {
        crs = {
          value: proposal.value,
          source: 'magnitude',
          confidence: 'proposed',
          noteZh: `.prj 声明为 ${crsLabelZh(prj.code)}，但坐标值是${looksGeographic ? '经纬度' : '米制投影坐标'}，坐标系说明与数据不符。${proposal.noteZh ?? ''}`,
        };
      } else {
        crs = { value: prj.code, source: 'prj', confidence: 'certain', noteZh: prj.noteZh };
      }
    } else {
      crs = { value: null, source: 'prj', confidence: 'proposed', noteZh: `${prj.noteZh}${proposal?.value ? ` 按坐标范围可能是 ${proposal.value}，请确认。` : ''}` };
    }
  } else {
    crs = proposal
      ? { ...proposal, noteZh: `缺少 .prj 文件。${proposal.noteZh ?? ''}` }
      : { value: null, source: 'magnitude', confidence: 'proposed', noteZh: '缺少 .prj 文件，坐标范围也不像经纬度或高斯-克吕格坐标，无法推定坐标系。' };
  }

  return {
    name,
    features,
    crs,
    encoding,
    warnings,
    fields,
    extras: { shapeType: SHAPE_TYPE_NAMES[shpResult.shapeType], records: shpResult.records.length, files: [...set.values()].map((f) => f.name) },
  };
}

function isGeographicCode(code: string): boolean {
  try {
    return isGeographic(code) || code === 'EPSG:4610' || code === 'EPSG:4214';
  } catch {
    return false;
  }
}

export const shapefileFormat: FormatModule = {
  format: 'shapefile',
  sniff(files) {
    return files.some((f) => extOf(f.name) === '.shp');
  },
  parse(files, options): ParsedSource {
    const sets = [...groups(files).values()].filter((s) => s.has('.shp'));
    if (sets.length === 0) throw refuse(files[0]?.name ?? '?', '中没有 .shp 文件。', 'no .shp file.');
    const wanted = options.layers && options.layers.length > 0 ? new Set(options.layers.map((l) => l.toLowerCase())) : null;
    const chosen = wanted ? sets.filter((s) => wanted.has(baseOf(s.get('.shp')!.name).toLowerCase())) : sets;
    if (chosen.length === 0) {
      const names = sets.map((s) => baseOf(s.get('.shp')!.name)).join('、');
      throw new UserInputError('import.layer-not-found', `没有名为“${options.layers!.join('、')}”的图层；可选：${names}。`, `No layer named ${options.layers!.join(', ')}; available: ${names}.`);
    }
    const layers = chosen.map((s) => parseShapefileSet(s, options));
    const enc = layers.find((l) => l.encoding)?.encoding;
    return { format: 'shapefile', formatLabelZh: enc ? `Shapefile（${encodingLabelZh(enc.value)} 编码）` : 'Shapefile', layers };
  },
};
