/**
 * Electron main process: opens the project given on the command line (or the bundled demo
 * project, generated on first start), wires the API to IPC and shows the window.
 */
import { app, dialog, ipcMain, Menu, net, protocol } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApiService, type ApiService } from '../services/api-service';
import { appRoot } from '../services/app-root';
import { generateDemoProject } from '../services/demo';
import { registerIpcHandlers } from './ipc';
import { createAppProtocolHandler } from './app-protocol';
import { APP_ENTRY_URL, APP_SCHEME, guardWebContents } from './security';
import { createMainWindow, installSessionPolicy } from './window';

const isSharedProject = (location: string) => /^postgres(ql)?:\/\//i.test(location);

/** A GeoPackage file, or a bureau's shared project (postgresql://…?schema=…), named on the command line. */
function projectPathFromArgs(argv: string[]): string | undefined {
  return argv.slice(1).find((arg) => arg.toLowerCase().endsWith('.gpkg') || isSharedProject(arg));
}

function ensureDemoProject(): string {
  const demoPath = join(app.getPath('userData'), 'demo.gpkg');
  if (!existsSync(demoPath)) generateDemoProject(demoPath);
  return demoPath;
}

// Must happen before 'ready': app:// behaves like https (standard, secure, fetch-able).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

/** The open project's API service, for the app:// tile routes. */
let tileApi: ApiService | undefined;

// Every web contents, whoever creates it, is locked to the app before it can load anything.
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, APP_ENTRY_URL));

async function start() {
  await app.whenReady();
  const rendererDir = join(appRoot(), 'dist', 'renderer');
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      rendererDir,
      join,
      fetchFile: (path) => net.fetch(pathToFileURL(path).href),
      // offline basemap tiles (project DEM relief, MBTiles/PMTiles) come from the API service
      tile: async (pathname) => (await tileApi?.tile?.(pathname)) ?? null,
    }),
  );
  installSessionPolicy();
  const root = appRoot();
  const location = projectPathFromArgs(process.argv) ?? process.env.LANDGATE_PROJECT ?? ensureDemoProject();
  const projectPath = isSharedProject(location) ? location : resolve(location);
  let api: ApiService;
  try {
    api = createApiService(projectPath);
  } catch (error) {
    dialog.showErrorBox('无法打开项目', (error as { messageZh?: string }).messageZh ?? String(error));
    app.exit(2);
    return;
  }
  tileApi = api;
  const entryUrl = APP_ENTRY_URL;
  registerIpcHandlers(ipcMain, api, entryUrl);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { label: '文件', submenu: [{ role: 'quit', label: '退出' }] },
      { label: '视图', submenu: [{ role: 'reload', label: '重新加载' }, { role: 'togglefullscreen', label: '全屏' }] },
    ]),
  );
  createMainWindow({ preloadPath: join(root, 'dist', 'electron', 'preload.cjs'), entryUrl });
  app.on('window-all-closed', () => {
    api.close();
    app.quit();
  });
}

void start();
