/**
 * 新建报件: registers a submission (rules.md §1.2 attributes the registry clerk records) for
 * parcels already in the project: a parcel layer, parcels found by id or name (a search of the
 * store: a layer may hold a county's parcels) and gathered in a chosen list, title, applicant,
 * received date and rule profile. A small layer starts with every parcel not yet in a submission
 * chosen (the usual case: one file just imported). The store validates (unknown parcels, a parcel
 * already in another submission, a bad date) and its zh message is shown here.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ParcelSummary, ProfileSummary } from '../../shared/api/contract';
import type { LayerInfo } from '../../shared/model/layers';
import type { Submission } from '../../shared/review/model';
import { api } from '../platform/api';
import { today, userMessage } from './common';
import { Feedback } from './Feedback';
import { t } from '../i18n';

/** Search results shown at once; also the largest layer whose free parcels start chosen. */
const RESULT_LIMIT = 100;
const TYPING_PAUSE_MS = 250;

export interface NewSubmissionFormProps {
  layers: LayerInfo[];
  profiles: ProfileSummary[];
  defaultProfile: string | null;
  submissions: Submission[];
  onCreated(submission: Submission): void;
  onCancel(): void;
}

/** Registered submission titles by parcel id, for one layer (implicit submissions do not count). */
function takenIn(submissions: Submission[], table: string): Map<string, string> {
  const taken = new Map<string, string>();
  for (const s of submissions) if (s.id !== null && s.parcelTable === table) for (const id of s.parcelIds) taken.set(id, s.title);
  return taken;
}

export function NewSubmissionForm({ layers, profiles, defaultProfile, submissions, onCreated, onCancel }: NewSubmissionFormProps) {
  const parcelLayers = useMemo(() => layers.filter((l) => l.kind === 'parcel').sort((a, b) => b.importedAt.localeCompare(a.importedAt)), [layers]);
  // The newest layer that still has unregistered parcels: usually the one just imported.
  const initialLayer = parcelLayers.find((l) => l.featureCount > takenIn(submissions, l.table).size)?.table ?? parcelLayers[0]?.table ?? '';
  const [table, setTable] = useState(initialLayer);
  const layer = parcelLayers.find((l) => l.table === table);
  const taken = useMemo(() => takenIn(submissions, table), [submissions, table]);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ table: string; rows: ParcelSummary[]; total: number } | null>(null);
  /** Chosen parcels of `table` in the order they were picked (id → name). */
  const [chosen, setChosen] = useState<Map<string, string | undefined>>(new Map());
  /** The layer whose first answer decides the initial choice (small layers: every free parcel). */
  const preselect = useRef<string | null>(initialLayer);
  const [title, setTitle] = useState('');
  const [applicant, setApplicant] = useState('');
  const [receivedOn, setReceivedOn] = useState(today());
  const [profile, setProfile] = useState(defaultProfile ?? profiles[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    if (!table) return;
    let cancelled = false;
    api.queryParcels({ table, search: query || undefined, sort: { key: 'id' }, offset: 0, limit: RESULT_LIMIT }).then(
      (page) => {
        if (cancelled) return;
        setResults({ table, rows: page.rows, total: page.total });
        if (preselect.current === table && !query) {
          preselect.current = null;
          if (page.total <= RESULT_LIMIT) setChosen(new Map(page.rows.filter((p) => !takenIn(submissions, table).has(p.id)).map((p) => [p.id, p.name])));
        }
      },
      (e: unknown) => !cancelled && setError(userMessage(e)),
    );
    return () => {
      cancelled = true;
    };
    // submissions only matter to the first answer's preselection, read when it arrives
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [table, query]);

  const shown = results?.table === table ? results : null;

  /** A new choice of parcels answers the “pick at least one” error, so it goes. */
  const choose = (next: Map<string, string | undefined>) => {
    setChosen(next);
    setError(null);
  };
  const pickLayer = (t: string) => {
    preselect.current = t;
    setTable(t);
    setSearch('');
    setQuery('');
    choose(new Map());
  };
  const toggle = (parcel: ParcelSummary, on: boolean) => {
    const next = new Map(chosen);
    if (on) next.set(parcel.id, parcel.name);
    else next.delete(parcel.id);
    choose(next);
  };

  async function create() {
    const ids = [...chosen.keys()];
    if (ids.length === 0) {
      setError(t('ns.pickParcels'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // The ids are always sent: an empty list would mean "every parcel" to the store.
      const created = await api.createSubmission({
        parcelTable: table,
        parcelIds: ids,
        title: title.trim() || undefined,
        applicant: applicant.trim() || undefined,
        receivedOn: receivedOn || undefined,
        profile: profile || undefined,
      });
      onCreated(created);
    } catch (e) {
      setError(userMessage(e));
    } finally {
      setBusy(false);
    }
  }

  if (parcelLayers.length === 0) {
    return (
      <div className="wb-new" data-testid="new-submission">
        <h4>{t('ns.title')}</h4>
        <p className="panel-empty">{t('ns.noLayers')}</p>
        <button type="button" onClick={onCancel} data-testid="new-sub-cancel">
          {t('ns.cancel')}
        </button>
      </div>
    );
  }

  return (
    <form
      className="wb-new"
      data-testid="new-submission"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <h4>{t('ns.title')}</h4>
      <label className="wb-field">
        <span>{t('ns.layer')}</span>
        <select value={table} onChange={(e) => pickLayer(e.target.value)} data-testid="new-sub-layer">
          {parcelLayers.map((l) => (
            <option key={l.table} value={l.table}>
              {l.title === l.table ? l.table : `${l.title}（${l.table}）`} · {l.featureCount}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="wb-field wb-parcel-pick">
        <legend>
          {t('ns.parcels', { checked: chosen.size, total: layer?.featureCount ?? 0 })}{' '}
          <button
            type="button"
            className="link"
            onClick={() => choose(new Map([...chosen, ...(shown?.rows ?? []).filter((p) => !taken.has(p.id)).map((p) => [p.id, p.name] as const)]))}
            data-testid="new-sub-all"
          >
            {t('ns.all')}
          </button>{' '}
          <button type="button" className="link" onClick={() => choose(new Map())} data-testid="new-sub-none">
            {t('ns.none')}
          </button>
        </legend>
        {chosen.size > 0 && (
          <ul className="wb-chosen" aria-label={t('ns.chosen')}>
            {[...chosen].map(([id, name]) => (
              <li key={id}>
                <button type="button" className="wb-chip" title={t('ns.remove')} onClick={() => choose(new Map([...chosen].filter(([other]) => other !== id)))} data-testid="new-sub-chosen" data-id={id}>
                  {id}
                  {name ? ` ${name}` : ''} ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <input type="search" value={search} placeholder={t('ns.search')} onChange={(e) => setSearch(e.target.value)} data-testid="new-sub-search" />
        <ul>
          {(shown?.rows ?? []).map((p) => (
            <li key={p.id}>
              <label>
                <input type="checkbox" checked={chosen.has(p.id)} disabled={taken.has(p.id)} onChange={(e) => toggle(p, e.target.checked)} data-testid="new-sub-parcel" data-id={p.id} />
                <b>{p.id}</b>
                {p.name && <span> {p.name}</span>}
                {taken.has(p.id) && <span className="muted"> · {t('ns.taken', { title: taken.get(p.id)! })}</span>}
              </label>
            </li>
          ))}
        </ul>
        {shown && shown.total > shown.rows.length && <p className="muted">{t('ns.more', { shown: shown.rows.length, total: shown.total })}</p>}
        {shown && shown.total === 0 && <p className="muted">{t('ns.noMatch')}</p>}
      </fieldset>
      <label className="wb-field">
        <span>{t('ns.name')}</span>
        <input value={title} placeholder={t('ns.nameHint')} onChange={(e) => setTitle(e.target.value)} data-testid="new-sub-title" />
      </label>
      <div className="wb-row">
        <label className="wb-field">
          <span>{t('ns.applicant')}</span>
          <input value={applicant} onChange={(e) => setApplicant(e.target.value)} data-testid="new-sub-applicant" />
        </label>
        <label className="wb-field">
          <span>{t('ns.received')}</span>
          <input type="date" value={receivedOn} onChange={(e) => setReceivedOn(e.target.value)} data-testid="new-sub-date" />
        </label>
        <label className="wb-field">
          <span>{t('ns.profile')}</span>
          <select value={profile} onChange={(e) => setProfile(e.target.value)} data-testid="new-sub-profile">
            {profiles.map((p) => (
              <option key={p.id} value={p.id} title={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Feedback error={error} testid="new-sub" />
      <div className="wb-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="new-sub-create">
          {t('ns.create')}
        </button>
        <button type="button" onClick={onCancel} data-testid="new-sub-cancel">
          {t('ns.cancel')}
        </button>
      </div>
    </form>
  );
}
