/**
 * The input fuzz corpus, made here from a seed: small honest inputs of every import format the
 * project reads (written by this module, or by GDAL from them), the hostile inputs the hardening
 * was about (deep nesting, thousands of keys, control characters in names, XLSX references past
 * Excel's limits, archive bombs, absurd GeoTIFF headers), and seeded mutations of the honest ones
 * (bit flips, truncation, spliced chunks, numbers swapped for extremes). Same seed, same corpus.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { gdalTranslate, hills, patchTag, TAG, writeAsc } from './tiff';
import { mulberry32 } from '../../electron/services/demo/prng';

export type Command = 'import' | 'bands';

export interface FuzzCase {
  /** Stable name: `<format>/<origin>-<n>`. */
  name: string;
  format: string;
  command: Command;
  /** File name as given to the CLI. */
  file: string;
  /** Extra CLI arguments (kind, crs). */
  args: string[];
}

/** The demo generator's seeded PRNG: small, seedable, good enough to pick mutations. */
export const rng = mulberry32;

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)];

// ---------------------------------------------------------------------------------------------
// Honest inputs

function square(lon: number, lat: number, size: number): number[][][] {
  return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]];
}

function parcelsGeoJson(r: () => number, count: number): string {
  const features = [];
  for (let i = 0; i < count; i++) {
    features.push({ type: 'Feature', properties: { DKBH: `DK${i + 1}`, DKMC: `地块${i + 1}`, GHYT: pick(r, ['0701', '0801', '1001']) }, geometry: { type: 'Polygon', coordinates: square(112.5 + i * 0.01, 37.5 + r() * 0.01, 0.005) } });
  }
  return JSON.stringify({ type: 'FeatureCollection', features });
}

function boundaryTxt(r: () => number, points: number): string {
  const lines = ['[属性描述]', '坐标系=2000国家大地坐标系', '几度分带=3', '投影类型=高斯克吕格', '计量单位=米', '带号=38', '[地块坐标]', `${points + 1},,DK1,测试地块,面,,,,@`];
  const cx = 38_400_000 + r() * 1000, cy = 3_940_000 + r() * 1000, radius = 100;
  for (let i = 0; i <= points; i++) {
    const a = (2 * Math.PI * (i % points)) / points;
    lines.push(`J${(i % points) + 1},1,${(cy + radius * Math.sin(a)).toFixed(3)},${(cx + radius * Math.cos(a)).toFixed(3)}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

function stationsCsv(r: () => number, count: number): string {
  const rows = ['编号,名称,经度,纬度'];
  for (let i = 0; i < count; i++) rows.push(`${i + 1},站${i + 1},${(112.5 + r() * 0.5).toFixed(6)},${(37.5 + r() * 0.5).toFixed(6)}`);
  return `${rows.join('\n')}\n`;
}

function kml(r: () => number, count: number): string {
  const marks = [];
  for (let i = 0; i < count; i++) marks.push(`<Placemark><name>站${i + 1}</name><Point><coordinates>${(112.5 + r()).toFixed(5)},${(37.5 + r()).toFixed(5)},0</coordinates></Point></Placemark>`);
  return `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>${marks.join('')}</Document></kml>`;
}

/** A minimal XLSX as Excel lays it out: workbook, rels, shared strings, one sheet. */
export function xlsx(rows: string[][], options: { sheetXml?: string; workbookXml?: string; sharedPrefix?: string; sharedXml?: string } = {}): Uint8Array {
  const strings: string[] = [];
  const index = (s: string) => {
    const at = strings.indexOf(s);
    return at >= 0 ? at : strings.push(s) - 1;
  };
  const col = (i: number) => String.fromCharCode(65 + i);
  const sheetRows = rows
    .map((row, r) => `<row r="${r + 1}">${row.map((v, c) => (/^-?\d+(\.\d+)?$/.test(v) ? `<c r="${col(c)}${r + 1}"><v>${v}</v></c>` : `<c r="${col(c)}${r + 1}" t="s"><v>${index(v)}</v></c>`)).join('')}</row>`)
    .join('');
  const sheet = options.sheetXml ?? `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`;
  const shared = options.sharedXml ?? `<?xml version="1.0" encoding="UTF-8"?>${options.sharedPrefix ?? ''}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${strings.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`;
  return zipSync({
    '[Content_Types].xml': strToU8('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'xl/workbook.xml': strToU8(options.workbookXml ?? '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    'xl/_rels/workbook.xml.rels': strToU8('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    'xl/sharedStrings.xml': strToU8(shared),
    'xl/worksheets/sheet1.xml': strToU8(sheet),
  });
}

/** Rewrites every central-directory entry's declared uncompressed size (a bomb's lie, cheaply). */
export function declareInflatedSize(zip: Uint8Array, size: number): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer);
  for (let i = 0; i + 46 <= out.length; i++) {
    if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, size >>> 0, true);
  }
  return out;
}

const CSV_ROWS = [['编号', '名称', '经度', '纬度'], ['1', '站一', '112.5', '37.5'], ['2', '站二', '112.6', '37.6']];

// ---------------------------------------------------------------------------------------------
// Mutations

const EXTREMES = ['1e308', '-1e308', 'NaN', 'Infinity', '0', '-0', '99999999999999999999', '4294967295', '-2147483649', '1e-320', '""', 'null', '[]', '{}'];

export function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  const op = Math.floor(r() * 7);
  const at = Math.floor(r() * Math.max(1, bytes.length));
  switch (op) {
    case 0: {
      // flip a few bits
      const out = Uint8Array.from(bytes);
      for (let i = 0; i < 1 + Math.floor(r() * 8); i++) out[Math.floor(r() * out.length)] ^= 1 << Math.floor(r() * 8);
      return out;
    }
    case 1:
      return bytes.subarray(0, at); // truncate
    case 2: {
      // splice a chunk of the file into another place
      const len = Math.floor(r() * 64);
      const from = Math.floor(r() * Math.max(1, bytes.length - len));
      return concat(bytes.subarray(0, at), bytes.subarray(from, from + len), bytes.subarray(at));
    }
    case 3: {
      // swap a number for an extreme
      const text = new TextDecoder('latin1').decode(bytes);
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
      if (numbers.length === 0) return bytes;
      const m = pick(r, numbers);
      return latin1(text.slice(0, m.index) + pick(r, EXTREMES) + text.slice(m.index! + m[0].length));
    }
    case 4:
      // control characters, a NUL among them
      return concat(bytes.subarray(0, at), Uint8Array.of(0, 1, 0x1f, 0x7f, 0), bytes.subarray(at));
    case 5: {
      // repeat a region many times
      const len = 1 + Math.floor(r() * 32);
      const chunk = bytes.subarray(at, at + len);
      return concat(bytes.subarray(0, at), ...Array.from({ length: 200 }, () => chunk), bytes.subarray(at));
    }
    default: {
      // random bytes in the middle
      const out = Uint8Array.from(bytes);
      for (let i = 0; i < 16 && at + i < out.length; i++) out[at + i] = Math.floor(r() * 256);
      return out;
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

// ---------------------------------------------------------------------------------------------
// The corpus

interface Seed {
  format: string;
  ext: string;
  command: Command;
  args: string[];
  bytes: Uint8Array;
}

function zippedShapefile(dir: string, geojson: string, name: string): Uint8Array | null {
  const src = join(dir, `${name}.geojson`);
  writeFileSync(src, geojson);
  const shp = join(dir, `${name}.shp`);
  const r = spawnSync('ogr2ogr', ['-q', '-f', 'ESRI Shapefile', '-a_srs', 'EPSG:4490', '-lco', 'ENCODING=UTF-8', shp, src], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const files: Record<string, Uint8Array> = {};
  for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) {
    try {
      files[`${name}.${ext}`] = readFileSync(join(dir, `${name}.${ext}`));
    } catch {
      /* .cpg may be absent */
    }
  }
  return zipSync(files);
}

function demSeeds(dir: string): Seed[] {
  const asc = join(dir, 'seed-dem.asc');
  writeAsc(asc, { cols: 64, rows: 64, west: 112, south: 37, cell: 0.001, value: hills, nodata: -9999 });
  const tif = join(dir, 'seed-dem.tif');
  gdalTranslate(asc, tif, ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'COMPRESS=DEFLATE']);
  const seeds: Seed[] = [{ format: 'geotiff', ext: 'tif', command: 'bands', args: [], bytes: readFileSync(tif) }];
  const patched = (tag: number, value: number, index = 0) => {
    const out = join(dir, `seed-dem-${tag}-${index}.tif`);
    writeFileSync(out, readFileSync(tif));
    patchTag(out, tag, value, index);
    return readFileSync(out);
  };
  seeds.push({ format: 'geotiff', ext: 'tif', command: 'bands', args: [], bytes: patched(TAG.ImageWidth, 4294967295) });
  seeds.push({ format: 'geotiff', ext: 'tif', command: 'bands', args: [], bytes: patched(TAG.ModelTiepoint, NaN, 3) });
  seeds.push({ format: 'geotiff', ext: 'tif', command: 'bands', args: [], bytes: patched(TAG.ModelPixelScale, 1e308, 0) });
  seeds.push({ format: 'geotiff', ext: 'tif', command: 'bands', args: [], bytes: patched(TAG.Compression, 50000) });
  seeds.push({ format: 'geotiff', ext: 'tif', command: 'bands', args: [], bytes: patched(TAG.SampleFormat, 3) });
  return seeds;
}

/** The honest and hostile inputs mutations start from. */
function seeds(dir: string, r: () => number): Seed[] {
  const parcel = ['--kind', 'parcel'];
  const station = ['--kind', 'monitoring-station', '--crs', 'EPSG:4490'];
  const deep = (n: number) => `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":${'['.repeat(n)}1${']'.repeat(n)}},"geometry":{"type":"Polygon","coordinates":${JSON.stringify(square(112.5, 37.5, 0.01))}}}]}`;
  const manyKeys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
  const list: Seed[] = [
    { format: 'geojson', ext: 'geojson', command: 'import', args: parcel, bytes: strToU8(parcelsGeoJson(r, 5)) },
    { format: 'geojson', ext: 'geojson', command: 'import', args: parcel, bytes: strToU8(deep(10_000)) },
    { format: 'geojson', ext: 'geojson', command: 'import', args: parcel, bytes: strToU8(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: manyKeys, geometry: { type: 'Polygon', coordinates: square(112.5, 37.5, 0.01) } }] })) },
    { format: 'geojson', ext: 'geojson', command: 'import', args: parcel, bytes: strToU8(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { 'a\u0000b': 1, DKBH: 'X1', [`long${'名'.repeat(500)}`]: 2 }, geometry: { type: 'Polygon', coordinates: square(112.5, 37.5, 0.01) } }] })) },
    { format: 'boundary-txt', ext: 'txt', command: 'import', args: parcel, bytes: strToU8(boundaryTxt(r, 40)) },
    { format: 'csv', ext: 'csv', command: 'import', args: station, bytes: strToU8(stationsCsv(r, 10)) },
    { format: 'kml', ext: 'kml', command: 'import', args: ['--kind', 'monitoring-station'], bytes: strToU8(kml(r, 5)) },
    { format: 'kmz', ext: 'kmz', command: 'import', args: ['--kind', 'monitoring-station'], bytes: zipSync({ 'doc.kml': strToU8(kml(r, 5)) }) },
    { format: 'kmz', ext: 'kmz', command: 'import', args: ['--kind', 'monitoring-station'], bytes: declareInflatedSize(zipSync({ 'doc.kml': strToU8(kml(r, 5)) }), 0xfff00000) },
    { format: 'xlsx', ext: 'xlsx', command: 'import', args: station, bytes: xlsx(CSV_ROWS) },
    { format: 'xlsx', ext: 'xlsx', command: 'import', args: station, bytes: xlsx(CSV_ROWS, { sheetXml: '<worksheet><sheetData><row r="1"><c r="XFDXFD2"><v>1</v></c></row></sheetData></worksheet>' }) },
    { format: 'xlsx', ext: 'xlsx', command: 'import', args: station, bytes: xlsx(CSV_ROWS, { sheetXml: '<worksheet><sheetData><row r="1000000000"><c r="A1"><v>1</v></c></row></sheetData></worksheet>' }) },
    { format: 'xlsx', ext: 'xlsx', command: 'import', args: station, bytes: xlsx(CSV_ROWS, { workbookXml: '' }) },
    { format: 'xlsx', ext: 'xlsx', command: 'import', args: station, bytes: xlsx(CSV_ROWS, { sharedPrefix: '<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>' }) },
    { format: 'xlsx', ext: 'xlsx', command: 'import', args: station, bytes: xlsx(CSV_ROWS, { sheetXml: '<worksheet><sheetData><row r="1"><c r="A1"><v>1</c></row></sheetData' }) },
    { format: 'xlsx', ext: 'xlsx', command: 'import', args: station, bytes: declareInflatedSize(xlsx(CSV_ROWS), 0x7ff00000) },
    ...demSeeds(dir),
  ];
  const shp = zippedShapefile(dir, parcelsGeoJson(r, 5), 'seed-parcels');
  if (shp) {
    list.push({ format: 'shapefile-zip', ext: 'zip', command: 'import', args: parcel, bytes: shp });
    list.push({ format: 'shapefile-zip', ext: 'zip', command: 'import', args: parcel, bytes: declareInflatedSize(shp, 0x7ff00000) });
  }
  return list;
}

/**
 * Writes `count` cases into `dir` (the seeds themselves first, then mutations of seeds picked by
 * the seeded generator) and returns them.
 */
export function makeCorpus(dir: string, seed: number, count: number): FuzzCase[] {
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  const base = seeds(dir, r);
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const s = i < base.length ? base[i] : pick(r, base);
    const origin = i < base.length ? 'seed' : 'mutant';
    let bytes = s.bytes;
    if (origin === 'mutant') for (let k = 0; k < 1 + Math.floor(r() * 3); k++) bytes = mutate(bytes, r);
    const file = join(dir, `case-${String(i).padStart(4, '0')}.${s.ext}`);
    writeFileSync(file, bytes);
    cases.push({ name: `${s.format}/${origin}-${i}`, format: s.format, command: s.command, file, args: s.args });
  }
  return cases;
}
