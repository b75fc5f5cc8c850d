/**
 * 地块列表: the project's parcels as one scrolling list that holds only the rows in view (a county
 * has 100 000). Search, filters and sort are a query of the store (queryParcels), asked a page at a
 * time as the user scrolls; picking a row selects the parcel (zoom, highlight, check).
 */
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type Dispatch } from 'react';
import type { ParcelSummary } from '../../shared/api/contract';
import type { Verdict } from '../../shared/model/check';
import type { LayerInfo } from '../../shared/model/layers';
import type { AppAction, ParcelListFilter, ParcelRef } from '../app/state';
import { t, type MessageKey } from '../i18n';
import { formatAttributeValue, verdictLabel } from '../i18n/labels';
import { api, userMessage } from '../platform/api';
import { PARCEL_PAGE_SIZE, ParcelPages, type ParcelListQuery } from './parcel-pages';

/** Fixed row height: the scroll height is total × this, so no row needs measuring. */
const ROW_HEIGHT_PX = 50;
/** Rows drawn beyond each edge of the view, so a flick does not show blanks. */
const OVERSCAN_ROWS = 8;
/** A list this short is drawn whole (the demo's ~30 parcels): nothing to gain from windowing. */
const DRAW_ALL_BELOW = PARCEL_PAGE_SIZE;
const TYPING_PAUSE_MS = 250;

const VERDICTS: Verdict[] = ['prohibited', 'conditional', 'permitted'];
/** Canonical 拟办事项 values (shared/model/attributes.ts), labelled by formatAttributeValue. */
const ACTIONS = ['supply', 'recover', 'acquire', 'change-use', 'transfer', 'construct', 'reclaim'];
const SORT_KEYS: ParcelListFilter['sort']['key'][] = ['id', 'name', 'plannedUse', 'verdict'];

export interface ParcelListProps {
  layers: LayerInfo[];
  filter: ParcelListFilter;
  selected: ParcelRef | null;
  /** Changes when the rows may have changed (a check, a sweep, a reload): pages are asked again. */
  revision: string;
  dispatch: Dispatch<AppAction>;
}

export function ParcelList({ layers, filter, selected, revision, dispatch }: ParcelListProps) {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const pages = useMemo(() => new ParcelPages((query) => api.queryParcels(query), redraw), []);
  const parcelLayers = layers.filter((l) => l.kind === 'parcel');
  const query = useMemo(() => toQuery(filter), [filter]);
  const queryKey = JSON.stringify(query);
  pages.show(query, revision);

  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(400);
  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewHeight(element.clientHeight));
    observer.observe(element);
    setViewHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);
  // A new query starts at its top.
  useLayoutEffect(() => {
    if (viewport.current) viewport.current.scrollTop = 0;
    setScrollTop(0);
  }, [queryKey]);

  const total = pages.total;
  const count = total ?? 0;
  const drawAll = count <= DRAW_ALL_BELOW;
  const first = drawAll ? 0 : Math.max(0, Math.floor(scrollTop / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
  const last = drawAll ? count - 1 : Math.min(count - 1, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT_PX) + OVERSCAN_ROWS);
  useEffect(() => {
    pages.ensure(first, Math.max(first, last));
  });

  const error = pages.error;
  const rows: { index: number; parcel: ParcelSummary | undefined }[] = [];
  for (let index = first; index <= last; index++) rows.push({ index, parcel: pages.row(index) });

  return (
    <section className="panel parcel-panel" aria-label={t('parcels.title')}>
      <header className="panel-header">
        <h2>
          {t('parcels.title')}{' '}
          <span className="panel-count" data-testid="parcel-count">
            {total ?? '…'}
          </span>
        </h2>
      </header>
      <ParcelFilters filter={filter} layers={parcelLayers} dispatch={dispatch} />
      {error !== null && (
        <p className="panel-empty parcel-error" role="alert">
          {t('parcels.failed', { message: userMessage(error) })}
        </p>
      )}
      {total === 0 && <p className="panel-empty">{isUnfiltered(filter) ? t('parcels.empty') : t('parcels.noMatch')}</p>}
      <div className="parcel-viewport" ref={viewport} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)} data-testid="parcel-list">
        <ul className="parcel-list" role="listbox" aria-label={t('parcels.title')} aria-busy={total === null} style={{ height: count * ROW_HEIGHT_PX }}>
          {rows.map(({ index, parcel }) => (
            <li key={parcel ? `${parcel.table}/${parcel.id}` : `#${index}`} role="option" aria-selected={!!parcel && isSelected(parcel, selected)} style={{ top: index * ROW_HEIGHT_PX, height: ROW_HEIGHT_PX }}>
              {parcel ? <ParcelRow parcel={parcel} selected={isSelected(parcel, selected)} dispatch={dispatch} /> : <div className="parcel-item is-loading">{t('parcels.loading')}</div>}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function ParcelRow({ parcel, selected, dispatch }: { parcel: ParcelSummary; selected: boolean; dispatch: Dispatch<AppAction> }) {
  return (
    <button
      type="button"
      className={selected ? 'parcel-item is-selected' : 'parcel-item'}
      data-testid={`parcel-item-${parcel.id}`}
      onClick={() => dispatch({ type: 'selectParcel', parcel: { table: parcel.table, id: parcel.id }, summary: parcel })}
    >
      <span className="parcel-id">{parcel.id}</span>
      <span className="parcel-name">{parcel.name ?? t('parcels.unnamed')}</span>
      <span className={`parcel-verdict verdict-chip-${parcel.verdict ?? 'unchecked'}`} data-testid="parcel-verdict" data-verdict={parcel.verdict ?? 'unchecked'}>
        {parcel.verdict ? verdictLabel(parcel.verdict) : t('parcels.unchecked')}
      </span>
      <span className="parcel-use">
        {t('parcels.plannedUse')}：{parcel.plannedUse ?? '—'}
        {parcel.action ? ` · ${t('parcels.action')}：${formatAttributeValue('parcel', 'action', parcel.action)}` : ''}
      </span>
    </button>
  );
}

/** Search and code boxes ask the store once typing pauses; selects ask at once. */
function ParcelFilters({ filter, layers, dispatch }: { filter: ParcelListFilter; layers: LayerInfo[]; dispatch: Dispatch<AppAction> }) {
  const [search, setSearch] = useState(filter.search);
  const [plannedUse, setPlannedUse] = useState(filter.plannedUse);
  useEffect(() => {
    if (search === filter.search && plannedUse === filter.plannedUse) return;
    const timer = setTimeout(() => dispatch({ type: 'setParcelFilter', filter: { search, plannedUse } }), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search, plannedUse, filter.search, filter.plannedUse, dispatch]);
  const set = (patch: Partial<ParcelListFilter>) => dispatch({ type: 'setParcelFilter', filter: patch });

  return (
    <div className="parcel-filters">
      <input
        className="parcel-filter"
        type="search"
        placeholder={t('parcels.filter')}
        aria-label={t('parcels.search')}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        data-testid="parcel-search"
      />
      <div className="parcel-filter-row">
        <select aria-label={t('parcels.filterVerdict')} value={filter.verdict} onChange={(event) => set({ verdict: event.target.value as ParcelListFilter['verdict'] })} data-testid="parcel-filter-verdict">
          <option value="">{t('parcels.allVerdicts')}</option>
          {VERDICTS.map((v) => (
            <option key={v} value={v}>
              {verdictLabel(v)}
            </option>
          ))}
          <option value="unchecked">{t('parcels.unchecked')}</option>
        </select>
        <select aria-label={t('parcels.action')} value={filter.action} onChange={(event) => set({ action: event.target.value })} data-testid="parcel-filter-action">
          <option value="">{t('parcels.allActions')}</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {formatAttributeValue('parcel', 'action', a)}
            </option>
          ))}
        </select>
        <input
          className="parcel-use-prefix"
          inputMode="numeric"
          placeholder={t('parcels.usePrefix')}
          title={t('parcels.usePrefixHint')}
          aria-label={t('parcels.usePrefixHint')}
          value={plannedUse}
          onChange={(event) => setPlannedUse(event.target.value)}
          data-testid="parcel-filter-use"
        />
      </div>
      <div className="parcel-filter-row">
        {layers.length > 1 && (
          <select aria-label={t('parcels.filterLayer')} value={filter.table} onChange={(event) => set({ table: event.target.value })} data-testid="parcel-filter-layer">
            <option value="">{t('parcels.allLayers')}</option>
            {layers.map((l) => (
              <option key={l.table} value={l.table}>
                {l.title}
              </option>
            ))}
          </select>
        )}
        <select aria-label={t('parcels.sort')} value={filter.sort.key} onChange={(event) => set({ sort: { ...filter.sort, key: event.target.value as ParcelListFilter['sort']['key'] } })} data-testid="parcel-sort">
          {SORT_KEYS.map((key) => (
            <option key={key} value={key}>
              {t(`parcels.sort.${key}` as MessageKey)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="parcel-sort-direction"
          aria-pressed={!!filter.sort.descending}
          onClick={() => set({ sort: { ...filter.sort, descending: !filter.sort.descending } })}
          data-testid="parcel-sort-direction"
        >
          {filter.sort.descending ? `↓ ${t('parcels.descending')}` : `↑ ${t('parcels.ascending')}`}
        </button>
      </div>
    </div>
  );
}

function toQuery(filter: ParcelListFilter): ParcelListQuery {
  const query: ParcelListQuery = { sort: filter.sort };
  if (filter.search.trim()) query.search = filter.search.trim();
  if (filter.verdict) query.verdict = filter.verdict;
  if (filter.plannedUse.trim()) query.plannedUse = filter.plannedUse.trim();
  if (filter.action) query.action = filter.action;
  if (filter.table) query.table = filter.table;
  return query;
}

function isUnfiltered(filter: ParcelListFilter): boolean {
  return !filter.search.trim() && !filter.verdict && !filter.plannedUse.trim() && !filter.action && !filter.table;
}

function isSelected(parcel: ParcelSummary, selected: ParcelRef | null): boolean {
  return selected?.table === parcel.table && selected.id === parcel.id;
}
