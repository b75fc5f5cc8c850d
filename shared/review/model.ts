/**
 * The review workbench model: submissions (报件), signed decisions with revisions, and
 * the small pure helpers the store, the reports and the UI share. No Node, no DOM.
 */
import type { Finding, Verdict } from '../model/check';
import { conditionTextsForFinding, conditionTextZh } from './conditions';
import type { CodedText } from '../model/text';

/** 待审查 / 审查中 / 准予准入 / 有条件准入 / 不予准入 / 退回补正 */
export const SUBMISSION_STATUSES = ['pending', 'in-review', 'approved', 'conditional', 'rejected', 'returned'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const STATUS_LABEL_ZH: Record<SubmissionStatus, string> = {
  pending: '待审查',
  'in-review': '审查中',
  approved: '准予准入',
  conditional: '有条件准入',
  rejected: '不予准入',
  returned: '退回补正',
};

export const STATUS_LABEL_EN: Record<SubmissionStatus, string> = {
  pending: 'Pending',
  'in-review': 'In review',
  approved: 'Approved',
  conditional: 'Approved with conditions',
  rejected: 'Rejected',
  returned: 'Returned for correction',
};

/** What a reviewer may decide (a subset of the statuses). */
export const DECISION_KINDS = ['approved', 'conditional', 'rejected', 'returned'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export function isDecisionKind(value: unknown): value is DecisionKind {
  return typeof value === 'string' && (DECISION_KINDS as readonly string[]).includes(value);
}

export interface ParcelKey {
  table: string;
  parcelId: string;
}

export interface Submission {
  /** Stable key: `s<id>` for a registered submission, `<table>:<parcelId>` for a parcel not yet registered. */
  key: string;
  /** Row id of a registered submission; null for an implicit one (one parcel, defaults). */
  id: number | null;
  title: string;
  parcelTable: string;
  parcelIds: string[];
  applicant: string | null;
  /** YYYY-MM-DD */
  receivedOn: string | null;
  profile: string | null;
  status: SubmissionStatus;
  /** Latest recorded check of any of its parcels. */
  latestCheckId: number | null;
  latestCheckedAt: string | null;
  /** Worst verdict of its parcels in their latest checks. */
  verdict: Verdict | null;
  /** Latest decision of its parcels (most recent signature). */
  decision: DecisionKind | null;
  decidedOn: string | null;
  /** Provenance when it came in a review package from another department. */
  source: PackageProvenance | null;
}

export type SubmissionSort = 'received' | 'checked' | 'title' | 'status';
export const SUBMISSION_SORTS: readonly SubmissionSort[] = ['received', 'checked', 'title', 'status'];

/** One page of the submission list, filtered and sorted by the store (querySubmissions). */
export interface SubmissionQuery {
  /** Part of the title, the applicant or a parcel id, without regard to case. */
  query?: string;
  status?: SubmissionStatus | 'all';
  sort?: SubmissionSort;
  offset?: number;
  /** At most 500 (default 100). */
  limit?: number;
  /**
   * Instead of `offset`: the page (of `limit` rows, from a multiple of `limit`) that holds the
   * submission of this parcel; the first page when no matching submission holds it.
   */
  around?: { table: string; parcelId: string };
}

export interface SubmissionPage {
  rows: Submission[];
  /** The position of the page's first row among the matching submissions (the request's offset, or the page `around` found). */
  offset: number;
  /** Submissions matching the query and the status. */
  total: number;
  /** Every submission of the project per status, whatever the query (the list's status buttons). */
  counts: Record<SubmissionStatus, number>;
}

export interface NewSubmission {
  parcelTable: string;
  /** Empty = every parcel of the layer. */
  parcelIds?: string[];
  title?: string;
  applicant?: string;
  receivedOn?: string;
  profile?: string;
  source?: PackageProvenance | null;
}

export interface Signature {
  name: string;
  department: string;
  /** YYYY-MM-DD */
  date: string;
}

export interface DecisionInput {
  table: string;
  parcelId: string;
  decision: DecisionKind;
  opinion: string;
  conditions: string[];
  signature: Signature;
  /** The check the decision rests on (default: the parcel's latest). */
  checkId?: number;
  /** Required when the parcel already has a signed decision: the id of that decision. */
  supersedes?: number;
  /** Why the signed decision is changed (required for a revision). */
  revisionReason?: string;
  /**
   * Record the same decision for every parcel of the registered submission holding this parcel
   * (each parcel's own signed decision is revised, with the same reason).
   */
  coverSubmission?: boolean;
}

export interface Decision {
  id: number;
  table: string;
  parcelId: string;
  revision: number;
  supersedes: number | null;
  revisionReason: string | null;
  decision: DecisionKind;
  opinion: string;
  conditions: string[];
  checkId: number | null;
  verdict: Verdict | null;
  signature: Signature;
  /** ISO time the signature was stored. */
  signedAt: string;
  user: string;
  contentHash: string;
  source: PackageProvenance | null;
}

export interface PackageProvenance {
  department: string;
  exportedAt: string;
  sourceProject: string;
  /** Original ids in the exporting project (table, parcel id, decision id…). */
  originalIds: Record<string, unknown>;
}

export const VERDICT_RANK: Record<Verdict, number> = { permitted: 0, conditional: 1, prohibited: 2 };

export function worstVerdict(verdicts: readonly (Verdict | null | undefined)[]): Verdict | null {
  let worst: Verdict | null = null;
  for (const v of verdicts) if (v && (worst === null || VERDICT_RANK[v] > VERDICT_RANK[worst])) worst = v;
  return worst;
}

/**
 * Overall verdict of a submission: the strictest of its parcels' verdicts (不予准入 > 有条件准入 >
 * 准予准入), or null (unknown) while any parcel is unchecked — a submission is not permitted
 * because its unchecked parcels say nothing.
 */
export function submissionVerdict(verdicts: readonly (Verdict | null | undefined)[]): Verdict | null {
  if (verdicts.length === 0 || verdicts.some((v) => !v)) return null;
  return worstVerdict(verdicts);
}

/**
 * Status of a submission from its parcels' latest decisions and whether any was checked:
 * any 不予准入 → rejected; any 退回补正 → returned; all decided → conditional if any, else approved;
 * some checked or decided → in review; else pending.
 */
export function deriveStatus(decisions: readonly (DecisionKind | null)[], anyChecked: boolean): SubmissionStatus {
  const decided = decisions.filter((d): d is DecisionKind => d !== null);
  if (decided.includes('rejected')) return 'rejected';
  if (decided.includes('returned')) return 'returned';
  if (decided.length > 0 && decided.length === decisions.length) return decided.includes('conditional') ? 'conditional' : 'approved';
  if (decided.length > 0 || anyChecked) return 'in-review';
  return 'pending';
}

/**
 * Release conditions pre-filled from the `condition` findings of a check: one short condition per
 * rule (conditions.ts), each once however many findings lead to it.
 */
export function conditionsFromFindings(findings: readonly Finding[]): string[] {
  return conditionTextsFromFindings(findings).map(conditionTextZh);
}

/** conditionsFromFindings as coded texts (the same conditions, in the same order), for the reader's language. */
export function conditionTextsFromFindings(findings: readonly Finding[]): CodedText[] {
  const texts: CodedText[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.severity !== 'condition') continue;
    for (const condition of conditionTextsForFinding(f)) {
      const zh = conditionTextZh(condition);
      if (seen.has(zh)) continue;
      seen.add(zh);
      texts.push(condition);
    }
  }
  return texts;
}

/** The decision a verdict suggests (the reviewer may choose otherwise). */
export function suggestedDecision(verdict: Verdict | null | undefined): DecisionKind {
  return verdict === 'prohibited' ? 'rejected' : verdict === 'conditional' ? 'conditional' : 'approved';
}

/** Canonical JSON of a decision's signed content: what its content hash covers. */
export function decisionContent(d: Omit<Decision, 'id' | 'contentHash'>): string {
  return JSON.stringify([
    d.table,
    d.parcelId,
    d.revision,
    d.supersedes,
    d.revisionReason,
    d.decision,
    d.opinion,
    d.conditions,
    d.checkId,
    d.verdict,
    d.signature.name,
    d.signature.department,
    d.signature.date,
    d.signedAt,
    d.user,
    d.source,
  ]);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE_RE.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH_RE.test(value);
}

/** True when an ISO date/time string falls within YYYY-MM (by its date prefix). */
export function inMonth(isoDateOrTime: string | null | undefined, month: string): boolean {
  return typeof isoDateOrTime === 'string' && isoDateOrTime.slice(0, 7) === month;
}

/** One audit-log entry as the UI shows it (same shape as the store's AuditEntry). */
export interface AuditRecord {
  seq: number;
  at: string;
  user: string;
  action: string;
  detail: unknown;
  prevHash: string;
  hash: string;
}

/** What the review panel loads for one parcel. */
export interface ParcelReview {
  table: string;
  parcelId: string;
  submission: Submission | null;
  /** Latest recorded check with its findings (geometry included when the check kept it). */
  latestCheck: { checkId: number; checkedAt: string; profile: string; verdict: Verdict; areaM2: number | null; findings: Finding[] } | null;
  /** Signed decisions, oldest revision first. */
  decisions: Decision[];
  /** Conditions pre-filled from the latest check's `condition` findings (of every parcel of a multi-parcel submission). */
  suggestedConditions: string[];
  /** The same conditions as coded texts, for a reader in another language (the decision itself is worded in Chinese). */
  suggestedConditionTexts?: CodedText[];
  suggestedDecision: DecisionKind;
  /** Every parcel of its submission (just this one when it stands alone), in submission order. */
  submissionParcels: SubmissionParcel[];
  /** Strictest verdict of the submission's parcels; null while any parcel is unchecked. */
  submissionVerdict: Verdict | null;
}

export interface SubmissionParcel {
  parcelId: string;
  /** Verdict of its latest check; null when unchecked. */
  verdict: Verdict | null;
  decision: DecisionKind | null;
}

/** A generated file crossing the API: base64 bytes (browser mode downloads it). */
export interface ExportedFile {
  fileName: string;
  mimeType: string;
  base64: string;
}

export interface AuditView {
  entries: AuditRecord[];
  integrity: { ok: boolean; problems: string[] };
  /** Display names by OS account, as set in the project. */
  displayNames: Record<string, string>;
  /** The OS account this client acts as (the audit's `user`). */
  currentAccount: string;
  /** Profile names by id, so entries name a profile as the reviewer knows it. */
  profileNames: Record<string, string>;
}
