import { describe, expect, it } from 'vitest';
import { classifyUse, classifyUseForProfile, describeUse } from '../../shared/landuse/codes';

const c = (value: string, declaredScheme?: string) => {
  const result = classifyUse(value, declaredScheme ? { declaredScheme } : {});
  if (!result) throw new Error(`no classification for ${value}`);
  return result;
};

describe('land-use codes: schemes', () => {
  it('bare 2/4/6-digit codes default to 2023 and say the scheme was assumed', () => {
    expect(c('0701')).toMatchObject({ scheme: '2023', schemeAssumed: true, sensitive: true });
    expect(c('070101')).toMatchObject({ scheme: '2023', schemeAssumed: true, sensitive: true, schoolOrResidential: true });
    expect(describeUse(c('0701'))).toContain('推定');
  });

  it('a declared scheme is used and not "assumed"', () => {
    expect(c('0701', '2017')).toMatchObject({ scheme: '2017', schemeAssumed: false });
    expect(describeUse(c('0701', '2017'))).not.toContain('推定');
  });

  it('三调 codes, three-digit codes and letters identify themselves', () => {
    expect(c('08H1')).toMatchObject({ scheme: 'sandiao', sensitive: true, schemeAssumed: false });
    expect(c('08H2A')).toMatchObject({ scheme: 'sandiao', sensitive: true, schoolOrResidential: true });
    expect(c('0301K')).toMatchObject({ scheme: 'sandiao', agricultural: true, farmland: false, sensitive: false });
    expect(c('072')).toMatchObject({ scheme: '2007', sensitive: true });
    expect(c('R2', '2023')).toMatchObject({ scheme: 'gb50137', sensitive: true, schoolOrResidential: true });
    expect(c('A33')).toMatchObject({ scheme: 'gb50137', sensitive: true, schoolOrResidential: true });
    expect(c('A1')).toMatchObject({ scheme: 'gb50137', sensitive: true, schoolOrResidential: false });
    expect(c('M1')).toMatchObject({ scheme: 'gb50137', industrialMining: true, sensitive: false });
  });
});

describe('land-use codes: classes (rules.md §1.3)', () => {
  it('一住两公: 07*, 08*, 071–077, 081–087, R*, A*', () => {
    for (const code of ['07', '0701', '0702', '08', '0801', '0804', '080403', '08H2', '071', '077', '081', '087', 'R', 'A5']) {
      expect(c(code).sensitive, code).toBe(true);
    }
    for (const code of ['01', '0101', '05', '09', '1001', '13', '14', '061', 'M1', 'B1']) {
      expect(c(code).sensitive, code).toBe(false);
    }
  });

  it('ambiguous codes are sensitive and flagged', () => {
    for (const code of ['0809', '0810', '0810A', '088']) {
      expect(c(code), code).toMatchObject({ sensitive: true, ambiguous: true });
    }
    expect(c('0809', '2017')).toMatchObject({ sensitive: true, ambiguous: true });
    expect(c('0808').ambiguous).toBe(false);
  });

  it('school or residential: 07*, 0803 (2017), 0804* (2023), R*, A33', () => {
    expect(c('0803', '2017').schoolOrResidential).toBe(true);
    expect(c('0803').schoolOrResidential).toBe(false); // 2023 0803 = 文化用地
    expect(c('0804').schoolOrResidential).toBe(true);
    expect(c('080404').schoolOrResidential).toBe(true);
    expect(c('0804', '2017').schoolOrResidential).toBe(false); // 2017 0804 = 科研
    expect(c('0801').schoolOrResidential).toBe(false);
  });

  it('industrial/mining depends on the scheme: 06* (2017/三调), 10* (2023), M*', () => {
    expect(c('0601', '2017').industrialMining).toBe(true);
    expect(c('0601').industrialMining).toBe(false); // 2023 06 = 农业设施建设用地
    expect(c('1001').industrialMining).toBe(true);
    expect(c('1001', '2017')).toMatchObject({ recognised: true, industrialMining: false }); // 2017 1001 = 铁路用地
  });

  it('farmland 01*, agricultural 01–04', () => {
    expect(c('0103')).toMatchObject({ farmland: true, agricultural: true });
    expect(c('0201')).toMatchObject({ farmland: false, agricultural: true });
    expect(c('0401')).toMatchObject({ farmland: false, agricultural: true });
    expect(c('0501', '2017')).toMatchObject({ farmland: false, agricultural: false });
  });
});

describe('land-use codes: text forms', () => {
  it('code with a name, spaces and full-width digits', () => {
    expect(c('0701城镇住宅用地')).toMatchObject({ code: '0701', name: '城镇住宅用地', sensitive: true });
    expect(c('0701 城镇住宅用地')).toMatchObject({ code: '0701', sensitive: true });
    expect(c('０７０１')).toMatchObject({ code: '0701', sensitive: true });
    expect(c('r2')).toMatchObject({ code: 'R2', scheme: 'gb50137' });
  });

  it('names alone', () => {
    expect(c('住宅用地')).toMatchObject({ code: '07', sensitive: true, schemeAssumed: false });
    expect(c('教育用地')).toMatchObject({ schoolOrResidential: true });
    expect(c('耕地')).toMatchObject({ farmland: true });
    expect(c('公用设施用地')).toMatchObject({ ambiguous: true, sensitive: true });
    expect(c('工业用地')).toMatchObject({ industrialMining: true, sensitive: false });
  });

  it('unknown values are not recognised; empty values are unknown', () => {
    expect(c('99').recognised).toBe(false);
    expect(c('某某用地').recognised).toBe(false);
    expect(classifyUse('')).toBeUndefined();
    expect(classifyUse(undefined)).toBeUndefined();
  });

  it('profile prefixes override the sensitive class and settle ambiguity', () => {
    const override = classifyUseForProfile('0809', { sensitiveUsePrefixes: ['07', '0801', '0802', '0803', '0804', '0805', '0806', '0807', '0808'] });
    expect(override).toMatchObject({ sensitive: false, ambiguous: false });
    expect(classifyUseForProfile('0701', { sensitiveUsePrefixes: ['07'] })?.sensitive).toBe(true);
  });
});
