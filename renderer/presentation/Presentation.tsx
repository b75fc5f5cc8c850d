/**
 * Presentation mode for review meetings: full screen, large type, one parcel per slide (map of the
 * parcel with the conflicting features and overlap polygons, the verdict, key figures and the
 * decision); ← / → (and PageUp / PageDown, space) page, Esc leaves. The slides follow the
 * submission list's order, read a page of submissions at a time as the deck reaches it
 * (querySubmissions, starting around the selected parcel), so a county's hundred thousand parcels
 * cost no more to open than thirty. The map is the project's own
 * cartography (renderer/map/FrameMap.tsx: its layers in the shared style over the relief, legend,
 * scale bar, north arrow, coordinates), so it works offline.
 */
import { useEffect, useState } from 'react';
import type { Feature, Geometry } from 'geojson';
import { SEVERITY_ORDER } from '../../shared/model/check';
import type { LayerInfo, LayerKind } from '../../shared/model/layers';
import { FrameMap } from '../map/FrameMap';
import type { ParcelReview, Submission } from '../../shared/review/model';
import { areaParts, formatDistance, formatPercent } from '../app/format';
import { api } from '../platform/api';
import { kindLabel, severityLabel, verdictLabel } from '../i18n/labels';
import { decisionLabel, statusLabel } from '../review/messages';
import { idOfFeature } from '../../shared/model/attributes';
import { t } from '../i18n';

export interface PresentationProps {
  layers: LayerInfo[];
  startAt?: { table: string; id: string } | null;
  onExit(): void;
}

interface Slide {
  table: string;
  id: string;
  submission: Submission;
}

/** Submissions read per page. */
const PAGE = 100;

/**
 * Where the deck stands: the submission, by its position in the list's order, and which of its
 * parcels (−1: its last, when the deck steps back onto a page not read yet).
 */
interface Position {
  sub: number;
  part: number;
}

/** A slide's parcel and the features its findings name, fetched by id (never whole layers). */
interface SlideFeatures {
  parcel: Feature | undefined;
  /** `${table}:${featureId}` → feature. */
  named: Record<string, Feature>;
  /** Whether the findings' features were asked for (the review had loaded). */
  withFindings: boolean;
}

async function fetchSlideFeatures(slide: Slide, review: ParcelReview | null): Promise<SlideFeatures> {
  const parcel = (await api.getFeatures({ table: slide.table, ids: [slide.id], limit: 1 })).features[0];
  const named: Record<string, Feature> = {};
  const idsByTable = new Map<string, Set<string>>();
  for (const f of review?.latestCheck?.findings ?? []) {
    if (!f.layerTable || f.featureId === undefined) continue;
    idsByTable.set(f.layerTable, (idsByTable.get(f.layerTable) ?? new Set()).add(f.featureId));
  }
  await Promise.all(
    [...idsByTable].map(async ([table, ids]) => {
      const response = await api.getFeatures({ table, ids: [...ids], limit: ids.size }).catch(() => null);
      for (const feature of response?.features ?? []) named[`${table}:${idOfFeature(feature)}`] = feature;
    }),
  );
  return { parcel, named, withFindings: review !== null };
}

export function Presentation({ layers, startAt, onExit }: PresentationProps) {
  const [pages, setPages] = useState<Record<number, Submission[]>>({});
  const [total, setTotal] = useState<number | null>(null);
  const [position, setPosition] = useState<Position>({ sub: 0, part: 0 });
  const [reviews, setReviews] = useState<Record<string, ParcelReview>>({});
  const [slideFeatures, setSlideFeatures] = useState<Record<string, SlideFeatures>>({});

  // the first page: the one around the selected parcel, which opens the deck
  useEffect(() => {
    let cancelled = false;
    api.querySubmissions({ limit: PAGE, ...(startAt ? { around: { table: startAt.table, parcelId: startAt.id } } : {}) }).then(
      (page) => {
        if (cancelled) return;
        setPages({ [page.offset / PAGE]: page.rows });
        setTotal(page.total);
        const at = startAt ? page.rows.findIndex((s) => s.parcelTable === startAt.table && s.parcelIds.includes(startAt.id)) : -1;
        if (at >= 0) setPosition({ sub: page.offset + at, part: page.rows[at].parcelIds.indexOf(startAt!.id) });
      },
      () => !cancelled && setTotal(0),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // the page the deck has moved onto, read when it gets there
  const pageIndex = Math.floor(position.sub / PAGE);
  const pageRead = pages[pageIndex] !== undefined;
  useEffect(() => {
    if (total === null || pageRead) return;
    let cancelled = false;
    api.querySubmissions({ limit: PAGE, offset: pageIndex * PAGE }).then(
      (page) => !cancelled && setPages((all) => ({ ...all, [pageIndex]: page.rows })),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [pageIndex, pageRead, total]);

  const submission = pages[pageIndex]?.[position.sub % PAGE];
  const part = submission ? (position.part < 0 ? submission.parcelIds.length - 1 : Math.min(position.part, submission.parcelIds.length - 1)) : 0;
  const slide: Slide | undefined = submission ? { table: submission.parcelTable, id: submission.parcelIds[part], submission } : undefined;
  const key = slide ? `${slide.table}\u0000${slide.id}` : '';
  const atStart = position.sub === 0 && part === 0;
  const atEnd = total !== null && position.sub >= total - 1 && (!submission || part >= submission.parcelIds.length - 1);
  // a step moves to the next or previous parcel: of the same submission, or of the one beside it
  const next = () => {
    if (!submission || atEnd) return;
    setPosition(part + 1 < submission.parcelIds.length ? { sub: position.sub, part: part + 1 } : { sub: position.sub + 1, part: 0 });
  };
  const previous = () => {
    if (!submission || atStart) return;
    setPosition(part > 0 ? { sub: position.sub, part: part - 1 } : { sub: position.sub - 1, part: -1 });
  };

  useEffect(() => {
    document.documentElement.requestFullscreen?.().catch(() => undefined);
    return () => {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'ArrowRight' || event.key === 'PageDown' || event.key === ' ') next();
      else if (event.key === 'ArrowLeft' || event.key === 'PageUp') previous();
      else if (event.key === 'Escape') onExit();
      else return;
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });

  useEffect(() => {
    if (!slide || reviews[key]) return;
    let cancelled = false;
    api.getParcelReview({ table: slide.table, parcelId: slide.id }).then((r) => !cancelled && setReviews((all) => ({ ...all, [key]: r })), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [key]);

  const loadedReview = reviews[key] ?? null;
  useEffect(() => {
    if (!slide) return;
    const have = slideFeatures[key];
    if (have && (have.withFindings || !loadedReview)) return;
    let cancelled = false;
    fetchSlideFeatures(slide, loadedReview).then((features) => !cancelled && setSlideFeatures((all) => ({ ...all, [key]: features })), () => undefined);
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, loadedReview]);

  if (!slide) {
    return (
      <div className="presentation" data-testid="presentation">
        <p>{total === 0 ? t('pr.empty') : t('pr.loading')}</p>
        <button type="button" onClick={onExit}>{t('pr.exit')}</button>
      </div>
    );
  }
  const review = reviews[key] ?? null;
  const parcel = slideFeatures[key]?.parcel;
  const check = review?.latestCheck ?? null;
  const findings = check?.findings ?? [];
  const findingGeometries = findings.map((f) => f.geometry).filter((g): g is Geometry => !!g);
  const maxOverlap = findings.filter((f) => f.overlapM2 !== undefined).sort((a, b) => (b.overlapM2 ?? 0) - (a.overlapM2 ?? 0))[0];
  const nearest = findings.filter((f) => f.distanceM !== undefined).sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0))[0];
  const decision = review?.decisions[review.decisions.length - 1] ?? null;
  const name = parcel?.properties?.name as string | undefined;

  return (
    <div className="presentation" data-testid="presentation" role="dialog" aria-label={t('pr.title')}>
      <header className="pr-header">
        <span>{t('pr.title')}</span>
        <span data-testid="presentation-counter">
          {t('pr.of', { n: position.sub + 1, total: total ?? 0 })}
          {slide.submission.parcelIds.length > 1 && t('pr.part', { n: part + 1, of: slide.submission.parcelIds.length })}
        </span>
        <button type="button" onClick={onExit} data-testid="presentation-exit">
          {t('pr.exit')}
        </button>
      </header>
      <main className="pr-slide">
        <FrameMap layers={layers} parcel={parcel ?? null} findings={findingGeometries} frameKey={`${key}\u0000${review ? 'review' : ''}`} />
        <aside className="pr-facts">
          <h1 data-testid="presentation-parcel">{slide.id}</h1>
          {name && <h2>{name}</h2>}
          <div className={`pr-verdict verdict-${check?.verdict ?? 'none'}`}>{check ? verdictLabel(check.verdict) : review ? t('pr.notChecked') : t('pr.loading')}</div>
          <dl>
            {check?.areaM2 != null && (
              <>
                <dt>{t('wb.area')}</dt>
                <dd>
                  {areaParts(check.areaM2).m2} · {areaParts(check.areaM2).mu}
                </dd>
              </>
            )}
            {maxOverlap && (
              <>
                <dt>{t('pr.maxOverlap')}</dt>
                <dd>
                  {maxOverlap.layerKind ? kindLabel(maxOverlap.layerKind as LayerKind) : ''} {maxOverlap.featureId} · {areaParts(maxOverlap.overlapM2 ?? 0).m2}（{formatPercent(maxOverlap.overlapPct ?? 0)}%）
                </dd>
              </>
            )}
            {nearest && (
              <>
                <dt>{t('pr.nearest')}</dt>
                <dd>
                  {nearest.layerKind ? kindLabel(nearest.layerKind as LayerKind) : ''} {nearest.featureId} · {formatDistance(nearest.distanceM ?? 0)}
                </dd>
              </>
            )}
            {SEVERITY_ORDER.map((s) => {
              const n = findings.filter((f) => f.severity === s).length;
              return n ? (
                <div key={s} className="pr-sev">
                  <dt>{severityLabel(s)}</dt>
                  <dd>{n}</dd>
                </div>
              ) : null;
            })}
            <dt>{t('wb.col.status')}</dt>
            <dd>{statusLabel(slide.submission.status)}</dd>
            {decision && (
              <>
                <dt>{t('wb.decisionKind')}</dt>
                <dd>
                  {decisionLabel(decision.decision)}（{decision.signature.name}，{decision.signature.date}）
                </dd>
              </>
            )}
          </dl>
        </aside>
      </main>
      <footer className="pr-footer">
        <button type="button" disabled={atStart} onClick={previous} data-testid="presentation-prev">
          ← {t('pr.prev')}
        </button>
        <span className="muted">{t('pr.keys')}</span>
        <button type="button" disabled={atEnd} onClick={next} data-testid="presentation-next">
          {t('pr.next')} →
        </button>
      </footer>
    </div>
  );
}
