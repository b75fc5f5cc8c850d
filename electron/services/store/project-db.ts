/**
 * One open project file: the connection (handed only to repositories, see internal.ts),
 * transactions, project metadata, the data version, and the versioned schema with its migrations.
 *
 * GDAL and QGIS must open the file and see every layer, so everything follows the spec: core
 * tables, application_id 'GPKG', user_version 10300, standard geometry blobs, the
 * `gpkg_rtree_index` extension with its standard triggers (whose ST_* functions we register).
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UserInputError } from '../../../shared/model/errors';
import { currentUser } from './audit';
import { bindConnection } from './internal';
import { isPostgresUrl } from './postgres/location';
import { PgConnection, type RetryPolicy } from './postgres/pg-connection';
import { createPgProject, openPgProject, type PgSession } from './postgres/pg-project';
import type { Dialect, SqlConnection } from './sql';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import {
  appendOnlyTriggersSql,
  GPKG_APPLICATION_ID,
  GPKG_CORE_SQL,
  GPKG_USER_VERSION,
  insertRequiredSrs,
  LANDGATE_SQL,
  nowIso,
  registerGpkgFunctions,
  registerLandgateTables,
  sqliteOptions,
} from './schema';

export { SCHEMA_VERSION } from './migrations';

/** What a migration on open did (the caller records it in the audit log in the same transaction). */
export interface SchemaUpgrade {
  from: number;
  to: number;
  steps: string[];
}

export class ProjectDb {
  /** The GeoPackage's absolute path, or the shared project's URL (never with a password). */
  readonly path: string;
  readonly readonly: boolean;
  private readonly db: SqlConnection;
  /** The database login of a shared project; on a GeoPackage the OS account acts. */
  private readonly login: string | null;
  private readonly schema: string | null;
  private closed = false;

  private constructor(path: string, db: SqlConnection, readonly: boolean, sqlite: Database.Database | null, pg: { login: string; schema: string } | null = null) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
    this.login = pg?.login ?? null;
    this.schema = pg?.schema ?? null;
    bindConnection(this, db, sqlite);
  }

  get dialect(): Dialect {
    return this.db.dialect;
  }

  /** The file's name, or the shared project's schema: what messages call the project. */
  get fileName(): string {
    return this.schema ?? basename(this.path);
  }

  /** The schema of a shared project in PostgreSQL; null for a GeoPackage. */
  get sharedSchema(): string | null {
    return this.schema;
  }

  /** Who acts, as the audit log records it: the database login of a shared project, else the OS account. */
  actingUser(): string {
    return this.login ?? currentUser();
  }

  private static fromPg(session: PgSession, readonly: boolean): ProjectDb {
    return new ProjectDb(session.location.display, session.connection, readonly, null, { login: session.login, schema: session.location.schema });
  }

  /**
   * A new project at the current schema. `seed` runs in the creating transaction (title, first
   * audit entry): a failure leaves no file behind.
   */
  static create(path: string, seed: (db: ProjectDb, createdAt: string) => void, createdAt: string = nowIso()): ProjectDb {
    if (isPostgresUrl(path)) {
      let db: ProjectDb | null = null;
      const session = createPgProject(path, (session) => {
        db = ProjectDb.fromPg(session, false);
        db.setMetaRaw('schemaVersion', String(SCHEMA_VERSION));
        db.setMetaRaw('application', 'LandGate');
        db.setMetaRaw('created', createdAt);
        db.setMetaRaw('dataVersion', '1');
        seed(db, createdAt);
      });
      return db ?? ProjectDb.fromPg(session, false);
    }
    const absolute = resolve(path);
    const name = basename(absolute);
    if (existsSync(absolute)) {
      throw new UserInputError('project.exists', `项目文件“${name}”已存在，不会覆盖。请换一个文件名或先删除它。`, `Project file "${absolute}" already exists; refusing to overwrite it.`);
    }
    let connection: Database.Database;
    try {
      connection = new Database(absolute, sqliteOptions());
    } catch (error) {
      throw new UserInputError('project.create-failed', `无法创建项目文件“${name}”：${(error as Error).message}`, `Cannot create project file "${absolute}": ${(error as Error).message}`);
    }
    registerGpkgFunctions(connection);
    try {
      connection.pragma(`application_id = ${GPKG_APPLICATION_ID}`);
      connection.pragma(`user_version = ${GPKG_USER_VERSION}`);
      connection.pragma('journal_mode = WAL');
      const db = new ProjectDb(absolute, asSqlConnection(connection), false, connection);
      connection.transaction(() => {
        connection.exec(GPKG_CORE_SQL);
        insertRequiredSrs(connection);
        connection.exec(LANDGATE_SQL);
        connection.exec(appendOnlyTriggersSql());
        registerLandgateTables(connection, createdAt);
        db.setMetaRaw('schemaVersion', String(SCHEMA_VERSION));
        db.setMetaRaw('application', 'LandGate');
        db.setMetaRaw('created', createdAt);
        db.setMetaRaw('dataVersion', '1');
        seed(db, createdAt);
      })();
      return db;
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /**
   * Opens a LandGate project. A plain GeoPackage (no landgate_meta) is refused rather than adopted:
   * writing our tables into a bureau's GeoPackage would change a file the user did not give us as
   * a project. A project from a newer LandGate is refused without being touched. An older one is
   * upgraded in one transaction when opened for writing (`onUpgrade` records it, in the same
   * transaction); opened read-only, it is read as it is.
   */
  static open(path: string, options: { readonly?: boolean; onUpgrade?: (db: ProjectDb, upgrade: SchemaUpgrade) => void } = {}): ProjectDb {
    if (isPostgresUrl(path)) {
      const session = openPgProject(path, { readonly: options.readonly, supportedVersion: SCHEMA_VERSION });
      const db = ProjectDb.fromPg(session, !!options.readonly);
      try {
        if (session.version < SCHEMA_VERSION) db.upgradeShared(session.version, options.onUpgrade);
      } catch (error) {
        db.close();
        throw error;
      }
      return db;
    }
    const absolute = resolve(path);
    const name = basename(absolute);
    const notProject = (reason: string, reasonEn: string) =>
      new UserInputError('project.invalid', `文件“${name}”不是 LandGate 项目（GeoPackage）：${reason}`, `"${absolute}" is not a LandGate project (GeoPackage): ${reasonEn}`);
    if (!existsSync(absolute) || !statSync(absolute).isFile()) {
      throw new UserInputError('project.not-found', `项目文件“${name}”不存在（${absolute}）。`, `Project file "${absolute}" does not exist.`);
    }
    if (!hasSqliteHeader(absolute)) throw notProject('不是 SQLite 数据库文件。', 'not an SQLite database.');
    const readonly = !!options.readonly;
    let connection: Database.Database;
    try {
      connection = new Database(absolute, { ...sqliteOptions(), readonly, fileMustExist: true });
    } catch (error) {
      throw notProject(`无法打开（${(error as Error).message}）。`, `cannot open (${(error as Error).message}).`);
    }
    try {
      registerGpkgFunctions(connection);
      const tables = new Set((connection.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view')").all() as { name: string }[]).map((r) => r.name));
      if (!tables.has('gpkg_contents') || !tables.has('gpkg_spatial_ref_sys') || !tables.has('gpkg_geometry_columns')) {
        throw notProject('缺少 GeoPackage 系统表（gpkg_contents / gpkg_spatial_ref_sys / gpkg_geometry_columns）。', 'missing the GeoPackage core tables.');
      }
      if (!tables.has('landgate_meta')) {
        throw new UserInputError(
          'project.foreign-geopackage',
          `文件“${name}”是 GeoPackage，但不是 LandGate 项目（没有 LandGate 的项目表），未作任何改动。请新建项目（landgate init 或“新建项目”），再把其中的图层导入项目（landgate import … --layer 图层名）。`,
          `"${absolute}" is a GeoPackage but not a LandGate project (no landgate_meta); it was not changed. Create a project and import its layers instead.`,
        );
      }
      const row = connection.prepare("SELECT value FROM landgate_meta WHERE key = 'schemaVersion'").get() as { value: string } | undefined;
      const version = row ? Number(row.value) : NaN;
      if (!Number.isInteger(version) || version < 1) throw notProject('landgate_meta 表缺少 schemaVersion。', 'landgate_meta has no schemaVersion.');
      if (version > SCHEMA_VERSION) {
        throw notProject(`由更新版本的 LandGate 创建（数据版本 ${version}，本程序支持 ${SCHEMA_VERSION}），请升级 LandGate 后再打开；文件未作任何改动。`, `written by a newer LandGate (schema ${version} > ${SCHEMA_VERSION}); not changed.`);
      }
      const db = new ProjectDb(absolute, asSqlConnection(connection), readonly, connection);
      if (!readonly) {
        if (version < SCHEMA_VERSION) db.migrate(version, options.onUpgrade);
        connection.pragma('journal_mode = WAL');
      }
      return db;
    } catch (error) {
      connection.close();
      if (error instanceof UserInputError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw notProject('文件已损坏或不是数据库。', 'corrupt or not a database.');
      throw error;
    }
  }

  /**
   * A shared schema older than this LandGate. Only a login that may change the schema (its owner,
   * or a member of the project's administrator role: they create tables in it, see pg-schema.ts)
   * upgrades it, and only when it opens the project for writing; every other client opens it as
   * it is when the old schema serves (each step says so), or is refused — nothing changed — with
   * a message asking the administrator to open the project once.
   */
  private upgradeShared(from: number, onUpgrade?: (db: ProjectDb, upgrade: SchemaUpgrade) => void): void {
    if (!this.readonly && this.mayChangeSchema()) {
      this.migrate(from, onUpgrade);
      return;
    }
    const blocking = MIGRATIONS.filter((m) => m.to > from && !m.olderSchemaServes);
    if (blocking.length === 0) return;
    const admin = `${this.schema}_admin`;
    throw new UserInputError(
      'project.pg-upgrade-needed',
      `共享项目“${this.path}”的数据结构来自较早的 LandGate（数据版本 ${from}，本程序使用 ${SCHEMA_VERSION}），需要先升级才能使用${this.readonly ? '' : `，而登录 ${this.login} 无权升级它`}。请项目管理员（角色 ${admin}）用本版本 LandGate 打开一次项目（桌面程序，或执行 landgate upgrade ${this.path}），升级后即可使用；数据库未作任何改动。`,
      `The shared project ${this.path} is at schema ${from} (this LandGate uses ${SCHEMA_VERSION}) and needs an upgrade that login ${this.login} may not make (${this.readonly ? 'opened read-only' : 'not the schema owner nor in ' + admin}); nothing was changed.`,
    );
  }

  /** The schema's owner (a superuser counts) or a member of the project's administrator role. */
  private mayChangeSchema(): boolean {
    const row = this.db
      .prepare(
        `SELECT coalesce(pg_has_role(session_user, n.nspowner, 'MEMBER'), false)
             OR coalesce((SELECT pg_has_role(session_user, r.oid, 'MEMBER') FROM pg_roles r WHERE r.rolname = ?), false) AS ok
         FROM pg_namespace n WHERE n.nspname = ?`,
      )
      .get(`${this.schema}_admin`, this.schema) as { ok: boolean } | undefined;
    return row?.ok === true;
  }

  /**
   * Every pending step and the version bump in one transaction: all of them land, or none. On a
   * shared project the upgrade is serialised between clients (a transaction lock, then the
   * version read again): two clients opening an old project at once upgrade it once.
   */
  private migrate(from: number, onUpgrade?: (db: ProjectDb, upgrade: SchemaUpgrade) => void): void {
    const at = nowIso();
    const sqlite = this.db.dialect === 'sqlite' ? (this.db as unknown as Database.Database) : null;
    try {
      this.db.transaction(() => {
        if (!sqlite) {
          this.lockInTransaction('schema-upgrade');
          // read again under the lock (a new snapshot: READ COMMITTED): another client may have upgraded it meanwhile
          const now = Number(this.getMeta('schemaVersion'));
          if (now >= SCHEMA_VERSION) return;
          from = now;
        }
        const steps = MIGRATIONS.filter((m) => m.to > from);
        for (const step of steps) {
          if (sqlite) step.sqlite?.(sqlite, at);
          else step.postgres?.(this.db, this.schema!);
        }
        this.setMetaRaw('schemaVersion', String(SCHEMA_VERSION));
        if (this.getMeta('dataVersion') === undefined) this.setMetaRaw('dataVersion', '1');
        onUpgrade?.(this, { from, to: SCHEMA_VERSION, steps: steps.map((s) => s.description) });
      })();
    } catch (error) {
      if (error instanceof UserInputError) throw error;
      throw new UserInputError(
        'project.migration-failed',
        `项目“${this.fileName}”升级到数据版本 ${SCHEMA_VERSION} 失败（${(error as Error).message}），${sqlite ? '文件' : '数据库'}未作任何改动。`,
        `Upgrading project "${this.path}" from schema ${from} to ${SCHEMA_VERSION} failed (${(error as Error).message}); the file was not changed.`,
      );
    }
  }

  hasTable(name: string): boolean {
    if (this.db.dialect === 'postgres') {
      // A catalog lookup by name (LandGate's table names are lower case), not a scan of pg_tables:
      // every vector tile asks, and the scan cost more than the tile's own queries.
      const row = this.db.prepare("SELECT to_regclass(format('%I.%I', CAST(? AS text), lower(CAST(? AS text)))) AS t").get(this.schema, name) as { t: string | null };
      return row.t !== null;
    }
    return !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND lower(name) = lower(?)").get(name);
  }

  /** Throws a user-facing error when the project was opened read-only. */
  ensureWritable(): void {
    if (this.readonly) {
      throw new UserInputError('project.readonly', `项目“${this.fileName}”以只读方式打开，不能写入。`, `Project "${this.path}" is open read-only.`);
    }
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** Runs fn in one transaction (nested calls become savepoints); any throw rolls everything back. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * As transaction(), but on a shared project a top-level transaction the server rolls back for
   * a conflict with another client (a deadlock, a serialization failure, a lock timeout) is run
   * again from the start a few times before the user is told the project is busy
   * (PgConnection.retrying). Only for fn whose every effect is inside the transaction and that
   * reads afresh what it writes: it may run more than once. Anything else (progress callbacks,
   * files, iterators consumed) keeps transaction(), which runs fn once and reports a conflict.
   * A GeoPackage has one writer at a time and runs fn once.
   */
  retryingTransaction<T>(fn: () => T, policy?: RetryPolicy): T {
    if (this.db instanceof PgConnection) return this.db.retrying(fn, policy);
    return this.db.transaction(fn)();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM landgate_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.ensureWritable();
    this.transaction(() => this.setMetaRaw(key, value));
  }

  /**
   * Serialises the writers of `what` (the audit chain, the year's 文书编号) across the clients of
   * a shared project until the surrounding transaction ends. A GeoPackage has one writer at a
   * time already.
   */
  lockInTransaction(what: string): void {
    if (this.db.dialect === 'postgres') this.db.prepare('SELECT pg_advisory_xact_lock(hashtext(current_schema() || ?))').get(`/${what}`);
  }

  /**
   * Claims `what` for this connection until released or the connection ends (a killed client
   * releases it with its session): a long job spanning many transactions, such as a sweep, runs
   * once across the clients of a shared project. False when another client holds it. A
   * GeoPackage's single writer needs no claim.
   */
  claim(what: string): boolean {
    if (this.db.dialect !== 'postgres') return true;
    return (this.db.prepare('SELECT pg_try_advisory_lock(hashtext(current_schema() || ?)) AS ok').get(`/${what}`) as { ok: boolean }).ok === true;
  }

  release(what: string): void {
    if (this.db.dialect === 'postgres') this.db.prepare('SELECT pg_advisory_unlock(hashtext(current_schema() || ?))').get(`/${what}`);
  }

  /**
   * A write transaction that spans asynchronous work (the DEM writer streams its file between
   * statements); transaction() inside it nests as a savepoint. End it with commitSpanning() or
   * rollbackSpanning(); a process that dies in between leaves nothing (SQLite's journal, the
   * server's rollback of a lost connection).
   */
  beginSpanning(): void {
    if (this.db.dialect === 'postgres') (this.db as PgConnection).begin();
    else this.db.exec('BEGIN IMMEDIATE');
  }

  commitSpanning(): void {
    if (this.db.dialect === 'postgres') (this.db as PgConnection).commit();
    else this.db.exec('COMMIT');
  }

  rollbackSpanning(): void {
    if (!this.db.inTransaction) return;
    if (this.db.dialect === 'postgres') (this.db as PgConnection).rollback();
    else this.db.exec('ROLLBACK');
  }

  /** Inside a repository's transaction. */
  setMetaRaw(key: string, value: string): void {
    this.db.prepare('INSERT INTO landgate_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /**
   * The version of what checks read (reference layers, project profiles): bumped by every write to
   * them, so a reference index built for one version is never used for another, by this process
   * or another one writing the same file.
   */
  dataVersion(): number {
    return Number(this.getMeta('dataVersion') ?? '1');
  }

  /** Inside the transaction of the write that changes reference data or profiles. */
  bumpDataVersion(): void {
    this.setMetaRaw('dataVersion', String(this.dataVersion() + 1));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** better-sqlite3's Database is already the statement API the repositories use; it only lacks its name. */
function asSqlConnection(connection: Database.Database): SqlConnection {
  if (!('dialect' in connection)) Object.defineProperty(connection, 'dialect', { value: 'sqlite' });
  return connection as unknown as SqlConnection;
}

/** Only these SQLite files are GeoPackages we can open: magic header "SQLite format 3\0". */
function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const n = readSync(fd, header, 0, 16, 0);
    return n === 16 && header.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}
