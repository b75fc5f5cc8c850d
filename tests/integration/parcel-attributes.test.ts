/**
 * Editing parcel attributes through the real API service and the real `landgate parcel` command
 * on a real demo GeoPackage: each field set (Chinese labels accepted), the verdict following the
 * rules at once, one audit entry per changed field with old → new, an explicit none for
 * projectType stored as [] and told apart from a missing one, and refusals (bad code, bad action,
 * decided parcel, bad CLI values) leaving the file byte-identical.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import type { CheckReport } from '../../shared/model/check';
import { useDemoProject } from '../support/demo-project';
import { landgate, sha256 } from '../support/cli';

const demo = useDemoProject('landgate-parcel-attrs-');
const withApi = demo.withApi;

/**
 * The check worker of an earlier service may still hold the project when the test moves on, so
 * its last close (and the checkpoint that comes with it) can land while a later refusal is being
 * measured. Checkpointing the WAL first means such a late close has nothing left to write.
 */
function settle(): void {
  const db = new Database(demo.path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function refusedUnchanged(fn: (api: ApiService) => Promise<unknown>): Promise<string> {
  settle();
  const before = sha256(demo.path);
  let message = '(no error)';
  await withApi(async (api) => {
    try {
      await fn(api);
    } catch (error) {
      expect((error as { name?: string }).name).toBe('UserInputError');
      message = (error as { messageZh: string }).messageZh;
    }
  });
  expect(sha256(demo.path)).toBe(before);
  return message;
}

function storedProps(table: string, id: string): Record<string, unknown> {
  const store = ProjectStore.open(demo.path, { readonly: true });
  try {
    return store.featureById(table, id, { geometry: false })!.properties;
  } finally {
    store.close();
  }
}

function attributeAudit(parcelId: string): { field: string; old: unknown; new: unknown; table: string }[] {
  const store = ProjectStore.open(demo.path, { readonly: true });
  try {
    return store
      .listAudit()
      .filter((e) => e.action === 'parcel-attribute' && (e.detail as { parcelId: string }).parcelId === parcelId)
      .map((e) => e.detail as { field: string; old: unknown; new: unknown; table: string });
  } finally {
    store.close();
  }
}

const rulesOf = (report: CheckReport) => report.parcels[0].findings.map((f) => f.rule);
const asking = (report: CheckReport, what: string) => report.parcels[0].findings.filter((f) => f.severity === 'condition' && f.message.includes('需补充') && f.message.includes(what));

const set = (api: ApiService, parcelId: string, changes: Parameters<ApiService['setParcelAttributes']>[0]['changes']) =>
  api.setParcelAttributes({ table: 'parcels', parcelId, changes, profile: 'xiaxian' });

describe('setParcelAttributes (API)', () => {
  it('projectType: a type changes the verdict, none is stored as [] and differs from missing', async () => {
    const id = 'XX-2026-028'; // quasi zone of 城北水源地, not seriously water-polluting: permitted
    await withApi(async (api) => {
      const before = await api.checkParcel({ table: 'parcels', parcelId: id, profile: 'xiaxian' });
      expect(before.parcels[0].verdict).toBe('permitted');

      const polluting = await set(api, id, { projectType: '严重污染水体' });
      expect(polluting.report.parcels[0].verdict).toBe('prohibited');
      expect(polluting.parcel.verdict).toBe('prohibited');
      expect(polluting.changed).toEqual([{ key: 'projectType', labelZh: '项目类型', old: [], new: ['heavy-water-polluting'] }]);

      const unknown = await set(api, id, { projectType: null });
      expect(unknown.report.parcels[0].verdict).toBe('conditional');
      expect(asking(unknown.report, '项目类型').length).toBeGreaterThan(0);
      expect('projectType' in storedProps('parcels', id)).toBe(false);

      const none = await set(api, id, { projectType: '不涉及' });
      expect(none.report.parcels[0].verdict).toBe('permitted');
      expect(asking(none.report, '项目类型')).toEqual([]);
    });
    expect(storedProps('parcels', id).projectType).toEqual([]);
    const audit = attributeAudit(id);
    expect(audit.map((a) => [a.field, a.old, a.new])).toEqual([
      ['projectType', [], ['heavy-water-polluting']],
      ['projectType', ['heavy-water-polluting'], null],
      ['projectType', null, []],
    ]);
  });

  it('plannedUse: cleared asks for it, filled again removes the 需补充 condition; the scheme of older codes is kept', async () => {
    const id = 'XX-2026-019'; // hospital on former farmland, survey in progress: soil.survey-required
    await withApi(async (api) => {
      const cleared = await set(api, id, { plannedUse: '' });
      expect(asking(cleared.report, '规划用途').length).toBeGreaterThan(0);
      expect(cleared.report.parcels[0].verdict).toBe('conditional');
      const filled = await set(api, id, { plannedUse: '0806' });
      expect(asking(filled.report, '规划用途')).toEqual([]);
      expect(rulesOf(filled.report)).toContain('soil.survey-required');

      const gb = await set(api, id, { currentUse: 'M1' });
      expect(gb.changed.map((c) => c.key)).toEqual(['currentUse']);
      const view = await api.getParcelAttributes({ table: 'parcels', parcelId: id });
      const current = view.attributes.find((a) => a.key === 'currentUse')!;
      expect(current).toMatchObject({ value: 'M1', scheme: 'gb50137', labelZh: '现状用途' });
      expect(view.attributes.find((a) => a.key === 'plannedUse')).toMatchObject({ value: '0806', scheme: '2023', schemeAssumed: true });
      expect(view.editable).toBe(true);
    });
    expect(attributeAudit(id).map((a) => [a.field, a.old, a.new])).toEqual([
      ['plannedUse', '0806', null],
      ['plannedUse', null, '0806'],
      ['currentUse', '0103', 'M1'],
    ]);
  });

  it('soilSurvey, riskAssessment, action, toxicHistory and name take canonical values and Chinese labels', async () => {
    const id = 'XX-2026-009'; // industrial → residential without a soil survey
    await withApi(async (api) => {
      const before = await api.checkParcel({ table: 'parcels', parcelId: id, profile: 'xiaxian' });
      expect(rulesOf(before)).toContain('soil.survey-required');
      const after = await set(api, id, { soilSurvey: '调查通过', riskAssessment: '风险可接受', action: '出让', toxicHistory: '否', name: '  新名称  ' });
      expect(rulesOf(after.report)).not.toContain('soil.survey-required');
      expect(after.changed.map((c) => c.key).sort()).toEqual(['name', 'riskAssessment', 'soilSurvey', 'toxicHistory']); // action was supply already
    });
    const props = storedProps('parcels', id);
    expect(props).toMatchObject({ soilSurvey: 'passed', riskAssessment: 'acceptable', action: 'supply', toxicHistory: false, name: '新名称' });
    const audit = attributeAudit(id);
    expect(audit.find((a) => a.field === 'soilSurvey')).toMatchObject({ old: 'none', new: 'passed', table: 'parcels' });
    expect(audit.find((a) => a.field === 'riskAssessment')).toMatchObject({ old: null, new: 'acceptable' });
    expect(audit.find((a) => a.field === 'toxicHistory')).toMatchObject({ old: null, new: false });
    await withApi(async (api) => {
      await set(api, id, { toxicHistory: true, action: 'transfer' });
    });
    expect(storedProps('parcels', id)).toMatchObject({ toxicHistory: true, action: 'transfer' });
  });

  it('refuses a bad code, a bad action, a bad project type and an unknown field, naming the field and the allowed values', async () => {
    const id = 'XX-2026-022';
    const code = await refusedUnchanged((api) => set(api, id, { plannedUse: '99', name: '不应写入' }));
    expect(code).toContain('规划用途“99”');
    expect(code).toContain('用地用海分类 2023');
    const action = await refusedUnchanged((api) => set(api, id, { action: 'sell' }));
    expect(action).toContain('拟办事项“sell”');
    expect(action).toContain('supply（供应（出让/划拨））');
    expect(await refusedUnchanged((api) => set(api, id, { projectType: 'catering,casino' }))).toContain('项目类型');
    expect(await refusedUnchanged((api) => set(api, id, { soilSurvey: 'maybe' }))).toContain('土壤污染状况调查');
    expect(await refusedUnchanged((api) => set(api, id, { toxicHistory: '也许' }))).toContain('是否曾涉及有毒有害物质');
    expect(await refusedUnchanged((api) => api.setParcelAttributes({ table: 'parcels', parcelId: id, changes: { id: 'X' } as never, profile: 'xiaxian' }))).toContain('不能编辑的属性');
    expect(storedProps('parcels', id).name).not.toBe('不应写入');
  });

  it('refuses a parcel with a standing signed decision (file unchanged), and the form says it is read-only', async () => {
    const id = 'XX-2026-023';
    const store = ProjectStore.open(demo.path);
    try {
      new ReviewStore(store).signDecision({ table: 'parcels', parcelId: id, decision: 'approved', opinion: '同意', conditions: [], signature: { name: '王审查', department: '夏县自然资源局', date: '2026-11-20' } });
    } finally {
      store.close();
    }
    const message = await refusedUnchanged((api) => set(api, id, { soilSurvey: 'none' }));
    expect(message).toContain('已签发审查决定');
    expect(message).toContain('退回补正');
    const view = await withApi((api) => api.getParcelAttributes({ table: 'parcels', parcelId: id }));
    expect(view.editable).toBe(false);
    expect(view.lockedReasonZh).toContain('退回补正');
    // the English UI gets the reason in English (data such as the signer's name stays as written)
    expect(view.lockedReasonEn).toContain('Returned for correction');
    expect(view.lockedReasonEn?.replace('王审查', '')).not.toMatch(/\p{Script=Han}/u);
  });
});

describe('updateFeatureAttributes (store)', () => {
  it('retypes an all-empty text column for a list and a yes/no, adds missing columns, refreshes last_change, leaves the data version', async () => {
    const square = { type: 'Polygon' as const, coordinates: [[[111.40, 35.20], [111.401, 35.20], [111.401, 35.201], [111.40, 35.201], [111.40, 35.20]]] };
    const store = ProjectStore.open(demo.path);
    try {
      // a file whose 项目类型 / 有毒有害 columns were all blank: typed text by the import
      store.writeLayer({ table: 'blank_types', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: [
        { type: 'Feature', id: 'B-1', properties: { id: 'B-1', projectType: null, toxicHistory: null }, geometry: square },
        { type: 'Feature', id: 'B-2', properties: { id: 'B-2', projectType: null, toxicHistory: null }, geometry: square },
      ] });
    } finally {
      store.close();
    }
    const lastChange = () => {
      const db = new Database(demo.path, { readonly: true });
      try {
        return (db.prepare("SELECT last_change FROM gpkg_contents WHERE table_name = 'blank_types'").get() as { last_change: string }).last_change;
      } finally {
        db.close();
      }
    };
    const before = lastChange();
    const versionBefore = (() => {
      const s = ProjectStore.open(demo.path, { readonly: true });
      try {
        return s.db.dataVersion();
      } finally {
        s.close();
      }
    })();
    await withApi((api) => api.setParcelAttributes({ table: 'blank_types', parcelId: 'B-1', changes: { projectType: 'none', toxicHistory: 'no', riskAssessment: 'acceptable' }, profile: 'xiaxian' }));
    expect(storedProps('blank_types', 'B-1')).toMatchObject({ projectType: [], toxicHistory: false, riskAssessment: 'acceptable' });
    expect('projectType' in storedProps('blank_types', 'B-2')).toBe(false);
    expect(lastChange() > before).toBe(true);
    const after = ProjectStore.open(demo.path, { readonly: true });
    try {
      expect(after.db.dataVersion()).toBe(versionBefore);
      const columns = after.layers.columns('blank_types');
      expect(columns.find((c) => c.key === 'projectType')?.type).toBe('json');
      expect(columns.find((c) => c.key === 'toxicHistory')?.type).toBe('boolean');
      expect(columns.find((c) => c.key === 'riskAssessment')?.type).toBe('text');
    } finally {
      after.close();
    }
  });
});

describe('landgate parcel', () => {
  it('show prints each attribute with its Chinese label, the scheme and the latest verdict; --format json', () => {
    const text = landgate(['parcel', 'show', demo.path, 'parcels', 'XX-2026-010']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('规划用途');
    expect(text.stdout).toContain('0701（按用地用海分类 2023 推定）');
    expect(text.stdout).toContain('土壤污染状况调查');
    expect(text.stdout).toContain('项目类型：不涉及以下类型');
    const json = landgate(['parcel', 'show', demo.path, 'parcels', 'XX-2026-010', '--format', 'json']);
    expect(json.status, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { attributes: { key: string; value?: unknown }[] };
    expect(parsed.attributes.find((a) => a.key === 'projectType')?.value).toEqual([]);
  });

  it('set with bad values exits 2 naming the field and the allowed values, project unchanged', () => {
    settle();
    const before = sha256(demo.path);
    const bad = landgate(['parcel', 'set', demo.path, 'parcels', 'XX-2026-011', '--planned-use', 'ZZZ9', '--profile', 'xiaxian']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('规划用途“ZZZ9”');
    expect(bad.stderr).toMatch(/^error: /m);
    const action = landgate(['parcel', 'set', demo.path, 'parcels', 'XX-2026-011', '--action', '卖掉']);
    expect(action.status).toBe(2);
    expect(action.stderr).toContain('拟办事项');
    expect(action.stderr).toContain('reclaim');
    const toxic = landgate(['parcel', 'set', demo.path, 'parcels', 'XX-2026-011', '--toxic-history', 'maybe']);
    expect(toxic.status).toBe(2);
    const nothing = landgate(['parcel', 'set', demo.path, 'parcels', 'XX-2026-011']);
    expect(nothing.status).toBe(2);
    expect(sha256(demo.path)).toBe(before);
  });

  it('set writes, prints what changed and the new verdict; without --profile says there was no re-check', () => {
    const id = 'XX-2026-011'; // level-2 zone, no discharge: conditional
    const result = landgate(['parcel', 'set', demo.path, 'parcels', id, '--project-type', 'discharging', '--profile', 'xiaxian']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('项目类型');
    expect(result.stdout).toContain('不涉及以下类型 → 排放污染物');
    expect(result.stdout).toContain('不予准入');
    const quiet = landgate(['parcel', 'set', demo.path, 'parcels', id, '--project-type', 'none', '--soil-survey', '进行中']);
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain('未重新审查');
    expect(storedProps('parcels', id)).toMatchObject({ projectType: [], soilSurvey: 'in-progress' });
  });

  it('has --help', () => {
    const help = landgate(['parcel', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--planned-use');
  });
});
