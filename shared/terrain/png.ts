/**
 * Minimal PNG codec for the DEM tiles: 16-bit greyscale (the GeoPackage 2D gridded coverage
 * encoding) and 8-bit RGBA (terrain-RGB / hillshade basemap tiles). Encoding uses filter "none"
 * per scanline; decoding handles all five filter types, non-interlaced images only.
 */
import { unzlibSync, zlibSync } from 'fflate';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

/** zlib compressor (the Node side passes node:zlib's, much faster than the pure-JS default). */
export type Zlib = (raw: Uint8Array) => Uint8Array;

/** A PNG file from its already compressed image data (one IDAT chunk). */
export function assemblePng(width: number, height: number, bitDepth: number, colorType: number, idat: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return concat([new Uint8Array(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

function encode(width: number, height: number, bitDepth: number, colorType: number, raw: Uint8Array, level: number, zlib?: Zlib): Uint8Array {
  return assemblePng(width, height, bitDepth, colorType, zlib ? zlib(raw) : zlibSync(raw, { level: level as 6 }));
}

/**
 * The filtered scanlines of a 16-bit greyscale PNG (what its IDAT compresses): "sub" filter,
 * good for terrain.
 */
export function png16Scanlines(values: Uint16Array, width: number, height: number): Uint8Array {
  const stride = width * 2 + 1;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    let k = y * stride;
    raw[k++] = 1; // filter "sub": each byte minus the same byte of the previous pixel
    let prevHi = 0, prevLo = 0;
    for (let x = 0; x < width; x++) {
      const value = values[y * width + x];
      const hi = value >>> 8, lo = value & 0xff;
      raw[k++] = (hi - prevHi) & 0xff;
      raw[k++] = (lo - prevLo) & 0xff;
      prevHi = hi;
      prevLo = lo;
    }
  }
  return raw;
}

/** 16-bit greyscale PNG of `values` (row-major, width × height), "sub" filter (good for terrain). */
export function encodePng16(values: Uint16Array, width: number, height: number, level = 6, zlib?: Zlib): Uint8Array {
  return encode(width, height, 16, 0, png16Scanlines(values, width, height), level, zlib);
}

/** 8-bit RGBA PNG. */
export function encodePngRgba(rgba: Uint8Array, width: number, height: number, level = 6, zlib?: Zlib): Uint8Array {
  const stride = width * 4 + 1;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * stride + 1);
  return encode(width, height, 8, 6, raw, level, zlib);
}

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  channels: number;
  /** Samples, row-major, `channels` per pixel (16-bit samples as numbers 0..65535). */
  samples: Uint16Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decodes a non-interlaced greyscale / RGB / RGBA PNG of bit depth 8 or 16. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) throw new Error('not a PNG');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(bytes[offset + 4], bytes[offset + 5], bytes[offset + 6], bytes[offset + 7]);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      bitDepth = bytes[offset + 16];
      colorType = bytes[offset + 17];
      interlace = bytes[offset + 20];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const channels = CHANNELS[colorType];
  if (!channels || (bitDepth !== 8 && bitDepth !== 16) || interlace !== 0) throw new Error(`unsupported PNG (colour type ${colorType}, depth ${bitDepth}, interlace ${interlace})`);
  const raw = unzlibSync(concat(idat));
  const bpp = (channels * bitDepth) / 8;
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const rawByte = raw[src + x];
      const a = x >= bpp ? out[dst + x - bpp] : 0;
      const b = y > 0 ? out[dst - stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[dst - stride + x - bpp] : 0;
      let value: number;
      switch (filter) {
        case 0: value = rawByte; break;
        case 1: value = rawByte + a; break;
        case 2: value = rawByte + b; break;
        case 3: value = rawByte + ((a + b) >>> 1); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          value = rawByte + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: throw new Error(`bad PNG filter ${filter}`);
      }
      out[dst + x] = value & 0xff;
    }
  }
  const samples = new Uint16Array(width * height * channels);
  if (bitDepth === 8) samples.set(out);
  else for (let i = 0; i < samples.length; i++) samples[i] = (out[2 * i] << 8) | out[2 * i + 1];
  return { width, height, bitDepth, colorType, channels, samples };
}
