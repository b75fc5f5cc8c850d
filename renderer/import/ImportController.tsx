/**
 * The 导入数据 button (file picker, several files at once) and drag-and-drop of files onto the
 * window (a shapefile's siblings together), opening the import dialog. After a successful import
 * it asks the app to reload the project so the new layer appears in the layer panel and the map.
 */
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { LayerInfo } from '../../shared/model/layers';
import { t } from '../i18n';
import type { ImportNote } from '../../shared/importers/messages';
import { ImportDialog } from './ImportDialog';

export interface ImportControllerProps {
  onImported: (layer: LayerInfo, warnings: ImportNote[]) => void;
}

const ACCEPT = '.shp,.dbf,.shx,.prj,.cpg,.zip,.txt,.geojson,.json,.kml,.kmz,.csv,.tsv,.xlsx,.gpkg,.tif,.tiff,.hgt';

export function ImportController({ onImported }: ImportControllerProps) {
  const [files, setFiles] = useState<File[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const dropped = Array.from(e.dataTransfer?.files ?? []);
      if (dropped.length > 0) setFiles((current) => current ?? dropped);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <>
      <button type="button" className="import-button" data-testid="import-button" title={t('import.buttonHint')} onClick={() => input.current?.click()}>
        {t('import.button')}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        hidden
        data-testid="import-file-input"
        onChange={(e) => {
          const picked = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (picked.length > 0) setFiles(picked);
        }}
      />
      {dragging &&
        !files &&
        createPortal(
          <div className="import-drop-overlay" data-testid="import-drop-overlay">
            {t('import.dropHint')}
          </div>,
          document.body,
        )}
      {files &&
        createPortal(
        <ImportDialog
          files={files}
          onClose={() => setFiles(null)}
          onImported={(layer, warnings) => {
            setFiles(null);
            onImported(layer, warnings);
          }}
        />,
          document.body,
        )}
    </>
  );
}
