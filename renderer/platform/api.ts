/**
 * The renderer's only door to the Node side. In the desktop app the preload exposes
 * `window.landgate` (same shape as LandGateApi); in browser mode every method is a POST of the
 * request as JSON to `httpRoute(method)` on the page's own origin. Errors come back as
 * `ApiError` carrying the Chinese message for the user (`messageZh`).
 */
import {
  API_METHODS,
  PRELOAD_GLOBAL,
  SESSION_HEADER,
  SESSION_META,
  httpRoute,
  type ApiErrorBody,
  type ApiMethod,
  type LandGateApi,
} from '../../shared/api/contract';
import { localized } from '../i18n';

export class ApiError extends Error {
  readonly code: string;
  readonly messageZh: string;
  readonly messageEn: string;

  constructor(code: string, messageZh: string, messageEn: string) {
    super(messageEn);
    this.name = 'ApiError';
    this.code = code;
    this.messageZh = messageZh;
    this.messageEn = messageEn;
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  return typeof error === 'object' && error !== null && typeof error.messageZh === 'string';
}

/** The session token the host wrote into the page (browser mode refuses API calls without it). */
function sessionToken(): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${SESSION_META}"]`)?.content ?? '';
}

async function callOverHttp(method: ApiMethod, request: unknown): Promise<unknown> {
  let response: Response;
  try {
    // Same origin as the page, so it works whatever port the host picked.
    response = await fetch(httpRoute(method), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [SESSION_HEADER]: sessionToken() },
      body: JSON.stringify(request ?? {}),
    });
  } catch (error) {
    throw new ApiError('network', '无法连接本地服务，请确认 LandGate 服务仍在运行。', `Cannot reach the local host: ${String(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    if (isApiErrorBody(body)) throw new ApiError(body.error.code, body.error.messageZh, body.error.messageEn);
    throw new ApiError(`http.${response.status}`, `服务返回错误（HTTP ${response.status}）。`, `Host answered HTTP ${response.status} for ${method}`);
  }
  if (body === undefined) throw new ApiError('bad-response', '服务返回的数据无法解析。', `Unparseable response for ${method}`);
  return body;
}

function httpApi(): LandGateApi {
  const entries = API_METHODS.map((method) => [method, (request?: unknown) => callOverHttp(method, request)] as const);
  return Object.fromEntries(entries) as unknown as LandGateApi;
}

/** Errors crossing Electron IPC lose their prototype; recover the user-facing fields when present. */
function wrapPreload(bridge: LandGateApi): LandGateApi {
  const entries = API_METHODS.map((method) => [
    method,
    async (request?: unknown) => {
      try {
        return await (bridge[method] as (r?: unknown) => Promise<unknown>)(request);
      } catch (error) {
        throw toApiError(error);
      }
    },
  ]);
  return Object.fromEntries(entries) as unknown as LandGateApi;
}

/** Any failure as the user reads it: the API's message in the active locale, never a stack trace. */
export function userMessage(error: unknown): string {
  return localized(toApiError(error));
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isApiErrorBody(error)) return new ApiError(error.error.code, error.error.messageZh, error.error.messageEn);
  const fields = error as { code?: unknown; messageZh?: unknown; messageEn?: unknown; message?: unknown } | null;
  if (fields && typeof fields.messageZh === 'string') {
    return new ApiError(String(fields.code ?? 'error'), fields.messageZh, String(fields.messageEn ?? fields.messageZh));
  }
  const message = fields && typeof fields.message === 'string' ? fields.message : String(error);
  // Electron prefixes rejected IPC errors ("Error invoking remote method …: "); a JSON ApiErrorBody may follow.
  const jsonStart = message.indexOf('{');
  if (jsonStart >= 0) {
    try {
      const parsed: unknown = JSON.parse(message.slice(jsonStart));
      if (isApiErrorBody(parsed)) return new ApiError(parsed.error.code, parsed.error.messageZh, parsed.error.messageEn);
    } catch {
      // not JSON: fall through
    }
  }
  return new ApiError('internal', `操作失败：${message}`, message);
}

/** Whether the page runs inside the desktop app (preload present) or in browser mode. */
export function platformMode(): 'desktop' | 'browser' {
  return (window as unknown as Record<string, unknown>)[PRELOAD_GLOBAL] ? 'desktop' : 'browser';
}

function createApi(): LandGateApi {
  const bridge = (window as unknown as Record<string, unknown>)[PRELOAD_GLOBAL] as LandGateApi | undefined;
  return bridge ? wrapPreload(bridge) : httpApi();
}

export const api: LandGateApi = createApi();
