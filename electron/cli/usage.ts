import { COMMANDS } from './commands/index';

export function usageText(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`);
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
export function commandUsageText(command: string): string {
  const spec = COMMANDS[command];
  return [`用法：${spec.usage}`, '', spec.summary, ''].join('\n');
}
