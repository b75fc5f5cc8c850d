/**
 * The SqlConnection of a project in PostgreSQL: better-sqlite3's statement API over the
 * synchronous bridge, so repositories run their statements unchanged. Placeholders `?` become
 * `$1…$n`; transactions nest as savepoints; `iterate` reads through a server-side cursor in
 * batches, so a sweep over a province never holds its parcels in the client.
 */
import type { ClientConfig } from 'pg';
import type { RunResult, SqlConnection, SqlStatement } from '../sql';
import { PgBridge } from './pg-bridge';
import { pgRefusal, type PgErrorContext } from './pg-errors';

const CURSOR_BATCH = 2_000;

export class PgConnection implements SqlConnection {
  readonly dialect = 'postgres' as const;
  private readonly bridge: PgBridge;
  private depth = 0;
  private cursorCount = 0;
  private closed = false;
  /** Who is connected to which project, once known: the repositories' statements then say what the server refused in words. */
  private context: PgErrorContext | null = null;

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
      throw this.explained(error, sql);
    }
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
      try {
        this.bridge.query(begin);
      } catch (error) {
        throw this.explained(error, begin);
      }
      this.depth++;
      try {
        const result = fn(...args) as ReturnType<F>;
        this.depth--;
        const end = level === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`;
        try {
          this.bridge.query(end);
        } catch (error) {
          // A commit can still be refused (a serialization failure, a lost connection): nothing landed.
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
