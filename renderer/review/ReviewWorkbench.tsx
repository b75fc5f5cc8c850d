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
  // the submissions ticked in the list, by key: the exchange works on them without the whole list
  const [checked, setChecked] = useState<ReadonlyMap<string, Submission>>(new Map());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const doneKey = state.check.status === 'done' ? state.check.key : null;
  const bump = useCallback(() => setRefresh((n) => n + 1), []);

  // Nothing here reads the whole submission list: the list tab and the presentation page through
  // the store (SubmissionList, Presentation); the exchange works on the ticked submissions (kept
  // as they are ticked) and, for all of them, on the parcel layers' sizes, which the project
  // lists. The new-submission form needs the registered ones (the parcels taken), read without
  // the project's other parcels.
  const [registeredRead, setRegisteredRead] = useState(false);
  useEffect(() => {
    if (!(open && creating)) {
      setRegisteredRead(false);
      return;
    }
    let cancelled = false;
    api.listSubmissions({ registeredOnly: true }).then(
      (list) => {
        if (cancelled) return;
        setSubmissions(list);
        setRegisteredRead(true);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [open, creating, refresh, doneKey, state.listRevision, state.reloadRequest]);

  const check = (rows: Submission[], on: boolean) => {
    const next = new Map(checked);
    for (const s of rows) if (on) next.set(s.key, s);
    else next.delete(s.key);
    setChecked(next);
  };
  const checkedKeys = new Set(checked.keys());

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
            {tab === 'list' && creating && !registeredRead && <p className="panel-empty">{t('wb.loading')}</p>}
            {tab === 'list' && creating && registeredRead && (
              <NewSubmissionForm
                layers={state.project?.layers ?? []}
                profiles={state.profiles}
                defaultProfile={state.profileId}
                submissions={submissions}
                onCancel={() => setCreating(false)}
                onCreated={(s) => {
                  setCreating(false);
                  setCreated(s.key);
                  // the parcels' unregistered entries are gone from the list: their ticks go too
                  setChecked((ticks) => new Map([...ticks].filter(([key]) => !s.parcelIds.some((id) => key === `${s.parcelTable}:${id}`))));
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
                checked={checkedKeys}
                onCheck={check}
                onNew={() => setCreating(true)}
                highlight={created}
              />
            )}
            {tab === 'review' && (
              <ReviewPanel parcel={state.selectedParcel} check={state.check} layers={state.project?.layers ?? []} selectedFinding={state.selectedFinding} dispatch={dispatch} onChanged={bump} onOpenParcel={openParcel} />
            )}
            {tab === 'audit' && <AuditTrail parcel={state.selectedParcel} refresh={refresh} />}
            {tab === 'exchange' && (
              <ExchangePanel
                ticked={[...checked.values()]}
                allParcels={(state.project?.layers ?? []).filter((l) => l.kind === 'parcel').reduce((n, l) => n + l.featureCount, 0)}
                onImported={(notice) => {
                  dispatch({ type: 'reloadProject', notice });
                  bump();
                }}
              />
            )}
          </div>
        </section>
      )}
      {presenting && <Presentation layers={state.project?.layers ?? []} startAt={state.selectedParcel} onExit={() => setPresenting(false)} />}
    </>
  );
}
