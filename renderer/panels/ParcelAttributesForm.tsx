/**
 * 编辑属性: the rules.md §1.2 attributes of the selected parcel, edited in place. Saving goes
 * through setParcelAttributes, which re-checks the parcel, so the verdict above changes with the
 * answer. The form is read-only while a signed decision other than 退回补正 stands.
 */
import { useEffect, useState, type Dispatch } from 'react';
import type { ParcelAttributesResponse, ParcelAttributeView } from '../../shared/api/contract';
import { USE_CODES_2023 } from '../../shared/landuse/codes-2023';
import type { EditableParcelKey, ParcelAttributeChanges } from '../../shared/model/parcel-attributes';
import type { AppAction } from '../app/state';
import { api, userMessage } from '../platform/api';
import { getLocale, t } from '../i18n';

interface Props {
  table: string;
  parcelId: string;
  profileId: string | null;
  checkKey: string | null;
  dispatch: Dispatch<AppAction>;
  onClose(): void;
}

/** The form's own state of a field: text for inputs and selects, the ticked types for projectType. */
type Draft = Record<EditableParcelKey, string> & { projectTypes: string[]; projectTypeNone: boolean };

function draftOf(view: ParcelAttributesResponse): Draft {
  const value = (key: EditableParcelKey) => view.attributes.find((a) => a.key === key)?.value;
  const text = (key: EditableParcelKey) => {
    const v = value(key);
    return v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : Array.isArray(v) ? v.join(',') : v;
  };
  const types = value('projectType');
  return {
    name: text('name'),
    plannedUse: text('plannedUse'),
    currentUse: text('currentUse'),
    action: text('action'),
    soilSurvey: text('soilSurvey'),
    riskAssessment: text('riskAssessment'),
    toxicHistory: text('toxicHistory'),
    projectType: '',
    projectTypes: Array.isArray(types) ? types : [],
    projectTypeNone: Array.isArray(types) && types.length === 0,
  };
}

const label = (a: { labelZh: string; labelEn: string }) => (getLocale() === 'zh-CN' ? a.labelZh : a.labelEn);

export function ParcelAttributesForm({ table, parcelId, profileId, checkKey, dispatch, onClose }: Props) {
  const [view, setView] = useState<ParcelAttributesResponse | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let cancelled = false;
    api.getParcelAttributes({ table, parcelId }).then(
      (response) => {
        if (cancelled) return;
        setView(response);
        setDraft(draftOf(response));
      },
      (e: unknown) => !cancelled && setError(userMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [table, parcelId]);

  if (!view || !draft) {
    return <div className="attrs-form" data-testid="attrs-form">{error ? <p className="error-box" role="alert">{error}</p> : <p className="muted">{t('parcelAttrs.loading')}</p>}</div>;
  }
  const readOnly = !view.editable;
  const field = (key: EditableParcelKey) => view.attributes.find((a) => a.key === key) as ParcelAttributeView;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  async function save() {
    if (!view || !draft || !profileId) return;
    const initial = draftOf(view);
    const changes: ParcelAttributeChanges = {};
    for (const key of ['name', 'plannedUse', 'currentUse', 'action', 'soilSurvey', 'riskAssessment', 'toxicHistory'] as const) {
      if (draft[key] !== initial[key]) changes[key] = draft[key] === '' ? null : draft[key];
    }
    const typesBefore = initial.projectTypeNone ? 'none' : initial.projectTypes.join(',');
    const typesNow = draft.projectTypeNone ? 'none' : draft.projectTypes.join(',');
    if (typesNow !== typesBefore) changes.projectType = draft.projectTypeNone ? [] : draft.projectTypes.length ? draft.projectTypes : null;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const response = await api.setParcelAttributes({ table, parcelId, changes, profile: profileId });
      dispatch({ type: 'parcelSummaryLoaded', summary: response.parcel });
      if (checkKey) dispatch({ type: 'checkFinished', key: checkKey, report: response.report });
      onClose();
    } catch (e) {
      setError(userMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const choice = (key: 'action' | 'soilSurvey' | 'riskAssessment' | 'toxicHistory') => {
    const f = field(key);
    return (
      <label className="attrs-field">
        <span>{label(f)}</span>
        <select value={draft[key]} disabled={readOnly} data-testid={`attrs-${key}`} onChange={(e) => set({ [key]: e.target.value } as Partial<Draft>)}>
          <option value="">{t('parcelAttrs.unknown')}</option>
          {(f.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {getLocale() === 'zh-CN' ? o.labelZh : o.labelEn}
            </option>
          ))}
        </select>
      </label>
    );
  };

  const landUse = (key: 'plannedUse' | 'currentUse') => {
    const f = field(key);
    return (
      <label className="attrs-field">
        <span>{label(f)}</span>
        <input
          type="text"
          list="attrs-use-codes"
          value={draft[key]}
          disabled={readOnly}
          placeholder={t('parcelAttrs.usePlaceholder')}
          data-testid={`attrs-${key}`}
          onChange={(e) => set({ [key]: e.target.value.replace(/\s.*$/, '') } as Partial<Draft>)}
        />
        {f.schemeLabelZh && <small className="muted">{f.valueZh}</small>}
      </label>
    );
  };

  const projectType = field('projectType');
  return (
    <div className="attrs-form" data-testid="attrs-form">
      <h3>{t('parcelAttrs.title')}</h3>
      {readOnly && (
        <p className="attrs-locked" role="note" data-testid="attrs-locked">
          {t('parcelAttrs.locked')} {view.lockedReasonZh}
        </p>
      )}
      <datalist id="attrs-use-codes">
        {USE_CODES_2023.map((c) => (
          <option key={c.code} value={c.code}>
            {`${c.code} ${c.name}`}
          </option>
        ))}
      </datalist>
      <label className="attrs-field">
        <span>{label(field('name'))}</span>
        <input type="text" value={draft.name} disabled={readOnly} data-testid="attrs-name" onChange={(e) => set({ name: e.target.value })} />
      </label>
      {landUse('plannedUse')}
      {landUse('currentUse')}
      {choice('action')}
      {choice('soilSurvey')}
      {choice('riskAssessment')}
      {choice('toxicHistory')}
      <fieldset className="attrs-field attrs-types" disabled={readOnly}>
        <legend>{label(projectType)}</legend>
        {(projectType.options ?? []).map((o) => (
          <label key={o.value} className="attrs-check">
            <input
              type="checkbox"
              data-testid={`attrs-projectType-${o.value}`}
              checked={draft.projectTypes.includes(o.value)}
              onChange={(e) =>
                set({
                  projectTypes: e.target.checked ? [...draft.projectTypes, o.value] : draft.projectTypes.filter((v) => v !== o.value),
                  projectTypeNone: e.target.checked ? false : draft.projectTypeNone,
                })
              }
            />
            {getLocale() === 'zh-CN' ? o.labelZh : o.labelEn}
          </label>
        ))}
        <label className="attrs-check">
          <input
            type="checkbox"
            data-testid="attrs-projectType-none"
            checked={draft.projectTypeNone}
            onChange={(e) => set({ projectTypeNone: e.target.checked, projectTypes: e.target.checked ? [] : draft.projectTypes })}
          />
          {t('parcelAttrs.noneOfThese')}
        </label>
        {!draft.projectTypeNone && draft.projectTypes.length === 0 && <small className="muted">{t('parcelAttrs.typesUnknown')}</small>}
      </fieldset>
      {!profileId && !readOnly && <p className="muted">{t('parcelAttrs.noProfile')}</p>}
      {error && (
        <p className="error-box" role="alert" data-testid="attrs-error">
          {error}
        </p>
      )}
      <div className="attrs-actions">
        {!readOnly && (
          <button type="button" className="primary" disabled={saving || !profileId} onClick={save} data-testid="attrs-save">
            {saving ? t('parcelAttrs.saving') : t('parcelAttrs.save')}
          </button>
        )}
        <button type="button" onClick={onClose} data-testid="attrs-cancel">
          {readOnly ? t('parcelAttrs.close') : t('parcelAttrs.cancel')}
        </button>
      </div>
    </div>
  );
}
