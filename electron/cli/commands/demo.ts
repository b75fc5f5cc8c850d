import { ProjectStore } from '../../services/project-store';
import { generateDemoProject } from '../../services/demo';
import { createAtomically, requireGpkgName, requireNewFile } from './util';
import type { CommandSpec } from './types';

export const demoCommand: CommandSpec = {
  usage: 'landgate demo <project.gpkg>',
  summary: '生成示例项目（示例数据，合成的示例县，含全部图层类型和约 30 个报件地块）。',
  options: {},
  positionals: [1, 1],
  async run([target], _values, io) {
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
