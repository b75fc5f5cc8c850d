/**
 * The 图层 context menu (right-click a layer, or its ⋯ button): zoom to the layer (its extent from
 * the store, no feature read), its attribute table, rename, opacity, and removal after an explicit
 * confirmation (audited; checks stop seeing a removed reference layer).
 */
import { useEffect, useRef, useState, type Dispatch } from 'react';
import type { LayerInfo } from '../../shared/model/layers';
import type { AppAction } from '../app/state';
import { t } from '../i18n';
import { api, userMessage } from '../platform/api';

export interface LayerMenuAnchor {
  table: string;
  x: number;
  y: number;
}

export interface LayerContextMenuProps {
  layer: LayerInfo;
  anchor: LayerMenuAnchor;
  opacity: number;
  dispatch: Dispatch<AppAction>;
  onClose(): void;
}

type Step = 'menu' | 'rename' | 'confirm-remove';

export function LayerContextMenu({ layer, anchor, opacity, dispatch, onClose }: LayerContextMenuProps) {
  const [step, setStep] = useState<Step>('menu');
  const [title, setTitle] = useState(layer.title);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const away = (event: MouseEvent) => {
      if (ref.current && !ref.current.contains(event.target as Node)) onClose();
    };
    const key = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('mousedown', away, true);
    window.addEventListener('keydown', key, true);
    return () => {
      window.removeEventListener('mousedown', away, true);
      window.removeEventListener('keydown', key, true);
    };
  }, [onClose]);

  // kept inside the window whatever the click point
  const left = Math.min(anchor.x, window.innerWidth - 280);
  const top = Math.min(anchor.y, window.innerHeight - 260);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(userMessage(e));
      setBusy(false);
    }
  };

  const zoomTo = () =>
    run(async () => {
      const { bbox } = await api.getLayerExtent({ table: layer.table });
      if (bbox) dispatch({ type: 'zoomTo', bbox, whole: true });
      else dispatch({ type: 'showNotice', message: t('layerMenu.empty', { title: layer.title }) });
      onClose();
    });

  const rename = () =>
    run(async () => {
      const renamed = await api.renameLayer({ table: layer.table, title });
      dispatch({ type: 'reloadProject', notice: t('layerMenu.renamed', { old: layer.title, title: renamed.title }) });
      onClose();
    });

  const remove = () =>
    run(async () => {
      const removed = await api.removeLayer({ table: layer.table });
      dispatch({ type: 'closeInspector' });
      if (layer.kind === 'parcel') dispatch({ type: 'selectParcel', parcel: null });
      dispatch({ type: 'reloadProject', notice: t('layerMenu.removed', { title: removed.title, count: removed.featureCount }) });
      onClose();
    });

  return (
    <div ref={ref} className="layer-menu" role="menu" aria-label={t('layerMenu.label', { title: layer.title })} data-testid="layer-menu" style={{ left, top }}>
      <div className="layer-menu-title">{layer.title}</div>
      {step === 'menu' && (
        <>
          <button type="button" role="menuitem" data-testid="layer-menu-zoom" disabled={busy} onClick={zoomTo}>
            {t('layerMenu.zoom')}
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="layer-menu-table"
            onClick={() => {
              dispatch({ type: 'openAttributeTable', table: layer.table });
              onClose();
            }}
          >
            {t('attrs.table.open')}
          </button>
          <button type="button" role="menuitem" data-testid="layer-menu-rename" onClick={() => setStep('rename')}>
            {t('layerMenu.rename')}
          </button>
          <label className="layer-menu-opacity" title={t('layerMenu.opacityHint')}>
            <span>{t('layerMenu.opacity')}</span>
            <input
              type="range"
              min={0}
              max={100}
              step={5}
              value={Math.round(opacity * 100)}
              data-testid="layer-menu-opacity"
              onChange={(event) => dispatch({ type: 'setLayerOpacity', table: layer.table, opacity: Number(event.target.value) / 100 })}
            />
            <output>{Math.round(opacity * 100)}%</output>
          </label>
          <button type="button" role="menuitem" className="layer-menu-danger" data-testid="layer-menu-remove" onClick={() => setStep('confirm-remove')}>
            {t('layerMenu.remove')}
          </button>
        </>
      )}
      {step === 'rename' && (
        <form
          className="layer-menu-form"
          onSubmit={(event) => {
            event.preventDefault();
            void rename();
          }}
        >
          <label>
            <span>{t('layerMenu.newTitle')}</span>
            <input autoFocus data-testid="layer-menu-title-input" value={title} maxLength={100} onChange={(event) => setTitle(event.target.value)} />
          </label>
          <div className="layer-menu-actions">
            <button type="submit" data-testid="layer-menu-rename-save" disabled={busy || title.trim() === ''}>
              {t('layerMenu.save')}
            </button>
            <button type="button" onClick={onClose}>
              {t('layerMenu.cancel')}
            </button>
          </div>
        </form>
      )}
      {step === 'confirm-remove' && (
        <div className="layer-menu-form" role="alertdialog" aria-label={t('layerMenu.remove')}>
          <p data-testid="layer-menu-confirm-text">
            {t(layer.kind === 'parcel' ? 'layerMenu.confirmParcels' : 'layerMenu.confirmReference', { title: layer.title, count: layer.featureCount })}
          </p>
          <div className="layer-menu-actions">
            <button type="button" className="layer-menu-danger" data-testid="layer-menu-remove-confirm" disabled={busy} onClick={remove}>
              {t('layerMenu.removeConfirm')}
            </button>
            <button type="button" onClick={onClose}>
              {t('layerMenu.cancel')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="layer-menu-error" role="alert" data-testid="layer-menu-error">
          {error}
        </p>
      )}
    </div>
  );
}
