import { ProjectStore } from '../../services/project-store';
import { chinaYear, formatDocumentNumber } from '../../../shared/review/document-number';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const settingsCommand: CommandSpec = {
  usage: "landgate settings <project.gpkg> [--authority <出具机关>] [--doc-number '<文书编号规则，如 夏自然资准〔{年}〕{号}号>']",
  summary: '项目设置：审查意见书的出具机关与文书编号规则（{年} 为出具年份，{号} 为当年顺序号，{号:3} 补足三位）；不带选项时显示当前设置。',
  options: { authority: { type: 'string' }, 'doc-number': { type: 'string' } },
  positionals: [1, 1],
  async run([projectPath], values, io) {
    requireExistingProject(projectPath);
    const authority = typeof values.authority === 'string' ? values.authority : undefined;
    const pattern = typeof values['doc-number'] === 'string' ? values['doc-number'] : undefined;
    const store = ProjectStore.open(projectPath, { readonly: authority === undefined && pattern === undefined });
    try {
      if (authority !== undefined || pattern !== undefined) store.documentNumbers.setSettings({ authority, pattern });
      const current = store.documentNumbers.pattern();
      const year = chinaYear(new Date().toISOString());
      io.out(`出具机关：${store.getMeta('authority') ?? `（未设置，用项目名称“${store.title()}”）`}\n`);
      io.out(`文书编号规则：${current}（例：${formatDocumentNumber(current, year, 9)}）\n`);
    } finally {
      store.close();
    }
  },
};
