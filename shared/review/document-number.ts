/**
 * 文书编号: the number a bureau gives each 审查意见书 it issues, after its own pattern, e.g.
 * 夏自然资准〔2026〕9号 — {年} the year of issue, {号} that year's sequence number (1, 2, …; {号:3}
 * pads it to three digits: 009). Set per project/authority (`landgate settings --doc-number`).
 */

/** Until a bureau sets its own. */
export const DEFAULT_DOCUMENT_NUMBER_PATTERN = '准入审〔{年}〕{号}号';

const TOKEN = /\{(年|号)(?::(\d))?\}/g;

/** Why a pattern cannot number documents (Chinese, for the user), or null when it can. */
export function documentNumberPatternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return '编号规则不能为空';
  if (pattern.length > 60) return '编号规则过长（最多 60 个字符）';
  const tokens = [...pattern.matchAll(TOKEN)].map((m) => m[1]);
  if (!tokens.includes('号')) return '编号规则须含 {号}（当年的顺序号）';
  if (tokens.filter((t) => t === '号').length > 1) return '编号规则只能含一个 {号}';
  const stray = pattern.replace(TOKEN, '').match(/[{}]/);
  if (stray) return '编号规则中只能用 {年}、{号} 或 {号:位数}（如 {号:3}）';
  return null;
}

export function formatDocumentNumber(pattern: string, year: number, sequence: number): string {
  return pattern.replace(TOKEN, (_, token: string, width?: string) => {
    if (token === '年') return String(year);
    return width ? String(sequence).padStart(Number(width), '0') : String(sequence);
  });
}

/** Local date and time in China (UTC+8, no daylight saving): a bureau's documents carry its own clock. */
export function chinaTime(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const local = new Date(t + 8 * 3600_000).toISOString();
  return withTime ? `${local.slice(0, 10)} ${local.slice(11, 16)}` : local.slice(0, 10);
}

/** The year of issue in China (an opinion issued 31 December 23:30 UTC is numbered in the next year). */
export function chinaYear(iso: string): number {
  return new Date(Date.parse(iso) + 8 * 3600_000).getUTCFullYear();
}
