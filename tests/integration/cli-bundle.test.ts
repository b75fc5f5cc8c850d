/**
 * The CLI's bundle (dist/electron/cli.mjs, made by `npm run build`) loads a command's module only
 * when that command runs: `landgate import` must not load the vector-tile packages `serve` needs,
 * nor the PDF, spreadsheet and PostgreSQL ones (loaded only where a report, an export or a shared
 * project needs them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = join(__dirname, '..', '..');
const bundle = join(repoRoot, 'dist', 'electron', 'cli.mjs');

/** Runs `main(argv)` of the bundle in a fresh Node; its exit code, output and the CommonJS packages it loaded. */
function runBundle(argv: string[]): { code: number; out: string; packages: string[] } {
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    let out = '';
    const code = await main(${JSON.stringify(argv)}, { out: (t) => { out += t; }, err: (t) => { out += t; } });
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const packages = [...new Set(loaded.map((p) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(p)?.[1]).filter(Boolean))];
    process.stdout.write(JSON.stringify({ code, out, packages }));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { code: number; out: string; packages: string[] };
}

describe('the CLI bundle', () => {
  it('is built (npm run build)', () => {
    expect(existsSync(bundle)).toBe(true);
  });

  it('starts `import` without the packages only other commands use', () => {
    const { code, out, packages } = runBundle(['import', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('landgate import <project.gpkg>');
    expect(packages).toContain('better-sqlite3'); // the import's own
    for (const other of ['vt-pbf', 'pbf', 'pdfkit', 'exceljs', 'pg']) expect(packages).not.toContain(other);
  });

  it('still lists every command in `--help`, each loaded for it', () => {
    const { code, out, packages } = runBundle(['--help']);
    expect(code).toBe(0);
    for (const command of ['demo', 'init', 'import', 'check', 'bands', 'serve', 'report', 'sweep', 'sync', 'upgrade']) expect(out).toContain(`landgate ${command}`);
    expect(packages).toContain('vt-pbf'); // serve's, loaded with its command
  });
});
