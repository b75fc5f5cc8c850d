/**
 * Browser mode: the same UI and the same API as the desktop app, served on 127.0.0.1 only. Used
 * where the Electron binary is absent (offline machines, CI) and by the end-to-end tests.
 *
 * Safety for a local HTTP API: it binds the loopback address only, rejects requests whose Host
 * header is not our own address (DNS rebinding), accepts API calls only as POST with a JSON body
 * (a cross-site HTML form cannot send that without a CORS preflight, which we never grant), and
 * serves files only from the built renderer directory.
 *
 * A loopback port is open to every program and every OS user of the machine, and the Origin
 * check alone stops only browsers. So each run has a session token, random per start and printed
 * only in the URL `landgate serve` shows to whoever started it: the page opened with it gets the
 * token written into its index.html (and a same-site cookie, so a reload without the query still
 * works), and every API call must carry it in a header. Project data (API, tiles) is never served
 * without it; the app's own script and style files are.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { API_METHODS, httpRoute, SESSION_HEADER, SESSION_META, type ApiErrorBody, type ApiMethod, type LandGateApi } from '../../shared/api/contract';
import { isUserInputError } from '../../shared/model/errors';
import { APP_SECURITY_HEADERS, CONTENT_SECURITY_POLICY } from '../main/security';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.pbf': 'application/x-protobuf',
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HostOptions {
  api: LandGateApi;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Logs one line per failed request (English, for logs). */
  log?: (line: string) => void;
}

export interface RunningHost {
  /** The URL to open: the page's origin with the session token in the query. */
  url: string;
  /** http://127.0.0.1:<port> (what a page of ours sends as Origin). */
  origin: string;
  /** This run's token: the `SESSION_HEADER` value every API call must carry. */
  sessionToken: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(payload);
}

function errorBody(code: string, messageZh: string, messageEn: string): ApiErrorBody {
  return { error: { code, messageZh, messageEn } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Same length and same bytes, compared in constant time. */
function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * Whether a request comes from a page of our own origin or from no page at all (a program
 * sending the token). A browser names the page's origin in `Origin` on every POST and in
 * `Sec-Fetch-Site`; either naming anything else is refused even with a valid token.
 */
export function isOwnOriginRequest(headers: IncomingMessage['headers'], ownOrigins: ReadonlySet<string>): boolean {
  const origin = headers.origin;
  if (origin !== undefined && !ownOrigins.has(origin)) return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** The token as the page reads it (renderer/platform/api.ts), written into the served index.html. */
export function injectSessionToken(html: string, token: string): string {
  const meta = `<meta name="${SESSION_META}" content="${token}" />`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}\n    ${meta}`) : `${meta}${html}`;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const rendererRoot = resolve(options.rendererDir);
  const log = options.log ?? (() => {});
  const routes = new Map<string, ApiMethod>(API_METHODS.map((m) => [httpRoute(m), m]));
  const token = randomBytes(32).toString('base64url');
  let allowedHosts = new Set<string>();
  let ownOrigins = new Set<string>();
  let cookieName = 'landgate_session';

  /** The token from the API header, or for GETs the page's URL query or cookie. */
  function hasSession(req: IncomingMessage, url: URL, via: 'header' | 'page'): boolean {
    if (via === 'header') return sameToken(req.headers[SESSION_HEADER.toLowerCase()] as string | undefined, token);
    return sameToken(url.searchParams.get('token') ?? undefined, token) || sameToken(cookieValue(req, cookieName), token);
  }

  function refuseSession(res: ServerResponse) {
    sendJson(
      res,
      403,
      errorBody('http.session', '请求缺少本次会话的令牌或来自其他网页，已拒绝。请使用 landgate serve 打印的完整网址打开界面。', 'Refused: missing or wrong session token, or a foreign Origin.'),
    );
  }

  async function handleApi(method: ApiMethod, req: IncomingMessage, res: ServerResponse, url: URL) {
    if (!isOwnOriginRequest(req.headers, ownOrigins) || !hasSession(req, url, 'header')) return refuseSession(res);
    if (req.method !== 'POST') return sendJson(res, 405, errorBody('http.method', '接口只接受 POST 请求。', 'API accepts POST only.'));
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, errorBody('http.content-type', '接口只接受 JSON 请求。', 'API accepts application/json only.'));
    }
    let request: unknown;
    try {
      const text = await readBody(req);
      request = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      return sendJson(res, 400, errorBody('http.body', '请求内容不是有效的 JSON。', 'Request body is not valid JSON.'));
    }
    try {
      const handler = options.api[method] as (r: unknown) => Promise<unknown>;
      const result = await handler.call(options.api, request);
      sendJson(res, 200, result ?? null);
    } catch (error) {
      if (isUserInputError(error)) return sendJson(res, 400, errorBody(error.code, error.messageZh, error.messageEn));
      log(`internal error in ${method}: ${(error as Error).stack ?? error}`);
      sendJson(res, 500, errorBody('internal', '内部错误，请查看日志。', `Internal error: ${(error as Error).message}`));
    }
  }

  /** Offline basemap tiles (terrain-RGB from the project DEM, MBTiles/PMTiles): GET only, bytes not JSON. */
  async function handleTile(pathname: string, req: IncomingMessage, res: ServerResponse, url: URL) {
    if (!isOwnOriginRequest(req.headers, ownOrigins) || !(hasSession(req, url, 'page') || hasSession(req, url, 'header'))) {
      res.writeHead(403).end();
      return;
    }
    const source = (options.api as { tile?: (p: string) => Promise<{ status: number; contentType: string; body: Uint8Array } | null> }).tile;
    if (req.method !== 'GET' || !source) {
      res.writeHead(req.method !== 'GET' ? 405 : 404).end();
      return;
    }
    const tile = await source.call(options.api, pathname);
    if (!tile) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(tile.status, { 'Content-Type': tile.contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
    res.end(tile.body);
  }

  async function handleStatic(pathname: string, req: IncomingMessage, res: ServerResponse, url: URL) {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const file = resolve(rendererRoot, relative === '' ? 'index.html' : relative);
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? join(file, 'index.html') : file;
      let body: Buffer | string = await readFile(target);
      const headers: Record<string, string> = {
        'Content-Type': MIME_TYPES[extname(target)] ?? 'application/octet-stream',
        ...APP_SECURITY_HEADERS,
        'Cache-Control': 'no-cache',
      };
      if (extname(target) === '.html') {
        // the page is what carries the token: only to whoever already holds it
        if (!hasSession(req, url, 'page')) {
          res.writeHead(403, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-store' });
          res.end('<!doctype html><meta charset="utf-8"><title>LandGate</title><p>请使用 landgate serve 打印的完整网址（含 token）打开 LandGate。</p><p>Open the full URL printed by landgate serve (with its token).</p>');
          return;
        }
        body = injectSessionToken(body.toString('utf8'), token);
        headers['Cache-Control'] = 'no-store';
        headers['Set-Cookie'] = `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`;
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    }
  }

  const server = createServer((req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('misdirected request');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { pathname } = url;
    const method = routes.get(pathname);
    const done = method ? handleApi(method, req, res, url) : pathname.startsWith('/tiles/') ? handleTile(pathname, req, res, url) : handleStatic(pathname, req, res, url);
    done.catch((error) => {
      log(`request failed: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  ownOrigins = new Set([...allowedHosts].map((host) => `http://${host}`));
  // cookies are not told apart by port: two hosts on one machine must not overwrite each other's
  cookieName = `landgate_session_${port}`;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    origin: `http://127.0.0.1:${port}`,
    sessionToken: token,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
