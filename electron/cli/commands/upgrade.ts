import { UserInputError } from '../../../shared/model/errors';
import { ProjectStore, SCHEMA_VERSION } from '../../services/project-store';
import { requireExistingProject } from './util';
import type { CommandSpec } from './types';

/**
 * Opening a project for writing upgrades an older schema (store/migrations.ts); this command does
 * only that, so an administrator can upgrade a shared project before the others use it, without
 * changing anything else. A login that may not upgrade a shared schema is told so (exit 2).
 */
export const upgradeCommand: CommandSpec = {
  usage: 'landgate upgrade <project.gpkg|postgresql://…>',
  summary: '把较早版本 LandGate 的项目升级到本程序的数据版本（一次事务，记入审计日志）；共享项目只能由项目管理员或数据库模式所有者升级。',
  options: {},
  positionals: [1, 1],
  async run([projectPath], _values, io) {
    requireExistingProject(projectPath);
    const store = ProjectStore.open(projectPath);
    try {
      const version = Number(store.getMeta('schemaVersion'));
      if (version < SCHEMA_VERSION) {
        throw new UserInputError(
          'project.pg-upgrade-needed',
          `共享项目“${projectPath}”仍为数据版本 ${version}：登录 ${store.db.actingUser()} 无权升级它（需要项目管理员角色或数据库模式所有者）。项目照常可用，升级请由项目管理员执行 landgate upgrade；未作任何改动。`,
          `The shared project ${projectPath} stays at schema ${version}: login ${store.db.actingUser()} may not upgrade it. Nothing was changed.`,
        );
      }
      const upgrade = store.schemaUpgrade;
      if (upgrade) io.out(`项目“${store.db.fileName}”已从数据版本 ${upgrade.from} 升级到 ${upgrade.to}（已记入审计日志）：\n${upgrade.steps.map((s) => `  ${s}\n`).join('')}`);
      else io.out(`项目“${store.db.fileName}”已是数据版本 ${SCHEMA_VERSION}，无需升级。\n`);
    } finally {
      store.close();
    }
  },
};
