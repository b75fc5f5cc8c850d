/** 要素属性: the attributes of the feature clicked on the map, with Chinese labels for canonical keys. */
import type { Dispatch } from 'react';
import type { LayerInfo } from '../../shared/model/layers';
import type { AppAction, InspectedFeature } from '../app/state';
import { t } from '../i18n';
import { attributeLabel, attributeOrder, formatAttributeValue, kindLabel } from '../i18n/labels';
import { STATION_BUFFER_M } from '../map/layer-styles';

export interface FeaturePopupProps {
  inspected: InspectedFeature[];
  index: number;
  layers: LayerInfo[];
  dispatch: Dispatch<AppAction>;
}

export function FeaturePopup({ inspected, index, layers, dispatch }: FeaturePopupProps) {
  const current = inspected[index];
  if (!current) return null;
  const layer = layers.find((l) => l.table === current.layerTable);
  const properties = current.feature.properties ?? {};
  const keys = attributeOrder(Object.keys(properties).filter((key) => !key.startsWith('__')));
  return (
    <aside className="feature-popup" data-testid="feature-popup" aria-label={t('attrs.title')}>
      <header className="feature-popup-header">
        <div>
          <div className="feature-popup-kicker">{t('attrs.title')}</div>
          <div className="feature-popup-title">{layer?.title ?? current.layerTable}</div>
          {layer && <div className="feature-popup-kind">{kindLabel(layer.kind)}</div>}
        </div>
        <button type="button" className="icon-button" aria-label={t('attrs.close')} title={t('attrs.close')} onClick={() => dispatch({ type: 'closeInspector' })}>
          ×
        </button>
      </header>
      {inspected.length > 1 && (
        <div className="feature-popup-pager">
          <span>{t('attrs.hits', { count: inspected.length })}</span>
          <select value={index} onChange={(event) => dispatch({ type: 'showInspected', index: Number(event.target.value) })}>
            {inspected.map((item, i) => {
              const itemLayer = layers.find((l) => l.table === item.layerTable);
              const name = item.feature.properties?.name ?? item.feature.properties?.id ?? '';
              return (
                <option key={i} value={i}>
                  {i + 1}. {itemLayer?.title ?? item.layerTable}
                  {name !== '' ? ` · ${String(name)}` : ''}
                </option>
              );
            })}
          </select>
        </div>
      )}
      {current.derivedFrom === 'station-buffer' && (
        <p className="feature-popup-note">{t('attrs.buffer', { name: String(properties.name ?? properties.id ?? ''), radius: STATION_BUFFER_M })}</p>
      )}
      <table className="attr-table">
        <thead>
          <tr>
            <th>{t('attrs.field')}</th>
            <th>{t('attrs.value')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <th scope="row" title={key}>
                {attributeLabel(key)}
              </th>
              <td>{formatAttributeValue(layer?.kind, key, properties[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </aside>
  );
}
