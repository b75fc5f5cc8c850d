import { ProjectStore } from '../../services/project-store';
import { requireOutPath, writeFileAtomically } from '../../services/reports/output';
import { auditReviewPdf, buildReviewPdf } from '../../services/reports/review-report';
import { UserInputError } from '../../../shared/model/errors';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const reportCommand: CommandSpec = {
  usage: 'landgate report <project.gpkg> --parcel <地块编号> --out <file.pdf> [--table <报件图层>] [--authority <出具机关>] [--basemap <底图编号>]',
  summary: '出具地块的审查意见书（PDF，A4，含叠加分析图、重叠分析表、审查发现、准入条件、审查决定与签发、参考数据版本、界址点成果表）；--basemap 以项目中的栅格离线底图（landgate basemap list 所列编号）代替地形晕渲作为叠加分析图的底图。',
  options: { parcel: { type: 'string' }, out: { type: 'string' }, table: { type: 'string' }, authority: { type: 'string' }, basemap: { type: 'string' } },
  positionals: [1, 1],
  async run([projectPath], values, io) {
    requireExistingProject(projectPath);
    if (typeof values.parcel !== 'string' || values.parcel.trim() === '') {
      throw new UserInputError('cli.parcel-missing', '缺少 --parcel（地块编号）。', 'Missing --parcel.');
    }
    const out = requireOutPath(values.out, ['.pdf']);
    const store = ProjectStore.open(projectPath);
    try {
      const parcelId = values.parcel.trim();
      const basemap = typeof values.basemap === 'string' && values.basemap.trim() !== '' ? values.basemap.trim() : undefined;
      const { bytes, table } = await buildReviewPdf(store, { parcelId, table: values.table as string | undefined, authority: values.authority as string | undefined, basemap });
      writeFileAtomically(out, bytes);
      auditReviewPdf(store, { table, parcelId, file: out, bytes: bytes.length });
      io.err(`已出具地块 ${parcelId} 的审查意见书：${out}\n`);
    } finally {
      store.close();
    }
  },
};
