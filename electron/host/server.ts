/**
 * Browser mode: the same UI and the same API as the desktop app, served on 127.0.0.1 only. Used
 * where the Electron binary is absent (offline machines, CI) and by the end-to-end tests.
 *
 * Safety for a local HTTP API: it binds the loopback address only, rejects requests whose Host
 * header is not our own address (DNS rebinding), accepts API calls only as POST with a JSON body
 * (a cross-site HTML form cannot send that without a CORS preflight, which we never grant), and
 * serves files only from the built renderer directory.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { API_METHODS, httpRoute, type ApiErrorBody, type ApiMethod, type LandGateApi } from '../../shared/api/contract';
import { isUserInputError } from '../../shared/model/errors';
import { CONTENT_SECURITY_POLICY } from '../main/security';

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
  url: string;
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

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const rendererRoot = resolve(options.rendererDir);
  const log = options.log ?? (() => {});
  const routes = new Map<string, ApiMethod>(API_METHODS.map((m) => [httpRoute(m), m]));
  let allowedHosts = new Set<string>();

  async function handleApi(method: ApiMethod, req: IncomingMessage, res: ServerResponse) {
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
  async function handleTile(pathname: string, req: IncomingMessage, res: ServerResponse) {
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

  async function handleStatic(pathname: string, res: ServerResponse) {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const file = resolve(rendererRoot, relative === '' ? 'index.html' : relative);
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? join(file, 'index.html') : file;
      const body = await readFile(target);
      res.writeHead(200, {
        'Content-Type': MIME_TYPES[extname(target)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      });
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
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = routes.get(pathname);
    const done = method ? handleApi(method, req, res) : pathname.startsWith('/tiles/') ? handleTile(pathname, req, res) : handleStatic(pathname, res);
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
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
