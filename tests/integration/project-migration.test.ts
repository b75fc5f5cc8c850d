/**
 * A project written by an earlier LandGate opens and is upgraded in one transaction; read-only it
 * is read as it is; a newer or broken one is refused and left byte for byte as it was.
 *
 * tests/fixtures/projects/schema-v1.gpkg was written by LandGate at schema version 1 (the CLI of
 * commit f0d8121): `init`, a contaminated-parcel layer (WR-1), a parcel layer (XQ-01, XQ-02)
 * imported from GeoJSON, `check parcels --profile xiaxian` (XQ-01 不予准入), and a project profile
 * copied from xiaxian.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProjectStore, SCHEMA_VERSION } from '../../electron/services/project-store';
import { landgate, repoRoot, sha256, sharedData } from '../support/cli';
import { storedDemInfo } from '../../electron/services/terrain/dem-store';
import { refusalOf } from '../support/refusal';

const FIXTURE = join(repoRoot, 'tests', 'fixtures', 'projects', 'schema-v1.gpkg');
const GMTED = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');
const hasOgrinfo = spawnSync('ogrinfo', ['--version']).status === 0;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-migration-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyOfFixture(name: string): string {
  const path = join(dir, name);
  copyFileSync(FIXTURE, path);
  return path;
}

function rawSql<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('project schema migrations', () => {
  it('the fixture is a version-1 project', () => {
    const version = rawSql(FIXTURE, (db) => db.prepare("SELECT value FROM landgate_meta WHERE key = 'schemaVersion'").get());
    expect(version).toEqual({ value: '1' });
    expect(SCHEMA_VERSION).toBeGreaterThan(1);
  });

  it('upgrades a version-1 project on open: id index, latest verdicts from the history, audited', () => {
    const path = copyOfFixture('upgrade.gpkg');
    const auditBefore = rawSql(path, (db) => (db.prepare('SELECT count(*) AS n FROM landgate_audit').get() as { n: number }).n);
    const store = ProjectStore.open(path);
    try {
      expect(store.getMeta('schemaVersion')).toBe(String(SCHEMA_VERSION));
      const audit = store.listAudit();
      expect(audit).toHaveLength(auditBefore + 1);
      expect(audit.at(-1)?.action).toBe('schema-upgrade');
      expect(audit.at(-1)?.detail).toMatchObject({ from: 1, to: SCHEMA_VERSION });
      expect(store.verifyAudit()).toEqual({ ok: true });
      // what version 1 held is all still there
      expect(store.listLayers().map((l) => [l.table, l.kind, l.featureCount])).toEqual([
        ['contaminated', 'contaminated-parcel', 1],
        ['parcels', 'parcel', 2],
      ]);
      expect(store.listChecks()).toHaveLength(1);
      expect(store.listProjectProfiles().map((p) => p.id)).toEqual(['xiaxian-local']);
      // the latest verdicts come from the check history
      expect(store.latestVerdicts('parcels', ['XQ-01', 'XQ-02'])).toEqual(
        new Map(store.listCheckParcels().map((r) => [r.parcelId, r.verdict])),
      );
      expect(store.latestVerdicts('parcels', ['XQ-01']).get('XQ-01')).toBe('prohibited');
      // lookups by id use the new index
      expect(store.featureById('parcels', 'XQ-02')?.properties.name).toBe('西关地块');
    } finally {
      store.close();
    }
    const plan = rawSql(path, (db) => db.prepare('EXPLAIN QUERY PLAN SELECT fid FROM parcels WHERE id = ?').all('XQ-01') as { detail: string }[]);
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX parcels_landgate_id/);
    // opening again does not upgrade twice
    const again = ProjectStore.open(path);
    expect(again.listAudit().filter((a) => a.action === 'schema-upgrade')).toHaveLength(1);
    again.close();
    if (hasOgrinfo) {
      const info = spawnSync('ogrinfo', ['-ro', '-so', path], { encoding: 'utf8' });
      expect(info.status).toBe(0);
      expect(info.stdout).toMatch(/parcels \(Multi Polygon\)/);
      // the latest verdicts are keyed by (table, id), not an INTEGER key: kept out of gpkg_contents, so GDAL does not list them
      expect(info.stdout).not.toMatch(/landgate_parcel_verdicts/);
      expect(info.stdout).toMatch(/landgate_checks \(None\)/);
      expect(info.stdout).toMatch(/layer_styles \(None\)/);
    }
  });

  it('a version-5 project with a DEM opens at 6 with only the version bumped and the upgrade audited (step 6 is for shared projects)', () => {
    const path = join(dir, 'v5.gpkg');
    expect(landgate(['init', path]).status).toBe(0);
    expect(landgate(['bands', path, '--dem', GMTED]).status).toBe(0);
    rawSql(path, (db) => db.prepare("UPDATE landgate_meta SET value = '5' WHERE key = 'schemaVersion'").run());
    const dump = () =>
      rawSql(path, (db) =>
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('landgate_meta', 'landgate_audit') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'rtree_%' ORDER BY name").all() as { name: string }[]).map(
          ({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()],
        ),
      );
    const before = dump();
    const store = ProjectStore.open(path);
    try {
      expect(store.schemaUpgrade).toEqual({ from: 5, to: 6, steps: [expect.stringContaining('高程数据')] });
      expect(store.getMeta('schemaVersion')).toBe(String(SCHEMA_VERSION));
      expect(store.listAudit().at(-1)).toMatchObject({ action: 'schema-upgrade', detail: { from: 5, to: 6 } });
      expect(store.verifyAudit()).toEqual({ ok: true });
    } finally {
      store.close();
    }
    // every table but the version and the audit entry as it was, the DEM included
    expect(dump()).toEqual(before);
    expect(storedDemInfo(path)?.cols).toBe(116);
  });

  it('landgate upgrade upgrades a version-1 project and says so; a second run says it is current', () => {
    const path = copyOfFixture('cli-upgrade.gpkg');
    const first = landgate(['upgrade', path]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout.split('\n')[0]).toBe(`项目“cli-upgrade.gpkg”已从数据版本 1 升级到 ${SCHEMA_VERSION}（已记入审计日志）：`);
    expect(first.stdout.trim().split('\n')).toHaveLength(1 + SCHEMA_VERSION - 1);
    const second = landgate(['upgrade', path]);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(`项目“cli-upgrade.gpkg”已是数据版本 ${SCHEMA_VERSION}，无需升级。\n`);
    expect(rawSql(path, (db) => (db.prepare("SELECT count(*) AS n FROM landgate_audit WHERE action = 'schema-upgrade'").get() as { n: number }).n)).toBe(1);
  });

  it('reads a version-1 project opened read-only without changing it', () => {
    const path = copyOfFixture('readonly.gpkg');
    const before = sha256(path);
    const store = ProjectStore.open(path, { readonly: true });
    try {
      expect(store.getMeta('schemaVersion')).toBe('1');
      expect(store.requestFeatures('parcels', { geometry: false }).map((f) => f.id)).toEqual(['XQ-01', 'XQ-02']);
      expect(store.latestVerdicts('parcels', ['XQ-01']).size).toBe(0);
    } finally {
      store.close();
    }
    expect(sha256(path)).toBe(before);
  });

  it('refuses a project from a newer LandGate without touching it (API and CLI, exit 2)', () => {
    const path = copyOfFixture('newer.gpkg');
    rawSql(path, (db) => db.prepare("UPDATE landgate_meta SET value = '99' WHERE key = 'schemaVersion'").run());
    const before = sha256(path);
    const refusal = refusalOf(() => ProjectStore.open(path));
    expect(refusal.code).toBe('project.invalid');
    expect(refusal.messageZh).toContain('newer.gpkg');
    expect(refusal.messageZh).toContain('更新版本');
    const cli = landgate(['check', path, 'parcels', '--profile', 'xiaxian']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('更新版本的 LandGate');
    expect(cli.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(sha256(path)).toBe(before);
  });

  it('a migration that fails leaves the file as it was', () => {
    const path = copyOfFixture('broken.gpkg');
    // a layer row whose table is missing: the id step of the migration cannot run
    rawSql(path, (db) =>
      db
        .prepare('INSERT INTO landgate_layers (table_name, kind, title, source_file, original_crs, imported_at, columns) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run('ghost', 'parcel', 'ghost', null, 'EPSG:4490', '2026-01-01T00:00:00Z', JSON.stringify([{ key: 'id', column: 'id', type: 'text' }])),
    );
    const before = sha256(path);
    const refusal = refusalOf(() => ProjectStore.open(path));
    expect(refusal.code).toBe('project.migration-failed');
    expect(refusal.messageZh).toContain('broken.gpkg');
    expect(refusal.messageZh).toContain('未作任何改动');
    expect(sha256(path)).toBe(before);
    expect(rawSql(path, (db) => db.prepare("SELECT value FROM landgate_meta WHERE key = 'schemaVersion'").get())).toEqual({ value: '1' });
  });

  it('refuses a GeoPackage that is not a LandGate project in the CLI with exit 2, unchanged', () => {
    const path = join(dir, 'foreign.gpkg');
    rawSql(path, (db) => {
      db.exec("CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT)");
      db.exec("CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER)");
      db.exec('CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER)');
    });
    const before = sha256(path);
    const cli = landgate(['import', path, FIXTURE, '--kind', 'parcel']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('不是 LandGate 项目');
    expect(sha256(path)).toBe(before);
  });
});
