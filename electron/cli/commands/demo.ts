import { ProjectStore } from '../../services/project-store';
import { generateDemoProject } from '../../services/demo';
import { UserInputError } from '../../../shared/model/errors';
import { createAtomically, isProjectUrl, projectName, requireGpkgName, requireNewFile } from './util';
import type { CommandSpec } from './types';

export const demoCommand: CommandSpec = {
  usage: 'landgate demo <project.gpkg>',
  summary: '生成示例项目（示例数据，合成的示例县，含全部图层类型和约 30 个报件地块）。',
  options: {},
  positionals: [1, 1],
  async run([target], _values, io) {
    if (isProjectUrl(target)) {
      throw new UserInputError(
        'cli.demo-file',
        `示例项目只生成为 GeoPackage 文件（.gpkg），不写入共享项目“${projectName(target)}”。请给出一个新的 .gpkg 文件名。`,
        `The demo project is generated as a GeoPackage file only, not into the shared project ${projectName(target)}.`,
      );
    }
    requireGpkgName(target);
    requireNewFile(target);
    createAtomically(target, (tmp) => generateDemoProject(tmp));
    const store = ProjectStore.open(target, { readonly: true });
    try {
      const layers = store.listLayers();
      io.out(`已生成示例项目 ${target}：${layers.length} 个图层，${layers.reduce((n, l) => n + l.featureCount, 0)} 个要素。\n`);
    } finally {
      store.close();
    }
  },
};
