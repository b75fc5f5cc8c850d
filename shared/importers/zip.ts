/**
 * Archives. A .zip of a shapefile and a .kmz are inflated in memory, so what they may inflate to is
 * checked first: the sizes the central directory declares are summed against a budget before a
 * byte is inflated, and fflate inflates each entry into a buffer of exactly its declared size (it
 * never grows), so a lying header cannot overshoot either; an entry that inflates short of its
 * declared size is refused as corrupt. An .xlsx is read entry by entry instead (ZipReader): the
 * budget is checked the same way, and an entry is inflated piece by piece, refused the moment it
 * passes its declared size or when it ends short of it.
 */
import { Inflate, unzipSync, type UnzipFileInfo } from 'fflate';
import { UserInputError } from '../model/errors';
import type { ByteSource } from './types';

/** Most an archive may inflate to (the entries kept), in bytes. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Unzips the entries `keep` accepts within `budget` bytes. Throws a zh UserInputError naming
 * `archiveName` (the file the user gave) when the archive is damaged or too big.
 */
export function unzipWithinBudget(
  bytes: Uint8Array,
  archiveName: string,
  keep: (entry: UnzipFileInfo) => boolean = () => true,
  options: { budget?: number; corruptCode?: string } = {},
): Record<string, Uint8Array> {
  const budget = options.budget ?? MAX_INFLATED_BYTES;
  const corruptCode = options.corruptCode ?? 'import.bad-zip';
  let total = 0;
  const declared = new Map<string, number>();
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter(entry) {
        if (!keep(entry)) return false;
        total += entry.originalSize;
        if (total > budget) {
          throw new UserInputError(
            'import.archive-too-large',
            `压缩包“${archiveName}”解压后超过 ${mb(budget)}（已声明 ${mb(total)}），LandGate 不会解压这么大的压缩包（可能是“压缩炸弹”）。请解压后导入其中的文件，或改用 GeoPackage。`,
            `"${archiveName}" would inflate to more than ${budget} bytes (declared ${total} so far); refused.`,
          );
        }
        declared.set(entry.name, entry.originalSize);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof UserInputError) throw error;
    throw new UserInputError(corruptCode, `压缩包“${archiveName}”无法解压（${(error as Error).message}），文件可能不完整或已损坏。`, `Cannot unzip "${archiveName}": ${(error as Error).message}.`);
  }
  for (const [name, data] of Object.entries(entries)) {
    if (data.length !== declared.get(name)) {
      throw new UserInputError(corruptCode, `压缩包“${archiveName}”中的“${name}”解压后大小与声明不符，文件已损坏。`, `"${archiveName}": entry "${name}" inflates to ${data.length} bytes, declared ${declared.get(name)}.`);
    }
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Reading an archive entry by entry, streamed

/** One entry of an archive's central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (the only two read). */
  method: number;
  flags: number;
  compressedSize: number;
  /** Inflated size as the central directory declares it. */
  size: number;
  localHeaderOffset: number;
}

/** Compressed bytes read at a time: at most ≈ 1 000 times this comes out of one read. */
const STREAM_CHUNK = 16 * 1024;
/** Largest central directory read (tens of thousands of entries); an XLSX has a few dozen. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

/**
 * An archive read through its central directory, without holding it: `entries` are what it
 * declares, `within` checks the declared sizes of the entries to be read against a budget before
 * any is inflated, and `chunks` inflates one entry piece by piece — refusing it as corrupt the
 * moment it inflates past its declared size, or when it ends short of it. Zip64 archives are read
 * too (Excel writes them for very large workbooks).
 */
export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();

  constructor(
    private readonly source: ByteSource,
    private readonly archiveName: string,
    private readonly corruptCode = 'import.bad-zip',
  ) {
    this.readDirectory();
  }

  private corrupt(zh: string, en: string): UserInputError {
    return new UserInputError(this.corruptCode, `压缩包“${this.archiveName}”${zh}`, `"${this.archiveName}": ${en}`);
  }

  private view(position: number, length: number): DataView {
    const bytes = this.source.read(position, length);
    if (bytes.length < length) throw this.corrupt('不完整（在文件末尾之外还有数据），文件可能不完整或已损坏。', `truncated at byte ${position}.`);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private readDirectory(): void {
    const size = this.source.size;
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = this.view(size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw this.corrupt('无法解压（找不到压缩包目录），文件可能不完整或已损坏。', 'no end of central directory record.');
    let count = tail.getUint16(eocd + 10, true);
    let directorySize = tail.getUint32(eocd + 12, true);
    let directoryOffset = tail.getUint32(eocd + 16, true);
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locator = eocd - 20;
      if (locator < 0 || tail.getUint32(locator, true) !== 0x07064b50) throw this.corrupt('的 Zip64 目录定位记录缺失，文件已损坏。', 'zip64 locator missing.');
      const at = Number(tail.getBigUint64(locator + 8, true));
      const record = this.view(at, 56);
      if (record.getUint32(0, true) !== 0x06064b50) throw this.corrupt('的 Zip64 目录记录无效，文件已损坏。', 'bad zip64 end of central directory.');
      count = Number(record.getBigUint64(32, true));
      directorySize = Number(record.getBigUint64(40, true));
      directoryOffset = Number(record.getBigUint64(48, true));
    }
    if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > size) {
      throw this.corrupt('的目录大小或位置无效，文件已损坏。', `central directory of ${directorySize} bytes at ${directoryOffset} in a file of ${size}.`);
    }
    const dir = this.view(directoryOffset, directorySize);
    const names = new TextDecoder('utf-8');
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > directorySize || dir.getUint32(p, true) !== 0x02014b50) throw this.corrupt(`的目录第 ${i + 1} 项无效，文件已损坏。`, `central directory entry ${i + 1} is invalid.`);
      const nameLength = dir.getUint16(p + 28, true);
      const extraLength = dir.getUint16(p + 30, true);
      const commentLength = dir.getUint16(p + 32, true);
      if (p + 46 + nameLength + extraLength + commentLength > directorySize) throw this.corrupt(`的目录第 ${i + 1} 项超出目录，文件已损坏。`, `central directory entry ${i + 1} overruns the directory.`);
      const entry: ZipEntry = {
        name: names.decode(new Uint8Array(dir.buffer, dir.byteOffset + p + 46, nameLength)),
        flags: dir.getUint16(p + 8, true),
        method: dir.getUint16(p + 10, true),
        compressedSize: dir.getUint32(p + 20, true),
        size: dir.getUint32(p + 24, true),
        localHeaderOffset: dir.getUint32(p + 42, true),
      };
      // Zip64 extra field: the 64-bit values of the fields that read 0xffffffff, in this order
      for (let e = p + 46 + nameLength, end = e + extraLength; e + 4 <= end; ) {
        const id = dir.getUint16(e, true);
        const length = dir.getUint16(e + 2, true);
        if (id === 0x0001) {
          let q = e + 4;
          const next = () => {
            const v = q + 8 <= e + 4 + length ? Number(dir.getBigUint64(q, true)) : NaN;
            q += 8;
            return v;
          };
          if (entry.size === 0xffffffff) entry.size = next();
          if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
          if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
        }
        e += 4 + length;
      }
      if (![entry.size, entry.compressedSize, entry.localHeaderOffset].every(Number.isFinite)) throw this.corrupt(`中“${entry.name}”的 Zip64 大小无效，文件已损坏。`, `entry "${entry.name}": bad zip64 sizes.`);
      this.entries.set(entry.name, entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** Refuses, naming the archive, when the entries `names` declare more than `budget` bytes in all. */
  within(names: Iterable<string>, budget: number): void {
    let total = 0;
    for (const name of names) total += this.entries.get(name)?.size ?? 0;
    if (total > budget) {
      throw new UserInputError(
        'import.archive-too-large',
        `压缩包“${this.archiveName}”解压后超过 ${mb(budget)}（已声明 ${mb(total)}），LandGate 不会解压这么大的压缩包（可能是“压缩炸弹”）。请解压后导入其中的文件，或改用 GeoPackage。`,
        `"${this.archiveName}" would inflate to more than ${budget} bytes (declared ${total}); refused.`,
      );
    }
  }

  /** The inflated bytes of entry `name`, piece by piece. */
  *chunks(name: string): Generator<Uint8Array> {
    const entry = this.entries.get(name);
    if (!entry) return;
    if (entry.flags & 1) throw this.corrupt(`中的“${name}”已加密，无法读取。`, `entry "${name}" is encrypted.`);
    if (entry.method !== 0 && entry.method !== 8) throw this.corrupt(`中的“${name}”使用了不支持的压缩方式（${entry.method}）。`, `entry "${name}": unsupported compression method ${entry.method}.`);
    const local = this.view(entry.localHeaderOffset, 30);
    if (local.getUint32(0, true) !== 0x04034b50) throw this.corrupt(`中“${name}”的文件头无效，文件已损坏。`, `entry "${name}": bad local header.`);
    const dataAt = entry.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    if (dataAt + entry.compressedSize > this.source.size) throw this.corrupt(`中的“${name}”超出文件末尾，文件不完整。`, `entry "${name}" runs past the end of the file.`);
    const mismatch = (got: string) => this.corrupt(`中的“${name}”解压后大小与声明不符，文件已损坏。`, `entry "${name}" inflates to ${got} bytes, declared ${entry.size}.`);
    let produced = 0;
    const out: Uint8Array[] = [];
    const inflate =
      entry.method === 8
        ? new Inflate((data) => {
            produced += data.length;
            if (produced > entry.size) throw mismatch(`more than ${entry.size}`);
            if (data.length > 0) out.push(data);
          })
        : null;
    for (let at = 0; at < entry.compressedSize || (at === 0 && inflate); at += STREAM_CHUNK) {
      const piece = this.source.read(dataAt + at, Math.min(STREAM_CHUNK, entry.compressedSize - at));
      const final = at + STREAM_CHUNK >= entry.compressedSize;
      if (!inflate) {
        produced += piece.length;
        if (produced > entry.size) throw mismatch(`more than ${entry.size}`);
        yield piece;
        continue;
      }
      try {
        inflate.push(piece, final);
      } catch (error) {
        if (error instanceof UserInputError) throw error;
        throw this.corrupt(`中的“${name}”无法解压（${(error as Error).message}），文件可能不完整或已损坏。`, `cannot inflate "${name}": ${(error as Error).message}.`);
      }
      while (out.length > 0) yield out.shift()!;
      if (final) break;
    }
    if (produced !== entry.size) throw mismatch(String(produced));
  }
}
