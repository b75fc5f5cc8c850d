import { COMMANDS } from './commands/index';

/** The usage of every command (each one's module is loaded for it). */
export async function usageText(): Promise<string> {
  const specs = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const lines = specs.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    'LandGate 地块准入审查 — 命令行',
    '',
    '用法：',
    ...lines,
    '',
    '退出码：0 成功（无论审查结论如何）；2 输入或用法错误（不写入任何文件）；1 内部错误。',
    '',
  ].join('\n');
}

/** Usage and summary of one command (`landgate <command> --help`). */
export async function commandUsageText(command: string): Promise<string> {
  const spec = await COMMANDS[command]();
  return [`用法：${spec.usage}`, '', spec.summary, ''].join('\n');
}
