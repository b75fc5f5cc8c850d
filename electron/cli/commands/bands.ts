import { buildBandsLayer, DEFAULT_BAND_TABLE, parseLevels } from '../../services/terrain/bands-service';
import { importNoteZh } from '../../../shared/importers/messages';
import { projectName, requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const bandsCommand: CommandSpec = {
  usage: 'landgate bands <project.gpkg> [--dem <file.tif|.hgt> …] [--levels 400,900] [--name <table>] [--smooth] [--accept-suspect]',
  summary: '导入高程数据（GeoTIFF / SRTM .hgt，多个文件自动拼接）并生成清洁取暖高程带图层（海拔低于各阈值的区域）；不给 --dem 时用项目中已有的高程数据。看起来不可信的高程数据（高程超出 −200–9000 米、被填成 0 的空洞、坐标系与数值不符、不在中国境内）会被拒绝，确认无误时加 --accept-suspect 导入并在图层上记录警告。',
  options: { dem: { type: 'string', multiple: true }, levels: { type: 'string' }, name: { type: 'string' }, smooth: { type: 'boolean' }, 'accept-suspect': { type: 'boolean' } },
  positionals: [1, 1],
  async run([projectPath], values, io) {
    requireExistingProject(projectPath);
    const levels = parseLevels(values.levels as string | undefined);
    const files = (values.dem as string[] | undefined) ?? [];
    const result = await buildBandsLayer(projectPath, { files, levels, table: (values.name as string | undefined) ?? DEFAULT_BAND_TABLE, smooth: !!values.smooth, acceptSuspect: values['accept-suspect'] === true });
    for (const warning of result.warnings) io.err(`注意：${importNoteZh(warning)}\n`);
    const d = result.dem;
    io.out(
      `高程数据：${d.files.join('、')}（${d.cols}×${d.rows} 像元，${d.crs}，高程 ${d.minM ?? '—'}–${d.maxM ?? '—'} m）${files.length ? '已存入项目' : '（项目中已有）'}。\n` +
        `已生成高程带图层 ${result.table}：${levels.map((l) => `${l} m 以下`).join('、')}，写入 ${projectName(projectPath)}。\n` +
        (result.nodataCells > 0 ? `注意：${result.nodataCells} 个像元无高程数据（${((100 * result.nodataCells) / result.cells).toFixed(1)}%），按“未知”处理，不计入任何高程带。\n` : ''),
    );
  },
};
