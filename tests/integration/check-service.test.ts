/**
 * The check service: one parcel read by id, checked against a reference index built once per data
 * version (in a pool of worker threads, or in this thread), rebuilt when a reference layer or a
 * profile changes — also when another process makes the change, and in every worker of the pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature, Polygon } from 'geojson';
import { CheckService } from '../../electron/services/check/check-service';
import { readParcelLayer, readReferenceLayers } from '../../electron/services/check/reference-data';
import { demoParcelExpectations, generateDemoProject } from '../../electron/services/demo';
import { getProfile } from '../../electron/services/profiles';
import { ProjectStore } from '../../electron/services/project-store';
import type { CheckReport } from '../../shared/model/check';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';
import { refusalOfAsync } from '../support/refusal';

let dir: string;
let demo: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-check-service-'));
  demo = join(dir, 'demo.gpkg');
  generateDemoProject(demo);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyOfDemo(name: string): string {
  const path = join(dir, name);
  copyFileSync(demo, path);
  return path;
}

/** What must not differ between two checks of the same data: everything but the time. */
function comparable(report: CheckReport) {
  return report.parcels.map(({ id, verdict, findings }) => ({ id, verdict, findings }));
}

const square = (x: number, y: number, size: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

for (const where of ['worker', 'this-thread'] as const) {
  describe(`check service (index in ${where})`, () => {
    it('checks a parcel by id exactly as the engine does over the whole layer, and records it', async () => {
      const path = copyOfDemo(`same-${where}.gpkg`);
      const store = ProjectStore.open(path);
      const service = new CheckService(store, { worker: where === 'worker' });
      try {
        const profile = getProfile('xiaxian');
        const whole = checkParcels(buildReferenceIndex(readReferenceLayers(store)), readParcelLayer(store, 'parcels'), profile, { includeGeometry: true });
        const checksBefore = store.listChecks().length;
        for (const { id } of demoParcelExpectations().slice(0, 6)) {
          const report = await service.checkParcel('parcels', id, profile);
          expect(comparable(report)).toEqual(comparable({ ...whole, parcels: whole.parcels.filter((p) => p.id === id) }));
          expect(store.latestVerdicts('parcels', [id]).get(id)).toBe(report.parcels[0].verdict);
        }
        expect(store.listChecks().length).toBe(checksBefore + 6);
        expect(service.indexStatus()).toMatchObject({ dataVersion: store.db.dataVersion(), where });
        const refusal = await refusalOfAsync(service.checkParcel('parcels', 'NO-SUCH-PARCEL', profile));
        expect(refusal.code).toBe('parcels.unknown-id');
        expect(refusal.messageZh).toContain('NO-SUCH-PARCEL');
      } finally {
        service.close();
        store.close();
      }
    });

    it('builds the index once per data version: reused across checks, rebuilt after a reference layer is written', async () => {
      const path = copyOfDemo(`version-${where}.gpkg`);
      const store = ProjectStore.open(path);
      const service = new CheckService(store, { worker: where === 'worker' });
      try {
        const profile = getProfile('xiaxian');
        const [target] = store.requestFeatures('parcels', { limit: 1 });
        const first = await service.checkParcel('parcels', target.id, profile);
        const version = store.db.dataVersion();
        const builtAfterFirst = service.indexStatus().lastBuildMs;
        expect(builtAfterFirst).not.toBeNull();
        // a parcel drawn on the map is not reference data: the index stays
        store.insertFeature('parcels', { type: 'Feature', properties: { id: 'NEW-1', name: '新地块' }, geometry: square(111.9, 35.9, 0.001) } as Feature);
        expect(store.db.dataVersion()).toBe(version);
        await service.checkParcel('parcels', target.id, profile);
        expect(service.indexStatus()).toMatchObject({ dataVersion: version, lastBuildMs: builtAfterFirst });

        // a contaminated parcel imported over the target: the next check sees it
        const [minX, minY, maxX, maxY] = boundsOf(target.geometry as Polygon);
        store.writeLayer({
          table: 'new_contaminated',
          kind: 'contaminated-parcel',
          sourceFile: null,
          originalCrs: 'EPSG:4490',
          features: [{ type: 'Feature', properties: { id: 'WR-NEW', name: '新列入污染地块', listed: true }, geometry: square(minX, minY, Math.max(maxX - minX, maxY - minY)) }],
        });
        expect(store.db.dataVersion()).toBe(version + 1);
        const second = await service.checkParcel('parcels', target.id, profile);
        expect(service.indexStatus().dataVersion).toBe(version + 1);
        expect(first.parcels[0].findings.some((f) => f.featureId === 'WR-NEW')).toBe(false);
        expect(second.parcels[0].findings.some((f) => f.featureId === 'WR-NEW')).toBe(true);

        // a project profile saved: the version moves too
        store.saveProjectProfile('copy', JSON.stringify({ ...profile, id: 'copy', basedOn: profile.id }));
        expect(store.db.dataVersion()).toBe(version + 2);
      } finally {
        service.close();
        store.close();
      }
    });
  });
}

it('a reference layer written by another process reaches the worker index', async () => {
  const path = copyOfDemo('other-process.gpkg');
  const store = ProjectStore.open(path);
  const service = new CheckService(store);
  try {
    await service.warm();
    const profile = getProfile('xiaxian');
    const [target] = store.requestFeatures('parcels', { limit: 1 });
    const [minX, minY] = boundsOf(target.geometry as Polygon);
    const other = ProjectStore.open(path);
    other.writeLayer({
      table: 'other_contaminated',
      kind: 'contaminated-parcel',
      sourceFile: null,
      originalCrs: 'EPSG:4490',
      features: [{ type: 'Feature', properties: { id: 'WR-OTHER', listed: true }, geometry: square(minX - 0.0001, minY - 0.0001, 0.0005) }],
    });
    other.close();
    const report = await service.checkParcel('parcels', target.id, profile);
    expect(report.parcels[0].findings.some((f) => f.featureId === 'WR-OTHER')).toBe(true);
  } finally {
    service.close();
    store.close();
  }
});

it('a pool of check workers: concurrent checks are spread over every worker, each as the engine answers, and a write reaches every worker', async () => {
  const path = copyOfDemo('pool.gpkg');
  const store = ProjectStore.open(path);
  const service = new CheckService(store, { workers: 3 });
  try {
    await service.warm();
    // the rest of the pool starts once the first worker has its index
    for (let waited = 0; service.indexStatus().readyWorkers < 3 && waited < 600; waited++) await new Promise((r) => setTimeout(r, 100));
    expect(service.indexStatus()).toMatchObject({ workers: 3, readyWorkers: 3 });
    const profile = getProfile('xiaxian');
    const parcels = readParcelLayer(store, 'parcels');
    const expected = (index = buildReferenceIndex(readReferenceLayers(store))) => comparable(checkParcels(index, parcels, profile, { checkedAt: new Date() }));
    // 30 parcels at once, as 30 clients would ask
    const concurrent = async () => (await Promise.all(parcels.map((p) => service.check([p], profile)))).flatMap(comparable);
    const first = await concurrent();
    expect(first).toEqual(expected());
    const spread = service.indexStatus().checksPerWorker;
    expect(spread).toHaveLength(3);
    for (const n of spread) expect(n).toBeGreaterThan(0);

    // a contaminated parcel over the whole demo: every worker must rebuild before answering
    store.writeLayer({
      table: 'everywhere',
      kind: 'contaminated-parcel',
      sourceFile: null,
      originalCrs: 'EPSG:4490',
      features: [{ type: 'Feature', properties: { id: 'WR-ALL', name: '全域', listed: true }, geometry: square(100, 20, 30) }],
    });
    const before = service.indexStatus().checksPerWorker;
    const after = await concurrent();
    expect(after).toEqual(expected());
    expect(after.filter((p) => p.findings.some((f) => f.featureId === 'WR-ALL')).length).toBeGreaterThan(parcels.length / 2);
    expect(first.some((p) => p.findings.some((f) => f.featureId === 'WR-ALL'))).toBe(false);
    service.indexStatus().checksPerWorker.forEach((n, i) => expect(n).toBeGreaterThan(before[i]));
    expect(service.indexStatus().dataVersion).toBe(store.db.dataVersion());
  } finally {
    service.close();
    store.close();
  }
}, 120_000);

function boundsOf(polygon: Polygon | { type: 'MultiPolygon'; coordinates: number[][][][] }): [number, number, number, number] {
  const rings = polygon.type === 'Polygon' ? polygon.coordinates : polygon.coordinates.flat();
  const xs = rings.flat().map((p) => p[0]);
  const ys = rings.flat().map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
