/**
 * Runs one corpus case through the real `landgate` command in this process (the same `main` the
 * CLI runs) on a fresh copy of a project, and judges it: exit 0 or 2, no internal error or stack
 * trace, a refusal leaves the project byte-identical, and the case stays within its time and
 * memory budget.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { main } from '../../electron/cli/main';
import type { FuzzCase } from './corpus';

/** Per case: generous for a loaded 2-core machine; the inputs are a few KB to a few MB. */
export const CASE_TIME_BUDGET_MS = 30_000;
export const CASE_RSS_BUDGET_MB = 1536;

export type Outcome = 'imported' | 'refused' | 'FAILED';

export interface CaseResult {
  name: string;
  format: string;
  outcome: Outcome;
  code: number;
  ms: number;
  rssMb: number;
  problems: string[];
  stderr: string;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export async function runCase(c: FuzzCase, template: string, project: string): Promise<CaseResult> {
  copyFileSync(template, project);
  const before = sha(project);
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const argv = c.command === 'bands' ? ['bands', project, '--dem', c.file, ...c.args] : ['import', project, c.file, ...c.args];
  const start = performance.now();
  let code: number;
  try {
    code = await main(argv, io);
  } catch (error) {
    code = -1;
    err += `threw: ${(error as Error)?.stack ?? error}`;
  }
  const ms = performance.now() - start;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  const problems: string[] = [];
  if (code !== 0 && code !== 2) problems.push(`exit ${code}`);
  if (/内部错误|internal error/.test(err)) problems.push('internal error');
  if (/\n\s+at .+:\d+:\d+/.test(err + out)) problems.push('stack trace');
  if (code === 2 && !/^错误：.+\nerror: .+/s.test(err)) problems.push('refusal without a zh + en message');
  if (code !== 0 && sha(project) !== before) problems.push('project changed by a refusal');
  if (ms > CASE_TIME_BUDGET_MS) problems.push(`took ${Math.round(ms)} ms`);
  if (rssMb > CASE_RSS_BUDGET_MB) problems.push(`RSS ${Math.round(rssMb)} MB`);
  return { name: c.name, format: c.format, outcome: problems.length ? 'FAILED' : code === 0 ? 'imported' : 'refused', code, ms, rssMb, problems, stderr: err };
}
