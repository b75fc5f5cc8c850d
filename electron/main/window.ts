/** The window factory and session policy: every LandGate window is created here. */
import { BrowserWindow, session, shell } from 'electron';
import { denyPermissionCheck, denyPermissionRequest, guardWebContents, secureWebPreferences } from './security';

export interface WindowPaths {
  preloadPath: string;
  /** The app:// URL of the built renderer's index.html (APP_ENTRY_URL). */
  entryUrl: string;
}

/**
 * The default session's policy: every permission check and request refused, device pickers too.
 * The Content-Security-Policy is not set here: app:// responses come from the protocol handler
 * (app-protocol.ts), which sets it on each response.
 */
export function installSessionPolicy() {
  const policy = session.defaultSession;
  policy.setPermissionCheckHandler(denyPermissionCheck);
  policy.setPermissionRequestHandler(denyPermissionRequest);
  policy.setDevicePermissionHandler(denyPermissionCheck);
}

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'LandGate 地块准入审查',
    show: false,
    webPreferences: secureWebPreferences(paths.preloadPath),
  });
  // main.ts guards every web contents on creation as well; the window's own is guarded here
  // too so a window made elsewhere (a test, a later second window) is never unguarded
  guardWebContents(window.webContents, paths.entryUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(paths.entryUrl);
  return window;
}

/** Opens a help link in the system browser only when the user asks (menu), never from the page. */
export function openExternalDocs(url: string) {
  if (url.startsWith('https://')) void shell.openExternal(url);
}
