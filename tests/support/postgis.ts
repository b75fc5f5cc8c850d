/**
 * A throwaway PostgreSQL + PostGIS cluster for tests of shared projects (Unix socket only, trust
 * authentication, started by ../shared/scripts/throwaway-postgis.sh; CI installs the packages in
 * .ci/run). A cluster that does not start FAILS the suite: shared projects are a backend of the
 * product, never skipped silently.
 *
 *   const pg = startPostgis();               // in beforeAll (allow minutes: it may install)
 *   const url = pg.url('xiaxian');           // postgresql:///gis?host=…&port=…&schema=xiaxian
 *   pg.psql('CREATE ROLE alice LOGIN');      // as the superuser
 *   pg.url('xiaxian', 'alice')               // the same project as login alice
 *   pg.stop();                               // in afterAll
 *
 * Processes started by a test (the CLI) reach the cluster through `pg.env` (PGHOST, PGPORT, …).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './cli';

const script = join(repoRoot, '..', 'shared', 'scripts', 'throwaway-postgis.sh');

export interface ThrowawayPostgis {
  /** The environment with PGHOST, PGPORT, PGUSER=postgres, PGDATABASE=gis. */
  env: NodeJS.ProcessEnv;
  /** A project URL in the test database: `schema`, as the superuser unless another login is named. */
  url(schema: string, user?: string): string;
  /** Runs SQL as the superuser; rows as arrays of text. */
  psql(sql: string, options?: { user?: string }): string[][];
  stop(): void;
}

let schemaCounter = 0;
/** A schema name unused in this run (tests share one cluster per file). */
export function freshSchema(prefix = 'lg'): string {
  return `${prefix}_${process.pid}_${++schemaCounter}`;
}

export function startPostgis(): ThrowawayPostgis {
  const exports = execFileSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 600_000 });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [, key, value] of exports.matchAll(/(\w+)=(\S+)/g)) env[key] = value;
  const dir = env.LG_PG_DIR;
  if (!dir || !env.PGHOST || !env.PGPORT) throw new Error(`throwaway-postgis.sh printed no cluster: ${exports}`);
  // The repositories' own processes and threads read the same variables.
  const host = env.PGHOST;
  const port = env.PGPORT;
  return {
    env,
    url(schema, user) {
      return `postgresql://${encodeURIComponent(user ?? 'postgres')}@/gis?host=${encodeURIComponent(host)}&port=${port}&schema=${schema}`;
    },
    psql(sql, options = {}) {
      const out = execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', ...(options.user ? ['-U', options.user] : [])], {
        input: sql,
        env,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      return out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => l.split('\t'));
    },
    stop() {
      execFileSync('bash', [script, 'stop', dir]);
    },
  };
}
