/**
 * ESRI Shapefile reader (pure: DataView + TextDecoder). Our own small reader rather than shpjs,
 * because we need: the raw DBF bytes for encoding resolution (LDID → .cpg → detection →
 * override), per-record notes (null shapes, Z/M dropped), precise refusals for truncated files
 * and MultiPatch, and outer/hole assignment by containment.
 *
 * Input is the set of sibling files (`x.shp`, `x.dbf`, `x.shx`, `x.prj`, `x.cpg`) as random-access
 * ByteSources: the import reads files on disk through bounded windows and streams the features
 * (`openShapefile`: 100 000+ polygons never sit in memory at once), the preview and zip archives
 * (expanded by the Node side) wrap in-memory bytes in the same interface, so there is one reader.
 * `.sbn/.sbx/.shp.xml/.aux/.qpj` are ignored.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { crsLabelText, isGeographic } from '../crs';
import { proposeCrsFromPositions } from '../crs/guess';
import { crsFromPrj } from '../crs/prj';
import { UserInputError } from '../model/errors';
import { text, textList, type CodedText } from '../model/text';
import { decodeText, detectEncoding, encodingLabelZh, normalizeEncoding, requireEncoding } from './encoding';
import { bytesSource, type ByteSource, type Detected, type FormatModule, type ParsedLayer, type ParsedSource, type ParseOptions, type SourceFile, type StreamedLayer } from './types';
import { pointInRing, ringBBox, signedRingArea } from '../geo/rings';

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
// Records and rings

export interface ShpRecord {
  /** 1-based record number (as in the file). */
  number: number;
  geometry: Geometry | null;
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
export function assembleRings(rings: Position[][]): { polygons: Position[][][]; note?: CodedText } {
  const info = rings.map((ring) => ({ ring, area: signedRingArea(ring), box: ringBBox(ring) }));
  const usable = info.filter((r) => r.area !== 0);
  let note: CodedText | undefined;
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
    if (usable.length > 0) note = text('importNote.shp.ringOrder');
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
  if (orphans > 0) note = text('importNote.shp.orphanRings', { count: orphans });
  return { polygons: polygons.map((p) => [p.outer.ring, ...p.holes]), note };
}

// ---------------------------------------------------------------------------------------------
// Reading through a bounded window

/**
 * Sequential reads of a ByteSource through one reusable window: memory is bounded by the window
 * (1 MiB, or one record when a record is larger), not by the file. On in-memory sources the
 * reads are subarrays, so the preview path copies nothing. A file is read into the same buffer
 * window after window: a fresh 1 MiB buffer per window left the import's resident memory
 * growing by ≈ 40 MB over a 100 000-polygon file on Linux, and the two-thread import peaked at
 * 149–174 MB; with one buffer, 141–147 MB in 10 runs. (It looks like glibc's sliding mmap
 * threshold: once such a buffer is freed, later ones come from a heap that is not given back;
 * with MALLOC_TRIM_THRESHOLD_ set, which turns that off, the old code peaked at 140–142 MB.)
 */
class WindowReader {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  /** The window's own memory, when the source reads into a buffer: one allocation for the whole file. */
  private own: Uint8Array | null = null;

  constructor(
    readonly source: ByteSource,
    private readonly chunk = 1 << 20,
  ) {}

  /** Bytes [position, position + length), clipped at the end of the file; valid until the next call. */
  range(position: number, length: number): Uint8Array {
    const end = Math.min(position + length, this.source.size);
    if (position >= this.at && end <= this.at + this.buf.length) return this.buf.subarray(position - this.at, end - this.at);
    this.at = position;
    const want = Math.min(Math.max(this.chunk, end - position), this.source.size - position);
    if (this.source.readInto) {
      if (!this.own || this.own.length < want) this.own = new Uint8Array(Math.max(want, this.chunk));
      this.buf = this.source.readInto(position, want, this.own);
    } else this.buf = this.source.read(position, want);
    return this.buf.subarray(0, end - position);
  }
}

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

// ---------------------------------------------------------------------------------------------
// SHP

interface ShpHeader {
  shapeType: number;
  declaredLength: number;
  size: number;
}

/** What one pass over the records found, for the notes. */
class ShpPass {
  nullRecords: number[] = [];
  droppedZ = false;
  droppedM = false;
  /** The first few records whose rings were reordered (the notes list 5), and how many there were. */
  ringNotes: CodedText[] = [];
  ringNoteCount = 0;
  records = 0;
  trailing = 0;
}

/** The 100-byte .shp header. Throws UserInputError for non-shapefiles, truncation and MultiPatch. */
function readShpHeader(src: ByteSource): ShpHeader {
  const fileName = src.name;
  const size = src.size;
  if (size < 100) throw refuse(fileName, `太短（${size} 字节），不是完整的 Shapefile（文件头就需要 100 字节）。`, 'too short for a shapefile header.');
  const view = viewOf(src.read(0, 100));
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
  if (declaredLength > size) {
    throw refuse(fileName, `不完整：文件头记录的长度为 ${declaredLength} 字节，实际只有 ${size} 字节（文件被截断，请重新拷贝）。`, `truncated: header says ${declaredLength} bytes, file has ${size}.`, 'import.truncated');
  }
  return { shapeType, declaredLength, size };
}

/** The geometry of one record (null for a null shape); `view` starts at the record content. */
function parseShpRecord(view: DataView, contentLength: number, index: number, shapeType: number, fileName: string, pass: ShpPass): Geometry | null {
  const start = 0;
  const type = view.getInt32(start, true);
  const bad = (what: string) => refuse(fileName, `第 ${index} 条记录已损坏：${what}。`, `record ${index} is corrupt: ${what}.`, 'import.corrupt-record');
  let geometry: Geometry | null = null;
  if (type === 0) {
    pass.nullRecords.push(index);
  } else if (type !== shapeType) {
    throw bad(`几何类型 ${type} 与文件头的 ${shapeType} 不一致`);
  } else if (type === 1 || type === 11 || type === 21) {
    if (contentLength < 20) throw bad('点记录太短');
    geometry = { type: 'Point', coordinates: [view.getFloat64(start + 4, true), view.getFloat64(start + 12, true)] };
    if (type === 11) pass.droppedZ = true;
    if (type === 21 || (type === 11 && contentLength >= 36)) pass.droppedM = true;
  } else if (type === 8 || type === 18 || type === 28) {
    if (contentLength < 40) throw bad('多点记录太短');
    const numPoints = view.getInt32(start + 36, true);
    if (numPoints < 0 || 40 + numPoints * 16 > contentLength) throw bad(`点数 ${numPoints} 与记录长度不符`);
    const points: Position[] = [];
    for (let i = 0; i < numPoints; i++) points.push([view.getFloat64(start + 40 + i * 16, true), view.getFloat64(start + 48 + i * 16, true)]);
    if (numPoints === 0) pass.nullRecords.push(index);
    else geometry = { type: 'MultiPoint', coordinates: points };
    if (type === 18) pass.droppedZ = true;
    if (type === 28 || (type === 18 && contentLength > 40 + numPoints * 24 + 16)) pass.droppedM = true;
  } else {
    // PolyLine / Polygon (+Z/M)
    if (contentLength < 44) throw bad('记录太短');
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
    if (isZ) pass.droppedZ = true;
    if (isM || (isZ && contentLength >= 44 + numParts * 4 + numPoints * 32 + 16)) pass.droppedM = true;
    if (parts.length === 0) pass.nullRecords.push(index);
    else if (type === 3 || type === 13 || type === 23) {
      geometry = parts.length === 1 ? { type: 'LineString', coordinates: parts[0] } : { type: 'MultiLineString', coordinates: parts };
    } else {
      const { polygons, note } = assembleRings(parts);
      if (note && pass.ringNoteCount++ < 5) pass.ringNotes.push(text('importNote.shp.ringNote', { record: index, note }));
      if (polygons.length === 0) pass.nullRecords.push(index);
      else geometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
    }
  }
  return geometry;
}

/**
 * The records in file order, read sequentially (not via the .shx: GDAL reads to the end of the
 * file even when the header's length is too small, as some old writers leave it, so do we).
 */
function* shpRecords(src: ByteSource, header: ShpHeader, pass: ShpPass): Generator<ShpRecord> {
  const reader = new WindowReader(src);
  const end = src.size;
  let offset = 100;
  let index = 0;
  while (offset + 8 <= end) {
    index++;
    const head = viewOf(reader.range(offset, 8));
    const number = head.getInt32(0, false);
    const contentLength = head.getInt32(4, false) * 2;
    const start = offset + 8;
    if (contentLength < 4 || start + contentLength > end) {
      throw refuse(src.name, `第 ${index} 条记录不完整或已损坏（记录长度 ${contentLength} 字节超出文件末尾）。`, `record ${index} is truncated or corrupt.`, 'import.truncated');
    }
    const geometry = parseShpRecord(viewOf(reader.range(start, contentLength)), contentLength, index, header.shapeType, src.name, pass);
    pass.records = index;
    yield { number: number || index, geometry };
    offset = start + contentLength;
  }
  pass.trailing = end - offset;
}

function shpNotes(header: ShpHeader, pass: ShpPass): CodedText[] {
  const notes: CodedText[] = [];
  if (header.declaredLength < header.size) notes.push(text('importNote.shp.headerLength', { declared: header.declaredLength, actual: header.size }));
  if (pass.trailing > 0) notes.push(text('importNote.shp.trailing', { bytes: pass.trailing }));
  const nulls = pass.nullRecords;
  if (nulls.length > 0) {
    notes.push(text('importNote.shp.nullShapes', { records: textList(nulls.slice(0, 10), 'enum'), etc: nulls.length > 10 ? text('importNote.etc') : '', count: nulls.length }));
  }
  if (pass.droppedZ || pass.droppedM) notes.push(text('importNote.shp.dropped', { what: text(pass.droppedZ && pass.droppedM ? 'importNote.shp.dropped.zm' : pass.droppedZ ? 'importNote.shp.dropped.z' : 'importNote.shp.dropped.m') }));
  notes.push(...pass.ringNotes);
  if (pass.ringNoteCount > 5) notes.push(text('importNote.shp.moreRingNotes', { count: pass.ringNoteCount - 5 }));
  return notes;
}

/** Record count and (offset, length) entries of a .shx, or null when it is not a usable index. */
function shxIndex(shx: ByteSource | undefined): { count: number; entry(i: number): { offset: number; length: number } } | null {
  if (!shx || shx.size < 100 || (shx.size - 100) % 8 !== 0) return null;
  if (viewOf(shx.read(0, 4)).getInt32(0, false) !== 9994) return null;
  const reader = new WindowReader(shx, 1 << 16);
  return {
    count: (shx.size - 100) / 8,
    entry(i) {
      const v = viewOf(reader.range(100 + i * 8, 8));
      return { offset: v.getInt32(0, false) * 2, length: v.getInt32(4, false) * 2 };
    },
  };
}

/**
 * Up to `want` positions spread evenly over one record's points, read where they lie in the
 * record rather than by building its geometry (a record may hold millions of points). A record
 * that does not fit its own counts gives none; the import pass refuses it with its number.
 */
function recordPositionSample(reader: WindowReader, at: number, length: number, shapeType: number, want: number): Position[] {
  if (length < 4) return [];
  const type = viewOf(reader.range(at, 4)).getInt32(0, true);
  if (type !== shapeType) return [];
  let pointsAt: number;
  let numPoints: number;
  if (type === 1 || type === 11 || type === 21) {
    if (length < 20) return [];
    pointsAt = at + 4;
    numPoints = 1;
  } else if (type === 8 || type === 18 || type === 28) {
    if (length < 40) return [];
    numPoints = viewOf(reader.range(at + 36, 4)).getInt32(0, true);
    pointsAt = at + 40;
    if (numPoints < 0 || 40 + numPoints * 16 > length) return [];
  } else {
    if (length < 44) return [];
    const counts = viewOf(reader.range(at + 36, 8));
    const numParts = counts.getInt32(0, true);
    numPoints = counts.getInt32(4, true);
    if (numParts < 0 || numPoints < 0 || 44 + numParts * 4 + numPoints * 16 > length) return [];
    pointsAt = at + 44 + numParts * 4;
  }
  const out: Position[] = [];
  const take = Math.min(want, numPoints);
  for (let k = 0; k < take; k++) {
    const i = Math.floor((k * numPoints) / take);
    const v = viewOf(reader.range(pointsAt + i * 16, 16));
    const p: Position = [v.getFloat64(0, true), v.getFloat64(8, true)];
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) out.push(p);
  }
  return out;
}

/**
 * Up to `limit` positions for the CRS proposal, which must be settled before anything is
 * written: records spread over the file via the .shx, else the first records. Broken records
 * are skipped here; the import pass refuses them with their number.
 */
function sampleShpPositions(shp: ByteSource, header: ShpHeader, shx: ByteSource | undefined, limit = 2000): Position[] {
  const out: Position[] = [];
  const collect = (g: Geometry | null) => {
    if (!g || g.type === 'GeometryCollection') return;
    const walk = (c: unknown): void => {
      if (!Array.isArray(c) || out.length >= limit) return;
      if (typeof c[0] === 'number') {
        if (Number.isFinite(c[0]) && Number.isFinite(c[1])) out.push(c as Position);
        return;
      }
      for (const child of c) walk(child);
    };
    walk((g as { coordinates: unknown }).coordinates);
  };
  const scratch = new ShpPass();
  const index = shxIndex(shx);
  if (index && index.count > 0) {
    const reader = new WindowReader(shp, 1 << 16);
    const step = Math.max(1, Math.floor(index.count / limit));
    const perRecord = Math.max(1, Math.ceil(limit / Math.ceil(index.count / step)));
    for (let i = 0; i < index.count && out.length < limit; i += step) {
      const { offset, length } = index.entry(i);
      if (offset < 100 || length < 4 || offset + 8 + length > shp.size) continue;
      for (const p of recordPositionSample(reader, offset + 8, length, header.shapeType, Math.min(perRecord, limit - out.length))) out.push(p);
    }
    if (out.length > 0) return out;
  }
  try {
    for (const record of shpRecords(shp, header, scratch)) {
      collect(record.geometry);
      if (out.length >= limit) break;
    }
  } catch {
    // reported by the import pass
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// DBF

export interface DbfField {
  name: string;
  type: string;
  length: number;
  decimals: number;
}

interface DbfLayout {
  numRecords: number;
  headerLength: number;
  recordLength: number;
  ldid: number;
  rawFields: Array<{ nameBytes: Uint8Array; type: string; length: number; decimals: number; offset: number }>;
}

/** The DBF header (field descriptors), read without the records. */
function dbfLayout(src: ByteSource): DbfLayout {
  const fileName = src.name;
  if (src.size < 32) throw refuse(fileName, `太短（${src.size} 字节），不是有效的 DBF 属性表。`, 'too short for a DBF header.');
  const first = viewOf(src.read(0, 32));
  const numRecords = first.getUint32(4, true);
  const headerLength = first.getUint16(8, true);
  const recordLength = first.getUint16(10, true);
  const bytes = src.read(0, Math.min(src.size, Math.max(32, headerLength + 32)));
  const ldid = bytes[29];
  const rawFields: DbfLayout['rawFields'] = [];
  let pos = 32;
  let fieldOffset = 1;
  while (pos + 32 <= bytes.length && bytes[pos] !== 0x0d && pos < headerLength) {
    let nameEnd = pos;
    while (nameEnd < pos + 11 && bytes[nameEnd] !== 0) nameEnd++;
    const length = bytes[pos + 16];
    rawFields.push({ nameBytes: bytes.slice(pos, nameEnd), type: String.fromCharCode(bytes[pos + 11]), length, decimals: bytes[pos + 17], offset: fieldOffset });
    fieldOffset += length;
    pos += 32;
  }
  if (rawFields.length === 0 || headerLength < 33 || recordLength < 1) throw refuse(fileName, '的文件头无效（没有字段定义），不是有效的 DBF 属性表。', 'invalid DBF header.');
  return { numRecords, headerLength, recordLength, ldid, rawFields };
}

/** Encoding detection looks at the text of the first records only: at most 5000 records and 4 MiB. */
const ENCODING_SAMPLE_RECORDS = 5000;
const ENCODING_SAMPLE_BYTES = 4 << 20;

/** Encoding of a DBF: user override → LDID → .cpg → detection on a sample (the override wins). */
export function resolveDbfEncoding(src: ByteSource, cpg: string | undefined, override: string | undefined): Detected<string> {
  if (override) return { value: requireEncoding(override), source: 'user', confidence: 'certain', note: text('importNote.enc.user', { encoding: encodingLabelZh(requireEncoding(override)) }) };
  const { numRecords, headerLength, recordLength, ldid, rawFields } = dbfLayout(src);
  const fromLdid = LDID_ENCODINGS[ldid];
  if (fromLdid) {
    const codepage = fromLdid === 'gbk' ? text('importNote.enc.cp936') : encodingLabelZh(fromLdid);
    return { value: fromLdid, source: 'ldid', confidence: 'certain', note: text('importNote.enc.ldid', { ldid: ldid.toString(16).toUpperCase(), codepage }) };
  }
  if (cpg !== undefined && cpg.trim() !== '') {
    const label = normalizeEncoding(cpg);
    if (label) return { value: label, source: 'cpg', confidence: 'certain', note: text('importNote.enc.cpg', { declared: cpg.trim(), encoding: encodingLabelZh(label) }) };
  }
  // Detection over the text of the character fields (and field names) of a sample.
  const limit = Math.min(numRecords, ENCODING_SAMPLE_RECORDS, Math.max(1, Math.floor(ENCODING_SAMPLE_BYTES / recordLength)));
  const sample = headerLength < src.size ? src.read(headerLength, Math.min(limit * recordLength, src.size - headerLength)) : new Uint8Array(0);
  const chunks: Uint8Array[] = rawFields.map((f) => f.nameBytes);
  for (let r = 0; r < limit; r++) {
    const base = r * recordLength;
    for (const f of rawFields) {
      if (f.type !== 'C') continue;
      const s = base + f.offset;
      if (s + f.length <= sample.length) chunks.push(sample.subarray(s, s + f.length));
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
  const note = detected.note ?? '';
  return { ...detected, note: cpg !== undefined && cpg.trim() !== '' ? text('importNote.enc.cpgUnknown', { declared: cpg.trim(), note }) : text('importNote.enc.noCpg', { note }) };
}

/** Reads DBF rows one at a time (in order) with a resolved encoding; `notes()` after the last row. */
export class DbfReader {
  readonly fields: DbfField[] = [];
  readonly numRecords: number;
  private readonly layout: DbfLayout;
  private readonly reader: WindowReader;
  private readonly decoder: TextDecoder;
  /** ASCII bytes read as themselves in this encoding, so an all-ASCII value needs no decoder. */
  private readonly asciiCompatible: boolean;
  private replacement = 0;
  private memo = false;
  /** Whether the record bytes are also valid UTF-8 with multi-byte sequences (a doubtful non-UTF-8 choice). */
  private readonly utf8Check: { decoder: TextDecoder; valid: boolean; high: boolean } | null;

  constructor(
    src: ByteSource,
    private readonly encoding: Detected<string>,
  ) {
    this.layout = dbfLayout(src);
    const { numRecords, headerLength, recordLength, rawFields } = this.layout;
    this.decoder = new TextDecoder(encoding.value);
    this.asciiCompatible = !/^(utf-16|iso-2022-jp|replacement)/.test(this.decoder.encoding);
    const used = new Set<string>();
    for (const f of rawFields) {
      let name = this.decoder.decode(f.nameBytes).trim() || `FIELD_${this.fields.length + 1}`;
      for (let n = 2; used.has(name); n++) name = `${name}_${n}`;
      used.add(name);
      this.fields.push({ name, type: f.type, length: f.length, decimals: f.decimals });
    }
    const available = Math.max(0, Math.floor((src.size - headerLength) / recordLength));
    if (available < numRecords) {
      // A trailing 0x1A end-of-file marker is optional; anything shorter than the records is truncation.
      throw refuse(src.name, `不完整：文件头记录有 ${numRecords} 条记录，实际只有 ${available} 条完整记录（文件被截断）。`, `truncated: ${numRecords} records declared, ${available} present.`, 'import.truncated');
    }
    this.numRecords = numRecords;
    this.reader = new WindowReader(src);
    this.utf8Check = encoding.source !== 'user' && encoding.value !== 'utf-8' ? { decoder: new TextDecoder('utf-8', { fatal: true }), valid: true, high: false } : null;
  }

  /** Row `r` (0-based); rows are read through a window, so call them in order. */
  row(r: number): Record<string, unknown> {
    const { headerLength, recordLength, rawFields } = this.layout;
    const record = this.reader.range(headerLength + r * recordLength, recordLength);
    const view = viewOf(record);
    const check = this.utf8Check;
    if (check && check.valid) {
      for (let i = 0; i < record.length && !check.high; i++) if (record[i] >= 0x80) check.high = true;
      try {
        check.decoder.decode(record, { stream: true });
      } catch {
        check.valid = false;
      }
    }
    const row: Record<string, unknown> = {};
    for (let i = 0; i < rawFields.length; i++) {
      const f = rawFields[i];
      const s = f.offset;
      const raw = record.subarray(s, s + f.length);
      const name = this.fields[i].name;
      switch (f.type) {
        case 'C': {
          const text = ((this.asciiCompatible ? asciiText(raw) : null) ?? this.decoder.decode(raw)).replace(/\0+$/, '').trim();
          if (text.includes('\uFFFD')) this.replacement++;
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
          row[name] = f.length === 4 && s + 4 <= record.length ? view.getInt32(s, true) : null;
          break;
        case 'O':
        case 'B':
          row[name] = f.length === 8 && s + 8 <= record.length ? view.getFloat64(s, true) : null;
          break;
        case 'M':
          this.memo = true;
          row[name] = null;
          break;
        default: {
          const text = this.decoder.decode(raw).replace(/\0+$/, '').trim();
          row[name] = text === '' ? null : text;
        }
      }
    }
    return row;
  }

  /** Notes about the rows read so far (undecodable bytes, doubtful encoding, memo fields). */
  notes(): CodedText[] {
    const notes: CodedText[] = [];
    if (this.replacement > 0) notes.push(text('importNote.dbf.undecodable', { count: this.replacement, encoding: encodingLabelZh(this.encoding.value) }));
    const check = this.utf8Check;
    if (check && check.valid) {
      try {
        check.decoder.decode();
      } catch {
        check.valid = false;
      }
    }
    if (check && check.valid && check.high) {
      notes.push(text('importNote.dbf.alsoUtf8', { encoding: encodingLabelZh(this.encoding.value) }));
    }
    if (this.memo) notes.push(text('importNote.dbf.memo'));
    return notes;
  }
}

/** Bytes as Latin-1 text (DBF numbers, dates and flags are ASCII). Fields are at most 255 bytes. */
function latin(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The bytes as text when every one is ASCII (the same text in any ASCII-compatible encoding), else null. */
function asciiText(bytes: Uint8Array): string | null {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return null;
  return latin(bytes);
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

/** The sibling files of one shapefile as random-access sources. */
export interface ShapefileSources {
  shp: ByteSource;
  shx?: ByteSource;
  dbf?: ByteSource;
  prj?: ByteSource;
  cpg?: ByteSource;
}

const GEOMETRY_TYPES_OF_SHAPE: Record<string, Geometry['type'][]> = {
  Point: ['Point'],
  MultiPoint: ['MultiPoint'],
  PolyLine: ['LineString', 'MultiLineString'],
  Polygon: ['Polygon', 'MultiPolygon'],
};

/** A shapefile opened for streaming (what `openShapefile` returns). */
export interface ShapefileStream extends StreamedLayer {
  /** zh name of the header's shape type, e.g. “Polygon”. */
  shapeTypeName: string;
  /** Records read by the last `features()` pass (null shapes included). */
  recordsRead(): number;
}

/**
 * Opens one shapefile for reading feature by feature: reads the headers, resolves the encoding
 * (on a sample of the DBF) and the CRS (.prj, else a proposal from sampled records) — everything
 * the import must settle before writing — without reading the records. `features()` then reads
 * .shp and .dbf sequentially through bounded windows; `finalWarnings()` has the notes of that pass
 * (null shapes, Z/M, ring order, DBF decoding) in the order the whole-file reader gave them.
 */
export function openShapefile(sources: ShapefileSources, options: ParseOptions): ShapefileStream {
  const shp = sources.shp;
  const name = baseOf(shp.name);
  const header = readShpHeader(shp);
  const shapeTypeName = SHAPE_TYPE_NAMES[header.shapeType];
  let encoding: Detected<string> | undefined;
  let fields: string[] = [];
  let dbfRecords: number | null = null;
  if (sources.dbf) {
    const cpg = sources.cpg ? decodeText(sources.cpg.read(0, sources.cpg.size), 'utf-8') : undefined;
    encoding = resolveDbfEncoding(sources.dbf, cpg, options.encoding);
    // opened once up front so a truncated or broken DBF is refused before anything is written
    const probe = new DbfReader(sources.dbf, encoding);
    fields = probe.fields.map((f) => f.name);
    dbfRecords = probe.numRecords;
  }
  const shx = shxIndex(sources.shx);

  // CRS: .prj → code; a .prj that contradicts the coordinates is treated as missing (mislabelled).
  const positions = sampleShpPositions(shp, header, sources.shx);
  const proposal = proposeCrsFromPositions(positions);
  let crs: Detected<string | null>;
  if (sources.prj) {
    const prj = crsFromPrj(decodeText(sources.prj.read(0, sources.prj.size), 'utf-8'));
    if (prj.code) {
      const geographic = isGeographicCode(prj.code);
      const looksGeographic = proposal?.value === 'EPSG:4490';
      if (proposal && geographic !== looksGeographic && positions.length > 0) {
        const values = text(looksGeographic ? 'importNote.crs.values.lonLat' : 'importNote.crs.values.metres');
        crs = {
          value: proposal.value,
          source: 'magnitude',
          confidence: 'proposed',
          note: text('importNote.crs.prjMismatch', { declared: crsLabelText(prj.code), values, proposal: proposal.note ?? '' }),
        };
      } else {
        crs = { value: prj.code, source: 'prj', confidence: 'certain', note: prj.note };
      }
    } else {
      const maybe = proposal?.value ? text('importNote.crs.prjMaybe', { code: proposal.value }) : '';
      crs = { value: null, source: 'prj', confidence: 'proposed', note: text('importNote.crs.prjUnrecognised', { note: prj.note, maybe }) };
    }
  } else {
    crs = proposal
      ? { ...proposal, note: text('importNote.crs.noPrj', { proposal: proposal.note ?? '' }) }
      : { value: null, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.noPrjNoGuess') };
  }

  let position = 0;
  let last: { pass: ShpPass; dbfNotes: CodedText[] } | null = null;
  const files = Object.values(sources).filter((s): s is ByteSource => !!s).map((s) => s.name);
  return {
    name,
    crs,
    encoding,
    warnings: [],
    fields,
    extras: { shapeType: shapeTypeName, files },
    shapeTypeName,
    total: shx ? shx.count : dbfRecords,
    geometryTypes: GEOMETRY_TYPES_OF_SHAPE[shapeTypeName.replace(/[ZM]$/, '')] ?? [],
    position: () => position,
    recordsRead: () => last?.pass.records ?? 0,
    *attributes() {
      if (!sources.dbf || !encoding) return;
      const dbf = new DbfReader(sources.dbf, encoding);
      // with an index, rows of null shapes (content = the 4-byte type) and rows beyond the
      // geometry records are left out, as the import pass leaves them out
      const count = shx ? Math.min(dbf.numRecords, shx.count) : dbf.numRecords;
      for (let r = 0; r < count; r++) {
        if (shx && shx.entry(r).length <= 4) continue;
        yield { properties: dbf.row(r) };
      }
    },
    *features() {
      position = 0;
      const pass = new ShpPass();
      const dbf = sources.dbf && encoding ? new DbfReader(sources.dbf, encoding) : null;
      let i = 0;
      for (const record of shpRecords(shp, header, pass)) {
        const row = dbf && i < dbf.numRecords ? dbf.row(i) : null;
        i++;
        position = i;
        if (!record.geometry) continue;
        const feature: Feature = { type: 'Feature', properties: row ?? {}, geometry: record.geometry };
        if (!dbf) feature.id = String(i);
        yield feature;
      }
      // the notes (undecodable bytes, …) cover every row, as the whole-file reader's did
      if (dbf) for (let r = i; r < dbf.numRecords; r++) dbf.row(r);
      last = { pass, dbfNotes: dbf ? dbf.notes() : [] };
    },
    finalWarnings() {
      const warnings = last ? shpNotes(header, last.pass) : [];
      if (sources.dbf && encoding) {
        if (encoding.confidence === 'proposed') warnings.push(text('importNote.dbf.encoding', { note: encoding.note ?? '' }));
        warnings.push(...(last?.dbfNotes ?? []));
        const records = last?.pass.records ?? 0;
        if (last && dbfRecords !== records) {
          const extra = text(dbfRecords! < records ? 'importNote.dbf.recordCount.noAttributes' : 'importNote.dbf.recordCount.ignored');
          warnings.push(text('importNote.dbf.recordCount', { dbf: dbfRecords!, shp: records, extra }));
        }
      } else {
        warnings.push(text('importNote.dbf.missing', { file: `${name}.dbf` }));
      }
      return warnings;
    },
  };
}

/** Parses one shapefile whose sibling files are in memory (preview, zip archives). */
export function parseShapefileSet(set: Map<string, SourceFile>, options: ParseOptions): ParsedLayer {
  const source = (ext: string) => {
    const file = set.get(ext);
    return file ? bytesSource(file) : undefined;
  };
  const stream = openShapefile({ shp: source('.shp')!, shx: source('.shx'), dbf: source('.dbf'), prj: source('.prj'), cpg: source('.cpg') }, options);
  const features = [...stream.features()];
  return {
    name: stream.name,
    features,
    crs: stream.crs,
    encoding: stream.encoding,
    warnings: stream.finalWarnings(),
    fields: stream.fields,
    extras: { shapeType: stream.shapeTypeName, records: stream.recordsRead(), files: [...set.values()].map((f) => f.name) },
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
    return { format: 'shapefile', formatLabel: enc ? text('importNote.format.shapefileEncoded', { encoding: encodingLabelZh(enc.value) }) : text('importNote.format.shapefile'), layers };
  },
};
