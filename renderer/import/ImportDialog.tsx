/**
 * 导入数据 dialog: uploads the picked/dropped files, shows the preview (format, encoding with a
 * live re-parse, CRS with confirmation of proposals, layer kind, table name, feature count, an SVG
 * outline, the first rows, the field mapping, warnings), then runs the import as a job with a
 * progress bar and a cancel button. Nothing is written before 确认导入; a failed or cancelled
 * import leaves the project unchanged (the Node side guarantees it) and says so.
 * DEM files (GeoTIFF / SRTM .hgt) get a DEM preview instead (size, cell size, CRS, extent,
 * elevation range, nodata) with the band levels; the import stores the DEM and builds the
 * elevation-band layer (same service as `landgate bands --dem`), then the relief basemap reloads.
 */
import { useEffect, useRef, useState } from 'react';
import type { ImportJobStatus, ImportPreview } from '../../shared/api/contract';
import { LAYER_KINDS, LAYER_KIND_GEOMETRY, type LayerInfo, type LayerKind } from '../../shared/model/layers';
import { api, userMessage } from '../platform/api';
import { localized, t, tText } from '../i18n';
import type { ImportNote } from '../../shared/importers/messages';
import { kindLabel } from '../i18n/labels';
import { TERRAIN_CHANGED_EVENT } from '../map/basemap';
import { OutlinePreview } from './OutlinePreview';
import { uploadFiles } from './upload';
import './import.css';

const ENCODINGS = ['utf-8', 'gbk', 'gb18030', 'big5', 'utf-16le', 'windows-1252'];

const LEVELS_RE = /^\s*-?\d+(\.\d+)?(\s*[,，]\s*-?\d+(\.\d+)?)*\s*$/;
const parseLevels = (text: string) => text.split(/[,，\s]+/).filter(Boolean).map(Number);
const num = (v: number) => (Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(6)).toString());

export interface ImportDialogProps {
  files: File[];
  onClose: () => void;
  onImported: (layer: LayerInfo, warnings: ImportNote[]) => void;
}

type Phase = 'uploading' | 'previewing' | 'ready' | 'importing' | 'failed' | 'cancelled';

interface Choices {
  encoding: string;
  crs: string;
  layer: string;
  kind: LayerKind | '';
}

export function ImportDialog({ files, onClose, onImported }: ImportDialogProps) {
  const [phase, setPhase] = useState<Phase>('uploading');
  const [uploadPct, setUploadPct] = useState(0);
  const [uploadId, setUploadId] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [choices, setChoices] = useState<Choices>({ encoding: '', crs: '', layer: '', kind: '' });
  const [table, setTable] = useState('');
  const [title, setTitle] = useState('');
  const [fieldMap, setFieldMap] = useState<Record<string, string>>({});
  const [crsConfirmed, setCrsConfirmed] = useState(false);
  const [towgs84, setTowgs84] = useState('');
  const [levels, setLevels] = useState('400,900');
  const [acceptSuspect, setAcceptSuspect] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<ImportJobStatus | null>(null);
  const imported = useRef(false);
  const uploadRef = useRef<string | null>(null);

  // upload once, then the first preview
  useEffect(() => {
    const signal = { cancelled: false };
    uploadFiles(files, (f) => setUploadPct(Math.round(f * 100)), signal).then(
      (id) => {
        uploadRef.current = id;
        if (signal.cancelled) void api.discardImport({ uploadId: id }).catch(() => {});
        else setUploadId(id);
      },
      (e: unknown) => {
        if (!signal.cancelled) {
          setError(userMessage(e));
          setPhase('failed');
        }
      },
    );
    return () => {
      signal.cancelled = true;
    };
  }, [files]);

  // (re-)parse whenever a choice changes
  useEffect(() => {
    if (!uploadId) return;
    let stale = false;
    setPhase('previewing');
    api
      .previewImport({ uploadId, encoding: choices.encoding || undefined, crs: choices.crs || undefined, layer: choices.layer || undefined, kind: choices.kind || undefined })
      .then(
        (p) => {
          if (stale) return;
          setPreview((prev) => {
            if (!prev || prev.layer !== p.layer) {
              setTable(p.table);
              setTitle(p.title);
            }
            if (!prev || prev.kind !== p.kind || prev.layer !== p.layer || prev.fields.join('\u0000') !== p.fields.join('\u0000')) setFieldMap(p.fieldMap);
            return p;
          });
          setError(null);
          setPhase('ready');
        },
        (e: unknown) => {
          if (stale) return;
          setError(userMessage(e));
          setPhase(preview ? 'ready' : 'failed');
        },
      );
    return () => {
      stale = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [uploadId, choices]);

  const close = () => {
    if (!imported.current && uploadRef.current && phase !== 'importing') void api.discardImport({ uploadId: uploadRef.current }).catch(() => {});
    onClose();
  };

  const start = async () => {
    if (!preview || !uploadId) return;
    setError(null);
    setPhase('importing');
    const crs = choices.crs || (preview.crs.confidence === 'proposed' && preview.crs.value ? preview.crs.value : undefined);
    const map = Object.fromEntries(Object.entries(fieldMap).filter(([, v]) => v !== ''));
    try {
      const { jobId } = preview.dem
        ? await api.startImport({ uploadId, kind: 'elevation-band', table, levels: parseLevels(levels), acceptSuspect: acceptSuspect || undefined })
        : await api.startImport({ uploadId, kind: preview.kind, table, crs, encoding: choices.encoding || undefined, layer: preview.layers.length > 1 ? preview.layer : undefined, fieldMap: map, title: title || undefined, towgs84: needsParameters ? towgs84.trim() : undefined });
      imported.current = true;
      for (;;) {
        const status = await api.getImportJob({ jobId });
        setJob(status);
        if (status.state === 'done' && status.layer) {
          if (preview.dem) window.dispatchEvent(new Event(TERRAIN_CHANGED_EVENT));
          onImported(status.layer, status.warnings ?? []);
          return;
        }
        if (status.state === 'failed') {
          setError(status.error ? localized(status.error) : t('import.failed'));
          setPhase('failed');
          return;
        }
        if (status.state === 'cancelled') {
          setPhase('cancelled');
          return;
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    } catch (e) {
      setError(userMessage(e));
      setPhase('ready');
    }
  };

  const cancelJob = () => {
    if (job) void api.cancelImport({ jobId: job.jobId }).catch(() => {});
  };

  const set = (patch: Partial<Choices>) => setChoices((c) => ({ ...c, ...patch }));

  const needsParameters = !!preview && preview.needsParameters && (!choices.crs || choices.crs === preview.crs.value);
  const parametersOk = !needsParameters || /^\s*-?[\d.]+(\s*,\s*-?[\d.eE+-]+){2}((\s*,\s*-?[\d.eE+-]+){4})?\s*$/.test(towgs84);
  const needsCrs = !!preview && !choices.crs && (preview.crs.value === null || (preview.crs.confidence === 'proposed' && !crsConfirmed));
  const geometry = preview ? LAYER_KIND_GEOMETRY[preview.kind] : 'polygon';
  const kindFits =
    !preview ||
    preview.geometryTypes.every((g) => (geometry === 'point' ? /Point/.test(g) : geometry === 'polygon' ? /Polygon/.test(g) : !/Point/.test(g)));
  const dem = preview?.dem;
  const canImport =
    phase === 'ready' && !!preview && /^[a-z][a-z0-9_]{0,62}$/.test(table) && (dem ? LEVELS_RE.test(levels) && (dem.suspicions.length === 0 || acceptSuspect) : !needsCrs && parametersOk && kindFits);
  const parcelsArea = (preview?.extras?.parcels as Array<{ id: string; name: string; headerAreaHa: number | null; planarAreaHa: number; geodesicAreaHa: number }> | undefined) ?? [];

  return (
    <div className="import-backdrop" role="presentation">
      <div className="import-dialog" role="dialog" aria-modal="true" aria-labelledby="import-dialog-title" data-testid="import-dialog">
        <header className="import-header">
          <h2 id="import-dialog-title">{t('import.title')}</h2>
          <span className="import-files" title={files.map((f) => f.name).join('、')}>
            {files.map((f) => f.name).join('、')}
          </span>
        </header>

        {phase === 'uploading' && (
          <div className="import-status">
            <progress max={100} value={uploadPct} /> {t('import.uploading', { pct: uploadPct })}
          </div>
        )}
        {phase === 'previewing' && !preview && <div className="import-status">{t('import.previewing')}</div>}

        {preview && dem && (
          <div className="import-body" aria-busy={phase === 'previewing'} data-testid="import-dem">
            <div className="import-form">
              <dl className="import-facts">
                <dt>{t('import.format')}</dt>
                <dd data-testid="import-format">{tText(preview.formatLabel)}</dd>
                <dt>{t('import.demSize')}</dt>
                <dd data-testid="import-dem-size">{t('import.demSizeValue', { cols: dem.cols, rows: dem.rows })}</dd>
                <dt>{t('import.demCell')}</dt>
                <dd data-testid="import-dem-cell">
                  {num(dem.cellX)} × {num(dem.cellY)}
                </dd>
                <dt>{t('import.crs')}</dt>
                <dd data-testid="import-dem-crs">{tText(dem.crsLabel)}</dd>
                <dt>{t('import.demExtent')}</dt>
                <dd data-testid="import-dem-extent">{dem.extent.map(num).join(', ')}</dd>
                <dt>{t('import.demRange')}</dt>
                <dd data-testid="import-dem-range">
                  {dem.minM === null ? '—' : num(dem.minM)} – {dem.maxM === null ? '—' : num(dem.maxM)} m
                </dd>
                <dt>{t('import.demNodata')}</dt>
                <dd data-testid="import-dem-nodata">{dem.nodataCells}</dd>
              </dl>
              <label className="import-field">
                <span>{t('import.demLevels')}</span>
                <input data-testid="import-dem-levels" value={levels} onChange={(e) => setLevels(e.target.value)} />
                <small className="import-note">{t('import.demLevelsHint')}</small>
              </label>
              <TableNameField table={table} setTable={setTable} />
              {dem.suspicions.length > 0 && (
                <div className="import-suspect" data-testid="import-dem-suspect">
                  <p>{t('import.demSuspect')}</p>
                  <ul>
                    {dem.suspicions.map((s, i) => (
                      <li key={i}>{tText(s)}</li>
                    ))}
                  </ul>
                  <label>
                    <input type="checkbox" data-testid="import-dem-accept" checked={acceptSuspect} onChange={(e) => setAcceptSuspect(e.target.checked)} />
                    {t('import.demAccept')}
                  </label>
                </div>
              )}
            </div>
            <div className="import-side">
              <OutlinePreview outline={preview.outline} bbox={preview.bbox} />
              <ImportWarnings warnings={preview.warnings} />
            </div>
          </div>
        )}

        {preview && !dem && (
          <div className="import-body" aria-busy={phase === 'previewing'}>
            <div className="import-form">
              <dl className="import-facts">
                <dt>{t('import.format')}</dt>
                <dd data-testid="import-format">{tText(preview.formatLabel)}</dd>
                <dt>{t('import.count')}</dt>
                <dd data-testid="import-count">{preview.featureCount}</dd>
              </dl>
              {preview.layers.length > 1 && (
                <label className="import-field">
                  <span>{t('import.layer')}</span>
                  <select data-testid="import-layer" value={preview.layer} onChange={(e) => set({ layer: e.target.value })}>
                    {preview.layers.map((l) => (
                      <option key={l.name} value={l.name}>
                        {l.name}（{l.featureCount}）
                      </option>
                    ))}
                  </select>
                </label>
              )}
              {preview.encoding && (
                <label className="import-field">
                  <span>{t('import.encoding')}</span>
                  <select data-testid="import-encoding" value={choices.encoding || preview.encoding.value} onChange={(e) => set({ encoding: e.target.value })}>
                    {[...new Set([preview.encoding.value, ...ENCODINGS])].map((enc) => (
                      <option key={enc} value={enc}>
                        {enc.toUpperCase()}
                      </option>
                    ))}
                  </select>
                  {preview.encoding.note && <small className="import-note">{tText(preview.encoding.note)}</small>}
                </label>
              )}
              <label className="import-field">
                <span>
                  {t('import.crs')}
                  {preview.crs.confidence === 'proposed' && !choices.crs && <em className="import-proposed">{t('import.crsProposed')}</em>}
                </span>
                <select data-testid="import-crs" value={choices.crs || preview.crs.value || ''} onChange={(e) => set({ crs: e.target.value })}>
                  {!preview.crs.value && <option value="">{t('import.crsNone')}</option>}
                  {preview.crsOptions.map((o) => (
                    <option key={o.code} value={o.code}>
                      {tText(o.label)}
                    </option>
                  ))}
                </select>
                {preview.crs.note && !choices.crs && (
                  <small className="import-note" data-testid="import-crs-note">
                    {tText(preview.crs.note)}
                  </small>
                )}
                {preview.crs.confidence === 'proposed' && preview.crs.value && !choices.crs && (
                  <label className="import-check">
                    <input type="checkbox" data-testid="import-crs-confirm" checked={crsConfirmed} onChange={(e) => setCrsConfirmed(e.target.checked)} />
                    {t('import.crsConfirm')}
                  </label>
                )}
              </label>
              {needsParameters && (
                <label className="import-field">
                  <span>{t('import.towgs84')}</span>
                  <input data-testid="import-towgs84" value={towgs84} placeholder="dx,dy,dz,rx,ry,rz,s" onChange={(e) => setTowgs84(e.target.value)} />
                  <small className="import-note">{t('import.towgs84Hint')}</small>
                </label>
              )}
              <label className="import-field">
                <span>{t('import.kind')}</span>
                <select data-testid="import-kind" value={preview.kind} onChange={(e) => set({ kind: e.target.value as LayerKind })}>
                  {LAYER_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {kindLabel(k)}
                    </option>
                  ))}
                </select>
                {preview.kindBasis && (
                  <small className="import-note" data-testid="import-kind-basis">
                    {preview.kindBasis.name && preview.kindBasis.fields.length
                      ? t('import.kindBasis.both', { name: preview.kindBasis.name, fields: preview.kindBasis.fields.join('、') })
                      : preview.kindBasis.name
                        ? t('import.kindBasis.name', { name: preview.kindBasis.name })
                        : t('import.kindBasis.fields', { fields: preview.kindBasis.fields.join('、') })}
                  </small>
                )}
                {!kindFits && (
                  <small className="import-error-inline">{t('import.kindMismatch', { geom: t(`import.geometry.${geometry}`), types: preview.geometryTypes.join('、') })}</small>
                )}
              </label>
              <label className="import-field">
                <span>{t('import.layerTitle')}</span>
                <input data-testid="import-title" value={title} onChange={(e) => setTitle(e.target.value)} />
              </label>
              <TableNameField table={table} setTable={setTable} />
            </div>

            <div className="import-side">
              <OutlinePreview outline={preview.outline} bbox={preview.bbox} />
              <ImportWarnings warnings={preview.warnings} />
              {parcelsArea.length > 0 && (
                <section className="import-area" data-testid="import-area">
                  <h3>{t('import.area')}</h3>
                  <ul>
                    {parcelsArea.slice(0, 5).map((p, i) => (
                      <li key={i}>
                        {t('import.areaRow', {
                          id: p.id || p.name || String(i + 1),
                          header: p.headerAreaHa === null ? '—' : p.headerAreaHa.toFixed(4),
                          planar: p.planarAreaHa.toFixed(4),
                          geodesic: Number.isFinite(p.geodesicAreaHa) ? p.geodesicAreaHa.toFixed(4) : '—',
                        })}
                      </li>
                    ))}
                  </ul>
                </section>
              )}
            </div>

            <section className="import-table-section">
              <h3>{t('import.rows', { n: preview.rows.length })}</h3>
              {preview.fields.length === 0 ? (
                <p className="import-note">{t('import.noFields')}</p>
              ) : (
                <div className="import-rows">
                  <table data-testid="import-rows">
                    <thead>
                      <tr>
                        {preview.fields.map((f) => (
                          <th key={f}>{f}</th>
                        ))}
                      </tr>
                      <tr className="import-mapping-row" aria-label={t('import.mapping')}>
                        {preview.fields.map((f) => (
                          <th key={f}>
                            <select
                              aria-label={`${t('import.mappingTarget')} ${f}`}
                              data-testid={`import-map-${f}`}
                              value={fieldMap[f] ?? ''}
                              onChange={(e) => setFieldMap((m) => ({ ...m, [f]: e.target.value }))}
                            >
                              <option value="">{t('import.mappingKeep')}</option>
                              {preview.canonicalKeys.map((k) => (
                                <option key={k} value={k}>
                                  → {k}
                                </option>
                              ))}
                            </select>
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {preview.rows.map((row, i) => (
                        <tr key={i}>
                          {preview.fields.map((f) => (
                            <td key={f}>{row[f]}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </div>
        )}

        {error && (
          <div className="import-error" role="alert" data-testid="import-error">
            {phase === 'failed' && job && <strong>{t('import.failed')}：</strong>}
            {error}
          </div>
        )}
        {phase === 'cancelled' && (
          <div className="import-error" role="status" data-testid="import-cancelled">
            {t('import.cancelled')}
          </div>
        )}

        <footer className="import-footer">
          {phase === 'importing' ? (
            <>
              {/* per feature once features are being written (done / total from the .shx, DBF header or parsed array) */}
              <progress
                data-testid="import-progress"
                max={job?.featuresTotal ?? 1}
                value={job?.featuresTotal !== undefined ? (job.featuresDone ?? 0) : (job?.progress ?? 0)}
              />
              {job?.featuresDone !== undefined ? (
                <span className="import-phase import-features" data-testid="import-features">
                  {job.featuresTotal !== undefined
                    ? t('import.features', { done: groupDigits(job.featuresDone), total: groupDigits(job.featuresTotal) })
                    : t('import.featuresNoTotal', { done: groupDigits(job.featuresDone) })}
                </span>
              ) : (
                <span className="import-phase">{t('import.running', { phase: job ? tText(job.phase ?? job.phaseZh) : '' })}</span>
              )}
              <button type="button" data-testid="import-cancel" onClick={cancelJob}>
                {t('import.cancelImport')}
              </button>
            </>
          ) : (
            <>
              <button type="button" data-testid="import-close" onClick={close}>
                {phase === 'failed' || phase === 'cancelled' ? t('import.close') : t('import.cancel')}
              </button>
              <button type="button" className="primary" data-testid="import-confirm" disabled={!canImport} onClick={() => void start()}>
                {t('import.confirm')}
              </button>
            </>
          )}
        </footer>
      </div>
    </div>
  );
}

/** The GeoPackage table name the import writes (lower-case ASCII, as the store requires). */
function TableNameField({ table, setTable }: { table: string; setTable: (value: string) => void }) {
  return (
    <label className="import-field">
      <span>{t('import.table')}</span>
      <input data-testid="import-table" value={table} onChange={(e) => setTable(e.target.value)} pattern="[a-z][a-z0-9_]*" title={t('import.tableHint')} />
    </label>
  );
}

/** The notes of the preview, in the reader's language (a note is a code with parameters). */
function ImportWarnings({ warnings }: { warnings: ImportNote[] }) {
  if (warnings.length === 0) return null;
  return (
    <section className="import-warnings" data-testid="import-warnings">
      <h3>{t('import.warnings')}</h3>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>{tText(w)}</li>
        ))}
      </ul>
    </section>
  );
}

/** 12345 → “12 345” (the grouping the import's progress text uses in both locales). */
function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
