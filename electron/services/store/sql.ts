/**
 * What a repository needs of a database connection, whichever engine holds the project: the
 * statement API of better-sqlite3 (prepare → run/get/all/iterate, raw rows, transactions that
 * nest as savepoints), which a GeoPackage connection already is and the PostgreSQL connection
 * (postgres/pg-connection.ts) implements over its bridge.
 *
 * Repositories written against this interface serve both backends; their SQL keeps to what both
 * engines read alike: `?` placeholders, `INSERT … ON CONFLICT`, `RETURNING`, quoted "user".
 * Where the engines differ (geometry, spatial index, tile cutting) a repository asks
 * `dialect`.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface RunResult {
  changes: number;
  /** SQLite only; portable code reads ids with `INSERT … RETURNING id`. */
  lastInsertRowid?: number | bigint;
}

export interface SqlStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows one by one without holding the result (a cursor on PostgreSQL). */
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Rows as arrays of column values. */
  raw(toggle?: boolean): SqlStatement;
}

export interface SqlConnection {
  readonly dialect: Dialect;
  prepare(sql: string): SqlStatement;
  /** Statements without parameters, several at once (DDL scripts). */
  exec(sql: string): unknown;
  /** fn wrapped in BEGIN/COMMIT (SAVEPOINT when nested); a throw rolls it back. */
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
  readonly inTransaction: boolean;
  close(): unknown;
}
