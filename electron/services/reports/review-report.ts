/**
 * The 审查意见书 service used by the CLI (`landgate report`) and the API (`exportReviewPdf`):
 * gather → the chosen basemap's tiles for its maps → 文书编号 (a signed opinion's, issued once) →
 * render → (caller writes) → audit entry 'export'.
 */
import { basename } from 'node:path';
import type { ProjectStore } from '../project-store';
import { ReviewStore } from '../review/review-store';
import { gatherReportData } from './report-data';
import { cjkFont, renderReviewPdf } from './review-pdf';
import { basemapsForFigures, printableBasemap } from './report-basemap';

/**
 * `basemap`: the id of a raster basemap of the project to draw under the maps instead of the
 * hillshade (the one the user chose for the map); refused in words when it cannot be printed.
 */
export async function buildReviewPdf(store: ProjectStore, options: { parcelId: string; table?: string; authority?: string; basemap?: string }): Promise<{ bytes: Buffer; table: string; fileName: string }> {
  cjkFont(); // refuse early, before any work, when the machine has no Chinese font
  if (options.basemap) printableBasemap(store.path, options.basemap);
  const data = gatherReportData(store, options);
  if (options.basemap) {
    const basemaps = await basemapsForFigures(store.path, options.basemap, data.maps);
    data.maps.forEach((map, i) => (map.basemap = basemaps[i]));
  }
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
