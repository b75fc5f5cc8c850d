// Builds what the app runs: the renderer (Vite → dist/renderer) and the Electron main process and
// preload (esbuild → dist/electron). The CLI needs no build (tsx runs it from the sources), but
// it starts from its bundle, dist/electron/cli.mjs, when that is newer than every source it was
// built from (bin/landgate.js checks dist/electron/cli.inputs.json): starting through tsx costs
// more than a second of CPU before the command does anything. Browser mode serves dist/renderer.
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // 'renderer' | 'electron' | undefined (both)

if (!only || only === 'renderer') {
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log('built dist/renderer');
}

// The packages the CLI loads from node_modules; the others, small and pure JavaScript, are bundled
// into its chunks: a package loaded from node_modules is resolved, read file by file and (when
// CommonJS) scanned for its exports at every start.
const CLI_BUNDLED = new Set(['geotiff', 'proj4', 'geographiclib-geodesic', 'fflate', 'pg-connection-string']);
const CLI_EXTERNAL = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).filter((name) => !CLI_BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);

if (!only || only === 'electron') {
  // Modules bundled into the CommonJS workers fall back to __filename where import.meta is empty.
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root, metafile: true, logOverride: { 'empty-import-meta': 'silent' } };
  // the sources of every bundle the CLI may run (its own and the workers it starts)
  const cliInputs = new Set();
  const sourcesOf = (result) => {
    for (const input of Object.keys(result.metafile.inputs)) if (!input.startsWith('node_modules/') && !input.includes('/node_modules/')) cliInputs.add(input);
    return result;
  };
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
  sourcesOf(await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/check.worker.ts')],
    outfile: join(root, 'dist/electron/check.worker.mjs'),
    format: 'esm',
  }));
  // The band tracer of `landgate bands --dem` (terrain/band-tracer.ts), self-contained like it.
  sourcesOf(await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/terrain/bands.worker.ts')],
    outfile: join(root, 'dist/electron/bands.worker.mjs'),
    format: 'esm',
  }));
  // The UI import's worker next to main.mjs (electron/services/worker-entry.ts): CommonJS, with
  // better-sqlite3 left to node_modules (a native addon), so it stays inside the asar.
  sourcesOf(await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/importers/import-worker.ts')],
    outfile: join(root, 'dist/electron/import.worker.cjs'),
    format: 'cjs',
    external: ['better-sqlite3'],
  }));
  // The preparing thread of a two-thread import (electron/services/import-pipeline.ts), next to
  // the import worker and the CLI: CommonJS, self-contained (it opens no database).
  sourcesOf(await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/importers/prepare-worker.ts')],
    outfile: join(root, 'dist/electron/prepare.worker.cjs'),
    format: 'cjs',
    external: ['better-sqlite3'],
  }));
  // The check service's worker (the reference index of the open project), like the import worker:
  // it opens the project itself, so better-sqlite3 stays in node_modules.
  sourcesOf(await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/check/check-host.worker.ts')],
    outfile: join(root, 'dist/electron/check-host.worker.cjs'),
    format: 'cjs',
    external: ['better-sqlite3'],
  }));
  // The PostgreSQL connection's worker (store/postgres/pg-bridge.ts) for shared projects: pure
  // JavaScript, inlined; pg's optional native binding is never used.
  sourcesOf(await esbuild({
    ...common,
    entryPoints: [join(root, 'electron/services/store/postgres/pg-bridge.worker.ts')],
    outfile: join(root, 'dist/electron/pg-bridge.worker.cjs'),
    format: 'cjs',
    external: ['pg-native'],
  }));
  // The CLI next to main.mjs (so it finds the same workers), packages from node_modules as there.
  // Split: each command's module (loaded when that command runs, cli/commands/index.ts) and what
  // only it needs are chunks of their own, beside cli.mjs so that they find the workers too; the
  // chunks of an earlier build go first.
  for (const file of readdirSync(join(root, 'dist/electron'), { withFileTypes: true })) {
    if (file.isFile() && /^cli-[\w-]+-[A-Z0-9]{8}\.mjs(\.map)?$/.test(file.name)) rmSync(join(root, 'dist/electron', file.name));
  }
  sourcesOf(await esbuild({
    ...common,
    entryPoints: { cli: join(root, 'electron/cli/main.ts') },
    outdir: join(root, 'dist/electron'),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'cli-[name]-[hash]',
    format: 'esm',
    external: CLI_EXTERNAL,
  }));
  // the packages bundled into the workers change with the lockfile
  cliInputs.add('package.json');
  cliInputs.add('package-lock.json');
  writeFileSync(join(root, 'dist/electron/cli.inputs.json'), `${JSON.stringify({ inputs: [...cliInputs].sort() }, null, 1)}\n`);
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
