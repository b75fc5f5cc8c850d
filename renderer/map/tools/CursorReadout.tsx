/** 坐标: the cursor in CGCS2000 lon/lat, and the Gauss-Krüger X/Y of its 3° zone. */
import { formatDegrees } from '../../app/format';
import { t } from '../../i18n';
import { gaussKrugerReading } from './cursor-coordinates';

export function CursorReadout({ cursor, className = 'map-status', testid = 'cursor-coords' }: { cursor: [number, number] | null; className?: string; testid?: string }) {
  const gk = cursor ? gaussKrugerReading(cursor[0], cursor[1]) : null;
  return (
    <div className={className} data-testid={testid}>
      <div>{cursor ? t('map.coords', { lon: formatDegrees(cursor[0]), lat: formatDegrees(cursor[1]) }) : t('map.coordsIdle')}</div>
      {gk && (
        <div data-testid="cursor-gk">
          {t('map.coordsGk', { zone: gk.zone, meridian: gk.centralMeridian, x: gk.x.toFixed(2), y: gk.y.toFixed(2) })}
        </div>
      )}
    </div>
  );
}
