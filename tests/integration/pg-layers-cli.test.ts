/**
 * The command line on a shared project, end to end: `landgate init` at a postgresql:// URL, the
 * demo county's layers and a GBK shapefile imported with `landgate import`, and `landgate check`
 * of the parcel layer give the same verdicts and findings as the same commands on a GeoPackage.
 * A refused import leaves the shared project as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from '../../electron/services/project-store';
import type { CheckReport } from '../../shared/model/check';
import { landgate, sharedData } from '../support/cli';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

const RIVERS = join(sharedData, 'shapefiles', 'cn1to4m_gbk_no_cpg_no_prj', 'hyd2_4l.shp');
const BOUNDARIES = join(sharedData, 'shapefiles', 'cn1to4m_gbk_no_cpg_no_prj', 'bou2_4p.shp');

let pg: ThrowawayPostgis;
let dir: string;
let demo: string;
let schema: string;
const targets: { gpkg: string; postgis: string } = { gpkg: '', postgis: '' };

const run = (args: string[]) => landgate(args, { env: pg.env as Record<string, string> });

beforeAll(() => {
  pg = startPostgis();
  dir = mkdtempSync(join(tmpdir(), 'landgate-pg-cli-'));
  demo = join(dir, 'demo.gpkg');
  expect(run(['demo', demo]).status).toBe(0);
  schema = freshSchema('cli');
  targets.gpkg = join(dir, '县项目.gpkg');
  targets.postgis = pg.url(schema);
}, 600_000);

afterAll(() => {
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('landgate init, import and check on a postgresql:// project', () => {
  it('creates both projects and imports the demo county and a GBK shapefile into each alike', () => {
    for (const target of Object.values(targets)) {
      const init = run(['init', target, '--title', '示例县']);
      expect(init.status, init.stderr).toBe(0);
    }
    const source = ProjectStore.open(demo, { readonly: true });
    const layers = source.listLayers();
    source.close();
    expect(layers.length).toBeGreaterThan(10);
    for (const target of Object.values(targets)) {
      for (const layer of layers) {
        const result = run(['import', target, demo, '--layer', layer.table, '--kind', layer.kind, '--name', layer.table]);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toContain(`已导入 ${layer.featureCount} 个要素到图层 ${layer.table}`);
      }
      const rivers = run(['import', target, RIVERS, '--kind', 'river', '--crs', 'EPSG:4490', '--name', 'cn_rivers']);
      expect(rivers.status, rivers.stderr).toBe(0);
      expect(rivers.stdout).toContain('已导入 2143 个要素到图层 cn_rivers');
      expect(rivers.stdout).toContain('编码 GBK');
    }
    const listed = Object.fromEntries(
      Object.entries(targets).map(([backend, target]) => {
        const store = ProjectStore.open(target, { readonly: true });
        try {
          return [backend, store.listLayers().map((l) => [l.table, l.kind, l.featureCount, l.geometryType])];
        } finally {
          store.close();
        }
      }),
    );
    expect(listed.postgis).toEqual(listed.gpkg);
    const [[count]] = pg.psql(`SELECT count(*) FROM ${schema}.cn_rivers WHERE name = '汾河'`);
    expect(Number(count)).toBeGreaterThan(0);
    // two dozen commands, each a process of its own
  }, 900_000);

  it('checks the parcel layer with the same verdicts and findings, and records the check in the shared project', () => {
    const reports = Object.fromEntries(
      Object.entries(targets).map(([backend, target]) => {
        const result = run(['check', target, 'parcels', '--profile', 'xiaxian', '--format', 'json']);
        expect(result.status, result.stderr).toBe(0);
        return [backend, JSON.parse(result.stdout) as CheckReport];
      }),
    );
    const comparable = (report: CheckReport) => report.parcels.map(({ id, verdict, findings }) => ({ id, verdict, findings }));
    expect(comparable(reports.postgis)).toEqual(comparable(reports.gpkg));
    expect(new Set(reports.gpkg.parcels.map((p) => p.verdict))).toEqual(new Set(['prohibited', 'conditional', 'permitted']));
    expect(pg.psql(`SELECT count(*), max(parcel_count) FROM ${schema}.landgate_checks`)).toEqual([['1', String(reports.gpkg.parcels.length)]]);
    expect(Number(pg.psql(`SELECT count(*) FROM ${schema}.landgate_parcel_verdicts WHERE parcel_table = 'parcels' AND parcel_id <> ''`)[0][0])).toBe(reports.gpkg.parcels.length);
  }, 300_000);

  it('refuses an import whose CRS is only a guess, in Chinese, and leaves the shared project unchanged', () => {
    const state = () => pg.psql(`SELECT (SELECT count(*) FROM ${schema}.landgate_layers), (SELECT count(*) FROM ${schema}.landgate_audit), (SELECT count(*) FROM pg_tables WHERE schemaname = '${schema}')`);
    const before = state();
    const result = run(['import', targets.postgis, BOUNDARIES, '--kind', 'admin-boundary']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/文件“bou2_4p\.shp”没有可靠的坐标系说明/);
    expect(result.stderr).not.toMatch(/at .+\.ts:\d+/);
    expect(state()).toEqual(before);
  }, 120_000);
});
