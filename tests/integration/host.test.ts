/** Browser mode's HTTP host against a real demo project. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_METHODS, SESSION_HEADER, SESSION_META } from '../../shared/api/contract';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { generateDemoProject } from '../../electron/services/demo';
import { startHost, type RunningHost } from '../../electron/host/server';

let dir: string;
let api: ApiService;
let host: RunningHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-host-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>LandGate</title>');
  writeFileSync(join(rendererDir, 'assets', 'worker.mjs'), 'export {}');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  generateDemoProject(join(dir, 'demo.gpkg'));
  api = createApiService(join(dir, 'demo.gpkg'));
  host = await startHost({ api, rendererDir, port: 0 });
});

afterAll(async () => {
  await host.close();
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Raw request so the Host header can be set (fetch forbids it). */
function send(path: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const post = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${method}`, { method: 'POST', body: JSON.stringify(body ?? null), headers: { 'Content-Type': 'application/json', [SESSION_HEADER]: host.sessionToken, ...headers } });

/** Parcel ids of the demo project, in list order. */
async function parcelIds(): Promise<string[]> {
  return JSON.parse((await post('queryParcels', { offset: 0, limit: 100 })).body).rows.map((r: { id: string }) => r.id);
}

describe('browser-mode host', () => {
  it('listens on the loopback address only, its URL carrying the session token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
    expect(new URL(host.url).searchParams.get('token')).toBe(host.sessionToken);
  });

  it('serves the UI with the CSP and the token, and .mjs as JavaScript', async () => {
    const page = await send(`/?token=${host.sessionToken}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain(`<meta name="${SESSION_META}" content="${host.sessionToken}" />`);
    // a reload without the query is recognised by the same-site cookie the page got
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const reload = await send('/', { headers: { Cookie: cookie } });
    expect(reload.status).toBe(200);
    expect(reload.body).toContain(host.sessionToken);
    const worker = await send('/assets/worker.mjs');
    expect(worker.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('never serves files outside the renderer directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt']) {
      const res = await send(path);
      expect(res.body).not.toContain('do not serve');
    }
  });

  it('answers every API method of the contract', async () => {
    const project = await post('getProject', null);
    expect(project.status).toBe(200);
    const info = JSON.parse(project.body);
    expect(info.synthetic).toBe(true);
    expect(info.title).toContain('示例数据');
    const page = JSON.parse((await post('queryParcels', { offset: 0, limit: 100 })).body);
    expect(page.total).toBeGreaterThanOrEqual(25);
    const parcels = page.rows;
    expect(JSON.parse((await post('getParcel', { table: parcels[0].table, id: parcels[0].id })).body)).toMatchObject({ id: parcels[0].id });
    const profiles = JSON.parse((await post('listProfiles', null)).body);
    expect(profiles.map((p: any) => p.id)).toContain('xiaxian');
    const features = JSON.parse((await post('getFeatures', { table: parcels[0].table, ids: [parcels[0].id] })).body);
    expect(features.features.map((f: { id: string }) => f.id)).toEqual([parcels[0].id]);
    const report = JSON.parse((await post('checkParcel', { table: parcels[0].table, parcelId: parcels[0].id, profile: 'xiaxian' })).body);
    expect(report.parcels[0].id).toBe(parcels[0].id);
  });

  it('routes every method of the contract', async () => {
    for (const method of API_METHODS) {
      const res = await post(method, {});
      expect([404, 405, 415], `${method} → ${res.status}`).not.toContain(res.status);
    }
  });

  it('returns user errors as 400 with a Chinese message', async () => {
    const res = await post('checkParcel', { table: 'parcels', parcelId: 'NO-SUCH', profile: 'xiaxian' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.messageZh).toContain('NO-SUCH');
  });

  it('gives the page, and with it the token, only to whoever holds the token', async () => {
    for (const path of ['/', '/index.html', '/?token=wrong', `/?token=${host.sessionToken}x`]) {
      const res = await send(path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain(host.sessionToken);
      expect(res.body).toContain('landgate serve');
    }
    const other = await send('/', { headers: { Cookie: `landgate_session_${host.port + 1}=${host.sessionToken}` } });
    expect(other.status).toBe(403);
    // the app's own code is no secret
    expect((await send('/assets/worker.mjs')).status).toBe(200);
  });

  it('refuses a write from a foreign Origin or without the token, and the project is unchanged', async () => {
    const [id] = await parcelIds();
    const { geometry } = JSON.parse((await post('getFeatures', { table: 'parcels', ids: [id] })).body).features[0];
    const write = { geometry, properties: { id: 'WRITTEN-FROM-OUTSIDE', name: '外来写入' } };
    const total = async () => JSON.parse((await post('queryParcels', { offset: 0, limit: 1 })).body).total as number;
    const before = await total();
    const attempts: Record<string, string>[] = [
      { Origin: 'http://evil.example' },
      { Origin: 'http://evil.example', [SESSION_HEADER]: '' },
      { [SESSION_HEADER]: '' },
      { [SESSION_HEADER]: 'not-the-token' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'null' },
    ];
    for (const headers of attempts) {
      const res = await post('saveParcel', write, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      const error = JSON.parse(res.body).error;
      expect(error.code).toBe('http.session');
      expect(error.messageZh).toContain('令牌');
    }
    expect(await total()).toBe(before);
    // our own page's origin (either spelling) with the token is let in, and the same write lands
    for (const origin of [host.origin, `http://localhost:${host.port}`]) {
      expect((await post('getProject', null, { Origin: origin, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    }
    expect((await post('saveParcel', write, { Origin: host.origin })).status).toBe(200);
    expect(await total()).toBe(before + 1);
  });

  it('serves tiles only within the session', async () => {
    expect((await send('/tiles/vector/parcels/0/0/0.pbf')).status).toBe(403);
    expect((await send('/tiles/vector/parcels/0/0/0.pbf', { headers: { Origin: 'http://evil.example', [SESSION_HEADER]: host.sessionToken } })).status).toBe(403);
    expect((await send('/tiles/vector/parcels/0/0/0.pbf', { headers: { [SESSION_HEADER]: host.sessionToken } })).status).not.toBe(403);
  });

  it('refuses foreign Host headers, GET on the API and non-JSON bodies', async () => {
    const token = { [SESSION_HEADER]: host.sessionToken };
    expect((await send('/api/getProject', { method: 'POST', body: '{}', headers: { Host: 'evil.example', 'Content-Type': 'application/json', ...token } })).status).toBe(421);
    expect((await send('/api/getProject', { headers: token })).status).toBe(405);
    expect((await send('/api/getProject', { method: 'POST', body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...token } })).status).toBe(415);
  });
});
