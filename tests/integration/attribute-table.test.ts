/**
 * 属性表 (queryFeatures) against real projects: the demo, and a generated 3 000-feature reference
 * layer. Answers are compared with the same query worked out in plain JavaScript over every
 * feature, so paging, sorts, search and filters are held to one definition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from 'geojson';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import type { AttributeTableQuery } from '../../shared/api/contract';
import { isUserInputError } from '../../shared/model/errors';
import { landgate } from '../support/cli';

const COUNT = 3000;
const STAGES = ['S1', 'S2', 'S3', 'S4'];

interface Known {
  fid: number;
  id: string;
  name?: string;
  stage: string;
  industry?: string;
  areaM2: number;
}

let dir: string;
let demo: ApiService;
let generated: ApiService;
const known: Known[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-attribute-table-'));
  const demoPath = join(dir, 'demo.gpkg');
  expect(landgate(['demo', demoPath]).status).toBe(0);
  demo = createApiService(demoPath);

  const path = join(dir, 'generated.gpkg');
  const store = ProjectStore.create(path, { title: '属性表测试' });
  try {
    const features: Feature[] = [];
    for (let n = 0; n < COUNT; n++) {
      // Ids out of fid order, and repeated names and stages, so sorts have ties to break.
      const i = (n * 7919) % COUNT;
      const item: Known = { fid: n + 1, id: `WR-${String(i).padStart(5, '0')}`, stage: STAGES[i % STAGES.length], areaM2: (i % 97) * 10.5 };
      if (i % 5 !== 0) item.name = `化工厂${i % 50}号`;
      if (i % 3 === 0) item.industry = i % 2 ? '焦化' : '电镀';
      known.push(item);
      const lon = 112 + (i % 60) * 0.002;
      const lat = 36.8 + Math.floor(i / 60) * 0.002;
      const { fid: _fid, ...properties } = item;
      features.push({ type: 'Feature', id: item.id, properties, geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat + 0.001], [lon, lat]]] } });
    }
    store.writeLayer({ table: 'contaminated', kind: 'contaminated-parcel', sourceFile: null, originalCrs: 'EPSG:4490', features });
  } finally {
    store.close();
  }
  generated = createApiService(path);
});

afterAll(() => {
  demo?.close?.();
  generated?.close?.();
  rmSync(dir, { recursive: true, force: true });
});

/** SQLite's order: NULL first, then by value (binary text), ties by fid. */
function compare(key: keyof Known, descending: boolean) {
  return (a: Known, b: Known): number => {
    const va = a[key];
    const vb = b[key];
    let c = 0;
    if (va === undefined || vb === undefined) c = va === undefined ? (vb === undefined ? 0 : -1) : 1;
    else c = va < vb ? -1 : va > vb ? 1 : 0;
    if (descending) c = -c;
    return c || a.fid - b.fid;
  };
}

async function allPages(api: ApiService, query: Omit<AttributeTableQuery, 'offset' | 'limit'>, limit: number) {
  const fids: number[] = [];
  let total = -1;
  for (let offset = 0; ; offset += limit) {
    const page = await api.queryFeatures({ ...query, offset, limit });
    if (total < 0) total = page.total;
    expect(page.total).toBe(total);
    fids.push(...page.rows.map((r) => r.fid));
    if (page.rows.length < limit) break;
  }
  return { total, fids };
}

describe('queryFeatures on a 3 000-feature layer', () => {
  it('pages through every feature once, without overlap or gap', async () => {
    const { total, fids } = await allPages(generated, { table: 'contaminated' }, 500);
    expect(total).toBe(COUNT);
    expect(fids).toEqual(known.map((k) => k.fid));
  });

  it('sorts both ways on text and numbers, ties broken by fid', async () => {
    for (const key of ['id', 'name', 'areaM2', 'stage'] as const) {
      for (const descending of [false, true]) {
        const { fids } = await allPages(generated, { table: 'contaminated', orderBy: { key, descending } }, 500);
        expect(fids, `${key} ${descending ? 'desc' : 'asc'}`).toEqual([...known].sort(compare(key, descending)).map((k) => k.fid));
      }
    }
  });

  it('locates a feature in the order and filter shown (where the table scrolls to on a map click)', async () => {
    const probes = [known[0].fid, known[1234].fid, known[COUNT - 1].fid, known.find((k) => k.name === undefined)!.fid];
    for (const key of ['name', 'areaM2', 'stage'] as const) {
      for (const descending of [false, true]) {
        const order = [...known].sort(compare(key, descending)).map((k) => k.fid);
        for (const fid of probes) {
          const page = await generated.queryFeatures({ table: 'contaminated', orderBy: { key, descending }, offset: 0, limit: 1, locateFid: fid });
          expect(page.position, `${key} ${descending} fid ${fid}`).toBe(order.indexOf(fid));
        }
      }
    }
    const filtered = known.filter((k) => k.stage === 'S2').map((k) => k.fid);
    const inside = await generated.queryFeatures({ table: 'contaminated', filters: [{ key: 'stage', op: 'eq', value: 'S2' }], offset: 0, limit: 1, locateFid: filtered[7] });
    expect(inside.position).toBe(7);
    const outside = known.find((k) => k.stage !== 'S2')!.fid;
    expect((await generated.queryFeatures({ table: 'contaminated', filters: [{ key: 'stage', op: 'eq', value: 'S2' }], offset: 0, limit: 1, locateFid: outside })).position).toBeNull();
    expect((await generated.queryFeatures({ table: 'contaminated', offset: 0, limit: 1 })).position).toBeUndefined();
  });

  it('searches id and name, case-insensitively', async () => {
    const check = async (search: string) => {
      const expected = known.filter((k) => k.id.toLowerCase().includes(search.toLowerCase()) || (k.name ?? '').includes(search)).map((k) => k.fid);
      const { total, fids } = await allPages(generated, { table: 'contaminated', search }, 400);
      expect(total, search).toBe(expected.length);
      expect(fids, search).toEqual(expected);
    };
    await check('wr-0012');
    await check('化工厂7号');
    await check('00');
    await check('没有这个');
  });

  it('filters by column and with the search at once', async () => {
    const byStage = await generated.queryFeatures({ table: 'contaminated', filters: [{ key: 'stage', op: 'eq', value: 'S2' }], offset: 0, limit: 10 });
    expect(byStage.total).toBe(known.filter((k) => k.stage === 'S2').length);
    expect(byStage.rows.every((r) => r.properties.stage === 'S2')).toBe(true);

    const noIndustry = await generated.queryFeatures({ table: 'contaminated', filters: [{ key: 'industry', op: 'isNull' }], offset: 0, limit: 1 });
    expect(noIndustry.total).toBe(known.filter((k) => !k.industry).length);

    const combined = await allPages(generated, { table: 'contaminated', search: '化工厂1', filters: [{ key: 'stage', op: 'in', value: ['S2', 'S4'] }, { key: 'industry', op: 'eq', value: '焦化' }] }, 100);
    const expected = known.filter((k) => (k.name ?? '').includes('化工厂1') && (k.stage === 'S2' || k.stage === 'S4') && k.industry === '焦化');
    expect(expected.length).toBeGreaterThan(0);
    expect(combined.fids).toEqual(expected.map((k) => k.fid));
  });

  it('lists the columns with Chinese labels, id first, and no geometry in rows', async () => {
    const page = await generated.queryFeatures({ table: 'contaminated', offset: 0, limit: 1 });
    expect(page.columns[0]).toMatchObject({ key: 'id', labelZh: '编号', labelEn: 'ID' });
    const byKey = Object.fromEntries(page.columns.map((c) => [c.key, c]));
    expect(byKey.name.labelZh).toBe('名称');
    expect(byKey.stage.labelZh).toBe('所处阶段');
    expect(byKey.industry.labelZh).toBe('原行业');
    expect(byKey.areaM2.type).toBe('real');
    expect(page.rows[0]).toEqual({ fid: 1, id: known[0].id, properties: expect.objectContaining({ id: known[0].id, stage: known[0].stage }) });
    expect(JSON.stringify(page.rows)).not.toContain('coordinates');
  });

  it('refuses a bad limit or offset, an unknown key and an unknown layer in Chinese', async () => {
    const refused = async (request: unknown, code: string, zh: RegExp) => {
      const error = await generated.queryFeatures(request as AttributeTableQuery).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isUserInputError(error), JSON.stringify(request)).toBe(true);
      const e = error as { code: string; messageZh: string };
      expect(e.code).toBe(code);
      expect(e.messageZh).toMatch(zh);
      expect(e.messageZh).not.toMatch(/\bat \w+ \(|\.ts:\d+/);
    };
    await refused({ table: 'contaminated', offset: 0, limit: 501 }, 'attributes.bad-limit', /每页要素数须为 1 至 500/);
    await refused({ table: 'contaminated', offset: 0, limit: 0 }, 'attributes.bad-limit', /每页要素数/);
    await refused({ table: 'contaminated', offset: -1, limit: 10 }, 'attributes.bad-offset', /起始位置/);
    await refused({ table: 'contaminated', offset: 0, limit: 10, orderBy: { key: 'nope' } }, 'attributes.unknown-field', /没有字段“nope”/);
    await refused({ table: 'contaminated', offset: 0, limit: 10, filters: [{ key: 'x; DROP', op: 'eq', value: 1 }] }, 'attributes.unknown-field', /没有字段/);
    await refused({ table: 'contaminated', offset: 0, limit: 10, filters: [{ key: 'stage', op: 'like', value: 1 }] }, 'attributes.bad-filter', /筛选条件无效/);
    await refused({ table: 'contaminated', offset: 0, limit: 10, filters: [{ key: 'stage', op: 'in', value: 'S1' }] }, 'attributes.bad-filter', /筛选条件无效/);
    await refused({ table: 'no_such_layer', offset: 0, limit: 10 }, 'layer.unknown', /no_such_layer/);
    await refused({ table: 'contaminated', offset: 0, limit: 10, locateFid: 'x' } as never, 'attributes.bad-request', /要定位的要素编号/);
  });
});

describe('queryFeatures on the demo project', () => {
  it('shows every layer with its total and Chinese column names', async () => {
    const project = await demo.getProject();
    for (const layer of project.layers) {
      const page = await demo.queryFeatures({ table: layer.table, offset: 0, limit: 500 });
      expect(page.total, layer.table).toBe(layer.featureCount);
      expect(page.rows.length).toBe(Math.min(500, layer.featureCount));
      expect(page.columns[0].key).toBe('id');
    }
    const parcels = project.layers.find((l) => l.kind === 'parcel')!;
    const page = await demo.queryFeatures({ table: parcels.table, offset: 0, limit: 5, orderBy: { key: 'id', descending: true } });
    const labels = page.columns.map((c) => c.labelZh);
    expect(labels).toEqual(expect.arrayContaining(['编号', '名称', '规划用途', '拟办事项']));
    const ids = page.rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const one = await demo.queryFeatures({ table: parcels.table, search: ids[0], offset: 0, limit: 5 });
    expect(one.rows.map((r) => r.id)).toContain(ids[0]);
  });
});

describe('the source field of a column', () => {
  it('is recorded at import (alias or explicit mapping) and shown with the column; layers without it have none', async () => {
    const path = join(dir, 'sources.gpkg');
    expect(landgate(['init', path]).status).toBe(0);
    const file = join(dir, '报件 地块.geojson');
    const ring = [[112.1, 36.9], [112.101, 36.9], [112.101, 36.901], [112.1, 36.901], [112.1, 36.9]];
    const feature = (i: number) => ({
      type: 'Feature',
      properties: { DKBH: `SRC-${i}`, DKMC: `来源地块${i}`, GHYT: '0701', TDYT: '0901', 现状地类编码: '0103', BZ: '备注' },
      geometry: { type: 'Polygon', coordinates: [ring.map(([x, y]) => [x + i * 0.002, y])] },
    });
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [feature(1), feature(2)] }));
    // The explicit mapping wins over the GHYT alias: plannedUse comes from TDYT, GHYT is kept as is.
    const res = landgate(['import', path, file, '--kind', 'parcel', '--name', 'src_parcels', '--field', 'TDYT=plannedUse']);
    expect(res.stderr).not.toMatch(/error/);
    expect(res.status).toBe(0);
    const api = createApiService(path);
    try {
      const page = await api.queryFeatures({ table: 'src_parcels', offset: 0, limit: 10 });
      const source = Object.fromEntries(page.columns.map((c) => [c.key, c.sourceField]));
      expect(source).toMatchObject({ id: 'DKBH', name: 'DKMC', plannedUse: 'TDYT', currentUse: '现状地类编码', GHYT: 'GHYT', BZ: 'BZ' });
      expect(page.rows.find((r) => r.id === 'SRC-1')?.properties.plannedUse).toBe('0901');
    } finally {
      api.close?.();
    }
    // The demo's layers were written without a source file: no source field is claimed.
    const project = await demo.getProject();
    for (const layer of project.layers) {
      const page = await demo.queryFeatures({ table: layer.table, offset: 0, limit: 1 });
      expect(page.columns.filter((c) => c.sourceField !== undefined), layer.table).toEqual([]);
    }
  }, 120_000);
});
