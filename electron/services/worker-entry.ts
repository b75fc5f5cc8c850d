/**
 * Where a worker thread's code comes from, for the batch check (check.worker.ts) and UI imports
 * (importers/import-worker.ts):
 *
 * - the desktop build: scripts/build.mjs bundles each worker next to dist/electron/main.mjs. The
 *   check worker is self-contained and unpacked from the asar (electron-builder.yml), so it loads
 *   as a plain file; the import worker keeps better-sqlite3 external (a native addon found through
 *   node_modules), so it stays inside the asar, where Electron resolves node_modules for workers.
 * - from source (CLI, browser mode, tests): the TypeScript file, run through tsx's loader.
 *
 * null when neither exists: the caller then does the work in its own thread.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export type WorkerEntry = { kind: 'bundled'; path: string } | { kind: 'source'; url: URL };

export interface WorkerFiles {
  /** The bundled file's name next to the bundled main (e.g. check.worker.mjs). */
  bundled: string;
  /** The TypeScript source next to the module asking (e.g. ./check.worker.ts). */
  source: string;
  /** The bundled file is unpacked from app.asar (it needs no node_modules). */
  unpacked?: boolean;
}

/** The worker for `files`, looked up next to `base` (the asking module's import.meta.url). */
export function workerEntry(base: string, files: WorkerFiles): WorkerEntry | null {
  const bundled = new URL(`./${files.bundled}`, base);
  if (bundled.protocol === 'file:') {
    let path = fileURLToPath(bundled);
    if (files.unpacked) path = path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
    if (existsSync(path)) return { kind: 'bundled', path };
  }
  const source = new URL(files.source, base);
  if (source.protocol === 'file:' && existsSync(fileURLToPath(source)) && tsxLoader() !== null) return { kind: 'source', url: source };
  return null;
}

/**
 * Starts a worker. From source, `execArgv: ['--import', tsx]` does not reach a worker's own entry
 * module on Node 20 (ERR_UNKNOWN_FILE_EXTENSION), so the worker starts from a two-line bootstrap
 * that registers tsx's loader and then imports the TypeScript entry; a failure there ends the
 * worker with exit code 70 before it has said anything, which callers treat as "cannot start".
 */
export function startWorker(entry: WorkerEntry, options: WorkerOptions = {}): Worker {
  if (entry.kind === 'bundled') return new Worker(entry.path, options);
  const bootstrap = `import(${JSON.stringify(tsxLoader())}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry.url.href)}); }).catch((e) => { console.error(e); process.exit(70); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

let loader: string | null | undefined;
/** file: URL of tsx's ESM register API, resolved from this package (not the cwd). */
function tsxLoader(): string | null {
  if (loader === undefined) {
    try {
      // The ESM build of tsx's API (the `import` condition of "tsx/esm/api"); require.resolve
      // would pick the CommonJS one, which cannot register the ESM hooks from a worker.
      const root = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
      const api = join(root, 'dist', 'esm', 'api', 'index.mjs');
      loader = existsSync(api) ? pathToFileURL(api).href : null;
    } catch {
      loader = null;
    }
  }
  return loader;
}
