/**
 * Where a shared project lives: `postgresql://[user@]host[:port]/database?schema=xiaxian[&sslmode=…]`
 * (also `postgres://`, `?host=/socket/dir`, `?service=name`). Credentials follow libpq's
 * conventions — a password file (PGPASSFILE, else %APPDATA%\postgresql\pgpass.conf on Windows
 * and ~/.pgpass elsewhere), a connection service file (PGSERVICEFILE, ~/.pg_service.conf,
 * PGSYSCONFDIR), the PG* environment — so no password has to be typed into a URL, and none is
 * ever shown: `display` is the URL without it, which is what logs, audit entries and the UI name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { parse } from 'pg-connection-string';
import { UserInputError } from '../../../../shared/model/errors';

export interface PgLocation {
  /** What `pg` connects with (no functions: it crosses to the bridge's worker). */
  config: ClientConfig;
  /** The project's schema in the database. */
  schema: string;
  /** The URL without password, for messages and the audit log. */
  display: string;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location.trim());
}

/** What a part of LandGate that still works only on GeoPackage files answers for a shared project. */
export function sharedProjectUnsupported(location: string): UserInputError {
  const display = redact(location);
  return new UserInputError(
    'project.backend-unsupported',
    `共享项目（PostgreSQL）“${display}”暂不支持这项操作；请在 GeoPackage 项目中完成。`,
    `This operation is not available yet on a shared (PostgreSQL) project: ${display}`,
  );
}

/** A schema name LandGate creates and quotes safely: lower-case letters, digits, underscore. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function parsePgLocation(url: string): PgLocation {
  const bad = (reason: string, reasonEn: string) =>
    new UserInputError('project.bad-url', `共享项目地址“${redact(url)}”无效：${reason}`, `Shared project URL "${redact(url)}" is invalid: ${reasonEn}`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(url.trim());
  } catch (error) {
    throw bad(`无法解析（${(error as Error).message}）。格式：postgresql://用户@主机:端口/数据库?schema=项目名`, `cannot parse (${(error as Error).message}).`);
  }
  // libpq allows an empty host (a socket given by ?host=…), which WHATWG URLs refuse: read the query alone.
  const query = url.trim().split('#')[0];
  const params = new URLSearchParams(query.includes('?') ? query.slice(query.indexOf('?') + 1) : '');
  const schema = params.get('schema') ?? '';
  if (!schema) throw bad('缺少 schema 参数（项目在数据库中的模式名），例如 ?schema=xiaxian。', 'missing ?schema=<name>.');
  if (!SCHEMA_NAME.test(schema)) throw bad(`模式名“${schema}”只能由小写字母、数字和下划线组成，且不以数字开头。`, `schema "${schema}" must match ${SCHEMA_NAME}.`);

  const service = params.get('service') ?? process.env.PGSERVICE;
  const fromService = service ? serviceEntry(service, bad) : {};
  const config: ClientConfig = {
    application_name: 'LandGate',
    ...fromService,
  };
  const set = <K extends keyof ClientConfig>(key: K, value: ClientConfig[K] | null | undefined) => {
    if (value !== undefined && value !== null && value !== '') config[key] = value;
  };
  set('host', parsed.host ?? undefined);
  set('port', parsed.port ? Number(parsed.port) : undefined);
  set('database', parsed.database ?? undefined);
  set('user', parsed.user ?? undefined);
  set('password', parsed.password ?? undefined);
  // libpq's default login is the operating-system account (pg would read $USER, unset on Windows).
  if (config.user === undefined) config.user = process.env.PGUSER || osUser();
  if (parsed.ssl !== undefined) config.ssl = parsed.ssl as ClientConfig['ssl'];
  return { config, schema, display: redact(url) };
}

function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

/** The URL with any password replaced, safe to print or store. */
export function redact(url: string): string {
  return url
    .trim()
    .replace(/^(postgres(?:ql)?:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/i, '$1***');
}

/** One `[name]` section of libpq's connection service file. */
function serviceEntry(name: string, bad: (zh: string, en: string) => UserInputError): ClientConfig {
  const candidates = [
    process.env.PGSERVICEFILE,
    process.platform === 'win32' && process.env.APPDATA ? join(process.env.APPDATA, 'postgresql', '.pg_service.conf') : join(homedir(), '.pg_service.conf'),
    process.env.PGSYSCONFDIR ? join(process.env.PGSYSCONFDIR, 'pg_service.conf') : undefined,
  ].filter((p): p is string => !!p);
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const entries = parseServiceFile(readFileSync(file, 'utf8'));
    const entry = entries.get(name);
    if (!entry) continue;
    const config: ClientConfig = {};
    if (entry.host) config.host = entry.host;
    if (entry.port) config.port = Number(entry.port);
    if (entry.dbname) config.database = entry.dbname;
    if (entry.user) config.user = entry.user;
    if (entry.password) config.password = entry.password;
    if (entry.sslmode && entry.sslmode !== 'disable' && entry.sslmode !== 'allow' && entry.sslmode !== 'prefer') {
      config.ssl = entry.sslmode === 'verify-full' || entry.sslmode === 'verify-ca' ? { rejectUnauthorized: true } : { rejectUnauthorized: false };
    }
    return config;
  }
  throw bad(`连接服务文件中没有服务“${name}”（查找了 ${candidates.join('、')}）。`, `service "${name}" not found in ${candidates.join(', ')}.`);
}

export function parseServiceFile(text: string): Map<string, Record<string, string>> {
  const entries = new Map<string, Record<string, string>>();
  let current: Record<string, string> | null = null;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = {};
      entries.set(section[1].trim(), current);
    } else if (current) {
      const eq = line.indexOf('=');
      if (eq > 0) current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return entries;
}
