/**
 * What the vector tiles read from a layer besides its features (feature requests): a revision that
 * changes whenever its tiles must, the spatial index's envelopes of a box (sizes without decoding
 * a geometry), and the refused parcels that win their cell at low zoom.
 */
import { VERDICT_REVISION_PARCEL_ID } from './checks';
import { quoteId } from './feature-request';
import { sqlOf } from './internal';
import { layerDialect, type Envelope } from './layer-dialect';
import type { ProjectDb } from './project-db';

export type { Envelope } from './layer-dialect';

/**
 * How a low-zoom tile draws small features (map/vector-tiles.ts): a feature whose index box is
 * narrower than `minWidth` degrees of longitude and lower than `minHeight` degrees of latitude is
 * one point (its box's centre), and one such point stands for each cell of the grid anchored at
 * west/south. Both tile cutters read it: the JavaScript one and PostGIS (postgres/pg-tiles.ts).
 */
export interface MarkerGrid {
  minWidth: number;
  minHeight: number;
  west: number;
  south: number;
  cellWidth: number;
  cellHeight: number;
}

export class TileSourceRepository {
  /** Whether the project has its verdict table; a project does not lose it while open. */
  private verdictTable: boolean | null = null;

  constructor(private readonly db: ProjectDb) {}

  private get sql() {
    return sqlOf(this.db);
  }

  /**
   * What changes when the layer's tiles must: gpkg_contents.last_change (every insert or edit
   * through the store, by any client, refreshes it) and the highest fid (two writes within one
   * millisecond), plus, for parcels, the count of changes of the layer's verdicts, which colour its
   * tiles (checks.ts, VERDICT_REVISION_PARCEL_ID: a primary-key lookup). A check that finds what
   * the last one found, or a check of another layer, leaves the tiles cached: on a shared project
   * under load most checks are of that kind, and each used to re-cut every parcel tile of every
   * client. One statement: every tile asks, and on a shared project each statement is a round
   * trip to the server.
   */
  revision(table: string, isParcelLayer: boolean): string {
    this.verdictTable ??= this.db.hasTable('landgate_parcel_verdicts');
    const verdicts = isParcelLayer && this.verdictTable;
    const row = this.sql
      .prepare(
        `SELECT (SELECT last_change FROM gpkg_contents WHERE table_name = ?) AS lc, (SELECT max(fid) FROM ${quoteId(table)}) AS fid, ${
          verdicts ? '(SELECT check_id FROM landgate_parcel_verdicts WHERE parcel_table = ? AND parcel_id = ?)' : 'NULL'
        } AS verdicts`,
      )
      .get(...(verdicts ? [table, table, VERDICT_REVISION_PARCEL_ID] : [table])) as { lc: string | null; fid: number | null; verdicts: number | null };
    return `${row.lc ?? ''}|${row.fid ?? 0}|${verdicts ? (row.verdicts ?? 0) : ''}`;
  }

  /**
   * Envelopes of the features in a box from the spatial index: the R*Tree's (float32, slightly
   * generous) on a GeoPackage, the GiST-selected features' boxes on PostGIS.
   */
  envelopes(table: string, box: readonly [number, number, number, number]): Envelope[] {
    return layerDialect(this.sql).envelopes(this.sql, table, box);
  }

  /**
   * Fids of the layer's parcels whose latest verdict is 不予准入 (one indexed query: the verdict
   * index, then the layer's id index). Empty for a project from before the verdict table.
   */
  refusedFids(table: string): Set<number> {
    const fids = new Set<number>();
    if (!this.db.hasTable('landgate_parcel_verdicts')) return fids;
    const row = this.sql.prepare('SELECT columns FROM landgate_layers WHERE table_name = ?').get(table) as { columns: string } | undefined;
    const idColumn = row ? (JSON.parse(row.columns) as { key: string; column: string }[]).find((c) => c.key === 'id')?.column : undefined;
    const match = idColumn ? `t.${quoteId(idColumn)}` : 'CAST(t.fid AS TEXT)';
    const sql = `SELECT t.fid FROM landgate_parcel_verdicts v JOIN ${quoteId(table)} t ON ${layerDialect(this.sql).asRecordId(match)} = v.parcel_id WHERE v.parcel_table = ? AND v.verdict = 'prohibited'`;
    for (const [fid] of this.sql.prepare(sql).raw().iterate(table) as IterableIterator<[number]>) fids.add(fid);
    return fids;
  }
}
