/**
 * Schema migrations of a shared project (a throwaway PostGIS cluster). A version-5 schema — one
 * made by this LandGate and turned back: step 6's table dropped, the version set to 5, which is
 * what `landgate init` made at version 5 — is upgraded when an administrator opens it for
 * writing: once, in one transaction, audited under that login, also when two clients open it at
 * the same moment. A planner opens the old schema as it is (it serves: only the DEM lacks its
 * table, and storing a DEM asks for the upgrade); a schema whose pending steps do not serve is
 * refused to a planner in words; a failed step and a newer version leave the schema as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pgClient from 'pg';
import { ProjectStore, SCHEMA_VERSION } from '../../electron/services/project-store';
import { storedDemInfo } from '../../electron/services/terrain/dem-store';
import { MIGRATIONS } from '../../electron/services/store/migrations';
import { landgate as run, repoRoot, sharedData, type CliResult } from '../support/cli';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

const GMTED = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');
const PARCEL_TXT = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');

let pg: ThrowawayPostgis;
const landgate = (args: string[]): CliResult => run(args, { env: pg.env as Record<string, string> });

function expectRefusal(result: CliResult, zh: RegExp | string): void {
  expect(result.status, result.stderr + result.stdout).toBe(2);
  expect(result.stderr).toMatch(/^错误：/);
  if (typeof zh === 'string') expect(result.stderr).toContain(zh);
  else expect(result.stderr).toMatch(zh);
  expect(result.stderr).not.toMatch(/内部错误|internal error|\n\s+at /);
}

/** What an open could have changed: the schema's tables and their grants, its meta and audit. */
function schemaState(schema: string): string {
  return pg
    .psql(
      `SELECT 'table', tablename, tableowner FROM pg_tables WHERE schemaname = '${schema}' ORDER BY 2;
SELECT 'grant', table_name, grantee, privilege_type FROM information_schema.role_table_grants WHERE table_schema = '${schema}' ORDER BY 2, 3, 4;
SELECT 'meta', key, value FROM "${schema}".landgate_meta ORDER BY key;
SELECT 'audit', seq, hash FROM "${schema}".landgate_audit ORDER BY seq;`,
    )
    .map((r) => r.join('|'))
    .join('\n');
}

/** A project at `version`, its logins granted: mig_admin (administrator, not the owner) and mig_planner. */
function oldProject(version: number): { schema: string; url: (login?: string) => string } {
  const schema = freshSchema('mig');
  const store = ProjectStore.create(pg.url(schema), { title: '旧版本共享项目' });
  try {
    store.roles.grant('mig_admin', 'admin');
    store.roles.grant('mig_planner', 'planner');
  } finally {
    store.close();
  }
  // back to the schema of `version`: what the later steps added goes (step 6: the DEM's table)
  expect(MIGRATIONS.filter((m) => m.to > 5).map((m) => m.to)).toEqual([6]);
  pg.psql(`DROP TABLE "${schema}".landgate_dem_tiles; UPDATE "${schema}".landgate_meta SET value = '${version}' WHERE key = 'schemaVersion'`);
  return { schema, url: (login) => pg.url(schema, login) };
}

const version = (schema: string) => pg.psql(`SELECT value FROM "${schema}".landgate_meta WHERE key = 'schemaVersion'`)[0][0];
const upgrades = (schema: string) => pg.psql(`SELECT "user", detail FROM "${schema}".landgate_audit WHERE action = 'schema-upgrade' ORDER BY seq`);

beforeAll(() => {
  pg = startPostgis();
  pg.psql('CREATE ROLE mig_admin LOGIN; CREATE ROLE mig_planner LOGIN;');
}, 600_000);

afterAll(() => pg?.stop());

describe('schema migrations of a shared project', { timeout: 300_000 }, () => {
  it(`an administrator opening a version-5 project for writing upgrades it to ${SCHEMA_VERSION}, once, audited under that login`, () => {
    expect(SCHEMA_VERSION).toBe(6);
    const { schema, url } = oldProject(5);
    const store = ProjectStore.open(url('mig_admin'));
    try {
      expect(store.schemaUpgrade).toMatchObject({ from: 5, to: 6 });
      expect(store.getMeta('schemaVersion')).toBe('6');
      expect(store.verifyAudit()).toEqual({ ok: true });
    } finally {
      store.close();
    }
    const audit = upgrades(schema);
    expect(audit).toHaveLength(1);
    expect(audit[0][0]).toBe('mig_admin');
    expect(JSON.parse(audit[0][1])).toEqual({ from: 5, to: 6, steps: [MIGRATIONS.find((m) => m.to === 6)!.description] });
    // step 6's table, with the grants a new project's has: everyone reads, only administrators write
    const privilege = (role: string, what: string) => pg.psql(`SELECT has_table_privilege('${role}', '"${schema}".landgate_dem_tiles', '${what}')`)[0][0];
    expect(privilege(`${schema}_readonly`, 'SELECT')).toBe('t');
    expect(privilege(`${schema}_admin`, 'INSERT')).toBe('t');
    expect(privilege(`${schema}_admin`, 'DELETE')).toBe('t');
    expect(privilege(`${schema}_planner`, 'INSERT')).toBe('f');
    expect(privilege(`${schema}_planner`, 'DELETE')).toBe('f');
    // opened again: nothing more to do, nothing written
    const before = schemaState(schema);
    const again = landgate(['upgrade', url('mig_admin')]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(`项目“${schema}”已是数据版本 6，无需升级。\n`);
    expect(schemaState(schema)).toBe(before);
    // and the DEM can be stored in it
    const bands = landgate(['bands', url('mig_admin'), '--dem', GMTED]);
    expect(bands.stderr).toBe('');
    expect(bands.status).toBe(0);
    expect(storedDemInfo(url())?.cols).toBe(116);
  });

  it('two clients opening the old project at the same moment upgrade it once', async () => {
    const { schema, url } = oldProject(5);
    // Both clients are held at the upgrade's lock until both wait there, then let go together.
    const watcher = new pgClient.Client({ host: pg.env.PGHOST, port: Number(pg.env.PGPORT), user: 'postgres', database: 'gis' });
    await watcher.connect();
    try {
      await watcher.query('SELECT pg_advisory_lock(hashtext($1))', [`${schema}/schema-upgrade`]);
      const start = (login: string) => {
        const child = spawn(process.execPath, [join(repoRoot, 'bin', 'landgate.js'), 'upgrade', url(login)], { env: pg.env });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        return new Promise<{ status: number | null; out: string; err: string }>((resolve) => child.on('close', (status) => resolve({ status, out, err })));
      };
      const clients = [start('postgres'), start('mig_admin')];
      const waiting = async () => Number((await watcher.query("SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'LandGate' AND l.locktype = 'advisory' AND NOT l.granted")).rows[0].n);
      for (let i = 0; i < 1200 && (await waiting()) < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting()).toBe(2);
      await watcher.query('SELECT pg_advisory_unlock_all()');
      const results = await Promise.all(clients);
      for (const r of results) expect(r.status, r.err).toBe(0);
      const said = results.map((r) => r.out.split('\n')[0]).sort();
      expect(said).toEqual([`项目“${schema}”已从数据版本 5 升级到 6（已记入审计日志）：`, `项目“${schema}”已是数据版本 6，无需升级。`]);
    } finally {
      await watcher.end();
    }
    expect(version(schema)).toBe('6');
    expect(upgrades(schema)).toHaveLength(1);
    const store = ProjectStore.open(url(), { readonly: true });
    try {
      expect(store.verifyAudit()).toEqual({ ok: true });
    } finally {
      store.close();
    }
  });

  it('a planner opens the version-5 project as it is (it serves); storing a DEM there asks for the upgrade', () => {
    const { schema, url } = oldProject(5);
    const before = schemaState(schema);
    const store = ProjectStore.open(url('mig_planner'));
    try {
      expect(store.schemaUpgrade).toBeNull();
      expect(store.getMeta('schemaVersion')).toBe('5');
      expect(store.title()).toBe('旧版本共享项目');
    } finally {
      store.close();
    }
    expect(storedDemInfo(url('mig_planner'))).toBeNull();
    expect(schemaState(schema)).toBe(before);
    // the planner's work goes on at version 5
    const imported = landgate(['import', url('mig_planner'), PARCEL_TXT, '--kind', 'parcel', '--name', 'parcels']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(version(schema)).toBe('5');
    // what needs the upgrade says so, and who can make it
    const middle = schemaState(schema);
    expectRefusal(landgate(['upgrade', url('mig_planner')]), `仍为数据版本 5：登录 mig_planner 无权升级它`);
    expectRefusal(landgate(['bands', url('mig_planner'), '--dem', GMTED]), `还没有存放高程数据（DEM）的表。请项目管理员用本版本 LandGate 打开一次项目（桌面程序，或执行 landgate upgrade ${url('mig_planner')}）`);
    expect(schemaState(schema)).toBe(middle);
    expect(upgrades(schema)).toHaveLength(0);
  });

  it('a schema whose pending steps do not serve is refused to a planner, untouched; the administrator upgrades it', () => {
    // at version 4 step 5 is pending, and it does not say the older schema serves
    const { schema, url } = oldProject(4);
    const before = schemaState(schema);
    const refusal = `共享项目“${url('mig_planner')}”的数据结构来自较早的 LandGate（数据版本 4，本程序使用 6），需要先升级才能使用，而登录 mig_planner 无权升级它。请项目管理员（角色 ${schema}_admin）用本版本 LandGate 打开一次项目`;
    expectRefusal(landgate(['audit', url('mig_planner'), '--display-name', '经办甲']), refusal);
    expectRefusal(landgate(['audit', url('mig_planner')]), `数据版本 4，本程序使用 6），需要先升级才能使用。请项目管理员`);
    expect(schemaState(schema)).toBe(before);
    const upgraded = landgate(['upgrade', url('mig_admin')]);
    expect(upgraded.status, upgraded.stderr).toBe(0);
    expect(upgraded.stdout.split('\n')[0]).toBe(`项目“${schema}”已从数据版本 4 升级到 6（已记入审计日志）：`);
    expect(JSON.parse(upgrades(schema)[0][1]).steps).toHaveLength(2);
    expect(landgate(['audit', url('mig_planner'), '--display-name', '经办甲']).status).toBe(0);
  });

  it('a step that fails leaves the schema as it was, and says so; a newer version is refused as before', () => {
    const { schema, url } = oldProject(5);
    // someone's own table where step 6 creates the DEM's
    pg.psql(`CREATE TABLE "${schema}".landgate_dem_tiles (x integer)`);
    const before = schemaState(schema);
    expectRefusal(landgate(['upgrade', url('mig_admin')]), /^错误：项目“.+”升级到数据版本 6 失败（.*landgate_dem_tiles.*），数据库未作任何改动。/);
    expect(schemaState(schema)).toBe(before);

    const newer = oldProject(5);
    pg.psql(`UPDATE "${newer.schema}".landgate_meta SET value = '7' WHERE key = 'schemaVersion'`);
    const unchanged = schemaState(newer.schema);
    expectRefusal(landgate(['upgrade', newer.url('mig_admin')]), `不是 LandGate 共享项目：由更新版本的 LandGate 创建（数据版本 7，本程序支持 6）`);
    expect(schemaState(newer.schema)).toBe(unchanged);
  });
});
