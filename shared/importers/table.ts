/**
 * Coordinate tables (CSV here and in csv.ts, XLSX sheets from electron/services/importers/xlsx.ts)
 * → layers, read as streams (pure). Two shapes:
 *  - **point tables** (monitoring stations, wells…): one row per point, lon/lat columns (经度/纬度,
 *    lon/lat, lng, longitude…) or Gauss-Krüger X/Y columns (X坐标/Y坐标, 北坐标/东坐标, x/y);
 *  - **parcel corner lists**: a 点号 column (and 地块编号 to group rows into parcels, 圈号 for
 *    rings), built into polygons ordered by the file order (or by the 点号 sequence when the file
 *    is not in order), holes/parts by containment as in boundary TXT files.
 * Which of the two coordinate columns is northing is decided by magnitude (X = northing in the
 * Chinese survey convention, but many sheets say x = easting). Errors name the row and column.
 *
 * A table is read from its source row by row, never held: a first pass finds the header, checks
 * every coordinate and gathers what must be known before anything is written (axis order, the CRS
 * proposal, the row count); the attribute pass and the feature pass read the rows again. A point
 * table holds nothing per row. A corner list keeps its coordinates, ring and point numbers in
 * typed arrays (≈ 40 bytes a row) because a parcel's rows may be spread over the file; the
 * attributes of a parcel's first row are kept only until its last row has been read.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { proposeCrsFromPositions } from '../crs/guess';
import { UserInputError } from '../model/errors';
import { text, type CodedText } from '../model/text';
import { assemblePolygons, cgcs2000GkCode } from './boundary-txt';
import { cleanFieldNames } from './fields';
import type { Detected, ParseOptions, StreamedLayer } from './types';

/** One row of a table: its cells (trimmed) and its 1-based row number in the file or sheet. */
export interface TableRow {
  cells: string[];
  row: number;
}

/** A table read from the top as often as needed, one row at a time. */
export interface RowSource {
  rows(): Iterable<TableRow>;
}

const fold = (s: string) => s.replace(/\s|　/g, '').replace(/[（(].*?[)）]/g, '').toLowerCase();

const LON = ['经度', 'lon', 'lng', 'long', 'longitude', '东经', 'jd'];
const LAT = ['纬度', 'lat', 'latitude', '北纬', 'wd'];
const X = ['x', 'x坐标', '北坐标', '纵坐标', 'x北', 'northing', 'n', 'xzb'];
const Y = ['y', 'y坐标', '东坐标', '横坐标', 'y东', 'easting', 'e', 'yzb'];
const POINT_NO = ['点号', '界址点号', '拐点号', '点名', 'jzdh', 'dh', 'pointno', '界址点'];
const RING_NO = ['圈号', '环号', '地块圈号', 'qh', 'ring'];
const PARCEL = ['地块编号', '地块号', '宗地号', '宗地编号', '地块编码', 'dkbh', 'dkbm', 'parcel', 'parcelid'];

/** Rows looked at for the header (a title may stand above it). */
const HEADER_ROWS = 10;
/** Positions kept, evenly spread over the table, for a CRS proposal that needs positions. */
const CRS_SAMPLE = 2000;

function findColumn(header: string[], names: string[], explicit?: string): number {
  if (explicit !== undefined) return header.findIndex((h) => h === explicit || fold(h) === fold(explicit));
  const folded = header.map(fold);
  for (const name of names) {
    const i = folded.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

const isNum = (v: string) => /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim());

function fail(fileName: string, code: string, zh: string, en: string): UserInputError {
  return new UserInputError(code, `文件“${fileName}”${zh}`, `"${fileName}": ${en}`);
}

function pointNumber(label: string): number {
  const m = /(\d+)(?!.*\d)/.exec(label);
  return m ? Number(m[1]) : NaN;
}

/** A typed array that grows as values are appended. */
class Growable<A extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: A,
    private readonly make: (n: number) => A,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i];
  }
}

const f64 = () => new Growable(new Float64Array(1024), (n) => new Float64Array(n));
const i32 = () => new Growable(new Int32Array(1024), (n) => new Int32Array(n));
const u8 = () => new Growable(new Uint8Array(1024), (n) => new Uint8Array(n));

/** A corner list's rows as the first pass keeps them (index = the row's place among the data rows). */
class Corners {
  readonly a = f64();
  readonly b = f64();
  readonly group = i32();
  readonly ring = i32();
  readonly pointNo = f64();
  /** 1 when the row's 点号 equals the first 点号 of its ring in its parcel (a closing repeat). */
  readonly closes = u8();
  readonly groupIds = new Map<string, number>();
  readonly groupKeys: string[] = [];
  readonly firstRow = i32();
  readonly lastRow = i32();
  private readonly ringIds = new Map<string, number>();
  private readonly ringFirstLabel = new Map<string, string>();

  add(index: number, a: number, b: number, key: string, ringLabel: string, label: string): void {
    let g = this.groupIds.get(key);
    if (g === undefined) {
      g = this.groupKeys.length;
      this.groupIds.set(key, g);
      this.groupKeys.push(key);
      this.firstRow.push(index);
      this.lastRow.push(index);
    }
    this.lastRow.data[g] = index;
    let r = this.ringIds.get(ringLabel);
    if (r === undefined) {
      r = this.ringIds.size;
      this.ringIds.set(ringLabel, r);
    }
    const ringKey = `${g}\u0000${r}`;
    const first = this.ringFirstLabel.get(ringKey);
    if (first === undefined) this.ringFirstLabel.set(ringKey, label);
    this.a.push(a);
    this.b.push(b);
    this.group.push(g);
    this.ring.push(r);
    this.pointNo.push(pointNumber(label));
    this.closes.push(first === undefined || first === label ? 1 : 0);
  }

  /** The data rows of each parcel, in file order: rows of parcel g are order[start[g]] … order[start[g + 1] − 1]. */
  byGroup(): { start: Int32Array; order: Int32Array } {
    const groups = this.groupKeys.length;
    const n = this.group.length;
    const start = new Int32Array(groups + 1);
    for (let i = 0; i < n; i++) start[this.group.get(i) + 1]++;
    for (let g = 0; g < groups; g++) start[g + 1] += start[g];
    const next = start.slice(0, groups);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[next[this.group.get(i)]++] = i;
    return { start, order };
  }
}

interface Columns {
  header: string[];
  headerRow: number;
  a: number;
  b: number;
  geographicHeader: boolean;
  pointCol: number;
  ringCol: number;
  parcelCol: number;
  /** Names of the columns kept as attributes, cleaned and unique. */
  fieldNames: Map<number, string>;
}

function headerColumns(cells: string[], row: number, options: ParseOptions, fileName: string): Columns | null {
  const cols = options.columns ?? {};
  const h = cells.map((c) => c.trim());
  const isHeader = cols.x && cols.y ? findColumn(h, [], cols.x) >= 0 && findColumn(h, [], cols.y) >= 0 : (findColumn(h, LON) >= 0 && findColumn(h, LAT) >= 0) || (findColumn(h, X) >= 0 && findColumn(h, Y) >= 0);
  if (!isHeader) return null;
  const header = cells.map((c, i) => c.trim() || `列${i + 1}`);
  let a = cols.x ? findColumn(header, [], cols.x) : findColumn(header, LON);
  let b = cols.y ? findColumn(header, [], cols.y) : findColumn(header, LAT);
  let geographicHeader = !cols.x && a >= 0 && b >= 0;
  if (a < 0 || b < 0) {
    a = findColumn(header, X);
    b = findColumn(header, Y);
    geographicHeader = false;
  }
  const pointCol = findColumn(header, POINT_NO, cols.order);
  const ringCol = findColumn(header, RING_NO);
  const parcelCol = findColumn(header, PARCEL, cols.groupBy);
  const coordCols = new Set([a, b, pointCol, ringCol].filter((i) => i >= 0));
  const kept = header.map((_, i) => i).filter((i) => !coordCols.has(i));
  const names = cleanFieldNames(
    kept.map((i) => header[i]),
    fileName,
  );
  return { header, headerRow: row, a, b, geographicHeader, pointCol, ringCol, parcelCol, fieldNames: new Map(kept.map((i, k) => [i, names[k]])) };
}

/** A coordinate cell of a data row as a number; refuses, naming the row and column, anything else. */
function coordinate(r: TableRow, col: number, columns: Columns, fileName: string, where: string): number {
  const v = (r.cells[col] ?? '').trim();
  if (!isNum(v)) {
    const name = columns.header[col];
    throw fail(fileName, 'import.table-number', `${where}第 ${r.row} 行“${name}”列的值“${v}”不是数字。`, `${where} row ${r.row}, column "${name}": "${v}" is not a number.`);
  }
  return Number(v);
}

/** A northing in metres: seven digits before the decimal point. */
const isNorthing = (n: number) => n >= 1e6 && n < 1e7;

/**
 * Opens a table as a streamed layer: the first pass runs here (so every refusal comes before the
 * import writes anything); `features()` and `attributes()` read the rows again. `where` names the
 * sheet in messages; row numbers in messages are 1-based file/sheet rows.
 */
export function openTableLayer(table: RowSource, fileName: string, layerName: string, options: ParseOptions = {}, where = ''): StreamedLayer {
  const early: TableRow[] = [];
  let columns: Columns | null = null;
  let count = 0;
  let first: { row: number; a: number; b: number } | null = null;
  let geoLike = true;
  let lonFirst = 0;
  let latFirst = 0;
  let aNorth = 0;
  let bNorth = 0;
  const prefixes: [Set<number>, Set<number>] = [new Set(), new Set()];
  const bounds = [Infinity, Infinity, -Infinity, -Infinity, Infinity, -Infinity];
  // rows sampled for the CRS proposal: every `stride`-th, halved when full
  let sample: number[] = [];
  let stride = 1;
  let corners: Corners | null = null;

  for (const r of table.rows()) {
    if (!r.cells.some((c) => c !== '')) continue;
    if (!columns) {
      early.push(r);
      columns = headerColumns(r.cells, r.row, options, fileName);
      if (!columns && early.length >= HEADER_ROWS) break;
      if (columns && columns.pointCol >= 0) corners = new Corners();
      continue;
    }
    const { a, b, parcelCol, ringCol, pointCol } = columns;
    const av = coordinate(r, a, columns, fileName, where);
    const bv = coordinate(r, b, columns, fileName, where);
    first ??= { row: r.row, a: av, b: bv };
    if (Math.abs(av) > 180 || Math.abs(bv) > 180) geoLike = false;
    if (av >= 73 && av <= 136 && bv >= 3 && bv <= 54) lonFirst++;
    if (bv >= 73 && bv <= 136 && av >= 3 && av <= 54) latFirst++;
    if (isNorthing(av) && !isNorthing(bv)) aNorth++;
    if (isNorthing(bv) && !isNorthing(av)) bNorth++;
    if (prefixes[0].size < 2) prefixes[0].add(av >= 1e7 ? Math.floor(av / 1e6) : 0);
    if (prefixes[1].size < 2) prefixes[1].add(bv >= 1e7 ? Math.floor(bv / 1e6) : 0);
    bounds[0] = Math.min(bounds[0], av);
    bounds[1] = Math.min(bounds[1], bv);
    bounds[2] = Math.max(bounds[2], av);
    bounds[3] = Math.max(bounds[3], bv);
    if (count % stride === 0) {
      sample.push(av, bv);
      if (sample.length >= 4 * CRS_SAMPLE) {
        sample = sample.filter((_, i) => i % 4 < 2);
        stride *= 2;
      }
    }
    if (corners) {
      const key = parcelCol >= 0 ? (r.cells[parcelCol] ?? '').trim() : '';
      if (parcelCol >= 0 && key === '') {
        throw fail(fileName, 'import.table-group', `${where}第 ${r.row} 行“${columns.header[parcelCol]}”列是空的，无法归入地块。`, `${where} row ${r.row}: empty parcel id.`);
      }
      corners.add(count, av, bv, key, ringCol >= 0 ? (r.cells[ringCol] ?? '') : '', r.cells[pointCol] ?? '');
    }
    count++;
  }

  if (!columns) {
    if (early.length === 0) throw fail(fileName, 'import.empty', `${where}是空的。`, `${where} is empty.`);
    const shown = early[0].cells.filter((c) => c !== '').join('、');
    throw fail(
      fileName,
      'import.table-no-coordinates',
      `${where}没有找到坐标列。表头应含“经度/纬度”（或 lon/lat）或“X坐标/Y坐标”（或 X/Y、北坐标/东坐标）；第 ${early[0].row} 行是：${shown.slice(0, 120)}。`,
      `${where}: no coordinate columns found (need lon/lat or X/Y headers).`,
    );
  }
  const { header, headerRow, a, b, geographicHeader, fieldNames } = columns;
  if (count === 0 || !first) throw fail(fileName, 'import.empty', `${where}只有表头（第 ${headerRow} 行），没有数据行。`, `${where}: header only.`);

  // axis order by magnitude
  const warnings: CodedText[] = [];
  let swap: boolean;
  if (geoLike) {
    // lon is the value in China's longitude range, lat the other
    const aIsLon = lonFirst >= latFirst;
    if (!aIsLon) warnings.push(text('importNote.table.swappedLonLat', { a: header[a], b: header[b] }));
    swap = !aIsLon;
  } else {
    if (aNorth === 0 && bNorth === 0) {
      throw fail(fileName, 'import.table-magnitude', `${where}第 ${first.row} 行的坐标（${first.a}, ${first.b}）既不像经纬度也不像高斯-克吕格平面坐标（北坐标 7 位整数）。`, `${where} row ${first.row}: coordinates are neither lon/lat nor Gauss-Krüger metres.`);
    }
    // X = northing (survey convention) unless the magnitudes say otherwise
    const aIsNorth = aNorth >= bNorth;
    if (geographicHeader) warnings.push(text('importNote.table.projectedInLonLat', { a: header[a], b: header[b] }));
    warnings.push(text('importNote.table.axes', { north: header[aIsNorth ? a : b], east: header[aIsNorth ? b : a] }));
    swap = aIsNorth;
  }
  const xy = (av: number, bv: number): Position => (swap ? [bv, av] : [av, bv]);

  // CRS proposal
  let crs: Detected<string | null>;
  if (options.crs) crs = { value: options.crs, source: 'user', confidence: 'certain' };
  else if (geoLike) {
    crs = { value: 'EPSG:4490', source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.tableLonLat') };
  } else {
    const eastings = prefixes[swap ? 1 : 0];
    const prefix = eastings.size === 1 ? [...eastings][0] : 0;
    const code = prefix >= 25 && prefix <= 45 ? cgcs2000GkCode(3, prefix, true) : prefix >= 13 && prefix <= 23 ? cgcs2000GkCode(6, prefix, true) : null;
    if (code) crs = { value: code, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.tableZone', { prefix, width: prefix >= 25 ? 3 : 6, code }) };
    else {
      const positions: Position[] = [];
      for (let i = 0; i < sample.length; i += 2) positions.push(xy(sample[i], sample[i + 1]));
      const [minA, minB, maxA, maxB] = bounds;
      const box: [number, number, number, number] = swap ? [minB, minA, maxB, maxA] : [minA, minB, maxA, maxB];
      crs = proposeCrsFromPositions(positions, box) ?? { value: null, source: 'magnitude', confidence: 'proposed', note: text('importNote.crs.tableUnknown') };
    }
  }

  const fields = [...fieldNames.values()];
  const propsOf = (cells: string[]) => {
    const props: Record<string, unknown> = {};
    for (const [i, name] of fieldNames) props[name] = cells[i] ?? '';
    return props;
  };
  /** The data rows (after the header) of a fresh pass, with their index among them. */
  function* dataRows(): Generator<TableRow & { index: number }> {
    let seenHeader = false;
    let index = 0;
    for (const r of table.rows()) {
      if (!seenHeader) {
        seenHeader = r.row === headerRow;
        continue;
      }
      if (!r.cells.some((c) => c !== '')) continue;
      const data = r as TableRow & { index: number };
      data.index = index++;
      yield data;
    }
  }
  const number = (v: string | undefined) => Number((v ?? '').trim());
  let position = 0;
  const finalWarnings: CodedText[] = [];
  const extras = { headerRow, mode: corners ? 'corners' : 'points' };

  if (!corners) {
    return {
      name: layerName,
      crs,
      warnings,
      fields,
      extras,
      total: count,
      position: () => position,
      geometryTypes: ['Point'],
      *attributes() {
        for (const r of dataRows()) yield { properties: propsOf(r.cells) };
      },
      *features() {
        position = 0;
        for (const r of dataRows()) {
          position++;
          yield { type: 'Feature', properties: propsOf(r.cells), geometry: { type: 'Point', coordinates: xy(number(r.cells[a]), number(r.cells[b])) } } satisfies Feature;
        }
      },
      finalWarnings: () => finalWarnings,
    };
  }

  const list = corners;
  const { start, order } = list.byGroup();
  const groups = list.groupKeys.length;
  const build = (g: number, properties: Record<string, unknown>): Feature => {
    const label = list.groupKeys[g] || layerName;
    const idx = order.subarray(start[g], start[g + 1]);
    // order: file order when it follows the 点号 sequence, else sorted by 点号 (a closing repeat
    // stays last) within each ring (圈号, in order of first appearance); 点号 may restart per ring
    const ringRank = new Map<number, number>();
    for (const i of idx) if (!ringRank.has(list.ring.get(i))) ringRank.set(list.ring.get(i), ringRank.size);
    let inOrder = true;
    for (let k = 1; k < idx.length && inOrder; k++) {
      const i = idx[k];
      const prev = idx[k - 1];
      if (list.ring.get(i) !== list.ring.get(prev)) inOrder = ringRank.get(list.ring.get(i))! > ringRank.get(list.ring.get(prev))!;
      else {
        const n = list.pointNo.get(i);
        const p = list.pointNo.get(prev);
        inOrder = !Number.isFinite(n) || !Number.isFinite(p) || n >= p || list.closes.get(i) === 1;
      }
    }
    let rows: ArrayLike<number> = idx;
    if (!inOrder) {
      rows = [...idx].sort((p, q) => ringRank.get(list.ring.get(p))! - ringRank.get(list.ring.get(q))! || list.pointNo.get(p) - list.pointNo.get(q));
      finalWarnings.push(text('importNote.table.sorted', { parcel: label }));
    }
    const rings: Position[][] = [];
    let ring: Position[] = [];
    let ringNo = -1;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      const r = list.ring.get(i);
      if (ring.length > 0 && r !== ringNo) {
        rings.push(ring);
        ring = [];
      }
      ringNo = r;
      const p = xy(list.a.get(i), list.b.get(i));
      const last = ring[ring.length - 1];
      if (last && last[0] === p[0] && last[1] === p[1]) continue; // a closing repeat sorted next to its twin
      ring.push(p);
      if (ring.length >= 4 && ring[0][0] === p[0] && ring[0][1] === p[1]) {
        rings.push(ring);
        ring = [];
      }
    }
    if (ring.length > 0) rings.push(ring);
    const closed = rings.map((r) => {
      const distinct = r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1] ? r.length - 1 : r.length;
      if (distinct < 3) throw fail(fileName, 'import.table-ring', `${where}地块“${label}”只有 ${distinct} 个不同的点，构不成面。`, `${where} parcel "${label}": fewer than 3 points.`);
      if (distinct === r.length) r.push([r[0][0], r[0][1]]);
      return r;
    });
    const polygons = assemblePolygons(closed);
    const geometry: Geometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
    return { type: 'Feature', properties, geometry };
  };

  return {
    name: layerName,
    crs,
    warnings,
    fields,
    extras,
    total: groups,
    position: () => position,
    geometryTypes: ['Polygon', 'MultiPolygon'],
    *attributes() {
      for (const r of dataRows()) if (list.firstRow.get(list.group.get(r.index)) === r.index) yield { properties: propsOf(r.cells) };
    },
    *features() {
      // a parcel is built at its last row and given out in the order parcels first appear;
      // the attributes of its first row wait until then
      position = 0;
      finalWarnings.length = 0;
      const waiting = new Map<number, Record<string, unknown>>();
      const built = new Map<number, Feature>();
      let next = 0;
      for (const r of dataRows()) {
        const g = list.group.get(r.index);
        if (list.firstRow.get(g) === r.index) waiting.set(g, propsOf(r.cells));
        if (list.lastRow.get(g) !== r.index) continue;
        built.set(g, build(g, waiting.get(g)!));
        waiting.delete(g);
        for (let f = built.get(next); f; f = built.get(next)) {
          built.delete(next++);
          position++;
          yield f;
        }
      }
    },
    finalWarnings: () => finalWarnings,
  };
}
