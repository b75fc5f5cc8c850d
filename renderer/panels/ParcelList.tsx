/** 地块列表: the parcel submissions of the project; picking one selects it (zoom, highlight, check). */
import type { Dispatch } from 'react';
import type { ParcelSummary } from '../../shared/api/contract';
import type { AppAction, ParcelRef } from '../app/state';
import { t } from '../i18n';
import { formatAttributeValue } from '../i18n/labels';

export interface ParcelListProps {
  parcels: ParcelSummary[];
  filter: string;
  selected: ParcelRef | null;
  dispatch: Dispatch<AppAction>;
}

export function ParcelList({ parcels, filter, selected, dispatch }: ParcelListProps) {
  const needle = filter.trim().toLowerCase();
  const shown = needle === '' ? parcels : parcels.filter((p) => `${p.id} ${p.name ?? ''}`.toLowerCase().includes(needle));
  return (
    <section className="panel parcel-panel" aria-label={t('parcels.title')}>
      <header className="panel-header">
        <h2>
          {t('parcels.title')} <span className="panel-count">{parcels.length}</span>
        </h2>
      </header>
      {parcels.length > 6 && (
        <input
          className="parcel-filter"
          type="search"
          placeholder={t('parcels.filter')}
          value={filter}
          onChange={(event) => dispatch({ type: 'setParcelFilter', filter: event.target.value })}
        />
      )}
      {parcels.length === 0 && <p className="panel-empty">{t('parcels.empty')}</p>}
      <ul className="parcel-list" role="listbox" aria-label={t('parcels.title')}>
        {shown.map((parcel) => {
          const isSelected = selected?.table === parcel.table && selected.id === parcel.id;
          return (
            <li key={`${parcel.table}/${parcel.id}`} role="option" aria-selected={isSelected}>
              <button
                type="button"
                className={isSelected ? 'parcel-item is-selected' : 'parcel-item'}
                data-testid={`parcel-item-${parcel.id}`}
                onClick={() => dispatch({ type: 'selectParcel', parcel: { table: parcel.table, id: parcel.id } })}
              >
                <span className="parcel-id">{parcel.id}</span>
                <span className="parcel-name">{parcel.name ?? t('parcels.unnamed')}</span>
                <span className="parcel-use">
                  {t('parcels.plannedUse')}：{parcel.plannedUse ?? '—'}
                  {parcel.action ? ` · ${formatAttributeValue('parcel', 'action', parcel.action)}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
