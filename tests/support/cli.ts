import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const sharedData = join(repoRoot, '..', 'shared', 'data');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `landgate` command as a user would. */
export function landgate(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliResult {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'landgate.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, LANDGATE_DEBUG: '', ...options.env },
    timeout: 120_000,
    // a sweep's JSON on stdout runs to megabytes (spawnSync's default would kill the command at 1 MB)
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `ogrinfo -so -al` per layer: name → { featureCount, geometry }. */
export function ogrLayers(path: string): Map<string, { featureCount: number; geometry: string }> {
  const result = spawnSync('ogrinfo', ['-ro', '-so', '-al', path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ogrinfo failed: ${result.stderr}`);
  const layers = new Map<string, { featureCount: number; geometry: string }>();
  for (const block of result.stdout.split(/\n(?=Layer name: )/)) {
    const name = /^Layer name: (.+)$/m.exec(block)?.[1];
    if (!name) continue;
    layers.set(name.trim(), {
      featureCount: Number(/^Feature Count: (\d+)/m.exec(block)?.[1] ?? NaN),
      geometry: /^Geometry: (.+)$/m.exec(block)?.[1]?.trim() ?? 'None',
    });
  }
  return layers;
}

/** A refusal as the user sees it: exit 2, the Chinese message, the English log line, no stack trace. */
export function expectCliRefusal(result: CliResult, zh: RegExp | string): void {
  expect(result.status, result.stderr + result.stdout).toBe(2);
  expect(result.stderr).toMatch(/^错误：/);
  if (typeof zh === 'string') expect(result.stderr).toContain(zh);
  else expect(result.stderr).toMatch(zh);
  expect(result.stderr).toMatch(/\nerror: /);
  expect(result.stderr).not.toMatch(/内部错误|internal error|\n\s+at /);
}
