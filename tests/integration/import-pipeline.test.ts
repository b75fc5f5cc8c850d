/**
 * The two-thread import (electron/services/import-pipeline.ts): a preparing worker encodes the
 * rows, importFile's thread stores them. Its own guarantees: the stored rows, notes and area
 * totals are those of the single-thread import; a refusal after batches were stored and a cancel
 * mid-write leave the project byte-identical; without a worker (not built, or one that never
 * answers) the import runs on one thread with the same result.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { Position } from 'geojson';
import { writeShapefile } from '../../bench/import.bench';
import { ImportCancelled, importFile, type ImportOptions, type ImportResult } from '../../electron/services/import-file';
import { importPipelineSettings, prepareWorkerEntry } from '../../electron/services/import-pipeline';
import { ProjectStore } from '../../electron/services/project-store';
import { isUserInputError } from '../../shared/model/errors';
import { sha256, sharedData } from '../support/cli';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

let dir: string;
let n = 0;
const defaults = { ...importPipelineSettings };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-import-pipeline-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  Object.assign(importPipelineSettings, defaults);
  delete importPipelineSettings.entry;
});

function newProject(): string {
  const path = join(dir, `p${++n}.gpkg`);
  ProjectStore.create(path, { title: 'pipeline' }).close();
  return path;
}

function importWith(mode: 'never' | 'always', file: string, options: ImportOptions, hooks = {}): { project: string; result: ImportResult } {
  importPipelineSettings.mode = mode;
  const project = newProject();
  const store = ProjectStore.open(project);
  try {
    return { project, result: importFile(store, file, options, hooks) };
  } finally {
    store.close();
  }
}

/** Every row of the layer's table and R*Tree and of the registry tables, the import's timestamps aside. */
function dump(project: string, table: string): unknown {
  const db = new Database(project, { readonly: true });
  try {
    const all = (sql: string, ...params: unknown[]) => db.prepare(sql).raw().all(...params);
    return {
      rows: all(`SELECT * FROM "${table}" ORDER BY fid`),
      rtree: all(`SELECT * FROM "rtree_${table}_geom" ORDER BY id`),
      schema: all("SELECT type, name, sql FROM sqlite_master ORDER BY name"),
      contents: all('SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents ORDER BY table_name'),
      geometryColumns: all('SELECT * FROM gpkg_geometry_columns ORDER BY table_name'),
      extensions: all('SELECT * FROM gpkg_extensions ORDER BY table_name, extension_name'),
      layers: all('SELECT table_name, kind, title, source_file, original_crs, columns FROM landgate_layers ORDER BY table_name'),
      styles: all('SELECT f_table_name, styleName, styleQML, styleSLD FROM layer_styles ORDER BY id'),
    };
  } finally {
    db.close();
  }
}

/** Imports the file on one thread and on two and requires the same project content and result. */
function expectSameBothWays(file: string, options: ImportOptions) {
  const one = importWith('never', file, options);
  const two = importWith('always', file, options);
  const { importedAt: _a, ...r1 } = one.result;
  const { importedAt: _b, ...r2 } = two.result;
  expect(r2).toEqual(r1);
  expect(dump(two.project, two.result.table)).toEqual(dump(one.project, one.result.table));
  return two.result;
}

/** The bench shapefile with record `at` (1-based) made a lopsided bow-tie, which is refused. */
function withBowtie(base: string, count: number, at: number) {
  writeShapefile(base, count);
  const recordLength = 8 + 44 + 4 + 9 * 16;
  const offset = 100 + (at - 1) * recordLength + 8 + 48;
  const cx = 37_440_000 + 10_000;
  const cy = 3_940_000 + 10_000;
  const pts: Position[] = [[cx - 20, cy - 20], [cx + 20, cy + 20], [cx + 20, cy - 20], [cx - 20, cy + 40], ...Array.from({ length: 5 }, () => [cx - 20, cy - 20])];
  const buf = Buffer.alloc(9 * 16);
  pts.forEach(([x, y], i) => {
    buf.writeDoubleLE(x, i * 16);
    buf.writeDoubleLE(y, i * 16 + 8);
  });
  const fd = openSync(`${base}.shp`, 'r+');
  writeSync(fd, buf, 0, buf.length, offset);
  closeSync(fd);
}

describe('import on two threads', { timeout: 300_000 }, () => {
  it('the worker is found from source and next to the bundles', () => {
    expect(prepareWorkerEntry()?.kind).toBe('source');
    const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
    const bundled = join(repoRoot, 'dist/electron/prepare.worker.cjs');
    if (existsSync(bundled)) {
      expect(prepareWorkerEntry(pathToFileURL(join(repoRoot, 'dist/electron/cli.mjs')).href)).toEqual({ kind: 'bundled', path: bundled });
    }
  });

  it('stores the same rows, R*Tree, registry rows, notes and area totals as one thread', () => {
    const base = join(dir, 'same');
    writeShapefile(base, 6000);
    const result = expectSameBothWays(`${base}.shp`, { kind: 'suspect-parcel', table: 'parcels' });
    expect(result.featureCount).toBe(6000);
    expect(result.areas.planarCrs).toBe('EPSG:4525');
  });

  it('the same with notes: repaired self-intersections, numbered ids, lines and real GK data', () => {
    const edge = join(sharedData, 'shapefiles', 'edge_cases');
    const noDbf = expectSameBothWays(join(edge, 'shapefilejs', 'no-dbf.shp'), { kind: 'admin-boundary', crs: 'EPSG:4490' });
    expect(noDbf.warnings.length).toBeGreaterThan(0);
    const gk = join(sharedData, 'shapefiles', 'derived_cgcs2000_gk_gbk');
    for (const file of readdirSync(gk).filter((f) => f.endsWith('.shp'))) {
      expectSameBothWays(join(gk, file), { kind: 'admin-boundary' });
    }
  });

  it('points: the same rows and notes, the GCJ-02 check run on the sample the worker kept', () => {
    const file = join(dir, 'stations.geojson');
    const features = Array.from({ length: 800 }, (_, i) => ({
      type: 'Feature',
      properties: { id: `ST-${i + 1}` },
      geometry: { type: 'Point', coordinates: [111.5 + (i % 40) * 0.001, 35.5 + Math.floor(i / 40) * 0.001] },
    }));
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
    const result = expectSameBothWays(file, { kind: 'monitoring-station', crs: 'EPSG:4490' });
    expect(result.featureCount).toBe(800);
  });

  it('a feature refused after several stored batches leaves the project byte-identical', () => {
    importPipelineSettings.mode = 'always';
    const base = join(dir, 'late_bowtie');
    withBowtie(base, 4000, 3500);
    const project = newProject();
    const before = sha256(project);
    const store = ProjectStore.open(project);
    let error: unknown;
    let progressed = 0;
    try {
      importFile(store, `${base}.shp`, { kind: 'suspect-parcel', table: 'late' }, { onProgress: ({ done }) => (progressed = Math.max(progressed, done)) });
    } catch (e) {
      error = e;
    } finally {
      store.close();
    }
    expect(isUserInputError(error)).toBe(true);
    expect((error as { messageZh: string }).messageZh).toMatch(/文件“late_bowtie\.shp”第 3500 个要素（编号“BM-003500”）：面的边界自相交.*未导入任何要素/);
    expect(sha256(project)).toBe(before);
    const reopened = ProjectStore.open(project, { readonly: true });
    try {
      expect(reopened.listLayers()).toEqual([]);
    } finally {
      reopened.close();
    }
  });

  it('a refusal before the first feature (no CRS) names the file and changes nothing', () => {
    importPipelineSettings.mode = 'always';
    const base = join(dir, 'no_prj');
    writeShapefile(base, 100);
    rmSync(`${base}.prj`);
    const project = newProject();
    const before = sha256(project);
    const store = ProjectStore.open(project);
    let error: unknown;
    try {
      importFile(store, `${base}.shp`, { kind: 'suspect-parcel' });
    } catch (e) {
      error = e;
    } finally {
      store.close();
    }
    expect(isUserInputError(error) && error.code).toBe('import.crs-proposed');
    expect((error as { messageZh: string }).messageZh).toMatch(/文件“no_prj\.shp”.*--crs EPSG:4525/);
    expect(sha256(project)).toBe(before);
  });

  it('a cancel mid-write rolls back: the project is byte-identical', () => {
    importPipelineSettings.mode = 'always';
    const base = join(dir, 'cancel');
    writeShapefile(base, 20_000);
    const project = newProject();
    const before = sha256(project);
    const store = ProjectStore.open(project);
    let written = 0;
    try {
      expect(() =>
        importFile(store, `${base}.shp`, { kind: 'suspect-parcel', table: 'cancelled' }, { onProgress: ({ done }) => (written = done), shouldCancel: () => written > 0 }),
      ).toThrow(ImportCancelled);
    } finally {
      store.close();
    }
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(20_000);
    expect(sha256(project)).toBe(before);
  });

  it('without the worker file, or with a worker that never answers, imports on one thread with the same result', () => {
    const base = join(dir, 'fallback');
    writeShapefile(base, 3000);
    const options: ImportOptions = { kind: 'suspect-parcel', table: 'parcels' };
    const two = importWith('always', `${base}.shp`, options);

    importPipelineSettings.entry = null; // a build without prepare.worker.cjs
    const missing = importWith('always', `${base}.shp`, options);
    expect(dump(missing.project, 'parcels')).toEqual(dump(two.project, 'parcels'));
    expect(missing.result.areas).toEqual(two.result.areas);

    const silent = join(dir, 'silent.worker.cjs');
    writeFileSync(silent, 'process.exit(3);\n');
    importPipelineSettings.entry = { kind: 'bundled', path: silent };
    importPipelineSettings.startupTimeoutMs = 2000;
    const dead = importWith('always', `${base}.shp`, options);
    expect(dump(dead.project, 'parcels')).toEqual(dump(two.project, 'parcels'));
    expect(dead.result.warnings).toEqual(two.result.warnings);
  });
});

describe('import on two threads into a shared project', { timeout: 600_000 }, () => {
  let pg: ThrowawayPostgis | null = null;
  afterAll(() => pg?.stop());

  // The PostgreSQL writer sends its rows in statements of many rows: it must not keep views into
  // the batch buffers that go back to the preparing thread once a batch is stored.
  it('stores the same rows as one thread, batch buffers handed back and all', () => {
    pg = startPostgis();
    for (const [name, value] of Object.entries(pg.env)) process.env[name] = String(value);
    const base = join(dir, 'shared');
    writeShapefile(base, 12_000);
    const rows = (mode: 'never' | 'always') => {
      importPipelineSettings.mode = mode;
      const store = ProjectStore.create(pg!.url(freshSchema(`pipeline_${mode}`)), { title: 'pipeline' });
      try {
        const result = importFile(store, `${base}.shp`, { kind: 'suspect-parcel', table: 'parcels' });
        const features = store.readFeatures('parcels');
        return { count: result.featureCount, areas: result.areas, features: features.features.map((f) => [f.id, f.properties, f.geometry]) };
      } finally {
        store.close();
      }
    };
    const one = rows('never');
    const two = rows('always');
    expect(one.count).toBe(12_000);
    expect(two).toEqual(one);
  });
});
