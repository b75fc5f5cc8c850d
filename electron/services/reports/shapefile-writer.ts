/**
 * A polygon Shapefile written record by record (so 100 000 parcels never sit in memory): .shp and
 * .shx get their headers (file length, extent) patched in at the end, the dBASE III attributes are
 * encoded in GBK with language driver 0x4D and a `.cpg` saying GBK, and a `.prj` for CGCS2000.
 * No library writes GBK dBASE files, hence our own. Files are written under temporary names and
 * renamed into place by `finish()`; `abort()` removes them.
 */
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { signedRingArea } from '../../../shared/geo/rings';

export const PRJ_CGCS2000 =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

export interface DbfField<T> {
  /** At most 10 ASCII characters (dBASE III). */
  name: string;
  type: 'C' | 'N';
  length: number;
  decimals: number;
  value(record: T): string | number | null | undefined;
}

/** GBK bytes of `text`, cut at `length` bytes without splitting a double-byte character. */
export function gbkField(text: string, length: number): Buffer {
  const bytes = iconv.encode(text, 'gbk');
  // In GBK a lead byte ≥ 0x81 starts a two-byte character; stop before one that would not fit.
  let end = 0;
  while (end < bytes.length) {
    const size = bytes[end] >= 0x81 ? 2 : 1;
    if (end + size > length) break;
    end += size;
  }
  const out = Buffer.alloc(length, 0x20);
  bytes.copy(out, 0, 0, end);
  return out;
}

/** Shapefile rings: outer rings clockwise, holes counter-clockwise, closed. */
export function shpRings(geometry: Polygon | MultiPolygon): Position[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const rings: Position[][] = [];
  for (const poly of polygons) {
    poly.forEach((ring, i) => {
      const closed = ring.length && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1]) ? [...ring, ring[0]] : ring;
      const clockwise = signedRingArea(closed) < 0;
      rings.push((i === 0) === clockwise ? closed : [...closed].reverse());
    });
  }
  return rings;
}

const tmpOf = (p: string) => join(dirname(resolve(p)), `.${basename(p)}.${process.pid}.tmp`);

export class PolygonShapefileWriter<T> {
  private readonly stem: string;
  private readonly fds: { shp: number; shx: number; dbf: number };
  private readonly paths: string[];
  private readonly recordLength: number;
  private readonly headerLength: number;
  private offset = 100;
  private count = 0;
  private bbox = [Infinity, Infinity, -Infinity, -Infinity];
  private closed = false;
  /** Pending bytes per file, written in large pieces rather than three small writes per record. */
  private readonly pending = { shp: [] as Buffer[], shx: [] as Buffer[], dbf: [] as Buffer[] };
  private pendingBytes = 0;

  constructor(
    shpPath: string,
    private readonly fields: readonly DbfField<T>[],
  ) {
    for (const f of fields) if (f.name.length > 10 || !/^[A-Z0-9_]+$/.test(f.name)) throw new Error(`DBF field name "${f.name}" is not ≤ 10 ASCII characters`);
    this.stem = shpPath.slice(0, -extname(shpPath).length);
    this.paths = ['.shp', '.shx', '.dbf', '.prj', '.cpg'].map((ext) => `${this.stem}${ext}`);
    this.recordLength = 1 + fields.reduce((s, f) => s + f.length, 0);
    this.headerLength = 32 + 32 * fields.length + 1;
    this.fds = { shp: openSync(tmpOf(this.paths[0]), 'w'), shx: openSync(tmpOf(this.paths[1]), 'w'), dbf: openSync(tmpOf(this.paths[2]), 'w') };
    // Placeholders: the real headers need the totals.
    writeSync(this.fds.shp, Buffer.alloc(100));
    writeSync(this.fds.shx, Buffer.alloc(100));
    writeSync(this.fds.dbf, Buffer.alloc(this.headerLength));
  }

  get records(): number {
    return this.count;
  }

  add(geometry: Polygon | MultiPolygon, record: T): void {
    const rings = shpRings(geometry);
    const points = rings.flat();
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of points) {
      box[0] = Math.min(box[0], p[0]);
      box[1] = Math.min(box[1], p[1]);
      box[2] = Math.max(box[2], p[0]);
      box[3] = Math.max(box[3], p[1]);
    }
    for (let i = 0; i < 2; i++) this.bbox[i] = Math.min(this.bbox[i], box[i]);
    for (let i = 2; i < 4; i++) this.bbox[i] = Math.max(this.bbox[i], box[i]);
    const content = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
    content.writeInt32LE(5, 0);
    box.forEach((v, i) => content.writeDoubleLE(v, 4 + i * 8));
    content.writeInt32LE(rings.length, 36);
    content.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((ring, i) => {
      content.writeInt32LE(start, 44 + i * 4);
      start += ring.length;
    });
    points.forEach((p, i) => {
      content.writeDoubleLE(p[0], 44 + 4 * rings.length + i * 16);
      content.writeDoubleLE(p[1], 44 + 4 * rings.length + i * 16 + 8);
    });
    const recordHeader = Buffer.alloc(8);
    recordHeader.writeInt32BE(this.count + 1, 0);
    recordHeader.writeInt32BE(content.length / 2, 4);
    this.queue('shp', recordHeader);
    this.queue('shp', content);
    const index = Buffer.alloc(8);
    index.writeInt32BE(this.offset / 2, 0);
    index.writeInt32BE(content.length / 2, 4);
    this.queue('shx', index);
    this.offset += 8 + content.length;

    const parts: Buffer[] = [Buffer.from(' ')];
    for (const f of this.fields) {
      const v = f.value(record);
      if (f.type === 'C') parts.push(gbkField(v === null || v === undefined ? '' : String(v), f.length));
      else {
        const text = typeof v === 'number' && Number.isFinite(v) ? v.toFixed(f.decimals) : '';
        parts.push(Buffer.from(text.slice(0, f.length).padStart(f.length, ' '), 'latin1'));
      }
    }
    this.queue('dbf', Buffer.concat(parts));
    this.count++;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  private queue(file: 'shp' | 'shx' | 'dbf', bytes: Buffer) {
    this.pending[file].push(bytes);
    this.pendingBytes += bytes.length;
  }

  private flush() {
    for (const file of ['shp', 'shx', 'dbf'] as const) {
      if (this.pending[file].length) writeSync(this.fds[file], Buffer.concat(this.pending[file]));
      this.pending[file] = [];
    }
    this.pendingBytes = 0;
  }

  private shpHeader(lengthBytes: number): Buffer {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(lengthBytes / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(5, 32);
    (this.count ? this.bbox : [0, 0, 0, 0]).forEach((v, i) => h.writeDoubleLE(v, 36 + i * 8));
    return h;
  }

  /** Writes the headers, renames the set into place and returns the file paths. */
  finish(): string[] {
    this.flush();
    writeSync(this.fds.shp, this.shpHeader(this.offset), 0, 100, 0);
    writeSync(this.fds.shx, this.shpHeader(100 + 8 * this.count), 0, 100, 0);
    const dh = Buffer.alloc(this.headerLength);
    const now = new Date();
    dh.writeUInt8(0x03, 0);
    dh.writeUInt8(now.getUTCFullYear() - 1900, 1);
    dh.writeUInt8(now.getUTCMonth() + 1, 2);
    dh.writeUInt8(now.getUTCDate(), 3);
    dh.writeUInt32LE(this.count, 4);
    dh.writeUInt16LE(this.headerLength, 8);
    dh.writeUInt16LE(this.recordLength, 10);
    dh.writeUInt8(0x4d, 29); // language driver: GBK (code page 936)
    this.fields.forEach((f, i) => {
      const o = 32 + i * 32;
      dh.write(f.name, o, 'latin1');
      dh.write(f.type, o + 11, 'latin1');
      dh.writeUInt8(f.length, o + 16);
      dh.writeUInt8(f.decimals, o + 17);
    });
    dh.writeUInt8(0x0d, this.headerLength - 1);
    writeSync(this.fds.dbf, dh, 0, dh.length, 0);
    writeSync(this.fds.dbf, Buffer.from([0x1a]), 0, 1, this.headerLength + this.count * this.recordLength);
    this.closeFds();
    try {
      const [, , , prj, cpg] = this.paths;
      for (const [path, text] of [[prj, PRJ_CGCS2000], [cpg, 'GBK']] as const) {
        const fd = openSync(tmpOf(path), 'w');
        writeSync(fd, text);
        closeSync(fd);
      }
      for (const path of this.paths) renameSync(tmpOf(path), path);
    } finally {
      this.removeTemps();
    }
    return [...this.paths];
  }

  /** Drops the partial files. */
  abort(): void {
    this.closeFds();
    this.removeTemps();
  }

  private closeFds() {
    if (this.closed) return;
    this.closed = true;
    for (const fd of Object.values(this.fds)) closeSync(fd);
  }

  private removeTemps() {
    for (const path of this.paths) if (existsSync(tmpOf(path))) rmSync(tmpOf(path), { force: true });
  }
}
