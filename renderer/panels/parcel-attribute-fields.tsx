/**
 * The editors of the rules.md §1.2 parcel attributes, shared by 编辑属性 (ParcelAttributesForm) and
 * the 属性表's cell editing, so both offer the same pickers and send the same changes to
 * setParcelAttributes, which validates, audits and re-checks whichever asked.
 */
import type { ParcelAttributesResponse, ParcelAttributeView } from '../../shared/api/contract';
import { USE_CODES_2023 } from '../../shared/landuse/codes-2023';
import { isEditableParcelKey, type EditableParcelKey, type ParcelAttributeChanges } from '../../shared/model/parcel-attributes';
import { getLocale, t } from '../i18n';

/** The editors' own state of a field: text for inputs and selects, the ticked types for projectType. */
export type Draft = Record<EditableParcelKey, string> & { projectTypes: string[]; projectTypeNone: boolean };

export function draftOf(view: ParcelAttributesResponse): Draft {
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

/**
 * What the draft changes against the stored values: '' clears a field (unknown), the known-empty
 * project type list is [] (不涉及以下类型), no tick at all is unknown (null).
 */
export function changesOf(initial: Draft, draft: Draft): ParcelAttributeChanges {
  const changes: ParcelAttributeChanges = {};
  for (const key of ['name', 'plannedUse', 'currentUse', 'action', 'soilSurvey', 'riskAssessment', 'toxicHistory'] as const) {
    if (draft[key] !== initial[key]) changes[key] = draft[key] === '' ? null : draft[key];
  }
  const typesBefore = initial.projectTypeNone ? 'none' : initial.projectTypes.join(',');
  const typesNow = draft.projectTypeNone ? 'none' : draft.projectTypes.join(',');
  if (typesNow !== typesBefore) changes.projectType = draft.projectTypeNone ? [] : draft.projectTypes.length ? draft.projectTypes : null;
  return changes;
}

/** Whether a column of a parcel layer is one of these editable attributes. */
export const isEditableColumn = (key: string): key is EditableParcelKey => isEditableParcelKey(key);

export const fieldLabel = (a: { labelZh: string; labelEn: string }) => (getLocale() === 'zh-CN' ? a.labelZh : a.labelEn);

/** The 2023 用地用海 codes the land-use inputs suggest (other schemes' codes are typed and accepted). */
export function UseCodeList({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {USE_CODES_2023.map((c) => (
        <option key={c.code} value={c.code}>
          {`${c.code} ${c.name}`}
        </option>
      ))}
    </datalist>
  );
}

export interface FieldEditorProps {
  field: ParcelAttributeView;
  draft: Draft;
  set(patch: Partial<Draft>): void;
  readOnly: boolean;
  /** Prefix of the controls' test ids (`attrs` in the form). */
  testPrefix: string;
  /** The id of the UseCodeList the land-use inputs suggest from. */
  codeListId: string;
  autoFocus?: boolean;
}

/** The editor of one attribute: code picker, choice, project-type ticks or text. */
export function ParcelAttributeEditor({ field, draft, set, readOnly, testPrefix, codeListId, autoFocus }: FieldEditorProps) {
  const key = field.key as EditableParcelKey;
  const optionLabel = (o: { labelZh: string; labelEn: string }) => (getLocale() === 'zh-CN' ? o.labelZh : o.labelEn);
  if (key === 'projectType') {
    return (
      <fieldset className="attrs-field attrs-types" disabled={readOnly}>
        <legend>{fieldLabel(field)}</legend>
        {(field.options ?? []).map((o) => (
          <label key={o.value} className="attrs-check">
            <input
              type="checkbox"
              data-testid={`${testPrefix}-projectType-${o.value}`}
              checked={draft.projectTypes.includes(o.value)}
              onChange={(e) =>
                set({
                  projectTypes: e.target.checked ? [...draft.projectTypes, o.value] : draft.projectTypes.filter((v) => v !== o.value),
                  projectTypeNone: e.target.checked ? false : draft.projectTypeNone,
                })
              }
            />
            {optionLabel(o)}
          </label>
        ))}
        <label className="attrs-check">
          <input
            type="checkbox"
            data-testid={`${testPrefix}-projectType-none`}
            checked={draft.projectTypeNone}
            onChange={(e) => set({ projectTypeNone: e.target.checked, projectTypes: e.target.checked ? [] : draft.projectTypes })}
          />
          {t('parcelAttrs.noneOfThese')}
        </label>
        {!draft.projectTypeNone && draft.projectTypes.length === 0 && <small className="muted">{t('parcelAttrs.typesUnknown')}</small>}
      </fieldset>
    );
  }
  if (key === 'plannedUse' || key === 'currentUse') {
    return (
      <label className="attrs-field">
        <span>{fieldLabel(field)}</span>
        <input
          type="text"
          list={codeListId}
          value={draft[key]}
          disabled={readOnly}
          autoFocus={autoFocus}
          placeholder={t('parcelAttrs.usePlaceholder')}
          data-testid={`${testPrefix}-${key}`}
          onChange={(e) => set({ [key]: e.target.value.replace(/\s.*$/, '') } as Partial<Draft>)}
        />
        {field.schemeLabelZh && <small className="muted">{field.valueZh}</small>}
      </label>
    );
  }
  if (key === 'name') {
    return (
      <label className="attrs-field">
        <span>{fieldLabel(field)}</span>
        <input type="text" value={draft.name} disabled={readOnly} autoFocus={autoFocus} data-testid={`${testPrefix}-name`} onChange={(e) => set({ name: e.target.value })} />
      </label>
    );
  }
  return (
    <label className="attrs-field">
      <span>{fieldLabel(field)}</span>
      <select value={draft[key]} disabled={readOnly} autoFocus={autoFocus} data-testid={`${testPrefix}-${key}`} onChange={(e) => set({ [key]: e.target.value } as Partial<Draft>)}>
        <option value="">{t('parcelAttrs.unknown')}</option>
        {(field.options ?? []).map((o) => (
          <option key={o.value} value={o.value}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    </label>
  );
}
