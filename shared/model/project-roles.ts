/**
 * The people of a shared project, as the bureau names them: each is a PostgreSQL group role of
 * the project (electron/services/store/postgres/pg-schema.ts) that logins are granted.
 */
export type ProjectRole = 'readonly' | 'planner' | 'reviewer' | 'admin';
export const PROJECT_ROLES: readonly ProjectRole[] = ['readonly', 'planner', 'reviewer', 'admin'];

export const PROJECT_ROLE_LABEL: Record<ProjectRole, { zh: string; en: string }> = {
  readonly: { zh: '只读', en: 'read-only' },
  planner: { zh: '经办', en: 'planner' },
  reviewer: { zh: '审查', en: 'reviewer' },
  admin: { zh: '管理员', en: 'administrator' },
};

export function isProjectRole(value: unknown): value is ProjectRole {
  return typeof value === 'string' && (PROJECT_ROLES as readonly string[]).includes(value);
}
