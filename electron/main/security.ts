/**
 * Window security policy of the desktop app (architecture.md "Electron security"). Kept free of
 * any `electron` import so the browser-mode host can share the CSP and tests can check the policy
 * without the Electron runtime.
 */

/** No remote content, ever: everything comes from the app itself. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // MapLibre and React set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  // MapLibre runs its worker from a blob in some builds.
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every app:// response (the protocol handler) and every browser-mode page. */
export const APP_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** webPreferences of every LandGate window. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

/**
 * The app's pages are served from the privileged `app://landgate/` scheme (a real origin, so the
 * CSP's 'self' covers MapLibre's worker, which a file:// page could not start); anything else is
 * refused. Custom schemes have an opaque `URL.origin` ("null"), so scheme and host are compared.
 */
export function isAppUrl(url: string, appEntryUrl: string): boolean {
  let target: URL;
  let entry: URL;
  try {
    target = new URL(url);
    entry = new URL(appEntryUrl);
  } catch {
    return false;
  }
  if (entry.protocol === 'file:') {
    const appDir = entry.pathname.slice(0, entry.pathname.lastIndexOf('/') + 1);
    return target.protocol === 'file:' && target.pathname.startsWith(appDir);
  }
  return target.protocol === entry.protocol && target.host === entry.host;
}

export const APP_SCHEME = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://landgate/index.html`;

/**
 * Maps an app:// request to a file inside the built renderer directory, or null for anything
 * that would escape it (`..`, encoded separators) or names another host.
 */
export function resolveAppFile(rendererDir: string, requestUrl: string, join: (...parts: string[]) => string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== 'landgate') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  const segments = pathname.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.includes('\\') || s.includes('\0'))) return null;
  return join(rendererDir, ...(segments.length > 0 ? segments : ['index.html']));
}

/** Window-open handler: LandGate never opens windows on a page's request. */
export function denyWindowOpen(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Permission checks (`session.setPermissionCheckHandler`): LandGate needs no camera, location,
 * notifications, clipboard reads, HID, serial or USB, so every check answers no.
 */
export function denyPermissionCheck(): boolean {
  return false;
}

/** Permission requests (`session.setPermissionRequestHandler`): every request is refused. */
export function denyPermissionRequest(_contents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/**
 * What the guard of every web contents (webContents-created) needs of it: the subset of
 * Electron's WebContents it uses, so a test can hand it a recorder.
 */
export interface GuardedContents {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: { preventDefault(): void; url: string; isMainFrame: boolean }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * Locks any web contents the app ever gets (the main window, and anything a compromised page
 * might create) to the app: no window.open, no navigation of the top frame or of any sub-frame
 * off app://landgate/, no <webview>.
 */
export function guardWebContents(contents: GuardedContents, appEntryUrl: string): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  const stayInApp = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, appEntryUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  // sub-frames too: LandGate has none, so a frame leaving the app is never ours
  contents.on('will-frame-navigate', (event) => stayInApp(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
