/**
 * The `landgate` command on shared projects (a throwaway PostGIS cluster): init at a URL with
 * its roles, role grants and revocations (audited, enforced by the server), the audit trail
 * naming database logins, commands that take a URL where they take a .gpkg, and every refusal —
 * a bad URL, wrong credentials, no PostGIS, a schema from a newer LandGate, a role the login may
 * not grant — as exit 2 with a Chinese message naming the URL without its password, and the
 * database unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landgate as run, sharedData, expectCliRefusal, type CliResult } from '../support/cli';
import { ProjectStore } from '../../electron/services/project-store';
import { storedDemInfo } from '../../electron/services/terrain/dem-store';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

let pg: ThrowawayPostgis;
let dir: string;

const landgate = (args: string[]): CliResult => run(args, { env: pg.env as Record<string, string> });

/** Everything a refused command could have changed in a database: schemas, roles, memberships, each project's meta and audit. */
function databaseState(database = 'gis'): string {
  const rows = pg.psql(`\\c ${database}
SELECT 'schema', nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 2;
SELECT 'extension', extname FROM pg_extension ORDER BY 2;
SELECT 'role', rolname FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' ORDER BY 2;
SELECT 'member', r.rolname, u.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member ORDER BY 2, 3;
SELECT 'table', schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 2, 3;`);
  const projects = rows.filter((r) => r[0] === 'table' && r[2] === 'landgate_meta').map((r) => r[1]);
  const contents = projects.flatMap((s) =>
    pg.psql(`\\c ${database}
SELECT 'meta', key, value FROM "${s}".landgate_meta ORDER BY key;
SELECT 'audit', seq, hash FROM "${s}".landgate_audit ORDER BY seq;`),
  );
  return [...rows, ...contents].map((r) => r.join('|')).join('\n');
}

/** A refusal as the CLI must give it: exit 2, Chinese first, the English log line, no stack trace. */
const expectRefusal = expectCliRefusal;

beforeAll(() => {
  pg = startPostgis();
  dir = mkdtempSync(join(tmpdir(), 'landgate-shared-cli-'));
  pg.psql('CREATE ROLE cli_alice LOGIN; CREATE ROLE cli_bob LOGIN;');
}, 600_000);

afterAll(() => {
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each command is a process of its own (a few seconds each on a loaded machine).
describe('landgate init and role on a shared project', { timeout: 300_000 }, () => {
  let schema: string;
  let url: string;
  let init: CliResult;

  beforeAll(() => {
    schema = freshSchema('cli');
    url = pg.url(schema);
    init = landgate(['init', url, '--title', '夏县共享项目']);
  }, 120_000);

  it('init creates the project in its schema with the four roles, and says what each may do', () => {
    const result = init;
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`已新建共享项目 ${url}（数据库模式 ${schema}，创建者 postgres）`);
    for (const [role, label] of [
      ['readonly', '只读'],
      ['planner', '经办'],
      ['reviewer', '审查'],
      ['admin', '管理员'],
    ]) {
      expect(result.stdout).toContain(`${schema}_${role}\t${label}：`);
    }
    expect(pg.psql(`SELECT rolname FROM pg_roles WHERE rolname LIKE '${schema}\\_%' ORDER BY 1`).flat()).toEqual(['admin', 'planner', 'readonly', 'reviewer'].map((r) => `${schema}_${r}`));
    expect(pg.psql(`SELECT value FROM "${schema}".landgate_meta WHERE key = 'title'`)).toEqual([['夏县共享项目']]);
  });

  it('init refuses a project that exists, changing nothing', () => {
    const before = databaseState();
    expectRefusal(landgate(['init', url]), `共享项目“${url}”已存在（数据库中已有模式 ${schema}），不会覆盖。`);
    expect(databaseState()).toBe(before);
  });

  it('role grants and revokes a project role through the database, each change audited under the acting login', () => {
    const member = () => pg.psql(`SELECT pg_has_role('cli_alice', '${schema}_reviewer', 'MEMBER')`)[0][0];
    expect(member()).toBe('f');
    const granted = landgate(['role', url, 'cli_alice', 'reviewer']);
    expect(granted.status, granted.stderr).toBe(0);
    expect(granted.stdout).toContain(`已授予登录 cli_alice 共享项目 ${url} 的角色 ${schema}_reviewer（审查：`);
    expect(member()).toBe('t');

    const again = landgate(['role', url, 'cli_alice', '审查']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`登录 cli_alice 已有角色 ${schema}_reviewer（审查），未作改动。`);

    expect(landgate(['role', url, 'cli_bob', 'planner']).status).toBe(0);
    const list = landgate(['role', url]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${schema}_planner\\t经办（.+）\\tcli_bob$`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${schema}_reviewer\\t审查（.+）\\tcli_alice$`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${schema}_admin\\t管理员（.+）\\t（无）$`, 'm'));

    const revoked = landgate(['role', url, 'cli_bob', 'planner', '--revoke']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`已撤销登录 cli_bob 在共享项目 ${url} 中的角色 ${schema}_planner（经办）。`);
    expect(pg.psql(`SELECT pg_has_role('cli_bob', '${schema}_planner', 'MEMBER')`)[0][0]).toBe('f');

    const audit = landgate(['audit', url]);
    expect(audit.status, audit.stderr).toBe(0);
    const lines = audit.stdout.trim().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split('\t').slice(2).join('\t'))).toEqual([
      'postgres\t创建项目“夏县共享项目”',
      `postgres\t授予登录 cli_alice 项目角色：审查（${schema}_reviewer）`,
      `postgres\t授予登录 cli_bob 项目角色：经办（${schema}_planner）`,
      `postgres\t撤销登录 cli_bob 的项目角色：经办（${schema}_planner）`,
    ]);
    expect(lines.at(-1)).toBe('共 4 条；日志完整性校验通过。');
  });

  it('audit names the database login that acts, with its display name', () => {
    const alice = pg.url(schema, 'cli_alice');
    const named = landgate(['audit', alice, '--display-name', '王审查']);
    expect(named.status, named.stderr).toBe(0);
    expect(named.stdout).toBe('账户 cli_alice 的显示名已设为“王审查”。\n');
    const audit = landgate(['audit', url, '--format', 'json']);
    expect(audit.status).toBe(0);
    const { entries, integrity } = JSON.parse(audit.stdout) as { entries: { user: string; actor: string; sentence: string }[]; integrity: { ok: boolean } };
    expect(entries.at(-1)).toMatchObject({ user: 'cli_alice', actor: '王审查（cli_alice）', sentence: '将显示名设为“王审查”' });
    expect(integrity.ok).toBe(true);
  });

  it('role refuses bad input with exit 2 and changes nothing', () => {
    const gpkg = join(dir, '项目 甲.gpkg');
    expect(landgate(['init', gpkg]).status).toBe(0);
    const before = databaseState();
    expectRefusal(landgate(['role', url, 'cli_bob', 'boss']), '角色“boss”无效，可用：readonly（只读）、planner（经办）、reviewer（审查）、admin（管理员）。');
    expectRefusal(landgate(['role', url, 'cli_bob']), '缺少角色');
    expectRefusal(landgate(['role', url, 'nobody_here', 'reviewer']), '数据库中没有登录“nobody_here”。请数据库管理员先创建它');
    expectRefusal(landgate(['role', url, `${schema}_admin`, 'reviewer']), `“${schema}_admin”是项目自身的角色，不是登录`);
    expectRefusal(landgate(['role', gpkg, 'cli_bob', 'reviewer']), '项目“项目 甲.gpkg”是 GeoPackage 文件，没有数据库角色');
    // A reviewer may sign, not hand out roles: the server refuses the GRANT.
    expectRefusal(landgate(['role', pg.url(schema, 'cli_alice'), 'cli_bob', 'admin']), '数据库拒绝：登录 cli_alice 无权授予或撤销共享项目的角色');
    expect(databaseState()).toBe(before);
  });

  it('refuses bad input to the DEM, basemap and demo commands at a URL in words, changing nothing', () => {
    const before = databaseState();
    // the DEM and its bands work at a URL (pg-dem.test.ts); a bad file is refused as on a file
    expectRefusal(landgate(['bands', url, '--dem', join(sharedData, 'dem', 'missing.tif')]), '高程文件“missing.tif”不存在。');
    // Basemaps are on shared projects too (pg-basemap.test.ts); a missing package is refused in words.
    expectRefusal(landgate(['basemap', 'add', url, join(dir, 'x.mbtiles')]), '底图文件“x.mbtiles”不存在。');
    // the demo makes a new project: never over an existing one
    expectRefusal(landgate(['demo', url]), `共享项目“${url}”已存在（数据库中已有模式 ${schema}），不会覆盖。`);
    expect(databaseState()).toBe(before);
  });

  it('generates the demo county into a new shared project: every layer, the DEM and its bands, checked as on a file', () => {
    const demoUrl = pg.url(freshSchema('demo'));
    const gpkg = join(dir, '示例 项目.gpkg');
    for (const target of [demoUrl, gpkg]) expect(landgate(['demo', target]).status).toBe(0);
    const summary = (target: string) => {
      const store = ProjectStore.open(target, { readonly: true });
      try {
        const dem = storedDemInfo(store.db);
        return { layers: store.listLayers().map((l) => [l.table, l.kind, l.featureCount]), dem: dem && [dem.cols, dem.rows, dem.minM, dem.maxM] };
      } finally {
        store.close();
      }
    };
    const shared = summary(demoUrl);
    expect(shared).toEqual(summary(gpkg));
    expect(shared.layers.map((l) => l[0])).toContain('elevation_bands');
    expect(shared.dem).not.toBeNull();
    const verdicts = (target: string) => {
      const run = landgate(['check', target, 'parcels', '--profile', 'xiaxian', '--format', 'json']);
      expect(run.status, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { parcels: { id: string; verdict: string }[] }).parcels.map((p) => [p.id, p.verdict]);
    };
    expect(verdicts(demoUrl)).toEqual(verdicts(gpkg));
  });

  it('import, check and the trail work at the URL as on a file', () => {
    const txt = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');
    const imported = landgate(['import', url, txt, '--kind', 'parcel', '--name', 'parcels']);
    expect(imported.status, imported.stderr).toBe(0);
    const checked = landgate(['check', url, 'parcels', '--profile', 'jincheng-chengqu', '--format', 'json']);
    expect(checked.status, checked.stderr).toBe(0);
    expect((JSON.parse(checked.stdout) as { parcels: { id: string }[] }).parcels.map((p) => p.id)).toEqual(['140502']);
    const trail = landgate(['audit', url, '--table', 'parcels', '--parcel', '140502']);
    expect(trail.status, trail.stderr).toBe(0);
    expect(trail.stdout).toMatch(/\tpostgres\t导入图层“parcels”（报件地块，1 个要素/);
    expect(trail.stdout).toMatch(/\tpostgres\t审查 1 个地块/);
    // 全部审查 stores its results in the shared project, and lists them there
    const swept = landgate(['check', url, '--all', '--profile', 'jincheng-chengqu', '--format', 'json']);
    expect(swept.status, swept.stderr).toBe(0);
    expect((JSON.parse(swept.stdout) as { parcels: { id: string }[] }).parcels.map((p) => p.id)).toEqual(['140502']);
    const listed = landgate(['sweep', 'list', url]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('jincheng-chengqu');
  });
});

describe('a shared project that cannot be opened or created', { timeout: 300_000 }, () => {
  it('a bad URL: no schema, a bad schema name, a password in the URL', () => {
    const before = databaseState();
    const base = pg.url('x').replace(/&schema=x$/, '');
    expectRefusal(landgate(['audit', base]), `共享项目地址“${base}”无效：缺少 schema 参数`);
    expectRefusal(landgate(['init', `${base}&schema=Xia-County`]), '模式名“Xia-County”只能由小写字母、数字和下划线组成');
    const withPassword = pg.url('pw_project').replace('postgresql://postgres@', 'postgresql://postgres:geheim@');
    const refused = landgate(['init', withPassword]);
    expectRefusal(refused, `共享项目地址“${withPassword.replace('geheim', '***')}”中写有密码`);
    expect(refused.stderr + refused.stdout).not.toContain('geheim');
    expect(databaseState()).toBe(before);
  });

  it('wrong credentials: a login the server does not know', () => {
    const before = databaseState();
    const ghost = pg.url(freshSchema('ghost'), 'ghost_login');
    expectRefusal(landgate(['init', ghost]), `无法连接共享项目“${ghost}”：用户名或密码错误，或服务器不允许此用户登录`);
    expectRefusal(landgate(['audit', ghost]), `无法连接共享项目“${ghost}”：用户名或密码错误`);
    expect(databaseState()).toBe(before);
  });

  it('no PostGIS: a database without the extension, and a login that may not install it', () => {
    pg.psql(`CREATE DATABASE nogis; CREATE ROLE cli_dba LOGIN CREATEROLE; GRANT CREATE ON DATABASE nogis TO cli_dba;`);
    const before = databaseState('nogis');
    const target = pg.url('xiaxian', 'cli_dba').replace('/gis?', '/nogis?');
    expectRefusal(landgate(['init', target]), new RegExp(`^错误：数据库“${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}”没有安装 PostGIS 扩展，当前用户也无权安装（.+）。请数据库管理员执行 CREATE EXTENSION postgis 后再试；数据库未作任何改动。`));
    const after = databaseState('nogis');
    expect(after).toBe(before);
    expect(after).not.toMatch(/extension\|postgis|schema\|xiaxian|role\|xiaxian_/);
  });

  it('a project written by a newer LandGate is refused by every command, untouched', () => {
    const schema = freshSchema('newer');
    const url = pg.url(schema);
    expect(landgate(['init', url]).status).toBe(0);
    pg.psql(`UPDATE "${schema}".landgate_meta SET value = '999' WHERE key = 'schemaVersion'`);
    const before = databaseState();
    const newer = `“${url}”不是 LandGate 共享项目：由更新版本的 LandGate 创建（数据版本 999，`;
    expectRefusal(landgate(['audit', url]), newer);
    expectRefusal(landgate(['role', url, 'cli_alice', 'reviewer']), newer);
    expectRefusal(landgate(['settings', url, '--authority', '夏县自然资源局']), newer);
    expectRefusal(landgate(['import', url, join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt'), '--kind', 'parcel']), newer);
    expect(databaseState()).toBe(before);
  });
});
