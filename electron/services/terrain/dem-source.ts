/**
 * DEM file readers: GeoTIFF (via the `geotiff` package: any sample type, DEFLATE/LZW/predictors,
 * tiled or striped, GDAL nodata, geographic or projected CRS from the GeoKeys) and SRTM `.hgt`
 * (size → 1201² / 3601², name → origin, big-endian Int16, −32768 = nodata). Several files are
 * mosaicked onto one grid (same CRS and cell size, aligned). Everything is read by row windows,
 * so a 10 000 × 10 000 DEM is never held whole in memory.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import { addDecoder, BaseDecoder, fromFile, getDecoder, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { isKnownCrs } from '../../../shared/crs';
import { UserInputError } from '../../../shared/model/errors';
import type { DemRowSource } from '../../../shared/terrain/grid';

export interface DemSource extends DemRowSource {
  /** Source files (absolute or as given). */
  files: string[];
  /** Stored sample type: integer sources are stored exactly. */
  integer: boolean;
  close(): Promise<void>;
}

const inflateAsync = promisify(inflate);

/**
 * DEFLATE tiles through Node's native zlib (several times faster than the bundled pako), on the
 * libuv thread pool: the tiles of one row window inflate in parallel, off the main thread.
 */
class NodeDeflateDecoder extends BaseDecoder {
  async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const out = await inflateAsync(new Uint8Array(buffer));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder([8, 32946], async () => NodeDeflateDecoder, undefined, false);

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error ?? 'unknown error');
}

function demError(file: string, problemZh: string, problemEn: string, code = 'dem.invalid'): UserInputError {
  return new UserInputError(code, `高程文件“${basename(file)}”${problemZh}`, `DEM file "${file}": ${problemEn}`);
}

// ---------------------------------------------------------------------------------------------
// GeoTIFF

const USER_DEFINED = 32767;

function crsFromGeoKeys(file: string, keys: Record<string, unknown> | null): string {
  if (!keys) throw demError(file, '没有地理参考信息（GeoKeys），无法确定坐标系。请先用 GIS 软件为其指定坐标系。', 'no GeoKeys (no CRS).', 'dem.no-crs');
  const projected = Number(keys.ProjectedCSTypeGeoKey);
  const geographic = Number(keys.GeographicTypeGeoKey);
  const model = Number(keys.GTModelTypeGeoKey);
  let code: number | null = null;
  if (model === 1 || (Number.isFinite(projected) && projected > 0)) {
    code = Number.isFinite(projected) && projected !== USER_DEFINED ? projected : null;
  } else if (Number.isFinite(geographic) && geographic !== USER_DEFINED) {
    code = geographic;
  }
  if (code === null) {
    throw demError(file, '使用了自定义坐标系（没有 EPSG 代码），LandGate 无法可靠识别。请先用 gdalwarp 转换为 CGCS2000（EPSG:4490）或高斯-克吕格（EPSG:4513–4554）。', 'user-defined CRS (no EPSG code).', 'dem.unknown-crs');
  }
  const crs = `EPSG:${code}`;
  if (!isKnownCrs(crs)) {
    throw demError(file, `的坐标系 ${crs} 不受支持。可用：EPSG:4490、EPSG:4326、CGCS2000 高斯-克吕格 EPSG:4491–4554。`, `unsupported CRS ${crs}.`, 'dem.unknown-crs');
  }
  return crs;
}

/** A stored sample as metres; nodata, non-finite and implausible values (not on Earth) are NaN. */
function elevation(v: number, nodata: number | null): number {
  return v === nodata || !Number.isFinite(v) || v < -11000 || v > 9000 ? NaN : v;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Compressions whose decoders take geotiff's default parameters (none, LZW, DEFLATE). */
const PLAIN_COMPRESSIONS = new Set([1, 5, 8, 32946]);

/**
 * Reads row windows of band 1 block by block (tiles or strips) straight from the decoded
 * buffers as typed arrays. geotiff's readRasters reads every sample through a DataView call,
 * which was the largest cost of a DEM import; this path covers what GDAL writes for DEMs
 * (one sample per pixel, native byte order, none / LZW / DEFLATE) and returns null otherwise, so
 * the caller falls back to readRasters.
 */
async function blockReader(image: GeoTIFFImage): Promise<((row0: number, count: number, out: Float32Array, nodata: number | null) => Promise<void>) | null> {
  const dir = image.fileDirectory;
  const compression = Number(dir.getValue('Compression') ?? 1);
  const bits = image.getBitsPerSample();
  const format = image.getSampleFormat();
  if (image.getSamplesPerPixel() !== 1 || image.littleEndian !== HOST_LITTLE_ENDIAN || !PLAIN_COMPRESSIONS.has(compression)) return null;
  if (!((format === 1 || format === 2) && (bits === 8 || bits === 16 || bits === 32)) && !(format === 3 && (bits === 32 || bits === 64))) return null;
  const tileWidth = image.getTileWidth();
  const tileHeight = image.getTileHeight();
  const decoder = await getDecoder(compression, {
    tileWidth,
    tileHeight,
    planarConfiguration: (await dir.loadValue('PlanarConfiguration')) ?? 1,
    bitsPerSample: await dir.loadValue('BitsPerSample'),
    predictor: (await dir.loadValue('Predictor')) || 1,
  } as ConstructorParameters<typeof BaseDecoder>[0]);
  const cols = image.getWidth();
  const blocksAcross = Math.ceil(cols / tileWidth);
  // the last block row read: a block taller than the window is decoded once, not per window
  let cachedRow = -1;
  let cached: ArrayLike<number>[] = [];
  const blockRow = async (by: number) => {
    if (by !== cachedRow) {
      const tiles = await Promise.all(Array.from({ length: blocksAcross }, (_, bx) => image.getTileOrStrip(bx, by, 0, decoder)));
      cached = tiles.map((t) => image.getArrayForSample(0, t.data) as unknown as ArrayLike<number>);
      cachedRow = by;
    }
    return cached;
  };
  return async (row0, count, out, nodata) => {
    for (let by = Math.floor(row0 / tileHeight); by * tileHeight < row0 + count; by++) {
      const tiles = await blockRow(by);
      const r0 = Math.max(row0, by * tileHeight);
      const r1 = Math.min(row0 + count, (by + 1) * tileHeight);
      for (let bx = 0; bx < blocksAcross; bx++) {
        const data = tiles[bx];
        const c0 = bx * tileWidth;
        const w = Math.min(tileWidth, cols - c0);
        for (let r = r0; r < r1; r++) {
          const src = (r - by * tileHeight) * tileWidth;
          const dst = (r - row0) * cols + c0;
          for (let c = 0; c < w; c++) out[dst + c] = elevation(data[src + c], nodata);
        }
      }
    }
  };
}

async function openGeoTiff(file: string): Promise<DemSource> {
  let tiff: GeoTIFF;
  let image: GeoTIFFImage;
  try {
    tiff = await fromFile(file);
    image = await tiff.getImage();
  } catch (error) {
    throw demError(file, `不是可读的 GeoTIFF 文件（${messageOf(error)}）。`, `not a readable GeoTIFF (${messageOf(error)}).`);
  }
  try {
    const cols = image.getWidth();
    const rows = image.getHeight();
    if (!(cols > 1 && rows > 1)) throw demError(file, `尺寸 ${cols}×${rows} 太小。`, `too small (${cols}×${rows}).`);
    const crs = crsFromGeoKeys(file, image.getGeoKeys() as Record<string, unknown> | null);
    let origin: number[];
    let resolution: number[];
    try {
      origin = image.getOrigin();
      resolution = image.getResolution();
    } catch {
      throw demError(file, '没有像元坐标（ModelTiepoint / ModelPixelScale），无法定位。', 'no georeferencing (tiepoint/pixel scale).', 'dem.no-georef');
    }
    const cellX = resolution[0];
    const cellY = -resolution[1];
    if (!(cellX > 0 && cellY > 0)) throw demError(file, '不是北向上的栅格（像元大小为负或旋转），请先用 gdalwarp 处理。', 'not north-up.', 'dem.rotated');
    let [originX, originY] = origin;
    const keys = image.getGeoKeys() as Record<string, unknown> | null;
    if (Number(keys?.GTRasterTypeGeoKey) === 2) {
      // PixelIsPoint: the tiepoint is the centre of pixel (0, 0)
      originX -= cellX / 2;
      originY += cellY / 2;
    }
    const nodata = image.getGDALNoData();
    const sampleFormat = image.getSampleFormat();
    if (image.getSamplesPerPixel() < 1) throw demError(file, '没有波段。', 'no bands.');
    const integer = sampleFormat !== 3;
    const blocks = await blockReader(image);
    const readRows = async (row0: number, count: number): Promise<Float32Array> => {
      const out = new Float32Array(cols * count);
      try {
        if (blocks) await blocks(row0, count, out, nodata);
        else {
          const raster = (await image.readRasters({ window: [0, row0, cols, row0 + count], samples: [0], interleave: true })) as unknown as ArrayLike<number>;
          for (let i = 0; i < out.length; i++) out[i] = elevation(raster[i], nodata);
        }
      } catch (error) {
        throw demError(file, `第 ${row0 + 1}–${row0 + count} 行读取失败，文件可能已损坏或不完整（${messageOf(error)}）。`, `rows ${row0}-${row0 + count} unreadable (${messageOf(error)}).`, 'dem.corrupt');
      }
      return out;
    };
    return {
      files: [file],
      cols,
      rows,
      crs,
      originX,
      originY,
      cellX,
      cellY,
      integer,
      readRows,
      async close() {
        await tiff.close();
      },
    };
  } catch (error) {
    await tiff.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// SRTM .hgt

const HGT_NAME = /^([NS])(\d{2})([EW])(\d{3})\.hgt$/i;

function openHgt(file: string): DemSource {
  const match = HGT_NAME.exec(basename(file));
  if (!match) throw demError(file, '的文件名不是 SRTM 命名（如 N37E111.hgt），无法确定位置。', 'name is not an SRTM tile name (e.g. N37E111.hgt).', 'dem.hgt-name');
  const lat = (match[1].toUpperCase() === 'S' ? -1 : 1) * Number(match[2]);
  const lon = (match[3].toUpperCase() === 'W' ? -1 : 1) * Number(match[4]);
  const size = statSync(file).size;
  const n = size === 1201 * 1201 * 2 ? 1201 : size === 3601 * 3601 * 2 ? 3601 : 0;
  if (!n) throw demError(file, `大小为 ${size} 字节，不是 SRTM3（1201×1201）或 SRTM1（3601×3601）；文件可能不完整。`, `size ${size} is neither 1201² nor 3601² Int16.`, 'dem.corrupt');
  const cell = 1 / (n - 1);
  const fd = openSync(file, 'r');
  const readRows = async (row0: number, count: number): Promise<Float32Array> => {
    const bytes = Buffer.alloc(n * count * 2);
    readSync(fd, bytes, 0, bytes.length, row0 * n * 2);
    const out = new Float32Array(n * count);
    for (let i = 0; i < out.length; i++) {
      const v = bytes.readInt16BE(i * 2);
      out[i] = v === -32768 ? NaN : v;
    }
    return out;
  };
  return {
    files: [file],
    cols: n,
    rows: n,
    crs: 'EPSG:4326',
    // samples sit on whole arc-seconds: the tile's SW corner is a pixel centre
    originX: lon - cell / 2,
    originY: lat + 1 + cell / 2,
    cellX: cell,
    cellY: cell,
    integer: true,
    readRows,
    async close() {
      closeSync(fd);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Mosaic

async function mosaic(sources: DemSource[]): Promise<DemSource> {
  const first = sources[0];
  for (const s of sources.slice(1)) {
    const same = s.crs === first.crs && Math.abs(s.cellX - first.cellX) / first.cellX < 1e-6 && Math.abs(s.cellY - first.cellY) / first.cellY < 1e-6;
    const aligned = Math.abs(((s.originX - first.originX) / first.cellX) % 1) < 1e-3 || Math.abs(Math.abs(((s.originX - first.originX) / first.cellX) % 1) - 1) < 1e-3;
    if (!same || !aligned) {
      throw demError(s.files[0], `与“${basename(first.files[0])}”的坐标系、分辨率或网格不一致，无法拼接。请先用 gdalwarp 统一。`, `CRS, cell size or grid differs from ${first.files[0]}; cannot mosaic.`, 'dem.mosaic');
    }
  }
  const west = Math.min(...sources.map((s) => s.originX));
  const north = Math.max(...sources.map((s) => s.originY));
  const east = Math.max(...sources.map((s) => s.originX + s.cols * s.cellX));
  const south = Math.min(...sources.map((s) => s.originY - s.rows * s.cellY));
  const cols = Math.round((east - west) / first.cellX);
  const rows = Math.round((north - south) / first.cellY);
  const placement = sources.map((s) => ({ s, col0: Math.round((s.originX - west) / first.cellX), row0: Math.round((north - s.originY) / first.cellY) }));
  return {
    files: sources.flatMap((s) => s.files),
    cols,
    rows,
    crs: first.crs,
    originX: west,
    originY: north,
    cellX: first.cellX,
    cellY: first.cellY,
    integer: sources.every((s) => s.integer),
    async readRows(row0, count) {
      const out = new Float32Array(cols * count).fill(NaN);
      for (const { s, col0, row0: srow0 } of placement) {
        const a = Math.max(row0, srow0);
        const b = Math.min(row0 + count, srow0 + s.rows);
        if (a >= b) continue;
        const part = await s.readRows(a - srow0, b - a);
        for (let r = a; r < b; r++) {
          for (let c = 0; c < s.cols; c++) {
            const v = part[(r - a) * s.cols + c];
            const k = (r - row0) * cols + col0 + c;
            if (v === v && out[k] !== out[k]) out[k] = v; // first valid value wins
          }
        }
      }
      return out;
    },
    async close() {
      for (const s of sources) await s.close();
    },
  };
}

/** Opens one or several DEM files (mosaicked). Throws UserInputError naming the file. */
export async function openDem(files: string[]): Promise<DemSource> {
  if (files.length === 0) throw new UserInputError('dem.none', '没有指定高程文件（--dem）。', 'No DEM file given (--dem).');
  const sources: DemSource[] = [];
  try {
    for (const file of files) {
      if (!existsSync(file) || !statSync(file).isFile()) throw demError(file, '不存在。', 'does not exist.', 'dem.missing');
      const lower = file.toLowerCase();
      if (lower.endsWith('.hgt')) sources.push(openHgt(file));
      else if (lower.endsWith('.tif') || lower.endsWith('.tiff')) sources.push(await openGeoTiff(file));
      else throw demError(file, '的格式不受支持：高程数据请用 GeoTIFF（.tif）或 SRTM .hgt。', 'unsupported format (use GeoTIFF or SRTM .hgt).', 'dem.format');
    }
    return sources.length === 1 ? sources[0] : await mosaic(sources);
  } catch (error) {
    for (const s of sources) await s.close();
    throw error;
  }
}
