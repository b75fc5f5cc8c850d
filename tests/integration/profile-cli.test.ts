/**
 * Profiles as data, editable: `landgate profile list|show|copy|import|export`, project
 * profiles stored in the project file, validated with the file and field named, refused input
 * leaving the project byte-for-byte unchanged, and checks naming the profile and its version.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../../shared/model/check';
import { createApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { landgate, sha256 } from '../support/cli';

// Each test spawns the CLI several times; on a busy 2-core machine that can take a while.
vi.setConfig({ testTimeout: 240_000 });

let dir: string;
let demo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-profile-'));
  demo = join(dir, 'demo.gpkg');
  expect(landgate(['demo', demo]).status).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe('landgate profile', () => {
  it('lists the six built-in profiles with versions', () => {
    const result = landgate(['profile', demo, 'list', '--format', 'json']);
    expect(result.status).toBe(0);
    const list = JSON.parse(result.stdout) as { id: string; source: string; version: string }[];
    expect(list.map((p) => p.id)).toEqual(['jincheng-chengqu', 'qinshui', 'shanxi-baseline', 'xiangning', 'xiaoyi', 'xiaxian']);
    expect(list.every((p) => p.source === 'builtin' && p.version === '2026.1')).toBe(true);
  });

  it('copies a profile into the project with its own id, version and basedOn; the copy is usable by check', () => {
    const copied = landgate(['profile', demo, 'copy', 'xiaoyi', 'xiaoyi-2027', '--name', '孝义市2027']);
    expect(copied.stderr).toContain('已复制 xiaoyi → xiaoyi-2027');
    expect(copied.status).toBe(0);
    const shown = JSON.parse(landgate(['profile', demo, 'show', 'xiaoyi-2027']).stdout) as { id: string; name: string; version: string; basedOn: string; rules: string[] };
    const original = JSON.parse(landgate(['profile', demo, 'show', 'xiaoyi']).stdout) as { rules: string[] };
    expect(shown).toMatchObject({ id: 'xiaoyi-2027', name: '孝义市2027', version: '1', basedOn: 'xiaoyi' });
    expect(shown.rules).toEqual(original.rules);
    const list = JSON.parse(landgate(['profile', demo, 'list', '--format', 'json']).stdout) as { id: string; source: string }[];
    expect(list.find((p) => p.id === 'xiaoyi-2027')?.source).toBe('project');

    const check = landgate(['check', demo, 'parcels', '--profile', 'xiaoyi-2027']);
    expect(check.status).toBe(0);
    const report = JSON.parse(check.stdout) as CheckReport;
    expect(report.profile).toBe('xiaoyi-2027');
    expect(report.profileVersion).toBe('1');
    const store = ProjectStore.open(demo, { readonly: true });
    const last = store.listChecks().at(-1);
    store.close();
    expect(last).toMatchObject({ profile: 'xiaoyi-2027', profileVersion: '1' });
  });

  it('refuses a copy onto an existing id, unchanged project', () => {
    const before = sha256(demo);
    const result = landgate(['profile', demo, 'copy', 'xiaxian', 'xiaoyi']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('“xiaoyi”已存在');
    expect(sha256(demo)).toBe(before);
  });

  it('exports, and imports an edited file; a changed parameter changes the verdict inputs', () => {
    const out = join(dir, 'x.json');
    expect(landgate(['profile', demo, 'export', 'xiaoyi-2027', '--out', out]).status).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { parameters: Record<string, unknown> };
    expect(json.$schema).toBe('./profile.schema.json');
    json.id = 'xiaoyi-wide';
    json.parameters.stationBufferM = 3000;
    writeFileSync(out, JSON.stringify(json));
    const imported = landgate(['profile', demo, 'import', out]);
    expect(imported.stderr).toContain('已导入 xiaoyi-wide');
    expect(imported.status).toBe(0);
    const narrow = JSON.parse(landgate(['check', demo, 'parcels', '--profile', 'xiaoyi-2027']).stdout) as CheckReport;
    const wide = JSON.parse(landgate(['check', demo, 'parcels', '--profile', 'xiaoyi-wide']).stdout) as CheckReport;
    const stationFindings = (r: CheckReport) => r.parcels.flatMap((p) => p.findings).filter((f) => f.rule === 'air.station-buffer');
    expect(stationFindings(wide).length).toBeGreaterThan(stationFindings(narrow).length);
    expect(stationFindings(wide).every((f) => (f.distanceM ?? Infinity) <= 3000)).toBe(true);
  });

  it('refuses an invalid profile file naming the file and the field, in Chinese, with the project unchanged', () => {
    const bad = join(dir, 'bad-profile.json');
    const json = JSON.parse(landgate(['profile', demo, 'show', 'qinshui']).stdout) as Record<string, unknown> & { parameters: Record<string, unknown> };
    json.id = 'qinshui-bad';
    json.parameters.adjacencyM = -5;
    writeFileSync(bad, JSON.stringify(json));
    const before = sha256(demo);
    const result = landgate(['profile', demo, 'import', bad]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('审查规则配置文件“bad-profile.json”无效：字段 parameters.adjacencyM 应为正数（米），实际为 -5');
    expect(result.stderr).toMatch(/^error: Invalid rule profile "bad-profile.json": field parameters.adjacencyM/m);
    noStackTrace(result.stderr);
    expect(sha256(demo)).toBe(before);

    writeFileSync(bad, '{"id": "x",');
    const broken = landgate(['profile', demo, 'import', bad]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('“bad-profile.json”不是有效的 JSON');
    expect(sha256(demo)).toBe(before);
  });

  it('refuses to import over a built-in id', () => {
    const file = join(dir, 'builtin.json');
    expect(landgate(['profile', demo, 'export', 'xiaxian', '--out', file]).status).toBe(0);
    const before = sha256(demo);
    const result = landgate(['profile', demo, 'import', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('与内置配置相同');
    expect(sha256(demo)).toBe(before);
  });

  it('refuses an unknown profile in check and in show', () => {
    const check = landgate(['check', demo, 'parcels', '--profile', 'nowhere']);
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('未知的审查规则配置“nowhere”');
    expect(check.stderr).toContain('xiaoyi-2027');
    expect(landgate(['profile', demo, 'show', 'nowhere']).status).toBe(2);
  });
});

describe('profile editing through the API (the editor dialog)', () => {
  it('saves an edited project profile, bumps the version when the content changes, and refuses invalid drafts in Chinese', async () => {
    const api = createApiService(demo);
    try {
      const base = await api.getProfile({ id: 'xiaoyi-2027' });
      const edited = { ...base, parameters: { ...base.parameters, adjacencyM: 350 }, rules: base.rules.filter((r) => r !== 'air.station-buffer') };
      const saved = await api.saveProfile({ profile: edited });
      expect(saved).toMatchObject({ id: 'xiaoyi-2027', version: '2', source: 'project', basedOn: 'xiaoyi' });
      const reread = await api.getProfile({ id: 'xiaoyi-2027' });
      expect(reread.parameters.adjacencyM).toBe(350);
      expect(reread.rules).not.toContain('air.station-buffer');
      // Saving the same content again keeps the version.
      expect((await api.saveProfile({ profile: reread })).version).toBe('2');

      await expect(api.saveProfile({ profile: { ...reread, parameters: { ...reread.parameters, stationBufferM: 'abc' } } })).rejects.toMatchObject({
        messageZh: expect.stringContaining('字段 parameters.stationBufferM 应为正数'),
      });
      await expect(api.saveProfile({ profile: { ...reread, id: 'xiaxian' } })).rejects.toMatchObject({ code: 'profile.builtin-id' });
      const list = await api.listProfiles();
      expect(list.find((p) => p.id === 'xiaoyi-2027')).toMatchObject({ version: '2', source: 'project' });
      expect(list.find((p) => p.id === 'xiaxian')).toMatchObject({ source: 'builtin' });
    } finally {
      api.close();
    }
  });
});
