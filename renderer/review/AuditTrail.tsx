/** The audit trail of the selected parcel or the whole project, with the integrity check result. */
import { useEffect, useState } from 'react';
import type { AuditView } from '../../shared/review/model';
import type { ParcelRef } from '../app/state';
import { formatTimestamp } from '../app/format';
import { api, userMessage } from '../platform/api';
import { auditActor, auditSentence } from '../../shared/review/audit-sentence';
import { getLocale, t } from '../i18n';

/** The stored record, for the details view: action id, account and the detail as written. */
function rawDetail(entry: { action: string; user: string; detail: unknown; hash: string }): string {
  return JSON.stringify({ action: entry.action, user: entry.user, detail: entry.detail, hash: entry.hash }, null, 2);
}

/** The acting account's display name, set in the project so every reader sees the same name. */
function DisplayNameSetting({ account, current, onSaved }: { account: string; current: string; onSaved: () => void }) {
  const [name, setName] = useState(current);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setName(current), [current]);
  return (
    <form
      className="wb-display-name"
      onSubmit={(e) => {
        e.preventDefault();
        api.setDisplayName({ name }).then(
          () => (setError(null), onSaved()),
          (err: unknown) => setError(userMessage(err)),
        );
      }}
    >
      <label>
        {t('wb.audit.displayName', { account })}
        <input data-testid="display-name" value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
      </label>
      <button type="submit" disabled={name.trim() === current} data-testid="display-name-save">
        {t('wb.audit.displayNameSave')}
      </button>
      {error && <span className="error-box">{error}</span>}
    </form>
  );
}

export function AuditTrail({ parcel, refresh }: { parcel: ParcelRef | null; refresh: number }) {
  const [scope, setScope] = useState<'parcel' | 'project'>(parcel ? 'parcel' : 'project');
  const [view, setView] = useState<AuditView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [expanded, setExpanded] = useState<number | null>(null);
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
  }, [effective, parcel?.table, parcel?.id, refresh, reload]);

  return (
    <div className="wb-audit" data-testid="audit-trail">
      <div className="wb-toolbar">
        <button type="button" className={effective === 'parcel' ? 'active' : ''} disabled={!parcel} onClick={() => setScope('parcel')}>
          {t('wb.audit.parcel')}
        </button>
        <button type="button" className={effective === 'project' ? 'active' : ''} onClick={() => setScope('project')} data-testid="audit-project">
          {t('wb.audit.project')}
        </button>
      </div>
      {error && <div className="error-box">{error}</div>}
      {view && <DisplayNameSetting account={view.currentAccount} current={view.displayNames[view.currentAccount] ?? ''} onSaved={() => setReload((n) => n + 1)} />}
      {view && (
        <div className={view.integrity.ok ? 'wb-integrity ok' : 'wb-integrity bad'} data-testid="audit-integrity">
          {view.integrity.ok ? t('wb.audit.ok') : `${t('wb.audit.bad')}：${view.integrity.problems.join('；')}`}
        </div>
      )}
      <table className="wb-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('wb.audit.time')}</th>
            <th>{t('wb.audit.user')}</th>
            <th>{t('wb.audit.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {[...(view?.entries ?? [])].reverse().map((e) => (
            <tr key={e.seq} data-testid="audit-row" data-action={e.action}>
              <td>{e.seq}</td>
              <td>{formatTimestamp(e.at)}</td>
              <td title={e.user}>{auditActor(e.user, view?.displayNames ?? {})}</td>
              <td className="wb-audit-detail">
                <span data-testid="audit-sentence">{auditSentence(e, getLocale(), { profileNames: view?.profileNames })}</span>{' '}
                <button type="button" className="link-button" data-testid="audit-details" onClick={() => setExpanded(expanded === e.seq ? null : e.seq)}>
                  {expanded === e.seq ? t('wb.audit.hideDetails') : t('wb.audit.details')}
                </button>
                {expanded === e.seq && <pre className="wb-audit-raw">{rawDetail(e)}</pre>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
