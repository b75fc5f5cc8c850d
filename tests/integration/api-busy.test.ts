/**
 * While another connection holds the project's write lock (a UI import writing in its worker), a
 * write through the API waits for SQLite's busy timeout and is then refused with a Chinese message
 * naming the project file, not an internal error; reads keep working, and the project is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { isUserInputError } from '../../shared/model/errors';
import { landgate } from '../support/cli';

let dir: string;
let project: string;
let api: ApiService;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-busy-'));
  project = join(dir, 'demo.gpkg');
  expect(landgate(['demo', project]).status).toBe(0);
  api = createApiService(project);
}, 120_000);

afterAll(() => {
  api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a write while the project is locked by another writer', () => {
  it('is refused in words, reads still answer, and nothing is written', async () => {
    const before = (await api.getAuditTrail({})).entries.length;
    const writer = new Database(project);
    writer.exec('BEGIN IMMEDIATE');
    try {
      expect((await api.queryParcels({ offset: 0, limit: 10 })).total).toBeGreaterThan(0);
      const error = await api.checkParcel({ table: 'parcels', parcelId: 'XX-2026-001', profile: 'xiaxian' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isUserInputError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'project.busy' });
      expect((error as { messageZh: string }).messageZh).toMatch(/项目文件“demo\.gpkg”正在被另一项操作写入/);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    expect((await api.getAuditTrail({})).entries.length).toBe(before);
    // once the other writer is done, the same request goes through
    const report = await api.checkParcel({ table: 'parcels', parcelId: 'XX-2026-001', profile: 'xiaxian' });
    expect(report.parcels[0].verdict).toBe('prohibited');
  }, 60_000);
});
