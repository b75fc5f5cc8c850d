import { UserInputError } from '../../../shared/model/errors';
import { ProjectStore } from '../../services/project-store';
import { parseProjectRole, PROJECT_ROLE_LABEL_ZH, PROJECT_ROLE_RIGHTS_ZH, PROJECT_ROLES } from '../../services/store/roles';
import { projectName, requireExistingProject } from './util';
import type { CommandSpec } from './types';

const USAGE =
  'landgate role <postgresql://…?schema=项目名>                                  （列出项目角色及其登录）\n' +
  '       landgate role <postgresql://…?schema=项目名> <登录名> planner|reviewer|admin|readonly [--revoke]';

const roleChoices = PROJECT_ROLES.map((r) => `${r}（${PROJECT_ROLE_LABEL_ZH[r]}）`).join('、');

export const roleCommand: CommandSpec = {
  usage: USAGE,
  summary: '共享项目的使用者权限：把数据库登录加入项目角色（经办 planner、审查 reviewer、管理员 admin、只读 readonly）或用 --revoke 撤销；由数据库执行，记入审计日志。不带登录名时列出各角色的登录。',
  options: { revoke: { type: 'boolean' } },
  positionals: [1, 3],
  async run([projectPath, login, roleText], values, io) {
    if (login !== undefined && roleText === undefined) {
      throw new UserInputError('cli.usage', `缺少角色：请给出 ${roleChoices} 之一。\n用法：${USAGE}`, 'Missing the role (planner, reviewer, admin, readonly).');
    }
    if (login === undefined && values.revoke) {
      throw new UserInputError('cli.usage', `--revoke 须与登录名和角色一起给出。\n用法：${USAGE}`, '--revoke needs a login and a role.');
    }
    const role = roleText === undefined ? null : parseProjectRole(roleText);
    if (roleText !== undefined && role === null) {
      throw new UserInputError('cli.role', `角色“${roleText}”无效，可用：${roleChoices}。`, `Unknown role "${roleText}" (planner, reviewer, admin, readonly).`);
    }
    if (login !== undefined && (login.trim() === '' || login.length > 63 || /[\u0000-\u001f\u007f]/.test(login))) {
      throw new UserInputError('cli.login', `登录名“${login.slice(0, 63)}”无效：不能为空、不超过 63 个字符、不含控制字符。`, `Invalid login name "${login.slice(0, 63)}".`);
    }
    requireExistingProject(projectPath);
    const store = ProjectStore.open(projectPath, { readonly: login === undefined });
    try {
      if (login === undefined || role === null) {
        for (const { role: r, name, members } of store.roles.list()) {
          io.out(`${name}\t${PROJECT_ROLE_LABEL_ZH[r]}（${PROJECT_ROLE_RIGHTS_ZH[r]}）\t${members.length ? members.join('、') : '（无）'}\n`);
        }
        return;
      }
      const name = store.roles.list().find((r) => r.role === role)!.name;
      if (values.revoke) {
        const changed = store.roles.revoke(login, role);
        io.out(changed ? `已撤销登录 ${login} 在共享项目 ${projectName(projectPath)} 中的角色 ${name}（${PROJECT_ROLE_LABEL_ZH[role]}）。\n` : `登录 ${login} 本来就没有角色 ${name}（${PROJECT_ROLE_LABEL_ZH[role]}），未作改动。\n`);
      } else {
        const changed = store.roles.grant(login, role);
        io.out(changed ? `已授予登录 ${login} 共享项目 ${projectName(projectPath)} 的角色 ${name}（${PROJECT_ROLE_LABEL_ZH[role]}：${PROJECT_ROLE_RIGHTS_ZH[role]}）。\n` : `登录 ${login} 已有角色 ${name}（${PROJECT_ROLE_LABEL_ZH[role]}），未作改动。\n`);
      }
    } finally {
      store.close();
    }
  },
};
