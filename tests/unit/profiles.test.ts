import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/services/app-root';
import { getProfile, loadProfiles } from '../../electron/services/profiles';
import { isUserInputError, type UserInputError } from '../../shared/model/errors';
import { RULE_IDS, validateProfile } from '../../shared/rules/profile';
import { citeBasis } from '../../shared/rules/engine';
import { RULES, catalogueMismatches } from '../../shared/rules/catalogue';

const dir = join(appRoot(), 'data', 'profiles');
const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
const baselineRules = [
  'soil.listed-sensitive',
  'soil.unremediated-construction',
  'soil.survey-required',
  'soil.heavy-industry-sensitive',
  'soil.suspect-query',
  'soil.adjacent-sequencing',
  'soil.key-unit-transfer',
  'soil.toxic-to-farmland',
  'farmland.polluting-project',
  'use.ambiguous-code',
  'water.zone1',
  'water.zone2',
  'water.quasi',
  'heat.coal-ban-zone',
  'air.station-buffer',
];

function refusal(json: unknown, name = 'broken.json'): UserInputError {
  try {
    validateProfile(json, name);
  } catch (error) {
    if (isUserInputError(error)) return error;
    throw error;
  }
  throw new Error('profile was accepted');
}

describe('shipped profiles (rules.md §4)', () => {
  const profiles = loadProfiles();

  it('are the six of rules.md §4, all valid', () => {
    expect(profiles.map((p) => p.id)).toEqual(['jincheng-chengqu', 'qinshui', 'shanxi-baseline', 'xiangning', 'xiaoyi', 'xiaxian']);
    for (const p of profiles) expect(p.version).toBe('2026.1');
  });

  it('differ from the baseline exactly as the table says', () => {
    const byId = Object.fromEntries(profiles.map((p) => [p.id, p]));
    const extra = (id: string) => byId[id].rules.filter((r) => !baselineRules.includes(r));
    expect(byId['shanxi-baseline'].rules).toEqual(baselineRules);
    for (const p of profiles) expect(p.rules).toEqual(expect.arrayContaining(baselineRules));
    expect(extra('xiaxian')).toEqual(['heat.clean-heating-band', 'river.agri-chemical-limit']);
    expect(byId.xiaxian.parameters.heatBandM).toBe(400);
    expect(byId.xiaxian.parameters.riverAgriLimits).toEqual([{ river: '涑水河', distanceM: 1000 }]);
    expect(extra('xiangning')).toEqual(['soil.listed-transaction']);
    expect(extra('xiaoyi')).toEqual(['heat.clean-heating-band', 'air.station-catering']);
    expect(byId.xiaoyi.parameters).toMatchObject({ heatBandM: 900, stationBufferM: 500, stationTypes: ['air-provincial'] });
    expect(extra('qinshui')).toEqual(['air.county-air-inspection', 'river.green-buffer']);
    expect(byId.qinshui.parameters).toMatchObject({ countyAirBufferM: 2000, riverGreenBufferM: { main: 100, tributary: 50 } });
    expect(byId.qinshui.parameters.surveyTargets).toEqual(['sensitive-use-change', 'agricultural-use-change', 'food-processing', 'industrial-recover']);
    expect(extra('jincheng-chengqu')).toEqual(['air.urban-no-air-projects']);
    expect(byId['jincheng-chengqu'].parameters.urbanAirBufferM).toBe(20000);
    for (const p of profiles) expect(p.parameters).toMatchObject({ minOverlapM2: 1, adjacencyM: 200 });
  });

  it('getProfile finds by id and refuses an unknown id listing the available ones', () => {
    expect(getProfile('xiaxian').name).toBe('夏县');
    try {
      getProfile('nowhere');
      throw new Error('accepted');
    } catch (error) {
      expect(isUserInputError(error)).toBe(true);
      expect((error as UserInputError).messageZh).toMatch(/^未知的审查规则配置“nowhere”，可用：.*xiaxian/);
    }
  });

  it('the catalogue defines every rule id exactly once', () => {
    expect(catalogueMismatches()).toEqual([]);
    expect(RULES.map((r) => r.id)).toEqual([...RULE_IDS]);
  });

  it('profile.schema.json agrees with the validator on the six files and on broken copies', async () => {
    let Ajv: (new (options?: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown } }) | undefined;
    try {
      // ajv is not a declared dependency of LandGate; use it when present (it comes with the toolchain).
      const mod = (await import('ajv')) as unknown as { default: typeof Ajv };
      Ajv = mod.default;
    } catch {
      return;
    }
    if (!Ajv) return;
    const validate = new Ajv({ allErrors: true }).compile(read('profile.schema.json'));
    const files = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.schema.json'));
    expect(files).toHaveLength(6);
    for (const name of files) expect(validate(read(name)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    const broken = [
      { ...read('xiaxian.json'), rules: ['soil.no-such-rule'] },
      { ...read('xiaxian.json'), parameters: { ...(read('xiaxian.json').parameters as object), minOverlapM2: -1 } },
      { ...read('xiaxian.json'), parameters: { ...(read('xiaxian.json').parameters as object), stationTypes: ['国控'] } },
      { ...read('xiaxian.json'), extra: true },
      { ...read('xiaxian.json'), version: undefined },
    ].map((j) => JSON.parse(JSON.stringify(j)));
    for (const json of broken) {
      expect(validate(json)).toBe(false);
      expect(() => validateProfile(json, 'x.json')).toThrow();
    }
  });
});

describe('broken profiles are refused with a message naming the file and field', () => {
  const good = () => JSON.parse(readFileSync(join(dir, 'xiaxian.json'), 'utf8')) as Record<string, any>;

  it('wrong parameter type', () => {
    const json = good();
    json.parameters.adjacencyM = '200米';
    const error = refusal(json, 'my-county.json');
    expect(error.code).toBe('profile.invalid');
    expect(error.messageZh).toContain('my-county.json');
    expect(error.messageZh).toContain('parameters.adjacencyM');
    expect(error.messageZh).toContain('"200米"');
  });

  it('unknown rule id, with its index', () => {
    const json = good();
    json.rules.push('soil.listed-sensitve');
    const error = refusal(json);
    expect(error.messageZh).toContain(`rules[${json.rules.length - 1}]`);
    expect(error.messageZh).toContain('soil.listed-sensitve');
  });

  it('misspelt key', () => {
    const json = good();
    json.parameters.minOverlapM = 1;
    expect(refusal(json).messageZh).toContain('parameters.minOverlapM');
  });

  it('missing required field', () => {
    const json = good();
    delete json.version;
    expect(refusal(json).messageZh).toMatch(/字段 version 应为非空字符串，实际为 缺失/);
  });

  it('enabled rule without its parameter', () => {
    const json = good();
    json.parameters.heatBandM = null;
    const error = refusal(json);
    expect(error.messageZh).toContain('parameters.heatBandM');
    expect(error.messageZh).toContain('heat.clean-heating-band');
  });

  it('bad station type', () => {
    const json = good();
    json.parameters.stationTypes = ['air-provincial', '省控'];
    expect(refusal(json).messageZh).toContain('parameters.stationTypes[1]');
  });

  it('loadProfiles refuses a directory holding a broken file, naming it', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'landgate-profiles-'));
    writeFileSync(join(tmp, 'ok.json'), readFileSync(join(dir, 'xiaxian.json')));
    writeFileSync(join(tmp, 'bad.json'), '{ "id": "bad", ');
    try {
      loadProfiles(tmp);
      throw new Error('accepted');
    } catch (error) {
      expect(isUserInputError(error)).toBe(true);
      expect((error as UserInputError).messageZh).toContain('bad.json');
    }
  });
});

describe('what a finding cites under a county profile', () => {
  const surveyBasis = '土壤污染防治法 第五十九条第二款；乡政办发〔2023〕46号 土壤 6；夏政办发〔2024〕19号 净土 (三)；城政办发〔2023〕20号 土壤 6；沁政办发〔2021〕19号 土壤 6';

  it('every county profile names its own documents', () => {
    const local = Object.fromEntries(loadProfiles().map((p) => [p.id, p.localDocuments ?? null]));
    expect(local).toEqual({
      'shanxi-baseline': null,
      xiaxian: ['夏政办发〔2024〕19号'],
      xiangning: ['乡政办发〔2023〕46号'],
      xiaoyi: ['孝政办发〔2024〕2号'],
      qinshui: ['沁政办发〔2021〕19号'],
      'jincheng-chengqu': ['城政办发〔2023〕20号'],
    });
  });

  it('cites the statutes and the county’s own document, not other counties’', () => {
    expect(citeBasis(surveyBasis, ['夏政办发〔2024〕19号'])).toBe('土壤污染防治法 第五十九条第二款；夏政办发〔2024〕19号 净土 (三)');
    expect(citeBasis('夏政办发〔2024〕19号 空气 (十)；孝政办发〔2024〕2号 空气 25', ['孝政办发〔2024〕2号'])).toBe('孝政办发〔2024〕2号 空气 25');
  });

  it('keeps the statutes alone when the county has no document for the rule', () => {
    expect(citeBasis('土壤污染防治法 第六十一条第二款；乡政办发〔2023〕46号 土壤 7；城政办发〔2023〕20号 土壤 7', ['夏政办发〔2024〕19号'])).toBe('土壤污染防治法 第六十一条第二款');
  });

  it('cites the documents the rule was adopted from when there is nothing else', () => {
    const basis = '乡政办发〔2023〕46号 土壤 7；城政办发〔2023〕20号 土壤 7';
    expect(citeBasis(basis, ['夏政办发〔2024〕19号'])).toBe(basis);
  });

  it('cites everything under the provincial baseline (no local documents)', () => {
    expect(citeBasis(surveyBasis, undefined)).toBe(surveyBasis);
    expect(citeBasis(surveyBasis, [])).toBe(surveyBasis);
  });

  it('refuses localDocuments that are not a list of document numbers', () => {
    const broken = { ...read('xiaxian.json'), localDocuments: '夏政办发〔2024〕19号' };
    expect(() => validateProfile(broken, 'xiaxian.json')).toThrow(/localDocuments/);
    const blank = { ...read('xiaxian.json'), localDocuments: [' '] };
    expect(() => validateProfile(blank, 'xiaxian.json')).toThrow(/localDocuments\[0\]/);
  });
});
