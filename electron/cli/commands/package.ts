import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ProjectStore } from '../../services/project-store';
import { writeFindingsFile } from '../../services/reports/findings-export';
import { requireOutPath } from '../../services/reports/output';
import { importPackage, resolveParcels, writePackageFile } from '../../services/reports/review-package';
import { ReviewStore } from '../../services/review/review-store';
import { UserInputError } from '../../../shared/model/errors';
import { requireExistingProject, requireNewFile } from './util';
import type { CommandSpec } from './types';

const USAGE = [
  'landgate package export <project.gpkg> --parcels <编号,编号…|all> --out <pkg.gpkg> [--department <部门>]',
  'landgate package import <project.gpkg> <pkg.gpkg>',
  'landgate package findings <project.gpkg> --parcels <编号…|all> --out <file.geojson|file.shp>',
].join('\n       ');

export const packageCommand: CommandSpec = {
  usage: USAGE,
  summary: '部门间交换审查包（GeoPackage：地块、审查发现、审查决定、参考图层版本），导入时保留来源；审查发现导出为 GeoJSON 或 Shapefile（GBK，附 .cpg）。',
  options: { parcels: { type: 'string' }, out: { type: 'string' }, department: { type: 'string' } },
  positionals: [2, 3],
  async run([sub, projectPath, pkgPath], values, io) {
    if (sub !== 'export' && sub !== 'import' && sub !== 'findings') {
      throw new UserInputError('cli.package-sub', `未知的子命令“${sub}”，可用：export、import、findings。\n用法：${USAGE}`, `Unknown subcommand "${sub}" (export, import, findings).`);
    }
    requireExistingProject(projectPath);
    if (sub === 'import') {
      if (!pkgPath) throw new UserInputError('cli.package-file', `缺少审查包文件。\n用法：${USAGE}`, 'Missing the package file.');
      if (!existsSync(pkgPath)) throw new UserInputError('cli.package-missing', `审查包文件“${pkgPath}”不存在。`, `Package "${pkgPath}" does not exist.`);
      const store = ProjectStore.open(projectPath);
      try {
        const result = importPackage(store, pkgPath);
        io.out(`已导入审查包 ${basename(pkgPath)}（来源：${result.provenance.department}，导出于 ${result.provenance.exportedAt}）：${result.parcels} 宗地块 → 图层 ${result.layers.join('、')}；审查决定 ${result.decisions} 份。\n`);
      } finally {
        store.close();
      }
      return;
    }
    if (pkgPath) throw new UserInputError('cli.usage', `参数个数不对。\n用法：${USAGE}`, 'Too many arguments.');
    if (sub === 'export') {
      const out = requireOutPath(values.out, ['.gpkg']);
      requireNewFile(out);
      const store = ProjectStore.open(projectPath);
      try {
        // unknown ids are refused before anything is created
        const parcels = resolveParcels(new ReviewStore(store), values.parcels);
        const result = writePackageFile(store, out, { parcels, department: values.department as string | undefined });
        io.out(`已导出审查包 ${out}：${result.parcels} 宗地块，审查决定 ${result.decisions} 份，参考图层 ${result.layers} 个。\n`);
      } finally {
        store.close();
      }
      return;
    }
    const out = requireOutPath(values.out, ['.geojson', '.json', '.shp']);
    const store = ProjectStore.open(projectPath);
    try {
      const { count } = writeFindingsFile(store, resolveParcels(new ReviewStore(store), values.parcels), out);
      io.out(`已导出 ${count} 条审查发现到 ${out}。\n`);
    } finally {
      store.close();
    }
  },
};
