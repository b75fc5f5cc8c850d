/**
 * A top-level transaction the server rolls back for a conflict with another client (deadlock,
 * serialization failure) is run again from the start (ProjectDb.retryingTransaction,
 * PgConnection.retrying), a bounded number of times, then reported as "项目正忙"; a savepoint's
 * conflict propagates to the outermost level, and transaction() never re-runs anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker } from '../../electron/services/worker-entry';
import { ProjectStore } from '../../electron/services/project-store';
import { ProjectDb } from '../../electron/services/store/project-db';
import { sqlOf } from '../../electron/services/store/internal';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

let pg: ThrowawayPostgis;
let url: string;
let schema: string;
let dir: string;

beforeAll(() => {
  pg = startPostgis();
  Object.assign(process.env, { PGHOST: pg.env.PGHOST, PGPORT: pg.env.PGPORT });
  schema = freshSchema('retry');
  url = pg.url(schema);
  ProjectStore.create(url, { title: '并发测试' }).close();
  dir = mkdtempSync(join(tmpdir(), 'landgate-retry-'));
}, 600_000);

afterAll(() => {
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const meta = (key: string) => pg.psql(`SELECT value FROM ${schema}.landgate_meta WHERE key = '${key}'`)[0]?.[0];

/** Fails on the server with a real SQLSTATE, as a conflict would. */
const raise = (db: ProjectDb, errcode: string) => sqlOf(db).exec(`DO $$ BEGIN RAISE EXCEPTION 'test conflict' USING ERRCODE = '${errcode}'; END $$`);

function runClient(label: string, first: string, second: string, barrier: Int32Array): Promise<{ ok: boolean; runs: number; retried?: string[]; code?: string; message?: string }> {
  const worker = startWorker({ kind: 'source', url: new URL('../support/pg-deadlock-client.worker.ts', import.meta.url) }, { workerData: { url, label, first, second, barrier } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`client ${label} exited (${code}) before answering`)));
  });
}

describe('transactions on a shared project under conflicts', () => {
  it('a real deadlock between two clients: the victim is re-run and both end committed', async () => {
    const db = ProjectDb.open(url);
    db.transaction(() => {
      db.setMetaRaw('deadlock-test:a', '-');
      db.setMetaRaw('deadlock-test:b', '-');
    });
    db.close();
    const barrier = new Int32Array(new SharedArrayBuffer(4));
    // Opposite orders: x locks a then wants b, y locks b then wants a.
    const [x, y] = await Promise.all([runClient('x', 'deadlock-test:a', 'deadlock-test:b', barrier), runClient('y', 'deadlock-test:b', 'deadlock-test:a', barrier)]);
    expect(x.ok, x.message).toBe(true);
    expect(y.ok, y.message).toBe(true);
    // The server rolled back a deadlock victim, which was re-run (usually one client once; should
    // the server's detectors in both backends fire together, both are victims and both re-run).
    const retried = [...x.retried!, ...y.retried!];
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(new Set(retried)).toEqual(new Set(['40P01']));
    expect(x.runs + y.runs).toBe(2 + retried.length);
    // Both committed, each with the run that went through.
    expect(meta('deadlock-test:x')).toBe(String(x.runs));
    expect(meta('deadlock-test:y')).toBe(String(y.runs));
    // Both settings come from one transaction (the last to commit): no mix of the two.
    expect(['x', 'y']).toContain(meta('deadlock-test:a'));
    expect(meta('deadlock-test:b')).toBe(meta('deadlock-test:a'));
    // The server did see a deadlock (not two transactions that merely waited in turn).
    const deadlocks = Number(pg.psql(`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`)[0][0]);
    expect(deadlocks).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('gives up after N conflicts with a Chinese "项目正忙" message, nothing written', () => {
    const db = ProjectDb.open(url);
    let runs = 0;
    let error: unknown;
    try {
      db.retryingTransaction(
        () => {
          runs++;
          db.setMetaRaw('giveup-test', String(runs));
          raise(db, '40001');
        },
        { attempts: 3, baseDelayMs: 1 },
      );
    } catch (e) {
      error = e;
    }
    db.close();
    expect(runs).toBe(3);
    expect(error).toMatchObject({ name: 'UserInputError', code: 'project.busy' });
    const { messageZh, messageEn } = error as { messageZh: string; messageEn: string };
    expect(messageZh).toContain(`共享项目“postgresql://`);
    expect(messageZh).toContain(schema);
    expect(messageZh).toMatch(/正忙.*重试 3 次.*未改动项目.*请稍后重试/);
    expect(messageEn).toContain('Gave up after 3 attempts');
    expect(meta('giveup-test')).toBeUndefined();
  });

  it('a deadlock victim (40P01) and a lock timeout (55P03) are retried too; other errors are not', () => {
    const db = ProjectDb.open(url);
    for (const state of ['40P01', '55P03']) {
      let runs = 0;
      const value = db.retryingTransaction(
        () => {
          runs++;
          if (runs < 3) raise(db, state);
          db.setMetaRaw(`retry-test:${state}`, String(runs));
          return runs;
        },
        { baseDelayMs: 1 },
      );
      expect(value).toBe(3);
      expect(meta(`retry-test:${state}`)).toBe('3');
    }
    let runs = 0;
    expect(() =>
      db.retryingTransaction(() => {
        runs++;
        raise(db, '23514');
      }),
    ).toThrow();
    expect(runs).toBe(1);
    db.close();
  });

  it('a conflict inside a savepoint reaches the outermost transaction even when caught there', () => {
    const db = ProjectDb.open(url);
    let runs = 0;
    db.retryingTransaction(
      () => {
        runs++;
        db.setMetaRaw('savepoint-test', String(runs));
        if (runs === 1) {
          try {
            // A caller that catches its savepoint's failure and goes on would commit a
            // transaction the server chose as a victim: the conflict is re-run instead.
            db.transaction(() => raise(db, '40P01'));
          } catch {
            /* swallowed */
          }
        }
      },
      { baseDelayMs: 1 },
    );
    expect(runs).toBe(2);
    expect(meta('savepoint-test')).toBe('2');
    db.close();
  });

  it('transaction() runs once and reports the conflict; nested retryingTransaction does not retry', () => {
    const db = ProjectDb.open(url);
    let runs = 0;
    expect(() =>
      db.transaction(() => {
        runs++;
        raise(db, '40P01');
      }),
    ).toThrow(expect.objectContaining({ code: 'project.conflict' }));
    expect(runs).toBe(1);
    runs = 0;
    expect(() =>
      db.transaction(() =>
        db.retryingTransaction(() => {
          runs++;
          raise(db, '40001');
        }),
      ),
    ).toThrow(expect.objectContaining({ code: 'project.conflict' }));
    expect(runs).toBe(1);
    db.close();
  });

  it('on a GeoPackage retryingTransaction runs fn once', () => {
    const store = ProjectStore.create(join(dir, 'p.gpkg'), { title: 'x' });
    let runs = 0;
    expect(store.retryingTransaction(() => ++runs)).toBe(1);
    store.close();
  });
});
