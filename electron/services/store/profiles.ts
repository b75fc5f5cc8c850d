/**
 * Project profiles: rule profiles copied or imported into the project travel inside the file. The
 * JSON is stored as given (validated by electron/services/profiles.ts before saving and on every
 * load); each save is an audit entry, and bumps the data version (checks read profiles).
 */
import type { AuditRepository } from './audit';
import { sqlOf } from './internal';
import type { ProjectDb } from './project-db';
import { nowIso } from './schema';

export class ProfileRepository {
  constructor(
    private readonly db: ProjectDb,
    private readonly audit: AuditRepository,
  ) {}

  private get sql() {
    return sqlOf(this.db);
  }

  /** The project's own profiles, as stored JSON text, sorted by id. */
  list(): { id: string; json: string; updatedAt: string }[] {
    if (!this.db.hasTable('landgate_profiles')) return [];
    const rows = this.sql.prepare('SELECT id, json, updated_at FROM landgate_profiles ORDER BY id').all() as { id: string; json: string; updated_at: string }[];
    return rows.map((r) => ({ id: r.id, json: r.json, updatedAt: r.updated_at }));
  }

  /** Inserts or replaces a project profile (validated JSON text). */
  save(id: string, json: string, action: 'profile-save' | 'profile-import' = 'profile-save'): void {
    this.db.transaction(() => {
      this.db.ensureWritable();
      const at = nowIso();
      const existed = this.sql.prepare('SELECT 1 FROM landgate_profiles WHERE id = ?').get(id) !== undefined;
      this.sql.prepare('INSERT INTO landgate_profiles (id, json, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at').run(id, json, at);
      const parsed = JSON.parse(json) as { version?: unknown; basedOn?: unknown };
      this.audit.appendInTransaction({ action, at, detail: { profile: id, version: parsed.version ?? null, basedOn: parsed.basedOn ?? null, replaced: existed } });
      this.db.bumpDataVersion();
    });
  }

  /** Removes a project profile; false when there was none. */
  delete(id: string): boolean {
    if (!this.db.hasTable('landgate_profiles')) return false;
    this.db.ensureWritable();
    return this.db.transaction(() => {
      const changes = this.sql.prepare('DELETE FROM landgate_profiles WHERE id = ?').run(id).changes;
      if (changes > 0) {
        this.audit.appendInTransaction({ action: 'profile-delete', detail: { profile: id } });
        this.db.bumpDataVersion();
      }
      return changes > 0;
    });
  }
}
