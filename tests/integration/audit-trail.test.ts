/**
 * The audit trail as a reviewer reads it: sentences with display names (CLI and API), the
 * display name kept in the project and audited, bad names refused with nothing written, and a
 * tampered log reported with its own exit code.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { landgate, sha256 } from '../support/cli';
import { useDemoProject } from '../support/demo-project';

const demo = useDemoProject('landgate-audit-');
const asZhang = { env: { LANDGATE_USER: 'zhangsan' } };

describe('landgate audit', () => {
  it('lists every entry as a sentence in Beijing time, with no key=value detail, and verifies the log', () => {
    const result = landgate(['audit', demo.path]);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^共 \d+ 条；日志完整性校验通过。$/);
    const entries = lines.slice(0, -1).map((l) => l.split('\t'));
    expect(entries.length).toBeGreaterThan(5);
    for (const [seq, time, , sentence] of entries) {
      expect(Number(seq)).toBeGreaterThan(0);
      expect(time).toMatch(/^\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}:\d{2}$/);
      expect(sentence).not.toMatch(/[a-zA-Z]+=/);
    }
    expect(entries.map((e) => e[3])).toContain('导入图层“报件地块（示例）”（报件地块，30 个要素）');
  });

  it('sets a display name that every later line shows beside the account, and refuses a bad one unchanged', () => {
    const set = landgate(['audit', demo.path, '--display-name', '张三'], asZhang);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toContain('账户 zhangsan 的显示名已设为“张三”');
    const trail = landgate(['audit', demo.path, '--format', 'json'], asZhang);
    const view = JSON.parse(trail.stdout) as { entries: { action: string; actor: string; sentence: string }[]; integrity: { ok: boolean } };
    expect(view.integrity.ok).toBe(true);
    expect(view.entries.at(-1)).toMatchObject({ action: 'display-name', actor: '张三（zhangsan）', sentence: '将显示名设为“张三”' });

    const before = sha256(demo.path);
    for (const bad of ['名'.repeat(41), 'a\u0007b']) {
      const refused = landgate(['audit', demo.path, '--display-name', bad], asZhang);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('显示名');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
    expect(sha256(demo.path)).toBe(before);
  });

  it('reports a tampered log with exit 3 and the first bad entry', () => {
    const copy = join(dirname(demo.path), 'tampered.gpkg');
    copyFileSync(demo.path, copy);
    const db = new Database(copy);
    // the append-only trigger stops an honest mistake, not someone editing the file
    db.exec('DROP TRIGGER landgate_audit_no_update');
    db.prepare("UPDATE landgate_audit SET user = 'mallory' WHERE seq = 2").run();
    db.close();
    const result = landgate(['audit', copy]);
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('审计日志第 2 条起哈希链校验失败');
  });
});

describe('display names through the API', () => {
  it('returns display names and profile names with the trail, and setDisplayName is audited', async () => {
    process.env.LANDGATE_USER = 'lisi';
    try {
      await demo.withApi(async (api) => {
        const saved = await api.setDisplayName({ name: ' 李四 ' });
        expect(saved).toEqual({ account: 'lisi', displayName: '李四' });
        const view = await api.getAuditTrail({});
        expect(view.currentAccount).toBe('lisi');
        expect(view.displayNames).toMatchObject({ lisi: '李四', zhangsan: '张三' });
        expect(view.profileNames.xiaxian).toBe('夏县');
        expect(view.entries.at(-1)).toMatchObject({ action: 'display-name', user: 'lisi', detail: { name: '李四' } });
        await api.setDisplayName({ name: '' });
        expect((await api.getAuditTrail({})).displayNames.lisi).toBeUndefined();
      });
    } finally {
      delete process.env.LANDGATE_USER;
    }
  });
});
