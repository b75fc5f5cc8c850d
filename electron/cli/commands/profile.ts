/**
 * `landgate profile <project.gpkg> list|show|copy|import|export …`: rule profiles as data. Built-in
 * profiles (data/profiles) are read-only; copies and imports are stored in the project
 * (landgate_profiles), so the project stays one portable file and its checks can name them.
 */
import { existsSync } from 'node:fs';
import { UserInputError } from '../../../shared/model/errors';
import { ruleById } from '../../../shared/rules/catalogue';
import type { Profile } from '../../../shared/rules/profile';
import { copyProfile, importProfileFile, listAllProfiles, resolveProfile } from '../../services/profiles';
import { ProjectStore } from '../../services/project-store';
import { requireExistingProject, writeOutput } from './util';
import type { CommandSpec } from './types';

const SUBCOMMANDS = ['list', 'show', 'copy', 'import', 'export'] as const;

export const profileCommand: CommandSpec = {
  usage:
    'landgate profile <project.gpkg> list | show <id> | copy <id> <new-id> [--name 名称] | import <profile.json> | export <id> --out <file.json>',
  summary: '审查规则配置：列出、查看、复制为项目配置（可改名、改参数）、从文件导入、导出为文件；项目配置随项目文件保存。',
  options: {
    name: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
  },
  positionals: [2, 4],
  async run([projectPath, sub, arg1, arg2], values, io) {
    requireExistingProject(projectPath);
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UserInputError('cli.profile-sub', `未知的子命令“${sub}”，可用：${SUBCOMMANDS.join('、')}。`, `Unknown subcommand "${sub}" (${SUBCOMMANDS.join(', ')}).`);
    }
    const need = (value: string | undefined, what: string, en: string): string => {
      if (!value) throw new UserInputError('cli.profile-arg', `缺少${what}：landgate profile ${projectPath} ${sub} …`, `Missing ${en}.`);
      return value;
    };
    const readOnly = sub === 'list' || sub === 'show' || sub === 'export';
    const store = ProjectStore.open(projectPath, { readonly: readOnly });
    try {
      if (sub === 'list') {
        const entries = listAllProfiles(store);
        if (values.format === 'json') {
          writeOutput(`${JSON.stringify(entries.map((e) => ({ id: e.profile.id, name: e.profile.name, version: e.profile.version, source: e.source, basedOn: e.profile.basedOn ?? null, rules: e.profile.rules.length })), null, 2)}\n`, undefined, io);
        } else {
          const lines = entries.map((e) => `${e.profile.id.padEnd(22)} ${e.source === 'builtin' ? '内置' : '项目'}  版本 ${e.profile.version.padEnd(8)} ${e.profile.name}${e.profile.basedOn ? `（基于 ${e.profile.basedOn}）` : ''}  ${e.profile.rules.length} 条规则`);
          writeOutput(`${lines.join('\n')}\n`, undefined, io);
        }
      } else if (sub === 'show') {
        const profile = resolveProfile(need(arg1, '配置 id', 'profile id'), store);
        if (values.format === 'text') writeOutput(describeProfile(profile), undefined, io);
        else writeOutput(`${JSON.stringify(profile, null, 2)}\n`, undefined, io);
      } else if (sub === 'copy') {
        const from = need(arg1, '要复制的配置 id', 'source profile id');
        const to = need(arg2, '新配置 id', 'new profile id');
        const copy = copyProfile(store, from, to, typeof values.name === 'string' ? values.name : undefined);
        io.err(`已复制 ${from} → ${copy.id}（${copy.name}，版本 ${copy.version}），保存在项目中。\n`);
      } else if (sub === 'import') {
        const file = need(arg1, '配置文件', 'profile file');
        if (!existsSync(file)) throw new UserInputError('profile.read', `找不到审查规则配置文件“${file}”。`, `No such profile file "${file}".`);
        const profile = importProfileFile(store, file);
        io.err(`已导入 ${profile.id}（${profile.name}，版本 ${profile.version}），保存在项目中。\n`);
      } else {
        const profile = resolveProfile(need(arg1, '配置 id', 'profile id'), store);
        if (typeof values.out !== 'string') throw new UserInputError('cli.out-missing', '缺少 --out <文件.json>。', 'Missing --out <file.json>.');
        writeOutput(`${JSON.stringify({ $schema: './profile.schema.json', ...profile }, null, 2)}\n`, values.out, io);
        io.err(`已导出 ${profile.id} 到 ${values.out}。\n`);
      }
    } finally {
      store.close();
    }
  },
};

function describeProfile(p: Profile): string {
  const lines = [`${p.name}（${p.id}） 版本 ${p.version}${p.basedOn ? `，基于 ${p.basedOn}` : ''}`];
  if (p.description) lines.push(p.description);
  lines.push('启用的规则：');
  for (const rule of p.rules) lines.push(`  ${rule}  ${ruleById(rule).titleZh}`);
  lines.push('参数：');
  for (const [key, value] of Object.entries(p.parameters)) lines.push(`  ${key} = ${JSON.stringify(value)}`);
  return `${lines.join('\n')}\n`;
}
