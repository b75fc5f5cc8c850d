// `npm start`: builds what is stale, makes sure the demo project exists, then runs the desktop app
// on it — or, where the Electron binary is not installed (offline machines, CI), browser mode:
// the same UI and API served on 127.0.0.1, with the URL printed (and opened where a browser exists).
//
// `npm start -- <project.gpkg>` opens another project (or a shared project's postgresql:// URL).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, copyFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const stateDir = join(root, '.landgate');
mkdirSync(stateDir, { recursive: true });

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// 1. Build when sources are newer than the build.
const builtMarker = join(root, 'dist', 'renderer', 'index.html');
const sourcesMtime = Math.max(...['renderer', 'shared', 'electron'].map((d) => newestMtime(join(root, d))));
if (!existsSync(builtMarker) || statSync(builtMarker).mtimeMs < sourcesMtime) run(process.execPath, ['scripts/build.mjs']);

// 2. The project: given on the command line, else the demo project (generated once).
const isUrl = (a) => /^postgres(ql)?:\/\//i.test(a);
const projectArg = process.argv.slice(2).find((a) => a.endsWith('.gpkg') || isUrl(a));
const projectPath = projectArg ? (isUrl(projectArg) ? projectArg : resolve(projectArg)) : join(stateDir, 'demo.gpkg');
// The demo is regenerated when its generator changed, so `npm start` always shows the current one.
const demoSourcesMtime = Math.max(newestMtime(join(root, 'electron', 'services', 'demo')), newestMtime(join(root, 'data', 'demo')));
if (!projectArg && existsSync(projectPath) && statSync(projectPath).mtimeMs < demoSourcesMtime) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(projectPath + suffix, { force: true });
}
if (!projectArg && !existsSync(projectPath)) run(process.execPath, ['bin/landgate.js', 'demo', projectPath]);

// 3. Desktop app when Electron's binary is there.
function electronBinary() {
  try {
    const path = require('electron'); // the package's index.js returns the binary path, or throws
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * better-sqlite3 in node_modules is built for Node (the CLI and the tests use it). Electron needs
 * the same addon built against its own ABI: build a separate copy once and point the app at it
 * (ProjectStore honours LANDGATE_SQLITE_BINDING), so the Node copy is never replaced.
 */
function electronSqliteBinding() {
  const electronVersion = require('electron/package.json').version;
  const target = join(stateDir, 'native', `electron-${electronVersion}`, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  const work = join(stateDir, 'native', `build-${electronVersion}`);
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), work, { recursive: true });
  const gyp = spawnSync(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: 'inherit' });
  if (gyp.status !== 0) return null;
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  return target;
}

const electron = electronBinary();
const binding = electron ? electronSqliteBinding() : null;
if (electron && binding) {
  const child = spawn(electron, [root, projectPath], { stdio: 'inherit', env: { ...process.env, LANDGATE_SQLITE_BINDING: binding } });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    electron
      ? '无法为 Electron 构建 better-sqlite3（需要联网下载 Electron 头文件），改用浏览器模式。'
      : '未安装 Electron 可执行文件（离线环境），以浏览器模式启动。',
  );
  const child = spawn(process.execPath, ['bin/landgate.js', 'serve', projectPath, '--port', process.env.PORT ?? '0'], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const url = /http:\/\/127\.0\.0\.1:\d+\/(\?token=[\w-]+)?/.exec(String(chunk))?.[0];
    if (url && !process.env.CI) {
      const opener = ['xdg-open', 'open'].find((cmd) => spawnSync('which', [cmd]).status === 0);
      if (opener) spawn(opener, [url], { stdio: 'ignore', detached: true }).unref();
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
