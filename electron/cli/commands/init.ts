import { basename } from 'node:path';
import { ProjectStore } from '../../services/project-store';
import { PROJECT_ROLE_LABEL_ZH, PROJECT_ROLE_RIGHTS_ZH } from '../../services/store/roles';
import { createAtomically, isProjectUrl, projectName, requireGpkgName, requireNewFile } from './util';
import type { CommandSpec } from './types';

export const initCommand: CommandSpec = {
  usage: 'landgate init <project.gpkg | postgresql://用户@主机/数据库?schema=项目名> [--title <名称>]',
  summary: '新建空项目：GeoPackage 文件，或数据库中的共享项目（PostgreSQL/PostGIS，同时创建项目的数据库角色）。',
  options: { title: { type: 'string' } },
  positionals: [1, 1],
  async run([target], values, io) {
    if (isProjectUrl(target)) {
      // The schema, its roles and the first audit entry in one transaction: all of it, or nothing.
      const store = ProjectStore.create(target, { title: typeof values.title === 'string' ? values.title : undefined });
      try {
        const login = store.db.actingUser();
        io.out(`已新建共享项目 ${projectName(target)}（数据库模式 ${store.db.sharedSchema}，创建者 ${login}）。\n项目的数据库角色：\n`);
        for (const { role, name } of store.roles.list()) io.out(`  ${name}\t${PROJECT_ROLE_LABEL_ZH[role]}：${PROJECT_ROLE_RIGHTS_ZH[role]}\n`);
        io.out(`用 landgate role "${projectName(target)}" <登录名> planner|reviewer|admin|readonly 授予使用者角色。\n`);
      } finally {
        store.close();
      }
      return;
    }
    requireGpkgName(target);
    requireNewFile(target);
    const title = typeof values.title === 'string' ? values.title : basename(target, '.gpkg');
    createAtomically(target, (tmp) => ProjectStore.create(tmp, { title }).close());
    io.out(`已新建项目 ${target}。\n`);
  },
};
