/**
 * The layer rules of architecture.md as data, and the tiny checker that applies them. The test in
 * tests/unit/architecture.test.ts fails with the list of offending imports.
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface LayerRule {
  /** Folder (relative to the repo root) the rule applies to. */
  folder: string;
  why: string;
  /** Repo folders this layer must not import from. */
  forbiddenFolders?: string[];
  /** Package names (exact or prefix followed by '/') it must not import. */
  forbiddenPackages?: string[];
  forbidNodeBuiltins?: boolean;
  /** Source patterns forbidden in the folder, except in the listed files. */
  forbiddenPatterns?: { pattern: RegExp; label: string; exceptIn?: string[] }[];
}

export const LAYER_RULES: LayerRule[] = [
  {
    folder: 'shared',
    why: 'shared/ is pure: it runs unchanged in Node, in the renderer and in workers',
    forbiddenFolders: ['electron', 'renderer'],
    forbiddenPackages: ['electron', 'react', 'react-dom', 'maplibre-gl', 'better-sqlite3'],
    forbidNodeBuiltins: true,
    forbiddenPatterns: [
      { pattern: /\b(window|document|localStorage|sessionStorage|navigator)\s*\./, label: 'DOM global' },
      { pattern: /\bBuffer\s*\./, label: 'Node Buffer' },
      { pattern: /\bprocess\s*\.\s*(env|argv|cwd|exit)/, label: 'Node process' },
    ],
  },
  {
    folder: 'renderer',
    why: 'the renderer reaches the Node side only through renderer/platform/api.ts',
    forbiddenFolders: ['electron'],
    forbiddenPackages: ['electron', 'better-sqlite3'],
    forbidNodeBuiltins: true,
    forbiddenPatterns: [
      { pattern: /\bfetch\s*\(/, label: 'fetch (API calls belong in platform/api.ts)', exceptIn: ['renderer/platform/api.ts'] },
      { pattern: /window\s*\.\s*landgate|PRELOAD_GLOBAL/, label: 'the preload bridge', exceptIn: ['renderer/platform/api.ts'] },
    ],
  },
  {
    folder: 'electron/services',
    why: 'services never import electron, so the CLI and the browser-mode host can use them',
    forbiddenPackages: ['electron'],
  },
  {
    folder: 'electron',
    why: 'only repositories touch the SQLite connection of a project: every read and write goes through a repository and its transaction',
    forbiddenPatterns: [
      {
        pattern: /store\/internal['"]|better-sqlite3['"]/,
        label: 'the project connection (store/internal) or better-sqlite3',
        exceptIn: [
          // the repositories of a project file
          'electron/services/store/',
          'electron/services/review/review-store.ts',
          'electron/services/terrain/dem-store.ts',
          'electron/services/terrain/basemaps.ts',
          // the exchange package: its own tables in a GeoPackage LandGate writes
          'electron/services/reports/review-package.ts',
          // reading a GeoPackage the user imports (a source file, not a project)
          'electron/services/importers/gpkg.ts',
        ],
      },
    ],
  },
];

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const IMPORT_PATTERN = /(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

export function importSpecifiers(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return [...withoutComments.matchAll(IMPORT_PATTERN)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
}

function listSources(dir: string): string[] {
  let files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files = files.concat(listSources(path));
    else if (SOURCE_EXTENSIONS.some((ext) => entry.endsWith(ext))) files.push(path);
  }
  return files;
}

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const packageMatches = (spec: string, pkg: string) => spec === pkg || spec.startsWith(`${pkg}/`);

/** Violations of one file's text against one rule; `file` is repo-relative with '/' separators. */
export function checkSource(root: string, file: string, source: string, rule: LayerRule): string[] {
  const violations: string[] = [];
  for (const spec of importSpecifiers(source)) {
    if (rule.forbidNodeBuiltins && isBuiltin(spec)) violations.push(`${file}: imports Node built-in '${spec}' (${rule.why})`);
    for (const pkg of rule.forbiddenPackages ?? []) {
      if (packageMatches(spec, pkg)) violations.push(`${file}: imports '${spec}' (${rule.why})`);
    }
    if (spec.startsWith('.')) {
      const target = relative(root, resolve(root, dirname(file), spec)).split(sep).join('/');
      for (const folder of rule.forbiddenFolders ?? []) {
        if (target === folder || target.startsWith(`${folder}/`)) violations.push(`${file}: imports '${spec}' from ${folder}/ (${rule.why})`);
      }
    }
  }
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  for (const { pattern, label, exceptIn } of rule.forbiddenPatterns ?? []) {
    // an entry ending in '/' excepts a whole folder
    if (exceptIn?.some((except) => (except.endsWith('/') ? file.startsWith(except) : file === except))) continue;
    if (pattern.test(code)) violations.push(`${file}: uses ${label} (${rule.why})`);
  }
  return violations;
}

export function checkLayerRules(root: string, rules: LayerRule[] = LAYER_RULES): string[] {
  const violations: string[] = [];
  for (const rule of rules) {
    for (const path of listSources(join(root, rule.folder))) {
      const file = relative(root, path).split(sep).join('/');
      violations.push(...checkSource(root, file, readFileSync(path, 'utf8'), rule));
    }
  }
  return violations;
}
