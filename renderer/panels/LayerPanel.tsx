/**
 * 图层 panel: one row per project layer (top of the drawing order first) with toggle, legend and
 * a context menu (right-click the row, or ⋯).
 */
import { useState, type Dispatch } from 'react';
import type { ProjectInfo } from '../../shared/model/layers';
import type { AppAction } from '../app/state';
import { t } from '../i18n';
import { kindLabel } from '../i18n/labels';
import { drawRank, legendFor, type LayerClasses } from '../map/layer-styles';
import { LegendClasses } from './Swatch';
import { LayerContextMenu, type LayerMenuAnchor } from './LayerContextMenu';

export interface LayerPanelProps {
  project: ProjectInfo;
  layerClasses: Record<string, LayerClasses>;
  hiddenLayers: Record<string, boolean>;
  layerOpacity?: Record<string, number>;
  colorByVerdict: boolean;
  dispatch: Dispatch<AppAction>;
}

export function LayerPanel({ project, layerClasses, hiddenLayers, layerOpacity = {}, colorByVerdict, dispatch }: LayerPanelProps) {
  const [menu, setMenu] = useState<LayerMenuAnchor | null>(null);
  const menuLayer = menu ? project.layers.find((l) => l.table === menu.table) : undefined;
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
      {layers.some((layer) => layer.kind === 'parcel') && (
        <label className="layer-option" title={t('layers.colorByVerdictHint')}>
          <input type="checkbox" data-testid="color-by-verdict" checked={colorByVerdict} onChange={(event) => dispatch({ type: 'setColorByVerdict', on: event.target.checked })} />{' '}
          {t('layers.colorByVerdict')}
        </label>
      )}
      <ul className="layer-list">
        {layers.map((layer) => {
          const visible = !hiddenLayers[layer.table];
          const checkboxId = `layer-toggle-${layer.table}`;
          return (
            <li
              key={layer.table}
              className={visible ? 'layer-row' : 'layer-row is-hidden'}
              data-testid={`layer-row-${layer.table}`}
              onContextMenu={(event) => {
                event.preventDefault();
                setMenu({ table: layer.table, x: event.clientX, y: event.clientY });
              }}
            >
              <div className="layer-row-head">
                <input id={checkboxId} type="checkbox" checked={visible} onChange={() => dispatch({ type: 'toggleLayer', table: layer.table })} />
                <label htmlFor={checkboxId} className="layer-title" title={layer.sourceFile ?? layer.table}>
                  {layer.title}
                </label>
                <span className="layer-count" title={t('layers.count', { count: layer.featureCount })}>
                  {layer.featureCount}
                </span>
                <button
                  type="button"
                  className="link-button layer-table-button"
                  title={t('attrs.table.openHint', { layer: layer.title })}
                  onClick={() => dispatch({ type: 'openAttributeTable', table: layer.table })}
                  data-testid={`open-attribute-table-${layer.table}`}
                >
                  {t('attrs.table.open')}
                </button>
                <button
                  type="button"
                  className="icon-button layer-menu-button"
                  title={t('layerMenu.open')}
                  aria-label={t('layerMenu.label', { title: layer.title })}
                  aria-haspopup="menu"
                  data-testid={`layer-menu-button-${layer.table}`}
                  onClick={(event) => {
                    const box = event.currentTarget.getBoundingClientRect();
                    setMenu({ table: layer.table, x: box.left, y: box.bottom + 2 });
                  }}
                >
                  ⋯
                </button>
              </div>
              {kindLabel(layer.kind) !== layer.title && <div className="layer-kind">{kindLabel(layer.kind)}</div>}
              <ul className="legend" aria-label={t('layers.legend')}>
                <LegendClasses entries={legendFor(layer, layerClasses[layer.table], { colorByVerdict })} />
              </ul>
            </li>
          );
        })}
      </ul>
      {menu && menuLayer && (
        <LayerContextMenu key={menu.table} layer={menuLayer} anchor={menu} opacity={layerOpacity[menu.table] ?? 1} dispatch={dispatch} onClose={() => setMenu(null)} />
      )}
    </section>
  );
}
