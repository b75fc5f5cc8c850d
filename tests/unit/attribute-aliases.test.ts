/**
 * Field names of Chinese land databases (三调, 国土空间规划, 报批) reach the canonical keys the
 * rules read; a key claimed by several fields goes to the best-ranked one whatever the field
 * order; a parcel file without a recognised id says so before and after the import; and the
 * README's alias table is the code's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from 'geojson';
import { aliasLookup, canonicalKeys, fieldAliases, normalizeProperties, resolveFieldMap } from '../../shared/model/attributes';
import { LAYER_KINDS, type LayerKind } from '../../shared/model/layers';
import { buildPreview } from '../../shared/importers/preview';
import { canonicalProperties, prepareFeatures } from '../../shared/importers/prepare';
import { parseBoundaryTxt } from '../../shared/importers/boundary-txt';
import { detectFormat } from '../../electron/services/importers/registry';
import { readSourceFiles } from '../../electron/services/import-file';
import { repoRoot } from '../support/cli';
import { rect } from '../support/geometry';
import { importNoteZh } from '../../shared/importers/messages';

const fold = (s: string) => s.trim().toLowerCase();

/** Every order of a small list (the field order of a file must not matter). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const ordered = (entries: Array<[string, unknown]>) => Object.fromEntries(entries);

describe('三调 / 规划 / 报批 field names', () => {
  it('maps DKBH, DKMC, GHYT, GHDL, XZYT, DLBM and DLMC on a parcel, case-insensitively', () => {
    const props = normalizeProperties('parcel', { DKBH: ' 140828-01 ', dkmc: '东街地块', Ghyt: '0701', DLBM: '0103', DLMC: '旱地', YDMJ: 1234.5, JZMJ: 800 });
    expect(props).toEqual({ id: '140828-01', name: '东街地块', plannedUse: '0701', currentUse: '0103', currentUseName: '旱地', YDMJ: 1234.5, JZMJ: 800 });
    expect(normalizeProperties('parcel', { GHDL: '0801', XZYT: '0601' })).toEqual({ plannedUse: '0801', currentUse: '0601' });
  });

  it('keeps the boundary-point TXT 地类编码 out of currentUse: there it is the reported (planned) use', () => {
    const txt = [
      '[属性描述]', '坐标系=2000国家大地坐标系', '几度分带=3', '带号=38', '[地块坐标]',
      '5,0.4400,TY-01,地块1,面,,,0701,@',
      'J1,1,4194120.000,38372400.000', 'J2,1,4194120.000,38372480.000', 'J3,1,4194065.000,38372480.000', 'J4,1,4194065.000,38372400.000', 'J1,1,4194120.000,38372400.000', '',
    ].join('\n');
    const layer = parseBoundaryTxt({ name: 'a.txt', bytes: new TextEncoder().encode(txt) }, {}).layers[0];
    const props = canonicalProperties('parcel', layer.features[0], 1);
    expect(props).toMatchObject({ id: 'TY-01', name: '地块1', plannedUse: '0701', 地类编码: '0701' });
    expect(props.currentUse).toBeUndefined();
  });

  it('XZQDM / XZQMC: code and name of an admin boundary, adminCode / adminName elsewhere', () => {
    expect(normalizeProperties('admin-boundary', { XZQDM: '140828', XZQMC: '夏县', BSM: 12 })).toEqual({ code: '140828', name: '夏县', id: '12' });
    expect(normalizeProperties('parcel', { DKBH: 'P1', XZQDM: '140828', XZQMC: '夏县', ZLDWMC: '瑶峰镇东关村', QSDWMC: '东关村村民委员会', ZLDWDM: '1408281001010000000' })).toEqual({
      id: 'P1',
      adminCode: '140828',
      adminName: '夏县',
      locationUnit: '瑶峰镇东关村',
      ownerUnit: '东关村村民委员会',
      ZLDWDM: '1408281001010000000',
    });
    expect(normalizeProperties('basic-farmland', { TBBH: '0012', XZQDM: '140828' })).toEqual({ id: '0012', adminCode: '140828' });
  });

  it('id priority: explicit 编号 / DKBH beats TBBH beats BSM, in every field order; the losers keep their own names', () => {
    const cases: Array<{ kind: LayerKind; fields: Array<[string, unknown]>; id: string }> = [
      { kind: 'parcel', fields: [['编号', 'BH-7'], ['TBBH', '0031']], id: 'BH-7' },
      { kind: 'parcel', fields: [['DKBH', 'DK-1'], ['TBBH', '0031'], ['BSM', 99]], id: 'DK-1' },
      { kind: 'basic-farmland', fields: [['TBBH', '0031'], ['BSM', 99]], id: '0031' },
      { kind: 'basic-farmland', fields: [['图斑编号', '0031'], ['标识码', 99]], id: '0031' },
      { kind: 'parcel', fields: [['id', 'A'], ['DKBH', 'DK-1'], ['编号', 'BH-7']], id: 'A' },
      { kind: 'contaminated-parcel', fields: [['WRDKBM', 'WR-0007'], ['BSM', 3]], id: 'WR-0007' },
    ];
    for (const { kind, fields, id } of cases) {
      const winner = fields.find(([, v]) => String(v) === id)![0];
      for (const order of permutations(fields)) {
        const props = normalizeProperties(kind, ordered(order));
        expect(props.id, `${kind} ${order.map(([f]) => f).join(',')}`).toBe(id);
        for (const [field, value] of fields) if (field !== winner && field !== 'id') expect(props[field]).toBe(value);
        expect(resolveFieldMap(kind, order.map(([f]) => f))[winner]).toBe('id');
      }
    }
  });

  it('a blank winner lets the next field stand in for that feature only', () => {
    expect(normalizeProperties('parcel', { DKBH: '  ', BSM: 41 }).id).toBe('41');
    expect(normalizeProperties('parcel', { BSM: 41, DKBH: 'DK-2' }).id).toBe('DK-2');
  });

  it('the other keys follow their list order too (GHYT vs 规划用途, DLBM vs XZYT), whatever the field order', () => {
    for (const order of permutations<[string, unknown]>([['GHYT', '0801'], ['规划用途', '0701'], ['DLBM', '0103'], ['XZYT', '0601']])) {
      expect(normalizeProperties('parcel', ordered(order))).toMatchObject({ plannedUse: '0701', currentUse: '0601', GHYT: '0801', DLBM: '0103' });
    }
  });

  it('an explicit mapping beats every alias; a loser named like a canonical key is dropped, not kept beside it', () => {
    const props = normalizeProperties('parcel', { id: 'OBJ-1', 宗地号: 'ZD-9', DKBH: 'DK-1' }, { fieldMap: { 宗地号: 'id' } });
    expect(props).toEqual({ id: 'ZD-9', DKBH: 'DK-1' });
    // '' keeps a field as it is
    expect(normalizeProperties('parcel', { DKBH: 'DK-1', BSM: 5 }, { fieldMap: { DKBH: '' } })).toEqual({ DKBH: 'DK-1', id: '5' });
  });

  it('the preview proposes one field per key, the best-ranked one, in every field order', () => {
    for (const order of permutations(['BSM', 'TBBH', 'DKBH', 'dkmc'])) {
      expect(resolveFieldMap('parcel', order)).toEqual({ BSM: '', TBBH: '', DKBH: 'id', dkmc: 'name' });
    }
  });
});

describe('the alias table', () => {
  it('lists each canonical key first in its own aliases, and no field name claims two keys of one kind', () => {
    for (const kind of LAYER_KINDS) {
      const seen = new Map<string, string>();
      for (const [key, aliases] of Object.entries(fieldAliases(kind))) {
        expect(aliases[0], `${kind}.${key}`).toBe(key);
        for (const alias of aliases) {
          const other = seen.get(fold(alias));
          expect(other === undefined || other === key, `${kind}: “${alias}” is an alias of ${other} and ${key}`).toBe(true);
          seen.set(fold(alias), key);
        }
      }
      expect(canonicalKeys(kind)).toEqual(Object.keys(fieldAliases(kind)));
    }
  });

  it('README “Field names” lists exactly the aliases the importer accepts, in priority order', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Field names'), readme.indexOf('\n## ', readme.indexOf('## Field names') + 3));
    const rows = section.split('\n').filter((line) => /^\| `/.test(line));
    expect(rows.length).toBeGreaterThan(20);
    const documented = new Map<string, string[]>();
    for (const row of rows) {
      const [keyCell, , kindsCell, aliasCell] = row.split('|').slice(1, -1).map((c) => c.trim());
      const key = keyCell.replace(/`/g, '');
      const named = [...kindsCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]) as LayerKind[];
      for (const k of named) expect(LAYER_KINDS, `README kind ${k}`).toContain(k);
      const kinds = kindsCell.startsWith('all but') ? LAYER_KINDS.filter((k) => !named.includes(k)) : named;
      const aliases = [...aliasCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      for (const kind of kinds) {
        const lookup = aliasLookup(kind);
        for (const alias of aliases) expect(lookup.get(fold(alias)), `README: ${kind} “${alias}” → ${key}`).toBe(key);
        expect(documented.has(`${kind}.${key}`), `README lists ${kind}.${key} twice`).toBe(false);
        documented.set(`${kind}.${key}`, aliases.map(fold));
      }
    }
    for (const kind of LAYER_KINDS) {
      for (const [key, aliases] of Object.entries(fieldAliases(kind))) {
        expect(documented.get(`${kind}.${key}`), `README is missing or misorders ${kind}.${key}`).toEqual(aliases.map(fold));
      }
    }
  });
});

describe('a parcel file without a recognised id', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'landgate-aliases-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const polygon = (i: number): Feature => ({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [rect(111.2 + i * 0.001, 35.1, 111.2005 + i * 0.001, 35.1005)] } });
  const writeGeoJson = (name: string, properties: Array<Record<string, unknown>>) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features: properties.map((p, i) => ({ ...polygon(i), properties: p })) }));
    return path;
  };
  const preview = (path: string, kind?: LayerKind) => {
    const files = readSourceFiles(path);
    const source = detectFormat(files).parse(files, {});
    return buildPreview({ uploadId: 'u', files: [path], source, layers: [], layer: source.layers[0], kind, table: 't' });
  };

  it('the preview warns, naming the fields, the numbering 1…N and the field mapping', () => {
    const path = writeGeoJson('无编号.geojson', [{ 宗地号: 'ZD-1', GHYT: '0701' }, { 宗地号: 'ZD-2', GHYT: '0801' }, { 宗地号: 'ZD-3', GHYT: '0701' }]);
    const p = preview(path);
    expect(p.kind).toBe('parcel');
    const warning = p.warnings.map(importNoteZh).find((w) => w.includes('地块编号'));
    expect(warning).toBeDefined();
    expect(warning).toContain('宗地号、GHYT');
    expect(warning).toContain('1…3');
    expect(warning).toContain('字段对应');
    expect(warning).toContain('--field');
    // a reference layer without ids is normal: no note
    expect(preview(path, 'basic-farmland').warnings.map(importNoteZh).some((w) => w.includes('地块编号'))).toBe(false);
  });

  it('no warning when DKBH (or another id alias, or a GeoJSON feature id) is there', () => {
    expect(preview(writeGeoJson('dkbh.geojson', [{ dkbh: 'DK-1' }])).warnings).toEqual([]);
    const withFeatureIds = join(dir, 'fid.geojson');
    writeFileSync(withFeatureIds, JSON.stringify({ type: 'FeatureCollection', features: [{ ...polygon(0), id: 'F-1', properties: { GHYT: '0701' } }] }));
    expect(preview(withFeatureIds).warnings).toEqual([]);
  });

  it('the import says the features were numbered; blank ids are reported by feature number', () => {
    const none = prepareFeatures([polygon(0), polygon(1)].map((f) => ({ ...f, properties: { 宗地号: 'x' } })), { fileName: 'a.geojson', kind: 'parcel', sourceCrs: 'EPSG:4490', fields: ['宗地号'] });
    expect(none.features.map((f) => f.id)).toEqual(['1', '2']);
    expect(none.warnings.map(importNoteZh).find((w) => w.includes('1…2'))).toContain('宗地号');

    const partly = prepareFeatures([polygon(0), polygon(1), polygon(2)].map((f, i) => ({ ...f, properties: { DKBH: i === 1 ? '' : `DK-${i}` } })), { fileName: 'b.geojson', kind: 'parcel', sourceCrs: 'EPSG:4490' });
    expect(partly.features.map((f) => f.id)).toEqual(['DK-0', '2', 'DK-2']);
    expect(partly.warnings.map(importNoteZh)).toEqual([expect.stringMatching(/^1 个地块的编号字段“DKBH”为空（第 2 个要素）/)]);

    const reference = prepareFeatures([polygon(0)], { fileName: 'c.geojson', kind: 'basic-farmland', sourceCrs: 'EPSG:4490' });
    expect(reference.warnings).toEqual([]);
  });
});
