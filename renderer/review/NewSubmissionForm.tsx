/**
 * 新建报件: registers a submission (rules.md §1.2 attributes the registry clerk records) for
 * parcels already in the project: a parcel layer, its parcels as a checklist (by default every
 * parcel not yet in a submission), title, applicant, received date and rule profile. The store
 * validates (unknown parcels, a parcel already in another submission, a bad date) and its zh
 * message is shown here.
 */
import { useMemo, useState } from 'react';
import type { ParcelSummary, ProfileSummary } from '../../shared/api/contract';
import type { LayerInfo } from '../../shared/model/layers';
import type { Submission } from '../../shared/review/model';
import { api } from '../platform/api';
import { today, userMessage } from './common';
import { rt } from './messages';
import { Feedback } from './Feedback';

export interface NewSubmissionFormProps {
  layers: LayerInfo[];
  parcels: ParcelSummary[];
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

export function NewSubmissionForm({ layers, parcels, profiles, defaultProfile, submissions, onCreated, onCancel }: NewSubmissionFormProps) {
  const parcelLayers = useMemo(() => layers.filter((l) => l.kind === 'parcel').sort((a, b) => b.importedAt.localeCompare(a.importedAt)), [layers]);
  // The newest layer that still has unregistered parcels: usually the one just imported.
  const initialLayer = parcelLayers.find((l) => parcels.some((p) => p.table === l.table && !takenIn(submissions, l.table).has(p.id)))?.table ?? parcelLayers[0]?.table ?? '';
  const [table, setTable] = useState(initialLayer);
  const layerParcels = useMemo(() => parcels.filter((p) => p.table === table), [parcels, table]);
  const taken = useMemo(() => takenIn(submissions, table), [submissions, table]);
  const freeIds = (t: string) => parcels.filter((p) => p.table === t && !takenIn(submissions, t).has(p.id)).map((p) => p.id);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(freeIds(initialLayer)));
  const [title, setTitle] = useState('');
  const [applicant, setApplicant] = useState('');
  const [receivedOn, setReceivedOn] = useState(today());
  const [profile, setProfile] = useState(defaultProfile ?? profiles[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** A new choice of parcels answers the “pick at least one” error, so it goes. */
  const choose = (next: Set<string>) => {
    setChosen(next);
    setError(null);
  };
  const pickLayer = (t: string) => {
    setTable(t);
    choose(new Set(freeIds(t)));
  };
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    choose(next);
  };

  async function create() {
    const ids = layerParcels.map((p) => p.id).filter((id) => chosen.has(id));
    if (ids.length === 0) {
      setError(rt('ns.pickParcels'));
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
        <h4>{rt('ns.title')}</h4>
        <p className="panel-empty">{rt('ns.noLayers')}</p>
        <button type="button" onClick={onCancel} data-testid="new-sub-cancel">
          {rt('ns.cancel')}
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
      <h4>{rt('ns.title')}</h4>
      <label className="wb-field">
        <span>{rt('ns.layer')}</span>
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
          {rt('ns.parcels', { checked: layerParcels.filter((p) => chosen.has(p.id)).length, total: layerParcels.length })}{' '}
          <button type="button" className="link" onClick={() => choose(new Set(layerParcels.filter((p) => !taken.has(p.id)).map((p) => p.id)))} data-testid="new-sub-all">
            {rt('ns.all')}
          </button>{' '}
          <button type="button" className="link" onClick={() => choose(new Set())} data-testid="new-sub-none">
            {rt('ns.none')}
          </button>
        </legend>
        <ul>
          {layerParcels.map((p) => (
            <li key={p.id}>
              <label>
                <input type="checkbox" checked={chosen.has(p.id)} disabled={taken.has(p.id)} onChange={(e) => toggle(p.id, e.target.checked)} data-testid="new-sub-parcel" data-id={p.id} />
                <b>{p.id}</b>
                {p.name && <span> {p.name}</span>}
                {taken.has(p.id) && <span className="muted"> · {rt('ns.taken', { title: taken.get(p.id)! })}</span>}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <label className="wb-field">
        <span>{rt('ns.name')}</span>
        <input value={title} placeholder={rt('ns.nameHint')} onChange={(e) => setTitle(e.target.value)} data-testid="new-sub-title" />
      </label>
      <div className="wb-row">
        <label className="wb-field">
          <span>{rt('ns.applicant')}</span>
          <input value={applicant} onChange={(e) => setApplicant(e.target.value)} data-testid="new-sub-applicant" />
        </label>
        <label className="wb-field">
          <span>{rt('ns.received')}</span>
          <input type="date" value={receivedOn} onChange={(e) => setReceivedOn(e.target.value)} data-testid="new-sub-date" />
        </label>
        <label className="wb-field">
          <span>{rt('ns.profile')}</span>
          <select value={profile} onChange={(e) => setProfile(e.target.value)} data-testid="new-sub-profile">
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}（{p.id}）
              </option>
            ))}
          </select>
        </label>
      </div>
      <Feedback error={error} testid="new-sub" />
      <div className="wb-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="new-sub-create">
          {rt('ns.create')}
        </button>
        <button type="button" onClick={onCancel} data-testid="new-sub-cancel">
          {rt('ns.cancel')}
        </button>
      </div>
    </form>
  );
}
