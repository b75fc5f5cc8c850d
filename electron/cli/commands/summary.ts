import { basename } from 'node:path';
import { ProjectStore } from '../../services/project-store';
import { requireOutPath, writeFileAtomically } from '../../services/reports/output';
import { buildMonthlySummary } from '../../services/reports/summary';
import { ReviewStore } from '../../services/review/review-store';
import { UserInputError } from '../../../shared/model/errors';
import { isMonth } from '../../../shared/review/model';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const summaryCommand: CommandSpec = {
  usage: 'landgate summary <project.gpkg> --month YYYY-MM --out <file.xlsx> [--authority <填报单位>]',
  summary: '生成当月重点建设用地安全利用情况汇总调度表（XLSX：汇总调度表、最近一次全域筛查、重叠明细）。',
  options: { month: { type: 'string' }, out: { type: 'string' }, authority: { type: 'string' } },
  positionals: [1, 1],
  async run([projectPath], values, io) {
    requireExistingProject(projectPath);
    if (!isMonth(values.month)) {
      throw new UserInputError('cli.month', `缺少或无效的 --month “${values.month ?? ''}”，应为 YYYY-MM，例如 2026-11。`, `Missing or invalid --month "${values.month ?? ''}".`);
    }
    const out = requireOutPath(values.out, ['.xlsx']);
    const store = ProjectStore.open(projectPath);
    try {
      const { bytes, rows } = await buildMonthlySummary(store, { month: values.month, authority: values.authority as string | undefined });
      writeFileAtomically(out, bytes);
      new ReviewStore(store).recordExport({ format: 'monthly-summary-xlsx', file: basename(out), month: values.month, rows });
      io.err(`已生成 ${values.month} 汇总调度表（${rows} 宗地块）：${out}\n`);
    } finally {
      store.close();
    }
  },
};
