/** The append-only, hash-chained audit log (landgate_audit): who did what, when. */
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import type { AuditRecord } from '../../../shared/review/model';
import { connectionOf } from './internal';
import type { ProjectDb } from './project-db';
import { GENESIS_HASH, nowIso } from './schema';

export interface AuditInput {
  action: string;
  detail: unknown;
  user?: string;
  at?: string;
}

/** The operating-system account (or LANDGATE_USER), as the audit log names who acted. */
export function currentUser(): string {
  if (process.env.LANDGATE_USER) return process.env.LANDGATE_USER;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function auditHash(prevHash: string, seq: number, at: string, user: string, action: string, detailJson: string): string {
  return sha256(`${prevHash}\n${JSON.stringify([seq, at, user, action, detailJson])}`);
}

interface AuditRow {
  seq: number;
  at: string;
  user: string;
  action: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export class AuditRepository {
  constructor(private readonly db: ProjectDb) {}

  /** One entry in its own transaction. */
  append(entry: AuditInput): void {
    this.db.ensureWritable();
    this.db.transaction(() => this.appendInTransaction(entry));
  }

  /** One entry inside the caller's transaction, so the change and its record land together. */
  appendInTransaction(entry: AuditInput): void {
    const sql = connectionOf(this.db);
    const last = sql.prepare('SELECT seq, hash FROM landgate_audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const at = entry.at ?? nowIso();
    const user = entry.user ?? currentUser();
    const detailJson = JSON.stringify(entry.detail ?? null);
    const hash = auditHash(prevHash, seq, at, user, entry.action, detailJson);
    sql.prepare('INSERT INTO landgate_audit (seq, at, user, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(seq, at, user, entry.action, detailJson, prevHash, hash);
    this.db.setMetaRaw('auditHead', `${seq}:${hash}`);
  }

  private rows(): AuditRow[] {
    return connectionOf(this.db).prepare('SELECT seq, at, user, action, detail, prev_hash, hash FROM landgate_audit ORDER BY seq').all() as AuditRow[];
  }

  list(): AuditRecord[] {
    if (!this.db.hasTable('landgate_audit')) return [];
    return this.rows().map((r) => ({ seq: r.seq, at: r.at, user: r.user, action: r.action, detail: safeJson(r.detail), prevHash: r.prev_hash, hash: r.hash }));
  }

  /**
   * Recomputes the hash chain. Detects an edited row (its hash no longer matches), a deleted or
   * inserted row (sequence gap / broken prev_hash link) and a truncated tail (the head recorded
   * in landgate_meta no longer matches).
   */
  verify(): { ok: boolean; firstBadSeq?: number } {
    if (!this.db.hasTable('landgate_audit')) return { ok: true };
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    for (const r of this.rows()) {
      if (r.seq !== expectedSeq || r.prev_hash !== prevHash || auditHash(r.prev_hash, r.seq, r.at, r.user, r.action, r.detail) !== r.hash) {
        return { ok: false, firstBadSeq: Number(r.seq) };
      }
      prevHash = r.hash;
      expectedSeq++;
    }
    const head = this.db.getMeta('auditHead');
    if (head !== undefined && head !== `${expectedSeq - 1}:${prevHash}`) {
      const headSeq = Number(head.split(':')[0]);
      return { ok: false, firstBadSeq: Number.isInteger(headSeq) ? Math.min(headSeq, expectedSeq) : expectedSeq };
    }
    return { ok: true };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
