/**
 * The `app://landgate/` protocol handler: the app's pages, scripts and the offline basemap tiles.
 * Kept free of any `electron` import (main.ts passes Electron's file fetch in) so tests run the
 * real handler.
 *
 * The security headers are set here, on the responses themselves: a custom protocol's responses
 * never pass through `session.webRequest`, so a header hook would leave app:// pages with only the
 * <meta> policy of the built index.html, which cannot carry `frame-ancestors` and lacks
 * `object-src`, `base-uri` and `form-action`.
 */
import { APP_SECURITY_HEADERS, resolveAppFile } from './security';

export interface AppProtocolSources {
  rendererDir: string;
  join: (...parts: string[]) => string;
  /** Reads a file of the built renderer (Electron: `net.fetch` of its file:// URL, which rejects for a missing file). */
  fetchFile(path: string): Promise<Response>;
  /** The open project's tile at this path, or null (no project, no such tile). */
  tile(pathname: string): Promise<{ status: number; contentType: string; body: Uint8Array } | null>;
}

/** The same response with the app's security headers added (Content-Security-Policy and friends). */
export function withSecurityHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(APP_SECURITY_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function createAppProtocolHandler(sources: AppProtocolSources): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/tiles/')) {
      const tile = await sources.tile(pathname);
      return withSecurityHeaders(tile ? new Response(Buffer.from(tile.body), { status: tile.status, headers: { 'Content-Type': tile.contentType } }) : notFound());
    }
    const file = resolveAppFile(sources.rendererDir, request.url, sources.join);
    return withSecurityHeaders(file ? await sources.fetchFile(file).catch(notFound) : notFound());
  };
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
