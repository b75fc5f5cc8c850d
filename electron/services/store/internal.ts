/**
 * The one way to the SQLite connection of a project: repositories (modules under this folder and
 * the few companion repositories allowed by tests/support/layer-rules.ts) take it from here; no
 * API, CLI or report code does, so every write goes through a repository and its transaction.
 */
import type Database from 'better-sqlite3';
import type { ProjectDb } from './project-db';

const connections = new WeakMap<ProjectDb, Database.Database>();

export function bindConnection(db: ProjectDb, connection: Database.Database): void {
  connections.set(db, connection);
}

export function connectionOf(db: ProjectDb): Database.Database {
  const connection = connections.get(db);
  if (!connection) throw new Error('connectionOf: not an open ProjectDb');
  return connection;
}
