/** The audit trail of the selected parcel or the whole project, with the integrity check result. */
import { useEffect, useState } from 'react';
import type { AuditView } from '../../shared/review/model';
import type { ParcelRef } from '../app/state';
import { formatTimestamp } from '../app/format';
import { api, userMessage } from '../platform/api';
import { auditActionLabel, rt } from './messages';

function summary(detail: unknown): string {
  if (detail === null || typeof detail !== 'object') return String(detail ?? '');
  const d = detail as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['table', 'parcelTable', 'parcelId', 'checkId', 'profile', 'decision', 'revision', 'format', 'file', 'month', 'sourceFile', 'featureCount', 'parcelCount']) {
    if (d[key] !== undefined && d[key] !== null) parts.push(`${key}=${typeof d[key] === 'object' ? JSON.stringify(d[key]) : String(d[key])}`);
  }
  return parts.join(' · ');
}

export function AuditTrail({ parcel, refresh }: { parcel: ParcelRef | null; refresh: number }) {
  const [scope, setScope] = useState<'parcel' | 'project'>(parcel ? 'parcel' : 'project');
  const [view, setView] = useState<AuditView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const effective = parcel ? scope : 'project';
  useEffect(() => {
    let cancelled = false;
    api.getAuditTrail(effective === 'parcel' && parcel ? { table: parcel.table, parcelId: parcel.id } : {}).then(
      (v) => !cancelled && (setView(v), setError(null)),
      (e: unknown) => {
        if (!cancelled) setError(userMessage(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [effective, parcel?.table, parcel?.id, refresh]);

  return (
    <div className="wb-audit" data-testid="audit-trail">
      <div className="wb-toolbar">
        <button type="button" className={effective === 'parcel' ? 'active' : ''} disabled={!parcel} onClick={() => setScope('parcel')}>
          {rt('wb.audit.parcel')}
        </button>
        <button type="button" className={effective === 'project' ? 'active' : ''} onClick={() => setScope('project')} data-testid="audit-project">
          {rt('wb.audit.project')}
        </button>
      </div>
      {error && <div className="error-box">{error}</div>}
      {view && (
        <div className={view.integrity.ok ? 'wb-integrity ok' : 'wb-integrity bad'} data-testid="audit-integrity">
          {view.integrity.ok ? rt('wb.audit.ok') : `${rt('wb.audit.bad')}：${view.integrity.problems.join('；')}`}
        </div>
      )}
      <table className="wb-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{rt('wb.audit.time')}</th>
            <th>{rt('wb.audit.user')}</th>
            <th>{rt('wb.audit.action')}</th>
            <th>{rt('wb.audit.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {[...(view?.entries ?? [])].reverse().map((e) => (
            <tr key={e.seq} data-testid="audit-row" data-action={e.action}>
              <td>{e.seq}</td>
              <td>{formatTimestamp(e.at)}</td>
              <td>{e.user}</td>
              <td>{auditActionLabel(e.action)}</td>
              <td className="wb-audit-detail" title={e.hash}>
                {summary(e.detail)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
