/** Browser mode's HTTP host against a real demo project. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_METHODS } from '../../shared/api/contract';
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

const post = (method: string, body: unknown) =>
  send(`/api/${method}`, { method: 'POST', body: JSON.stringify(body ?? null), headers: { 'Content-Type': 'application/json' } });

describe('browser-mode host', () => {
  it('listens on the loopback address only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the UI with the CSP and .mjs as JavaScript', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
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

  it('refuses foreign Host headers, GET on the API and non-JSON bodies', async () => {
    expect((await send('/api/getProject', { method: 'POST', body: '{}', headers: { Host: 'evil.example', 'Content-Type': 'application/json' } })).status).toBe(421);
    expect((await send('/api/getProject')).status).toBe(405);
    expect((await send('/api/getProject', { method: 'POST', body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
  });
});
