/**
 * The repositories that hold a project's records — metadata and data version, the hash-chained
 * audit log, check records, project profiles, 文书编号 — behave the same whether the project is
 * a GeoPackage file or a schema in PostgreSQL/PostGIS: one suite, run against both backends.
 * What only a shared database adds (two clients at once, the server's own refusals) follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore, SCHEMA_VERSION } from '../../electron/services/project-store';
import { SweepResults } from '../../electron/services/store/sweep-results';
import type { CheckReport } from '../../shared/model/check';
import { UserInputError } from '../../shared/model/errors';
import { repoRoot } from '../support/cli';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

let dir: string;
let pg: ThrowawayPostgis;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-backends-'));
  pg = startPostgis();
}, 600_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  pg?.stop();
});

let counter = 0;
const backends = {
  geopackage: () => join(dir, `p${++counter}.gpkg`),
  postgis: () => pg.url(freshSchema('store')),
} as const;

function report(parcelId: string, verdict: 'permitted' | 'conditional' | 'prohibited'): CheckReport {
  return {
    profile: 'qinxian',
    profileVersion: '2026.1',
    checkedAt: '2026-12-07T08:00:00.000Z',
    parcels: [{ id: parcelId, name: `地块 ${parcelId}`, verdict, findings: [] }],
  } as unknown as CheckReport;
}

describe.each(Object.entries(backends))('project records on %s', (backend, location) => {
  it('creates a project with its title, schema version and first audit entry, and reopens it', () => {
    const where = location();
    const store = ProjectStore.create(where, { title: '夏县 2026 报件' });
    expect(store.getMeta('title')).toBe('夏县 2026 报件');
    expect(store.getMeta('schemaVersion')).toBe(String(SCHEMA_VERSION));
    expect(store.db.dialect).toBe(backend === 'postgis' ? 'postgres' : 'sqlite');
    store.close();
    const reopened = ProjectStore.open(where);
    const audit = reopened.listAudit();
    expect(audit.map((e) => e.action)).toEqual(['create']);
    expect(audit[0].user).toBe(reopened.db.actingUser());
    expect(reopened.verifyAudit()).toEqual({ ok: true });
    reopened.close();
  });

  it('keeps the audit log as a hash chain that detects nothing wrong after many writers of records', () => {
    const store = ProjectStore.create(location());
    store.saveProjectProfile('xiaxian-2026', JSON.stringify({ id: 'xiaxian-2026', version: '1', basedOn: 'xiaxian' }));
    const before = store.db.dataVersion();
    store.saveProjectProfile('xiaxian-2026', JSON.stringify({ id: 'xiaxian-2026', version: '2', basedOn: 'xiaxian' }));
    expect(store.db.dataVersion()).toBe(before + 1);
    expect(store.listProjectProfiles().map((p) => [p.id, JSON.parse(p.json).version])).toEqual([['xiaxian-2026', '2']]);
    expect(store.deleteProjectProfile('xiaxian-2026')).toBe(true);
    expect(store.deleteProjectProfile('xiaxian-2026')).toBe(false);
    store.audit.setDisplayName('张三');
    expect(store.audit.displayNames()).toEqual({ [store.db.actingUser()]: '张三' });
    const actions = store.listAudit().map((e) => e.action);
    expect(actions).toEqual(['create', 'profile-save', 'profile-save', 'profile-delete', 'display-name']);
    expect(store.listAudit().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(store.verifyAudit()).toEqual({ ok: true });
    store.close();
  });

  it('records checks once per distinct result, keeps the latest verdict per parcel and reads reports back', () => {
    const store = ProjectStore.create(location());
    const first = store.recordCheck(report('XX-001', 'conditional'), { parcelTable: 'parcels', parcelsSource: 'parcels', trigger: 'cli' });
    const second = store.recordCheck(report('XX-001', 'prohibited'), { parcelTable: 'parcels', parcelsSource: 'parcels', trigger: 'ui' });
    const repeat = store.recordCheck(report('XX-001', 'prohibited'), { parcelTable: 'parcels', parcelsSource: 'parcels', trigger: 'ui' });
    expect(second).toBeGreaterThan(first);
    expect(repeat).toBeGreaterThan(second);
    expect(store.latestVerdicts('parcels', ['XX-001', 'XX-404'])).toEqual(new Map([['XX-001', 'prohibited']]));
    expect(store.listChecks().map((c) => [c.id, c.trigger, c.user])).toEqual([
      [first, 'cli', store.db.actingUser()],
      [second, 'ui', store.db.actingUser()],
      [repeat, 'ui', store.db.actingUser()],
    ]);
    expect(store.getCheckReport(first).parcels[0].verdict).toBe('conditional');
    expect(store.getCheckReport(repeat).checkedAt).toBe('2026-12-07T08:00:00.000Z');
    expect(store.listCheckParcels({ parcelId: 'XX-001' }).map((p) => p.verdict)).toEqual(['conditional', 'prohibited', 'prohibited']);
    expect(() => store.getCheckReport(999_999)).toThrow(UserInputError);
    store.close();
  });

  it('issues 文书编号 in order per year, the same number again for the same subject', () => {
    const store = ProjectStore.create(location());
    store.documentNumbers.setSettings({ authority: '夏县自然资源局', pattern: '夏自然资准〔{年}〕{号}号' });
    const a = store.documentNumbers.issue('decision:1', { parcelTable: 'parcels', parcelId: 'XX-001' }, '2026-12-07T08:00:00.000Z');
    const b = store.documentNumbers.issue('decision:2', { parcelTable: 'parcels', parcelId: 'XX-002' }, '2026-12-07T09:00:00.000Z');
    expect([a.number, b.number]).toEqual(['夏自然资准〔2026〕1号', '夏自然资准〔2026〕2号']);
    expect(store.documentNumbers.issue('decision:1', { parcelTable: 'parcels', parcelId: 'XX-001' })).toMatchObject({ number: a.number, reissued: true });
    store.close();
  });

  it('stores a sweep in batches, counts it by verdict and rule, pages, searches without regard to case and finds a parcel’s latest result', () => {
    const store = ProjectStore.create(location());
    const sweeps = new SweepResults(store);
    const sweepId = sweeps.begin({ profile: 'xiaxian', profileVersion: null, checkedAt: '2026-12-07T08:00:00.000Z', trigger: 'cli' });
    const parcel = (i: number) => ({
      id: `XX-${String(i).padStart(4, '0')}`,
      name: i % 2 ? `东关地块 ${i}` : `Beiguan ${i}`,
      verdict: (['prohibited', 'conditional', 'permitted'] as const)[i % 3],
      areaM2: 1000 + i,
      findings: i % 3 === 2 ? [] : [{ rule: i % 3 === 0 ? 'soil.residential-on-contaminated' : 'water.first-level', severity: 'info', message: 'm' }],
    });
    const all = Array.from({ length: 450 }, (_, i) => parcel(i));
    sweeps.append(sweepId, 'parcels', 0, all.slice(0, 300) as never);
    sweeps.append(sweepId, 'parcels', 300, all.slice(300) as never);
    expect(sweeps.list()).toEqual([]);
    const summary = sweeps.complete(sweepId, { parcelsSource: 'parcels', trigger: 'cli' });
    expect(summary).toMatchObject({ parcelCount: 450, verdicts: { prohibited: 150, conditional: 150, permitted: 150 }, complete: true });
    const page = sweeps.query({ sweepId, offset: 10, limit: 5 } as never);
    expect(page.total).toBe(450);
    expect(page.rows.map((r) => r.parcelId)).toEqual(['XX-0010', 'XX-0011', 'XX-0012', 'XX-0013', 'XX-0014']);
    expect(page.rules).toEqual([
      { ruleId: 'soil.residential-on-contaminated', parcels: 150 },
      { ruleId: 'water.first-level', parcels: 150 },
    ]);
    expect(sweeps.count(sweepId, { ruleId: 'water.first-level', verdict: 'conditional' })).toBe(150);
    expect(sweeps.count(sweepId, { search: 'beiguan' })).toBe(225);
    expect(sweeps.count(sweepId, { search: 'xx-01' })).toBe(100);
    expect([...sweeps.iterate(sweepId, { verdict: 'permitted' }, 40)].map((r) => r.seq)).toEqual(all.map((_, i) => i).filter((i) => i % 3 === 2));
    expect(sweeps.latestFor('parcels', 'XX-0004')?.result.verdict).toBe('conditional');
    expect(store.latestVerdicts('parcels', ['XX-0004'])).toEqual(new Map([['XX-0004', 'conditional']]));
    store.close();
  });

  it('opened read-only, refuses every write and leaves the project as it was', () => {
    const where = location();
    ProjectStore.create(where).close();
    const store = ProjectStore.open(where, { readonly: true });
    expect(() => store.setMeta('title', '改名')).toThrow(UserInputError);
    expect(() => store.appendAudit({ action: 'x', detail: null })).toThrow(UserInputError);
    expect(store.listAudit()).toHaveLength(1);
    store.close();
  });

  it('refuses to create over an existing project', () => {
    const where = location();
    ProjectStore.create(where).close();
    expect(() => ProjectStore.create(where)).toThrow(expect.objectContaining({ code: 'project.exists' }));
  });
});

describe('a shared project in PostgreSQL', () => {
  it('chains the audit entries of clients writing at the same moment into one unbroken log', async () => {
    const url = pg.url(freshSchema('two'));
    ProjectStore.create(url).close();
    const writer = join(repoRoot, 'tests', 'support', 'pg-audit-writer.ts');
    // the clients start writing together, however long each took to start (a loaded machine)
    const barrier = mkdtempSync(join(tmpdir(), 'landgate-audit-barrier-'));
    const client = (label: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run-ts.js'), writer, url, '40', label, barrier], { env: pg.env, stdio: 'inherit' });
        child.on('exit', (code) => resolve(code));
      });
    let ended = false;
    const exits = Promise.all([client('a'), client('b'), client('c')]).finally(() => (ended = true));
    while (!ended && !['a', 'b', 'c'].every((label) => existsSync(join(barrier, `${label}.ready`)))) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(barrier, 'go'), '');
    expect(await exits).toEqual([0, 0, 0]);
    rmSync(barrier, { recursive: true, force: true });
    const store = ProjectStore.open(url, { readonly: true });
    const entries = store.listAudit();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    const clients = entries.slice(1).map((e) => (e.detail as { client: string }).client);
    // they did interleave: not three runs one after the other
    expect(clients.findIndex((c, i) => i > 0 && c !== clients[i - 1])).toBeLessThan(40);
    expect(store.verifyAudit()).toEqual({ ok: true });
    store.close();
  }, 120_000);

  it('runs one sweep at a time across clients: a second is refused while the first runs, and may start once it ends', () => {
    const url = pg.url(freshSchema('sweep'));
    ProjectStore.create(url).close();
    const a = ProjectStore.open(url);
    const b = ProjectStore.open(url);
    const start = { profile: 'xiaxian', profileVersion: null, checkedAt: '2026-12-07T08:00:00.000Z', trigger: 'cli' as const };
    const first = new SweepResults(a).begin(start);
    expect(() => new SweepResults(b).begin(start)).toThrow(expect.objectContaining({ code: 'sweep.running-elsewhere', messageZh: expect.stringContaining('postgres') }));
    new SweepResults(a).discard(first);
    const second = new SweepResults(b).begin(start);
    expect(() => new SweepResults(a).begin(start)).toThrow(expect.objectContaining({ code: 'sweep.running-elsewhere' }));
    new SweepResults(b).complete(second, { parcelsSource: 'none', trigger: 'cli' });
    // a client that ends in the middle of a sweep releases it with its connection
    const third = new SweepResults(a).begin(start);
    expect(third).toBeGreaterThan(second);
    a.close();
    expect(new SweepResults(b).begin(start)).toBeGreaterThan(third);
    b.close();
  });

  it('takes consecutive 文书编号 for two reviewers issuing at once', () => {
    const url = pg.url(freshSchema('docno'));
    ProjectStore.create(url).close();
    const a = ProjectStore.open(url);
    const b = ProjectStore.open(url);
    const numbers = [
      a.documentNumbers.issue('decision:a', { parcelTable: 'p', parcelId: '1' }, '2026-05-01T00:00:00Z').sequence,
      b.documentNumbers.issue('decision:b', { parcelTable: 'p', parcelId: '2' }, '2026-05-01T00:00:00Z').sequence,
      a.documentNumbers.issue('decision:b', { parcelTable: 'p', parcelId: '2' }, '2026-05-01T00:00:00Z').sequence,
    ];
    expect(numbers).toEqual([1, 2, 2]);
    a.close();
    b.close();
  });

  it('names the database login as the one who acts, and the server refuses an audit row under another name', () => {
    const schema = freshSchema('login');
    ProjectStore.create(pg.url(schema)).close();
    pg.psql(`CREATE ROLE zhangsan LOGIN; GRANT ${schema}_planner TO zhangsan;`);
    const store = ProjectStore.open(pg.url(schema, 'zhangsan'));
    expect(store.db.actingUser()).toBe('zhangsan');
    store.appendAudit({ action: 'note', detail: null });
    expect(store.listAudit().at(-1)?.user).toBe('zhangsan');
    expect(() => store.appendAudit({ action: 'note', detail: null, user: 'lisi' })).toThrow(/session_user|login/);
    expect(store.listAudit()).toHaveLength(2);
    store.close();
    // append-only for the owner too
    expect(() => pg.psql(`UPDATE ${schema}.landgate_audit SET action = 'x'`)).toThrow(/append-only/);
    expect(() => pg.psql(`DELETE FROM ${schema}.landgate_audit`)).toThrow(/append-only/);
    pg.psql('DROP OWNED BY zhangsan; DROP ROLE zhangsan;');
  });

  it('refuses a URL with a password, without a schema, or to a server that does not answer, naming the URL without the password', () => {
    expect(() => ProjectStore.open('postgresql://reviewer:s3cret@127.0.0.1:5432/gis?schema=xiaxian')).toThrow(
      expect.objectContaining({ code: 'project.password-in-url', messageZh: expect.not.stringContaining('s3cret') }),
    );
    expect(() => ProjectStore.open('postgresql://reviewer@127.0.0.1:5432/gis')).toThrow(expect.objectContaining({ code: 'project.bad-url' }));
    expect(() => ProjectStore.open('postgresql://reviewer@127.0.0.1:5432/gis?schema=Bad-Name')).toThrow(expect.objectContaining({ code: 'project.bad-url' }));
    expect(() => ProjectStore.open('postgresql://reviewer@127.0.0.1:1/gis?schema=xiaxian')).toThrow(expect.objectContaining({ code: 'project.pg-connect', messageZh: expect.stringContaining('没有响应') }));
    expect(() => ProjectStore.open(pg.url(freshSchema('absent')))).toThrow(expect.objectContaining({ code: 'project.not-found' }));
  });
});
