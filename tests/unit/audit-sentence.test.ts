import { describe, expect, it } from 'vitest';
import { auditActor, auditSentence } from '../../shared/review/audit-sentence';

describe('the audit trail read as sentences', () => {
  it('says what a decision was, its revision and the parcel, with the one verdict term', () => {
    const entry = { action: 'decision', detail: { decision: 'conditional', revision: 1, parcelId: 'P-001', parcelTable: 'parcels' } };
    expect(auditSentence(entry, 'zh-CN')).toBe('签署审查决定：有条件准入（第 1 版），地块 P-001');
    expect(auditSentence(entry, 'en')).toBe('signed the decision: approved with conditions (revision 1), parcel P-001');
    const revision = { action: 'decision-revision', detail: { decision: 'rejected', revision: 2, parcelId: 'P-001', revisionReason: '补充调查超筛选值' } };
    expect(auditSentence(revision, 'zh-CN')).toBe('修订审查决定：不予准入（第 2 版），地块 P-001，修订理由：补充调查超筛选值');
  });

  it('reads an attribute change old → new in Chinese labels, an explicit empty list as 不涉及', () => {
    const entry = { action: 'parcel-attribute', detail: { parcelId: 'P-7', field: 'projectType', old: null, new: [] } };
    expect(auditSentence(entry, 'zh-CN')).toBe('修改地块 P-7 的项目类型：（未填写） → 不涉及以下类型');
    const action = { action: 'parcel-attribute', detail: { parcelId: 'P-7', field: 'action', old: 'supply', new: 'recover' } };
    expect(auditSentence(action, 'zh-CN')).toContain('拟办事项');
    expect(auditSentence(action, 'zh-CN')).not.toMatch(/\w+=/);
  });

  it('names a profile by its name and counts verdicts of a check', () => {
    const entry = { action: 'check', detail: { profile: 'xiaxian', parcelCount: 3, verdicts: { prohibited: 1, conditional: 2, permitted: 0 } } };
    expect(auditSentence(entry, 'zh-CN', { profileNames: { xiaxian: '夏县' } })).toBe('审查 3 个地块（审查规则配置“夏县”）：不予准入 1、有条件准入 2');
    expect(auditSentence(entry, 'zh-CN')).toContain('“xiaxian”');
    expect(auditSentence({ action: 'check', detail: { sweepId: 4, parcelCount: 100000, verdicts: {} } }, 'zh-CN')).toBe('全部审查 100000 个地块');
  });

  it('describes an import with the kind in Chinese and the source file', () => {
    const entry = { action: 'import', detail: { table: 'farmland', kind: 'basic-farmland', title: '永久基本农田', sourceFile: '永农 2024.zip', featureCount: 12 } };
    expect(auditSentence(entry, 'zh-CN')).toBe('导入图层“永久基本农田”（永久基本农田，12 个要素，来自 永农 2024.zip）');
  });

  it('says which project role a login was granted or lost, in both languages', () => {
    const grant = { action: 'role-grant', detail: { login: 'zhangsan', role: 'reviewer', roleName: 'xiaxian_reviewer' } };
    expect(auditSentence(grant, 'zh-CN')).toBe('授予登录 zhangsan 项目角色：审查（xiaxian_reviewer）');
    expect(auditSentence(grant, 'en')).toBe('granted login zhangsan the project role reviewer (xiaxian_reviewer)');
    const revoke = { action: 'role-revoke', detail: { login: 'lisi', role: 'admin', roleName: 'xiaxian_admin' } };
    expect(auditSentence(revoke, 'zh-CN')).toBe('撤销登录 lisi 的项目角色：管理员（xiaxian_admin）');
    expect(auditSentence(revoke, 'en')).toBe('revoked the project role administrator (xiaxian_admin) from login lisi');
  });

  it('falls back to the action id for an entry it does not know, and tolerates any detail', () => {
    expect(auditSentence({ action: 'future-thing', detail: { a: 1 } }, 'zh-CN')).toBe('future-thing');
    expect(auditSentence({ action: 'decision', detail: 'not an object' }, 'zh-CN')).toBe('签署审查决定：');
    expect(auditSentence({ action: 'export', detail: null }, 'en')).toBe('exported');
  });

  it('shows the display name with the account, or the account alone', () => {
    expect(auditActor('zhangsan', { zhangsan: '张三' })).toBe('张三（zhangsan）');
    expect(auditActor('lisi', { zhangsan: '张三' })).toBe('lisi');
  });
});
