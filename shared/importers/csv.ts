/**
 * Coordinate tables (CSV here; XLSX rows come from electron/services/importers/xlsx.ts) → layers
 * (pure). Two shapes:
 *  - **point tables** (monitoring stations, wells…): one row per point, lon/lat columns (经度/纬度,
 *    lon/lat, lng, longitude…) or Gauss-Krüger X/Y columns (X坐标/Y坐标, 北坐标/东坐标, x/y);
 *  - **parcel corner lists**: a 点号 column (and 地块编号 to group rows into parcels, 圈号 for
 *    rings), built into polygons ordered by the file order (or by the 点号 sequence when the file
 *    is not in order), holes/parts by containment as in boundary TXT files.
 * Which of the two coordinate columns is northing is decided by magnitude (X = northing in the
 * Chinese survey convention, but many sheets say x = easting). Errors name the row and column.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { proposeCrsFromPositions } from '../crs/guess';
import { UserInputError } from '../model/errors';
import { assemblePolygons, cgcs2000GkCode } from './boundary-txt';
import { decodeTextFile } from './encoding';
import type { Detected, FormatModule, ParsedLayer, ParsedSource, ParseOptions, SourceFile } from './types';

const fold = (s: string) => s.replace(/\s|　/g, '').replace(/[（(].*?[)）]/g, '').toLowerCase();

const LON = ['经度', 'lon', 'lng', 'long', 'longitude', '东经', 'jd'];
const LAT = ['纬度', 'lat', 'latitude', '北纬', 'wd'];
const X = ['x', 'x坐标', '北坐标', '纵坐标', 'x北', 'northing', 'n', 'xzb'];
const Y = ['y', 'y坐标', '东坐标', '横坐标', 'y东', 'easting', 'e', 'yzb'];
const POINT_NO = ['点号', '界址点号', '拐点号', '点名', 'jzdh', 'dh', 'pointno', '界址点'];
const RING_NO = ['圈号', '环号', '地块圈号', 'qh', 'ring'];
const PARCEL = ['地块编号', '地块号', '宗地号', '宗地编号', '地块编码', 'dkbh', 'dkbm', 'parcel', 'parcelid'];

function findColumn(header: string[], names: string[], explicit?: string): number {
  if (explicit !== undefined) {
    const i = header.findIndex((h) => h === explicit || fold(h) === fold(explicit));
    return i;
  }
  const folded = header.map(fold);
  for (const name of names) {
    const i = folded.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

/** RFC 4180 CSV with a detected delimiter (comma, tab, semicolon). */
export function parseCsvRows(text: string): string[][] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const counts: Array<[string, number]> = [',', '\t', ';', '，'].map((d) => [d, firstLine.split(d).length]);
  const delimiter = counts.sort((a, b) => b[1] - a[1])[0][0];
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.map((r) => r.map((v) => v.trim()));
}

const isNum = (v: string) => /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim());

function fail(fileName: string, code: string, zh: string, en: string): UserInputError {
  return new UserInputError(code, `文件“${fileName}”${zh}`, `"${fileName}": ${en}`);
}

function pointNumber(label: string): number {
  const m = /(\d+)(?!.*\d)/.exec(label);
  return m ? Number(m[1]) : NaN;
}

/**
 * Rows (first rows may be a title) → layers. Shared by CSV and XLSX; `sheet` names the sheet in
 * messages. Row numbers in messages are 1-based file/sheet rows.
 */
export function tableToLayer(rows: string[][], fileName: string, layerName: string, options: ParseOptions = {}, where = ''): ParsedLayer {
  const nonEmpty = rows.map((r, i) => ({ cells: r, row: i + 1 })).filter((r) => r.cells.some((c) => c !== ''));
  if (nonEmpty.length === 0) throw fail(fileName, 'import.empty', `${where}是空的。`, `${where} is empty.`);
  // header: first row (among the first 10) naming a coordinate column
  const cols = options.columns ?? {};
  const headerIndex = nonEmpty.slice(0, 10).findIndex(({ cells }) => {
    const h = cells.map((c) => c.trim());
    if (cols.x && cols.y) return findColumn(h, [], cols.x) >= 0 && findColumn(h, [], cols.y) >= 0;
    return (findColumn(h, LON) >= 0 && findColumn(h, LAT) >= 0) || (findColumn(h, X) >= 0 && findColumn(h, Y) >= 0);
  });
  if (headerIndex < 0) {
    const first = nonEmpty[0].cells.filter((c) => c !== '').join('、');
    throw fail(
      fileName,
      'import.table-no-coordinates',
      `${where}没有找到坐标列。表头应含“经度/纬度”（或 lon/lat）或“X坐标/Y坐标”（或 X/Y、北坐标/东坐标）；第 ${nonEmpty[0].row} 行是：${first.slice(0, 120)}。`,
      `${where}: no coordinate columns found (need lon/lat or X/Y headers).`,
    );
  }
  const header = nonEmpty[headerIndex].cells.map((c, i) => c.trim() || `列${i + 1}`);
  const headerRow = nonEmpty[headerIndex].row;
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
  const body = nonEmpty.slice(headerIndex + 1);
  if (body.length === 0) throw fail(fileName, 'import.empty', `${where}只有表头（第 ${headerRow} 行），没有数据行。`, `${where}: header only.`);

  const values = body.map(({ cells, row }) => {
    const read = (col: number) => {
      const v = (cells[col] ?? '').trim();
      if (!isNum(v)) {
        throw fail(fileName, 'import.table-number', `${where}第 ${row} 行“${header[col]}”列的值“${v}”不是数字。`, `${where} row ${row}, column "${header[col]}": "${v}" is not a number.`);
      }
      return Number(v);
    };
    return { cells, row, a: read(a), b: read(b) };
  });

  // axis order by magnitude
  const warnings: string[] = [];
  let xy: Position[];
  const geoLike = values.every((v) => Math.abs(v.a) <= 180 && Math.abs(v.b) <= 180);
  if (geoLike) {
    // lon is the value in China's longitude range, lat the other
    const aIsLon = values.filter((v) => v.a >= 73 && v.a <= 136 && v.b >= 3 && v.b <= 54).length >= values.filter((v) => v.b >= 73 && v.b <= 136 && v.a >= 3 && v.a <= 54).length;
    if (!aIsLon) warnings.push(`“${header[a]}”列的值像纬度、“${header[b]}”列的值像经度，已按数值大小对调。`);
    xy = values.map((v) => (aIsLon ? [v.a, v.b] : [v.b, v.a]));
  } else {
    const northing = (n: number) => n >= 1e6 && n < 1e7;
    const aNorth = values.filter((v) => northing(v.a) && !northing(v.b)).length;
    const bNorth = values.filter((v) => northing(v.b) && !northing(v.a)).length;
    if (aNorth === 0 && bNorth === 0) {
      const v = values[0];
      throw fail(fileName, 'import.table-magnitude', `${where}第 ${v.row} 行的坐标（${v.a}, ${v.b}）既不像经纬度也不像高斯-克吕格平面坐标（北坐标 7 位整数）。`, `${where} row ${v.row}: coordinates are neither lon/lat nor Gauss-Krüger metres.`);
    }
    // X = northing (survey convention) unless the magnitudes say otherwise
    const aIsNorth = aNorth >= bNorth;
    if (geographicHeader) warnings.push(`“${header[a]}/${header[b]}”列的数值是平面坐标（米），已按高斯-克吕格坐标读取。`);
    warnings.push(`按数值大小，“${header[aIsNorth ? a : b]}”列为北坐标（X），“${header[aIsNorth ? b : a]}”列为东坐标（Y）。`);
    xy = values.map((v) => (aIsNorth ? [v.b, v.a] : [v.a, v.b]));
  }

  // CRS proposal
  let crs: Detected<string | null>;
  if (options.crs) crs = { value: options.crs, source: 'user', confidence: 'certain' };
  else if (geoLike) {
    crs = { value: 'EPSG:4490', source: 'magnitude', confidence: 'proposed', noteZh: '经纬度坐标，推定为 CGCS2000（与 WGS84 相差约 1 米）；若取自高德/腾讯/百度地图，请改选 GCJ-02/BD-09。' };
  } else {
    const prefixes = new Set(xy.map((p) => (p[0] >= 1e7 ? Math.floor(p[0] / 1e6) : 0)));
    const prefix = prefixes.size === 1 ? [...prefixes][0] : 0;
    const code = prefix >= 25 && prefix <= 45 ? cgcs2000GkCode(3, prefix, true) : prefix >= 13 && prefix <= 23 ? cgcs2000GkCode(6, prefix, true) : null;
    if (code) crs = { value: code, source: 'magnitude', confidence: 'proposed', noteZh: `东坐标含带号 ${prefix}，推定为 CGCS2000 ${prefix >= 25 ? 3 : 6}° 带第 ${prefix} 带（${code}），请确认。` };
    else crs = proposeCrsFromPositions(xy) ?? { value: null, source: 'magnitude', confidence: 'proposed', noteZh: '无法从坐标判断投影带，请选择坐标系。' };
  }

  const otherFields = header.filter((_, i) => !coordCols.has(i));
  const propsOf = (cells: string[]) => {
    const props: Record<string, unknown> = {};
    header.forEach((h, i) => {
      if (!coordCols.has(i)) props[h] = cells[i] ?? '';
    });
    return props;
  };

  let features: Feature[];
  if (pointCol < 0) {
    features = values.map((v, i) => ({ type: 'Feature', properties: propsOf(v.cells), geometry: { type: 'Point', coordinates: xy[i] } }));
  } else {
    // parcel corner lists
    const groups = new Map<string, number[]>();
    values.forEach((v, i) => {
      const key = parcelCol >= 0 ? (v.cells[parcelCol] ?? '').trim() : '';
      if (parcelCol >= 0 && key === '') {
        throw fail(fileName, 'import.table-group', `${where}第 ${v.row} 行“${header[parcelCol]}”列是空的，无法归入地块。`, `${where} row ${v.row}: empty parcel id.`);
      }
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(i);
    });
    features = [...groups.entries()].map(([key, idx]) => {
      const label = key || layerName;
      // order: file order when it follows the 点号 sequence, else sorted by 点号 (a closing repeat stays last)
      // within each ring (圈号, in order of first appearance); 点号 may restart per ring
      const ringOf = (i: number) => (ringCol >= 0 ? (values[i].cells[ringCol] ?? '') : '');
      const ringRank = new Map<string, number>();
      for (const i of idx) if (!ringRank.has(ringOf(i))) ringRank.set(ringOf(i), ringRank.size);
      const inOrder = idx.every((i, k) => {
        if (k === 0 || ringOf(i) !== ringOf(idx[k - 1])) return k === 0 || ringRank.get(ringOf(i))! > ringRank.get(ringOf(idx[k - 1]))!;
        const n = pointNumber(values[i].cells[pointCol] ?? '');
        const prev = pointNumber(values[idx[k - 1]].cells[pointCol] ?? '');
        const first = idx.find((j) => ringOf(j) === ringOf(i))!;
        return !Number.isFinite(n) || !Number.isFinite(prev) || n >= prev || values[first].cells[pointCol] === values[i].cells[pointCol];
      });
      let order = idx;
      if (!inOrder) {
        order = [...idx].sort((p, q) => ringRank.get(ringOf(p))! - ringRank.get(ringOf(q))! || pointNumber(values[p].cells[pointCol] ?? '') - pointNumber(values[q].cells[pointCol] ?? ''));
        warnings.push(`地块“${label}”的行不是按点号顺序排列，已按点号排序连线。`);
      }
      const rings: Position[][] = [];
      let ring: Position[] = [];
      let ringNo: string | null = null;
      for (const i of order) {
        const r = ringCol >= 0 ? (values[i].cells[ringCol] ?? '') : '';
        if (ring.length > 0 && r !== ringNo) {
          rings.push(ring);
          ring = [];
        }
        ringNo = r;
        const p = xy[i];
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
        return distinct === r.length ? [...r, [r[0][0], r[0][1]]] : r;
      });
      const polygons = assemblePolygons(closed);
      const geometry: Geometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
      return { type: 'Feature', properties: propsOf(values[idx[0]].cells), geometry };
    });
  }
  return { name: layerName, features, crs, warnings, fields: otherFields, extras: { headerRow, mode: pointCol < 0 ? 'points' : 'corners' } };
}

export function parseCsv(files: SourceFile[], options: ParseOptions = {}): ParsedSource {
  const file = files[0];
  const { text, encoding } = decodeTextFile(file.bytes, options.encoding);
  const layer = tableToLayer(parseCsvRows(text), file.name, file.name.replace(/\.[^.]+$/, ''), options);
  layer.encoding = encoding;
  return { format: 'csv', formatLabelZh: `CSV 坐标表（${encoding.value.toUpperCase()}）`, layers: [layer] };
}

export const csvModule: FormatModule = {
  format: 'csv',
  sniff: (files) => files.length === 1 && /\.(csv|tsv)$/i.test(files[0].name),
  parse: parseCsv,
};
