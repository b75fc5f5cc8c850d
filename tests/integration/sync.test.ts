/**
 * Offline meetings: `landgate sync pull` takes a submission from the shared project to a
 * laptop's GeoPackage, the meeting decides and edits there, `landgate sync push` brings it back.
 * The shared side is a GeoPackage, then a PostgreSQL schema (the last suite); the code is the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { copyLayer } from '../../electron/services/sync/meeting-copy';
import { auditSentence } from '../../shared/review/audit-sentence';
import { landgate, sha256 } from '../support/cli';
import { uploadFile } from '../support/import-api';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

let dir: string;
let demo: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-sync-'));
  demo = join(dir, 'demo.gpkg');
  const made = landgate(['demo', demo]);
  expect(made.status, made.stderr).toBe(0);
  const checked = landgate(['check', demo, 'parcels', '--profile', 'xiaxian', '--format', 'json', '--out', join(dir, 'check.json')]);
  expect(checked.status, checked.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signature = (name: string) => ({ name, department: '夏县自然资源局', date: '2026-12-07' });

function sharedCopy(name: string): string {
  const path = join(dir, `${name}.gpkg`);
  copyFileSync(demo, path);
  return path;
}

/**
 * The meeting as a user lives it: a submission pulled, decided and edited offline, decided again in
 * the office meanwhile, pushed back, and pushed once more.
 */
function meetingRoundTrip(shared: string, laptop: string, env: Record<string, string> = {}) {
    let submissionId: number;
    {
      const store = ProjectStore.open(shared);
      const review = new ReviewStore(store);
      submissionId = review.createSubmission({ parcelTable: 'parcels', parcelIds: ['XX-2026-001', 'XX-2026-002'], title: '东关片区两宗' }).id!;
      review.signDecision({ table: 'parcels', parcelId: 'XX-2026-001', decision: 'rejected', opinion: '位于污染地块上，不予准入。', conditions: [], signature: signature('张三') });
      store.close();
    }
    const pulled = landgate(['sync', 'pull', shared, laptop, '--submission', String(submissionId)], { env });
    expect(pulled.status, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain('报件 1 件，地块 2 宗，审查决定 1 项');

    {
      const copy = ProjectStore.open(laptop);
      const source = ProjectStore.open(shared, { readonly: true });
      // the two parcels only, and the reference layers around them, not the whole county
      expect(copy.countFeatures('parcels')).toBe(2);
      expect(copy.listLayers().map((l) => l.table)).toEqual(source.listLayers().map((l) => l.table));
      const copiedReference = copy.listLayers().filter((l) => l.kind !== 'parcel').reduce((n, l) => n + l.featureCount, 0);
      const allReference = source.listLayers().filter((l) => l.kind !== 'parcel').reduce((n, l) => n + l.featureCount, 0);
      expect(copiedReference).toBeGreaterThan(0);
      expect(copiedReference).toBeLessThan(allReference);
      // attributes and geometry as they were
      const mine = copy.featureById('parcels', 'XX-2026-001')!;
      const theirs = source.featureById('parcels', 'XX-2026-001')!;
      expect(mine.properties).toEqual(theirs.properties);
      expect(mine.geometry).toEqual(theirs.geometry);
      const review = new ReviewStore(copy);
      expect(review.registeredSubmissions().map((s) => [s.title, s.parcelIds])).toEqual([['东关片区两宗', ['XX-2026-001', 'XX-2026-002']]]);
      const [pulledDecision] = review.allDecisions();
      expect(pulledDecision).toMatchObject({ parcelId: 'XX-2026-001', decision: 'rejected', signature: signature('张三') });
      expect(review.latestCheck('parcels', 'XX-2026-002')?.verdict).toBe(new ReviewStore(source).latestCheck('parcels', 'XX-2026-002')?.verdict);

      // the meeting: revises 001, decides 002, corrects 002's name
      review.signDecision(
        { table: 'parcels', parcelId: 'XX-2026-001', decision: 'returned', opinion: '会议意见：补充土壤调查后再报。', conditions: [], signature: signature('李四'), supersedes: pulledDecision.id, revisionReason: '会议决定退回补正' },
      );
      review.signDecision({ table: 'parcels', parcelId: 'XX-2026-002', decision: 'conditional', opinion: '会议同意，附条件。', conditions: ['开工前完成土壤污染状况调查'], signature: signature('李四') });
      copy.updateFeatureAttributes('parcels', copy.findFeatureFid('parcels', 'XX-2026-002')!, { name: '城北水源地综合服务楼（会议更正）' });
      source.close();
      copy.close();
    }
    {
      // meanwhile in the office, 001 is revised too
      const store = ProjectStore.open(shared);
      const review = new ReviewStore(store);
      const latest = review.latestDecision('parcels', 'XX-2026-001')!;
      review.signDecision({ table: 'parcels', parcelId: 'XX-2026-001', decision: 'rejected', opinion: '维持不予准入。', conditions: [], signature: signature('王五'), supersedes: latest.id, revisionReason: '补充理由' });
      store.close();
    }

    const pushed = landgate(['sync', 'push', laptop, shared], { env });
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('审查决定 2 项，属性修改 1 宗');
    expect(pushed.stdout).toContain('待复核的冲突 1 处');

    const store = ProjectStore.open(shared, { readonly: true });
    const review = new ReviewStore(store);
    const first = review.listDecisions('parcels', 'XX-2026-001');
    // both decisions kept: the office revision and the meeting's, flagged with the one it met
    expect(first.map((d) => [d.revision, d.decision, d.signature.name])).toEqual([
      [1, 'rejected', '张三'],
      [2, 'rejected', '王五'],
      [3, 'returned', '李四'],
    ]);
    expect(first[2].revisionReason).toContain('待复核');
    expect(first[2].source?.originalIds).toMatchObject({ conflictWith: first[1].id });
    const second = review.listDecisions('parcels', 'XX-2026-002');
    expect(second.map((d) => [d.revision, d.decision, d.conditions])).toEqual([[1, 'conditional', ['开工前完成土壤污染状况调查']]]);
    expect(second[0].source?.originalIds).not.toHaveProperty('conflictWith');
    expect(store.featureById('parcels', 'XX-2026-002')?.properties.name).toBe('城北水源地综合服务楼（会议更正）');
    const audit = store.listAudit();
    const push = audit.find((e) => e.action === 'sync-push')!;
    expect(auditSentence(push, 'zh-CN')).toBe(`推送会议副本“${basename(laptop)}”：审查决定 2 项，属性修改 1 宗，冲突 1 处待复核`);
    expect(audit.some((e) => e.action === 'sync-pull')).toBe(true);
    expect(store.verifyAudit()).toEqual({ ok: true });
    store.close();

    // pushing again adds nothing
    const again = landgate(['sync', 'push', laptop, shared], { env });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('审查决定 0 项，属性修改 0 宗，已推送过的 2 项未重复写入');
    const after = ProjectStore.open(shared, { readonly: true });
    expect(new ReviewStore(after).allDecisions()).toHaveLength(4);
    after.close();
  }

describe('a meeting copy of a GeoPackage project', () => {
  it('pulls one submission with its surroundings, and pushes back the meeting’s decisions and edits, flagging what both sides decided', () => {
    meetingRoundTrip(sharedCopy('shared-main'), join(dir, '会议 副本.gpkg'));
  }, 180_000);

  it('pulls the parcels in a box, refuses an empty selection, and refuses to push a copy to another project or a project that is no copy', () => {
    const shared = sharedCopy('shared-box');
    const laptop = join(dir, 'box.gpkg');
    const none = landgate(['sync', 'pull', shared, join(dir, 'none.gpkg'), '--bbox', '100,20,100.1,20.1']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('没有符合条件的报件地块');
    expect(existsSync(join(dir, 'none.gpkg'))).toBe(false);
    expect(landgate(['sync', 'pull', shared, join(dir, 'bad.gpkg'), '--bbox', '111.5,35,111.1,35.3']).status).toBe(2);
    expect(landgate(['sync', 'pull', shared, join(dir, 'bad.gpkg'), '--submission', '99']).stderr).toContain('没有编号为 99 的报件');

    const pulled = landgate(['sync', 'pull', shared, laptop, '--bbox', '111.14,35.03,111.30,35.15']);
    expect(pulled.status, pulled.stderr).toBe(0);
    const copy = ProjectStore.open(laptop, { readonly: true });
    const ids = [...copy.iterateFeatures('parcels', { geometry: false })].map((f) => f.id);
    copy.close();
    const source = ProjectStore.open(shared, { readonly: true });
    const inBox = [...source.iterateFeatures('parcels', { bbox: [111.14, 35.03, 111.3, 35.15], geometry: false })].map((f) => f.id);
    source.close();
    expect(ids.sort()).toEqual(inBox.sort());
    expect(ids.length).toBeGreaterThan(0);

    const other = sharedCopy('other');
    const otherHash = sha256(other);
    const wrong = landgate(['sync', 'push', laptop, other]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('未推送任何内容');
    expect(sha256(other)).toBe(otherHash);
    const notCopy = landgate(['sync', 'push', other, shared]);
    expect(notCopy.status).toBe(2);
    expect(notCopy.stderr).toContain('不是用 landgate sync pull 取得的会议副本');
    expect(landgate(['sync', 'sideways', shared, laptop]).status).toBe(2);
  }, 180_000);

  it('works from the app: the 交换 panel’s API takes a copy of ticked submissions, and pushes it back from the copy or as an upload, once', async () => {
    const shared = sharedCopy('shared-app');
    const sharedApi = createApiService(shared);
    let laptop = '';
    try {
      expect(await sharedApi.getMeetingCopyInfo()).toEqual({ shared: false, copyOf: null, pulledAt: null });
      const submission = await sharedApi.createSubmission({ parcelTable: 'parcels', parcelIds: ['XX-2026-003'], title: '南关电镀厂' });
      const file = await sharedApi.exportMeetingCopy({ submissionIds: [submission.id!] });
      expect(file.fileName).toMatch(/^会议副本_.*\.gpkg$/);
      laptop = join(dir, file.fileName);
      writeFileSync(laptop, Buffer.from(file.base64, 'base64'));
    } finally {
      sharedApi.close();
    }
    const copyApi = createApiService(laptop);
    try {
      expect(await copyApi.getMeetingCopyInfo()).toMatchObject({ shared: false, copyOf: shared });
      expect((await copyApi.listSubmissions()).map((s) => s.parcelIds)).toEqual([['XX-2026-003']]);
      await copyApi.signDecision({ table: 'parcels', parcelId: 'XX-2026-003', decision: 'returned', opinion: '补充材料后再报。', conditions: [], signature: signature('赵六') });
      expect(await copyApi.pushMeetingCopy({})).toMatchObject({ decisions: 1, alreadyPushed: 0, conflicts: [] });
    } finally {
      copyApi.close();
    }
    const againApi = createApiService(shared);
    try {
      const uploadId = await uploadFile(againApi, laptop, 'copy.gpkg');
      expect(await againApi.pushMeetingCopy({ uploadId })).toMatchObject({ decisions: 0, alreadyPushed: 1 });
      const review = await againApi.getParcelReview({ table: 'parcels', parcelId: 'XX-2026-003' });
      expect(review.decisions.map((d) => [d.decision, d.signature.name])).toEqual([['returned', '赵六']]);
      await expect(againApi.pushMeetingCopy({})).rejects.toMatchObject({ code: 'sync.not-a-copy' });
    } finally {
      againApi.close();
    }
  }, 180_000);
});

describe('a meeting copy of a shared project in PostgreSQL', () => {
  let pg: ThrowawayPostgis;
  beforeAll(() => {
    pg = startPostgis();
  }, 600_000);
  afterAll(() => pg?.stop());

  it('pulls from the database and pushes back under the pushing login, the offline signer in the provenance', () => {
    const url = pg.url(freshSchema('meeting'));
    // the demo county, as a bureau would have loaded it into its shared project
    const shared = ProjectStore.create(url, { title: '夏县共享项目' });
    const demoStore = ProjectStore.open(demo, { readonly: true });
    shared.transaction(() => {
      for (const layer of demoStore.listLayers()) copyLayer(demoStore, shared, layer, demoStore.iterateFeatures(layer.table));
    });
    demoStore.close();
    shared.close();
    const env = { PGHOST: pg.env.PGHOST!, PGPORT: pg.env.PGPORT! };
    const checked = landgate(['check', url, 'parcels', '--profile', 'xiaxian', '--format', 'json', '--out', join(dir, 'pg-check.json')], { env });
    expect(checked.status, checked.stderr).toBe(0);
    meetingRoundTrip(url, join(dir, '共享 会议副本.gpkg'), env);
    const store = ProjectStore.open(url, { readonly: true });
    const pushed = new ReviewStore(store).listDecisions('parcels', 'XX-2026-002')[0];
    expect(pushed.user).toBe('postgres');
    expect(pushed.source?.originalIds).toMatchObject({ offlineUser: expect.any(String) });
    store.close();
  }, 300_000);
});
