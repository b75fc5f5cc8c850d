/**
 * Compact check records: a repeated identical check adds its query record and a reference to the
 * stored result, not another copy; a different result is stored anew; a project whose records
 * were written in the old form (the full report and findings on every row) is upgraded with every
 * record reading back as it was.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CheckService } from '../../electron/services/check/check-service';
import { generateDemoProject } from '../../electron/services/demo';
import { getProfile } from '../../electron/services/profiles';
import { ProjectStore, SCHEMA_VERSION } from '../../electron/services/project-store';
import type { CheckReport } from '../../shared/model/check';
import { repoRoot } from '../support/cli';

const V1_FIXTURE = join(repoRoot, 'tests', 'fixtures', 'projects', 'schema-v1.gpkg');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-check-records-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rawSql<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const fidOf = (path: string, id: string) => rawSql(path, (db) => (db.prepare('SELECT fid FROM parcels WHERE id = ?').get(id) as { fid: number }).fid);
const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const storedBytes = (db: Database.Database) => (db.prepare('SELECT coalesce(sum(length(json)), 0) AS n FROM landgate_check_results').get() as { n: number }).n;

describe('check records', () => {
  it('a repeated identical check adds a record referencing the stored result, not a copy', async () => {
    const path = join(dir, 'repeat.gpkg');
    generateDemoProject(path);
    const store = ProjectStore.open(path);
    const service = new CheckService(store);
    try {
      const profile = getProfile('xiaxian');
      const [target, other] = store.requestFeatures('parcels', { geometry: false, attributes: [], limit: 2 });
      const first = await service.checkParcel('parcels', target.id, profile);
      const afterFirst = rawSql(path, (db) => ({ results: count(db, 'landgate_check_results'), bytes: storedBytes(db), checks: count(db, 'landgate_checks') }));
      const repeats: CheckReport[] = [];
      for (let i = 0; i < 12; i++) repeats.push(await service.checkParcel('parcels', target.id, profile));
      const afterRepeats = rawSql(path, (db) => ({ results: count(db, 'landgate_check_results'), bytes: storedBytes(db), checks: count(db, 'landgate_checks') }));
      expect(afterRepeats.checks).toBe(afterFirst.checks + 12);
      expect(afterRepeats.results).toBe(afterFirst.results);
      expect(afterRepeats.bytes).toBe(afterFirst.bytes);

      // every record still reads back as the full report of its own run
      const records = store.listChecks().slice(-13);
      for (const [i, record] of records.entries()) {
        const stored = store.getCheckReport(record.id);
        const run = i === 0 ? first : repeats[i - 1];
        expect(stored).toEqual(run);
        expect(stored.checkedAt).toBe(record.checkedAt);
        expect(stored.parcels[0].findings.length).toBeGreaterThan(0);
      }
      expect(store.listCheckParcels({ parcelId: target.id })).toHaveLength(13);

      // a different parcel finds something else: stored anew
      await service.checkParcel('parcels', other.id, profile);
      expect(rawSql(path, (db) => count(db, 'landgate_check_results'))).toBeGreaterThan(afterRepeats.results);
      expect(store.verifyAudit()).toEqual({ ok: true });
    } finally {
      service.close();
      store.close();
    }
    // stored results are append-only like the records that reference them
    rawSql(path, (db) => {
      expect(() => db.prepare("UPDATE landgate_check_results SET json = '[]'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM landgate_check_results').run()).toThrow(/append-only/);
    });
  });

  it('answers an identical repeat without checking again; a changed parcel or profile is checked anew', async () => {
    const path = join(dir, 'memo.gpkg');
    generateDemoProject(path);
    const store = ProjectStore.open(path);
    const service = new CheckService(store);
    const rulesRun = vi.spyOn(service, 'check'); // calls through: counts trips to the rules
    try {
      const profile = getProfile('xiaxian');
      const target = store.featureById('parcels', 'XX-2026-028')!;
      const first = await service.checkParcel('parcels', target.id, profile);
      await new Promise((r) => setTimeout(r, 1100)); // the next second: checkedAt moves on
      const repeat = await service.checkParcel('parcels', target.id, profile);
      expect(rulesRun).toHaveBeenCalledTimes(1);
      expect(repeat.checkedAt > first.checkedAt).toBe(true);
      expect({ ...repeat, checkedAt: first.checkedAt }).toEqual(first);
      // the memo hands out copies: changing one answer does not change the next
      repeat.parcels[0].findings.length = 0;
      expect((await service.checkParcel('parcels', target.id, profile)).parcels[0].findings).toEqual(first.parcels[0].findings);

      store.updateFeatureAttributes('parcels', fidOf(path, target.id), { projectType: ['heavy-water-polluting'] });
      const changed = await service.checkParcel('parcels', target.id, profile);
      expect(rulesRun).toHaveBeenCalledTimes(2);
      expect(changed.parcels[0].verdict).not.toBe(first.parcels[0].verdict);

      const stricter = { ...profile, version: `${profile.version}-test` };
      const underOther = await service.checkParcel('parcels', target.id, stricter);
      expect(rulesRun).toHaveBeenCalledTimes(3);
      expect(underOther.profileVersion).toBe(stricter.version);
    } finally {
      service.close();
      store.close();
    }
  });

  it('upgrades records written in full on every row: each reads back as written, equal results stored once', () => {
    const path = join(dir, 'old-records.gpkg');
    copyFileSync(V1_FIXTURE, path);
    // what an older LandGate wrote when a reviewer clicked the same parcels again: the same
    // report and findings in full on each new row, only the time differs
    const original = rawSql(path, (db) => {
      const check = db.prepare('SELECT * FROM landgate_checks ORDER BY id').get() as Record<string, unknown>;
      const parcels = db.prepare('SELECT * FROM landgate_check_parcels WHERE check_id = ?').all(check.id) as Record<string, unknown>[];
      for (let i = 1; i <= 5; i++) {
        const checkedAt = `2026-03-0${i}T08:00:00Z`;
        const report = { ...(JSON.parse(String(check.report_json)) as CheckReport), checkedAt };
        const { id: _id, ...row } = check;
        const newId = Number(
          db
            .prepare(`INSERT INTO landgate_checks (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`)
            .run(...Object.values({ ...row, checked_at: checkedAt, report_json: JSON.stringify(report) }))
            .lastInsertRowid,
        );
        for (const parcel of parcels) {
          const { id: _pid, ...prow } = parcel;
          db.prepare(`INSERT INTO landgate_check_parcels (${Object.keys(prow).join(', ')}) VALUES (${Object.keys(prow).map(() => '?').join(', ')})`).run(
            ...Object.values({ ...prow, check_id: newId, checked_at: checkedAt }),
          );
        }
      }
      const reports = (db.prepare('SELECT id, report_json FROM landgate_checks ORDER BY id').all() as { id: number; report_json: string }[]).map((r) => [r.id, JSON.parse(r.report_json)] as const);
      const findings = (db.prepare('SELECT id, check_id, parcel_id, findings_json FROM landgate_check_parcels ORDER BY id').all() as { check_id: number; parcel_id: string; findings_json: string }[]).map(
        (r) => [r.check_id, r.parcel_id, JSON.parse(r.findings_json)] as const,
      );
      return { reports, findings };
    });
    expect(original.reports).toHaveLength(6);

    const store = ProjectStore.open(path);
    try {
      expect(store.getMeta('schemaVersion')).toBe(String(SCHEMA_VERSION));
      expect(store.listAudit().at(-1)?.detail).toMatchObject({ from: 1, to: SCHEMA_VERSION });
      expect(store.verifyAudit()).toEqual({ ok: true });
      expect(store.listChecks().map((c) => c.id)).toEqual(original.reports.map(([id]) => id));
      for (const [id, report] of original.reports) expect(store.getCheckReport(id)).toEqual(report);
      const parcels = store.listCheckParcels();
      expect(parcels.map((p) => [p.checkId, p.parcelId])).toEqual(original.findings.map(([checkId, parcelId]) => [checkId, parcelId]));
      expect(store.latestVerdicts('parcels', ['XQ-01']).get('XQ-01')).toBe('prohibited');
    } finally {
      store.close();
    }
    rawSql(path, (db) => {
      // one report and one findings list per parcel, however many times they were recorded
      const distinctFindings = new Set(original.findings.map(([, , f]) => JSON.stringify(f))).size;
      expect(distinctFindings).toBeGreaterThan(0);
      expect(count(db, 'landgate_check_results')).toBe(1 + distinctFindings);
      expect(db.prepare("SELECT name FROM pragma_table_info('landgate_checks') WHERE name = 'report_json'").get()).toBeUndefined();
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%uncompacted%'").get()).toEqual({ n: 0 });
      expect(() => db.prepare("UPDATE landgate_checks SET user = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM landgate_check_parcels').run()).toThrow(/append-only/);
      const contents = db.prepare("SELECT table_name FROM gpkg_contents WHERE table_name LIKE 'landgate_check%' ORDER BY 1").all() as { table_name: string }[];
      expect(contents.map((c) => c.table_name)).toEqual(['landgate_check_parcels', 'landgate_check_results', 'landgate_checks']);
    });
  });
});
