/**
 * Output files of the review commands: the path is checked before anything is computed, and the
 * bytes are written under a temporary name and renamed into place, so a failed export leaves
 * nothing behind (and an existing file is only replaced by a complete one).
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UserInputError } from '../../../shared/model/errors';

export function requireOutPath(out: unknown, extensions: string[], option = '--out'): string {
  if (typeof out !== 'string' || out.trim() === '') {
    throw new UserInputError('cli.out-missing', `缺少 ${option}（输出文件，扩展名 ${extensions.join(' 或 ')}）。`, `Missing ${option} (${extensions.join('/')}).`);
  }
  if (!extensions.includes(extname(out).toLowerCase())) {
    throw new UserInputError('cli.out-extension', `输出文件“${out}”的扩展名应为 ${extensions.join(' 或 ')}。`, `Output "${out}" must end in ${extensions.join('/')}.`);
  }
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserInputError('cli.dir-missing', `输出目录“${dir}”不存在。`, `Output directory "${dir}" does not exist.`);
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UserInputError('cli.out-is-dir', `“${out}”是目录，不能作为输出文件。`, `"${out}" is a directory.`);
  }
  return resolve(out);
}

export function writeFileAtomically(target: string, bytes: Uint8Array | string) {
  const tmp = join(dirname(resolve(target)), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Builds a file (a GeoPackage: SQLite writes -wal/-shm/-journal next to it) under a temporary name
 * and renames it into place: the target is complete or absent. `build` gets the temporary path.
 */
export function createFileAtomically(target: string, build: (tmpPath: string) => void) {
  const tmp = join(dirname(resolve(target)), `.${basename(target)}.${process.pid}.tmp`);
  try {
    build(tmp);
    renameSync(tmp, target);
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tmp + suffix, { force: true });
  }
}
