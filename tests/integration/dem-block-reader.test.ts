/**
 * The DEM reader reads GeoTIFF blocks as typed arrays (and undoes integer predictors itself)
 * instead of going through geotiff's readRasters. Every layout GDAL writes must give the values
 * readRasters gives: sample types, tiles and strips (partial at the edges, taller than a read
 * window), no / LZW / DEFLATE compression, predictors 1–3, a nodata value; here over files
 * gdal_translate writes from one grid with negative, zero and nodata cells.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { openDem } from '../../electron/services/terrain/dem-source';

const COLS = 301;
const ROWS = 263;
const NODATA = -9999;
let dir: string;
let source: string;

/** Int16 grid (metres, CGCS2000 GK zone 37 near Linfen) with a basin below 0, some cells at 0 and a nodata patch. */
function writeGrid(path: string) {
  const values = new Int16Array(COLS * ROWS);
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      let v = Math.round(600 + 500 * Math.sin(c / 37) * Math.cos(r / 23) - 3 * (c % 17) + r);
      if (r > 200 && c < 40) v = -(c + r - 200); // below sea level
      if (r === 5) v = 0;
      if (r > 100 && r < 110 && c > 150 && c < 170) v = NODATA;
      values[r * COLS + c] = v;
    }
  }
  writeFileSync(path, new Uint8Array(values.buffer));
  writeFileSync(path.replace(/\.bil$/, '.hdr'), ['BYTEORDER I', 'LAYOUT BIL', `NROWS ${ROWS}`, `NCOLS ${COLS}`, 'NBANDS 1', 'NBITS 16', 'PIXELTYPE SIGNEDINT', 'ULXMAP 37430015', 'ULYMAP 3999985', 'XDIM 30', 'YDIM 30', `NODATA ${NODATA}`, ''].join('\n'));
}

function translate(name: string, options: string[]): string {
  const out = join(dir, name);
  const r = spawnSync('gdal_translate', ['-q', '-a_srs', 'EPSG:4525', ...options, source, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

/** What geotiff's readRasters gives, converted the way the reader converts every sample. */
async function reference(path: string): Promise<Float32Array> {
  const tiff = await fromFile(path);
  try {
    const image = await tiff.getImage();
    const nodata = image.getGDALNoData();
    const raster = (await image.readRasters({ samples: [0], interleave: true })) as unknown as ArrayLike<number>;
    return Float32Array.from(raster, (v) => (v === nodata || !Number.isFinite(v) ? NaN : v));
  } finally {
    await tiff.close();
  }
}

/** The reader's rows, read in the windows the bands import uses (and an odd window size). */
async function read(path: string, window: number): Promise<Float32Array> {
  const dem = await openDem([path]);
  try {
    const out = new Float32Array(dem.cols * dem.rows);
    for (let row0 = 0; row0 < dem.rows; row0 += window) out.set(await dem.readRows(row0, Math.min(window, dem.rows - row0)), row0 * dem.cols);
    return out;
  } finally {
    await dem.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-dem-blocks-'));
  source = join(dir, 'grid.bil');
  writeGrid(source);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAYOUTS: Array<[string, string[]]> = [
  ['Int16, tiled 256, DEFLATE, predictor 2 (what GDAL users write)', ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
  ['Int16, tiled 128, no compression', ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=128', '-co', 'BLOCKYSIZE=128']],
  ['Int16, strips of 7 rows, LZW, predictor 2', ['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2', '-co', 'BLOCKYSIZE=7']],
  ['Int16, one strip per row, no compression', ['-co', 'BLOCKYSIZE=1']],
  ['UInt16, tiled 512 (taller than a window), DEFLATE, predictor 2', ['-ot', 'UInt16', '-a_nodata', '0', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=512', '-co', 'BLOCKYSIZE=512', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
  ['Int32, tiled, DEFLATE, predictor 2', ['-ot', 'Int32', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
  ['UInt32, strips, LZW, predictor 2', ['-ot', 'UInt32', '-a_nodata', '0', '-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2']],
  ['Byte, tiled, DEFLATE, predictor 2', ['-ot', 'Byte', '-scale', '-100', '1200', '0', '250', '-a_nodata', '255', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
  ['Float32, tiled, DEFLATE, predictor 3', ['-ot', 'Float32', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3']],
  ['Float64, strips, no compression', ['-ot', 'Float64']],
];

describe('DEM block reader', () => {
  it.each(LAYOUTS)('%s: the values readRasters gives, in any read window', async (name, options) => {
    const path = translate(`${name.replace(/[^a-z0-9]+/gi, '_')}.tif`, options);
    const expected = await reference(path);
    for (const window of [256, 100]) {
      const got = await read(path, window);
      expect(got.length).toBe(expected.length);
      let differing = 0;
      for (let i = 0; i < got.length; i++) if (!Object.is(got[i], expected[i]) && !(got[i] !== got[i] && expected[i] !== expected[i])) differing++;
      expect(differing).toBe(0);
    }
  });

  it('reads the nodata patch as NaN and the negative and zero cells as they are', async () => {
    const path = translate('check.tif', ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']);
    const got = await read(path, 256);
    expect(got[105 * COLS + 160]).toBeNaN();
    expect(got[5 * COLS + 10]).toBe(0);
    expect(got[250 * COLS + 10]).toBe(-60);
    expect(got.filter((v) => v !== v).length).toBe(9 * 19);
  });
});
