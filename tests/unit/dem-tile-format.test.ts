/**
 * The stored DEM's tiles (shared/terrain/dem-tile-format.ts) from rows: each tile's scanlines are
 * those of the plain 16-bit PNG encoder over the quantised tile, and its statistics those of its
 * cells, for integer tiles (stored exactly), integer tiles too wide a range for that, and float
 * tiles (scaled), with holes, a narrow last tile column and a short last tile row; the statistics
 * the caller measured already (tileRowStats, or the census's survey), and the tiles it prepared
 * itself (tileRowTiles), give the same tiles.
 */
import { describe, expect, it } from 'vitest';
import { DEM_TILE, DemTileRows, NULL_RAW, tileRowStats, tileRowTiles, type UncompressedTile } from '../../shared/terrain/dem-tile-format';
import { png16Scanlines } from '../../shared/terrain/png';

const cols = DEM_TILE + 44;
const rows = DEM_TILE + 14;

function grid(kind: 'integer' | 'wide' | 'float'): Float32Array {
  const g = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    const v = 700 + 300 * Math.sin(c / 17) * Math.cos(r / 23) + ((r * 7 + c * 13) % 11);
    g[r * cols + c] = kind === 'float' ? v + 0.37 : kind === 'wide' ? Math.round(v) + (c > 100 && r < 50 ? 70_000 : 0) : Math.round(v);
  }
  for (let i = 5; i < g.length; i += 997) g[i] = NaN;
  g.fill(NaN, 3 * cols, 3 * cols + 40); // a run of holes from the row's start
  return g;
}

/** The tile as the plain encoder takes it: raw values, the cells outside the DEM as nodata. */
function expectedTile(g: Float32Array, tc: number, tr: number, integer: boolean) {
  const values: number[] = [];
  const raw = new Uint16Array(DEM_TILE * DEM_TILE).fill(NULL_RAW);
  for (let r = 0; r < DEM_TILE; r++) for (let c = 0; c < DEM_TILE; c++) {
    const row = tr * DEM_TILE + r, col = tc * DEM_TILE + c;
    if (row < rows && col < cols && g[row * cols + col] === g[row * cols + col]) values.push(g[row * cols + col]);
  }
  const min = Math.min(...values), max = Math.max(...values);
  const exact = integer && max - min <= NULL_RAW - 1;
  const scale = exact ? 1 : Math.max((max - min) / (NULL_RAW - 1), 1e-6);
  for (let r = 0; r < DEM_TILE; r++) for (let c = 0; c < DEM_TILE; c++) {
    const row = tr * DEM_TILE + r, col = tc * DEM_TILE + c;
    const v = row < rows && col < cols ? g[row * cols + col] : NaN;
    if (v === v) raw[r * DEM_TILE + c] = exact ? v - min : Math.min(NULL_RAW - 1, Math.max(0, Math.round((v - min) / scale)));
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { min, max, scale, mean, known: values.length, scanlines: png16Scanlines(raw, DEM_TILE, DEM_TILE) };
}

/** Where two byte arrays first differ (−1: nowhere); Vitest's deep equality takes seconds on a tile. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const comparable = (tiles: UncompressedTile[]) => tiles.map((t) => ({ ...t, scanlines: Buffer.from(t.scanlines).toString('base64') }));

/** `measured`: the caller gives each strip's statistics; `prepared`: the tiles too (tile-row strips only). */
function encode(g: Float32Array, integer: boolean, stripRows: number, given: 'nothing' | 'measured' | 'prepared'): UncompressedTile[] {
  const tiles: UncompressedTile[] = [];
  const rowsOf = new DemTileRows(cols, integer);
  for (let row0 = 0; row0 < rows; row0 += stripRows) {
    const count = Math.min(stripRows, rows - row0);
    const strip = g.slice(row0 * cols, (row0 + count) * cols);
    const stats = given === 'nothing' ? undefined : tileRowStats(strip, cols, count);
    const prepared = given === 'prepared' ? tileRowTiles(strip, cols, count, row0 / DEM_TILE, integer, stats!) : undefined;
    rowsOf.push(strip, count, (t) => tiles.push(...t), stats, prepared);
  }
  rowsOf.flush((t) => tiles.push(...t));
  return tiles;
}

describe('DEM tiles from rows', () => {
  for (const kind of ['integer', 'wide', 'float'] as const) {
    it(`${kind}: the plain encoder's scanlines and the tiles' statistics`, () => {
      const g = grid(kind);
      const integer = kind !== 'float';
      const tiles = encode(g, integer, DEM_TILE, 'measured');
      expect(tiles.map((t) => [t.column, t.row])).toEqual([[0, 0], [1, 0], [0, 1], [1, 1]]);
      for (const tile of tiles) {
        const expected = expectedTile(g, tile.column, tile.row, integer);
        expect(firstDifference(tile.scanlines, expected.scanlines), `tile ${tile.column}, ${tile.row}`).toBe(-1);
        expect([tile.offset, tile.min, tile.max, tile.scale]).toEqual([expected.min, expected.min, expected.max, expected.scale]);
        expect(tile.mean).toBeCloseTo(expected.mean, 6);
      }
      if (kind === 'wide') expect(tiles[1].scale).toBeGreaterThan(1);
      // measured by the caller or not, prepared by the caller (the last, short tile row too),
      // gathered from short strips or given a tile row at a time
      expect(comparable(encode(g, integer, DEM_TILE, 'nothing'))).toEqual(comparable(tiles));
      expect(comparable(encode(g, integer, DEM_TILE, 'prepared'))).toEqual(comparable(tiles));
      expect(comparable(encode(g, integer, 100, 'nothing'))).toEqual(comparable(tiles));
    });
  }
});
