/** The window factory: every LandGate window is created here, with the security policy applied. */
import { BrowserWindow, session, shell } from 'electron';
import { CONTENT_SECURITY_POLICY, denyWindowOpen, isAppUrl, secureWebPreferences } from './security';

export interface WindowPaths {
  preloadPath: string;
  /** file:// URL of the built renderer's index.html. */
  entryUrl: string;
}

/** Adds the CSP to every response of the default session (file:// pages get it via meta too). */
export function installContentSecurityPolicy() {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // LandGate needs no camera, location or notifications.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'LandGate 地块准入审查',
    show: false,
    webPreferences: secureWebPreferences(paths.preloadPath),
  });
  const contents = window.webContents;
  contents.setWindowOpenHandler(denyWindowOpen);
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, paths.entryUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, paths.entryUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  void window.loadURL(paths.entryUrl);
  return window;
}

/** Opens a help link in the system browser only when the user asks (menu), never from the page. */
export function openExternalDocs(url: string) {
  if (url.startsWith('https://')) void shell.openExternal(url);
}
