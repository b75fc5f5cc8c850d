/**
 * The review-workbench part of the API (issue 6), spread into the service object of
 * api-service.ts so the desktop IPC and the browser-mode routes get it unchanged.
 */
import type { LandGateApi } from '../../../shared/api/contract';
import { conditionsFromFindings, suggestedDecision } from '../../../shared/review/model';
import type { ProjectStore } from '../project-store';
import { auditReviewPdf, buildReviewPdf } from '../reports/review-report';
import { buildMonthlySummary } from '../reports/summary';
import { ReviewStore } from './review-store';

export type ReviewApi = Pick<
  LandGateApi,
  'listSubmissions' | 'createSubmission' | 'getParcelReview' | 'signDecision' | 'getAuditTrail' | 'exportReviewPdf' | 'exportMonthlySummary'
>;

export function createReviewApi(store: ProjectStore): ReviewApi {
  const review = new ReviewStore(store);
  return {
    async listSubmissions() {
      return review.listSubmissions();
    },
    async createSubmission(request) {
      return review.createSubmission(request);
    },
    async getParcelReview({ table, parcelId }) {
      review.findParcel(parcelId, table);
      const latest = review.latestCheck(table, parcelId);
      return {
        table,
        parcelId,
        submission: review.listSubmissions().find((s) => s.parcelTable === table && s.parcelIds.includes(parcelId)) ?? null,
        latestCheck: latest ? { checkId: latest.checkId, checkedAt: latest.checkedAt, profile: latest.profile, verdict: latest.verdict, areaM2: review.checkResult(latest.checkId, parcelId).parcel.areaM2, findings: latest.findings } : null,
        decisions: review.listDecisions(table, parcelId),
        suggestedConditions: latest ? conditionsFromFindings(latest.findings) : [],
        suggestedDecision: suggestedDecision(latest?.verdict),
      };
    },
    async signDecision(request) {
      return review.signDecision(request);
    },
    async getAuditTrail({ table, parcelId }) {
      const integrity = review.verify();
      return { entries: review.auditTrail({ table, parcelId }), integrity: { ok: integrity.ok, problems: integrity.problems } };
    },
    async exportReviewPdf({ table, parcelId, authority }) {
      const { bytes, fileName } = await buildReviewPdf(store, { parcelId, table, authority });
      auditReviewPdf(store, { table, parcelId, file: fileName, bytes: bytes.length });
      return { fileName, mimeType: 'application/pdf', base64: bytes.toString('base64') };
    },
    async exportMonthlySummary({ month, authority }) {
      const { bytes, rows } = await buildMonthlySummary(store, { month, authority });
      const fileName = `重点建设用地安全利用情况汇总调度表_${month}.xlsx`;
      review.recordExport({ format: 'monthly-summary-xlsx', file: fileName, month, rows });
      return { fileName, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', base64: bytes.toString('base64') };
    },
  };
}
