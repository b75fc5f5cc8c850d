/**
 * 报件列表: every submission with status, applicant, dates, profile and system verdict; search,
 * status filter, sort, and the count per status. The store filters, sorts, counts and pages
 * (api.querySubmissions): the list holds the pages asked for, 100 rows each, and asks for the
 * next when 加载更多 is pressed, so opening it costs the same with ten submissions or a county's
 * hundred thousand. Choosing one selects its (first) parcel, which runs the check and opens the
 * review tab. Ticked rows are the scope of the exchange exports; 新建报件 registers a
 * submission (NewSubmissionForm).
 */
import { useEffect, useRef, useState } from 'react';
import { SUBMISSION_STATUSES, type Submission, type SubmissionPage, type SubmissionSort, type SubmissionStatus } from '../../shared/review/model';
import { api } from '../platform/api';
import { verdictLabel } from '../i18n/labels';
import { statusLabel } from './messages';
import { t } from '../i18n';

const PAGE_ROWS = 100;

export interface SubmissionListProps {
  /** Changes when the submissions may have changed (a check, a signature, a registration): the list asks again. */
  revision: unknown;
  selected: { table: string; id: string } | null;
  onOpen(submission: Submission): void;
  /** Keys of the ticked submissions. */
  checked: ReadonlySet<string>;
  /** Ticks or unticks these rows (the submissions as the list shows them). */
  onCheck(rows: Submission[], on: boolean): void;
  onNew(): void;
  /** Key of a just-registered submission: highlighted and scrolled into view. */
  highlight: string | null;
}

export function SubmissionList({ revision, selected, onOpen, checked, onCheck, onNew, highlight }: SubmissionListProps) {
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<SubmissionStatus | 'all'>('all');
  const [sort, setSort] = useState<SubmissionSort>('received');
  const [page, setPage] = useState<SubmissionPage | null>(null);
  const [rows, setRows] = useState<Submission[]>([]);
  const [loading, setLoading] = useState(false);
  // The answer to the latest request only: an older one arriving late is dropped.
  const request = useRef(0);

  const load = (offset: number) => {
    const id = ++request.current;
    setLoading(true);
    api.querySubmissions({ query, status, sort, offset, limit: PAGE_ROWS }).then(
      (answer) => {
        if (id !== request.current) return;
        setPage(answer);
        setRows((before) => (offset === 0 ? answer.rows : [...before, ...answer.rows]));
        setLoading(false);
      },
      () => id === request.current && setLoading(false),
    );
  };
  useEffect(() => {
    load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, status, sort, revision]);

  const counts = page?.counts ?? null;
  const all = counts ? SUBMISSION_STATUSES.reduce((n, s) => n + counts[s], 0) : 0;
  const total = page?.total ?? 0;
  const highlighted = useRef<HTMLTableRowElement | null>(null);
  useEffect(() => {
    // a block, not an expression: newer Chromium returns a Promise from scrollIntoView, which React would take for a cleanup
    highlighted.current?.scrollIntoView({ block: 'nearest' });
  }, [highlight, rows]);
  const allShownChecked = rows.length > 0 && rows.every((s) => checked.has(s.key));

  return (
    <div className="wb-list" data-testid="submission-list">
      <div className="wb-counts" role="group" aria-label={t('wb.col.status')}>
        <button type="button" className={status === 'all' ? 'wb-count active' : 'wb-count'} onClick={() => setStatus('all')} data-testid="status-count-all">
          {t('wb.status.all')} <b>{all}</b>
        </button>
        {SUBMISSION_STATUSES.map((s) => (
          <button key={s} type="button" className={`wb-count status-${s}${status === s ? ' active' : ''}`} onClick={() => setStatus(status === s ? 'all' : s)} data-testid={`status-count-${s}`}>
            {statusLabel(s)} <b>{counts?.[s] ?? 0}</b>
          </button>
        ))}
      </div>
      <div className="wb-toolbar">
        <input type="search" placeholder={t('wb.search')} value={query} onChange={(e) => setQuery(e.target.value)} data-testid="submission-search" />
        <button type="button" className="primary" onClick={onNew} data-testid="submission-new">
          {t('wb.new')}
        </button>
        <label>
          {t('wb.sort')}
          <select value={sort} onChange={(e) => setSort(e.target.value as SubmissionSort)} data-testid="submission-sort">
            <option value="received">{t('wb.sort.received')}</option>
            <option value="checked">{t('wb.sort.checked')}</option>
            <option value="title">{t('wb.sort.title')}</option>
            <option value="status">{t('wb.sort.status')}</option>
          </select>
        </label>
      </div>
      <table className="wb-table">
        <thead>
          <tr>
            <th className="wb-check">
              <input type="checkbox" checked={allShownChecked} title={t('wb.checkAll')} aria-label={t('wb.checkAll')} onChange={(e) => onCheck(rows, e.target.checked)} data-testid="submission-check-all" />
            </th>
            <th>{t('wb.col.title')}</th>
            <th>{t('wb.col.applicant')}</th>
            <th>{t('wb.col.received')}</th>
            <th>{t('wb.col.profile')}</th>
            <th>{t('wb.col.verdict')}</th>
            <th>{t('wb.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => {
            const isSelected = selected !== null && s.parcelTable === selected.table && s.parcelIds.includes(selected.id);
            return (
              <tr
                key={s.key}
                ref={s.key === highlight ? highlighted : undefined}
                className={[isSelected ? 'selected' : '', s.key === highlight ? 'created' : ''].join(' ').trim()}
                onClick={() => onOpen(s)}
                data-testid="submission-row"
                data-key={s.key}
              >
                <td className="wb-check" onClick={(e) => e.stopPropagation()}>
                  <input type="checkbox" checked={checked.has(s.key)} aria-label={t('wb.check')} onChange={(e) => onCheck([s], e.target.checked)} data-testid="submission-check" />
                </td>
                <td>
                  <div className="wb-title">{s.title}</div>
                  {s.parcelIds.length > 1 && <div className="muted">{s.parcelIds.join('、')}</div>}
                  {s.source && <div className="muted">← {s.source.department}</div>}
                </td>
                <td>{s.applicant ?? '—'}</td>
                <td>{s.receivedOn ?? '—'}</td>
                <td>{s.profile ?? '—'}</td>
                <td>{s.verdict ? <span className={`verdict-chip verdict-${s.verdict}`}>{verdictLabel(s.verdict)}</span> : '—'}</td>
                <td>
                  <span className={`status-chip status-${s.status}`}>{statusLabel(s.status)}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && !loading && page && <p className="panel-empty">{t('wb.none')}</p>}
      {rows.length < total && (
        <button type="button" className="wb-more" disabled={loading} onClick={() => load(rows.length)} data-testid="submission-more">
          {loading ? t('wb.loading') : t('wb.more', { shown: rows.length, total })}
        </button>
      )}
      <p className="muted wb-total">
        {t('wb.count', { count: total })}
        {checked.size > 0 && ` · ${t('wb.checked', { count: checked.size })}`}
      </p>
    </div>
  );
}
