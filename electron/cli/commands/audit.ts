import { UserInputError } from '../../../shared/model/errors';
import { auditActor, auditSentence } from '../../../shared/review/audit-sentence';
import { profileNames } from '../../services/profiles';
import { ProjectStore } from '../../services/project-store';
import { ReviewStore } from '../../services/review/review-store';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

/** Beijing time whatever the machine's zone: the bureaus' clocks, not a server's. */
const beijing = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
};

export const auditCommand: CommandSpec = {
  usage:
    'landgate audit <project.gpkg | postgresql://…?schema=项目名> [--table 报件图层 --parcel 地块编号] [--format text|json]\n' +
    '       landgate audit <project.gpkg | postgresql://…> --display-name 显示名    （设置当前账户（共享项目：数据库登录）在审计日志中的显示名，空串清除）',
  summary: '按时间列出审计日志（谁在何时做了什么）并校验其完整性；或设置当前账户的显示名。',
  options: {
    table: { type: 'string' },
    parcel: { type: 'string' },
    format: { type: 'string' },
    'display-name': { type: 'string' },
  },
  positionals: [1, 1],
  async run([projectPath], values, io) {
    requireExistingProject(projectPath);
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UserInputError('cli.format', `--format 只能是 text 或 json，不能是“${String(format)}”。`, `--format must be text or json.`);
    if (typeof values['display-name'] === 'string') {
      const store = ProjectStore.open(projectPath);
      try {
        store.audit.setDisplayName(values['display-name']);
        const account = store.db.actingUser();
        const name = store.audit.displayNames()[account];
        io.out(name ? `账户 ${account} 的显示名已设为“${name}”。\n` : `账户 ${account} 的显示名已清除。\n`);
      } finally {
        store.close();
      }
      return;
    }
    if (values.parcel !== undefined && typeof values.table !== 'string') {
      throw new UserInputError('cli.audit-table', '--parcel 须与 --table（报件图层）一起给出。', '--parcel needs --table.');
    }
    const store = ProjectStore.open(projectPath, { readonly: true });
    try {
      const review = new ReviewStore(store);
      const entries = review.auditTrail({ table: values.table as string | undefined, parcelId: values.parcel as string | undefined });
      const integrity = review.verify();
      const names = store.audit.displayNames();
      const context = { profileNames: profileNames(store) };
      if (format === 'json') {
        io.out(`${JSON.stringify({ entries: entries.map((e) => ({ ...e, actor: auditActor(e.user, names), sentence: auditSentence(e, 'zh-CN', context) })), integrity }, null, 2)}\n`);
      } else {
        for (const e of entries) io.out(`${e.seq}\t${beijing(e.at)}\t${auditActor(e.user, names)}\t${auditSentence(e, 'zh-CN', context)}\n`);
        io.out(integrity.ok ? `共 ${entries.length} 条；日志完整性校验通过。\n` : `共 ${entries.length} 条；完整性校验失败：${integrity.problems.join('；')}\n`);
      }
      return integrity.ok ? 0 : 3;
    } finally {
      store.close();
    }
  },
};
