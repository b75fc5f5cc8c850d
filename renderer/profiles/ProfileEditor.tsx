/**
 * Profile editor dialog: duplicate a built-in profile into the project, or edit a project
 * profile — rename, switch rules on and off, change every parameter: the distances, the station
 * types of air.station-catering, the triggers of soil.survey-required, the rivers of
 * river.agri-chemical-limit and the 一住两公 code prefixes. On save the draft is
 * checked with the same validator the files go through (shared/rules/profile.ts validateProfile),
 * errors shown in Chinese naming the field; the Node side validates again before storing it in
 * the project (landgate_profiles).
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { ProfileSummary } from '../../shared/api/contract';
import { UserInputError } from '../../shared/model/errors';
import { RULES } from '../../shared/rules/catalogue';
import { AIR_STATION_TYPES, SURVEY_TARGETS, validateProfile, type Profile, type ProfileParameters } from '../../shared/rules/profile';
import { formatAttributeValue } from '../i18n/labels';
import { api, userMessage } from '../platform/api';
import { getLocale, localized, ruleTitle, t, type MessageKey } from '../i18n';
import './profiles.css';

interface Props {
  /** The profile in force (the editor starts from it). */
  profile: ProfileSummary;
  /** Ids already taken (built-in and project). */
  takenIds: string[];
  onClose(): void;
  onSaved(saved: ProfileSummary): void;
}

type NumericKey = 'minOverlapM2' | 'adjacencyM' | 'heatBandM' | 'stationBufferM' | 'urbanAirBufferM' | 'countyAirBufferM';
const NUMERIC: { key: NumericKey; label: MessageKey; nullable?: boolean }[] = [
  { key: 'minOverlapM2', label: 'param.minOverlapM2' },
  { key: 'adjacencyM', label: 'param.adjacencyM' },
  { key: 'heatBandM', label: 'param.heatBandM', nullable: true },
  { key: 'stationBufferM', label: 'param.stationBufferM' },
  { key: 'urbanAirBufferM', label: 'param.urbanAirBufferM' },
  { key: 'countyAirBufferM', label: 'param.countyAirBufferM' },
];

/** Text field → number (empty → null for nullable fields; anything else unparsable is kept as text so the validator names it). */
function parseNumber(text: string, nullable: boolean): unknown {
  if (text.trim() === '') return nullable ? null : undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** A river row as typed: the distance stays text until saved, so the validator can name a bad one. */
interface RiverRow {
  river: string;
  distance: string;
}

/** “07, 08，R、A” → ['07', '08', 'R', 'A']; empty → undefined (the standard classification, rules.md §1.3). */
export function parsePrefixes(text: string): string[] | undefined {
  const list = text.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** Toggles one member of an enumerated list, keeping the catalogue's order. */
function toggled<T extends string>(all: readonly T[], current: readonly T[], value: T, on: boolean): T[] {
  return all.filter((v) => (v === value ? on : current.includes(v)));
}

export function ProfileEditor({ profile, takenIds, onClose, onSaved }: Props) {
  const [base, setBase] = useState<Profile | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const isCopy = profile.source !== 'project';
  const [id, setId] = useState(isCopy ? suggestId(profile.id, takenIds) : profile.id);
  const [name, setName] = useState(isCopy ? `${profile.name}（副本）` : profile.name);
  const [rules, setRules] = useState<Set<string>>(new Set());
  const [numbers, setNumbers] = useState<Record<string, string>>({});
  const [stationTypes, setStationTypes] = useState<ProfileParameters['stationTypes']>([]);
  const [surveyTargets, setSurveyTargets] = useState<ProfileParameters['surveyTargets']>([]);
  const [rivers, setRivers] = useState<RiverRow[]>([]);
  const [prefixes, setPrefixes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api.getProfile({ id: profile.id }).then(
      (p) => {
        setBase(p);
        setRules(new Set(p.rules));
        const values: Record<string, string> = {};
        for (const { key } of NUMERIC) values[key] = p.parameters[key] === null ? '' : String(p.parameters[key]);
        values.riverGreenMain = String(p.parameters.riverGreenBufferM.main);
        values.riverGreenTributary = String(p.parameters.riverGreenBufferM.tributary);
        setNumbers(values);
        setStationTypes(p.parameters.stationTypes);
        setSurveyTargets(p.parameters.surveyTargets);
        setRivers(p.parameters.riverAgriLimits.map((limit) => ({ river: limit.river, distance: String(limit.distanceM) })));
        setPrefixes((p.parameters.sensitiveUsePrefixes ?? []).join(', '));
      },
      (e: unknown) => setLoadError(userMessage(e)),
    );
  }, [profile.id]);

  const draft = (): unknown => {
    if (!base) return null;
    const parameters: Record<string, unknown> = { ...base.parameters };
    for (const { key, nullable } of NUMERIC) parameters[key] = parseNumber(numbers[key] ?? '', nullable === true);
    parameters.riverGreenBufferM = { main: parseNumber(numbers.riverGreenMain ?? '', false), tributary: parseNumber(numbers.riverGreenTributary ?? '', false) };
    parameters.riverAgriLimits = rivers.map((row) => ({ river: row.river.trim(), distanceM: parseNumber(row.distance, false) }));
    parameters.stationTypes = stationTypes;
    parameters.surveyTargets = surveyTargets;
    const prefixList = parsePrefixes(prefixes);
    if (prefixList) parameters.sensitiveUsePrefixes = prefixList;
    else delete parameters.sensitiveUsePrefixes;
    return {
      id: id.trim(),
      name: name.trim(),
      version: isCopy ? '1' : base.version,
      ...(base.description ? { description: base.description } : {}),
      basedOn: isCopy ? base.id : base.basedOn,
      // a copy is still the same county's: its findings keep citing the county's own documents
      ...(base.localDocuments ? { localDocuments: base.localDocuments } : {}),
      parameters: parameters as unknown as ProfileParameters,
      rules: RULES.map((r) => r.id).filter((r) => rules.has(r)),
    };
  };

  const save = () => {
    setError(null);
    const json = draft();
    if (!json) return;
    try {
      // Same validator as data/profiles/*.json and `landgate profile import`.
      validateProfile(json, getLocale() === 'zh-CN' ? `编辑器中的配置 ${id.trim()}` : `editor draft ${id.trim()}`);
    } catch (e) {
      setError(e instanceof UserInputError ? localized(e) : String(e));
      return;
    }
    if (isCopy && takenIds.includes(id.trim())) {
      setError(getLocale() === 'zh-CN' ? `审查规则配置“${id.trim()}”已存在，请换一个标识。` : `Profile "${id.trim()}" already exists.`);
      return;
    }
    setSaving(true);
    api.saveProfile({ profile: json }).then(
      (saved) => {
        setSaving(false);
        onSaved(saved);
      },
      (e: unknown) => {
        setSaving(false);
        setError(userMessage(e));
      },
    );
  };

  return (
    <div className="profile-editor-backdrop" role="dialog" aria-modal="true" data-testid="profile-editor">
      <div className="profile-editor">
        <header>
          <h2>{isCopy ? t('editor.titleCopy', { name: profile.name }) : t('editor.titleEdit', { name: profile.name })}</h2>
          <div className="profile-editor-note">{isCopy ? t('editor.builtinNote', { id: profile.id }) : t('editor.projectNote')}</div>
        </header>
        {!base && !loadError && <div className="profile-editor-body">{t('editor.loading')}</div>}
        {loadError && <div className="profile-editor-error">{loadError}</div>}
        {base && (
          <div className="profile-editor-body">
            <div>
              <fieldset>
                <legend>{t('editor.name')}</legend>
                <label className="profile-editor-field">
                  <span>{t('editor.id')}</span>
                  <input data-testid="profile-editor-id" value={id} disabled={!isCopy} onChange={(e) => setId(e.target.value)} />
                </label>
                <label className="profile-editor-field">
                  <span>{t('editor.name')}</span>
                  <input data-testid="profile-editor-name" value={name} onChange={(e) => setName(e.target.value)} />
                </label>
                <div className="profile-editor-field">
                  <span>{t('editor.version')}</span>
                  <span>{isCopy ? '1' : base.version}</span>
                </div>
                <div className="profile-editor-field">
                  <span>{t('editor.basedOn')}</span>
                  <span>{isCopy ? base.id : base.basedOn ?? '—'}</span>
                </div>
              </fieldset>
              <fieldset>
                <legend>{t('editor.parameters')}</legend>
                {NUMERIC.map(({ key, label }) => (
                  <label key={key} className="profile-editor-field">
                    <span>{t(label)}</span>
                    <input data-testid={`profile-param-${key}`} inputMode="decimal" value={numbers[key] ?? ''} placeholder={key === 'heatBandM' ? t('editor.none') : ''} onChange={(e) => setNumbers({ ...numbers, [key]: e.target.value })} />
                  </label>
                ))}
                <label className="profile-editor-field">
                  <span>{t('param.riverGreenMain')}</span>
                  <input inputMode="decimal" value={numbers.riverGreenMain ?? ''} onChange={(e) => setNumbers({ ...numbers, riverGreenMain: e.target.value })} />
                </label>
                <label className="profile-editor-field">
                  <span>{t('param.riverGreenTributary')}</span>
                  <input inputMode="decimal" value={numbers.riverGreenTributary ?? ''} onChange={(e) => setNumbers({ ...numbers, riverGreenTributary: e.target.value })} />
                </label>
                <label className="profile-editor-field">
                  <span>{t('param.sensitivePrefixes')}</span>
                  <input data-testid="profile-param-sensitiveUsePrefixes" value={prefixes} placeholder={t('param.sensitivePrefixesDefault')} onChange={(e) => setPrefixes(e.target.value)} />
                </label>
              </fieldset>
              <fieldset data-testid="profile-station-types">
                <legend>{t('param.stationTypes')}</legend>
                {AIR_STATION_TYPES.map((type) => (
                  <label key={type} className="profile-editor-rule">
                    <input type="checkbox" data-testid={`profile-station-${type}`} checked={stationTypes.includes(type)} onChange={(e) => setStationTypes(toggled(AIR_STATION_TYPES, stationTypes, type, e.target.checked))} />
                    <span>{formatAttributeValue('monitoring-station', 'type', type)}</span>
                  </label>
                ))}
              </fieldset>
              <fieldset data-testid="profile-survey-targets">
                <legend>{t('param.surveyTargets')}</legend>
                {SURVEY_TARGETS.map((target) => (
                  <label key={target} className="profile-editor-rule">
                    <input type="checkbox" data-testid={`profile-survey-${target}`} checked={surveyTargets.includes(target)} onChange={(e) => setSurveyTargets(toggled(SURVEY_TARGETS, surveyTargets, target, e.target.checked))} />
                    <span>{t(`survey.${target}`)}</span>
                  </label>
                ))}
              </fieldset>
              <fieldset data-testid="profile-river-limits">
                <legend>{t('param.riverAgriLimits')}</legend>
                {rivers.map((row, i) => (
                  <div key={i} className="profile-editor-river">
                    <input aria-label={t('param.riverName')} data-testid={`profile-river-name-${i}`} value={row.river} placeholder={t('param.riverName')} onChange={(e) => setRivers(rivers.map((r, j) => (j === i ? { ...r, river: e.target.value } : r)))} />
                    <input aria-label={t('param.riverDistance')} data-testid={`profile-river-distance-${i}`} inputMode="decimal" value={row.distance} onChange={(e) => setRivers(rivers.map((r, j) => (j === i ? { ...r, distance: e.target.value } : r)))} />
                    <span>m</span>
                    <button type="button" className="link-button" data-testid={`profile-river-remove-${i}`} onClick={() => setRivers(rivers.filter((_, j) => j !== i))}>
                      {t('param.riverRemove')}
                    </button>
                  </div>
                ))}
                <button type="button" className="link-button" data-testid="profile-river-add" onClick={() => setRivers([...rivers, { river: '', distance: '1000' }])}>
                  {t('param.riverAdd')}
                </button>
              </fieldset>
            </div>
            <fieldset>
              <legend>{t('editor.rules')}</legend>
              {RULES.map((rule) => (
                <label key={rule.id} className="profile-editor-rule">
                  <input
                    type="checkbox"
                    data-testid={`profile-rule-${rule.id}`}
                    checked={rules.has(rule.id)}
                    onChange={(e) => {
                      const next = new Set(rules);
                      if (e.target.checked) next.add(rule.id);
                      else next.delete(rule.id);
                      setRules(next);
                    }}
                  />
                  <span title={rule.id}>{ruleTitle(rule.id)}</span>
                </label>
              ))}
            </fieldset>
          </div>
        )}
        <footer>
          {error && (
            <div className="profile-editor-error" role="alert" data-testid="profile-editor-error">
              {error}
            </div>
          )}
          <button type="button" onClick={onClose}>
            {t('editor.cancel')}
          </button>
          <button type="button" className="primary" data-testid="profile-editor-save" disabled={!base || saving} onClick={save}>
            {saving ? t('editor.saving') : t('editor.save')}
          </button>
        </footer>
      </div>
    </div>
  );
}

/** A profile picker companion: the button that opens the editor for the profile in force. */
export function ProfileEditButton({ profile, profiles, onSaved }: { profile: ProfileSummary | null; profiles: ProfileSummary[]; onSaved(saved: ProfileSummary): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="profile-edit-button" data-testid="profile-edit" disabled={!profile} onClick={() => setOpen(true)}>
        {t('editor.open')}
      </button>
      {/* In document.body: inside the header the dialog would share the header's stacking context and sit under the map's buttons. */}
      {open &&
        profile &&
        createPortal(
          <ProfileEditor
            profile={profile}
            takenIds={profiles.map((p) => p.id)}
            onClose={() => setOpen(false)}
            onSaved={(saved) => {
              setOpen(false);
              onSaved(saved);
            }}
          />,
          document.body,
        )}
    </>
  );
}

function suggestId(id: string, taken: string[]): string {
  for (let n = 1; ; n++) {
    const candidate = `${id}-copy${n === 1 ? '' : n}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
