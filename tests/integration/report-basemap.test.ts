/**
 * The chosen offline basemap under the 意见书 map: a raster MBTiles made with GDAL (four colours
 * split by the meridian and the parallel through the middle of the parcel: magenta north-west,
 * cyan north-east, yellow south-west, green south-east), added with `landgate basemap add` and
 * chosen with `landgate report --basemap`. Page 1 rendered with pdftoppm: with the basemap the
 * map frame shows its colours, split exactly where the parcel drawn on it has its middle (the
 * tiles are placed in the frame's Gauss-Krüger plane, not just pasted); without it the frame
 * keeps the hillshade and has none of them. A basemap that cannot be printed is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ProjectStore } from '../../electron/services/project-store';
import { bboxOf } from '../../shared/geo/geodesy';
import { landgate, repoRoot, sha256 } from '../support/cli';
import { isPatternColour, makePatternBasemap, PATTERN, patternEastGeojson } from '../support/basemap-pattern';

const PARCEL = 'XX-2026-001';
const DPI = 100;
const artifacts = join(repoRoot, 'test-artifacts', 'integration');
let dir: string;
let project: string;
/** The meridian and the parallel splitting the basemap's colours: through the middle of the parcel's box. */
let meridian: number;
let parallel: number;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-report-basemap-'));
  project = join(dir, '示例 项目.gpkg');
  expect(landgate(['demo', project]).status).toBe(0);
  expect(landgate(['check', project, 'parcels', '--profile', 'xiaxian', '--out', join(dir, 'check.json')]).status).toBe(0);
  const store = ProjectStore.open(project, { readonly: true });
  const [w, s, e, n] = bboxOf(store.requestFeatures('parcels', { ids: [PARCEL] })[0].geometry!);
  store.close();
  meridian = (w + e) / 2;
  parallel = (s + n) / 2;
  const mbtiles = makePatternBasemap(dir, [meridian, parallel], '测试 底图.mbtiles');
  expect(landgate(['basemap', 'add', project, mbtiles, '--name', 'pattern', '--attribution', '© 测试底图']).status).toBe(0);
  // a vector basemap of the same area, which the report cannot print
  const vector = join(dir, 'vector.mbtiles');
  execFileSync('ogr2ogr', ['-f', 'MBTiles', vector, patternEastGeojson(dir), '-dsco', 'MAXZOOM=12']);
  expect(landgate(['basemap', 'add', project, vector, '--name', 'lines']).status).toBe(0);
  mkdirSync(artifacts, { recursive: true });
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function page1(pdf: string, name: string): PNG {
  const prefix = join(artifacts, name);
  expect(spawnSync('pdftoppm', ['-r', String(DPI), '-png', '-f', '1', '-l', '1', pdf, prefix]).status).toBe(0);
  return PNG.sync.read(readFileSync(`${prefix}-1.png`));
}

const px = (png: PNG, x: number, y: number) => {
  const o = (y * png.width + x) * 4;
  return [png.data[o], png.data[o + 1], png.data[o + 2]];
};
const { magenta, cyan, yellow, green } = PATTERN;
const basemapColour = isPatternColour;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('landgate report --basemap', () => {
  it('draws the chosen raster basemap under the map, in the frame\'s plane, instead of the hillshade', () => {
    const withBasemap = join(dir, 'with.pdf');
    const without = join(dir, 'without.pdf');
    const r = landgate(['report', project, '--parcel', PARCEL, '--out', withBasemap, '--basemap', 'pattern']);
    expect(r.stderr).toContain('已出具');
    expect(r.status).toBe(0);
    expect(landgate(['report', project, '--parcel', PARCEL, '--out', without]).status).toBe(0);
    const text = spawnSync('pdftotext', ['-layout', '-f', '1', '-l', '1', withBasemap, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('底图：pattern');
    expect(text).toContain('底图 © 测试底图');
    const plain = spawnSync('pdftotext', ['-layout', '-f', '1', '-l', '1', without, '-'], { encoding: 'utf8' }).stdout;
    expect(plain).not.toContain('底图');
    expect(plain).toContain('地形晕渲');

    const a = page1(withBasemap, 'report-basemap-with');
    const b = page1(without, 'report-basemap-without');
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    let changed = 0;
    let coloured = 0;
    let colouredBefore = 0;
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        const [p, q] = [px(a, x, y), px(b, x, y)];
        if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]) > 30) changed++;
        if (basemapColour(p)) coloured++;
        if (basemapColour(q)) colouredBefore++;
      }
    }
    // the figure is about a quarter of an A4 page; most of it now shows the basemap
    expect(changed / (a.width * a.height)).toBeGreaterThan(0.12);
    expect(coloured / (a.width * a.height)).toBeGreaterThan(0.1);
    // (a few legend swatch pixels come close to those colours on their own)
    expect(colouredBefore / (a.width * a.height)).toBeLessThan(0.001);

    // Where west turns east, row by row, and north turns south, column by column: one line each.
    const columns: number[] = [];
    const rows: number[] = [];
    const frame = { top: Infinity, bottom: -Infinity, left: Infinity, right: -Infinity };
    for (let y = 1; y < a.height; y++) {
      let inRow = 0;
      for (let x = 1; x < a.width; x++) {
        const here = px(a, x, y);
        if (!basemapColour(here)) continue;
        // the frame: rows mostly of the basemap's colours (a legend swatch is not)
        if (++inRow === 200) {
          frame.top = Math.min(frame.top, y);
          frame.bottom = Math.max(frame.bottom, y);
        }
        frame.left = Math.min(frame.left, x);
        frame.right = Math.max(frame.right, x);
        const left = px(a, x - 1, y);
        const above = px(a, x, y - 1);
        if ((magenta(left) && cyan(here)) || (yellow(left) && green(here))) columns.push(x);
        if ((magenta(above) && yellow(here)) || (cyan(above) && green(here))) rows.push(y);
      }
    }
    for (const edges of [columns, rows]) {
      // one straight line across the frame (a few more where the circle and lines drawn over it cross)
      const edge = median(edges);
      expect(edges.filter((v) => Math.abs(v - edge) <= 2).length).toBeGreaterThan(200);
      expect(edges.filter((v) => Math.abs(v - edge) <= 2).length / edges.length).toBeGreaterThan(0.7);
    }
    // the parcel's outline (pure red) in the same frame: the middle of its box is where they cross
    const box = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
    for (let y = frame.top; y <= frame.bottom; y++) {
      for (let x = frame.left; x <= frame.right; x++) {
        const [r, g, bl] = px(a, x, y);
        if (r > 200 && g < 40 && bl < 40) {
          box.minX = Math.min(box.minX, x);
          box.maxX = Math.max(box.maxX, x);
          box.minY = Math.min(box.minY, y);
          box.maxY = Math.max(box.maxY, y);
        }
      }
    }
    expect(box.maxX - box.minX).toBeGreaterThan(30);
    // 1 px at 100 dpi is about 3 m on this figure; the outline is drawn 2 pt wide
    expect(Math.abs((box.minX + box.maxX) / 2 - median(columns))).toBeLessThan(4);
    expect(Math.abs((box.minY + box.maxY) / 2 - median(rows))).toBeLessThan(4);
  }, 240_000);

  it('refuses a basemap it cannot print with exit 2 and a Chinese message, writing nothing', () => {
    const before = sha256(project);
    const out = join(dir, 'refused.pdf');
    const cases: [string, RegExp][] = [
      ['nope', /项目中没有底图“nope”。项目中的底图：pattern（pattern）、lines（lines）/],
      ['lines', /底图“lines”是矢量瓦片，意见书地图只能叠加 PNG 或 JPEG 栅格底图/],
    ];
    for (const [id, message] of cases) {
      const r = landgate(['report', project, '--parcel', PARCEL, '--out', out, '--basemap', id]);
      expect(r.status, id).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/error: /);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(existsSync(out)).toBe(false);
    expect(sha256(project)).toBe(before);
  }, 240_000);
});
