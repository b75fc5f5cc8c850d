/**
 * 编辑属性: the rules.md §1.2 attributes of the selected parcel, edited in place. Saving goes
 * through setParcelAttributes, which re-checks the parcel, so the verdict above changes with the
 * answer. The form is read-only while a signed decision other than 退回补正 stands.
 */
import { useEffect, useState, type Dispatch } from 'react';
import type { ParcelAttributesResponse, ParcelAttributeView } from '../../shared/api/contract';
import type { EditableParcelKey } from '../../shared/model/parcel-attributes';
import type { AppAction } from '../app/state';
import { api, userMessage } from '../platform/api';
import { localized, t } from '../i18n';
import { changesOf, draftOf, ParcelAttributeEditor, UseCodeList, type Draft } from './parcel-attribute-fields';

interface Props {
  table: string;
  parcelId: string;
  profileId: string | null;
  checkKey: string | null;
  dispatch: Dispatch<AppAction>;
  onClose(): void;
}

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
    const changes = changesOf(draftOf(view), draft);
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

  const editor = (key: EditableParcelKey) => <ParcelAttributeEditor field={field(key)} draft={draft} set={set} readOnly={readOnly} testPrefix="attrs" codeListId="attrs-use-codes" />;

  return (
    <div className="attrs-form" data-testid="attrs-form">
      <h3>{t('parcelAttrs.title')}</h3>
      {readOnly && (
        <p className="attrs-locked" role="note" data-testid="attrs-locked">
          {t('parcelAttrs.locked')} {localized({ messageZh: view.lockedReasonZh ?? '', messageEn: view.lockedReasonEn ?? view.lockedReasonZh ?? '' })}
        </p>
      )}
      <UseCodeList id="attrs-use-codes" />
      {editor('name')}
      {editor('plannedUse')}
      {editor('currentUse')}
      {editor('action')}
      {editor('soilSurvey')}
      {editor('riskAssessment')}
      {editor('toxicHistory')}
      {editor('projectType')}
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
