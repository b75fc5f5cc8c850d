/**
 * The DEM census's one pass over a strip (ValueCensus.survey, terrain/dem-plausibility.ts): it
 * blanks and counts what a plain row-by-row reading of the rules blanks and counts, and its tile
 * statistics are those of the blanked tiles, on a grid whose last tile column is narrow, over
 * strips of several sizes, in a projected and a geographic CRS.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PLAUSIBLE_M, MIN_PLAUSIBLE_M, ValueCensus } from '../../electron/services/terrain/dem-plausibility';
import { DEM_TILE } from '../../shared/terrain/dem-tile-format';
import type { DemGridInfo } from '../../shared/terrain/grid';

/** The rules read plainly: every row left to right, each cell on its own. */
function reference(info: DemGridInfo, grid: Float32Array) {
  const out = Float32Array.from(grid);
  let outOfRange = 0, zeros = 0, minNonZero = Infinity, valid = 0, slopeSum = 0, slopePairs = 0;
  for (let r = 0; r < info.rows; r++) {
    let rises = 0, pairs = 0, prev = NaN;
    for (let c = 0; c < info.cols; c++) {
      const i = r * info.cols + c;
      const v = out[i];
      if (v !== v) {
        prev = NaN;
        continue;
      }
      if (v < MIN_PLAUSIBLE_M || v > MAX_PLAUSIBLE_M) {
        out[i] = NaN;
        outOfRange++;
        prev = NaN;
        continue;
      }
      valid++;
      if (v === 0) zeros++;
      else minNonZero = Math.min(minNonZero, v);
      if (prev === prev) {
        rises += Math.abs(v - prev);
        pairs++;
      }
      prev = v;
    }
    const lat = info.originY - (r + 0.5) * info.cellY;
    const run = info.crs === 'EPSG:4490' ? info.cellX * 111_320 * Math.max(0.05, Math.cos((lat * Math.PI) / 180)) : info.cellX;
    slopeSum += rises / run;
    slopePairs += pairs;
  }
  return { blanked: out, counts: { outOfRange, zeros, minNonZero, valid, slopeSum, slopePairs } };
}

function terrain(cols: number, rows: number, integer: boolean): Float32Array {
  let seed = 5;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const grid = new Float32Array(cols * rows);
  for (let i = 0; i < grid.length; i++) {
    const v = 600 + 400 * Math.sin(i / 97) + 50 * rnd();
    grid[i] = integer ? Math.round(v) : v;
  }
  // implausible cells, holes, honest zeros, and a whole tile column's row without a value
  for (let i = 3; i < grid.length; i += 1777) grid[i] = i % 2 ? 12_000 : -500;
  for (let i = 11; i < grid.length; i += 2311) grid[i] = NaN;
  for (let i = 17; i < grid.length; i += 4099) grid[i] = 0;
  grid.fill(NaN, 5 * cols + DEM_TILE, 5 * cols + 2 * DEM_TILE);
  return grid;
}

describe('DEM census (one pass per strip)', () => {
  const cases: [string, DemGridInfo, boolean][] = [
    ['projected, integers', { cols: 600, rows: 70, crs: 'EPSG:4526', originX: 38_400_000, originY: 4_100_000, cellX: 30, cellY: 30 }, true],
    ['geographic, floats', { cols: 530, rows: 61, crs: 'EPSG:4490', originX: 112, originY: 37.5, cellX: 0.001, cellY: 0.001 }, false],
  ];
  for (const [name, info, integer] of cases) {
    it(`${name}: blanks and counts as the rules read plainly, and measures the blanked tiles`, () => {
      const grid = terrain(info.cols, info.rows, integer);
      const expected = reference(info, grid);
      for (const stripRows of [1, 16, 64]) {
        const census = new ValueCensus(info);
        const blanked = new Float32Array(grid.length);
        for (let row0 = 0; row0 < info.rows; row0 += stripRows) {
          const count = Math.min(stripRows, info.rows - row0);
          const strip = grid.slice(row0 * info.cols, (row0 + count) * info.cols);
          const stats = census.survey(strip, row0, count);
          blanked.set(strip, row0 * info.cols);
          expect(stats.rows).toBe(count);
          for (let tc = 0; tc * DEM_TILE < info.cols; tc++) {
            const c0 = tc * DEM_TILE;
            const tile: number[] = [];
            for (let r = 0; r < count; r++) for (let c = c0; c < Math.min(info.cols, c0 + DEM_TILE); c++) if (strip[r * info.cols + c] === strip[r * info.cols + c]) tile.push(strip[r * info.cols + c]);
            expect(stats.known[tc]).toBe(tile.length);
            expect(stats.min[tc]).toBe(tile.length ? Math.min(...tile) : Infinity);
            expect(stats.max[tc]).toBe(tile.length ? Math.max(...tile) : -Infinity);
            expect(stats.sum[tc]).toBeCloseTo(tile.reduce((a, b) => a + b, 0), 6);
            expect(stats.sum2[tc] / Math.max(1, tile.length)).toBeCloseTo(tile.reduce((a, b) => a + b * b, 0) / Math.max(1, tile.length), 4);
          }
        }
        expect(blanked).toEqual(expected.blanked);
        const { slopeSum, ...counts } = census.counts();
        const { slopeSum: expectedSlope, ...expectedCounts } = expected.counts;
        expect(counts, `strips of ${stripRows}`).toEqual(expectedCounts);
        if (integer) expect(slopeSum).toBe(expectedSlope);
        else expect(slopeSum).toBeCloseTo(expectedSlope, 6);
        expect(counts.outOfRange).toBeGreaterThan(0);
        expect(counts.zeros).toBeGreaterThan(0);
      }
    });
  }
});
