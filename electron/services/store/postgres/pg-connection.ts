/**
 * The SqlConnection of a project in PostgreSQL: better-sqlite3's statement API over the
 * synchronous bridge, so repositories run their statements unchanged. Placeholders `?` become
 * `$1…$n`; transactions nest as savepoints; `iterate` reads through a server-side cursor in
 * batches, so a sweep over a province never holds its parcels in the client.
 */
import type { ClientConfig } from 'pg';
import type { RunResult, SqlConnection, SqlStatement } from '../sql';
import { UserInputError } from '../../../../shared/model/errors';
import { PgBridge, PgError } from './pg-bridge';
import { pgRefusal, sqlStateOf, type PgErrorContext } from './pg-errors';

const CURSOR_BATCH = 2_000;

/**
 * The failures after which the whole transaction, re-run from its start, may well succeed: the
 * server rolled it back because another client's transaction held what it needed (40P01
 * deadlock_detected: the server picked this one as the victim; 40001 serialization_failure;
 * 55P03 lock_not_available: a lock_timeout a DBA may set on the bureau's logins — LandGate sets
 * none itself). Nothing of the attempt remains on the server.
 */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40P01', '40001', '55P03']);

export interface RetryPolicy {
  /** Runs in all, the first included (default 5). */
  attempts?: number;
  /** Backoff before run n+1: uniform in [0, min(maxDelayMs, baseDelayMs·2^(n-1))] ms (full jitter). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told of each run rolled back and about to be re-run (a log line, a test's record). */
  onRetry?: (attempt: number, sqlState: string) => void;
}

const DEFAULT_RETRY = { attempts: 5, baseDelayMs: 25, maxDelayMs: 800 };

/** Blocks this thread for ms (the store is synchronous; see pg-bridge.ts). */
function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class PgConnection implements SqlConnection {
  readonly dialect = 'postgres' as const;
  private readonly bridge: PgBridge;
  private depth = 0;
  private cursorCount = 0;
  private closed = false;
  /** Who is connected to which project, once known: the repositories' statements then say what the server refused in words. */
  private context: PgErrorContext | null = null;
  /**
   * A retryable failure (RETRYABLE_SQLSTATES) met by any statement of the current top-level
   * transaction. Whatever the code between caught or wrapped, that transaction is no longer worth
   * committing (the server chose it as a deadlock victim, or its snapshot is stale): the
   * outermost level rolls it back and reports the conflict, so a savepoint that swallowed the
   * error cannot hide it from the retry.
   */
  private conflict: PgError | null = null;
  /** Top-level transactions re-run after a conflict, since the connection opened (for logs and tests). */
  conflictRetries = 0;

  constructor(config: ClientConfig) {
    this.bridge = new PgBridge(config);
  }

  /** From here on, a refusal by the server (rights, constraints, a lost connection) reaches the caller as a UserInputError (pg-errors.ts). */
  explainRefusals(context: PgErrorContext): void {
    this.context = context;
  }

  /** A statement of a repository: as query(), with the server's refusals in words. */
  statement(sql: string, params: readonly unknown[], array: boolean): { rows: unknown[]; rowCount: number } {
    try {
      return this.bridge.query(sql, params, array);
    } catch (error) {
      this.noteConflict(error);
      throw this.explained(error, sql);
    }
  }

  private noteConflict(error: unknown): void {
    if (this.depth > 0 && error instanceof PgError && error.code && RETRYABLE_SQLSTATES.has(error.code)) this.conflict ??= error;
  }

  private explained(error: unknown, sql: string): unknown {
    return (this.context && pgRefusal(error, sql, this.context)) ?? error;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  query(sql: string, params: readonly unknown[] = [], array = false): { rows: unknown[]; rowCount: number } {
    return this.bridge.query(sql, params, array);
  }

  prepare(sql: string): SqlStatement {
    return new PgStatement(this, toNumberedPlaceholders(sql), false);
  }

  exec(sql: string): this {
    this.statement(sql, [], false);
    return this;
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): F {
    const run = (...args: Parameters<F>): ReturnType<F> => {
      const level = this.depth;
      const savepoint = `lg_sp_${level}`;
      const begin = level === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}`;
      if (level === 0) this.conflict = null;
      try {
        this.bridge.query(begin);
      } catch (error) {
        throw this.explained(error, begin);
      }
      this.depth++;
      try {
        const result = fn(...args) as ReturnType<F>;
        // A conflict swallowed inside (a savepoint's caller caught it) still ends the transaction.
        if (level === 0 && this.conflict) throw this.explained(this.conflict, 'COMMIT');
        this.depth--;
        const end = level === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`;
        try {
          this.bridge.query(end);
        } catch (error) {
          // A commit can still be refused (a serialization failure, a lost connection): nothing landed.
          this.depth = level + 1;
          this.noteConflict(error);
          throw this.explained(error, end);
        }
        return result;
      } catch (error) {
        this.depth = level;
        try {
          this.bridge.query(level === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`);
        } catch {
          // the connection is gone; the server rolls back on its own
        }
        throw error;
      }
    };
    return run as unknown as F;
  }

  /**
   * fn in one transaction which, when the server rolls it back for a conflict with another
   * client (RETRYABLE_SQLSTATES), is run again from the start, up to `attempts` runs with
   * jittered exponential backoff; then the user is told the project is busy (project.busy).
   *
   * fn may therefore run more than once: it must be a function of the database alone — every
   * effect inside the transaction, nothing consumed (an iterator, a stream), written (files,
   * progress callbacks, counters) or sent outside it — and must compute what it writes afresh on
   * every run (times, ids read back with RETURNING). Callers opt in (ProjectDb.retryingTransaction)
   * where that holds; `transaction()` never re-runs anything.
   *
   * Only a top-level call retries: nested in another transaction, this is a savepoint, and a
   * conflict propagates to the outermost level (which retries if it is retrying, or reports).
   */
  retrying<T>(fn: () => T, policy: RetryPolicy = {}): T {
    if (this.depth > 0) return this.transaction(fn)();
    const { attempts, baseDelayMs, maxDelayMs, onRetry } = { ...DEFAULT_RETRY, ...policy };
    for (let attempt = 1; ; attempt++) {
      try {
        return this.transaction(fn)();
      } catch (error) {
        const state = this.conflict?.code ?? sqlStateOf(error);
        this.conflict = null;
        if (!state || !RETRYABLE_SQLSTATES.has(state)) throw error;
        if (attempt >= attempts) throw this.busy(error, state, attempt);
        this.conflictRetries++;
        onRetry?.(attempt, state);
        sleepSync(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  private busy(error: unknown, state: string, attempts: number): UserInputError {
    const display = this.context?.display ?? 'PostgreSQL';
    const why = state === '40P01' ? '与其他用户的操作互相等待（死锁）' : state === '55P03' ? '等待其他用户释放数据锁超时' : '与其他用户的操作并发冲突';
    const busy = new UserInputError(
      'project.busy',
      `共享项目“${display}”正忙：本次操作${why}，已自动重试 ${attempts} 次仍未完成，数据库已全部撤销，本次操作未改动项目。请稍后重试。`,
      `Gave up after ${attempts} attempts: the transaction on ${display} kept conflicting with other clients (SQLSTATE ${state}); each attempt was rolled back, nothing was changed.`,
    );
    (busy as { cause?: unknown }).cause = error;
    return busy;
  }

  /**
   * A transaction that spans asynchronous work, which transaction(fn) cannot wrap (the DEM writer
   * reads its file between statements): until commit() or rollback(), transaction(fn) nests as a
   * savepoint inside it, as in transaction(fn).
   */
  begin(): void {
    if (this.depth > 0) throw new Error('PgConnection.begin: already in a transaction');
    this.statement('BEGIN', [], false);
    this.depth = 1;
  }

  commit(): void {
    this.depth = 0;
    this.statement('COMMIT', [], false);
  }

  rollback(): void {
    this.depth = 0;
    try {
      this.bridge.query('ROLLBACK');
    } catch {
      // the connection is gone; the server rolls back on its own
    }
  }

  /** A cursor name unique on this connection. */
  nextCursor(): string {
    return `lg_cursor_${++this.cursorCount}`;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bridge.end();
  }
}

class PgStatement implements SqlStatement {
  constructor(
    private readonly connection: PgConnection,
    private readonly sql: string,
    private readonly array: boolean,
  ) {}

  raw(toggle = true): SqlStatement {
    return new PgStatement(this.connection, this.sql, toggle);
  }

  run(...params: unknown[]): RunResult {
    return { changes: this.connection.statement(this.sql, flat(params), this.array).rowCount };
  }

  get(...params: unknown[]): unknown {
    return this.connection.statement(this.sql, flat(params), this.array).rows[0];
  }

  all(...params: unknown[]): unknown[] {
    return this.connection.statement(this.sql, flat(params), this.array).rows;
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    const cursor = this.connection.nextCursor();
    // Outside a transaction the cursor must outlive the statement that declares it: WITH HOLD
    // keeps the result on the server, not in this process.
    const hold = this.connection.inTransaction ? '' : ' WITH HOLD';
    this.connection.statement(`DECLARE ${cursor} NO SCROLL CURSOR${hold} FOR ${this.sql}`, flat(params), false);
    try {
      for (;;) {
        const { rows } = this.connection.statement(`FETCH FORWARD ${CURSOR_BATCH} FROM ${cursor}`, [], this.array);
        for (const row of rows) yield row;
        if (rows.length < CURSOR_BATCH) break;
      }
    } finally {
      try {
        this.connection.query(`CLOSE ${cursor}`);
      } catch {
        // the transaction that held it has ended, and the cursor with it
      }
    }
  }
}

/** better-sqlite3 takes the parameters spread or as one array. */
function flat(params: unknown[]): unknown[] {
  return params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params;
}

/**
 * `?` → `$1, $2, …` outside string literals, quoted identifiers and comments. A `?` inside them is
 * text; PostgreSQL's own `?` operators (jsonb) are not used by the store.
 */
export function toNumberedPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length - 1 : end;
      out += sql.slice(i, stop + 1);
      i = stop;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  for (let j = start + 1; j < sql.length; j++) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j++;
      else return j;
    }
  }
  return sql.length - 1;
}
