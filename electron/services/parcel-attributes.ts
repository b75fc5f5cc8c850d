/**
 * Editing the attributes of a submitted parcel (rules.md §1.2): every value is validated before
 * anything is written, the update and one audit entry per changed field go in one transaction,
 * and a parcel whose signed decision still stands is refused, as a reshape is (parcel-edit.ts).
 * The caller re-checks the parcel afterwards: the verdict depends on exactly these values.
 */
import type { ParcelAttributesResponse, ParcelAttributeChange, ParcelAttributeView, ParcelSummary } from '../../shared/api/contract';
import { bboxOf } from '../../shared/geo/geodesy';
import { classifyUse, USE_SCHEME_LABEL_ZH, type UseScheme } from '../../shared/landuse/codes';
import { normalizeProperties } from '../../shared/model/attributes';
import { UserInputError } from '../../shared/model/errors';
import {
  attributeValueZh,
  EDITABLE_PARCEL_KEYS,
  isEditableParcelKey,
  PARCEL_ATTRIBUTE_FIELD,
  PARCEL_ATTRIBUTE_FIELDS,
  parseParcelAttribute,
  type EditableParcelKey,
  type ParcelAttributeChanges,
} from '../../shared/model/parcel-attributes';
import { STATUS_LABEL_ZH, type Decision } from '../../shared/review/model';
import { DECISION_LABEL_EN } from '../../shared/review/labels';
import { standingDecision } from './parcel-edit';
import type { ProjectStore } from './project-store';
import type { StoredFeature } from './store/feature-request';

export const PARCEL_ATTRIBUTE_AUDIT_ACTION = 'parcel-attribute';

const refuse = (code: string, zh: string, en: string) => new UserInputError(code, zh, en);

function parcelLayer(store: ProjectStore, table: unknown): string {
  if (typeof table !== 'string' || table.trim() === '') throw refuse('parcel-attributes.table-missing', '须指明地块所在的图层。', 'The parcel layer is missing.');
  const layer = store.getLayer(table);
  if (layer.kind !== 'parcel') {
    throw refuse('parcel-attributes.not-parcel-layer', `图层“${table}”不是报件地块图层（类型为 ${layer.kind}），不能编辑地块属性。`, `Layer "${table}" is not a parcel layer.`);
  }
  return table;
}

function parcelFeature(store: ProjectStore, table: string, parcelId: unknown): StoredFeature {
  const id = typeof parcelId === 'string' ? parcelId.trim() : typeof parcelId === 'number' ? String(parcelId) : '';
  if (id === '') throw refuse('parcel-attributes.id-missing', '须给出地块编号。', 'The parcel id is missing.');
  const feature = store.featureById(table, id);
  if (!feature) throw refuse('parcel-attributes.unknown-parcel', `图层“${table}”中没有编号为“${id}”的地块。`, `No parcel "${id}" in layer "${table}".`);
  return feature;
}

function lockedMessage(parcelId: string, decision: Decision): { zh: string; en: string } {
  return {
    zh: `地块“${parcelId}”已签发审查决定“${STATUS_LABEL_ZH[decision.decision]}”（第 ${decision.revision} 版，${decision.signature.name}，${decision.signature.date}），该决定以现有属性为依据，不能修改属性。如需修改，应先将决定修订为“退回补正”。`,
    en: `Parcel "${parcelId}" has a signed decision "${DECISION_LABEL_EN[decision.decision]}" (revision ${decision.revision}, ${decision.signature.name}, ${decision.signature.date}) that rests on its attributes, so they cannot be changed. To change them, first revise the decision to "Returned for correction".`,
  };
}

/** Why the parcel's attributes cannot be edited now (zh and en), or null while they can. */
export function attributesLocked(store: ProjectStore, table: string, parcelId: string): { zh: string; en: string } | null {
  const decision = standingDecision(store, table, parcelId);
  return decision ? lockedMessage(parcelId, decision) : null;
}

function summaryOf(store: ProjectStore, table: string, feature: StoredFeature): ParcelSummary {
  const props = feature.properties;
  const verdict = store.latestVerdicts(table, [feature.id]).get(feature.id);
  const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  return {
    table,
    id: feature.id,
    fid: feature.fid,
    name: text(props.name),
    currentUse: text(props.currentUse),
    plannedUse: text(props.plannedUse),
    action: text(props.action),
    bbox: bboxOf(feature.geometry!),
    ...(verdict ? { verdict: verdict as ParcelSummary['verdict'] } : {}),
  };
}

/** The declared scheme of a parcel (its useScheme attribute, normalised), if any. */
function declaredSchemeOf(props: Record<string, unknown>): string | undefined {
  const scheme = props.useScheme;
  if (scheme === undefined || scheme === null || String(scheme).trim() === '') return undefined;
  const parsed = normalizeProperties('parcel', { useScheme: scheme }).useScheme;
  return typeof parsed === 'string' ? parsed : undefined;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The editable attributes of one parcel, labelled, with what may be entered (the form, `landgate parcel show`). */
export function getParcelAttributes(store: ProjectStore, request: { table: string; parcelId: string }): ParcelAttributesResponse {
  const table = parcelLayer(store, request?.table);
  const feature = parcelFeature(store, table, request?.parcelId);
  const props = feature.properties;
  const declaredScheme = declaredSchemeOf(props);
  const attributes: ParcelAttributeView[] = PARCEL_ATTRIBUTE_FIELDS.map((field) => {
    const raw = props[field.key];
    const value = raw === undefined || raw === null ? undefined : (raw as string | string[] | boolean);
    const view: ParcelAttributeView = { ...field, ...(value !== undefined ? { value } : {}), valueZh: attributeValueZh(field.key, value, { declaredScheme }) };
    if (field.kind === 'land-use' && value !== undefined) {
      const use = classifyUse(value, { declaredScheme });
      if (use && use.recognised) {
        view.scheme = use.scheme;
        view.schemeLabelZh = USE_SCHEME_LABEL_ZH[use.scheme as UseScheme];
        view.schemeAssumed = use.schemeAssumed;
      }
    }
    return view;
  });
  const decision = standingDecision(store, table, feature.id);
  return {
    parcel: summaryOf(store, table, feature),
    attributes,
    ...(declaredScheme ? { useScheme: declaredScheme } : {}),
    editable: decision === null,
    ...(decision ? { lockedReasonZh: lockedMessage(feature.id, decision).zh, lockedReasonEn: lockedMessage(feature.id, decision).en } : {}),
  };
}

/**
 * Validates and writes attribute changes of one parcel with an audit entry per changed field.
 * A bad value refuses the whole request before anything is written. Returns what changed; a
 * request that changes nothing writes nothing (no audit entry either).
 */
export function setParcelAttributes(
  store: ProjectStore,
  request: { table: string; parcelId: string; changes: ParcelAttributeChanges },
): { parcel: ParcelSummary; changed: ParcelAttributeChange[] } {
  const table = parcelLayer(store, request?.table);
  const feature = parcelFeature(store, table, request?.parcelId);
  const parcelId = feature.id;
  const changes = request?.changes;
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) {
    throw refuse('parcel-attributes.no-changes', '未给出要修改的属性。', 'No attribute changes given.');
  }
  const unknown = Object.keys(changes).filter((key) => !isEditableParcelKey(key));
  if (unknown.length) {
    const known = EDITABLE_PARCEL_KEYS.map((k) => `${k}（${PARCEL_ATTRIBUTE_FIELD[k].labelZh}）`).join('、');
    throw refuse('parcel-attributes.unknown-field', `不能编辑的属性：${unknown.join('、')}。可编辑：${known}。`, `Not editable: ${unknown.join(', ')}. Editable: ${EDITABLE_PARCEL_KEYS.join(', ')}.`);
  }
  const decision = standingDecision(store, table, parcelId);
  if (decision) {
    const message = lockedMessage(parcelId, decision);
    throw refuse('parcel-attributes.decided', message.zh, message.en);
  }
  const declaredScheme = declaredSchemeOf(feature.properties);
  const parsed: Partial<Record<EditableParcelKey, unknown>> = {};
  for (const key of Object.keys(changes) as EditableParcelKey[]) {
    const result = parseParcelAttribute(key, changes[key], { declaredScheme });
    if (!result.ok) throw refuse('parcel-attributes.bad-value', `${result.messageZh}未保存，项目未改动。`, `${result.messageEn} Nothing saved.`);
    parsed[key] = result.value;
  }
  const changed: ParcelAttributeChange[] = [];
  const update: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed) as [EditableParcelKey, unknown][]) {
    const old = feature.properties[key];
    if (sameValue(old, value)) continue;
    update[key] = value;
    changed.push({ key, labelZh: PARCEL_ATTRIBUTE_FIELD[key].labelZh, old: old ?? null, new: value ?? null });
    // the text an import could not read stays beside a value the reviewer has now decided
    if (feature.properties[`${key}Raw`] !== undefined) update[`${key}Raw`] = null;
  }
  if (changed.length === 0) return { parcel: summaryOf(store, table, feature), changed };
  return store.transaction(() => {
    store.updateFeatureAttributes(table, feature.fid, update);
    const at = new Date().toISOString();
    for (const change of changed) {
      store.appendAudit({ action: PARCEL_ATTRIBUTE_AUDIT_ACTION, at, detail: { table, parcelId, field: change.key, old: change.old, new: change.new, ...(update[`${change.key}Raw`] === null ? { oldRaw: feature.properties[`${change.key}Raw`] } : {}) } });
    }
    const after = store.featureById(table, parcelId)!;
    return { parcel: summaryOf(store, table, after), changed };
  });
}
