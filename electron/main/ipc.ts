/**
 * IPC handlers derived from the contract: one `ipcMain.handle` per API method, each checking that
 * the call comes from the app's own top frame before touching the project.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, ipcChannel, type ApiErrorBody, type LandGateApi } from '../../shared/api/contract';
import { isUserInputError } from '../../shared/model/errors';
import { isAppUrl } from './security';

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, appEntryUrl: string): boolean {
  const frame = event.senderFrame;
  // Only the main frame of our own page may call; sub-frames (there are none) and foreign pages may not.
  return !!frame && frame.parent === null && isAppUrl(frame.url, appEntryUrl);
}

export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, api: LandGateApi, appEntryUrl: string) {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event, request: unknown): Promise<unknown> => {
      if (!isTrustedSender(event, appEntryUrl)) throw new Error(`IPC ${method} refused: untrusted sender`);
      try {
        const handler = api[method] as (r: unknown) => Promise<unknown>;
        return await handler.call(api, request);
      } catch (error) {
        // Errors cross the bridge as data so the renderer can show the Chinese message.
        if (isUserInputError(error)) {
          const body: ApiErrorBody = { error: { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn } };
          return { __landgateError: body.error };
        }
        throw error;
      }
    });
  }
}
