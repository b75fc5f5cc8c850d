import { ProjectStore } from '../../services/project-store';
import { generateDemoProject } from '../../services/demo';
import { isUserInputError } from '../../../shared/model/errors';
import { dropNewPgProject } from '../../services/store/postgres/pg-project';
import { createAtomically, isProjectUrl, projectName, requireGpkgName, requireNewFile } from './util';
import type { CommandSpec } from './types';

export const demoCommand: CommandSpec = {
  usage: 'landgate demo <project.gpkg | postgresql://…?schema=名称>',
  summary: '生成示例项目（示例数据，合成的示例县，含全部图层类型和约 30 个报件地块）。',
  options: {},
  positionals: [1, 1],
  async run([target], _values, io) {
    if (isProjectUrl(target)) {
      // a shared project is created by its first transaction; the layers and the DEM follow in
      // their own, so a failure part-way removes the new schema again: all of the demo or nothing
      try {
        generateDemoProject(target);
      } catch (error) {
        if (!(isUserInputError(error) && error.code === 'project.exists')) dropNewPgProject(target);
        throw error;
      }
    } else {
      requireGpkgName(target);
      requireNewFile(target);
      createAtomically(target, (tmp) => generateDemoProject(tmp));
    }
    const store = ProjectStore.open(target, { readonly: true });
    try {
      const layers = store.listLayers();
      io.out(`已生成示例项目 ${projectName(target)}：${layers.length} 个图层，${layers.reduce((n, l) => n + l.featureCount, 0)} 个要素。\n`);
    } finally {
      store.close();
    }
  },
};
