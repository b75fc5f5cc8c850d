import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { gaussKrugerZoneOf } from '../../../shared/crs';
import { exportBoundaryTxt } from '../../../shared/exporters/boundary-txt';
import { UserInputError } from '../../../shared/model/errors';
import { readParcelLayer } from '../../services/api-service';
import { ProjectStore } from '../../services/project-store';
import type { CommandSpec } from './types';
import { requireExistingProject } from './util';
import { idOfFeature } from '../../../shared/model/attributes';

export const exportTxtCommand: CommandSpec = {
  usage: 'landgate export-txt <project.gpkg> <parcel-table> --out <file.txt> [--crs EPSG:4526] [--encoding gbk|utf-8] [--parcel <id>]',
  summary: '把报件地块导出为自然资源部界址点坐标 TXT（默认 GBK 编码、原投影带或数据中心所在的 3° 带）。',
  options: { out: { type: 'string' }, crs: { type: 'string' }, encoding: { type: 'string' }, parcel: { type: 'string', multiple: true } },
  positionals: [2, 2],
  async run([projectPath, table], values, io) {
    requireExistingProject(projectPath);
    const out = values.out as string | undefined;
    if (!out) throw new UserInputError('cli.out-missing', '缺少 --out <文件.txt>（导出的界址点坐标文件）。', 'Missing --out <file.txt>.');
    const encoding = String(values.encoding ?? 'gbk').toLowerCase();
    if (encoding !== 'gbk' && encoding !== 'utf-8' && encoding !== 'utf8') {
      throw new UserInputError('cli.encoding', `编码“${values.encoding}”无效，可用 gbk 或 utf-8。`, `Invalid --encoding "${values.encoding}" (gbk or utf-8).`);
    }
    const dir = dirname(resolve(out));
    if (!existsSync(dir)) throw new UserInputError('cli.dir-missing', `输出目录“${dir}”不存在。`, `Output directory "${dir}" does not exist.`);
    const store = ProjectStore.open(projectPath, { readonly: true });
    try {
      const wanted = (values.parcel as string[] | undefined) ?? [];
      // the named parcels through the id index (one of a county's 100 000 read the whole layer)
      const features =
        wanted.length > 0
          ? readParcelLayer(store, table, { ids: [...new Set(wanted)] })
          : readParcelLayer(store, table);
      if (wanted.length > 0) {
        const found = new Set(features.map((f) => idOfFeature(f)));
        const missing = wanted.filter((id) => !found.has(id));
        if (missing.length > 0) {
          throw new UserInputError('parcels.unknown-id', `图层“${table}”中没有编号为“${missing.join('、')}”的地块。`, `No parcel ${missing.join(', ')} in layer "${table}".`);
        }
      }
      // default: the layer's original GK zone when it came from one, else the 3° zone of the data
      const original = store.getLayer(table).originalCrs;
      const crs = (values.crs as string | undefined) ?? (gaussKrugerZoneOf(original) ? original : undefined);
      const result = exportBoundaryTxt(features, { crs });
      const bytes = encoding === 'gbk' ? iconv.encode(result.text, 'gbk') : Buffer.from(result.text, 'utf8');
      const tmp = join(dir, `.${basename(out)}.${process.pid}.tmp`);
      try {
        writeFileSync(tmp, bytes);
        renameSync(tmp, out);
      } finally {
        rmSync(tmp, { force: true });
      }
      io.out(`已导出 ${result.parcels} 个地块（${result.points} 个界址点，${result.crs}，${encoding === 'gbk' ? 'GBK' : 'UTF-8'}）到 ${out}。\n`);
    } finally {
      store.close();
    }
  },
};
