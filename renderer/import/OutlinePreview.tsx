/** A small SVG outline of the features to import, drawn in the source CRS (y up). */
import type { Position } from 'geojson';

export interface OutlinePreviewProps {
  outline: Position[][];
  bbox: [number, number, number, number] | null;
  width?: number;
  height?: number;
}

export function OutlinePreview({ outline, bbox, width = 280, height = 200 }: OutlinePreviewProps) {
  if (!bbox) return <svg className="import-outline" width={width} height={height} data-testid="import-outline" />;
  const [minX, minY, maxX, maxY] = bbox;
  const pad = 8;
  const spanX = maxX - minX || 1;
  const spanY = maxY - minY || 1;
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  const px = (p: Position) => `${(offX + (p[0] - minX) * scale).toFixed(1)},${(height - offY - (p[1] - minY) * scale).toFixed(1)}`;
  return (
    <svg className="import-outline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid="import-outline" role="img">
      {outline.map((path, i) =>
        path.length === 1 ? (
          <circle key={i} cx={px(path[0]).split(',')[0]} cy={px(path[0]).split(',')[1]} r={3} />
        ) : (
          <polyline key={i} points={path.map(px).join(' ')} />
        ),
      )}
    </svg>
  );
}
