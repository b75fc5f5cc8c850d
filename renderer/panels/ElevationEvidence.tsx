/**
 * 高程 evidence of a checked parcel (the `elevation` key the Node side adds to each parcel result
 * from the project's DEM): min / mean / max and the share of the parcel below each band level —
 * what stands behind heat.clean-heating-band.
 */
import type { ParcelResult } from '../../shared/model/check';
import type { ParcelElevation } from '../../shared/terrain/stats';
import { t } from '../i18n';

function pct(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;
}

export function ElevationEvidence({ result }: { result: ParcelResult }) {
  const elevation = (result as ParcelResult & { elevation?: ParcelElevation }).elevation;
  if (!elevation) return null;
  const levels = Object.keys(elevation.shareBelow).sort((a, b) => Number(a) - Number(b));
  return (
    <>
      <dt>{t('check.elevation')}</dt>
      <dd data-testid="elevation" title={t('check.elevationSource', { source: elevation.source })}>
        <span className="area-main">{t('check.elevationRange', { min: elevation.minM, mean: elevation.meanM, max: elevation.maxM })}</span>
        <span className="area-alt">
          {levels.map((level) => t('check.elevationBelow', { level, pct: pct(elevation.shareBelow[level]) })).join(' · ')}
          {elevation.unknownShare > 0 ? ` · ${t('check.elevationUnknown', { pct: pct(elevation.unknownShare) })}` : ''}
        </span>
      </dd>
    </>
  );
}
