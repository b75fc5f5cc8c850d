/**
 * 属性表: one layer's attributes in a drawer docked under the map, as QGIS users know it. Only the
 * rows in view are in the DOM and pages of 100 are asked for as they scroll in (a county layer
 * has 100 000 features); sorting, the search and the column filter are queries of the store.
 * A row click selects the feature: parcels through the app's parcel selection (check, verdict),
 * other layers through the map's identify popup and a zoom to the feature; a feature picked on the
 * map (or a parcel chosen elsewhere) selects its row and scrolls to it, asking the store for its
 * position when its page is not loaded. On a parcel layer the rules.md §1.2 cells are edited in
 * place (double-click) with the editors of 编辑属性 and through the same setParcelAttributes, so the
 * edit is validated, audited and re-checked alike; a row whose signed decision stands says why it
 * cannot be edited. The app mounts one per layer (keyed by table), so another layer starts with
 * its own sort, search and filter.
 */
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type Dispatch } from 'react';
import type { AttributeTableColumn, AttributeTableFilter, ParcelAttributesResponse } from '../../shared/api/contract';
import type { EditableParcelKey } from '../../shared/model/parcel-attributes';
import type { LayerInfo } from '../../shared/model/layers';
import { checkKey, type AppAction, type ParcelRef } from '../app/state';
import { getLocale, localized, t } from '../i18n';
import { formatAttributeValue } from '../i18n/labels';
import { geometryBBox } from '../map/geodesy-display';
import { api, userMessage } from '../platform/api';
import { AttributePages, type AttributeListQuery, type AttributeRow } from './attribute-pages';
import { changesOf, draftOf, isEditableColumn, ParcelAttributeEditor, UseCodeList, type Draft } from './parcel-attribute-fields';

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
  /** The selected parcel's fid when known (its row is scrolled to even when not loaded). */
  selectedParcelFid: number | null;
  /** The fid of this layer's feature in the identify popup (a map click), if any. */
  inspectedFid: number | null;
  /** Profile an edited parcel is re-checked with. */
  profileId: string | null;
  /** Changes when rows may have changed (an edit, a reload): pages are asked again. */
  revision: string;
  dispatch: Dispatch<AppAction>;
}

interface Sort {
  key: string;
  descending: boolean;
}

/** A cell being edited: the parcel's attributes as the form would load them, and the draft. */
interface CellEdit {
  row: AttributeRow;
  key: EditableParcelKey;
  view: ParcelAttributesResponse | null;
  draft: Draft | null;
  error: string | null;
  saving: boolean;
}

export function AttributeTable({ layer, selectedParcel, selectedParcelFid, inspectedFid, profileId, revision, dispatch }: AttributeTableProps) {
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
  const [edit, setEdit] = useState<CellEdit | null>(null);
  const [lockedNotice, setLockedNotice] = useState<{ id: string; reason: { messageZh: string; messageEn: string } } | null>(null);
  /** Bumped after an edit here, so the edited row is asked again. */
  const [edits, setEdits] = useState(0);

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
  pages.show(query, `${revision}/${edits}`);

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

  const isSelected = (row: AttributeRow) =>
    row.fid === inspectedFid || (isParcelLayer ? selectedParcel?.table === layer.table && selectedParcel.id === row.id : selectedFid === row.fid);

  const scrollToIndex = (index: number) => {
    const element = viewport.current;
    if (!element) return;
    const top = HEADER_HEIGHT_PX + index * ROW_HEIGHT_PX;
    if (top < element.scrollTop + HEADER_HEIGHT_PX || top + ROW_HEIGHT_PX > element.scrollTop + element.clientHeight) element.scrollTop = top - HEADER_HEIGHT_PX - ROW_HEIGHT_PX * 2;
  };
  /**
   * Brings a feature's row into view: from the loaded pages when it is there, else the store
   * says where it stands in the shown sort and filter (one small query, whatever the layer size).
   */
  const reveal = (match: (row: AttributeRow) => boolean, fid: number | null) => {
    for (const { index, row } of pages.loaded()) {
      if (!match(row)) continue;
      scrollToIndex(index);
      return () => undefined;
    }
    if (fid === null) return () => undefined;
    let cancelled = false;
    api.queryFeatures({ ...query, offset: 0, limit: 1, locateFid: fid }).then(
      (page) => {
        if (!cancelled && typeof page.position === 'number') scrollToIndex(page.position);
      },
      () => undefined, // the row is then just not scrolled to; the page's own query reports failures
    );
    return () => {
      cancelled = true;
    };
  };

  // A parcel selected in the list, the workbench or on the map: its row comes into view.
  useEffect(() => {
    if (!isParcelLayer || !selectedParcel || selectedParcel.table !== layer.table) return;
    return reveal((row) => row.id === selectedParcel.id, selectedParcelFid);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedParcel?.table, selectedParcel?.id, selectedParcelFid, layer.table]);

  // A feature of this layer identified on the map: its row is selected and comes into view.
  // The selection of a reference layer is the feature in the popup: closing it deselects the row.
  useEffect(() => {
    setSelectedFid(inspectedFid);
    if (inspectedFid === null) return;
    return reveal((row) => row.fid === inspectedFid, inspectedFid);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [inspectedFid]);

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
        dispatch({ type: 'inspectFeatures', features: [{ layerTable: layer.table, feature, fid: row.fid }] });
        const bbox = geometryBBox(feature.geometry);
        if (bbox) dispatch({ type: 'zoomTo', bbox });
      },
      (error: unknown) => dispatch({ type: 'showNotice', message: userMessage(error) }),
    );
  };

  const startEdit = (row: AttributeRow, key: EditableParcelKey) => {
    if (row.lockedZh) {
      setEdit(null);
      setLockedNotice({ id: row.id, reason: { messageZh: row.lockedZh, messageEn: row.lockedEn ?? row.lockedZh } });
      return;
    }
    setLockedNotice(null);
    setEdit({ row, key, view: null, draft: null, error: null, saving: false });
    api.getParcelAttributes({ table: layer.table, parcelId: row.id }).then(
      (view) => {
        const same = (current: CellEdit | null) => current?.row.fid === row.fid && current.key === key;
        if (!view.editable) {
          // decided since the page was loaded
          setEdit((current) => (same(current) ? null : current));
          setLockedNotice({ id: row.id, reason: { messageZh: view.lockedReasonZh ?? '', messageEn: view.lockedReasonEn ?? view.lockedReasonZh ?? '' } });
          return;
        }
        setEdit((current) => (same(current) ? { ...current!, view, draft: draftOf(view) } : current));
      },
      (error: unknown) => setEdit((current) => (current?.row.fid === row.fid ? { ...current, error: userMessage(error) } : current)),
    );
  };

  const saveEdit = async () => {
    if (!edit?.view || !edit.draft || !profileId) return;
    const changes = changesOf(draftOf(edit.view), edit.draft);
    if (Object.keys(changes).length === 0) {
      setEdit(null);
      return;
    }
    setEdit({ ...edit, saving: true, error: null });
    try {
      const parcel = { table: layer.table, id: edit.row.id };
      const response = await api.setParcelAttributes({ table: parcel.table, parcelId: parcel.id, changes, profile: profileId });
      dispatch({ type: 'parcelSummaryLoaded', summary: response.parcel });
      // the 审查结论 of the selected parcel shows the re-check at once, as after the form
      if (selectedParcel?.table === parcel.table && selectedParcel.id === parcel.id) dispatch({ type: 'checkFinished', key: checkKey(parcel, profileId), report: response.report });
      setEdit(null);
      setEdits((n) => n + 1);
    } catch (error) {
      setEdit((current) => (current ? { ...current, saving: false, error: userMessage(error) } : current));
    }
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
      {lockedNotice && (
        <p className="attrs-locked attribute-locked" role="note" data-testid="attribute-locked">
          {t('attrs.table.lockedRow', { id: lockedNotice.id })} {localized(lockedNotice.reason)}
          <button type="button" className="link-button" onClick={() => setLockedNotice(null)}>
            {t('app.dismiss')}
          </button>
        </p>
      )}
      {edit && (
        <div className="attribute-cell-editor" data-testid="attribute-cell-editor" role="dialog" aria-label={t('attrs.table.editTitle', { id: edit.row.id })}>
          <strong>{t('attrs.table.editTitle', { id: edit.row.id })}</strong>
          {edit.view && edit.draft ? (
            <>
              <UseCodeList id="cell-edit-use-codes" />
              <ParcelAttributeEditor
                field={edit.view.attributes.find((a) => a.key === edit.key)!}
                draft={edit.draft}
                set={(patch) => setEdit((current) => (current?.draft ? { ...current, draft: { ...current.draft, ...patch } } : current))}
                readOnly={edit.saving}
                testPrefix="cell-edit"
                codeListId="cell-edit-use-codes"
                autoFocus
              />
            </>
          ) : (
            !edit.error && <span className="muted">{t('parcelAttrs.loading')}</span>
          )}
          {!profileId && <span className="muted">{t('parcelAttrs.noProfile')}</span>}
          {edit.error && (
            <span className="error-box" role="alert" data-testid="cell-edit-error">
              {edit.error}
            </span>
          )}
          <button type="button" className="primary" disabled={edit.saving || !edit.draft || !profileId} onClick={saveEdit} data-testid="cell-edit-save">
            {edit.saving ? t('parcelAttrs.saving') : t('parcelAttrs.save')}
          </button>
          <button type="button" onClick={() => setEdit(null)} data-testid="cell-edit-cancel">
            {t('parcelAttrs.cancel')}
          </button>
        </div>
      )}
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
                  const editable = isParcelLayer && isEditableColumn(c.key);
                  if (!editable) {
                    return (
                      <span key={c.key} role="cell" style={{ width: COLUMN_WIDTH_PX }} title={c.key === 'id' && row.lockedZh ? row.lockedZh : text}>
                        {c.key === 'id' && row.lockedZh && (
                          <span className="attribute-lock" title={row.lockedZh} data-testid={`attribute-locked-${row.fid}`}>
                            {t('attrs.table.readOnly')}
                          </span>
                        )}
                        {text}
                      </span>
                    );
                  }
                  return (
                    <span
                      key={c.key}
                      role="cell"
                      className={row.lockedZh ? 'is-locked' : 'is-editable'}
                      style={{ width: COLUMN_WIDTH_PX }}
                      title={row.lockedZh ? `${text}\n${row.lockedZh}` : `${text}\n${t('attrs.table.editHint')}`}
                      onDoubleClick={(event) => {
                        event.stopPropagation();
                        startEdit(row, c.key as EditableParcelKey);
                      }}
                      data-testid={`attribute-cell-${row.fid}-${c.key}`}
                    >
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
