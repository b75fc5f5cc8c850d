/**
 * What the database refuses, in words (electron/services/store/postgres/pg-errors.ts), for the
 * errors the shared-project integration tests cannot provoke on demand: a duplicate, a deadlock,
 * a read-only transaction, a network failure. The errors are the server's as pg reports them
 * (SQLSTATE, message, table); the refusals the server gives in those tests are checked there.
 */
import { describe, expect, it } from 'vitest';
import { PgError } from '../../electron/services/store/postgres/pg-bridge';
import { pgRefusal, sqlStateOf } from '../../electron/services/store/postgres/pg-errors';

const context = { login: 'zhangsan', schema: 'xiaxian', display: 'postgresql://zhangsan@db.county/gis?schema=xiaxian' };

const refusal = (code: string, message: string, sql = 'INSERT INTO landgate_decisions VALUES (1)', table?: string) => pgRefusal(new PgError({ code, message, table }), sql, context);

describe('the database refusals in words', () => {
  it('names the login, what it may not touch and the role that would allow it', () => {
    const write = refusal('42501', 'permission denied for table landgate_decisions')!;
    expect(write.code).toBe('project.pg-denied');
    expect(write.messageZh).toBe('数据库拒绝：登录 zhangsan 没有写入审查决定的权限（需要角色 xiaxian_reviewer（审查））。请项目管理员用 landgate role 授予角色；本次操作未改动项目。');
    expect(write.messageEn).toContain('(permission denied for table landgate_decisions)');
    const read = refusal('42501', 'permission denied for table parcels', 'SELECT * FROM parcels')!;
    expect(read.messageZh).toBe('数据库拒绝：登录 zhangsan 没有读取图层“parcels”的权限（需要角色 xiaxian_readonly（只读） 或更高）。请项目管理员用 landgate role 授予角色。');
    const anyWriter = refusal('42501', 'permission denied for table landgate_audit')!;
    expect(anyWriter.messageZh).toContain('需要角色 xiaxian_planner（经办）、xiaxian_reviewer（审查） 或 xiaxian_admin（管理员）');
    expect(refusal('42501', 'new row violates row-level security policy for table "landgate_layers"')!.messageZh).toContain('无权登记参考图层（经办只能登记报件地块图层）（需要角色 xiaxian_admin（管理员））');
    expect(refusal('42501', 'permission denied for schema xiaxian', 'CREATE TABLE "x" (fid bigint)')!.messageZh).toContain('无权在共享项目“postgresql://zhangsan@db.county/gis?schema=xiaxian”中新建图层');
    expect(refusal('42501', 'must have admin option on role "xiaxian_admin"', 'GRANT "xiaxian_admin" TO "lisi"')!.messageZh).toContain('无权授予或撤销共享项目的角色');
  });

  it('says the append-only tables and the own-login rule are the database’s', () => {
    expect(refusal('42501', 'landgate_audit is append-only', 'DELETE FROM landgate_audit')!.messageZh).toBe(
      '数据库拒绝：审计日志只能追加，已写入的记录不能修改或删除（任何登录都不能，包括项目所有者）；如需变更，请以新记录（修订版）写入。本次操作未改动项目。',
    );
    expect(refusal('42501', 'landgate_decisions rows are written under the login that acts (zhangsan), not as lisi')!.messageZh).toBe('数据库拒绝：审查决定只能以当前登录 zhangsan 的名义写入，不能记为“lisi”。本次操作未改动项目。');
  });

  it('turns a duplicate, a deadlock or a serialization failure into a conflict to retry', () => {
    const duplicate = refusal('23505', 'duplicate key value violates unique constraint "landgate_document_numbers_year_sequence_key"', 'INSERT INTO landgate_document_numbers VALUES (1)', 'landgate_document_numbers')!;
    expect(duplicate.code).toBe('project.conflict');
    expect(duplicate.messageZh).toBe('数据库拒绝：文书编号中已有同样的记录（可能是另一位用户刚刚写入）。请刷新后再试；本次操作未改动项目。');
    expect(sqlStateOf(duplicate)).toBe('23505');
    for (const code of ['40001', '40P01']) {
      expect(refusal(code, 'deadlock detected')!.messageZh).toBe(
        '与另一位用户同时修改共享项目“postgresql://zhangsan@db.county/gis?schema=xiaxian”发生冲突，数据库已撤销本次操作。请刷新后重试；本次操作未改动项目。',
      );
    }
  });

  it('a read-only session, a lost connection and a full server are the user’s to know, not internal errors', () => {
    expect(refusal('25006', 'cannot execute INSERT in a read-only transaction')!.code).toBe('project.readonly');
    expect(refusal('08006', 'Connection terminated unexpectedly')!.code).toBe('project.pg-connection-lost');
    expect(refusal('57P01', 'terminating connection due to administrator command')!.code).toBe('project.pg-connection-lost');
    expect(refusal('53100', 'could not extend file: No space left on device')!.code).toBe('project.pg-resources');
  });

  it('leaves what is not the user’s to fix as it is: our own SQL errors, and errors that are not the server’s', () => {
    expect(refusal('42601', 'syntax error at or near "FORM"')).toBeNull();
    expect(refusal('42P01', 'relation "landgate_nothing" does not exist')).toBeNull();
    expect(pgRefusal(new Error('boom'), 'SELECT 1', context)).toBeNull();
    expect(sqlStateOf(new Error('boom'))).toBeUndefined();
  });
});
