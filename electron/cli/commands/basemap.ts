import { UserInputError } from '../../../shared/model/errors';
import { addBasemap, listBasemapsIn } from '../../services/terrain/basemaps';
import { ProjectStore } from '../../services/project-store';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const basemapCommand: CommandSpec = {
  usage: 'landgate basemap add <project.gpkg|postgresql://…> <file.mbtiles|file.pmtiles> [--name <名称>] [--attribution <版权说明>] | landgate basemap list <project.gpkg|postgresql://…>',
  summary: '添加离线底图（MBTiles / PMTiles，栅格或矢量，如天地图离线包）：栅格 MBTiles 复制进项目文件，其余按路径引用；共享项目中 MBTiles 均复制进数据库（须项目管理员），不引用文件；或列出已添加的底图。',
  options: { name: { type: 'string' }, attribution: { type: 'string' } },
  positionals: [2, 3],
  async run([action, projectPath, file], values, io) {
    if (action !== 'add' && action !== 'list') {
      throw new UserInputError('cli.basemap-action', `未知的操作“${action}”，可用：add、list。`, `Unknown basemap action "${action}" (add, list).`);
    }
    requireExistingProject(projectPath);
    ProjectStore.open(projectPath, { readonly: true }).close(); // a LandGate project, or a clear error
    if (action === 'list') {
      const list = listBasemapsIn(projectPath);
      if (list.length === 0) io.out('项目中还没有离线底图。\n');
      for (const b of list) io.out(`${b.id}\t${b.name}\t${b.container}/${b.type}/${b.format}\tz${b.minzoom}–${b.maxzoom}\t${b.storage === 'embedded' ? `项目内 ${b.table}` : b.path}\t${b.attribution}\n`);
      return;
    }
    if (!file) throw new UserInputError('cli.basemap-file', '请给出底图文件（.mbtiles 或 .pmtiles）。', 'Give a basemap file (.mbtiles or .pmtiles).');
    const info = await addBasemap(projectPath, file, { name: values.name as string | undefined, attribution: values.attribution as string | undefined });
    io.out(
      `已添加离线底图“${info.name}”（${info.type === 'raster' ? '栅格' : '矢量'} ${info.format}，z${info.minzoom}–${info.maxzoom}）：` +
        (info.storage === 'embedded' ? `瓦片已复制进项目（表 ${info.table}）。` : `按路径引用 ${info.path}（请勿移动该文件）。`) +
        (info.attribution ? `\n版权说明：${info.attribution}` : '\n注意：文件未带版权说明，可用 --attribution 补充。') +
        '\n',
    );
  },
};
