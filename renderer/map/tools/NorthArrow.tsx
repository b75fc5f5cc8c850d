/** 指北针: north up on the screen, turned with the map should it ever be rotated. */
import { useEffect, useState } from 'react';
import type * as maplibregl from 'maplibre-gl';
import { t } from '../../i18n';

export function NorthArrow({ map, className = 'north-arrow' }: { map: maplibregl.Map | null; className?: string }) {
  const [bearing, setBearing] = useState(0);
  useEffect(() => {
    if (!map) return;
    const update = () => setBearing(map.getBearing());
    update();
    map.on('rotate', update);
    return () => {
      map.off('rotate', update);
    };
  }, [map]);
  return (
    <div className={className} data-testid="north-arrow" title={t('map.northArrow')} aria-label={t('map.northArrow')} role="img">
      <svg viewBox="0 0 40 56" width="28" height="40" style={{ transform: `rotate(${-bearing}deg)` }} aria-hidden="true">
        <text x="20" y="13" textAnchor="middle" fontSize="13" fontWeight="700" fill="#1d2a36" fontFamily="inherit">
          N
        </text>
        <polygon points="20,16 30,50 20,42" fill="#1d2a36" />
        <polygon points="20,16 10,50 20,42" fill="#ffffff" stroke="#1d2a36" strokeWidth="1.2" />
      </svg>
    </div>
  );
}
