/**
 * DEM file readers: GeoTIFF (via the `geotiff` package: any sample type, DEFLATE/LZW/predictors,
 * tiled or striped, GDAL nodata, geographic or projected CRS from the GeoKeys) and SRTM `.hgt`
 * (size → 1201² / 3601², name → origin, big-endian Int16, −32768 = nodata). Several files are
 * mosaicked onto one grid (same CRS and cell size, aligned). Everything is read by row windows,
 * so a 10 000 × 10 000 DEM is never held whole in memory.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { constants as zlibConstants, inflateSync } from "node:zlib";
import { addDecoder, BaseDecoder, fromFile, getDecoder, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { isGeographic, isKnownCrs } from '../../../shared/crs';
import { isUserInputError, UserInputError } from '../../../shared/model/errors';
import { text } from '../../../shared/model/text';
import type { DemRowSource } from '../../../shared/terrain/grid';
import { georeferenceSuspicions, type Suspicion } from './dem-plausibility';

export interface DemSource extends DemRowSource {
  /** Source files (absolute or as given). */
  files: string[];
  /** Stored sample type: integer sources are stored exactly. */
  integer: boolean;
  /** What looks wrong before a single value is read (footprint, cell size, missing blocks). */
  suspicions: Suspicion[];
  close(): Promise<void>;
}

/**
 * The largest DEM read: 40 000 × 40 000 cells (a county at 5 m is ~ 20 000²). A strip of 256 rows
 * of the widest allowed grid is 41 MB of Float32, the reader's peak besides the band builder.
 */
export const MAX_DEM_SIDE = 40_000;
export const MAX_DEM_CELLS = 1_000_000_000;

/** TIFF compressions the reader decodes: none, LZW, Deflate (both tags), PackBits, LERC, Zstandard. */
const SUPPORTED_COMPRESSION = new Set([1, 5, 8, 32946, 32773, 34887, 50000]);


/**
 * DEFLATE blocks through Node's native zlib (several times faster than the bundled pako), on the
 * calling thread. On the thread pool the blocks would inflate beside the caller, but where cores
 * are few (two, on the bureaus' machines and the benchmark's) the pool only time-shares them with
 * the threads already busy, and every asynchronous call costs a stream and callbacks here: on the
 * bands benchmark, inflating (and the tracer deflating) synchronously took 0.3–0.4 s less CPU
 * and 0.15–0.2 s less time.
 */
class NodeDeflateDecoder extends BaseDecoder {
  decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    // zlib's output comes in chunks of 16 KB by default, concatenated at the end: a chunk the
    // size of a whole block takes one, and is the block's buffer
    const out = inflateSync(new Uint8Array(buffer), { chunkSize: blockBytes(this.parameters) });
    // a result that is a view into a larger (pooled) buffer is copied out; one that owns its memory is not
    return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out.buffer : out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder([8, 32946], async () => NodeDeflateDecoder, undefined, false);

/** The bytes of one decoded block (tile or strip), at least zlib's default chunk. */
function blockBytes(parameters: { tileWidth?: number; tileHeight?: number; planarConfiguration?: number; bitsPerSample?: number | ArrayLike<number> }): number {
  const { tileWidth = 0, tileHeight = 0, planarConfiguration = 1, bitsPerSample = 0 } = parameters;
  const bits = typeof bitsPerSample === 'number' ? [bitsPerSample] : Array.from(bitsPerSample);
  const pixelBits = planarConfiguration === 2 ? (bits[0] ?? 0) : bits.reduce((a, b) => a + b, 0);
  const bytes = Math.ceil((tileWidth * tileHeight * pixelBits) / 8);
  return Number.isFinite(bytes) && bytes > zlibConstants.Z_DEFAULT_CHUNK ? Math.min(bytes, 64 * 1024 * 1024) : zlibConstants.Z_DEFAULT_CHUNK;
}

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

const TIFF_TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/**
 * The first IFD's entries, checked against the file before the GeoTIFF reader sees them: an entry
 * whose values would reach past the end of the file (a count of 2³² in a 2 KB file) would
 * otherwise be allocated and read in full.
 */
function checkTiffDirectory(file: string) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    const le = head.toString('latin1', 0, 2) === 'II';
    if (!le && head.toString('latin1', 0, 2) !== 'MM') return; // left to the reader's own refusal
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const big = u16(head, 2) === 43;
    const ifd = big ? u64(head, 8) : u32(head, 4);
    const countBuf = Buffer.alloc(8);
    if (ifd + (big ? 8 : 2) > size) throw new Error('first IFD is past the end of the file');
    readSync(fd, countBuf, 0, big ? 8 : 2, ifd);
    const n = big ? u64(countBuf, 0) : u16(countBuf, 0);
    const entrySize = big ? 20 : 12;
    if (ifd + n * entrySize > size) throw new Error('IFD entries run past the end of the file');
    const entries = Buffer.alloc(n * entrySize);
    readSync(fd, entries, 0, entries.length, ifd + (big ? 8 : 2));
    for (let i = 0; i < n; i++) {
      const at = i * entrySize;
      const tag = u16(entries, at);
      const bytes = (TIFF_TYPE_SIZE[u16(entries, at + 2)] ?? 1) * (big ? u64(entries, at + 4) : u32(entries, at + 4));
      const inline = bytes <= (big ? 8 : 4);
      const offset = inline ? 0 : big ? u64(entries, at + 12) : u32(entries, at + 8);
      if (!inline && offset + bytes > size) throw new Error(`tag ${tag} declares ${bytes} bytes at ${offset}, past the end of the ${size}-byte file`);
    }
  } finally {
    closeSync(fd);
  }
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Compressions whose geotiff decoders take the default parameters: none, LZW, DEFLATE (both tags). */
const BLOCK_COMPRESSIONS = new Set([1, 5, 8, 32946]);

type RowWindowReader = (row0: number, count: number, out: Float32Array) => Promise<void>;

/**
 * Reads row windows of band 1 block by block (tiles or strips), converting each decoded block as
 * a typed array. geotiff's readRasters reads every sample through a DataView call, which was the
 * largest cost of reading a DEM; this covers what GDAL writes for DEMs (one sample per pixel, the
 * host's byte order, no / LZW / DEFLATE compression, any predictor) and returns null for anything
 * else, which readRasters then reads. The values are those readRasters gives: a sample equal to
 * the nodata value, or not finite, is NaN; a missing block reads as readRasters reads it (the
 * caller blanks it afterwards either way).
 */
async function blockReader(image: GeoTIFFImage, nodata: number | null): Promise<RowWindowReader | null> {
  const dir = image.fileDirectory;
  const compression = Number(dir.getValue('Compression') ?? 1);
  if (image.getSamplesPerPixel() !== 1 || image.littleEndian !== HOST_LITTLE_ENDIAN || !BLOCK_COMPRESSIONS.has(compression)) return null;
  const blockW = image.getTileWidth();
  const blockH = image.getTileHeight();
  const tiled = !dir.hasTag('StripOffsets');
  const integer = image.getSampleFormat() !== 3;
  const bits = image.getBitsPerSample();
  const signed = image.getSampleFormat() === 2;
  const predictor = Number((await dir.loadValue('Predictor')) || 1);
  // Horizontal differencing of integers (what GDAL's PREDICTOR=2 writes) is undone here, while the
  // samples are copied, instead of by geotiff in a pass of its own; a floating-point predictor is
  // left to geotiff.
  const differenced = predictor === 2 && integer;
  // the parameters geotiff's own readRasters gives these decoders (its defaultDecoderParameterFn)
  const decoder = await getDecoder(compression, {
    tileWidth: tiled ? Number(await dir.loadValue('TileWidth')) : image.getWidth(),
    tileHeight: tiled ? Number(await dir.loadValue('TileLength')) : Number((await dir.loadValue('RowsPerStrip')) || image.getHeight()),
    planarConfiguration: Number((await dir.loadValue('PlanarConfiguration')) ?? 1),
    bitsPerSample: (await dir.loadValue('BitsPerSample')) as number[],
    predictor: differenced ? 1 : predictor,
  });
  const cols = image.getWidth();
  const across = Math.ceil(cols / blockW);
  const unsignedView = (data: ArrayBufferLike): ArrayLike<number> => (bits === 8 ? new Uint8Array(data) : bits === 16 ? new Uint16Array(data) : new Uint32Array(data));
  const decodeBlockRow = async (by: number): Promise<ArrayLike<number>[]> => {
    const blocks = await Promise.all(Array.from({ length: across }, (_, bx) => image.getTileOrStrip(bx, by, 0, decoder)));
    return blocks.map((b) => (differenced ? unsignedView(b.data) : (image.getArrayForSample(0, b.data) as unknown as ArrayLike<number>)));
  };
  // the last block row decoded: a block taller than the window is decoded once, not per window
  let cachedRow = -1;
  let cached: ArrayLike<number>[] = [];
  return async (row0, count, out) => {
    const first = Math.floor(row0 / blockH);
    const last = Math.floor((row0 + count - 1) / blockH);
    const wanted: Promise<ArrayLike<number>[]>[] = [];
    for (let by = first; by <= last; by++) wanted.push(by === cachedRow ? Promise.resolve(cached) : decodeBlockRow(by));
    const decoded = await Promise.all(wanted);
    cachedRow = last;
    cached = decoded[decoded.length - 1];
    for (let i = 0; i < decoded.length; i++) {
      const by = first + i;
      const r0 = Math.max(row0, by * blockH);
      const r1 = Math.min(row0 + count, (by + 1) * blockH);
      for (let bx = 0; bx < across; bx++) {
        const data = decoded[i][bx];
        const c0 = bx * blockW;
        const w = Math.min(blockW, cols - c0);
        for (let r = r0; r < r1; r++) {
          const src = (r - by * blockH) * blockW;
          const dst = (r - row0) * cols + c0;
          if (differenced) undifference(data, src, w, bits, signed, nodata, out, dst);
          else if (integer) {
            for (let c = 0; c < w; c++) {
              const v = data[src + c];
              out[dst + c] = v === nodata ? NaN : v;
            }
          } else {
            for (let c = 0; c < w; c++) {
              const v = data[src + c];
              out[dst + c] = v === nodata || !Number.isFinite(v) ? NaN : v;
            }
          }
        }
      }
    }
  };
}

/**
 * One block row of horizontally differenced integers (TIFF predictor 2, the differences as
 * unsigned `bits`-bit words) summed back, modulo 2^bits as the TIFF reader does, read as signed
 * when the samples are, nodata → NaN, into `out` from `to`.
 */
function undifference(data: ArrayLike<number>, from: number, w: number, bits: number, signed: boolean, nodata: number | null, out: Float32Array, to: number) {
  let sum = 0;
  if (bits === 32) {
    for (let c = 0; c < w; c++) {
      sum = (sum + data[from + c]) >>> 0;
      const v = signed ? sum | 0 : sum;
      out[to + c] = v === nodata ? NaN : v;
    }
    return;
  }
  const mask = bits === 8 ? 0xff : 0xffff;
  const shift = 32 - bits;
  for (let c = 0; c < w; c++) {
    sum = (sum + data[from + c]) & mask;
    const v = signed ? (sum << shift) >> shift : sum;
    out[to + c] = v === nodata ? NaN : v;
  }
}

async function openGeoTiff(file: string): Promise<DemSource> {
  try {
    checkTiffDirectory(file);
  } catch (error) {
    throw demError(file, `的 GeoTIFF 文件头已损坏（${messageOf(error)}），文件可能不完整。`, `corrupt TIFF header (${messageOf(error)}).`, 'dem.corrupt');
  }
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
    if (!(Number.isInteger(cols) && Number.isInteger(rows) && cols > 1 && rows > 1)) throw demError(file, `尺寸 ${cols}×${rows} 太小或无效。`, `too small or invalid (${cols}×${rows}).`);
    if (cols > MAX_DEM_SIDE || rows > MAX_DEM_SIDE || cols * rows > MAX_DEM_CELLS) {
      throw demError(
        file,
        `声明的尺寸 ${cols}×${rows} 像元超出上限（每边 ${MAX_DEM_SIDE}、共 ${MAX_DEM_CELLS / 1e8} 亿像元）。请先用 gdal_translate 裁剪或降低分辨率。`,
        `declared size ${cols}x${rows} exceeds the limit (${MAX_DEM_SIDE} per side, ${MAX_DEM_CELLS} cells).`,
        'dem.too-large',
      );
    }
    checkEncoding(file, image);
    const crs = crsFromGeoKeys(file, image.getGeoKeys() as Record<string, unknown> | null);
    let origin: number[];
    let resolution: number[];
    try {
      origin = image.getOrigin();
      resolution = image.getResolution();
    } catch {
      throw demError(file, '没有像元坐标（ModelTiepoint / ModelPixelScale），无法定位。', 'no georeferencing (tiepoint/pixel scale).', 'dem.no-georef');
    }
    if (![...origin.slice(0, 2), ...resolution.slice(0, 2)].every((v) => Number.isFinite(v) && Math.abs(v) < 1e9)) {
      throw demError(file, `的地理参考数值无效（原点 ${origin.slice(0, 2).join(', ')}，像元 ${resolution.slice(0, 2).join(', ')}），无法定位。`, `georeferencing is not finite or out of range (origin ${origin.slice(0, 2).join(', ')}, cell ${resolution.slice(0, 2).join(', ')}).`, 'dem.no-georef');
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
    const geographic = isGeographic(crs);
    const east = originX + cols * cellX, south = originY - rows * cellY;
    if (geographic && !(originX >= -180 && east <= 360 && originY <= 90 && south >= -90)) {
      throw demError(file, `声明为经纬度（${crs}），但范围 ${originX}–${east}、${south}–${originY} 不是有效的经纬度（是否把米当成了度？）。`, `declared geographic (${crs}) but its extent ${originX}..${east}, ${south}..${originY} is not valid lon/lat.`, 'dem.bad-georef');
    }
    const missing = await missingBlocks(image);
    const grid = { cols, rows, crs, originX, originY, cellX, cellY };
    const suspicions = georeferenceSuspicions(grid);
    if (missing.count > 0) {
      suspicions.push(text('importNote.dem.missingBlocks', { count: missing.count }));
    }
    const nodata = image.getGDALNoData();
    const sampleFormat = image.getSampleFormat();
    if (image.getSamplesPerPixel() < 1) throw demError(file, '没有波段。', 'no bands.');
    const integer = sampleFormat !== 3;
    const blocks = await blockReader(image, nodata);
    const readRows = async (row0: number, count: number): Promise<Float32Array> => {
      const out = new Float32Array(cols * count);
      try {
        if (blocks) await blocks(row0, count, out);
        else {
          const raster = (await image.readRasters({ window: [0, row0, cols, row0 + count], samples: [0], interleave: true })) as unknown as ArrayLike<number>;
          for (let i = 0; i < out.length; i++) {
            const v = raster[i];
            out[i] = v === nodata || !Number.isFinite(v) ? NaN : v;
          }
        }
      } catch (error) {
        throw demError(file, `第 ${row0 + 1}–${row0 + count} 行读取失败，文件可能已损坏或不完整（${messageOf(error)}）。`, `rows ${row0}-${row0 + count} unreadable (${messageOf(error)}).`, 'dem.corrupt');
      }
      missing.blank(out, row0, count, cols);
      return out;
    };
    return {
      files: [file],
      ...grid,
      integer,
      suspicions,
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

/** Sample layouts the reader decodes: unsigned/signed integers of 8–32 bits, 32/64-bit floats. */
function checkEncoding(file: string, image: GeoTIFFImage) {
  const dir = image.fileDirectory;
  const compression = Number(dir.getValue('Compression') ?? 1);
  if (!SUPPORTED_COMPRESSION.has(compression)) {
    throw demError(file, `使用了不支持的压缩方式（Compression=${compression}）。请先用 gdal_translate -co COMPRESS=DEFLATE 转换。`, `unsupported compression ${compression}.`, 'dem.compression');
  }
  const format = image.getSampleFormat();
  const bits = image.getBitsPerSample();
  const ok = (format === 1 || format === 2) ? [8, 16, 32].includes(bits) : format === 3 ? [32, 64].includes(bits) : false;
  if (!ok) {
    throw demError(file, `的像元类型（SampleFormat=${format}，${bits} 位）不是高程数据可用的整数或浮点类型。`, `unsupported sample layout (SampleFormat ${format}, ${bits} bits).`, 'dem.sample-format');
  }
  const samples = image.getSamplesPerPixel();
  if (!(samples >= 1 && samples <= 16)) throw demError(file, `的波段数 ${samples} 无效。`, `invalid samples per pixel ${samples}.`, 'dem.sample-format');
}

/**
 * Tiles or strips with no bytes in the file (a sparse or truncated GeoTIFF): GDAL and geotiff.js
 * read them as 0, which would be stored as 0 m. They are found from the block byte counts and
 * read as nodata instead.
 */
async function missingBlocks(image: GeoTIFFImage): Promise<{ count: number; blank(out: Float32Array, row0: number, count: number, cols: number): void }> {
  const dir = image.fileDirectory;
  const tiled = dir.hasTag('TileByteCounts');
  const tag = tiled ? 'TileByteCounts' : 'StripByteCounts';
  if (!dir.hasTag(tag)) return { count: 0, blank() {} };
  let counts: ArrayLike<number | bigint>;
  try {
    counts = (await dir.loadValue(tag)) as ArrayLike<number | bigint>;
  } catch {
    return { count: 0, blank() {} };
  }
  const blockW = image.getTileWidth();
  const blockH = image.getTileHeight();
  const across = Math.max(1, Math.ceil(image.getWidth() / blockW));
  const perPlane = across * Math.ceil(image.getHeight() / blockH);
  const empty: number[] = [];
  for (let i = 0; i < Math.min(counts.length ?? 0, perPlane); i++) if (Number(counts[i]) === 0) empty.push(i);
  return {
    count: empty.length,
    blank(out, row0, count, cols) {
      for (const index of empty) {
        const by = Math.floor(index / across) * blockH;
        const bx = (index % across) * blockW;
        const r0 = Math.max(by, row0), r1 = Math.min(by + blockH, row0 + count);
        for (let r = r0; r < r1; r++) out.fill(NaN, (r - row0) * cols + bx, (r - row0) * cols + Math.min(bx + blockW, cols));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// SRTM .hgt

const HGT_NAME = /^([NS])(\d{2})([EW])(\d{3})\.hgt$/i;

function openHgt(file: string): DemSource {
  const match = HGT_NAME.exec(basename(file));
  if (!match) throw demError(file, '的文件名不是 SRTM 命名（如 N37E111.hgt），无法确定位置。', 'name is not an SRTM tile name (e.g. N37E111.hgt).', 'dem.hgt-name');
  const lat = (match[1].toUpperCase() === 'S' ? -1 : 1) * Number(match[2]);
  const lon = (match[3].toUpperCase() === 'W' ? -1 : 1) * Number(match[4]);
  if (!(lat >= -90 && lat < 90 && lon >= -180 && lon < 180)) {
    throw demError(file, `的文件名表示纬度 ${lat}°、经度 ${lon}°，不在 SRTM 网格内（纬度 −90…89，经度 −180…179），文件名可能有误。`, `tile name gives lat ${lat}, lon ${lon}, outside the SRTM grid.`, 'dem.hgt-name');
  }
  const size = statSync(file).size;
  const n = size === 1201 * 1201 * 2 ? 1201 : size === 3601 * 3601 * 2 ? 3601 : 0;
  if (!n) throw demError(file, `大小为 ${size} 字节，不是 SRTM3（1201×1201）或 SRTM1（3601×3601）；文件可能不完整。`, `size ${size} is neither 1201² nor 3601² Int16.`, 'dem.corrupt');
  const cell = 1 / (n - 1);
  const grid = { cols: n, rows: n, crs: 'EPSG:4326', originX: lon - cell / 2, originY: lat + 1 + cell / 2, cellX: cell, cellY: cell };
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
    // samples sit on whole arc-seconds: the tile's SW corner is a pixel centre
    ...grid,
    integer: true,
    suspicions: georeferenceSuspicions(grid),
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
  if (cols > MAX_DEM_SIDE || rows > MAX_DEM_SIDE || cols * rows > MAX_DEM_CELLS) {
    throw demError(first.files[0], `与其他文件拼接后为 ${cols}×${rows} 像元，超出上限（每边 ${MAX_DEM_SIDE}、共 ${MAX_DEM_CELLS / 1e8} 亿像元）；文件之间可能相距过远。`, `mosaic would be ${cols}x${rows}, over the limit.`, 'dem.too-large');
  }
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
    suspicions: sources.flatMap((s) => s.suspicions.map((suspicion) => text('importNote.dem.inFile', { file: basename(s.files[0]), suspicion }))),
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
  let current = files[0];
  try {
    for (const file of files) {
      current = file;
      if (!existsSync(file) || !statSync(file).isFile()) throw demError(file, '不存在。', 'does not exist.', 'dem.missing');
      const lower = file.toLowerCase();
      if (lower.endsWith('.hgt')) sources.push(openHgt(file));
      else if (lower.endsWith('.tif') || lower.endsWith('.tiff')) sources.push(await openGeoTiff(file));
      else throw demError(file, '的格式不受支持：高程数据请用 GeoTIFF（.tif）或 SRTM .hgt。', 'unsupported format (use GeoTIFF or SRTM .hgt).', 'dem.format');
    }
    return sources.length === 1 ? sources[0] : await mosaic(sources);
  } catch (error) {
    for (const s of sources) await s.close().catch(() => {});
    // a header the GeoTIFF reader trips over (a broken GeoKey directory, say) is a bad file too
    if (isUserInputError(error)) throw error;
    throw demError(current, `不是可读的高程文件（${messageOf(error)}）。`, `not a readable DEM (${messageOf(error)}).`);
  }
}
