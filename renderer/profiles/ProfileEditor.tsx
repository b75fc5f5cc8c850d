/**
 * Profile editor dialog (issue 4): duplicate a built-in profile into the project, or edit a project
 * profile — rename, switch rules on and off, change the numeric parameters. On save the draft is
 * checked with the same validator the files go through (shared/rules/profile.ts validateProfile),
 * errors shown in Chinese naming the field; the Node side validates again before storing it in
 * the project (landgate_profiles).
 */
import { useEffect, useState } from 'react';
import type { ProfileSummary } from '../../shared/api/contract';
import { UserInputError } from '../../shared/model/errors';
import { RULES } from '../../shared/rules/catalogue';
import { validateProfile, type Profile, type ProfileParameters } from '../../shared/rules/profile';
import { api, toApiError } from '../platform/api';
import { getLocale } from '../i18n';
import { pt } from './messages';
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
const NUMERIC: { key: NumericKey; label: Parameters<typeof pt>[0]; nullable?: boolean }[] = [
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

export function ProfileEditor({ profile, takenIds, onClose, onSaved }: Props) {
  const [base, setBase] = useState<Profile | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const isCopy = profile.source !== 'project';
  const [id, setId] = useState(isCopy ? suggestId(profile.id, takenIds) : profile.id);
  const [name, setName] = useState(isCopy ? `${profile.name}（副本）` : profile.name);
  const [rules, setRules] = useState<Set<string>>(new Set());
  const [numbers, setNumbers] = useState<Record<string, string>>({});
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
        p.parameters.riverAgriLimits.forEach((limit, i) => (values[`riverAgri${i}`] = String(limit.distanceM)));
        setNumbers(values);
      },
      (e: unknown) => setLoadError(message(e)),
    );
  }, [profile.id]);

  const draft = (): unknown => {
    if (!base) return null;
    const parameters: Record<string, unknown> = { ...base.parameters };
    for (const { key, nullable } of NUMERIC) parameters[key] = parseNumber(numbers[key] ?? '', nullable === true);
    parameters.riverGreenBufferM = { main: parseNumber(numbers.riverGreenMain ?? '', false), tributary: parseNumber(numbers.riverGreenTributary ?? '', false) };
    parameters.riverAgriLimits = base.parameters.riverAgriLimits.map((limit, i) => ({ river: limit.river, distanceM: parseNumber(numbers[`riverAgri${i}`] ?? '', false) }));
    return {
      id: id.trim(),
      name: name.trim(),
      version: isCopy ? '1' : base.version,
      ...(base.description ? { description: base.description } : {}),
      basedOn: isCopy ? base.id : base.basedOn,
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
      setError(e instanceof UserInputError ? (getLocale() === 'zh-CN' ? e.messageZh : e.messageEn) : String(e));
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
        setError(message(e));
      },
    );
  };

  return (
    <div className="profile-editor-backdrop" role="dialog" aria-modal="true" data-testid="profile-editor">
      <div className="profile-editor">
        <header>
          <h2>{isCopy ? pt('editor.titleCopy', { name: profile.name }) : pt('editor.titleEdit', { name: profile.name })}</h2>
          <div className="profile-editor-note">{isCopy ? pt('editor.builtinNote', { id: profile.id }) : pt('editor.projectNote')}</div>
        </header>
        {!base && !loadError && <div className="profile-editor-body">{pt('editor.loading')}</div>}
        {loadError && <div className="profile-editor-error">{loadError}</div>}
        {base && (
          <div className="profile-editor-body">
            <div>
              <fieldset>
                <legend>{pt('editor.name')}</legend>
                <label className="profile-editor-field">
                  <span>{pt('editor.id')}</span>
                  <input data-testid="profile-editor-id" value={id} disabled={!isCopy} onChange={(e) => setId(e.target.value)} />
                </label>
                <label className="profile-editor-field">
                  <span>{pt('editor.name')}</span>
                  <input data-testid="profile-editor-name" value={name} onChange={(e) => setName(e.target.value)} />
                </label>
                <div className="profile-editor-field">
                  <span>{pt('editor.version')}</span>
                  <span>{isCopy ? '1' : base.version}</span>
                </div>
                <div className="profile-editor-field">
                  <span>{pt('editor.basedOn')}</span>
                  <span>{isCopy ? base.id : base.basedOn ?? '—'}</span>
                </div>
              </fieldset>
              <fieldset>
                <legend>{pt('editor.parameters')}</legend>
                {NUMERIC.map(({ key, label }) => (
                  <label key={key} className="profile-editor-field">
                    <span>{pt(label)}</span>
                    <input data-testid={`profile-param-${key}`} inputMode="decimal" value={numbers[key] ?? ''} placeholder={key === 'heatBandM' ? pt('editor.none') : ''} onChange={(e) => setNumbers({ ...numbers, [key]: e.target.value })} />
                  </label>
                ))}
                <label className="profile-editor-field">
                  <span>{pt('param.riverGreenMain')}</span>
                  <input inputMode="decimal" value={numbers.riverGreenMain ?? ''} onChange={(e) => setNumbers({ ...numbers, riverGreenMain: e.target.value })} />
                </label>
                <label className="profile-editor-field">
                  <span>{pt('param.riverGreenTributary')}</span>
                  <input inputMode="decimal" value={numbers.riverGreenTributary ?? ''} onChange={(e) => setNumbers({ ...numbers, riverGreenTributary: e.target.value })} />
                </label>
                {base.parameters.riverAgriLimits.map((limit, i) => (
                  <label key={limit.river} className="profile-editor-field">
                    <span>{pt('param.riverAgri', { river: limit.river })}</span>
                    <input inputMode="decimal" value={numbers[`riverAgri${i}`] ?? ''} onChange={(e) => setNumbers({ ...numbers, [`riverAgri${i}`]: e.target.value })} />
                  </label>
                ))}
              </fieldset>
            </div>
            <fieldset>
              <legend>{pt('editor.rules')}</legend>
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
                  <span>
                    {rule.titleZh}
                    <br />
                    <code>{rule.id}</code>
                  </span>
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
            {pt('editor.cancel')}
          </button>
          <button type="button" className="primary" data-testid="profile-editor-save" disabled={!base || saving} onClick={save}>
            {saving ? pt('editor.saving') : pt('editor.save')}
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
        {pt('editor.open')}
      </button>
      {open && profile && (
        <ProfileEditor
          profile={profile}
          takenIds={profiles.map((p) => p.id)}
          onClose={() => setOpen(false)}
          onSaved={(saved) => {
            setOpen(false);
            onSaved(saved);
          }}
        />
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

function message(e: unknown): string {
  const apiError = toApiError(e);
  return getLocale() === 'zh-CN' ? apiError.messageZh : apiError.messageEn;
}
