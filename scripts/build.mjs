// Builds what the app runs: the renderer (Vite → dist/renderer) and the Electron main process and
// preload (esbuild → dist/electron). The CLI and browser-mode host need no build (tsx runs them),
// but browser mode serves dist/renderer.
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // 'renderer' | 'electron' | undefined (both)

if (!only || only === 'renderer') {
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log('built dist/renderer');
}

if (!only || only === 'electron') {
  // Modules bundled into the CommonJS workers fall back to __filename where import.meta is empty.
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root, logOverride: { 'empty-import-meta': 'silent' } };
  // Main process as ESM so `import.meta.url` (used to find the app root) keeps working; native and
  // large packages stay external and load from node_modules.
  await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/main/main.ts')],
    outfile: join(root, 'dist/electron/main.mjs'),
    format: 'esm',
    packages: 'external',
  });
  // The batch-check worker (全部审查) next to main.mjs, with its dependencies inlined: a worker
  // thread's entry is loaded from app.asar.unpacked, where node_modules cannot be resolved.
  await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/check.worker.ts')],
    outfile: join(root, 'dist/electron/check.worker.mjs'),
    format: 'esm',
  });
  // The UI import's worker next to main.mjs (electron/services/worker-entry.ts): CommonJS, with
  // better-sqlite3 left to node_modules (a native addon), so it stays inside the asar.
  await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/importers/import-worker.ts')],
    outfile: join(root, 'dist/electron/import.worker.cjs'),
    format: 'cjs',
    external: ['better-sqlite3'],
  });
  // The check service's worker (the reference index of the open project), like the import worker:
  // it opens the project itself, so better-sqlite3 stays in node_modules.
  await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/check/check-host.worker.ts')],
    outfile: join(root, 'dist/electron/check-host.worker.cjs'),
    format: 'cjs',
    external: ['better-sqlite3'],
  });
  // The PostgreSQL connection's worker (store/postgres/pg-bridge.ts) for shared projects: pure
  // JavaScript, inlined; pg's optional native binding is never used.
  await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/store/postgres/pg-bridge.worker.ts')],
    outfile: join(root, 'dist/electron/pg-bridge.worker.cjs'),
    format: 'cjs',
    external: ['pg-native'],
  });
  // A sandboxed preload must be a single CommonJS file that requires nothing but 'electron'.
  await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/preload/preload.ts')],
    outfile: join(root, 'dist/electron/preload.cjs'),
    format: 'cjs',
    external: ['electron'],
  });
  console.log('built dist/electron');
}
