/**
 * The review workbench: two buttons over the map (报件审查 / 汇报模式) open a wide panel
 * with the submission list (and 新建报件), the review of the selected parcel, the audit trail and
 * the exchange with other departments, or the full-screen presentation. It reuses the app's selection, check and map highlighting through
 * the same reducer actions the parcel list uses.
 */
import { useCallback, useEffect, useState, type Dispatch } from 'react';
import type { Submission } from '../../shared/review/model';
import type { AppAction, AppState } from '../app/state';
import { api } from '../platform/api';
import { Presentation } from '../presentation/Presentation';
import { AuditTrail } from './AuditTrail';
import { ExchangePanel } from './ExchangePanel';
import { NewSubmissionForm } from './NewSubmissionForm';
import { ReviewPanel } from './ReviewPanel';
import { SubmissionList } from './SubmissionList';
import './review.css';
import { t } from '../i18n';

type Tab = 'list' | 'review' | 'audit' | 'exchange';
const TABS: Tab[] = ['list', 'review', 'audit', 'exchange'];

export function ReviewWorkbench({ state, dispatch }: { state: AppState; dispatch: Dispatch<AppAction> }) {
  const [open, setOpen] = useState(false);
  const [presenting, setPresenting] = useState(false);
  const [tab, setTab] = useState<Tab>('list');
  const [submissions, setSubmissions] = useState<Submission[]>([]);
  const [refresh, setRefresh] = useState(0);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const doneKey = state.check.status === 'done' ? state.check.key : null;
  const bump = useCallback(() => setRefresh((n) => n + 1), []);

  // The list tab pages through the store (SubmissionList); the whole list is read only for what
  // needs every submission: the exchange and the presentation. The new-submission form needs the
  // registered ones (the parcels taken), read without the project's other parcels.
  const needsAll = presenting || (open && (creating || tab === 'exchange'));
  const registeredOnly = !presenting && !(open && tab === 'exchange');
  // Those views start from the list (the slide to open, the ticked scope): shown once it is read,
  // the whole list for the exchange and the presentation, the registered part or more for the form.
  const [loaded, setLoaded] = useState<'registered' | 'all' | null>(null);
  const allLoaded = loaded === 'all' || (loaded === 'registered' && registeredOnly);
  useEffect(() => {
    if (!needsAll) {
      setLoaded(null);
      return;
    }
    let cancelled = false;
    api.listSubmissions({ registeredOnly }).then(
      (list) => {
        if (cancelled) return;
        setSubmissions(list);
        setLoaded(registeredOnly ? 'registered' : 'all');
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [needsAll, registeredOnly, refresh, doneKey, state.listRevision, state.reloadRequest]);

  const check = (keys: string[], on: boolean) => {
    const next = new Set(checked);
    for (const k of keys) if (on) next.add(k);
    else next.delete(k);
    setChecked(next);
  };
  // Ticks of submissions that no longer exist (e.g. implicit ones just registered) are dropped.
  const liveChecked = needsAll ? new Set([...checked].filter((k) => submissions.some((s) => s.key === k))) : checked;

  const openSubmission = (s: Submission) => openParcel({ table: s.parcelTable, id: s.parcelIds[0] });
  const openParcel = (parcel: { table: string; id: string }) => {
    setTab('review');
    // With the summary in the selection the map zooms to the parcel at once.
    api.getParcel(parcel).then(
      (summary) => dispatch({ type: 'selectParcel', parcel, summary }),
      () => dispatch({ type: 'selectParcel', parcel }),
    );
  };

  return (
    <>
      <div className="wb-launch">
        <button type="button" className={open ? 'active' : ''} onClick={() => setOpen(!open)} data-testid="open-review">
          {open ? t('wb.close') : t('wb.open')}
        </button>
        <button type="button" onClick={() => setPresenting(true)} data-testid="open-presentation">
          {t('wb.present')}
        </button>
      </div>
      {open && (
        <section className="panel wb-panel" data-testid="review-workbench" aria-label={t('wb.open')}>
          <nav className="wb-tabs" role="tablist">
            {TABS.map((id) => (
              <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'active' : ''} onClick={() => setTab(id)} data-testid={`review-tab-${id}`}>
                {t(`wb.tab.${id}`)}
              </button>
            ))}
          </nav>
          <div className="wb-body">
            {needsAll && !allLoaded && <p className="panel-empty">{t('wb.loading')}</p>}
            {tab === 'list' && creating && allLoaded && (
              <NewSubmissionForm
                layers={state.project?.layers ?? []}
                profiles={state.profiles}
                defaultProfile={state.profileId}
                submissions={submissions}
                onCancel={() => setCreating(false)}
                onCreated={(s) => {
                  setCreating(false);
                  setCreated(s.key);
                  setSubmissions((list) => [...list.filter((x) => !(x.id === null && x.parcelTable === s.parcelTable && s.parcelIds.includes(x.parcelIds[0]))), s]);
                  bump();
                }}
              />
            )}
            {tab === 'list' && !creating && (
              <SubmissionList
                revision={`${refresh}|${doneKey}|${state.listRevision}|${state.reloadRequest}`}
                selected={state.selectedParcel}
                onOpen={openSubmission}
                checked={liveChecked}
                onCheck={check}
                onNew={() => setCreating(true)}
                highlight={created}
              />
            )}
            {tab === 'review' && (
              <ReviewPanel parcel={state.selectedParcel} check={state.check} layers={state.project?.layers ?? []} selectedFinding={state.selectedFinding} dispatch={dispatch} onChanged={bump} onOpenParcel={openParcel} />
            )}
            {tab === 'audit' && <AuditTrail parcel={state.selectedParcel} refresh={refresh} />}
            {tab === 'exchange' && allLoaded && (
              <ExchangePanel
                submissions={submissions}
                checked={liveChecked}
                onImported={(notice) => {
                  dispatch({ type: 'reloadProject', notice });
                  bump();
                }}
              />
            )}
          </div>
        </section>
      )}
      {presenting && allLoaded && <Presentation submissions={submissions} layers={state.project?.layers ?? []} startAt={state.selectedParcel} onExit={() => setPresenting(false)} />}
    </>
  );
}
