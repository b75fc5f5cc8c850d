/** 图层 panel: one row per project layer (top of the drawing order first) with toggle and legend. */
import type { Dispatch } from 'react';
import type { FeatureCollection } from 'geojson';
import type { ProjectInfo } from '../../shared/model/layers';
import type { AppAction } from '../app/state';
import { t } from '../i18n';
import { kindLabel } from '../i18n/labels';
import { drawRank, legendFor } from '../map/layer-styles';
import { Swatch } from './Swatch';

export interface LayerPanelProps {
  project: ProjectInfo;
  layerData: Record<string, FeatureCollection>;
  hiddenLayers: Record<string, boolean>;
  dispatch: Dispatch<AppAction>;
}

export function LayerPanel({ project, layerData, hiddenLayers, dispatch }: LayerPanelProps) {
  const layers = [...project.layers].sort((a, b) => drawRank(b.kind) - drawRank(a.kind));
  const allVisible = layers.every((layer) => !hiddenLayers[layer.table]);
  return (
    <section className="panel layer-panel" data-testid="layer-panel" aria-label={t('layers.title')}>
      <header className="panel-header">
        <h2>
          {t('layers.title')} <span className="panel-count">{layers.length}</span>
        </h2>
        <button type="button" className="link-button" onClick={() => dispatch({ type: 'setAllLayersVisible', visible: !allVisible })}>
          {allVisible ? t('layers.hideAll') : t('layers.showAll')}
        </button>
      </header>
      {layers.length === 0 && <p className="panel-empty">{t('layers.empty')}</p>}
      <ul className="layer-list">
        {layers.map((layer) => {
          const visible = !hiddenLayers[layer.table];
          const data = layerData[layer.table];
          const checkboxId = `layer-toggle-${layer.table}`;
          return (
            <li key={layer.table} className={visible ? 'layer-row' : 'layer-row is-hidden'} data-testid={`layer-row-${layer.table}`}>
              <div className="layer-row-head">
                <input id={checkboxId} type="checkbox" checked={visible} onChange={() => dispatch({ type: 'toggleLayer', table: layer.table })} />
                <label htmlFor={checkboxId} className="layer-title" title={layer.sourceFile ?? layer.table}>
                  {layer.title}
                </label>
                <span className="layer-count" title={t('layers.count', { count: layer.featureCount })}>
                  {layer.featureCount}
                </span>
              </div>
              {kindLabel(layer.kind) !== layer.title && <div className="layer-kind">{kindLabel(layer.kind)}</div>}
              <ul className="legend" aria-label={t('layers.legend')}>
                {legendFor(layer, data).map((entry) => (
                  <li key={entry.label} className="legend-class">
                    <Swatch swatch={entry.swatch} />
                    <span>{entry.label}</span>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
