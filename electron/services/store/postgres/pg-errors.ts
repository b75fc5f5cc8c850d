/**
 * What the database refused, in words. On a shared project the server enforces the bureau's
 * rights (grants, row-level security, the append-only and own-login triggers of pg-schema.ts) and
 * its constraints; a refusal arrives as a PgError with a SQLSTATE. Every statement a repository
 * runs goes through `pgRefusal` (pg-connection.ts), so whichever command, API call or worker
 * meets the refusal, the user reads which login was refused what, and which project role would
 * allow it, instead of "permission denied for table …".
 *
 * The transaction the statement ran in is rolled back by its caller as for any other error: a
 * refusal never leaves half a change behind.
 */
import { UserInputError } from '../../../../shared/model/errors';
import { PROJECT_ROLE_LABEL } from '../../../../shared/model/project-roles';
import { PgError } from './pg-bridge';
import { roleName, type ProjectRole } from './pg-schema';

export interface PgErrorContext {
  /** The database login (session_user). */
  login: string;
  /** The project's schema (role names derive from it). */
  schema: string;
  /** The project URL without password. */
  display: string;
}

/** The SQLSTATE of a database error, also when a translation wraps it (`cause`). */
export function sqlStateOf(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e instanceof PgError) return e.code;
  }
  return undefined;
}

/** The tables of a project as the bureau calls them, and who may write them (pg-schema.ts). */
const TABLES: Record<string, { zh: string; writers: readonly ProjectRole[] }> = {
  landgate_decisions: { zh: '审查决定', writers: ['reviewer'] },
  landgate_document_numbers: { zh: '文书编号', writers: ['reviewer'] },
  landgate_submissions: { zh: '报件', writers: ['planner'] },
  landgate_profiles: { zh: '审查规则配置', writers: ['admin'] },
  landgate_dem_tiles: { zh: '高程数据（DEM）', writers: ['admin'] },
  landgate_layers: { zh: '图层登记', writers: ['planner', 'admin'] },
  landgate_meta: { zh: '项目设置', writers: ['planner', 'reviewer', 'admin'] },
  landgate_audit: { zh: '审计日志', writers: ['planner', 'reviewer', 'admin'] },
  landgate_checks: { zh: '审查记录', writers: ['planner', 'reviewer', 'admin'] },
  landgate_check_parcels: { zh: '审查记录', writers: ['planner', 'reviewer', 'admin'] },
  landgate_check_results: { zh: '审查记录', writers: ['planner', 'reviewer', 'admin'] },
  landgate_parcel_verdicts: { zh: '地块最新审查结论', writers: ['planner', 'reviewer', 'admin'] },
  landgate_sweeps: { zh: '全部审查结果', writers: ['planner', 'reviewer', 'admin'] },
  landgate_sweep_parcels: { zh: '全部审查结果', writers: ['planner', 'reviewer', 'admin'] },
  landgate_basemap_tiles: { zh: '离线底图', writers: ['admin'] },
};


function tableZh(table: string | undefined): string {
  if (!table) return '项目数据';
  return TABLES[table]?.zh ?? `图层“${table}”`;
}

function rolesText(schema: string, roles: readonly ProjectRole[]): string {
  const names = roles.map((r) => `${roleName(schema, r)}（${PROJECT_ROLE_LABEL[r].zh}）`);
  return names.length > 1 ? `${names.slice(0, -1).join('、')} 或 ${names[names.length - 1]}` : names[0];
}

/** What the statement does to its table, from its first keyword. */
function operationOf(sql: string): 'read' | 'write' {
  const first = /^\s*(?:WITH\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toUpperCase();
  return first === 'SELECT' || first === 'DECLARE' || first === 'FETCH' ? 'read' : 'write';
}

/** The table a server message names: `… for table "x"`, `… for table x`, `x is append-only`. */
function tableIn(message: string, fallback: string | undefined): string | undefined {
  return /for (?:table|relation) "?([\w$]+)"?/i.exec(message)?.[1] ?? /^([\w$]+) (?:is append-only|rows are written)/.exec(message)?.[1] ?? fallback;
}

const unchanged = '本次操作未改动项目。';

/**
 * The refusal as a UserInputError the user can act on, or null for errors that are not the
 * user's to fix (a bug in our SQL stays an internal error).
 */
export function pgRefusal(error: unknown, sql: string, context: PgErrorContext): UserInputError | null {
  if (!(error instanceof PgError)) return null;
  const { login, schema, display } = context;
  const message = error.message;
  const make = (code: string, zh: string, en: string) => {
    const refusal = new UserInputError(code, zh, `${en} (${message})`);
    (refusal as { cause?: unknown }).cause = error;
    return refusal;
  };
  const table = tableIn(message, error.table);
  switch (error.code) {
    case '42501': {
      if (/is append-only/.test(message)) {
        return make(
          'project.pg-append-only',
          `数据库拒绝：${tableZh(table)}只能追加，已写入的记录不能修改或删除（任何登录都不能，包括项目所有者）；如需变更，请以新记录（修订版）写入。${unchanged}`,
          `The database refused: ${table} is append-only; rows cannot be changed or deleted by any login.`,
        );
      }
      const impersonated = /not as (.+)$/.exec(message)?.[1];
      if (/rows are written under the login/.test(message)) {
        return make(
          'project.pg-own-login',
          `数据库拒绝：${tableZh(table)}只能以当前登录 ${login} 的名义写入${impersonated ? `，不能记为“${impersonated}”` : ''}。${unchanged}`,
          `The database refused: ${table} rows must carry the acting login ${login}${impersonated ? `, not ${impersonated}` : ''}.`,
        );
      }
      if (/row-level security/.test(message)) {
        const what = table === 'landgate_layers' ? '登记参考图层（经办只能登记报件地块图层）' : table === 'landgate_meta' ? '修改项目设置（如项目名称、文书编号格式）' : `写入这条${tableZh(table)}`;
        return make(
          'project.pg-denied',
          `数据库拒绝：登录 ${login} 无权${what}（需要角色 ${rolesText(schema, ['admin'])}）。请项目管理员用 landgate role 授予角色；${unchanged}`,
          `The database refused: login ${login} may not write this ${table} row (row-level security; role ${roleName(schema, 'admin')} needed).`,
        );
      }
      if (/permission denied for schema/.test(message)) {
        return make(
          'project.pg-denied',
          `数据库拒绝：登录 ${login} 无权在共享项目“${display}”中新建图层（需要角色 ${rolesText(schema, ['planner', 'admin'])}）。请项目管理员用 landgate role 授予角色；${unchanged}`,
          `The database refused: login ${login} may not create tables in schema ${schema}.`,
        );
      }
      if (/admin option|must have CREATEROLE|permission denied to (?:grant|revoke|create role)/i.test(message)) {
        return make(
          'project.pg-denied',
          `数据库拒绝：登录 ${login} 无权授予或撤销共享项目的角色（需要 CREATEROLE 权限，或该角色的管理权限）。请由创建项目的数据库管理员执行；${unchanged}`,
          `The database refused: login ${login} may not grant or revoke project roles.`,
        );
      }
      const operation = operationOf(sql);
      if (operation === 'read') {
        return make(
          'project.pg-denied',
          `数据库拒绝：登录 ${login} 没有读取${tableZh(table)}的权限（需要角色 ${rolesText(schema, ['readonly'])} 或更高）。请项目管理员用 landgate role 授予角色。`,
          `The database refused: login ${login} may not read ${table ?? 'the project'} (role ${roleName(schema, 'readonly')} needed).`,
        );
      }
      const writers = (table && TABLES[table]?.writers) || ['planner', 'admin'];
      return make(
        'project.pg-denied',
        `数据库拒绝：登录 ${login} 没有写入${tableZh(table)}的权限（需要角色 ${rolesText(schema, writers)}）。请项目管理员用 landgate role 授予角色；${unchanged}`,
        `The database refused: login ${login} may not write ${table ?? 'the project'} (role ${writers.map((r) => roleName(schema, r)).join(' or ')} needed).`,
      );
    }
    case '25006':
      return make('project.readonly', `共享项目“${display}”以只读方式打开，不能写入。`, `The shared project ${display} is open read-only.`);
    case '23505':
      return make(
        'project.conflict',
        `数据库拒绝：${tableZh(table)}中已有同样的记录（可能是另一位用户刚刚写入）。请刷新后再试；${unchanged}`,
        `The database refused a duplicate in ${table ?? 'the project'} (another user may have just written it).`,
      );
    case '40001':
    case '40P01':
      return make(
        'project.conflict',
        `与另一位用户同时修改共享项目“${display}”发生冲突，数据库已撤销本次操作。请刷新后重试；${unchanged}`,
        `A concurrent change by another client conflicted with this one; the database rolled it back.`,
      );
    case '57014':
      return make('project.pg-cancelled', `数据库取消了本次操作（超时或被管理员取消）。${unchanged}`, 'The database cancelled the statement.');
    case '57P01':
    case '57P02':
    case '57P03':
    case 'LG001':
      return make(
        'project.pg-connection-lost',
        `与共享项目“${display}”的连接中断（数据库服务器关闭、重启或没有响应）。未完成的改动已由数据库撤销，请稍后重新打开项目。`,
        `The connection to ${display} was lost; the database rolled back what was not committed.`,
      );
    default:
      if (error.code?.startsWith('08')) {
        return make(
          'project.pg-connection-lost',
          `与共享项目“${display}”的连接中断（网络或服务器故障）。未完成的改动已由数据库撤销，请稍后重新打开项目。`,
          `The connection to ${display} was lost; the database rolled back what was not committed.`,
        );
      }
      if (error.code?.startsWith('53')) {
        return make('project.pg-resources', `数据库服务器资源不足（磁盘、内存或连接数已满），本次操作未完成。请联系数据库管理员；${unchanged}`, 'The database server is out of resources.');
      }
      return null;
  }
}
