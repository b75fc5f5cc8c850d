/**
 * 交换 (乡政办发〔2023〕46号 土壤 9, exchange between departments): export a review package or the
 * findings (GeoJSON, zipped GBK Shapefile) of the submissions ticked in the list (or all), and
 * import a package from another department. The package file goes through the same staged
 * upload as the import dialog; after an import the app reloads the project so the new parcel
 * layer shows on the map, and the list shows the submissions with their `← 部门` provenance.
 */
import { useRef, useState } from 'react';
import type { PackageImportResult, ParcelSelection } from '../../shared/api/contract';
import type { Submission } from '../../shared/review/model';
import { formatTimestamp } from '../app/format';
import { uploadFiles } from '../import/upload';
import { api } from '../platform/api';
import { lastSigner } from './common';
import { saveExportedFile } from './download';
import { Feedback } from './Feedback';
import { MeetingCopySection } from './MeetingCopySection';
import { useBusyAction } from './use-busy-action';
import { t } from '../i18n';

export interface ExchangePanelProps {
  /** The submissions ticked in the list; none = every submission. */
  ticked: Submission[];
  /** The parcels of every submission: every parcel of the project's parcel layers. */
  allParcels: number;
  /** After an import: reload the project (new layer on the map) with this notice. */
  onImported(notice: string): void;
}

const DEPARTMENT_KEY = 'landgate.exchange.department';

function rememberedDepartment(): string {
  try {
    return localStorage.getItem(DEPARTMENT_KEY) ?? lastSigner().department;
  } catch {
    return '';
  }
}

export function ExchangePanel({ ticked, allParcels, onImported }: ExchangePanelProps) {
  const [department, setDepartment] = useState(rememberedDepartment);
  const { busy, setBusy, error, message, setMessage, run } = useBusyAction();
  const [imported, setImported] = useState<{ file: string; result: PackageImportResult } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const selection: ParcelSelection = ticked.length > 0 ? ticked.flatMap((s) => s.parcelIds.map((id) => ({ table: s.parcelTable, id }))) : 'all';
  const parcelCount = selection === 'all' ? allParcels : selection.length;

  const exportPackage = () =>
    run(t('ex.package'), async () => {
      const file = await api.exportReviewPackage({ parcels: selection, department: department.trim() || undefined });
      try {
        localStorage.setItem(DEPARTMENT_KEY, department.trim());
      } catch {
        // storage unavailable: nothing to remember
      }
      saveExportedFile(file);
      setMessage(t('wb.exported', { file: file.fileName }));
    });

  const exportFindings = (format: 'geojson' | 'shapefile') =>
    run(t('ex.findings'), async () => {
      const file = await api.exportFindings({ parcels: selection, format });
      saveExportedFile(file);
      setMessage(t('wb.exported', { file: file.fileName }));
    });

  const importPackage = (file: File) =>
    run(t('ex.import'), async () => {
      setImported(null);
      setBusy(t('ex.uploading', { pct: 0 }));
      const uploadId = await uploadFiles([file], (f) => setBusy(t('ex.uploading', { pct: Math.round(f * 100) })));
      setBusy(t('ex.importing'));
      // the service discards the staged file whether the import succeeds or is refused
      const result = await api.importReviewPackage({ uploadId });
      setImported({ file: file.name, result });
      onImported(t('ex.notice', { department: result.provenance.department, parcels: result.parcels, decisions: result.decisions }));
    });

  return (
    <div className="wb-exchange" data-testid="exchange-panel">
      <Feedback error={error} message={message} testid="exchange" />
      {busy && (
        <p className="muted" data-testid="exchange-busy">
          <span className="spinner" aria-hidden="true" /> {busy}
        </p>
      )}

      <section>
        <h4>{t('ex.selection')}</h4>
        <p data-testid="exchange-scope">{selection === 'all' ? t('ex.selAll', { count: parcelCount }) : t('ex.selChecked', { subs: ticked.length, count: parcelCount })}</p>
        {selection === 'all' && <p className="muted">{t('ex.selHint')}</p>}
      </section>

      <section>
        <h4>{t('ex.package')}</h4>
        <p className="muted">{t('ex.packageHint')}</p>
        <label className="wb-field">
          <span>{t('ex.department')}</span>
          <input value={department} placeholder={t('ex.departmentHint')} onChange={(e) => setDepartment(e.target.value)} data-testid="exchange-department" />
        </label>
        <div className="wb-actions">
          <button type="button" className="primary" disabled={busy !== null} onClick={exportPackage} data-testid="exchange-export-package">
            {t('ex.package')}
          </button>
        </div>
      </section>

      <section>
        <h4>{t('ex.findings')}</h4>
        <p className="muted">{t('ex.findingsHint')}</p>
        <div className="wb-actions">
          <button type="button" disabled={busy !== null} onClick={() => exportFindings('geojson')} data-testid="exchange-export-geojson">
            {t('ex.geojson')}
          </button>
          <button type="button" disabled={busy !== null} onClick={() => exportFindings('shapefile')} data-testid="exchange-export-shapefile">
            {t('ex.shapefile')}
          </button>
        </div>
      </section>

      <MeetingCopySection ticked={ticked} onPushed={onImported} />

      <section>
        <h4>{t('ex.import')}</h4>
        <p className="muted">{t('ex.importHint')}</p>
        <input
          ref={fileInput}
          type="file"
          accept=".gpkg"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = ''; // the same file may be picked again after a refusal
            if (file) void importPackage(file);
          }}
          data-testid="exchange-import-input"
        />
        <div className="wb-actions">
          <button type="button" disabled={busy !== null} onClick={() => fileInput.current?.click()} data-testid="exchange-import">
            {t('ex.pick')}
          </button>
        </div>
        {imported && (
          <dl className="wb-import-result" data-testid="exchange-import-result">
            <dt>{t('ex.file')}</dt>
            <dd>{imported.file}</dd>
            <dt>{t('ex.from')}</dt>
            <dd data-testid="exchange-import-department">{imported.result.provenance.department}</dd>
            <dt>{t('ex.exportedAt')}</dt>
            <dd>{formatTimestamp(imported.result.provenance.exportedAt)}</dd>
            <dt>{t('ex.sourceProject')}</dt>
            <dd>{imported.result.provenance.sourceProject || '—'}</dd>
            <dt>{t('ex.parcels')}</dt>
            <dd data-testid="exchange-import-parcels">{imported.result.parcels}</dd>
            <dt>{t('ex.decisions')}</dt>
            <dd data-testid="exchange-import-decisions">{imported.result.decisions}</dd>
            <dt>{t('ex.layers')}</dt>
            <dd>{imported.result.layers.join('、')}</dd>
          </dl>
        )}
      </section>
    </div>
  );
}
