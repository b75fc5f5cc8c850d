/**
 * The parcel list's paged queries (queryParcels, getParcel) against real projects: the demo, and
 * a generated project with two parcel layers and a few thousand parcels, some with recorded
 * verdicts. Every answer is compared with the same query worked out in plain JavaScript over
 * all parcels, so search, filters, sorts, ties and paging are held to one definition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature, Polygon } from 'geojson';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import type { ParcelQuery, ParcelSummary } from '../../shared/api/contract';
import type { CheckReport, Verdict } from '../../shared/model/check';
import { isUserInputError } from '../../shared/model/errors';
import { landgate } from '../support/cli';

let dir: string;
let demo: ApiService;
let generated: ApiService;

interface Known {
  table: string;
  layer: number;
  fid: number;
  id: string;
  name?: string;
  plannedUse?: string;
  action?: string;
  verdict?: Verdict;
}
let known: Known[] = [];

const USES = ['0701', '070101', '0801', '1001', '07', undefined];
const ACTIONS = ['supply', 'construct', 'acquire', undefined];

function square(i: number): Polygon {
  const lon = 112 + (i % 60) * 0.002;
  const lat = 36.8 + Math.floor(i / 60) * 0.002;
  return { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat + 0.001], [lon, lat]]] };
}

function parcel(id: string, i: number, name: string | undefined): Feature {
  const properties: Record<string, unknown> = { id };
  if (name !== undefined) properties.name = name;
  const use = USES[i % USES.length];
  if (use !== undefined) properties.plannedUse = use;
  const action = ACTIONS[i % ACTIONS.length];
  if (action !== undefined) properties.action = action;
  return { type: 'Feature', id, properties, geometry: square(i) };
}

function report(parcels: { id: string; verdict: Verdict }[]): CheckReport {
  return { profile: 'xiaxian', profileVersion: 'test', checkedAt: '2026-11-01T08:00:00Z', parcels: parcels.map((p) => ({ ...p, findings: [] })) } as unknown as CheckReport;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-parcel-query-'));
  const demoPath = join(dir, 'demo.gpkg');
  expect(landgate(['demo', demoPath]).status).toBe(0);
  demo = createApiService(demoPath);

  const path = join(dir, 'two-layers.gpkg');
  const store = ProjectStore.create(path, { title: '地块列表测试' });
  try {
    // Ids are written out of order, so fid order and id order differ; names repeat for ties.
    const a = Array.from({ length: 2500 }, (_, n) => {
      const i = (n * 7919) % 2500;
      return parcel(`QA-${String(i).padStart(5, '0')}`, i, i % 3 === 0 ? `东关${i % 40}号地块` : undefined);
    });
    const b = Array.from({ length: 600 }, (_, i) => parcel(i === 0 ? 'q_%-0' : `qa-${String(i).padStart(5, '0')}b`, i, i % 2 === 0 ? `西街${i % 25}号` : ''));
    store.writeLayer({ table: 'parcels_a', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: a });
    store.writeLayer({ table: 'parcels_b', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: b });
    const verdicts: Verdict[] = ['permitted', 'conditional', 'prohibited'];
    store.recordCheck(report(a.slice(0, 900).map((f, i) => ({ id: String(f.id), verdict: verdicts[i % 3] }))), { parcelTable: 'parcels_a', parcelsSource: 'test', trigger: 'cli' });
    // A later check overrides the earlier verdict of the same parcels.
    store.recordCheck(report(a.slice(0, 30).map((f) => ({ id: String(f.id), verdict: 'prohibited' as Verdict }))), { parcelTable: 'parcels_a', parcelsSource: 'test', trigger: 'cli' });
    store.recordCheck(report(b.slice(0, 100).map((f, i) => ({ id: String(f.id), verdict: verdicts[(i + 1) % 3] }))), { parcelTable: 'parcels_b', parcelsSource: 'test', trigger: 'cli' });
    const latest = new Map<string, Verdict>();
    for (const c of store.listCheckParcels()) {
      const check = store.listChecks().find((k) => k.id === c.checkId)!;
      latest.set(`${check.parcelTable}/${c.parcelId}`, c.verdict as Verdict);
    }
    known = ['parcels_a', 'parcels_b'].flatMap((table, layer) =>
      store.requestFeatures(table, { geometry: false }).map((f) => {
        const p = f.properties as Record<string, string | undefined>;
        return { table, layer, fid: f.fid, id: f.id, name: p.name || undefined, plannedUse: p.plannedUse, action: p.action, verdict: latest.get(`${table}/${f.id}`) };
      }),
    );
  } finally {
    store.close();
  }
  generated = createApiService(path);
}, 120_000);

afterAll(() => {
  demo?.close();
  generated?.close();
  rmSync(dir, { recursive: true, force: true });
});

const RANK: Record<string, number> = { prohibited: 0, conditional: 1, permitted: 2 };

/** The query's definition, over every parcel in memory. */
function expected(query: Omit<ParcelQuery, 'offset' | 'limit'>): string[] {
  const needle = query.search?.toLowerCase();
  const rows = known.filter(
    (p) =>
      (!query.table || p.table === query.table) &&
      (!needle || p.id.toLowerCase().startsWith(needle) || (p.name ?? '').toLowerCase().includes(needle)) &&
      (!query.verdict || (query.verdict === 'unchecked' ? p.verdict === undefined : p.verdict === query.verdict)) &&
      (!query.plannedUse || (p.plannedUse ?? '').startsWith(query.plannedUse)) &&
      (!query.action || p.action === query.action),
  );
  const key = query.sort?.key ?? 'id';
  const sign = query.sort?.descending ? -1 : 1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort((a, b) => {
    if (key === 'name' || key === 'plannedUse') {
      const empty = cmp(a[key] ? 0 : 1, b[key] ? 0 : 1);
      if (empty) return empty;
    }
    const value = (p: Known) => (key === 'verdict' ? (p.verdict ? RANK[p.verdict] : 3) : (p[key] ?? ''));
    return sign * cmp(value(a), value(b)) || a.layer - b.layer || a.fid - b.fid;
  });
  return rows.map((p) => `${p.table}/${p.id}`);
}

async function all(api: ApiService, query: Omit<ParcelQuery, 'offset' | 'limit'>, limit = 500): Promise<{ keys: string[]; totals: number[]; rows: ParcelSummary[] }> {
  const rows: ParcelSummary[] = [];
  const totals: number[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await api.queryParcels({ ...query, offset, limit });
    totals.push(page.total);
    rows.push(...page.rows);
    if (page.rows.length < limit) break;
  }
  return { keys: rows.map((r) => `${r.table}/${r.id}`), totals, rows };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; messageZh: string; messageEn: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isUserInputError(error)).toBe(true);
  return error as { code: string; messageZh: string; messageEn: string };
}

describe('queryParcels on the demo project', () => {
  it('lists every parcel with its box, fid and attributes, and finds by id prefix in any case', async () => {
    const page = await demo.queryParcels({ offset: 0, limit: 100 });
    expect(page.total).toBeGreaterThanOrEqual(25);
    expect(page.rows).toHaveLength(page.total);
    const first = page.rows[0];
    expect(first).toMatchObject({ table: 'parcels', id: 'XX-2026-001' });
    expect(first.fid).toBeTypeOf('number');
    expect(first.bbox[0]).toBeLessThan(first.bbox[2]);
    expect(first.bbox[1]).toBeLessThan(first.bbox[3]);
    expect(page.rows.map((r) => r.id)).toEqual([...page.rows.map((r) => r.id)].sort());

    const prefix = await demo.queryParcels({ search: 'xx-2026-00', offset: 0, limit: 50 });
    expect(prefix.rows.map((r) => r.id)).toEqual(['001', '002', '003', '004', '005', '006', '007', '008', '009'].map((n) => `XX-2026-${n}`));
    expect(prefix.total).toBe(9);
  });

  it('finds by a piece of the name', async () => {
    const named = (await demo.queryParcels({ offset: 0, limit: 100 })).rows.find((r) => (r.name ?? '').length >= 4)!;
    const piece = [...named.name!].slice(1, 3).join('');
    const found = await demo.queryParcels({ search: piece, offset: 0, limit: 100 });
    expect(found.rows.map((r) => r.id)).toContain(named.id);
    expect(found.rows.every((r) => r.name!.includes(piece) || r.id.toLowerCase().startsWith(piece.toLowerCase()))).toBe(true);
  });

  it('filters by verdict once a parcel is checked, and getParcel carries it', async () => {
    expect((await demo.queryParcels({ verdict: 'unchecked', offset: 0, limit: 100 })).rows.map((r) => r.id)).toContain('XX-2026-001');
    const report = await demo.checkParcel({ table: 'parcels', parcelId: 'XX-2026-001', profile: 'xiaxian' });
    const verdict = report.parcels[0].verdict;
    const page = await demo.queryParcels({ verdict, offset: 0, limit: 100 });
    expect(page.rows.map((r) => r.id)).toEqual(['XX-2026-001']);
    expect(page.rows[0].verdict).toBe(verdict);
    expect((await demo.queryParcels({ verdict: 'unchecked', offset: 0, limit: 100 })).rows.map((r) => r.id)).not.toContain('XX-2026-001');
    expect(await demo.getParcel({ table: 'parcels', id: 'XX-2026-001' })).toMatchObject({ id: 'XX-2026-001', verdict });
  });

  it('refuses bad pages, unknown sorts, unknown tables and non-parcel layers in words', async () => {
    for (const limit of [0, 501, 2.5, '10', undefined]) {
      const error = await refusal(demo.queryParcels({ offset: 0, limit } as unknown as ParcelQuery));
      expect(error.code).toBe('parcels.bad-limit');
      expect(error.messageZh).toMatch(/每页地块数须为 1 至 500 之间的整数/);
      expect(error.messageEn).toMatch(/limit must be an integer/);
      expect(error.messageZh).not.toMatch(/\n\s+at /);
    }
    for (const offset of [-1, 0.5, null]) {
      expect((await refusal(demo.queryParcels({ offset, limit: 10 } as unknown as ParcelQuery))).code).toBe('parcels.bad-offset');
    }
    expect((await refusal(demo.queryParcels({ offset: 0, limit: 10, sort: { key: 'fid' } } as unknown as ParcelQuery))).code).toBe('parcels.bad-sort');
    expect((await refusal(demo.queryParcels({ offset: 0, limit: 10, verdict: 'approved' } as unknown as ParcelQuery))).code).toBe('parcels.bad-verdict');
    const unknown = await refusal(demo.queryParcels({ table: 'no_such_layer', offset: 0, limit: 10 }));
    expect(unknown.code).toBe('layer.unknown');
    expect(unknown.messageZh).toContain('no_such_layer');
    expect((await refusal(demo.queryParcels({ table: 'rivers', offset: 0, limit: 10 }))).code).toBe('parcels.not-parcel-layer');
    expect((await refusal(demo.getParcel({ table: 'parcels', id: 'NO-SUCH' }))).messageZh).toContain('没有编号为“NO-SUCH”的地块');
    expect((await refusal(demo.getParcel({ table: 'no_such_layer', id: 'X' }))).code).toBe('layer.unknown');
  });
});

describe('queryParcels on two generated parcel layers', () => {
  it('pages without overlap or gap: the pages together are the one big query, with a steady total', async () => {
    const whole = expected({});
    expect(whole).toHaveLength(3100);
    for (const limit of [500, 137]) {
      const { keys, totals } = await all(generated, {}, limit);
      expect(keys).toEqual(whole);
      expect(new Set(totals)).toEqual(new Set([3100]));
    }
    const beyond = await generated.queryParcels({ offset: 5000, limit: 10 });
    expect(beyond).toEqual({ total: 3100, rows: [] });
  });

  it('searches by id prefix (case-insensitive, across layers, LIKE characters taken literally) and by name substring', async () => {
    for (const search of ['QA-0012', 'qa-0012', 'Qa-00', 'q_%', 'q_', '东关1', '西街2', '号', 'nothing-like-this']) {
      const { keys, totals } = await all(generated, { search });
      expect(keys, search).toEqual(expected({ search }));
      expect(totals[0], search).toBe(keys.length);
    }
    expect((await generated.queryParcels({ search: 'qa-0012', offset: 0, limit: 500 })).rows.some((r) => r.table === 'parcels_b')).toBe(true);
  });

  it('filters by verdict (the latest of each parcel), planned-use prefix, action and layer, alone and together', async () => {
    const queries: Omit<ParcelQuery, 'offset' | 'limit'>[] = [
      { verdict: 'prohibited' },
      { verdict: 'conditional' },
      { verdict: 'permitted' },
      { verdict: 'unchecked' },
      { plannedUse: '07' },
      { plannedUse: '0701' },
      { plannedUse: '08' },
      { action: 'construct' },
      { table: 'parcels_b' },
      { table: 'parcels_a', verdict: 'prohibited', plannedUse: '07', action: 'supply' },
      { search: 'qa-001', verdict: 'unchecked', sort: { key: 'name', descending: true } },
    ];
    for (const query of queries) {
      const { keys, totals } = await all(generated, query);
      expect(keys, JSON.stringify(query)).toEqual(expected(query));
      expect(totals[0], JSON.stringify(query)).toBe(keys.length);
    }
    const prohibited = await all(generated, { verdict: 'prohibited' });
    expect(prohibited.rows.every((r) => r.verdict === 'prohibited')).toBe(true);
    expect(prohibited.keys).toHaveLength(known.filter((p) => p.verdict === 'prohibited').length);
  });

  it('sorts by id, name, planned use and verdict both ways, ties broken by layer and fid', async () => {
    for (const key of ['id', 'name', 'plannedUse', 'verdict'] as const) {
      for (const descending of [false, true]) {
        const query = { sort: { key, descending } };
        const { keys } = await all(generated, query, 250);
        expect(keys, JSON.stringify(query)).toEqual(expected(query));
      }
    }
  });

  it('returns rows with the attributes, the verdict and a box around the parcel', async () => {
    const page = await generated.queryParcels({ search: 'QA-00000', offset: 0, limit: 5 });
    const row = page.rows[0];
    const source = known.find((p) => p.table === 'parcels_a' && p.id === 'QA-00000')!;
    expect(row).toMatchObject({ table: 'parcels_a', id: 'QA-00000', fid: source.fid, name: source.name, plannedUse: source.plannedUse, action: source.action, verdict: source.verdict });
    const [minX, minY, maxX, maxY] = square(0).coordinates[0].reduce((b, [x, y]) => [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)], [Infinity, Infinity, -Infinity, -Infinity]);
    expect(row.bbox[0]).toBeLessThanOrEqual(minX);
    expect(row.bbox[1]).toBeLessThanOrEqual(minY);
    expect(row.bbox[2]).toBeGreaterThanOrEqual(maxX);
    expect(row.bbox[3]).toBeGreaterThanOrEqual(maxY);
    expect(row.bbox[2] - row.bbox[0]).toBeCloseTo(0.001, 4);
    expect(await generated.getParcel({ table: 'parcels_a', id: 'QA-00000' })).toEqual(row);
  });

  it('sees a check recorded after the first query (the cached total follows the project)', async () => {
    const before = (await generated.queryParcels({ verdict: 'unchecked', table: 'parcels_b', offset: 0, limit: 1 })).total;
    const id = expected({ table: 'parcels_b', verdict: 'unchecked' })[0].split('/')[1];
    const report = await generated.checkParcel({ table: 'parcels_b', parcelId: id, profile: 'xiaxian' });
    expect((await generated.queryParcels({ verdict: 'unchecked', table: 'parcels_b', offset: 0, limit: 1 })).total).toBe(before - 1);
    expect((await generated.getParcel({ table: 'parcels_b', id })).verdict).toBe(report.parcels[0].verdict);
  });

  it('finds a parcel drawn after the first name search by its name', async () => {
    expect((await generated.queryParcels({ search: '新画的地块', offset: 0, limit: 10 })).total).toBe(0);
    await generated.saveParcel({ table: 'parcels_b', geometry: square(3000), properties: { id: 'HZ-1', name: '新画的地块' } });
    const found = await generated.queryParcels({ search: '新画的地块', offset: 0, limit: 10 });
    expect(found.rows.map((r) => [r.table, r.id, r.name])).toEqual([['parcels_b', 'HZ-1', '新画的地块']]);
  });
});
