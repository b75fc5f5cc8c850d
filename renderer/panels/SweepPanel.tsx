/**
 * 全部审查: sweeps every parcel of the project with the profile in force on the Node
 * side's worker threads (progress bar, 取消), and browses the stored results of any sweep: filter
 * by verdict and rule, search by id or name, one page at a time (the DOM holds one page whatever
 * the parcel count), click a row to open that parcel, export what is filtered (XLSX, GeoPackage,
 * Shapefile).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SweepJob, SweepResultPage, SweepSummary } from '../../shared/api/contract';
import type { Verdict } from '../../shared/model/check';
import type { AppAction } from '../app/state';
import { api, userMessage } from '../platform/api';
import { saveExportedFile } from '../review/download';
import '../profiles/profiles.css';
import { localized, ruleTitle, t } from '../i18n';

const POLL_MS = 400;
/** Rows per page: well under the API's 500, and what fits the panel. */
const PAGE_SIZE = 100;
const VERDICTS: Verdict[] = ['prohibited', 'conditional', 'permitted'];
const verdictLabel = (v: Verdict) => t(`sweep.${v}`);

export function SweepPanel({ profileId, profileName, dispatch }: { profileId: string | null; profileName?: string; dispatch: (action: AppAction) => void }) {
  const [job, setJob] = useState<SweepJob | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sweeps, setSweeps] = useState<SweepSummary[]>([]);
  const [sweepId, setSweepId] = useState<number | null>(null);
  const [verdict, setVerdict] = useState<Verdict | ''>('');
  const [ruleId, setRuleId] = useState('');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<SweepResultPage | null>(null);
  const [exporting, setExporting] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const loadSweeps = useCallback((select?: number) => {
    api.listSweeps().then(
      (list) => {
        setSweeps(list);
        setSweepId((current) => select ?? (current !== null && list.some((s) => s.sweepId === current) ? current : (list[0]?.sweepId ?? null)));
      },
      (e: unknown) => setError(userMessage(e)),
    );
  }, []);

  useEffect(() => loadSweeps(), [loadSweeps]);

  // A page of results, re-read whenever the sweep, a filter or the page changes.
  useEffect(() => {
    if (sweepId === null) {
      setPage(null);
      return;
    }
    let stale = false;
    api.querySweepResults({ sweepId, offset, limit: PAGE_SIZE, ...(verdict ? { verdict } : {}), ...(ruleId ? { ruleId } : {}), ...(search.trim() ? { search: search.trim() } : {}) }).then(
      (next) => !stale && setPage(next),
      (e: unknown) => !stale && setError(userMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [sweepId, verdict, ruleId, search, offset]);

  // A finished summary belongs to the profile it ran with: clear it when the profile in force changes.
  useEffect(() => {
    setJob((current) => (current && current.state !== 'running' && current.profile !== profileId ? null : current));
  }, [profileId]);

  const poll = (id: string) => {
    api.getSweepJob({ jobId: id }).then(
      (next) => {
        setJob(next);
        if (next.state === 'running') {
          timer.current = setTimeout(() => poll(id), POLL_MS);
          return;
        }
        setCancelling(false);
        if (next.state === 'done') {
          dispatch({ type: 'sweepFinished' });
          setOffset(0);
          loadSweeps(next.sweepId);
        } else if (next.state === 'cancelled') {
          setNotice(t('sweep.cancelled'));
        }
      },
      (e: unknown) => setError(userMessage(e)),
    );
  };

  const start = () => {
    if (!profileId) return;
    setError(null);
    setNotice(null);
    api.startSweep({ profile: profileId }).then(
      ({ jobId: id }) => {
        setJobId(id);
        setJob({ state: 'running', done: 0, total: 0, profile: profileId });
        poll(id);
      },
      (e: unknown) => setError(userMessage(e)),
    );
  };

  const cancel = () => {
    if (!jobId) return;
    setCancelling(true);
    // The poll loop sees the cancelled state and reports it.
    api.cancelSweep({ jobId }).catch((e: unknown) => {
      setCancelling(false);
      setError(userMessage(e));
    });
  };

  const exportAs = (format: 'xlsx' | 'gpkg' | 'shapefile') => {
    if (sweepId === null) return;
    setExporting(true);
    setError(null);
    api.exportSweepResults({ sweepId, format, ...(verdict ? { verdict } : {}), ...(ruleId ? { ruleId } : {}) }).then(
      (file) => {
        setExporting(false);
        saveExportedFile(file);
      },
      (e: unknown) => {
        setExporting(false);
        setError(userMessage(e));
      },
    );
  };

  const filterChanged = (apply: () => void) => {
    apply();
    setOffset(0);
  };

  const running = job?.state === 'running';
  const pct = job && job.total > 0 ? Math.round((job.done / job.total) * 100) : 0;
  const total = page?.total ?? 0;
  return (
    <section className="panel sweep-panel" data-testid="sweep-panel">
      <header className="panel-header">
        <h2>{t('sweep.title')}</h2>
        <button type="button" className="sweep-button" data-testid="sweep-start" disabled={!profileId || running} onClick={start} title={profileId ? t('sweep.hint') : t('sweep.noProfile')}>
          {t('sweep.start')}
        </button>
      </header>
      <div className="sweep-body">
        {profileName && <div className="sweep-profile">{profileName}</div>}
        {job && job.state !== 'cancelled' && (
          <div className="sweep-progress-row">
            <div className="sweep-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="sweep-progress">
              <div className="sweep-progress-bar" style={{ width: `${job.state === 'done' ? 100 : pct}%` }} />
            </div>
            {running && (
              <button type="button" className="link-button" data-testid="sweep-cancel" disabled={cancelling} onClick={cancel}>
                {cancelling ? t('sweep.cancelling') : t('sweep.cancel')}
              </button>
            )}
          </div>
        )}
        {running && job && <div className="sweep-status">{t('sweep.running', { done: job.done, total: job.total || '…' })}</div>}
        {job?.state === 'done' && job.summary && (
          <div className="sweep-summary" data-testid="sweep-summary">
            <div className="sweep-counts">
              {VERDICTS.map((v) => (
                <span key={v} className={`verdict-chip verdict-${v}`}>
                  {verdictLabel(v)} <b>{job.summary![v]}</b>
                </span>
              ))}
            </div>
            <div className="sweep-status">{t('sweep.done', { total: job.total, seconds: job.summary.seconds, id: job.sweepId ?? '' })}</div>
          </div>
        )}
        {job?.state === 'failed' && <div className="sweep-error" role="alert">{t('sweep.failed', { error: localized({ messageZh: job.error ?? '', messageEn: job.errorEn ?? job.error ?? '' }) })}</div>}
        {notice && <div className="sweep-status" data-testid="sweep-notice">{notice}</div>}
        {error && <div className="sweep-error" role="alert">{error}</div>}

        <div className="sweep-results" data-testid="sweep-results">
          <h3>{t('sweep.results')}</h3>
          {sweeps.length === 0 ? (
            <div className="sweep-status">{t('sweep.none')}</div>
          ) : (
            <>
              <label className="sweep-field">
                <span>{t('sweep.pick')}</span>
                <select data-testid="sweep-select" value={sweepId ?? ''} onChange={(e) => filterChanged(() => setSweepId(Number(e.target.value)))}>
                  {sweeps.map((s) => (
                    <option key={s.sweepId} value={s.sweepId}>
                      {t('sweep.option', { id: s.sweepId, time: s.checkedAt.replace('T', ' ').replace('Z', ''), profile: s.profile, count: s.parcelCount })}
                    </option>
                  ))}
                </select>
              </label>
              <div className="sweep-filters">
                <select data-testid="sweep-verdict" value={verdict} onChange={(e) => filterChanged(() => setVerdict(e.target.value as Verdict | ''))}>
                  <option value="">{t('sweep.allVerdicts')}</option>
                  {VERDICTS.map((v) => (
                    <option key={v} value={v}>
                      {verdictLabel(v)}
                    </option>
                  ))}
                </select>
                <select data-testid="sweep-rule" value={ruleId} onChange={(e) => filterChanged(() => setRuleId(e.target.value))}>
                  <option value="">{t('sweep.allRules')}</option>
                  {(page?.rules ?? []).map((r) => (
                    <option key={r.ruleId} value={r.ruleId} title={r.ruleId}>
                      {t('sweep.ruleOption', { title: ruleTitle(r.ruleId), count: r.parcels })}
                    </option>
                  ))}
                </select>
                <input type="search" data-testid="sweep-search" placeholder={t('sweep.search')} value={search} onChange={(e) => filterChanged(() => setSearch(e.target.value))} />
              </div>
              <ul className="sweep-list" data-testid="sweep-list">
                {page?.rows.map((row) => (
                  <li key={`${row.table}\u0000${row.parcelId}`}>
                    <button
                      type="button"
                      className="sweep-row"
                      data-testid="sweep-row"
                      title={row.ruleIds.length ? t('sweep.ruleIds', { ids: row.ruleIds.join(', ') }) : t('sweep.noFindings')}
                      onClick={() => dispatch({ type: 'selectParcel', parcel: { table: row.table, id: row.parcelId } })}
                    >
                      <span className={`verdict-chip verdict-${row.verdict}`}>{verdictLabel(row.verdict)}</span>
                      <span className="sweep-row-id">{row.parcelId}</span>
                      {row.name && <span className="sweep-row-name">{row.name}</span>}
                      <span className="sweep-row-rules">{row.ruleIds.length ? row.ruleIds.map(ruleTitle).join('、') : t('sweep.noFindings')}</span>
                    </button>
                  </li>
                ))}
              </ul>
              {page && page.rows.length === 0 && <div className="sweep-status">{t('sweep.empty')}</div>}
              <div className="sweep-pager">
                <span data-testid="sweep-page">{total > 0 ? t('sweep.page', { from: offset + 1, to: Math.min(offset + PAGE_SIZE, total), total }) : ''}</span>
                <button type="button" className="link-button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                  {t('sweep.prev')}
                </button>
                <button type="button" className="link-button" data-testid="sweep-next" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                  {t('sweep.next')}
                </button>
              </div>
              <div className="sweep-export" title={t('sweep.exportHint')}>
                <span>{exporting ? t('sweep.exporting') : t('sweep.export')}</span>
                <button type="button" disabled={exporting || sweepId === null} onClick={() => exportAs('xlsx')} data-testid="sweep-export-xlsx">
                  {t('sweep.exportXlsx')}
                </button>
                <button type="button" disabled={exporting || sweepId === null} onClick={() => exportAs('gpkg')} data-testid="sweep-export-gpkg">
                  {t('sweep.exportGpkg')}
                </button>
                <button type="button" disabled={exporting || sweepId === null} onClick={() => exportAs('shapefile')} data-testid="sweep-export-shapefile">
                  {t('sweep.exportShp')}
                </button>
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
