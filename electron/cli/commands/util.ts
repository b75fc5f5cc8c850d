/**
 * Helpers shared by the commands. Each command validates its input fully before writing anything;
 * files it creates are written to a temporary name and renamed into place only on success, so a
 * failed command leaves nothing behind.
 *
 * A project is a GeoPackage file or a shared project's URL (postgresql://…?schema=…): where a
 * command takes a project, it takes either; a URL is checked by opening it, never as a path.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserInputError } from '../../../shared/model/errors';
import { isLayerKind, LAYER_KINDS, type LayerKind } from '../../../shared/model/layers';
import { createFileAtomically } from '../../services/reports/output';
import { isPostgresUrl, redact } from '../../services/store/postgres/location';
import type { CommandIo } from './types';

export function requireGpkgName(path: string) {
  if (!path.toLowerCase().endsWith('.gpkg')) {
    throw new UserInputError('cli.project-extension', `项目文件“${path}”的扩展名应为 .gpkg。`, `Project file "${path}" must end in .gpkg.`);
  }
}

export function requireNewFile(path: string) {
  if (existsSync(path)) {
    throw new UserInputError('cli.file-exists', `文件“${path}”已存在，未做任何修改。请换一个文件名或先删除它。`, `File "${path}" already exists; nothing was changed.`);
  }
  if (!existsSync(dirname(resolve(path)))) {
    throw new UserInputError('cli.dir-missing', `目录“${dirname(resolve(path))}”不存在。`, `Directory "${dirname(resolve(path))}" does not exist.`);
  }
}

/** A shared project in PostgreSQL rather than a file. */
export function isProjectUrl(location: string): boolean {
  return isPostgresUrl(location);
}

/** How messages name a project: the file's name, or the URL without its password. */
export function projectName(location: string): string {
  return isProjectUrl(location) ? redact(location) : basename(location);
}

export function requireExistingProject(path: string) {
  // A shared project is looked for when it is opened (pg-project.ts says what is wrong with it).
  if (isProjectUrl(path)) return;
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserInputError('cli.project-missing', `项目文件“${path}”不存在。可用 landgate init 或 landgate demo 创建。`, `Project file "${path}" does not exist.`);
  }
}

/** Builds a file under a temporary name beside the target and renames it into place on success. */
/** A new project file, complete or absent (see createFileAtomically). */
export const createAtomically = createFileAtomically;

export function writeOutput(text: string, outPath: string | undefined, io: CommandIo) {
  if (!outPath) {
    io.out(text);
    return;
  }
  const dir = dirname(resolve(outPath));
  if (!existsSync(dir)) throw new UserInputError('cli.dir-missing', `输出目录“${dir}”不存在。`, `Output directory "${dir}" does not exist.`);
  const tmp = join(dir, `.${basename(outPath)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, outPath);
}

export function parseKind(value: unknown): LayerKind {
  if (typeof value !== 'string' || !isLayerKind(value)) {
    throw new UserInputError(
      'cli.kind',
      `缺少或无效的图层类型 --kind “${value ?? ''}”。可用：${LAYER_KINDS.join('、')}。`,
      `Missing or invalid --kind "${value ?? ''}". Known: ${LAYER_KINDS.join(', ')}.`,
    );
  }
  return value;
}

export function parsePort(value: unknown): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserInputError('cli.port', `端口“${value}”无效，应为 0–65535 的整数（0 表示自动选择）。`, `Invalid port "${value}".`);
  }
  return port;
}
