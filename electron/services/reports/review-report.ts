/**
 * The 审查意见书 service used by the CLI (`landgate report`) and the API (`exportReviewPdf`):
 * gather → 文书编号 (a signed opinion's, issued once) → render → (caller writes) → audit entry 'export'.
 */
import { basename } from 'node:path';
import type { ProjectStore } from '../project-store';
import { ReviewStore } from '../review/review-store';
import { gatherReportData } from './report-data';
import { cjkFont, renderReviewPdf } from './review-pdf';

export async function buildReviewPdf(store: ProjectStore, options: { parcelId: string; table?: string; authority?: string }): Promise<{ bytes: Buffer; table: string; fileName: string }> {
  cjkFont(); // refuse early, before any work, when the machine has no Chinese font
  const data = gatherReportData(store, options);
  if (data.documentSubject && !data.documentNumber) {
    // a signed opinion gets its 文书编号 when first issued; printing it again gives the same one
    data.documentNumber = store.documentNumbers.issue(data.documentSubject, { parcelTable: data.parcel.table, parcelId: data.parcel.id }, data.generatedAt).number;
  }
  const bytes = await renderReviewPdf(data);
  return { bytes, table: data.parcel.table, fileName: `审查意见书_${data.parcel.id}.pdf` };
}

export function auditReviewPdf(store: ProjectStore, detail: { table: string; parcelId: string; file: string; bytes: number }) {
  new ReviewStore(store).recordExport({ format: 'review-pdf', parcelTable: detail.table, parcelId: detail.parcelId, file: basename(detail.file), bytes: detail.bytes });
}
