/**
 * The bridge: exposes one object, `window.landgate`, whose methods are derived from the API
 * contract. Requests are checked to be plain JSON before they cross; nothing else of Node or
 * Electron reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_METHODS, ipcChannel, PRELOAD_GLOBAL, type ApiErrorBody } from '../../shared/api/contract';

function assertJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value));
}

const bridge = Object.fromEntries(
  API_METHODS.map((method) => [
    method,
    async (request?: unknown) => {
      const result = await ipcRenderer.invoke(ipcChannel(method), assertJson(request));
      const error = (result as { __landgateError?: ApiErrorBody['error'] } | null)?.__landgateError;
      if (error) throw Object.assign(new Error(error.messageZh), { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn });
      return result;
    },
  ]),
);

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, Object.freeze(bridge));
