/**
 * The review store on a shared project in PostgreSQL/PostGIS (a throwaway cluster): submissions
 * and decisions written under the database login; the bureau's rights enforced by the database
 * itself (each refusal LandGate reports is shown to be the server's by the same statement in
 * psql); the audit log and decisions append-only even for the owner; and two reviewers, in two
 * processes with two connections, signing the same parcel or submission at once.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../electron/services/api-service';
import { startHost } from '../../electron/host/server';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { sqlStateOf } from '../../electron/services/store/postgres/pg-errors';
import type { DecisionInput } from '../../shared/review/model';
import { repoRoot } from '../support/cli';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';
import { refusalOf, refusalOfAsync } from '../support/refusal';

let pg: ThrowawayPostgis;
let schema: string;

const LOGINS = { planner: 'lg_pl', reviewer: 'lg_rv', reviewer2: 'lg_rv2', reader: 'lg_ro' } as const;

/** Seven 100 m squares near 夏县 (EPSG:4490). */
function parcels(): Feature[] {
  return [1, 2, 3, 4, 5, 6, 7].map((n) => {
    const x = 111.2 + n * 0.002;
    const y = 35.1;
    const d = 0.001;
    return {
      type: 'Feature',
      properties: { id: `P-${n}`, name: `${n} 号地块` },
      geometry: { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] },
    };
  });
}

const url = (login?: string) => pg.url(schema, login);

function openAs(login: string): ProjectStore {
  return ProjectStore.open(url(login));
}

function withStore<T>(login: string, fn: (store: ProjectStore, review: ReviewStore) => T): T {
  const store = openAs(login);
  try {
    return fn(store, new ReviewStore(store));
  } finally {
    store.close();
  }
}

/** What psql as `user` says when the server refuses `sql` (the test fails if it is accepted). */
function psqlRefusal(sql: string, user?: string): string {
  try {
    pg.psql(sql, { user });
  } catch (error) {
    return String((error as { stderr?: unknown }).stderr ?? error);
  }
  throw new Error(`psql accepted: ${sql}`);
}

const q = (table: string) => `"${schema}".${table}`;
const count = (sql: string) => Number(pg.psql(sql)[0][0]);

/** Everything a refused write could have touched, as text. */
function fingerprint(): string {
  return pg
    .psql(
      `SELECT (SELECT count(*) FROM ${q('landgate_audit')}), (SELECT max(hash) FROM ${q('landgate_audit')}),
              (SELECT count(*) FROM ${q('landgate_decisions')}), (SELECT count(*) FROM ${q('landgate_submissions')}),
              (SELECT count(*) FROM ${q('landgate_checks')}), (SELECT count(*) FROM ${q('landgate_profiles')}),
              (SELECT string_agg(key || '=' || value, ';' ORDER BY key) FROM ${q('landgate_meta')}),
              (SELECT string_agg(r.rolname || '>' || u.rolname, ';' ORDER BY r.rolname, u.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname LIKE '${schema}\\_%')`,
    )
    .map((row) => row.join('|'))
    .join('\n');
}

const signature = (name: string) => ({ name, department: '夏县自然资源局', date: '2026-11-20' });

function decisionInput(parcelId: string, over: Partial<DecisionInput> = {}): DecisionInput {
  return { table: 'parcels', parcelId, decision: 'approved', opinion: '经审查，准予准入。', conditions: [], signature: signature('王审查'), ...over };
}

beforeAll(() => {
  pg = startPostgis();
  schema = freshSchema('review');
  pg.psql(Object.values(LOGINS).map((login) => `CREATE ROLE ${login} LOGIN;`).join('\n'));
  const store = ProjectStore.create(url(), { title: '夏县共享项目' });
  try {
    store.writeLayer({ table: 'parcels', kind: 'parcel', title: '报件地块', sourceFile: null, originalCrs: 'EPSG:4490', features: parcels() });
    store.roles.grant(LOGINS.planner, 'planner');
    store.roles.grant(LOGINS.reviewer, 'reviewer');
    store.roles.grant(LOGINS.reviewer2, 'reviewer');
    store.roles.grant(LOGINS.reader, 'readonly');
  } finally {
    store.close();
  }
}, 600_000);

afterAll(() => pg?.stop());

describe('the review store on a shared project', () => {
  it('a planner registers a submission and a reviewer signs and revises, each row and audit entry under its own database login', () => {
    const submission = withStore(LOGINS.planner, (_store, review) => review.createSubmission({ parcelTable: 'parcels', parcelIds: ['P-2', 'P-3'], applicant: '夏县土地储备中心', receivedOn: '2026-11-03' }));
    expect(submission.parcelIds).toEqual(['P-2', 'P-3']);
    expect(pg.psql(`SELECT "user" FROM ${q('landgate_submissions')} WHERE id = ${submission.id}`)).toEqual([[LOGINS.planner]]);

    const { first, second } = withStore(LOGINS.reviewer, (_store, review) => {
      const first = review.signDecision(decisionInput('P-4', { decision: 'conditional', conditions: ['开展土壤污染状况调查'] }));
      const second = review.signDecision(decisionInput('P-4', { decision: 'rejected', opinion: '复核后不予准入。', supersedes: first.id, revisionReason: '补充材料显示曾有电镀作业' }));
      return { first, second };
    });
    expect(first.user).toBe(LOGINS.reviewer);
    expect([first.revision, second.revision, second.supersedes]).toEqual([1, 2, first.id]);
    expect(pg.psql(`SELECT revision, "user" FROM ${q('landgate_decisions')} WHERE parcel_id = 'P-4' ORDER BY revision`)).toEqual([
      ['1', LOGINS.reviewer],
      ['2', LOGINS.reviewer],
    ]);

    // Another client reads the same record: the trail names the logins, and it verifies.
    withStore(LOGINS.reader, (_store, review) => {
      const trail = review.auditTrail({ table: 'parcels', parcelId: 'P-4' });
      expect(trail.map((e) => [e.action, e.user])).toEqual([
        ['import', 'postgres'],
        ['decision', LOGINS.reviewer],
        ['decision-revision', LOGINS.reviewer],
      ]);
      expect(review.auditTrail({ table: 'parcels', parcelId: 'P-2' }).find((e) => e.action === 'submission')?.user).toBe(LOGINS.planner);
      expect(review.latestDecision('parcels', 'P-4')?.decision).toBe('rejected');
      expect(review.listSubmissions().find((s) => s.id === submission.id)?.parcelIds).toEqual(['P-2', 'P-3']);
      expect(review.verify()).toEqual({ ok: true, problems: [], firstBadSeq: undefined });
    });
  });

  it("a planner's attempt to sign is refused by the database itself, and nothing of it is written", () => {
    const before = fingerprint();
    const refusal = withStore(LOGINS.planner, (_store, review) => refusalOf(() => review.signDecision(decisionInput('P-5'))));
    expect(refusal.code).toBe('project.pg-denied');
    expect(sqlStateOf(refusal)).toBe('42501');
    expect(refusal.messageZh).toBe(
      `数据库拒绝：登录 ${LOGINS.planner} 没有写入审查决定的权限（需要角色 ${schema}_reviewer（审查））。请项目管理员用 landgate role 授予角色；本次操作未改动项目。`,
    );
    expect(fingerprint()).toBe(before);
    // The same row, straight into the table as that login: the server refuses it, not LandGate.
    const insert = `INSERT INTO ${q('landgate_decisions')} (parcel_table, parcel_id, revision, decision, opinion, conditions, signer_name, signer_department, signed_on, signed_at, "user", content_hash)
      VALUES ('parcels', 'P-5', 1, 'approved', '准予准入', '[]', '李经办', '夏县自然资源局', '2026-11-20', '2026-11-20T02:00:00Z', '${LOGINS.planner}', 'x')`;
    expect(psqlRefusal(insert, LOGINS.planner)).toMatch(/permission denied for table landgate_decisions/);
    expect(fingerprint()).toBe(before);
  });

  it('a read-only login reads everything and can write nothing, by LandGate or by psql', () => {
    const before = fingerprint();
    withStore(LOGINS.reader, (store, review) => {
      expect(review.listDecisions('parcels', 'P-4')).toHaveLength(2);
      expect(store.listLayers().map((l) => l.table)).toEqual(['parcels']);
      const attempts: [string, () => unknown][] = [
        ['sign', () => review.signDecision(decisionInput('P-5'))],
        ['submission', () => review.createSubmission({ parcelTable: 'parcels', parcelIds: ['P-5'] })],
        ['display name', () => store.audit.setDisplayName('只读用户')],
        ['settings', () => store.documentNumbers.setSettings({ authority: '夏县自然资源局' })],
        ['audit', () => store.appendAudit({ action: 'export', detail: { format: 'pdf', file: 'x.pdf' } })],
        ['grant', () => store.roles.grant(LOGINS.reader, 'admin')],
        ['layer', () => store.writeLayer({ table: 'more_parcels', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: parcels().slice(0, 1) })],
      ];
      for (const [what, attempt] of attempts) {
        const refusal = refusalOf(attempt);
        expect(refusal.code, what).toBe('project.pg-denied');
        expect(sqlStateOf(refusal), what).toBe('42501');
        expect(refusal.messageZh, what).toMatch(new RegExp(`^数据库拒绝：登录 ${LOGINS.reader} (没有写入|无权)`));
      }
    });
    expect(fingerprint()).toBe(before);
    expect(psqlRefusal(`INSERT INTO ${q('landgate_audit')} (seq, at, "user", action, detail, prev_hash, hash) VALUES (999, 'x', '${LOGINS.reader}', 'x', '{}', 'x', 'x')`, LOGINS.reader)).toMatch(/permission denied for table landgate_audit/);
    expect(psqlRefusal(`UPDATE ${q('landgate_meta')} SET value = 'x' WHERE key = 'title'`, LOGINS.reader)).toMatch(/permission denied for table landgate_meta/);
    expect(psqlRefusal(`CREATE TABLE ${q('mine')} (x int)`, LOGINS.reader)).toMatch(/permission denied for schema/);
    expect(fingerprint()).toBe(before);
  });

  it('the audit log and signed decisions refuse UPDATE, DELETE and TRUNCATE, even from their owner', () => {
    const before = fingerprint();
    // postgres owns the schema (it created the project) and is a superuser: the triggers still refuse.
    for (const sql of [
      `UPDATE ${q('landgate_audit')} SET detail = '{}' WHERE seq = 1`,
      `DELETE FROM ${q('landgate_audit')} WHERE seq = (SELECT max(seq) FROM ${q('landgate_audit')})`,
      `TRUNCATE ${q('landgate_audit')}`,
      `UPDATE ${q('landgate_decisions')} SET decision = 'approved'`,
      `DELETE FROM ${q('landgate_decisions')}`,
    ]) {
      expect(psqlRefusal(sql), sql).toMatch(/is append-only/);
    }
    // A reviewer may add decisions, never change one.
    expect(psqlRefusal(`UPDATE ${q('landgate_decisions')} SET opinion = 'x'`, LOGINS.reviewer)).toMatch(/permission denied for table landgate_decisions/);
    expect(fingerprint()).toBe(before);
    withStore(LOGINS.reader, (_store, review) => expect(review.verify().ok).toBe(true));
  });

  it('an audit entry or decision under another name than the login is refused; a package decision keeps its author in its provenance', () => {
    const before = fingerprint();
    const refusal = withStore(LOGINS.reviewer, (store) => refusalOf(() => store.appendAudit({ action: 'export', user: 'zhangsan', detail: { format: 'pdf', file: 'x.pdf' } })));
    expect(refusal.code).toBe('project.pg-own-login');
    expect(refusal.messageZh).toBe(`数据库拒绝：审计日志只能以当前登录 ${LOGINS.reviewer} 的名义写入，不能记为“zhangsan”。本次操作未改动项目。`);
    expect(fingerprint()).toBe(before);

    const decision = (user: string) => `INSERT INTO ${q('landgate_decisions')} (parcel_table, parcel_id, revision, decision, opinion, conditions, signer_name, signer_department, signed_on, signed_at, "user", content_hash)
      VALUES ('parcels', 'P-5', 1, 'approved', '准予准入', '[]', '王审查', '夏县自然资源局', '2026-11-20', '2026-11-20T02:00:00Z', '${user}', 'x')`;
    expect(psqlRefusal(decision('zhangsan'), LOGINS.reviewer)).toMatch(/written under the login that acts \(lg_rv\), not as zhangsan/);
    // The same row under the reviewer's own login passes the trigger (rolled back: it would break the record).
    expect(pg.psql(`BEGIN; ${decision(LOGINS.reviewer)} RETURNING parcel_id; ROLLBACK;`, { user: LOGINS.reviewer })).toEqual([['P-5']]);
    expect(fingerprint()).toBe(before);

    // A decision brought from another bureau's package is written by the login that imports it.
    const imported = withStore(LOGINS.reviewer, (_store, review) =>
      review.signDecision(decisionInput('P-5', { signature: signature('赵生态') }), {
        user: 'zhao',
        signedAt: '2026-11-19T03:00:00.000Z',
        source: { department: '运城市生态环境局夏县分局', exportedAt: '2026-11-19T04:00:00.000Z', sourceProject: 'eco.gpkg', originalIds: { decisionId: 7 } },
      }),
    );
    expect(imported.user).toBe(LOGINS.reviewer);
    expect(imported.source?.originalIds).toEqual({ decisionId: 7, user: 'zhao' });
    withStore(LOGINS.reader, (_store, review) => expect(review.verify().ok).toBe(true));
  });
});

interface Child {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** One reviewer's client in a process of its own (tests/support/sign-decision.ts). */
function signInChild(login: string, input: DecisionInput): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run-ts.js'), join(repoRoot, 'tests', 'support', 'sign-decision.ts'), url(login), JSON.stringify(input)], {
      cwd: repoRoot,
      env: { ...pg.env, LANDGATE_DEBUG: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Holds the lock a signing transaction takes (ProjectDb.lockInTransaction) from a psql session
 * of its own, so both clients wait at the same point, inside their signing transactions and
 * before reading the parcel's decisions; the race is then decided by the database, not by how fast
 * each process started.
 */
async function holdSigningLock(): Promise<{ release(): void }> {
  const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1'], { env: pg.env });
  let out = '';
  psql.stdout.on('data', (d) => (out += d));
  psql.stdin.write(`SELECT pg_advisory_lock(hashtext('${schema}/landgate_decisions'));\n\\echo locked\n`);
  for (let i = 0; !out.includes('locked'); i++) {
    if (i > 600) throw new Error('psql never took the lock');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { release: () => psql.stdin.end() };
}

async function untilWaiting(n: number): Promise<void> {
  for (let i = 0; ; i++) {
    if (count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") >= n) return;
    if (i > 1200) throw new Error(`fewer than ${n} clients reached the signing lock`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two reviewers signing at once', () => {
  it('the same parcel: one decision stands, the other reviewer is told who signed first, and nothing of theirs is written', async () => {
    const lock = await holdSigningLock();
    const a = { login: LOGINS.reviewer, input: decisionInput('P-1', { decision: 'approved', opinion: '甲：准予准入。', signature: signature('甲审查') }) };
    const b = { login: LOGINS.reviewer2, input: decisionInput('P-1', { decision: 'rejected', opinion: '乙：不予准入。', signature: signature('乙审查') }) };
    const running = [signInChild(a.login, a.input), signInChild(b.login, b.input)];
    await untilWaiting(2);
    lock.release();
    const results = await Promise.all(running);
    expect(results.map((r) => r.status).sort(), results.map((r) => r.stderr).join('\n')).toEqual([0, 2]);
    const winner = results[0].status === 0 ? a : b;
    const loser = winner === a ? b : a;
    const refused = results.find((r) => r.status === 2)!;
    expect(refused.stderr).toContain('code: review.conflict');
    expect(refused.stderr).toMatch(
      new RegExp(`错误：地块“P-1”已由 ${winner.input.signature.name}（${winner.login}）于 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} 签署审查决定“[^”]+”（第 1 版），您的签发未写入。请刷新后再决定是否修订。`),
    );
    expect(refused.stderr).not.toMatch(/内部错误|at .+\.ts:\d+/);
    expect(pg.psql(`SELECT revision, decision, "user", opinion FROM ${q('landgate_decisions')} WHERE parcel_id = 'P-1'`)).toEqual([['1', winner.input.decision, winner.login, winner.input.opinion]]);
    expect(count(`SELECT count(*) FROM ${q('landgate_audit')} WHERE detail LIKE '%${loser.input.signature.name}%'`)).toBe(0);
    expect(count(`SELECT count(*) FROM ${q('landgate_audit')} WHERE action = 'decision' AND detail LIKE '%"parcelId":"P-1"%'`)).toBe(1);
    withStore(LOGINS.reader, (_store, review) => expect(review.verify().ok).toBe(true));
  }, 240_000);

  it('the same submission: the first signature covers every parcel, the second writes none of them', async () => {
    const submission = withStore(LOGINS.planner, (_store, review) => review.createSubmission({ parcelTable: 'parcels', parcelIds: ['P-6', 'P-7'] }).id);
    expect(submission).toBeGreaterThan(0);
    const sign = (login: string, name: string, decision: DecisionInput['decision']) => ({
      login,
      input: decisionInput('P-6', { decision, opinion: `${name}：按报件整体审查。`, conditions: decision === 'conditional' ? ['开展土壤污染状况调查'] : [], signature: signature(name), coverSubmission: true }),
    });
    const a = sign(LOGINS.reviewer, '丙审查', 'conditional');
    const b = sign(LOGINS.reviewer2, '丁审查', 'rejected');
    const before = count(`SELECT count(*) FROM ${q('landgate_decisions')}`);
    const lock = await holdSigningLock();
    const running = [signInChild(a.login, a.input), signInChild(b.login, b.input)];
    await untilWaiting(2);
    lock.release();
    const results = await Promise.all(running);
    expect(results.map((r) => r.status).sort(), results.map((r) => r.stderr).join('\n')).toEqual([0, 2]);
    const winner = results[0].status === 0 ? a : b;
    const loser = winner === a ? b : a;
    expect(results.find((r) => r.status === 2)!.stderr).toMatch(new RegExp(`地块“P-6”已由 ${winner.input.signature.name}（${winner.login}）于 .+（第 1 版），您的签发未写入`));
    // Both parcels signed by the winner, in one act; none of the loser's rows, not even for P-7.
    expect(count(`SELECT count(*) FROM ${q('landgate_decisions')}`)).toBe(before + 2);
    expect(pg.psql(`SELECT parcel_id, revision, signer_name FROM ${q('landgate_decisions')} WHERE signer_name IN ('丙审查', '丁审查') ORDER BY parcel_id`)).toEqual([
      ['P-6', '1', winner.input.signature.name],
      ['P-7', '1', winner.input.signature.name],
    ]);
    expect(count(`SELECT count(*) FROM ${q('landgate_audit')} WHERE detail LIKE '%${loser.input.signature.name}%'`)).toBe(0);
    withStore(LOGINS.reader, (_store, review) => expect(review.verify().ok).toBe(true));
  }, 240_000);
});

describe('a client whose connection ends mid-signature', () => {
  it('is told the connection was lost, and nothing of its signature is written', async () => {
    const before = fingerprint();
    const lock = await holdSigningLock();
    const running = signInChild(LOGINS.reviewer, decisionInput('P-2', { signature: signature('戊审查') }));
    await untilWaiting(1);
    // The client is inside its signing transaction, waiting for the lock: an administrator ends it.
    expect(pg.psql("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).toEqual([['t']]);
    lock.release();
    const result = await running;
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain('code: project.pg-connection-lost');
    expect(result.stderr).toContain(`错误：与共享项目“${url(LOGINS.reviewer)}”的连接中断（数据库服务器关闭、重启或没有响应）。未完成的改动已由数据库撤销，请稍后重新打开项目。`);
    expect(fingerprint()).toBe(before);
  }, 240_000);
});

describe('browser mode on a shared project', () => {
  it('serves the project at its URL: checks, the review and the audit trail under the login', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'landgate-shared-serve-'));
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>LandGate</title>');
    const api = createApiService(url(LOGINS.reviewer));
    const host = await startHost({ api, rendererDir, port: 0 });
    try {
      const token = new URL(host.url).searchParams.get('token')!;
      const call = async (method: string, body: unknown) => {
        const response = await fetch(new URL(`/api/${method}`, host.url), { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-LandGate-Session': token }, body: JSON.stringify(body) });
        return (await response.json()) as Record<string, unknown>;
      };
      expect((await call('getProject', {})).title).toBe('夏县共享项目');
      const report = (await call('checkParcel', { table: 'parcels', parcelId: 'P-3', profile: 'xiaxian' })) as { parcels: { id: string; verdict: string }[] };
      expect(report.parcels.map((p) => p.id)).toEqual(['P-3']);
      const parcelReview = (await call('getParcelReview', { table: 'parcels', parcelId: 'P-3' })) as { latestCheck: { verdict: string } | null };
      expect(parcelReview.latestCheck?.verdict).toBe(report.parcels[0].verdict);
      const trail = (await call('getAuditTrail', {})) as { currentAccount: string; entries: { action: string; user: string }[]; integrity: { ok: boolean } };
      expect(trail.currentAccount).toBe(LOGINS.reviewer);
      expect(trail.entries.at(-1)).toMatchObject({ action: 'check', user: LOGINS.reviewer });
      expect(trail.integrity.ok).toBe(true);
    } finally {
      await host.close();
      api.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // A refusal by the database reaches the page in words, as any user error does.
    const readerApi = createApiService(url(LOGINS.reader));
    try {
      const denied = await refusalOfAsync(readerApi.signDecision(decisionInput('P-3')));
      expect(denied.code).toBe('project.pg-denied');
      expect(denied.messageZh).toContain(`登录 ${LOGINS.reader} 没有写入审查决定的权限`);
    } finally {
      readerApi.close();
    }
  }, 120_000);
});
