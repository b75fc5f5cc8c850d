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
 * The app's own pages are loaded from file:// inside the app directory (packaged) or from the
 * dev server origin; anything else is refused.
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
  return target.origin === entry.origin;
}

/** Window-open handler: LandGate never opens windows on a page's request. */
export function denyWindowOpen(): { action: 'deny' } {
  return { action: 'deny' };
}
