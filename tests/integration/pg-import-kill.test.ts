/**
 * A client killed in the middle of `landgate import` into a shared project leaves nothing that
 * another client can see: no layer listed, no registry row, no table, no audit entry, and no lock
 * that holds up the next import (which then takes the same layer name at once).
 *
 * A generated 50 000-polygon GBK shapefile (bench/import.bench.ts: Gauss-Krüger zone 37, so every
 * feature is projected) takes several seconds to import; the command is SIGKILLed — no chance to
 * roll back or say goodbye, as when a workstation loses power — at moments read from the server
 * (pg_stat_activity) and from the command's progress: right after the layer table was created,
 * while a batch INSERT runs on the server, while the spatial index is built (the import's last
 * statements, with its audit entry about to be written), while it waits for the audit chain's lock
 * held by another client (everything else of the layer written), and at random moments of its
 * writing. Each state is read from another connection (psql), and during the import as well: the
 * layer is never visible to others before it is whole.
 *
 * Nothing in the import needed changing for this: it is one transaction (import-file.ts), and
 * PostgreSQL's DDL is transactional, so the table, its indexes, the registry rows and the audit
 * entry commit together or not at all. What did need changing is the server's noticing a dead
 * client that was blocked on a lock (pg-project.ts watchForDeadClient).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodePg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeShapefile } from '../../bench/import.bench';
import { landgate, repoRoot } from '../support/cli';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

const BIG_FEATURES = 50_000;
const SMALL_FEATURES = 200;

let pg: ThrowawayPostgis;
let dir: string;
let schema: string;
let url: string;
let big: string;
let small: string;
/** The watching connection: polls what the server is doing while an import runs. */
let watcher: nodePg.Client;

const run = (args: string[], env: Record<string, string> = {}) => landgate(args, { env: { ...(pg.env as Record<string, string>), ...env } });
const q = (table: string) => `"${schema}".${table}`;

/** Everything an import writes that another client can see, as one comparable text. */
function visibleState(): string {
  return pg
    .psql(
      `SELECT 'layers', string_agg(table_name, ',' ORDER BY table_name) FROM ${q('landgate_layers')};
       SELECT 'contents', string_agg(table_name, ',' ORDER BY table_name) FROM ${q('gpkg_contents')};
       SELECT 'geometry_columns', string_agg(table_name, ',' ORDER BY table_name) FROM ${q('gpkg_geometry_columns')};
       SELECT 'relations', string_agg(relname || ':' || CAST(relkind AS text), ',' ORDER BY relname) FROM pg_class WHERE relnamespace = '${schema}'::regnamespace;
       SELECT 'audit', count(*), max(seq), max(hash) FROM ${q('landgate_audit')};
       SELECT 'meta', string_agg(key || '=' || value, ';' ORDER BY key) FROM ${q('landgate_meta')};`,
    )
    .map((row) => row.join('|'))
    .join('\n');
}

/** Audit entries that name `table` (an import's entry carries its table in the detail). */
const auditEntriesFor = (table: string) => Number(pg.psql(`SELECT count(*) FROM ${q('landgate_audit')} WHERE detail LIKE '%"table":"${table}"%'`)[0][0]);

/** What the LandGate clients' server processes are doing now (state and the statement's start). */
async function landgateBackends(): Promise<{ pid: number; state: string; query: string }[]> {
  const { rows } = await watcher.query("SELECT pid, state, query FROM pg_stat_activity WHERE application_name = 'LandGate' AND pid <> pg_backend_pid()");
  return rows as { pid: number; state: string; query: string }[];
}

interface RunningImport {
  child: ChildProcess;
  startedAt: number;
  /** When the first progress line came: the import's transaction has begun and the table exists. */
  firstProgressAt: number | null;
  stderr(): string;
  exited: Promise<number | null>;
}

function startImport(table: string): RunningImport {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'landgate.js'), 'import', url, `${big}.shp`, '--kind', 'parcel', '--name', table, '--progress'], {
    cwd: repoRoot,
    env: { ...pg.env, LANDGATE_DEBUG: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const running: RunningImport = { child, startedAt: performance.now(), firstProgressAt: null, stderr: () => stderr, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (running.firstProgressAt === null && FIRST_PROGRESS.test(stderr)) running.firstProgressAt = performance.now();
  });
  return running;
}

/** The first progress line is printed inside the import's transaction, once beginLayer has made the table. */
const FIRST_PROGRESS = /已检查并写入 0 \//;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ready` every 10 ms until it holds; fails if the import ends first or 120 s pass. */
async function until(running: RunningImport, what: string, ready: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = performance.now() + 120_000;
  for (;;) {
    if (await ready()) return;
    if (running.child.exitCode !== null) throw new Error(`the import ended (exit ${running.child.exitCode}) before ${what}:\n${running.stderr()}`);
    if (performance.now() > deadline) throw new Error(`no ${what} within 120 s:\n${running.stderr()}`);
    await sleep(10);
  }
}

const statementRunning = (table: string, pattern: RegExp) => async () => (await landgateBackends()).some((b) => b.state === 'active' && pattern.test(b.query) && b.query.includes(`"${table}"`));

interface Kill {
  /** What was going on when the client died. */
  moment: string;
  /** Before the import starts. */
  before?(): Promise<void>;
  /** When to kill: resolves once that moment has come. */
  when(running: RunningImport, table: string): Promise<void>;
  /** Once the killed client's server process is gone. */
  after?(): Promise<void>;
}

/** The lock a write takes on the audit chain's head (ProjectDb.lockInTransaction), as its key. */
const auditChainKey = () => `${schema}/landgate_audit`;
let auditChainHeld = false;
async function releaseAuditChain(): Promise<void> {
  if (!auditChainHeld) return;
  auditChainHeld = false;
  await watcher.query('SELECT pg_advisory_unlock(hashtext($1))', [auditChainKey()]);
}

/** The import's writing window, from its first progress line to its index build (ms after its start), measured by the index-build kill. */
const writing = { from: 0, to: 0 };

const KILLS: Kill[] = [
  {
    moment: 'right after the layer table was created, before its first row',
    when: (running) => until(running, 'the first progress line', () => running.firstProgressAt !== null),
  },
  {
    moment: 'while a batch INSERT of 10 000 rows runs on the server',
    when: (running, table) => until(running, 'a running batch INSERT', statementRunning(table, /^INSERT INTO/)),
  },
  {
    moment: 'while the spatial index is built (the last statements, the audit entry next)',
    when: async (running, table) => {
      await until(running, 'the index build', statementRunning(table, /^(CREATE INDEX|ANALYZE)/));
      writing.from = running.firstProgressAt! - running.startedAt;
      writing.to = performance.now() - running.startedAt;
    },
  },
  {
    moment: 'while it waits for the audit chain, every row, index and registry entry of the layer written',
    // The watching connection holds the chain's lock, as another client appending to the audit
    // would: the import stops at its last step, inside its transaction, until the lock is free.
    before: async () => {
      await watcher.query('SELECT pg_advisory_lock(hashtext($1))', [auditChainKey()]);
      auditChainHeld = true;
    },
    when: (running) =>
      until(running, 'the wait for the audit chain', async () => {
        const { rows } = await watcher.query("SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'LandGate' AND l.locktype = 'advisory' AND NOT l.granted");
        return Number(rows[0].n) > 0;
      }),
    after: releaseAuditChain,
  },
  ...[1, 2].map(
    (n): Kill => ({
      moment: `at a random moment of the writing (${n})`,
      when: async (running) => {
        // Once the transaction has begun (before it, there is nothing to leave behind), at a random
        // point of the window the run above took from there to its index build.
        await until(running, 'the first progress line', () => running.firstProgressAt !== null);
        const delay = 0.9 * Math.random() * (writing.to - writing.from);
        console.log(`  random kill ${n}: ${(delay / 1000).toFixed(2)} s into the writing (the run above wrote for ${((writing.to - writing.from) / 1000).toFixed(1)} s)`);
        await sleep(delay);
      },
    }),
  ),
];

beforeAll(async () => {
  pg = startPostgis();
  dir = mkdtempSync(join(tmpdir(), 'landgate-pg-import-kill-'));
  big = join(dir, 'parcels_100k');
  small = join(dir, 'parcels_small');
  writeShapefile(big, BIG_FEATURES);
  writeShapefile(small, SMALL_FEATURES);
  schema = freshSchema('kill');
  url = pg.url(schema);
  const init = run(['init', url, '--title', '夏县共享项目']);
  expect(init.status, init.stderr).toBe(0);
  watcher = new nodePg.Client({ host: pg.env.PGHOST, port: Number(pg.env.PGPORT), user: 'postgres', database: 'gis' });
  await watcher.connect();
}, 600_000);

afterAll(async () => {
  await watcher?.end().catch(() => undefined);
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a client killed in the middle of an import into a shared project', () => {
  KILLS.forEach((kill, index) => {
    it(`leaves nothing visible to others and nothing in the way of the next import: killed ${kill.moment}`, async () => {
      const table = `killed_${index + 1}`;
      try {
        const before = visibleState();
        await kill.before?.();
        const running = startImport(table);
        try {
          await kill.when(running, table);
          // Up to the moment of the kill, another client saw nothing of the import.
          if (running.child.exitCode === null) expect(visibleState()).toBe(before);
          running.child.kill('SIGKILL');
        } finally {
          if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
        }
        const code = await running.exited;
        expect(code, `the import finished before it was killed:\n${running.stderr()}`).toBeNull();
        expect(running.child.signalCode).toBe('SIGKILL');

        // The server notices the dead client and rolls its transaction back; its backend goes, also
        // one blocked on a lock (pg-project.ts watchForDeadClient).
        const killedAt = performance.now();
        while ((await landgateBackends()).length > 0) {
          if (performance.now() - killedAt > 30_000) throw new Error(`the killed client's server process is still there after 30 s: ${JSON.stringify(await landgateBackends())}`);
          await sleep(20);
        }
        const goneMs = performance.now() - killedAt;
        await kill.after?.();

        expect(visibleState()).toBe(before);
        expect(pg.psql(`SELECT to_regclass('${q(table)}') IS NULL`)).toEqual([['t']]);
        expect(auditEntriesFor(table)).toBe(0);
        expect(pg.psql(`SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'LandGate'`)).toEqual([['0']]);

        // The next import takes the same name at once: with a lock timeout of 5 s, a lock the killed
        // client left behind (on the registry row, the audit chain's head, the table name) fails it.
        const t0 = performance.now();
        const next = run(['import', url, `${small}.shp`, '--kind', 'parcel', '--name', table], { PGOPTIONS: '-c lock_timeout=5000' });
        const nextSeconds = (performance.now() - t0) / 1000;
        expect(next.status, next.stderr).toBe(0);
        expect(next.stdout).toContain(`已导入 ${SMALL_FEATURES} 个要素到图层 ${table}`);
        expect(Number(pg.psql(`SELECT count(*) FROM ${q(table)}`)[0][0])).toBe(SMALL_FEATURES);
        expect(auditEntriesFor(table)).toBe(1);
        console.log(
          `killed ${kill.moment}: ${((killedAt - running.startedAt) / 1000).toFixed(2)} s after the start; server side gone ${goneMs.toFixed(0)} ms later; the next import (${SMALL_FEATURES} features, same name) took ${nextSeconds.toFixed(1)} s`,
        );
      } finally {
        // A failed case must not leave the next one stuck behind the audit chain's lock.
        await releaseAuditChain();
      }
    }, 300_000);
  });

  it('leaves an audit chain that verifies and a project whose every layer is whole', () => {
    const audit = run(['audit', url, '--format', 'json']);
    expect(audit.status, audit.stderr).toBe(0);
    const layers = pg.psql(`SELECT table_name FROM ${q('landgate_layers')} ORDER BY table_name`).flat();
    expect(layers).toEqual(KILLS.map((_, i) => `killed_${i + 1}`).sort());
    for (const table of layers) expect(Number(pg.psql(`SELECT count(*) FROM ${q(table)}`)[0][0])).toBe(SMALL_FEATURES);
  }, 120_000);
});
