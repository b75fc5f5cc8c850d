/**
 * Who may do what in a shared project: the project's PostgreSQL group roles (pg-schema.ts) and
 * the logins that hold them. Granting and revoking is PostgreSQL's own GRANT / REVOKE, so the
 * server enforces it for every client, LandGate or not; each change is recorded in the audit log
 * in the same transaction. A GeoPackage has no roles: who may write it is who may write the file.
 */
import { UserInputError } from '../../../shared/model/errors';
import { PROJECT_ROLE_LABEL } from '../../../shared/model/project-roles';
import type { AuditRepository } from './audit';
import { quoteId } from './feature-request';
import { sqlOf } from './internal';
import { PROJECT_ROLES, roleName, type ProjectRole } from './postgres/pg-schema';
import type { ProjectDb } from './project-db';

export { PROJECT_ROLES, type ProjectRole } from './postgres/pg-schema';

export const PROJECT_ROLE_LABEL_ZH = Object.fromEntries(PROJECT_ROLES.map((r) => [r, PROJECT_ROLE_LABEL[r].zh])) as Record<ProjectRole, string>;

/** What each role may do, as `landgate role` and `landgate init` explain it. */
export const PROJECT_ROLE_RIGHTS_ZH: Record<ProjectRole, string> = {
  readonly: '查看项目的全部内容',
  planner: '导入报件地块、登记报件、编辑地块属性、审查',
  reviewer: '签发审查决定、出具意见书（文书编号）、审查',
  admin: '导入参考图层、管理审查规则配置和项目设置（含经办的全部权限）',
};

export interface RoleHolders {
  role: ProjectRole;
  /** The PostgreSQL role, e.g. xiaxian_reviewer. */
  name: string;
  /** Logins (or groups) granted it directly, sorted. */
  members: string[];
}

/** `planner`, `经办` … → the role; null when it names none. */
export function parseProjectRole(text: string): ProjectRole | null {
  const t = text.trim().toLowerCase();
  if ((PROJECT_ROLES as readonly string[]).includes(t)) return t as ProjectRole;
  const byLabel = PROJECT_ROLES.find((r) => PROJECT_ROLE_LABEL_ZH[r] === text.trim());
  return byLabel ?? null;
}

export class RoleRepository {
  constructor(
    private readonly db: ProjectDb,
    private readonly audit: AuditRepository,
  ) {}

  private schema(): string {
    const schema = this.db.sharedSchema;
    if (schema === null) {
      throw new UserInputError(
        'project.roles-gpkg',
        `项目“${this.db.fileName}”是 GeoPackage 文件，没有数据库角色：谁能修改它取决于谁能写这个文件。角色只用于数据库中的共享项目（postgresql://…）。`,
        `Project "${this.db.path}" is a GeoPackage file: it has no database roles (they belong to shared projects in PostgreSQL).`,
      );
    }
    return schema;
  }

  list(): RoleHolders[] {
    const schema = this.schema();
    const rows = sqlOf(this.db)
      .prepare(
        `SELECT r.rolname AS role, u.rolname AS member FROM pg_roles r
         LEFT JOIN pg_auth_members m ON m.roleid = r.oid LEFT JOIN pg_roles u ON u.oid = m.member
         WHERE r.rolname IN (?, ?, ?, ?) ORDER BY u.rolname`,
      )
      .all(...PROJECT_ROLES.map((r) => roleName(schema, r))) as { role: string; member: string | null }[];
    return PROJECT_ROLES.map((role) => {
      const name = roleName(schema, role);
      // The project's own roles hold one another (an administrator is a planner): not people.
      const projectRoles = new Set(PROJECT_ROLES.map((r) => roleName(schema, r)));
      const members = rows.filter((r) => r.role === name && r.member !== null && !projectRoles.has(r.member)).map((r) => r.member!);
      return { role, name, members };
    });
  }

  /** Grants `login` the project role; false when it held it already (nothing written). */
  grant(login: string, role: ProjectRole): boolean {
    return this.change('grant', login, role);
  }

  /** Revokes the project role from `login`; false when it did not hold it (nothing written). */
  revoke(login: string, role: ProjectRole): boolean {
    return this.change('revoke', login, role);
  }

  private change(what: 'grant' | 'revoke', login: string, role: ProjectRole): boolean {
    const schema = this.schema();
    this.db.ensureWritable();
    const name = roleName(schema, role);
    const sql = sqlOf(this.db);
    const target = sql.prepare('SELECT rolname FROM pg_roles WHERE rolname = ?').get(login) as { rolname: string } | undefined;
    if (!target) {
      throw new UserInputError(
        'role.unknown-login',
        `数据库中没有登录“${login}”。请数据库管理员先创建它（CREATE ROLE ${quoteId(login)} LOGIN），再授予项目角色；未作任何改动。`,
        `There is no login "${login}" in the database; create it first (CREATE ROLE ... LOGIN). Nothing was changed.`,
      );
    }
    if ((PROJECT_ROLES as readonly string[]).some((r) => roleName(schema, r as ProjectRole) === login)) {
      throw new UserInputError('role.project-role', `“${login}”是项目自身的角色，不是登录；请给出使用者的数据库登录名。`, `"${login}" is one of the project's own roles, not a login.`);
    }
    return this.db.transaction(() => {
      const held = !!sql
        .prepare('SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = ? AND u.rolname = ?')
        .get(name, login);
      if (held === (what === 'grant')) return false;
      sql.exec(what === 'grant' ? `GRANT ${quoteId(name)} TO ${quoteId(login)}` : `REVOKE ${quoteId(name)} FROM ${quoteId(login)}`);
      this.audit.appendInTransaction({ action: what === 'grant' ? 'role-grant' : 'role-revoke', detail: { login, role, roleName: name } });
      return true;
    });
  }
}
