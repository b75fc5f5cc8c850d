/**
 * 属性表: one layer's attributes in a drawer docked under the map, as QGIS users know it. Only the
 * rows in view are in the DOM and pages of 100 are asked for as they scroll in (a county layer
 * has 100 000 features); sorting, the search and the column filter are queries of the store.
 * A row click selects the feature: parcels through the app's parcel selection (check, verdict),
 * other layers through the map's identify popup and a zoom to the feature. The app mounts one
 * per layer (keyed by table), so another layer starts with its own sort, search and filter.
 */
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type Dispatch } from 'react';
import type { AttributeTableColumn, AttributeTableFilter } from '../../shared/api/contract';
import type { LayerInfo } from '../../shared/model/layers';
import type { AppAction, ParcelRef } from '../app/state';
import { getLocale, t } from '../i18n';
import { formatAttributeValue } from '../i18n/labels';
import { geometryBBox } from '../map/geodesy-display';
import { api, userMessage } from '../platform/api';
import { AttributePages, type AttributeListQuery, type AttributeRow } from './attribute-pages';

/** Fixed row height: the scroll height is total × this, so no row needs measuring. */
const ROW_HEIGHT_PX = 28;
const HEADER_HEIGHT_PX = 30;
const COLUMN_WIDTH_PX = 150;
/** Rows drawn beyond each edge of the view, so a flick does not show blanks. */
const OVERSCAN_ROWS = 6;
const TYPING_PAUSE_MS = 250;

export interface AttributeTableProps {
  layer: LayerInfo;
  selectedParcel: ParcelRef | null;
  /** Changes when rows may have changed (an edit, a reload): pages are asked again. */
  revision: string;
  dispatch: Dispatch<AppAction>;
}

interface Sort {
  key: string;
  descending: boolean;
}

export function AttributeTable({ layer, selectedParcel, revision, dispatch }: AttributeTableProps) {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const pages = useMemo(() => new AttributePages((query) => api.queryFeatures(query), redraw), []);
  const [sort, setSort] = useState<Sort | null>(null);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [filterKey, setFilterKey] = useState('');
  const [filterText, setFilterText] = useState('');
  const [filterValue, setFilterValue] = useState('');
  const [selectedFid, setSelectedFid] = useState<number | null>(null);
  const isParcelLayer = layer.kind === 'parcel';

  useEffect(() => {
    if (searchText === search && filterText === filterValue) return;
    const timer = setTimeout(() => {
      setSearch(searchText);
      setFilterValue(filterText);
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [searchText, filterText, search, filterValue]);

  const columns = pages.columns;
  const query = useMemo((): AttributeListQuery => {
    const q: AttributeListQuery = { table: layer.table };
    if (sort) q.orderBy = { key: sort.key, descending: sort.descending };
    if (search.trim()) q.search = search.trim();
    const column = columns?.find((c) => c.key === filterKey);
    if (column && filterValue.trim()) q.filters = [equality(column, filterValue.trim())];
    return q;
    // columns only matter for the filter's value type, fixed per layer
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layer.table, sort, search, filterKey, filterValue, columns === null]);
  const queryKey = JSON.stringify(query);
  pages.show(query, revision);

  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(240);
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
  const bodyTop = Math.max(0, scrollTop - HEADER_HEIGHT_PX);
  const first = Math.max(0, Math.floor(bodyTop / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
  const last = Math.min(count - 1, Math.ceil((bodyTop + viewHeight) / ROW_HEIGHT_PX) + OVERSCAN_ROWS);
  useEffect(() => {
    pages.ensure(first, Math.max(first, last));
  });

  const isSelected = (row: AttributeRow) => (isParcelLayer ? selectedParcel?.table === layer.table && selectedParcel.id === row.id : selectedFid === row.fid);

  // A parcel selected on the map or in the list: bring its row into view when it is loaded.
  useEffect(() => {
    if (!isParcelLayer || !selectedParcel || selectedParcel.table !== layer.table) return;
    const element = viewport.current;
    if (!element) return;
    for (const { index, row } of pages.loaded()) {
      if (row.id !== selectedParcel.id) continue;
      const top = HEADER_HEIGHT_PX + index * ROW_HEIGHT_PX;
      if (top < element.scrollTop + HEADER_HEIGHT_PX || top + ROW_HEIGHT_PX > element.scrollTop + element.clientHeight) element.scrollTop = top - HEADER_HEIGHT_PX - ROW_HEIGHT_PX * 2;
      break;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedParcel?.table, selectedParcel?.id, layer.table]);

  const choose = (row: AttributeRow) => {
    if (isParcelLayer) {
      dispatch({ type: 'selectParcel', parcel: { table: layer.table, id: row.id } });
      return;
    }
    setSelectedFid(row.fid);
    api.getFeatures({ table: layer.table, fids: [row.fid], limit: 1 }).then(
      (response) => {
        const feature = response.features[0];
        if (!feature) return;
        dispatch({ type: 'inspectFeatures', features: [{ layerTable: layer.table, feature }] });
        const bbox = geometryBBox(feature.geometry);
        if (bbox) dispatch({ type: 'zoomTo', bbox });
      },
      (error: unknown) => dispatch({ type: 'showNotice', message: userMessage(error) }),
    );
  };

  const toggleSort = (key: string) =>
    setSort((current) => (current?.key !== key ? { key, descending: false } : current.descending ? null : { key, descending: true }));

  const zh = getLocale() === 'zh-CN';
  const label = (c: AttributeTableColumn) => (zh ? c.labelZh : c.labelEn);
  const width = (columns?.length ?? 1) * COLUMN_WIDTH_PX;
  const error = pages.error;
  const rows: { index: number; row: AttributeRow | undefined }[] = [];
  for (let index = first; index <= last; index++) rows.push({ index, row: pages.row(index) });

  return (
    <section className="attribute-table" data-testid="attribute-table" aria-label={t('attrs.table.title', { layer: layer.title })}>
      <header className="attribute-table-header">
        <h2>
          {t('attrs.table.title', { layer: layer.title })}{' '}
          <span className="panel-count" data-testid="attribute-count" data-total={total ?? ''}>
            {total === null ? '…' : t('attrs.table.count', { count: total })}
          </span>
        </h2>
        <input
          type="search"
          className="attribute-search"
          placeholder={t('attrs.table.search')}
          aria-label={t('attrs.table.search')}
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
          data-testid="attribute-search"
        />
        <select aria-label={t('attrs.table.filterColumn')} value={filterKey} onChange={(event) => setFilterKey(event.target.value)} data-testid="attribute-filter-key">
          <option value="">{t('attrs.table.anyColumn')}</option>
          {(columns ?? []).map((c) => (
            <option key={c.key} value={c.key}>
              {label(c)}
            </option>
          ))}
        </select>
        <input
          className="attribute-filter-value"
          placeholder={t('attrs.table.filterValue')}
          aria-label={t('attrs.table.filterValue')}
          value={filterText}
          disabled={!filterKey}
          onChange={(event) => setFilterText(event.target.value)}
          data-testid="attribute-filter-value"
        />
        <button type="button" className="link-button attribute-close" onClick={() => dispatch({ type: 'closeAttributeTable' })} data-testid="attribute-table-close">
          {t('attrs.table.close')}
        </button>
      </header>
      {error !== null && (
        <p className="panel-empty" role="alert">
          {t('attrs.table.failed', { message: userMessage(error) })}
        </p>
      )}
      {total === 0 && <p className="panel-empty">{t('attrs.table.empty')}</p>}
      <div className="attribute-viewport" ref={viewport} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}>
        <div className="attribute-head" role="row" style={{ width, height: HEADER_HEIGHT_PX }}>
          {(columns ?? []).map((c) => (
            <button
              key={c.key}
              type="button"
              role="columnheader"
              className="attribute-sort"
              style={{ width: COLUMN_WIDTH_PX }}
              title={c.sourceField ? t('attrs.table.sourceHint', { label: label(c), source: c.sourceField }) : t('attrs.table.noSourceHint', { label: label(c), key: c.key })}
              aria-sort={sort?.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              onClick={() => toggleSort(c.key)}
              data-testid={`attribute-sort-${c.key}`}
            >
              {label(c)}
              {sort?.key === c.key ? (sort.descending ? ' ↓' : ' ↑') : ''}
            </button>
          ))}
        </div>
        <div className="attribute-body" role="rowgroup" aria-busy={total === null} style={{ width, height: count * ROW_HEIGHT_PX }}>
          {rows.map(({ index, row }) =>
            row ? (
              <div
                key={row.fid}
                role="row"
                className={isSelected(row) ? 'attribute-row is-selected' : 'attribute-row'}
                aria-selected={isSelected(row)}
                style={{ top: index * ROW_HEIGHT_PX, height: ROW_HEIGHT_PX }}
                onClick={() => choose(row)}
                data-testid={`attribute-row-${row.fid}`}
              >
                {(columns ?? []).map((c) => {
                  const text = formatAttributeValue(layer.kind, c.key, c.key === 'id' ? row.id : row.properties[c.key]);
                  return (
                    <span key={c.key} role="cell" style={{ width: COLUMN_WIDTH_PX }} title={text}>
                      {text}
                    </span>
                  );
                })}
              </div>
            ) : (
              <div key={`#${index}`} role="row" className="attribute-row is-loading" style={{ top: index * ROW_HEIGHT_PX, height: ROW_HEIGHT_PX }}>
                {t('attrs.table.loading')}
              </div>
            ),
          )}
        </div>
      </div>
    </section>
  );
}

/** The column filter as an equality on the column's own type, so numbers and 是/否 match. */
function equality(column: AttributeTableColumn, text: string): AttributeTableFilter {
  if (column.key !== 'id' && (column.type === 'integer' || column.type === 'real') && Number.isFinite(Number(text))) return { key: column.key, op: 'eq', value: Number(text) };
  if (column.type === 'boolean') {
    const yes = ['是', 'true', '1', 'yes'].includes(text.toLowerCase());
    return { key: column.key, op: 'eq', value: yes };
  }
  return { key: column.key, op: 'eq', value: text };
}
