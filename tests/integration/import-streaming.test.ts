/**
 * Through the CLI: huge shapefiles stream (a refusal after several written batches still
 * rolls everything back), per-feature progress goes to stderr only when asked (`--progress`; the
 * tests' stderr is not a terminal) and stdout stays as scripts parse it, and overlapping parts of
 * a MultiPolygon are merged with a note and the geodesic area of the union.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Position } from 'geojson';
import { landgate, sha256 } from '../support/cli';
import { writeShapefile } from '../../bench/import.bench';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { formatAreaZh } from '../../shared/format/units';
import { ProjectStore } from '../../electron/services/project-store';
import { rect } from '../support/geometry';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-import-stream-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});


describe('landgate import: streaming and progress', { timeout: 300_000 }, () => {
  it('prints per-feature progress on stderr with --progress only; stdout is the same either way', () => {
    const base = join(dir, 'parcels_5k');
    writeShapefile(base, 5000);
    const quiet = join(dir, 'quiet.gpkg');
    const loud = join(dir, 'loud.gpkg');
    expect(landgate(['init', quiet]).status).toBe(0);
    expect(landgate(['init', loud]).status).toBe(0);
    const a = landgate(['import', quiet, `${base}.shp`, '--kind', 'suspect-parcel', '--name', 'parcels']);
    const b = landgate(['import', loud, `${base}.shp`, '--kind', 'suspect-parcel', '--name', 'parcels', '--progress']);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(a.stdout).toMatch(/^已导入 5000 个要素到图层 parcels/);
    expect(a.stderr).not.toMatch(/导入进度/);
    const lines = b.stderr.split('\n').filter((l) => l.startsWith('导入进度'));
    expect(lines[0]).toBe('导入进度：已检查并写入 0 / 5 000 个要素（0%）');
    expect(lines[lines.length - 1]).toBe('导入进度：已检查并写入 5 000 / 5 000 个要素（100%）');
    expect(lines.length).toBeLessThanOrEqual(11);
  });

  it('a feature refused after several written batches rolls the whole import back', () => {
    const base = join(dir, 'late_bowtie');
    writeShapefile(base, 3000);
    // record 2500 (9 points) becomes a lopsided bow-tie: splitting it changes the area, so it is refused
    const recordLength = 8 + 44 + 4 + 9 * 16;
    const at = 100 + 2499 * recordLength + 8 + 48;
    const cx = 37_440_000 + 10_000;
    const cy = 3_940_000 + 10_000;
    const pts: Position[] = [
      [cx - 20, cy - 20],
      [cx + 20, cy + 20],
      [cx + 20, cy - 20],
      [cx - 20, cy + 40],
      [cx - 20, cy - 20],
      [cx - 20, cy - 20],
      [cx - 20, cy - 20],
      [cx - 20, cy - 20],
      [cx - 20, cy - 20],
    ];
    const buf = Buffer.alloc(9 * 16);
    pts.forEach(([x, y], i) => {
      buf.writeDoubleLE(x, i * 16);
      buf.writeDoubleLE(y, i * 16 + 8);
    });
    const fd = openSync(`${base}.shp`, 'r+');
    writeSync(fd, buf, 0, buf.length, at);
    closeSync(fd);

    const project = join(dir, 'rollback.gpkg');
    expect(landgate(['init', project]).status).toBe(0);
    const before = sha256(project);
    const run = landgate(['import', project, `${base}.shp`, '--kind', 'suspect-parcel', '--name', 'late']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/文件“late_bowtie\.shp”第 2500 个要素（编号“BM-002500”）：面的边界自相交.*无法安全修复.*未导入任何要素/);
    expect(sha256(project)).toBe(before);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      expect(store.listLayers()).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('landgate import: overlapping parts of a MultiPolygon', { timeout: 300_000 }, () => {
  const a = rect(112, 37, 112.01, 37.01);
  const b = rect(112.005, 37, 112.015, 37.01);
  const union = rect(112, 37, 112.015, 37.01);
  const overlapM2 = geodesicAreaM2({ type: 'Polygon', coordinates: [rect(112.005, 37, 112.01, 37.01)] });
  const unionM2 = geodesicAreaM2({ type: 'Polygon', coordinates: [union] });
  const geojson = () => {
    const path = join(dir, 'overlap.geojson');
    writeFileSync(
      path,
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4490' } },
        features: [
          { type: 'Feature', properties: { id: 'JB-1' }, geometry: { type: 'MultiPolygon', coordinates: [[a], [b]] } },
          { type: 'Feature', properties: { id: 'JB-2' }, geometry: { type: 'Polygon', coordinates: [rect(112.1, 37.1, 112.11, 37.11)] } },
        ],
      }),
    );
    return path;
  };
  const single = geodesicAreaM2({ type: 'Polygon', coordinates: [rect(112.1, 37.1, 112.11, 37.11)] });

  const check = (file: string, table: string) => {
    const project = join(dir, `${table}.gpkg`);
    expect(landgate(['init', project]).status).toBe(0);
    const run = landgate(['import', project, file, '--kind', 'basic-farmland', '--name', table, '--crs', 'EPSG:4490']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`要素“JB-1”（第 1 个）：多部件面的部件相互重叠，已合并（重叠 ${overlapM2.toFixed(2)} m²）`);
    // the total counts the shared area once: union + the other parcel, not Σ parts
    expect(run.stdout).toContain(`面积合计：椭球面积 ${formatAreaZh(unionM2 + single)}（CGCS2000 椭球）`);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const merged = store.readFeatures(table).features.find((f) => f.properties?.id === 'JB-1')!;
      expect(merged.geometry).toEqual({ type: 'MultiPolygon', coordinates: [[union]] });
    } finally {
      store.close();
    }
  };

  it('GeoJSON: merged into the union, noted per feature, area counted once', () => {
    check(geojson(), 'farmland_json');
  });

  it('a shapefile written by ogr2ogr from that GeoJSON: the same', () => {
    const shp = join(dir, 'overlap_shp.shp');
    const ogr = spawnSync('ogr2ogr', ['-f', 'ESRI Shapefile', shp, geojson(), '-lco', 'ENCODING=UTF-8'], { encoding: 'utf8' });
    expect(ogr.status, ogr.stderr).toBe(0);
    check(shp, 'farmland_shp');
  });
});
