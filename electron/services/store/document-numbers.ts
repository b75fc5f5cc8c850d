/**
 * 文书编号 kept in the project: the authority's numbering pattern (landgate_meta
 * `documentNumberPattern`) and the numbers issued, one per signed decision (or per submission
 * signed as a whole), numbered per year in order of issue. Printing the same opinion again gives
 * the same number; a revised decision is a new document and gets the next one.
 */
import { DEFAULT_DOCUMENT_NUMBER_PATTERN, chinaYear, documentNumberPatternProblem, formatDocumentNumber } from '../../../shared/review/document-number';
import { UserInputError } from '../../../shared/model/errors';
import type { AuditRepository } from './audit';
import { sqlOf } from './internal';
import type { ProjectDb } from './project-db';
import { nowIso } from './schema';

export const DOCUMENT_NUMBER_PATTERN_KEY = 'documentNumberPattern';
export const AUTHORITY_KEY = 'authority';

export interface IssuedNumber {
  number: string;
  year: number;
  sequence: number;
  /** Already issued before this call. */
  reissued: boolean;
}

export class DocumentNumberRepository {
  constructor(
    private readonly db: ProjectDb,
    private readonly audit: AuditRepository,
  ) {}

  private get sql() {
    return sqlOf(this.db);
  }

  pattern(): string {
    return this.db.getMeta(DOCUMENT_NUMBER_PATTERN_KEY) ?? DEFAULT_DOCUMENT_NUMBER_PATTERN;
  }

  /** Sets the authority's name and/or numbering pattern (audited); a bad pattern is refused. */
  setSettings(settings: { authority?: string; pattern?: string }): void {
    if (settings.pattern !== undefined) {
      const problem = documentNumberPatternProblem(settings.pattern);
      if (problem) throw new UserInputError('settings.document-number', `文书编号规则“${settings.pattern}”无效：${problem}。示例：夏自然资准〔{年}〕{号}号`, `Invalid document number pattern "${settings.pattern}": needs {号} (sequence), optional {年} (year).`);
    }
    if (settings.authority !== undefined && settings.authority.trim() === '') throw new UserInputError('settings.authority', '出具机关名称不能为空。', 'The authority name must not be empty.');
    this.db.ensureWritable();
    this.db.transaction(() => {
      const before = { authority: this.db.getMeta(AUTHORITY_KEY) ?? null, documentNumberPattern: this.db.getMeta(DOCUMENT_NUMBER_PATTERN_KEY) ?? null };
      if (settings.authority !== undefined) this.db.setMetaRaw(AUTHORITY_KEY, settings.authority.trim());
      if (settings.pattern !== undefined) this.db.setMetaRaw(DOCUMENT_NUMBER_PATTERN_KEY, settings.pattern);
      this.audit.appendInTransaction({ action: 'settings', detail: { before, after: { authority: this.db.getMeta(AUTHORITY_KEY) ?? null, documentNumberPattern: this.db.getMeta(DOCUMENT_NUMBER_PATTERN_KEY) ?? null } } });
    });
  }

  /** The number `subject` was given, if any. */
  find(subject: string): IssuedNumber | null {
    if (!this.db.hasTable('landgate_document_numbers')) return null;
    const row = this.sql.prepare('SELECT number, year, sequence FROM landgate_document_numbers WHERE subject = ?').get(subject) as { number: string; year: number; sequence: number } | undefined;
    return row ? { ...row, reissued: true } : null;
  }

  /** The number of `subject`: the one it was given, else the next of the year of `at`, recorded now. */
  issue(subject: string, detail: { parcelTable: string; parcelId: string }, at: string = nowIso()): IssuedNumber {
    const existing = this.find(subject);
    if (existing) return existing;
    this.db.ensureWritable();
    // Safe to re-run after a conflict: the number is computed under the lock on every run.
    return this.db.retryingTransaction(() => {
      // Two reviewers of a shared project signing at once take consecutive numbers, not the same one.
      this.db.lockInTransaction('landgate_document_numbers');
      const issuedMeanwhile = this.find(subject);
      if (issuedMeanwhile) return issuedMeanwhile;
      const year = chinaYear(at);
      const last = this.sql.prepare('SELECT max(sequence) AS n FROM landgate_document_numbers WHERE year = ?').get(year) as { n: number | null };
      const sequence = (last.n ?? 0) + 1;
      const number = formatDocumentNumber(this.pattern(), year, sequence);
      this.sql.prepare('INSERT INTO landgate_document_numbers (subject, year, sequence, number, parcel_table, parcel_id, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(subject, year, sequence, number, detail.parcelTable, detail.parcelId, at);
      this.audit.appendInTransaction({ action: 'document-number', at, detail: { subject, number, year, sequence, ...detail } });
      return { number, year, sequence, reissued: false };
    });
  }
}
