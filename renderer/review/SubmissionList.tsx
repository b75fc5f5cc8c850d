/**
 * 报件列表: every submission with status, applicant, dates, profile and system verdict; search,
 * status filter, sort, and the count per status. Choosing one selects its (first) parcel, which
 * runs the check and opens the review tab. Ticked rows are the scope of the exchange exports;
 * 新建报件 registers a submission (NewSubmissionForm).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { SUBMISSION_STATUSES, type Submission, type SubmissionStatus } from '../../shared/review/model';
import { verdictLabel } from '../i18n/labels';
import { statusLabel } from './messages';
import { t } from '../i18n';

type SortKey = 'received' | 'checked' | 'title' | 'status';

export interface SubmissionListProps {
  submissions: Submission[];
  selected: { table: string; id: string } | null;
  onOpen(submission: Submission): void;
  /** Keys of the ticked submissions. */
  checked: ReadonlySet<string>;
  onCheck(keys: string[], on: boolean): void;
  onNew(): void;
  /** Key of a just-registered submission: highlighted and scrolled into view. */
  highlight: string | null;
}

export function filterSubmissions(list: Submission[], query: string, status: SubmissionStatus | 'all', sort: SortKey): Submission[] {
  const q = query.trim().toLowerCase();
  const rows = list.filter(
    (s) =>
      (status === 'all' || s.status === status) &&
      (q === '' || [s.title, s.applicant ?? '', ...s.parcelIds].some((text) => text.toLowerCase().includes(q))),
  );
  const cmp: Record<SortKey, (a: Submission, b: Submission) => number> = {
    received: (a, b) => (b.receivedOn ?? '').localeCompare(a.receivedOn ?? '') || a.title.localeCompare(b.title),
    checked: (a, b) => (b.latestCheckedAt ?? '').localeCompare(a.latestCheckedAt ?? '') || a.title.localeCompare(b.title),
    title: (a, b) => a.title.localeCompare(b.title, 'zh-CN'),
    status: (a, b) => SUBMISSION_STATUSES.indexOf(a.status) - SUBMISSION_STATUSES.indexOf(b.status) || a.title.localeCompare(b.title),
  };
  return [...rows].sort(cmp[sort]);
}

export function SubmissionList({ submissions, selected, onOpen, checked, onCheck, onNew, highlight }: SubmissionListProps) {
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<SubmissionStatus | 'all'>('all');
  const [sort, setSort] = useState<SortKey>('received');
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const s of submissions) c[s.status] = (c[s.status] ?? 0) + 1;
    return c;
  }, [submissions]);
  const rows = useMemo(() => filterSubmissions(submissions, query, status, sort), [submissions, query, status, sort]);
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
          {t('wb.status.all')} <b>{submissions.length}</b>
        </button>
        {SUBMISSION_STATUSES.map((s) => (
          <button key={s} type="button" className={`wb-count status-${s}${status === s ? ' active' : ''}`} onClick={() => setStatus(status === s ? 'all' : s)} data-testid={`status-count-${s}`}>
            {statusLabel(s)} <b>{counts[s] ?? 0}</b>
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
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)} data-testid="submission-sort">
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
              <input type="checkbox" checked={allShownChecked} title={t('wb.checkAll')} aria-label={t('wb.checkAll')} onChange={(e) => onCheck(rows.map((s) => s.key), e.target.checked)} data-testid="submission-check-all" />
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
                  <input type="checkbox" checked={checked.has(s.key)} aria-label={t('wb.check')} onChange={(e) => onCheck([s.key], e.target.checked)} data-testid="submission-check" />
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
      {rows.length === 0 && <p className="panel-empty">{t('wb.none')}</p>}
      <p className="muted wb-total">
        {t('wb.count', { count: rows.length })}
        {checked.size > 0 && ` · ${t('wb.checked', { count: checked.size })}`}
      </p>
    </div>
  );
}
