/**
 * The review of one parcel: system verdict, findings by severity with figures and basis (a click
 * draws the overlap polygon / distance line on the map), the overlap table in m² / 公顷 / 亩 / %,
 * the opinion + conditions + decision + signature form (conditions pre-filled from the check's
 * `condition` findings), the revision history, and the PDF / XLSX exports.
 */
import { useEffect, useState, type Dispatch } from 'react';
import { SEVERITY_ORDER, type Finding } from '../../shared/model/check';
import type { LayerInfo, LayerKind } from '../../shared/model/layers';
import { DECISION_KINDS, type DecisionKind, type ParcelReview } from '../../shared/review/model';
import { areaParts, formatDistance, formatPercent, formatTimestamp } from '../app/format';
import type { AppAction, CheckState, ParcelRef } from '../app/state';
import { api } from '../platform/api';
import { printableBasemapId } from '../map/basemap';
import { kindLabel, severityLabel, verdictLabel } from '../i18n/labels';
import { lastSigner, SIGNER_KEY, today, userMessage } from './common';
import { saveExportedFile } from './download';
import { decisionLabel } from './messages';
import { Feedback } from './Feedback';
import { findingText, getLocale, t, tText } from '../i18n';

export interface ReviewPanelProps {
  parcel: ParcelRef | null;
  check: CheckState;
  layers: LayerInfo[];
  selectedFinding: number | null;
  dispatch: Dispatch<AppAction>;
  /** Called after a signature, so the submission list refreshes. */
  onChanged(): void;
  /** Opens another parcel of the same submission (the parcel switcher). */
  onOpenParcel?(parcel: ParcelRef): void;
}

const AUTHORITY_KEY = 'landgate.review.authority';

function fmtArea(m2: number) {
  const a = areaParts(m2);
  return `${a.m2} · ${a.hectares} · ${a.mu}`;
}

export function ReviewPanel({ parcel, check, layers, selectedFinding, dispatch, onChanged, onOpenParcel }: ReviewPanelProps) {
  const [review, setReview] = useState<ParcelReview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [opinion, setOpinion] = useState('');
  const [conditions, setConditions] = useState('');
  const [decision, setDecision] = useState<DecisionKind>('approved');
  const [name, setName] = useState(() => lastSigner().name);
  const [department, setDepartment] = useState(() => lastSigner().department);
  const [date, setDate] = useState(today());
  const [revising, setRevising] = useState(false);
  const [reason, setReason] = useState('');
  const [month, setMonth] = useState(today().slice(0, 7));
  const [authority, setAuthority] = useState(() => {
    try {
      return localStorage.getItem(AUTHORITY_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const doneKey = check.status === 'done' ? check.key : null;

  useEffect(() => {
    if (!parcel) return;
    let cancelled = false;
    api.getParcelReview({ table: parcel.table, parcelId: parcel.id }).then(
      (r) => {
        if (cancelled) return;
        setReview(r);
        setError(null);
        const last = r.decisions[r.decisions.length - 1];
        setRevising(false);
        setReason('');
        if (last) {
          setOpinion(last.opinion);
          setConditions(last.conditions.join('\n'));
          setDecision(last.decision);
        } else {
          setOpinion('');
          setConditions(r.suggestedConditions.join('\n'));
          setDecision(r.suggestedDecision);
        }
      },
      (e: unknown) => !cancelled && setError(userMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [parcel?.table, parcel?.id, doneKey]);

  if (!parcel) return <p className="panel-empty">{t('wb.pick')}</p>;
  const result = check.status === 'done' ? check.report.parcels[0] : null;
  const findings = result?.findings ?? [];
  const last = review?.decisions[review.decisions.length - 1] ?? null;
  const locked = last !== null && !revising;
  // A multi-parcel submission is decided as a whole: one signature covers all its parcels.
  const siblings = review && review.parcelId === parcel.id ? review.submissionParcels : [];
  const multi = siblings.length > 1;
  // Parcels of the submission signed on their own: signing the submission revises their decisions (review-store.ts).
  const decidedSiblings = multi ? siblings.filter((p) => p.parcelId !== parcel.id && p.decision !== null) : [];
  const needsReason = revising || (!locked && decidedSiblings.length > 0);

  async function sign() {
    if (!parcel) return;
    setBusy(true);
    setError(null);
    try {
      const signed = await api.signDecision({
        table: parcel.table,
        parcelId: parcel.id,
        decision,
        opinion,
        conditions: conditions.split('\n'),
        signature: { name, department, date },
        checkId: review?.latestCheck?.checkId,
        supersedes: last ? last.id : undefined,
        revisionReason: last || decidedSiblings.length > 0 ? reason : undefined,
        coverSubmission: multi || undefined,
      });
      setMessage(t('wb.signed', { decision: decisionLabel(signed.decision), revision: signed.revision, name: signed.signature.name, date: signed.signature.date }));
      try {
        localStorage.setItem(SIGNER_KEY, JSON.stringify({ name: signed.signature.name, department: signed.signature.department }));
      } catch {
        // storage unavailable: nothing to remember
      }
      const r = await api.getParcelReview({ table: parcel.table, parcelId: parcel.id });
      setReview(r);
      setRevising(false);
      setReason('');
      onChanged();
    } catch (e) {
      setError(userMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function exportFile(kind: 'pdf' | 'xlsx') {
    if (!parcel) return;
    setBusy(true);
    setError(null);
    try {
      const issuer = authority.trim() || undefined;
      // the 意见书 map is drawn over the basemap chosen on the map when that can be printed (a raster one)
      const file =
        kind === 'pdf'
          ? await api.exportReviewPdf({ table: parcel.table, parcelId: parcel.id, authority: issuer, basemap: printableBasemapId() })
          : await api.exportMonthlySummary({ month, authority: issuer });
      try {
        localStorage.setItem(AUTHORITY_KEY, authority.trim());
      } catch {
        // storage unavailable
      }
      saveExportedFile(file);
      setMessage(t('wb.exported', { file: file.fileName }));
    } catch (e) {
      setError(userMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const layerTitle = (f: Finding) => layers.find((l) => l.table === f.layerTable)?.title ?? (f.layerKind ? kindLabel(f.layerKind as LayerKind) : '—');
  const overlaps = findings.filter((f, i) => f.overlapM2 !== undefined && findings.findIndex((g) => g.overlapM2 !== undefined && g.layerTable === f.layerTable && g.featureId === f.featureId) === i);

  return (
    <div className="wb-review" data-testid="review-panel">
      <div className="wb-review-head">
        <h3>
          {parcel.id}
          {review?.submission && review.submission.title !== parcel.id && <span className="muted"> · {review.submission.title}</span>}
        </h3>
        {check.status === 'running' && (
          <p className="muted">
            <span className="spinner" aria-hidden="true" /> {t('wb.checking')}
          </p>
        )}
        {result && (
          <div className={`wb-verdict verdict-${result.verdict}`} data-testid="review-verdict">
            <span>{t('wb.verdict')}</span>
            <strong>{verdictLabel(result.verdict)}</strong>
            <span className="muted">
              {t('wb.area')} {fmtArea(result.areaM2)}
            </span>
            <span className="muted">{formatTimestamp(check.status === 'done' ? check.report.checkedAt : '')}</span>
          </div>
        )}
      </div>
      <Feedback error={error} message={message} testid="review" />

      {multi && review && (
        <section className="wb-submission" data-testid="submission-parcels">
          <h4>{t('wb.sub.parcels', { n: siblings.length })}</h4>
          <p data-testid="submission-verdict">
            {t('wb.sub.verdict')}：
            <strong className={review.submissionVerdict ? `verdict-${review.submissionVerdict}` : ''}>{review.submissionVerdict ? verdictLabel(review.submissionVerdict) : t('wb.sub.unchecked')}</strong>
          </p>
          <div className="wb-row">
            {siblings.map((p) => (
              <button
                key={p.parcelId}
                type="button"
                className={p.parcelId === parcel.id ? 'active' : ''}
                aria-pressed={p.parcelId === parcel.id}
                disabled={!onOpenParcel}
                onClick={() => p.parcelId !== parcel.id && onOpenParcel?.({ table: parcel.table, id: p.parcelId })}
                data-testid={`submission-parcel-${p.parcelId}`}
              >
                {p.parcelId} · {p.verdict ? verdictLabel(p.verdict) : t('wb.sub.parcelUnchecked')}
                {p.decision && <span className="muted"> · {decisionLabel(p.decision)}</span>}
              </button>
            ))}
          </div>
        </section>
      )}

      <section>
        <h4>{t('wb.findings')}</h4>
        {result && findings.length === 0 && <p className="muted">{t('wb.noFindings')}</p>}
        {SEVERITY_ORDER.map((severity) => {
          const items = findings.map((f, index) => ({ f, index })).filter(({ f }) => f.severity === severity);
          if (items.length === 0) return null;
          return (
            <div key={severity} className="wb-severity-group">
              <h5>
                <span className={`severity-dot severity-${severity}`} aria-hidden="true" /> {severityLabel(severity)}（{items.length}）
              </h5>
              <ul>
                {items.map(({ f, index }) => (
                  <li key={index}>
                    <button type="button" className={`wb-finding severity-${severity}${selectedFinding === index ? ' selected' : ''}`} onClick={() => dispatch({ type: 'selectFinding', index })} data-testid="review-finding">
                      <span className="wb-finding-msg">{findingText(f)}</span>
                      <span className="wb-finding-fig">
                        {f.overlapM2 !== undefined && `${fmtArea(f.overlapM2)} · ${formatPercent(f.overlapPct ?? 0)}%`}
                        {f.distanceM !== undefined && formatDistance(f.distanceM)}
                      </span>
                      <span className="wb-finding-basis">
                        {t('wb.basis')}：{f.basis}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </section>

      <section>
        <h4>{t('wb.overlaps')}</h4>
        {result && overlaps.length === 0 && <p className="muted">{t('wb.noOverlaps')}</p>}
        {overlaps.length > 0 && (
          <table className="wb-table wb-overlaps" data-testid="overlap-table">
            <thead>
              <tr>
                <th>{t('wb.ov.layer')}</th>
                <th>{t('wb.ov.feature')}</th>
                <th>m²</th>
                <th>公顷</th>
                <th>亩</th>
                <th>{t('wb.ov.pct')}</th>
              </tr>
            </thead>
            <tbody>
              {overlaps.map((f) => {
                const a = areaParts(f.overlapM2 ?? 0);
                return (
                  <tr key={`${f.layerTable}:${f.featureId}`}>
                    <td>{layerTitle(f)}</td>
                    <td>{f.featureId ?? '—'}</td>
                    <td className="num">{a.m2}</td>
                    <td className="num">{a.hectares}</td>
                    <td className="num">{a.mu}</td>
                    <td className="num">{formatPercent(f.overlapPct ?? 0)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="wb-decision">
        <h4>{t('wb.decision')}</h4>
        {multi && <p className="muted">{t('wb.sub.covers', { n: siblings.length })}</p>}
        {last && (
          <p className="wb-signed" data-testid="review-signed">
            {t('wb.signed', { decision: decisionLabel(last.decision), revision: last.revision, name: last.signature.name, date: last.signature.date })}
            <br />
            <span className="muted">{t('wb.signedImmutable')}</span>
          </p>
        )}
        <label className="wb-field">
          <span>{t('wb.opinion')}</span>
          <textarea rows={3} value={opinion} disabled={locked} onChange={(e) => setOpinion(e.target.value)} data-testid="review-opinion" />
        </label>
        <label className="wb-field">
          <span>{t('wb.conditions')}</span>
          <textarea rows={4} value={conditions} disabled={locked} onChange={(e) => setConditions(e.target.value)} data-testid="review-conditions" />
        </label>
        {/* the conditions are pre-filled in Chinese, the language of the signed decision; a reader of another language gets them in theirs */}
        {!locked && getLocale() !== 'zh-CN' && review?.suggestedConditionTexts && review.suggestedConditionTexts.length > 0 && (
          <p className="muted" data-testid="review-conditions-suggested">
            {t('wb.conditionsSuggested', { list: review.suggestedConditionTexts.map((c) => tText(c)).join('; ') })}
          </p>
        )}
        <div className="wb-row">
          <label className="wb-field">
            <span>{t('wb.decisionKind')}</span>
            <select value={decision} disabled={locked} onChange={(e) => setDecision(e.target.value as DecisionKind)} data-testid="review-decision">
              {DECISION_KINDS.map((d) => (
                <option key={d} value={d}>
                  {decisionLabel(d)}
                </option>
              ))}
            </select>
          </label>
          <label className="wb-field">
            <span>{t('wb.signer')}</span>
            <input value={name} disabled={locked} onChange={(e) => setName(e.target.value)} data-testid="review-signer" />
          </label>
          <label className="wb-field">
            <span>{t('wb.department')}</span>
            <input value={department} disabled={locked} onChange={(e) => setDepartment(e.target.value)} data-testid="review-department" />
          </label>
          <label className="wb-field">
            <span>{t('wb.date')}</span>
            <input type="date" value={date} disabled={locked} onChange={(e) => setDate(e.target.value)} data-testid="review-date" />
          </label>
        </div>
        {!locked && decidedSiblings.length > 0 && (
          <p className="wb-note" role="note" data-testid="review-revises-siblings">
            {t('wb.sub.revisesSiblings', { parcels: decidedSiblings.map((p) => `${p.parcelId}（${decisionLabel(p.decision!)}）`).join('、') })}
          </p>
        )}
        {needsReason && (
          <label className="wb-field">
            <span>{t('wb.revisionReason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="review-reason" />
          </label>
        )}
        <div className="wb-actions">
          {locked ? (
            <button type="button" onClick={() => setRevising(true)} data-testid="review-revise">
              {t('wb.revise')}
            </button>
          ) : (
            <button type="button" className="primary" disabled={busy} onClick={sign} data-testid="review-sign">
              {last ? t('wb.signRevision') : t('wb.sign')}
            </button>
          )}
        </div>
      </section>

      <section>
        <h4>{t('wb.history')}</h4>
        {review && review.decisions.length === 0 && <p className="muted">{t('wb.noHistory')}</p>}
        <ol className="wb-history" data-testid="review-history">
          {review?.decisions.map((d) => (
            <li key={d.id}>
              <b>
                #{d.revision} {decisionLabel(d.decision)}
              </b>{' '}
              {d.signature.name}（{d.signature.department}）{d.signature.date}
              {d.supersedes !== null && <span className="muted"> · {t('wb.supersedes', { n: d.revision - 1 })}：{d.revisionReason}</span>}
              <div className="muted">{d.opinion}</div>
            </li>
          ))}
        </ol>
      </section>

      <section className="wb-exports">
        <h4>{t('wb.export')}</h4>
        <label className="wb-field">
          <span>{t('wb.authority')}</span>
          <input value={authority} placeholder={t('wb.authorityHint')} onChange={(e) => setAuthority(e.target.value)} data-testid="export-authority" />
        </label>
        <div className="wb-row">
          <button type="button" disabled={busy} onClick={() => exportFile('pdf')} data-testid="export-pdf">
            {t('wb.exportPdf')}
          </button>
          <label className="wb-field wb-inline">
            <span>{t('wb.month')}</span>
            <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="export-month" />
          </label>
          <button type="button" disabled={busy} onClick={() => exportFile('xlsx')} data-testid="export-xlsx">
            {t('wb.exportXlsx')}
          </button>
        </div>
      </section>
    </div>
  );
}
