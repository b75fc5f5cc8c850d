/**
 * 审查结论 of the selected parcel: verdict (colour-coded), area in m² / 公顷 / 亩, the profile in
 * force, a small map of the parcel in its frame (FrameMap: the reference layers around it, its
 * overlaps, legend, scale bar, north arrow), and the findings grouped by severity with their
 * figures and legal basis, in the reader's language. Clicking a finding draws its overlap polygon
 * or distance line on the main map.
 */
import { useEffect, useMemo, useState, type Dispatch } from 'react';
import type { Feature, Geometry } from 'geojson';
import { FrameMap } from '../map/FrameMap';
import { api } from '../platform/api';
import type { ParcelSummary, ProfileSummary } from '../../shared/api/contract';
import { SEVERITY_ORDER, type Finding, type ParcelResult } from '../../shared/model/check';
import type { LayerInfo } from '../../shared/model/layers';
import { areaParts, formatDistance, formatPercent, formatTimestamp } from '../app/format';
import { checkKey, type AppAction, type CheckState } from '../app/state';
import { findingText, ruleTitle, t } from '../i18n';
import { kindLabel, severityLabel, verdictLabel } from '../i18n/labels';
import { ElevationEvidence } from './ElevationEvidence';
import { ParcelAttributesForm } from './ParcelAttributesForm';

export interface FindingsPanelProps {
  parcel: ParcelSummary | null;
  check: CheckState;
  profile: ProfileSummary | null;
  layers: LayerInfo[];
  selectedFinding: number | null;
  dispatch: Dispatch<AppAction>;
}

export function FindingsPanel({ parcel, check, profile, layers, selectedFinding, dispatch }: FindingsPanelProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const parcelKey = parcel ? `${parcel.table}\u0000${parcel.id}` : null;
  return (
    <section className="panel findings-panel" aria-label={t('check.title')}>
      <header className="panel-header">
        <h2>{t('check.title')}</h2>
        {profile && <span className="profile-chip" title={profile.description ?? profile.id}>{t('profile.inForce', { name: profile.name })}</span>}
        {parcel && (
          <button type="button" className="link-button" data-testid="attrs-edit" aria-expanded={editing === parcelKey} onClick={() => setEditing(editing === parcelKey ? null : parcelKey)}>
            {t('parcelAttrs.edit')}
          </button>
        )}
      </header>
      <div className="findings-body">
        {parcel && editing === parcelKey && (
          <ParcelAttributesForm
            key={parcelKey}
            table={parcel.table}
            parcelId={parcel.id}
            profileId={profile?.id ?? null}
            checkKey={profile ? checkKey({ table: parcel.table, id: parcel.id }, profile.id) : null}
            dispatch={dispatch}
            onClose={() => setEditing(null)}
          />
        )}
        {body()}
      </div>
    </section>
  );

  function body() {
    if (!parcel) return <p className="panel-empty">{t('check.pick')}</p>;
    if (check.status === 'idle' && !profile) return <p className="panel-empty">{t('profile.none')}</p>;
    if (check.status === 'running' || check.status === 'idle') {
      return (
        <div className="check-running">
          <ParcelHeading parcel={parcel} />
          <p className="muted">
            <span className="spinner" aria-hidden="true" /> {t('check.running')}
          </p>
        </div>
      );
    }
    if (check.status === 'error') {
      return (
        <div>
          <ParcelHeading parcel={parcel} />
          <div className="error-box" role="alert">
            <strong>{t('check.failed')}</strong>
            <p>{check.message}</p>
          </div>
        </div>
      );
    }
    const result = check.report.parcels.find((p) => p.id === parcel.id) ?? check.report.parcels[0];
    if (!result) return <p className="panel-empty">{t('check.noFindings')}</p>;
    return renderResult(result);
  }

  function renderResult(result: ParcelResult) {
    const area = areaParts(result.areaM2);
    const report = check.status === 'done' ? check.report : null;
    return (
      <div>
        <ParcelHeading parcel={parcel as ParcelSummary} />
        <div className={`verdict verdict-${result.verdict}`} data-testid="verdict" data-verdict={result.verdict}>
          {verdictLabel(result.verdict)}
        </div>
        <dl className="facts">
          <dt>{t('check.area')}</dt>
          <dd>
            <span className="area-main">{area.m2}</span>
            <span className="area-alt">
              {area.hectares} · {area.mu}
            </span>
          </dd>
          <dt>{t('check.profile')}</dt>
          <dd>
            {profile?.name ?? report?.profile}
            {report?.profileVersion ? <span className="muted"> v{report.profileVersion}</span> : null}
          </dd>
          {report && (
            <>
              <dt>{t('check.checkedAt')}</dt>
              <dd>{formatTimestamp(report.checkedAt)}</dd>
            </>
          )}
          <ElevationEvidence result={result} />
        </dl>
        {report && <CheckFrame parcel={parcel as ParcelSummary} result={result} checkedAt={report.checkedAt} layers={layers} />}
        <h3 className="findings-title">
          {t('check.findings')} <span className="panel-count">{result.findings.length}</span>
        </h3>
        {result.findings.length === 0 && <p className="muted">{t('check.noFindings')}</p>}
        {SEVERITY_ORDER.map((severity) => {
          const group = result.findings.map((finding, index) => ({ finding, index })).filter(({ finding }) => finding.severity === severity);
          if (group.length === 0) return null;
          return (
            <div key={severity} className={`finding-group severity-${severity}`}>
              <h4>
                <span className={`severity-dot severity-${severity}`} aria-hidden="true" />
                {severityLabel(severity)} <span className="panel-count">{group.length}</span>
              </h4>
              <ul>
                {group.map(({ finding, index }) => (
                  renderFinding(finding, index)
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    );
  }

  function renderFinding(finding: Finding, index: number) {
    const selectable = Boolean(finding.geometry);
    const selected = selectedFinding === index;
    const layer = finding.layerTable ? layers.find((l) => l.table === finding.layerTable) : undefined;
    const className = ['finding', `severity-${finding.severity}`, selectable ? 'is-selectable' : '', selected ? 'is-selected' : ''].filter(Boolean).join(' ');
    const content = (
      <>
        <p className="finding-message">{findingText(finding)}</p>
        <Figure finding={finding} />
        {(finding.layerKind || finding.featureId) && (
          <p className="finding-meta">
            {t('check.feature')}：{layer?.title ?? (finding.layerKind ? kindLabel(finding.layerKind) : '')}
            {finding.featureId ? ` · ${finding.featureId}` : ''}
          </p>
        )}
        <p className="finding-basis">
          <span className="basis-label">{t('check.basis')}</span>
          {finding.basis || '—'}
        </p>
        {/* the rule id stays in the tooltip (the details); the reviewer reads the rule's title */}
        <p className="finding-rule" title={finding.rule}>
          {t('check.rule', { title: ruleTitle(finding.rule) })}
        </p>
      </>
    );
    return (
      <li key={index}>
        {selectable ? (
          <button
            type="button"
            className={className}
            data-testid="finding"
            data-rule={finding.rule}
            aria-pressed={selected}
            title={t('check.showOnMap')}
            onClick={() => dispatch({ type: 'selectFinding', index })}
          >
            {content}
          </button>
        ) : (
          <div className={className} data-testid="finding" data-rule={finding.rule}>
            {content}
          </div>
        )}
      </li>
    );
  }
}

/**
 * The checked parcel on a small map: its own outline (fetched by id, never a layer) and the
 * overlaps and distance lines of its findings over the reference layers in its frame. A new check
 * fits it again; a change of the project's layers builds the map anew (its sources are the layers).
 */
function CheckFrame({ parcel, result, checkedAt, layers }: { parcel: ParcelSummary; result: ParcelResult; checkedAt: string; layers: LayerInfo[] }) {
  const [feature, setFeature] = useState<{ key: string; feature: Feature | null } | null>(null);
  const key = `${parcel.table}\u0000${parcel.id}\u0000${checkedAt}`;
  useEffect(() => {
    let cancelled = false;
    api.getFeatures({ table: parcel.table, ids: [parcel.id], limit: 1 }).then(
      (response) => !cancelled && setFeature({ key, feature: response.features[0] ?? null }),
      () => !cancelled && setFeature({ key, feature: null }),
    );
    return () => {
      cancelled = true;
    };
  }, [key]);
  const geometries = useMemo(() => result.findings.map((f) => f.geometry).filter((g): g is Geometry => !!g), [result]);
  const layersKey = layers.map((l) => `${l.table}:${l.kind}`).join('|');
  // the map stays while the next parcel's outline is fetched: no new WebGL context per check
  const outline = feature && feature.key === key ? feature.feature : null;
  return <FrameMap key={layersKey} variant="panel" layers={layers} parcel={outline} findings={geometries} frameKey={`${key}\u0000${outline ? 'parcel' : ''}`} />;
}

function ParcelHeading({ parcel }: { parcel: ParcelSummary }) {
  return (
    <div className="parcel-heading">
      <span className="parcel-heading-label">{t('check.parcel')}</span>
      <strong>{parcel.id}</strong>
      {parcel.name && <span className="parcel-heading-name">{parcel.name}</span>}
    </div>
  );
}

function Figure({ finding }: { finding: Finding }) {
  if (finding.overlapM2 !== undefined) {
    const area = areaParts(finding.overlapM2);
    return (
      <p className="finding-figure">
        <span className="figure-label">{t('check.overlap')}</span>
        <span className="figure-value">{area.m2}</span>
        <span className="figure-alt">
          {area.hectares} · {area.mu}
        </span>
        {finding.overlapPct !== undefined && <span className="figure-pct">{t('check.ofParcel', { pct: formatPercent(finding.overlapPct) })}</span>}
      </p>
    );
  }
  if (finding.distanceM !== undefined) {
    return (
      <p className="finding-figure">
        <span className="figure-label">{t('check.distance')}</span>
        <span className="figure-value">{formatDistance(finding.distanceM)}</span>
      </p>
    );
  }
  return null;
}
