/**
 * Electron cannot run on this machine, so the Electron module is replaced by a recorder (the only
 * mock in the suite) and the real window factory, IPC wiring and preload are exercised against it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, ipcChannel, PRELOAD_GLOBAL, type LandGateApi } from '../../shared/api/contract';
import { UserInputError } from '../../shared/model/errors';

const recorded = vi.hoisted(() => ({
  windows: [] as { options: any; handlers: Record<string, (...args: any[]) => void>; openHandler?: () => unknown; loaded?: string }[],
  ipcHandlers: new Map<string, (event: any, request: unknown) => Promise<unknown>>(),
  exposed: new Map<string, any>(),
  invoked: [] as { channel: string; request: unknown }[],
  headersHook: undefined as undefined | ((details: any, cb: (r: any) => void) => void),
  permissionHandler: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: any;
    constructor(options: any) {
      const entry: (typeof recorded.windows)[number] = { options, handlers: {} };
      recorded.windows.push(entry);
      this.webContents = {
        setWindowOpenHandler: (fn: () => unknown) => (entry.openHandler = fn),
        on: (name: string, fn: (...args: any[]) => void) => (entry.handlers[name] = fn),
      };
      (this as any).entry = entry;
    }
    once() {}
    show() {}
    loadURL(url: string) {
      (this as any).entry.loaded = url;
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal: vi.fn() },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: any) => (recorded.headersHook = fn) },
        setPermissionRequestHandler: (fn: any) => (recorded.permissionHandler = fn),
      },
    },
    contextBridge: { exposeInMainWorld: (name: string, value: unknown) => recorded.exposed.set(name, value) },
    ipcRenderer: {
      invoke: async (channel: string, request: unknown) => {
        recorded.invoked.push({ channel, request });
        return channel === ipcChannel('getProject') ? { __landgateError: { code: 'x', messageZh: '项目打不开', messageEn: 'cannot open' } } : { ok: channel };
      },
    },
  };
});

const entryUrl = 'file:///opt/landgate/dist/renderer/index.html';

describe('main window', () => {
  beforeEach(() => {
    recorded.windows.length = 0;
  });

  it('is created with isolation, sandbox and no Node in the page', async () => {
    const { createMainWindow } = await import('../../electron/main/window');
    createMainWindow({ preloadPath: '/opt/landgate/dist/electron/preload.cjs', entryUrl });
    const prefs = recorded.windows[0].options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: '/opt/landgate/dist/electron/preload.cjs' });
    expect(recorded.windows[0].loaded).toBe(entryUrl);
  });

  it('denies every window.open and locks navigation to the app', async () => {
    const { createMainWindow } = await import('../../electron/main/window');
    createMainWindow({ preloadPath: '/p.cjs', entryUrl });
    const win = recorded.windows[0];
    expect(win.openHandler?.()).toEqual({ action: 'deny' });
    for (const [url, blocked] of [
      ['https://example.com/', true],
      ['file:///etc/passwd', true],
      ['file:///opt/landgate/dist/renderer/index.html#/parcel/1', false],
    ] as const) {
      const event = { preventDefault: vi.fn() };
      win.handlers['will-navigate'](event, url);
      expect(event.preventDefault).toHaveBeenCalledTimes(blocked ? 1 : 0);
    }
    const webviewEvent = { preventDefault: vi.fn() };
    win.handlers['will-attach-webview'](webviewEvent);
    expect(webviewEvent.preventDefault).toHaveBeenCalled();
  });

  it('sends a strict Content-Security-Policy and refuses permissions', async () => {
    const { installContentSecurityPolicy } = await import('../../electron/main/window');
    installContentSecurityPolicy();
    let headers: any;
    recorded.headersHook!({ responseHeaders: { 'X-A': ['1'] } }, (r) => (headers = r.responseHeaders));
    const csp = headers['Content-Security-Policy'][0] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
    let granted: boolean | undefined;
    recorded.permissionHandler!(null, 'geolocation', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });
});

describe('IPC handlers derived from the contract', () => {
  it('exist for every API method and check the sender frame', async () => {
    const { registerIpcHandlers } = await import('../../electron/main/ipc');
    const api = Object.fromEntries(API_METHODS.map((m) => [m, vi.fn(async (r: unknown) => ({ method: m, r }))])) as unknown as LandGateApi;
    (api as any).checkParcel = vi.fn(async () => {
      throw new UserInputError('parcels.unknown-id', '没有该地块', 'no such parcel');
    });
    const handlers = new Map<string, any>();
    registerIpcHandlers({ handle: (channel: string, fn: any) => handlers.set(channel, fn) } as any, api, entryUrl);
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());

    const ownFrame = { senderFrame: { url: entryUrl, parent: null } };
    await expect(handlers.get(ipcChannel('listProfiles'))(ownFrame, undefined)).resolves.toEqual({ method: 'listProfiles', r: undefined });
    const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } };
    await expect(handlers.get(ipcChannel('listProfiles'))(foreign, undefined)).rejects.toThrow(/untrusted sender/);
    const subFrame = { senderFrame: { url: entryUrl, parent: {} } };
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
