/**
 * Opening and creating a project that lives in a PostgreSQL schema. Every refusal — a bad URL, a
 * server that does not answer, wrong credentials, no PostGIS, a schema that is not a LandGate
 * project or comes from a newer LandGate — is a UserInputError naming the URL (never its
 * password) and changes nothing in the database.
 */
import { UserInputError } from '../../../../shared/model/errors';
import { quoteId } from '../feature-request';
import { PgError } from './pg-bridge';
import { PgConnection } from './pg-connection';
import { sqlStateOf } from './pg-errors';
import { parsePgLocation, type PgLocation } from './location';
import { pgRolesSql, pgRulesSql, PG_TABLES_SQL, PROJECT_ROLES, roleName } from './pg-schema';

export interface PgSession {
  connection: PgConnection;
  location: PgLocation;
  /** The database login (session_user): who acts, as the audit log and the decisions name it. */
  login: string;
}

/** Connects to the database of `url`; the schema is not looked at yet. */
export function connect(url: string): PgSession {
  const location = parsePgLocation(url);
  if (location.config.password !== undefined && /:[^@/]*@|[?&]password=/i.test(url)) {
    throw new UserInputError(
      'project.password-in-url',
      `共享项目地址“${location.display}”中写有密码。密码不应出现在地址、日志或项目记录中：请把它写入密码文件（PGPASSFILE，Windows 上为 %APPDATA%\\postgresql\\pgpass.conf）或连接服务文件，再去掉地址中的密码。`,
      `The shared project URL "${location.display}" carries a password; put it in a password file (PGPASSFILE) or a service file instead.`,
    );
  }
  let connection: PgConnection;
  try {
    connection = new PgConnection(location.config);
  } catch (error) {
    throw connectionRefusal(location, error);
  }
  const login = (connection.query('SELECT session_user AS login').rows[0] as { login: string }).login;
  watchForDeadClient(connection);
  connection.explainRefusals({ login, schema: location.schema, display: location.display });
  return { connection, location, login };
}

/**
 * A server process notices its client has gone (a killed process, a workstation switched off) only
 * when it next reads from or writes to the connection. One blocked on a lock — an import waiting
 * for the audit chain another client holds — would wait on, its transaction open, and once granted
 * hold the lock and everything it had written (the new layer's name among them) until the server
 * got round to it. Polling the connection while a statement runs ends such a process within a
 * second or two and rolls its transaction back. PostgreSQL 14 and later, on servers whose system
 * can tell (not Windows); elsewhere the server refuses the setting and the old behaviour stays.
 */
function watchForDeadClient(connection: PgConnection): void {
  try {
    connection.query("SET client_connection_check_interval = '2s'");
  } catch {
    // an older server, or one that cannot watch its connections: nothing else to do
  }
}

function connectionRefusal(location: PgLocation, error: unknown): UserInputError {
  const e = error as PgError & { errno?: string };
  const message = e?.message ?? String(error);
  const refuse = (zh: string, en: string) => new UserInputError('project.pg-connect', `无法连接共享项目“${location.display}”：${zh}`, `Cannot connect to "${location.display}": ${en} (${message})`);
  switch (e?.code) {
    case '28P01':
    case '28000':
      return refuse('用户名或密码错误，或服务器不允许此用户登录（请检查密码文件 PGPASSFILE 或连接服务文件）。', 'authentication failed');
    case '3D000':
      return refuse('数据库不存在。', 'the database does not exist');
    case 'ECONNREFUSED':
    case 'ENOENT':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
    case 'LG001':
      return refuse('数据库服务器没有响应（请检查主机名、端口和网络）。', 'the server does not answer');
    default:
      return refuse(message, 'connection failed');
  }
}

function schemaExists(session: PgSession, schema: string): boolean {
  return !!session.connection.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]).rows[0];
}

function usePostgis(session: PgSession): void {
  const installed = session.connection.query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").rows[0];
  if (installed) return;
  try {
    session.connection.query('CREATE EXTENSION postgis');
  } catch (error) {
    throw new UserInputError(
      'project.pg-no-postgis',
      `数据库“${session.location.display}”没有安装 PostGIS 扩展，当前用户也无权安装（${(error as Error).message}）。请数据库管理员执行 CREATE EXTENSION postgis 后再试；数据库未作任何改动。`,
      `The database "${session.location.display}" has no PostGIS and ${session.login} cannot create it: ${(error as Error).message}`,
    );
  }
}

function setSearchPath(session: PgSession): void {
  // PostGIS lives in public (or where the bureau installed it): keep it on the path after ours.
  const postgisSchema = (session.connection.query("SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'").rows[0] as { s: string } | undefined)?.s ?? 'public';
  session.connection.query(`SET search_path TO ${quoteId(session.location.schema)}, ${quoteId(postgisSchema)}`);
}

/**
 * Creates the schema, its tables, rules and roles; `seed` writes the first metadata and audit
 * entry in the same transaction, so a failure leaves no schema behind.
 */
export function createPgProject(url: string, seed: (session: PgSession) => void): PgSession {
  const session = connect(url);
  const { schema, display } = session.location;
  try {
    if (schemaExists(session, schema)) {
      throw new UserInputError('project.exists', `共享项目“${display}”已存在（数据库中已有模式 ${schema}），不会覆盖。`, `Schema "${schema}" already exists at "${display}"; refusing to overwrite it.`);
    }
    usePostgis(session);
    const existingRoles = new Set(
      (session.connection.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [PROJECT_ROLES.map((r) => roleName(schema, r))]).rows as { rolname: string }[]).map((r) => r.rolname),
    );
    session.connection.transaction(() => {
      session.connection.query(`CREATE SCHEMA ${quoteId(schema)}`);
      setSearchPath(session);
      session.connection.exec(PG_TABLES_SQL);
      session.connection.exec(pgRulesSql(schema));
      try {
        session.connection.exec(pgRolesSql(schema, existingRoles));
      } catch (error) {
        if (sqlStateOf(error) === '42501') {
          throw new UserInputError(
            'project.pg-no-createrole',
            `用户 ${session.login} 无权创建共享项目的角色（需要 CREATEROLE 权限）：请由数据库管理员执行 landgate init；数据库未作任何改动。`,
            `${session.login} may not create roles (CREATEROLE needed): ${(error as Error).message}`,
          );
        }
        throw error;
      }
      seed(session);
    })();
  } catch (error) {
    session.connection.close();
    throw error;
  }
  return session;
}

/**
 * Opens the project in `url`'s schema; `supportedVersion` checks the stored schema version before
 * anything is read. An older version is returned for the caller to upgrade or to open as it is
 * (ProjectDb.open).
 */
export function openPgProject(url: string, options: { readonly?: boolean; supportedVersion: number }): PgSession & { version: number } {
  const session = connect(url);
  const { schema, display } = session.location;
  const notProject = (zh: string, en: string) => new UserInputError('project.invalid', `“${display}”不是 LandGate 共享项目：${zh}`, `"${display}" is not a LandGate shared project: ${en}`);
  try {
    if (!schemaExists(session, schema)) {
      throw new UserInputError('project.not-found', `共享项目“${display}”不存在（数据库中没有模式 ${schema}）。请先执行 landgate init 创建它。`, `Schema "${schema}" does not exist at "${display}".`);
    }
    const noAccess = () =>
      new UserInputError(
        'project.pg-no-access',
        `登录 ${session.login} 无权读取共享项目“${display}”：请项目管理员用 landgate role 授予其项目角色（如 ${roleName(schema, 'readonly')}）。`,
        `${session.login} may not read "${display}".`,
      );
    // A login holding none of the project's roles may not even look into its schema.
    const usage = session.connection.query("SELECT has_schema_privilege($1, 'USAGE') AS ok", [schema]).rows[0] as { ok: boolean };
    if (!usage.ok) throw noAccess();
    setSearchPath(session);
    const hasMeta = session.connection.query('SELECT to_regclass($1) AS t', [`${quoteId(schema)}.landgate_meta`]).rows[0] as { t: string | null };
    if (!hasMeta.t) throw notProject(`模式 ${schema} 中没有 LandGate 的项目表，未作任何改动。`, 'no landgate_meta in the schema.');
    let version: number;
    try {
      const row = session.connection.query("SELECT value FROM landgate_meta WHERE key = 'schemaVersion'").rows[0] as { value: string } | undefined;
      version = row ? Number(row.value) : NaN;
    } catch (error) {
      if ((error as PgError).code === '42501') throw noAccess();
      throw error;
    }
    if (!Number.isInteger(version) || version < 1) throw notProject('landgate_meta 表缺少 schemaVersion。', 'landgate_meta has no schemaVersion.');
    if (version > options.supportedVersion) {
      throw notProject(`由更新版本的 LandGate 创建（数据版本 ${version}，本程序支持 ${options.supportedVersion}），请升级 LandGate；数据库未作任何改动。`, `written by a newer LandGate (schema ${version} > ${options.supportedVersion}); not changed.`);
    }
    if (options.readonly) session.connection.query('SET default_transaction_read_only = on');
    return { ...session, version };
  } catch (error) {
    session.connection.close();
    throw error;
  }
}
