/**
 * Rows of a DEM → its stored tiles (shared/terrain/dem-tile-format.ts), compressed with zlib:
 * on the libuv thread pool (`background`) while the caller works on the next rows, or on the
 * spot. Used by the DEM writer on the importing thread (in the background: the importing thread
 * is then the only one busy), and by the band tracer's thread on the spot (it encodes the tiles of
 * the strips it traces while the importing thread reads: both cores are busy already, see
 * NodeDeflateDecoder in dem-source.ts). The tiles are the same bytes whichever thread and mode
 * made them.
 */
import { promisify } from 'node:util';
import { deflate, deflateSync } from 'node:zlib';
import { DemTileRows, tilePng, type DemTileTotals, type EncodedTile, type TileRowStats, type UncompressedTile } from '../../../shared/terrain/dem-tile-format';

// zlib level 4 (lazy matching, short chains): on the 8 000² benchmark DEM's 134 MB of scanlines
// 0.65 s and 9.1 MB, against level 3's 1.0 s and 9.9 MB, level 1's 0.44 s and 13.8 MB, level 6's
// 2.8 s and 7.0 MB
const ZLIB_OPTIONS = { level: 4 };
export const nodeZlib = (raw: Uint8Array): Uint8Array => deflateSync(raw, ZLIB_OPTIONS);
const deflateAsync = promisify(deflate);

const encoded = (tile: UncompressedTile, idat: Uint8Array): EncodedTile => {
  const { column, row, scale, offset, min, max, mean, stdDev } = tile;
  return { column, row, scale, offset, min, max, mean, stdDev, png: tilePng(idat) };
};

/** A tile compressed on the spot. */
export const encodeTile = (tile: UncompressedTile): EncodedTile => encoded(tile, nodeZlib(tile.scanlines));

export class DemTileEncoder {
  private readonly rows: DemTileRows;
  /** Background: tile rows being compressed, oldest first. */
  private readonly pending: Promise<EncodedTile[]>[] = [];
  /** On the spot: tile rows compressed and not yet taken. */
  private readonly ready: EncodedTile[][] = [];

  constructor(
    cols: number,
    integer: boolean,
    private readonly background: boolean,
  ) {
    this.rows = new DemTileRows(cols, integer);
  }

  /**
   * Consecutive rows (row-major, `count` × cols, NaN = nodata); the rows are read before this
   * returns. `stats` and `prepared`: their tileRowStats and tiles, when the caller has them
   * (DemTileRows.push).
   */
  push(values: Float32Array, count: number, stats?: TileRowStats, prepared?: UncompressedTile[]): void {
    this.rows.push(values, count, (tiles) => this.compress(tiles), stats, prepared);
  }

  /** The last, shorter tile row, if rows are waiting (before the final drain or takeReady). */
  flush(): void {
    this.rows.flush((tiles) => this.compress(tiles));
  }

  /** On the spot: hands `store` the tile rows encoded so far, in order. */
  takeReady(store: (tiles: EncodedTile[]) => void): void {
    for (const tiles of this.ready.splice(0)) if (tiles.length > 0) store(tiles);
  }

  /**
   * In the background: hands `store` the tile rows compressed so far, in order; between strips
   * the newest keeps compressing while the caller reads on, `final` waits for every one.
   */
  async drain(final: boolean, store: (tiles: EncodedTile[]) => void): Promise<void> {
    this.takeReady(store);
    while (this.pending.length > 0) {
      if (!final && this.pending.length < 2) break;
      const tiles = await this.pending[0];
      this.pending.shift();
      if (tiles.length > 0) store(tiles);
    }
  }

  /** Whether tiles are still to be taken (rows waiting for a full tile row, or compressing). */
  get busy(): boolean {
    return this.rows.waiting > 0 || this.pending.length > 0 || this.ready.length > 0;
  }

  totals(): DemTileTotals {
    return this.rows.totals();
  }

  private compress(tiles: UncompressedTile[]): void {
    if (this.background) {
      const compressed = Promise.all(tiles.map((tile) => deflateAsync(tile.scanlines, ZLIB_OPTIONS).then((idat) => encoded(tile, idat))));
      compressed.catch(() => undefined); // a rollback may leave it unawaited; drain() still sees the error
      this.pending.push(compressed);
    } else this.ready.push(tiles.map(encodeTile));
  }
}
