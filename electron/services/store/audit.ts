/** The append-only, hash-chained audit log (landgate_audit): who did what, when. */
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import type { AuditRecord } from '../../../shared/review/model';
import { UserInputError } from '../../../shared/model/errors';
import { sqlOf } from './internal';
import type { ProjectDb } from './project-db';
import { GENESIS_HASH, nowIso } from './schema';

export interface AuditInput {
  action: string;
  detail: unknown;
  user?: string;
  at?: string;
}

let osAccount: string | undefined;

/** The operating-system account (or LANDGATE_USER), as the audit log of a GeoPackage project names who acted. */
export function currentUser(): string {
  if (process.env.LANDGATE_USER) return process.env.LANDGATE_USER;
  // asked once per process: the account cannot change under a running process, and the lookup
  // (getpwuid / the Windows profile) was ≈ 6 % of a repeated check's CPU in browser mode
  if (osAccount === undefined) {
    try {
      osAccount = userInfo().username || 'unknown';
    } catch {
      osAccount = 'unknown';
    }
  }
  return osAccount;
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
    const sql = sqlOf(this.db);
    // Two clients of a shared project append one after the other, each on the other's head.
    this.db.lockInTransaction('landgate_audit');
    const last = sql.prepare('SELECT seq, hash FROM landgate_audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const at = entry.at ?? nowIso();
    const user = entry.user ?? this.db.actingUser();
    const detailJson = JSON.stringify(entry.detail ?? null);
    const hash = auditHash(prevHash, seq, at, user, entry.action, detailJson);
    sql.prepare('INSERT INTO landgate_audit (seq, at, "user", action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(seq, at, user, entry.action, detailJson, prevHash, hash);
    this.db.setMetaRaw('auditHead', `${seq}:${hash}`);
  }

  private rows(): AuditRow[] {
    return sqlOf(this.db).prepare('SELECT seq, at, "user", action, detail, prev_hash, hash FROM landgate_audit ORDER BY seq').all() as AuditRow[];
  }

  /**
   * Display names by OS account ("zhangsan" → "张三"). Kept in the project, not on the machine,
   * so every reviewer who opens the project reads the same names; the audit rows keep the
   * account, which is what the hash chain covers.
   */
  displayNames(): Record<string, string> {
    if (!this.db.hasTable('landgate_meta')) return {};
    const rows = sqlOf(this.db).prepare("SELECT key, value FROM landgate_meta WHERE key LIKE 'displayName:%'").all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key.slice('displayName:'.length), r.value]));
  }

  /** Sets the acting account's display name; an empty name removes it. Audited. */
  setDisplayName(name: string, account = this.db.actingUser()): void {
    const trimmed = name.trim();
    if (trimmed.length > 40 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
      throw new UserInputError('user.display-name', `显示名“${trimmed.slice(0, 40)}”无效：不超过 40 个字符，不含控制字符。`, 'Invalid display name: at most 40 characters, no control characters.');
    }
    this.db.ensureWritable();
    this.db.transaction(() => {
      const sql = sqlOf(this.db);
      if (trimmed === '') sql.prepare('DELETE FROM landgate_meta WHERE key = ?').run(`displayName:${account}`);
      else this.db.setMetaRaw(`displayName:${account}`, trimmed);
      this.appendInTransaction({ action: 'display-name', user: account, detail: { account, name: trimmed } });
    });
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
