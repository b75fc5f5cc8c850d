/**
 * What a meeting copy looked like when it was pulled from the shared project
 * (landgate_sync_baseline, in the laptop's GeoPackage): per parcel, the latest decision it had
 * and a hash of its attributes. A push compares both sides against it: a side that moved since
 * the pull changed it there; when both moved, the change is a conflict, kept and flagged, never
 * written over.
 */
import { sqlOf } from './internal';
import type { ProjectDb } from './project-db';

export interface SyncBaselineRow {
  parcelTable: string;
  parcelId: string;
  /** The shared project's latest decision id of the parcel at the pull (null: none). */
  decisionId: number | null;
  /** sha256 of the parcel's attributes at the pull (attributesHash). */
  attributesHash: string;
}

const TABLE_SQL = `CREATE TABLE IF NOT EXISTS landgate_sync_baseline (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parcel_table TEXT NOT NULL,
  parcel_id TEXT NOT NULL,
  decision_id INTEGER,
  attributes_hash TEXT NOT NULL,
  UNIQUE (parcel_table, parcel_id)
)`;

export class SyncBaselineRepository {
  constructor(private readonly db: ProjectDb) {}

  /** Inside the pull's transaction. */
  record(rows: readonly SyncBaselineRow[]): void {
    const sql = sqlOf(this.db);
    sql.exec(TABLE_SQL);
    const insert = sql.prepare(
      'INSERT INTO landgate_sync_baseline (parcel_table, parcel_id, decision_id, attributes_hash) VALUES (?, ?, ?, ?) ON CONFLICT (parcel_table, parcel_id) DO UPDATE SET decision_id = excluded.decision_id, attributes_hash = excluded.attributes_hash',
    );
    for (const r of rows) insert.run(r.parcelTable, r.parcelId, r.decisionId, r.attributesHash);
  }

  list(): SyncBaselineRow[] {
    if (!this.db.hasTable('landgate_sync_baseline')) return [];
    const rows = sqlOf(this.db).prepare('SELECT parcel_table, parcel_id, decision_id, attributes_hash FROM landgate_sync_baseline ORDER BY id').all() as {
      parcel_table: string;
      parcel_id: string;
      decision_id: number | null;
      attributes_hash: string;
    }[];
    return rows.map((r) => ({ parcelTable: r.parcel_table, parcelId: r.parcel_id, decisionId: r.decision_id === null ? null : Number(r.decision_id), attributesHash: r.attributes_hash }));
  }
}
