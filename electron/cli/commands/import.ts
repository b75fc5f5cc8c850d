import { importFile } from '../../services/import-file';
import { ProjectStore } from '../../services/project-store';
import { crsLabelZh } from '../../../shared/crs';
import { formatAreaZh } from '../../../shared/format/units';
import { parseKind, requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const importCommand: CommandSpec = {
  usage:
    'landgate import <project.gpkg> <file> [<sibling files>…] --kind <kind> [--name <table>] [--crs EPSG:n|GCJ02|BD09] [--towgs84 dx,dy,dz[,rx,ry,rz,s]] [--encoding gbk|utf-8|…] [--layer <name>] [--title <名称>]',
  summary:
    '把数据文件（Shapefile/.zip、GeoJSON 等）导入为项目图层；整个导入为一个事务，失败时项目不变。坐标系只是推测时（无 .prj）须用 --crs 确认；西安 1980/北京 1954 须用 --towgs84 给出转换参数。',
  options: {
    kind: { type: 'string' },
    name: { type: 'string' },
    crs: { type: 'string' },
    towgs84: { type: 'string' },
    encoding: { type: 'string' },
    layer: { type: 'string' },
    title: { type: 'string' },
  },
  positionals: [2, 8],
  async run([projectPath, ...files], values, io) {
    requireExistingProject(projectPath);
    const kind = parseKind(values.kind);
    const store = ProjectStore.open(projectPath);
    try {
      const layer = importFile(store, files, {
        kind,
        table: values.name as string | undefined,
        crs: values.crs as string | undefined,
        towgs84: values.towgs84 as string | undefined,
        encoding: values.encoding as string | undefined,
        layer: values.layer as string | undefined,
        title: values.title as string | undefined,
      });
      for (const warning of layer.warnings) io.err(`注意：${warning}\n`);
      const encoding = layer.encoding ? `，编码 ${layer.encoding.toUpperCase()}` : '';
      io.out(`已导入 ${layer.featureCount} 个要素到图层 ${layer.table}（${kind}，${layer.format}${encoding}，原坐标系 ${crsLabelZh(layer.originalCrs)}）。\n`);
      if (layer.areas.geodesicM2 > 0) {
        io.out(`面积合计：椭球面积 ${formatAreaZh(layer.areas.geodesicM2)}（CGCS2000 椭球）`);
        if (layer.areas.planarM2 !== undefined) io.out(`；${layer.areas.planarCrs} 平面面积 ${formatAreaZh(layer.areas.planarM2)}`);
        io.out('。\n');
      }
    } finally {
      store.close();
    }
  },
};
