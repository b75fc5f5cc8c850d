/**
 * The 图层 context menu's operations on a real demo project: zoom extent without reading the
 * layer (gpkg_contents, else the R*Tree root), rename and remove, each audited; removing a
 * reference layer bumps the data version so the next check no longer finds what it held, and
 * GDAL still reads the file.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { useDemoProject } from '../support/demo-project';
import { isUserInputError } from '../../shared/model/errors';
import { ProjectStore } from '../../electron/services/project-store';

const demo = useDemoProject('landgate-layer-ops-');

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('layer extent', () => {
  it('comes from gpkg_contents, and from the R*Tree root when gpkg_contents has none', async () => {
    const layers = await demo.withApi(async (api) => (await api.getProject()).layers);
    const layer = layers.find((l) => l.kind === 'basic-farmland')!;
    expect(layer.bbox).not.toBeNull();
    const fromContents = await demo.withApi((api) => api.getLayerExtent({ table: layer.table }));
    expect(fromContents.bbox).toEqual(layer.bbox);

    const db = new Database(demo.path);
    const saved = db.prepare('SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?').get(layer.table) as Record<string, number>;
    db.prepare('UPDATE gpkg_contents SET min_x = NULL, min_y = NULL, max_x = NULL, max_y = NULL WHERE table_name = ?').run(layer.table);
    // what every indexed box covers, to compare the root node's union with
    const exact = db.prepare(`SELECT min(minx) AS a, min(miny) AS b, max(maxx) AS c, max(maxy) AS d FROM rtree_${layer.table}_geom`).get() as Record<string, number>;
    db.close();
    try {
      const fromIndex = await demo.withApi((api) => api.getLayerExtent({ table: layer.table }));
      expect(fromIndex.bbox).not.toBeNull();
      const [minX, minY, maxX, maxY] = fromIndex.bbox!;
      expect([minX, minY, maxX, maxY]).toEqual([exact.a, exact.b, exact.c, exact.d]);
      // float32 boxes rounded outward (an ulp is ~8e-6° at 111°E): they still hold the exact extent, within a few metres
      const [eMinX, eMinY, eMaxX, eMaxY] = layer.bbox!;
      expect(minX).toBeLessThanOrEqual(eMinX);
      expect(minY).toBeLessThanOrEqual(eMinY);
      expect(maxX).toBeGreaterThanOrEqual(eMaxX);
      expect(maxY).toBeGreaterThanOrEqual(eMaxY);
      for (const [a, b] of [[minX, eMinX], [minY, eMinY], [maxX, eMaxX], [maxY, eMaxY]]) expect(Math.abs(a - b)).toBeLessThan(3e-5);
    } finally {
      const restore = new Database(demo.path);
      restore.prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?').run(saved.min_x, saved.min_y, saved.max_x, saved.max_y, layer.table);
      restore.close();
    }
  });

  it('grows with an inserted feature to exactly the extent of every geometry', () => {
    const store = ProjectStore.open(demo.path);
    try {
      const layer = store.listLayers().find((l) => l.kind === 'parcel')!;
      const [minX, minY, maxX, maxY] = layer.bbox!;
      const far = { type: 'Polygon' as const, coordinates: [[[maxX + 0.01, maxY + 0.01], [maxX + 0.02, maxY + 0.01], [maxX + 0.02, maxY + 0.03], [maxX + 0.01, maxY + 0.01]]] };
      store.insertFeature(layer.table, { type: 'Feature', properties: { id: 'EXTENT-TEST' }, geometry: far });
      const grown = store.layers.extent(layer.table)!;
      expect(grown).toEqual([minX, minY, maxX + 0.02, maxY + 0.03]);
      // what reading every geometry gives
      let exact: number[] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const f of store.iterateFeatures(layer.table)) {
        const visit = (v: unknown): void => {
          if (Array.isArray(v) && typeof v[0] === 'number') exact = [Math.min(exact[0], v[0]), Math.min(exact[1], v[1] as number), Math.max(exact[2], v[0]), Math.max(exact[3], v[1] as number)];
          else if (Array.isArray(v)) v.forEach(visit);
        };
        visit((f.geometry as { coordinates: unknown }).coordinates);
      }
      expect(grown).toEqual(exact);
    } finally {
      store.close();
    }
  });

  it('names an unknown layer in Chinese', async () => {
    const error = await demo.withApi((api) => api.getLayerExtent({ table: 'no_such_layer' })).catch((e: unknown) => e);
    expect(isUserInputError(error)).toBe(true);
    expect((error as { messageZh: string }).messageZh).toContain('no_such_layer');
  });
});

describe('rename', () => {
  it('changes the title everywhere it is shown and audits old → new', async () => {
    await demo.withApi(async (api) => {
      const layer = (await api.getProject()).layers.find((l) => l.kind === 'river')!;
      const renamed = await api.renameLayer({ table: layer.table, title: '  汾河 干流  ' });
      expect(renamed.title).toBe('汾河 干流');
      expect((await api.getProject()).layers.find((l) => l.table === layer.table)!.title).toBe('汾河 干流');
      const audit = await api.getAuditTrail({});
      const entry = audit.entries.find((e) => e.action === 'layer-rename');
      expect(entry?.detail).toMatchObject({ table: layer.table, oldTitle: layer.title, title: '汾河 干流' });
      expect(audit.integrity.ok).toBe(true);
    });
    const db = new Database(demo.path, { readonly: true });
    const row = db.prepare("SELECT description FROM gpkg_contents WHERE table_name = (SELECT table_name FROM landgate_layers WHERE kind = 'river')").get() as { description: string };
    // QGIS's style row follows the new title
    const style = db.prepare("SELECT description, styleSLD FROM layer_styles WHERE f_table_name = (SELECT table_name FROM landgate_layers WHERE kind = 'river') AND styleName = 'LandGate'").get() as { description: string; styleSLD: string };
    db.close();
    expect(row.description).toBe('汾河 干流');
    expect(style.description).toContain('汾河 干流');
    expect(style.styleSLD).toContain('汾河 干流');
  });

  it('refuses an empty title and leaves the file byte-identical', async () => {
    const before = sha(demo.path);
    const error = await demo.withApi(async (api) => {
      const layer = (await api.getProject()).layers[0];
      return api.renameLayer({ table: layer.table, title: '   ' }).catch((e: unknown) => e);
    });
    expect(isUserInputError(error)).toBe(true);
    expect((error as { messageZh: string }).messageZh).toMatch(/图层名称不能为空/);
    expect(sha(demo.path)).toBe(before);
  });
});

describe('remove', () => {
  it('drops a reference layer: the data version moves, the next check no longer sees it, GDAL still reads the project', async () => {
    await demo.withApi(async (api) => {
      const layers = (await api.getProject()).layers;
      const contaminated = layers.find((l) => l.kind === 'contaminated-parcel')!;
      const parcels = layers.find((l) => l.kind === 'parcel')!;
      // a parcel whose check names a feature of the layer about to go
      const page = await api.queryParcels({ table: parcels.table, offset: 0, limit: 100 });
      let target: { id: string; findings: number } | null = null;
      for (const row of page.rows) {
        const report = await api.checkParcel({ table: parcels.table, parcelId: row.id, profile: 'xiaxian' });
        const hits = report.parcels[0].findings.filter((f) => f.layerTable === contaminated.table).length;
        if (hits > 0) {
          target = { id: row.id, findings: hits };
          break;
        }
      }
      expect(target, 'a demo parcel with a finding on the contaminated-parcel layer').not.toBeNull();

      const versionBefore = readDataVersion(demo.path);
      const removed = await api.removeLayer({ table: contaminated.table });
      expect(removed).toMatchObject({ table: contaminated.table, title: contaminated.title, featureCount: contaminated.featureCount });
      expect(readDataVersion(demo.path)).toBe(versionBefore + 1);
      expect((await api.getProject()).layers.map((l) => l.table)).not.toContain(contaminated.table);

      const after = await api.checkParcel({ table: parcels.table, parcelId: target!.id, profile: 'xiaxian' });
      expect(after.parcels[0].findings.filter((f) => f.layerTable === contaminated.table)).toEqual([]);

      const tile = await api.tile!(`/tiles/vector/${contaminated.table}/10/843/396.pbf`);
      expect(tile?.status).toBe(404);

      const audit = await api.getAuditTrail({});
      const entry = audit.entries.find((e) => e.action === 'layer-remove');
      expect(entry?.detail).toMatchObject({ table: contaminated.table, kind: 'contaminated-parcel', title: contaminated.title, featureCount: contaminated.featureCount });
      expect(audit.integrity.ok).toBe(true);
    });
    const db = new Database(demo.path, { readonly: true });
    for (const meta of ['gpkg_contents', 'gpkg_geometry_columns', 'gpkg_extensions', 'landgate_layers']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${meta} WHERE table_name LIKE '%contaminated%'`).get()).toEqual({ n: 0 });
    }
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%contaminated%'").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM layer_styles WHERE f_table_name LIKE '%contaminated%'").get()).toEqual({ n: 0 });
    db.close();
    const ogr = spawnSync('ogrinfo', ['-ro', '-q', demo.path], { encoding: 'utf8' });
    expect(ogr.status, ogr.stderr).toBe(0);
    expect(ogr.stdout).not.toMatch(/contaminated/);
    expect(ogr.stdout).toMatch(/parcels/);
  });

  it('refuses a parcel layer with a registered submission, project unchanged', async () => {
    const parcels = await demo.withApi(async (api) => {
      const layer = (await api.getProject()).layers.find((l) => l.kind === 'parcel')!;
      const first = (await api.queryParcels({ table: layer.table, offset: 0, limit: 1 })).rows[0];
      await api.createSubmission({ parcelTable: layer.table, parcelIds: [first.id], title: '删除测试报件' });
      return layer;
    });
    const before = sha(demo.path);
    const error = await demo.withApi((api) => api.removeLayer({ table: parcels.table }).catch((e: unknown) => e));
    expect(isUserInputError(error)).toBe(true);
    expect((error as { messageZh: string }).messageZh).toMatch(/不能删除/);
    expect(sha(demo.path)).toBe(before);
  });
});

function readDataVersion(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return Number((db.prepare("SELECT value FROM landgate_meta WHERE key = 'dataVersion'").get() as { value: string }).value);
  } finally {
    db.close();
  }
}
