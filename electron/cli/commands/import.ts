import { importFile } from '../../services/import-file';
import { ProjectStore } from '../../services/project-store';
import { parseKind, requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const importCommand: CommandSpec = {
  usage: 'landgate import <project.gpkg> <file> --kind <kind> [--name <table>] [--crs EPSG:n] [--title <名称>]',
  summary: '把数据文件导入为项目图层（当前支持 GeoJSON）；整个导入为一个事务，失败时项目不变。',
  options: { kind: { type: 'string' }, name: { type: 'string' }, crs: { type: 'string' }, title: { type: 'string' } },
  positionals: [2, 2],
  async run([projectPath, file], values, io) {
    requireExistingProject(projectPath);
    const kind = parseKind(values.kind);
    const store = ProjectStore.open(projectPath);
    try {
      const layer = importFile(store, file, {
        kind,
        table: values.name as string | undefined,
        crs: values.crs as string | undefined,
        title: values.title as string | undefined,
      });
      io.out(`已导入 ${layer.featureCount} 个要素到图层 ${layer.table}（${kind}，原坐标系 ${layer.originalCrs}）。\n`);
    } finally {
      store.close();
    }
  },
};
