/**
 * `npm run bench -- parcel-list`: pages of the parcel list (queryParcels) on a county-sized project.
 * Generates BENCH_PARCELS parcels (default 100 000; ids DK-000001…, a name on every other one, the
 * benchmark county's uses and actions) plus a second small parcel layer, records a check of the
 * first 30 % so verdict filters have something to find, then prints the median time of each kind
 * of page. `BENCH_PROJECT=path.gpkg` measures a copy of an existing project instead.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParcelQuery } from '../shared/api/contract';
import type { CheckReport, Verdict } from '../shared/model/check';
import { ProjectStore } from '../electron/services/project-store';
import { createParcelQueryApi } from '../electron/services/parcels/parcel-query';
import { generateCounty } from './county';

const RUNS = 15;

function makeProject(path: string, count: number): void {
  const county = generateCounty(count);
  const store = ProjectStore.create(path, { title: '地块列表基准（合成数据）', synthetic: true });
  try {
    const parcels = county.parcels.map((p, i) => ({ ...p, properties: { ...p.properties, ...(i % 2 === 0 ? { name: `示例地块${i + 1}号` } : {}) } }));
    store.writeLayer({ table: 'parcels', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: parcels });
    store.writeLayer({ table: 'parcels_b', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: parcels.slice(0, 1000).map((p) => ({ ...p, id: `B${p.id}`, properties: { ...p.properties, id: `B${p.id}` } })) });
    const verdicts: Verdict[] = ['permitted', 'conditional', 'prohibited'];
    const report: CheckReport = {
      profile: 'xiaxian',
      profileVersion: 'bench',
      checkedAt: new Date().toISOString(),
      parcels: parcels.slice(0, Math.round(count * 0.3)).map((p, i) => ({ id: String(p.id), verdict: verdicts[i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0], findings: [] })) as unknown as CheckReport['parcels'],
    };
    store.recordCheck(report, { parcelTable: 'parcels', parcelsSource: 'bench', trigger: 'cli' });
  } finally {
    store.close();
  }
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'landgate-parcel-list-'));
  const path = join(dir, 'list.gpkg');
  try {
    const started = performance.now();
    if (process.env.BENCH_PROJECT) copyFileSync(process.env.BENCH_PROJECT, path);
    else makeProject(path, Number(process.env.BENCH_PARCELS ?? 100_000));
    console.log(`project ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${process.env.BENCH_PROJECT ?? 'generated'})`);
    const store = ProjectStore.open(path, { readonly: true });
    try {
      const api = createParcelQueryApi(store);
      const cases: [string, ParcelQuery][] = [
        ['first page, by id', { offset: 0, limit: 100 }],
        ['50 rows, id prefix "dk-0123"', { search: 'dk-0123', offset: 0, limit: 50 }],
        ['50 rows, id prefix, one layer', { search: 'DK-0123', table: 'parcels', offset: 0, limit: 50 }],
        ['page at offset 50 000, by id', { offset: 50_000, limit: 100 }],
        ['by id descending', { sort: { key: 'id', descending: true }, offset: 0, limit: 100 }],
        ['name substring "99号"', { search: '99号', offset: 0, limit: 100 }],
        ['verdict prohibited', { verdict: 'prohibited', offset: 0, limit: 100 }],
        ['verdict unchecked', { verdict: 'unchecked', offset: 0, limit: 100 }],
        ['plannedUse prefix "07"', { plannedUse: '07', offset: 0, limit: 100 }],
        ['action construct', { action: 'construct', offset: 0, limit: 100 }],
        ['sort by name', { sort: { key: 'name' }, offset: 0, limit: 100 }],
        ['sort by plannedUse desc', { sort: { key: 'plannedUse', descending: true }, offset: 0, limit: 100 }],
        ['sort by verdict', { sort: { key: 'verdict' }, offset: 0, limit: 100 }],
      ];
      // "first" includes counting the matches; repeats (the next pages of the same query) reuse the count.
      console.log('query                                first ms  repeat ms   total   rows');
      for (const [label, query] of cases) {
        const times: number[] = [];
        const f0 = performance.now();
        let page = await api.queryParcels(query);
        const first = performance.now() - f0;
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          page = await api.queryParcels(query);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        console.log(`${label.padEnd(36)}${first.toFixed(1).padStart(9)}${times[Math.floor(RUNS / 2)].toFixed(1).padStart(11)}${String(page.total).padStart(8)}${String(page.rows.length).padStart(7)}`);
      }
      const t0 = performance.now();
      await api.getParcel({ table: 'parcels', id: 'DK-050000' });
      console.log(`getParcel                           ${(performance.now() - t0).toFixed(1).padStart(9)}`);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
