/**
 * The one way to a project's connection: repositories (modules under this folder and the few
 * companion repositories allowed by tests/support/layer-rules.ts) take it from here; no API, CLI
 * or report code does, so every write goes through a repository and its transaction.
 *
 * `sqlOf` is the connection every backend has (store/sql.ts); `connectionOf` is the GeoPackage's
 * own SQLite connection, for the repositories that still speak only SQLite: on a shared project
 * in PostgreSQL they refuse with a clear message instead of failing inside SQL.
 */
import type Database from 'better-sqlite3';
import { sharedProjectUnsupported } from './postgres/location';
import type { ProjectDb } from './project-db';
import type { SqlConnection } from './sql';

interface Bound {
  sql: SqlConnection;
  sqlite: Database.Database | null;
}

const connections = new WeakMap<ProjectDb, Bound>();

export function bindConnection(db: ProjectDb, sql: SqlConnection, sqlite: Database.Database | null): void {
  connections.set(db, { sql, sqlite });
}

function bound(db: ProjectDb): Bound {
  const b = connections.get(db);
  if (!b) throw new Error('connectionOf: not an open ProjectDb');
  return b;
}

export function sqlOf(db: ProjectDb): SqlConnection {
  return bound(db).sql;
}

export function connectionOf(db: ProjectDb): Database.Database {
  const { sqlite } = bound(db);
  if (!sqlite) throw sharedProjectUnsupported(db.path);
  return sqlite;
}
