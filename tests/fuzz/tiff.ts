/**
 * Small GeoTIFFs made by the tests themselves (GDAL writes them from an ASCII grid) and a tag
 * patcher that rewrites one IFD entry in place, to produce headers GDAL would never write:
 * absurd dimensions, a NaN tiepoint, a compression code that does not match the data.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface AscGrid {
  cols: number;
  rows: number;
  west: number;
  south: number;
  cell: number;
  value(col: number, row: number): number;
  nodata?: number;
}

/** Shanxi-like terrain: 300–900 m of smooth hills. */
export const hills = (col: number, row: number) => Math.round(600 + 300 * Math.sin(row / 30) * Math.cos(col / 40));

export function writeAsc(path: string, grid: AscGrid) {
  const lines = [`ncols ${grid.cols}`, `nrows ${grid.rows}`, `xllcorner ${grid.west}`, `yllcorner ${grid.south}`, `cellsize ${grid.cell}`];
  if (grid.nodata !== undefined) lines.push(`NODATA_value ${grid.nodata}`);
  for (let r = 0; r < grid.rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < grid.cols; c++) row.push(grid.value(c, r));
    lines.push(row.join(' '));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** gdal_translate with the given creation options; throws with GDAL's message on failure. */
export function gdalTranslate(src: string, dst: string, args: string[]) {
  const r = spawnSync('gdal_translate', ['-q', ...args, src, dst], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gdal_translate failed: ${r.stderr}`);
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8 };

/** Offset of a classic (little- or big-endian) TIFF's first-IFD entry for `tag`, with its type and value offset. */
function findTag(bytes: Buffer, tag: number): { le: boolean; type: number; count: number; valueAt: number } {
  const le = bytes.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  if (u16(2) !== 42) throw new Error('not a classic TIFF');
  const ifd = u32(4);
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const at = ifd + 2 + i * 12;
    if (u16(at) !== tag) continue;
    const type = u16(at + 2);
    const count = u32(at + 4);
    const inline = TYPE_SIZE[type] * count <= 4;
    return { le, type, count, valueAt: inline ? at + 8 : u32(at + 8) };
  }
  throw new Error(`tag ${tag} not found`);
}

/** Overwrites the first value of `tag` (SHORT, LONG or DOUBLE) in the file. */
export function patchTag(path: string, tag: number, value: number, index = 0) {
  const bytes = readFileSync(path);
  const { le, type, count, valueAt } = findTag(bytes, tag);
  if (type === 3 && count === 1 && value > 0xffff) {
    // widen an inline SHORT to a LONG: same 12-byte entry, type at valueAt - 6
    le ? bytes.writeUInt16LE(4, valueAt - 6) : bytes.writeUInt16BE(4, valueAt - 6);
    le ? bytes.writeUInt32LE(value >>> 0, valueAt) : bytes.writeUInt32BE(value >>> 0, valueAt);
  } else if (type === 3) le ? bytes.writeUInt16LE(value, valueAt + 2 * index) : bytes.writeUInt16BE(value, valueAt + 2 * index);
  else if (type === 4) le ? bytes.writeUInt32LE(value >>> 0, valueAt + 4 * index) : bytes.writeUInt32BE(value >>> 0, valueAt + 4 * index);
  else if (type === 12) le ? bytes.writeDoubleLE(value, valueAt + 8 * index) : bytes.writeDoubleBE(value, valueAt + 8 * index);
  else throw new Error(`tag ${tag} has type ${type}`);
  writeFileSync(path, bytes);
}

export const TAG = { ImageWidth: 256, ImageLength: 257, Compression: 259, SampleFormat: 339, ModelPixelScale: 33550, ModelTiepoint: 33922 } as const;
