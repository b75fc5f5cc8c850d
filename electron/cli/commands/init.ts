import { basename } from 'node:path';
import { ProjectStore } from '../../services/project-store';
import { createAtomically, requireGpkgName, requireNewFile } from './util';
import type { CommandSpec } from './types';

export const initCommand: CommandSpec = {
  usage: 'landgate init <project.gpkg> [--title <名称>]',
  summary: '新建空项目（GeoPackage 文件）。',
  options: { title: { type: 'string' } },
  positionals: [1, 1],
  async run([target], values, io) {
    requireGpkgName(target);
    requireNewFile(target);
    const title = typeof values.title === 'string' ? values.title : basename(target, '.gpkg');
    createAtomically(target, (tmp) => ProjectStore.create(tmp, { title }).close());
    io.out(`已新建项目 ${target}。\n`);
  },
};
