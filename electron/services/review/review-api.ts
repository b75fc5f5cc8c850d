/**
 * The review-workbench part of the API, spread into the service object of
 * api-service.ts so the desktop IPC and the browser-mode routes get it unchanged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { zipSync } from 'fflate';
import type { LandGateApi } from '../../../shared/api/contract';
import { conditionTextsFromFindings, submissionVerdict, suggestedDecision, worstVerdict, type ExportedFile } from '../../../shared/review/model';
import { conditionTextZh } from '../../../shared/review/conditions';
import { UserInputError } from '../../../shared/model/errors';
import type { ProjectStore } from '../project-store';
import { writeFindingsFile } from '../reports/findings-export';
import { importStagedPackage, packageDepartment, resolveSelection, writePackageFile } from '../reports/review-package';
import { auditReviewPdf, buildReviewPdf } from '../reports/review-report';
import { buildMonthlySummary } from '../reports/summary';
import { profileNames } from '../profiles';
import { ReviewStore } from './review-store';

export type ReviewApi = Pick<
  LandGateApi,
  | 'listSubmissions'
  | 'querySubmissions'
  | 'createSubmission'
  | 'getParcelReview'
  | 'signDecision'
  | 'getAuditTrail'
  | 'setDisplayName'
  | 'exportReviewPdf'
  | 'exportMonthlySummary'
  | 'exportReviewPackage'
  | 'importReviewPackage'
  | 'exportFindings'
>;

/** What the package import needs of the UI's staged uploads (ImportStaging). */
export interface StagedUploads {
  stagedPaths(uploadId: string): string[];
  discard(uploadId: string): void;
}

/** A file name safe on every desktop OS (the department is free text). */
const safeFilePart = (text: string) => text.replace(/[\\/:*?"<>|\s\u0000-\u001f]+/g, '_').slice(0, 60) || 'landgate';
const today = () => new Date().toISOString().slice(0, 10);

/**
 * Runs an export that writes files into a private temporary directory and returns the bytes
 * of the one to download; the directory is removed whatever happens.
 */
export function viaTempDir(build: (dir: string) => { fileName: string; mimeType: string; bytes: Uint8Array }): ExportedFile {
  const dir = mkdtempSync(join(tmpdir(), 'landgate-export-'));
  try {
    const { fileName, mimeType, bytes } = build(dir);
    return { fileName, mimeType, base64: Buffer.from(bytes).toString('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function createReviewApi(store: ProjectStore, uploads: () => StagedUploads): ReviewApi {
  const review = new ReviewStore(store);
  return {
    async listSubmissions(request) {
      return request?.registeredOnly ? review.registeredSubmissionList() : review.listSubmissions();
    },
    async querySubmissions(request) {
      return review.querySubmissions(request ?? {});
    },
    async createSubmission(request) {
      return review.createSubmission(request);
    },
    async getParcelReview({ table, parcelId }) {
      review.findParcel(parcelId, table);
      const latest = review.latestCheck(table, parcelId);
      const siblings = review.submissionParcelIds(table, parcelId).map((id) => ({ id, check: id === parcelId ? latest : review.latestCheck(table, id) }));
      const submissionParcels = siblings.map(({ id, check }) => ({ parcelId: id, verdict: check?.verdict ?? null, decision: review.latestDecision(table, id)?.decision ?? null }));
      const overall = submissionVerdict(submissionParcels.map((p) => p.verdict));
      const conditions = conditionTextsFromFindings(siblings.flatMap(({ check }) => check?.findings ?? []));
      return {
        table,
        parcelId,
        submission: review.submissionOf(table, parcelId),
        latestCheck: latest ? { checkId: latest.checkId, checkedAt: latest.checkedAt, profile: latest.profile, verdict: latest.verdict, areaM2: review.checkResult(latest.checkId, parcelId).parcel.areaM2, findings: latest.findings } : null,
        decisions: review.listDecisions(table, parcelId),
        // A decision on a submission covers all its parcels, so it suggests from all of them.
        suggestedConditions: conditions.map(conditionTextZh),
        suggestedConditionTexts: conditions,
        suggestedDecision: suggestedDecision(siblings.length > 1 ? worstVerdict(submissionParcels.map((p) => p.verdict)) : latest?.verdict),
        submissionParcels,
        submissionVerdict: overall,
      };
    },
    async signDecision(request) {
      return review.signDecision(request);
    },
    async getAuditTrail({ table, parcelId }) {
      const integrity = review.verify();
      return { entries: review.auditTrail({ table, parcelId }), integrity: { ok: integrity.ok, problems: integrity.problems }, displayNames: store.audit.displayNames(), currentAccount: store.db.actingUser(), profileNames: profileNames(store) };
    },
    async setDisplayName({ name }) {
      if (typeof name !== 'string') throw new UserInputError('user.display-name', '显示名须为文字。', 'The display name must be a string.');
      store.audit.setDisplayName(name);
      const account = store.db.actingUser();
      return { account, displayName: store.audit.displayNames()[account] ?? null };
    },
    async exportReviewPdf({ table, parcelId, authority, basemap }) {
      const { bytes, fileName } = await buildReviewPdf(store, { parcelId, table, authority, basemap });
      auditReviewPdf(store, { table, parcelId, file: fileName, bytes: bytes.length });
      return { fileName, mimeType: 'application/pdf', base64: bytes.toString('base64') };
    },
    async exportMonthlySummary({ month, authority }) {
      const { bytes, rows } = await buildMonthlySummary(store, { month, authority });
      const fileName = `重点建设用地安全利用情况汇总调度表_${month}.xlsx`;
      review.recordExport({ format: 'monthly-summary-xlsx', file: fileName, month, rows });
      return { fileName, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', base64: bytes.toString('base64') };
    },
    async exportReviewPackage({ parcels, department }) {
      const chosen = resolveSelection(review, parcels);
      const fileName = `审查包_${safeFilePart(packageDepartment(store, department))}_${today()}.gpkg`;
      return viaTempDir((dir) => {
        const out = join(dir, fileName);
        writePackageFile(store, out, { parcels: chosen, department });
        return { fileName, mimeType: 'application/geopackage+sqlite3', bytes: readFileSync(out) };
      });
    },
    async importReviewPackage({ uploadId }) {
      const staged = uploads();
      try {
        return importStagedPackage(store, staged.stagedPaths(uploadId));
      } finally {
        staged.discard(uploadId);
      }
    },
    async exportFindings({ parcels, format }) {
      if (format !== 'geojson' && format !== 'shapefile') {
        throw new UserInputError('package.findings-format', `审查发现的导出格式“${String(format)}”无效，可用：geojson、shapefile。`, `Unknown findings format "${String(format)}".`);
      }
      const chosen = resolveSelection(review, parcels);
      const hint = { howToCheckZh: '在“地块审查”中打开地块，或运行全部审查', howToCheckEn: 'a check in the review panel or a sweep' };
      if (format === 'geojson') {
        const fileName = `审查发现_${today()}.geojson`;
        return viaTempDir((dir) => {
          const out = join(dir, fileName);
          writeFindingsFile(store, chosen, out, hint);
          return { fileName, mimeType: 'application/geo+json', bytes: readFileSync(out) };
        });
      }
      // ASCII names inside the zip: older unzip tools on GBK systems garble UTF-8 entry names.
      const fileName = `审查发现_${today()}.zip`;
      const stem = `landgate_findings_${today().replace(/-/g, '')}`;
      return viaTempDir((dir) => {
        const { files } = writeFindingsFile(store, chosen, join(dir, `${stem}.shp`), { ...hint, recordAs: fileName });
        const zip = zipSync(Object.fromEntries(files.map((f) => [basename(f), new Uint8Array(readFileSync(f))])));
        return { fileName, mimeType: 'application/zip', bytes: zip };
      });
    },
  };
}
