/**
 * Electron cannot run on this machine, so the Electron module is replaced by a recorder (the only
 * mock in the suite) and the real main process, window factory, protocol handler, IPC wiring and
 * preload are exercised against it, aimed at the app://landgate/ entry the app loads.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_METHODS, ipcChannel, PRELOAD_GLOBAL, type LandGateApi } from '../../shared/api/contract';
import { UserInputError } from '../../shared/model/errors';
import { generateDemoProject } from '../../electron/services/demo';
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY, guardWebContents, type GuardedContents } from '../../electron/main/security';
import { createAppProtocolHandler } from '../../electron/main/app-protocol';

type Listener = (...args: any[]) => void;

const recorded = vi.hoisted(() => ({
  windows: [] as { options: any; contents: any; loaded?: string }[],
  ipcHandlers: new Map<string, (event: any, request: unknown) => Promise<unknown>>(),
  exposed: new Map<string, any>(),
  invoked: [] as { channel: string; request: unknown }[],
  appListeners: new Map<string, (...args: any[]) => void>(),
  privilegedSchemes: [] as any[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  permissionCheck: undefined as undefined | ((...args: any[]) => boolean),
  permissionRequest: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
  devicePermission: undefined as undefined | ((...args: any[]) => boolean),
  headerHooks: 0,
}));

/** A stand-in for a WebContents: records what the guard installs and lets a test fire the events. */
function recorderContents() {
  const listeners: Record<string, Listener> = {};
  const contents = {
    openHandler: undefined as undefined | (() => unknown),
    listeners,
    setWindowOpenHandler: (fn: () => unknown) => (contents.openHandler = fn),
    on: (name: string, fn: Listener) => {
      listeners[name] = fn;
      return contents;
    },
  };
  return contents;
}

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: ReturnType<typeof recorderContents>;
    private readonly entry: (typeof recorded.windows)[number];
    constructor(options: any) {
      this.webContents = recorderContents();
      this.entry = { options, contents: this.webContents };
      recorded.windows.push(this.entry);
    }
    once() {}
    show() {}
    loadURL(url: string) {
      this.entry.loaded = url;
      return Promise.resolve();
    }
  }
  const defaultSession = {
    webRequest: { onHeadersReceived: () => recorded.headerHooks++ },
    setPermissionCheckHandler: (fn: any) => (recorded.permissionCheck = fn),
    setPermissionRequestHandler: (fn: any) => (recorded.permissionRequest = fn),
    setDevicePermissionHandler: (fn: any) => (recorded.devicePermission = fn),
  };
  return {
    BrowserWindow,
    app: {
      on: (name: string, fn: any) => recorded.appListeners.set(name, fn),
      whenReady: () => Promise.resolve(),
      getPath: () => tmpdir(),
      quit: () => {},
      exit: () => {},
    },
    dialog: { showErrorBox: () => {} },
    ipcMain: { handle: (channel: string, fn: any) => recorded.ipcHandlers.set(channel, fn) },
    Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => t },
    protocol: {
      registerSchemesAsPrivileged: (schemes: any[]) => recorded.privilegedSchemes.push(...schemes),
      handle: (scheme: string, fn: any) => recorded.protocolHandlers.set(scheme, fn),
    },
    // Electron's net.fetch of a file:// URL: the file's bytes
    net: { fetch: async (url: string) => new Response(readFileSync(fileURLToPath(url))) },
    shell: { openExternal: vi.fn() },
    session: { defaultSession },
    contextBridge: { exposeInMainWorld: (name: string, value: unknown) => recorded.exposed.set(name, value) },
    ipcRenderer: {
      invoke: async (channel: string, request: unknown) => {
        recorded.invoked.push({ channel, request });
        return channel === ipcChannel('getProject') ? { __landgateError: { code: 'x', messageZh: '项目打不开', messageEn: 'cannot open' } } : { ok: channel };
      },
    },
  };
});

/** Fires a navigation-like event at a guarded contents; true when the guard blocked it. */
function blocked(contents: ReturnType<typeof recorderContents>, eventName: string, url: string, extra: Record<string, unknown> = {}): boolean {
  const event = { preventDefault: vi.fn(), url, ...extra };
  if (eventName === 'will-frame-navigate') contents.listeners[eventName](event);
  else contents.listeners[eventName](event, url);
  return event.preventDefault.mock.calls.length > 0;
}

const OFF_APP = ['https://example.com/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'file:///opt/landgate/dist/renderer/index.html', 'app://evil/index.html', 'javascript:alert(1)', 'data:text/html,<b>x</b>'];
const IN_APP = [APP_ENTRY_URL, `${APP_ENTRY_URL}#/parcel/XX-2026-001`, 'app://landgate/assets/index.js'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-electron-security-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the guard of every web contents', () => {
  it('denies window.open, keeps top-frame and sub-frame navigation on app://landgate/ and refuses <webview>', () => {
    const contents = recorderContents();
    guardWebContents(contents as unknown as GuardedContents, APP_ENTRY_URL);
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
    for (const eventName of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      for (const url of OFF_APP) expect(blocked(contents, eventName, url, { isMainFrame: false }), `${eventName} ${url}`).toBe(true);
      for (const url of IN_APP) expect(blocked(contents, eventName, url, { isMainFrame: false }), `${eventName} ${url}`).toBe(false);
    }
    const webview = { preventDefault: vi.fn() };
    contents.listeners['will-attach-webview'](webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });
});

describe('app:// protocol handler', () => {
  it('answers every response, file, tile or 404, with the strict policy as a header', async () => {
    const rendererDir = join(dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>LandGate</title>');
    writeFileSync(join(dir, 'secret.txt'), 'do not serve');
    const handler = createAppProtocolHandler({
      rendererDir,
      join,
      fetchFile: async (path) => new Response(readFileSync(path)),
      tile: async (pathname) => (pathname === '/tiles/terrain/1/0/0.png' ? { status: 200, contentType: 'image/png', body: new Uint8Array([137, 80]) } : null),
    });
    const page = await handler(new Request(APP_ENTRY_URL));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>LandGate</title>');
    const tile = await handler(new Request('app://landgate/tiles/terrain/1/0/0.png'));
    expect(tile.headers.get('content-type')).toBe('image/png');
    const missing = await handler(new Request('app://landgate/tiles/none'));
    expect(missing.status).toBe(404);
    const escape = await handler(new Request('app://landgate/%2e%2e/secret.txt'));
    expect(await escape.text()).not.toContain('do not serve');
    for (const response of [page, tile, missing, escape]) {
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toBe(CONTENT_SECURITY_POLICY);
      for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('the main process', () => {
  let projectPath: string;
  beforeAll(async () => {
    projectPath = join(dir, 'demo.gpkg');
    generateDemoProject(projectPath);
    vi.stubEnv('LANDGATE_PROJECT', projectPath);
    await import('../../electron/main/main');
    // start() runs after whenReady: wait until it has created the window
    await vi.waitFor(() => expect(recorded.windows.length).toBeGreaterThan(0), { timeout: 20_000 });
  }, 60_000);
  afterAll(() => {
    recorded.appListeners.get('window-all-closed')?.(); // closes the project
    vi.unstubAllEnvs();
  });

  it('registers app:// as a privileged standard scheme and guards every web contents on creation', () => {
    expect(recorded.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const created = recorded.appListeners.get('web-contents-created');
    expect(created).toBeDefined();
    const contents = recorderContents();
    created!({}, contents);
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
    expect(blocked(contents, 'will-frame-navigate', 'https://example.com/', { isMainFrame: false })).toBe(true);
    expect(blocked(contents, 'will-navigate', 'https://example.com/')).toBe(true);
    expect(blocked(contents, 'will-navigate', APP_ENTRY_URL)).toBe(false);
  });

  it('opens the window on the app:// entry with isolation, sandbox and no Node in the page', () => {
    const [window] = recorded.windows;
    expect(window.loaded).toBe(APP_ENTRY_URL);
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false });
    expect(window.options.webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(blocked(window.contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
  });

  it('serves app:// through the handler that sets the policy, the project tiles included', async () => {
    const handler = recorded.protocolHandlers.get('app')!;
    expect(handler).toBeDefined();
    const responses = [await handler(new Request(APP_ENTRY_URL)), await handler(new Request('app://landgate/tiles/vector/parcels/0/0/0.pbf')), await handler(new Request('app://landgate/no-such-file'))];
    for (const response of responses) expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    // the header hook that never reached app:// is gone
    expect(recorded.headerHooks).toBe(0);
  });

  it('refuses every permission check, request and device permission', () => {
    expect(recorded.permissionCheck?.(null, 'media', 'app://landgate', {})).toBe(false);
    expect(recorded.devicePermission?.({ deviceType: 'usb', origin: 'app://landgate' })).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'media', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      recorded.permissionRequest?.(null, permission, (ok) => (granted = ok));
      expect(granted, permission).toBe(false);
    }
  });

  it('wires one IPC handler per API method, trusting only the app:// top frame', async () => {
    expect([...recorded.ipcHandlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());
    const listProfiles = recorded.ipcHandlers.get(ipcChannel('listProfiles'))!;
    const profiles = (await listProfiles({ senderFrame: { url: APP_ENTRY_URL, parent: null } }, undefined)) as { id: string }[];
    expect(profiles.map((p) => p.id)).toContain('xiaxian');
    await expect(listProfiles({ senderFrame: { url: 'file:///opt/landgate/dist/renderer/index.html', parent: null } }, undefined)).rejects.toThrow(/untrusted sender/);
  });
});

describe('IPC handlers derived from the contract', () => {
  beforeEach(() => recorded.ipcHandlers.clear());

  it('exist for every API method and check the sender frame', async () => {
    const { registerIpcHandlers } = await import('../../electron/main/ipc');
    const api = Object.fromEntries(API_METHODS.map((m) => [m, vi.fn(async (r: unknown) => ({ method: m, r }))])) as unknown as LandGateApi;
    (api as any).checkParcel = vi.fn(async () => {
      throw new UserInputError('parcels.unknown-id', '没有该地块', 'no such parcel');
    });
    const handlers = new Map<string, any>();
    registerIpcHandlers({ handle: (channel: string, fn: any) => handlers.set(channel, fn) } as any, api, APP_ENTRY_URL);
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());

    const ownFrame = { senderFrame: { url: APP_ENTRY_URL, parent: null } };
    await expect(handlers.get(ipcChannel('listProfiles'))(ownFrame, undefined)).resolves.toEqual({ method: 'listProfiles', r: undefined });
    for (const url of ['https://evil.example/', 'app://evil/index.html', 'file:///opt/landgate/dist/renderer/index.html']) {
      await expect(handlers.get(ipcChannel('listProfiles'))({ senderFrame: { url, parent: null } }, undefined)).rejects.toThrow(/untrusted sender/);
    }
    const subFrame = { senderFrame: { url: APP_ENTRY_URL, parent: {} } };
    await expect(handlers.get(ipcChannel('getProject'))(subFrame, undefined)).rejects.toThrow(/untrusted sender/);
    // A user error crosses the bridge as data carrying the Chinese message.
    await expect(handlers.get(ipcChannel('checkParcel'))(ownFrame, { table: 'p', parcelId: 'x', profile: 'xiaxian' })).resolves.toEqual({
      __landgateError: { code: 'parcels.unknown-id', messageZh: '没有该地块', messageEn: 'no such parcel' },
    });
  });
});

describe('preload bridge', () => {
  it('exposes exactly one frozen object with one function per API method', async () => {
    await import('../../electron/preload/preload');
    expect([...recorded.exposed.keys()]).toEqual([PRELOAD_GLOBAL]);
    const bridge = recorded.exposed.get(PRELOAD_GLOBAL);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS].sort());
    await expect(bridge.listProfiles()).resolves.toEqual({ ok: ipcChannel('listProfiles') });
    await expect(bridge.checkParcel({ table: 't', parcelId: 'p', profile: 'x', extra: undefined })).resolves.toBeTruthy();
    expect(recorded.invoked.at(-1)).toEqual({ channel: ipcChannel('checkParcel'), request: { table: 't', parcelId: 'p', profile: 'x' } });
    await expect(bridge.getProject()).rejects.toThrow('项目打不开');
  });
});

describe('packaging (electron-builder.yml)', () => {
  it('flips the fuses that keep the shipped binary from running other code', () => {
    const config = readFileSync(join(fileURLToPath(new URL('../..', import.meta.url)), 'electron-builder.yml'), 'utf8');
    const fuses = /^electronFuses:\n((?: {2}.*\n|\s*#.*\n)+)/m.exec(config)?.[1] ?? '';
    const value = (key: string) => new RegExp(`^ {2}${key}: (true|false)$`, 'm').exec(fuses)?.[1];
    expect(value('runAsNode')).toBe('false');
    expect(value('enableCookieEncryption')).toBe('true');
    expect(value('enableNodeOptionsEnvironmentVariable')).toBe('false');
    expect(value('enableNodeCliInspectArguments')).toBe('false');
    expect(value('enableEmbeddedAsarIntegrityValidation')).toBe('true');
    expect(value('onlyLoadAppFromAsar')).toBe('true');
    expect(value('grantFileProtocolExtraPrivileges')).toBe('false');
    expect(config).toMatch(/^asar: true$/m);
  });
});
