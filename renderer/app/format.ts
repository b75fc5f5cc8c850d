/** Number formatting for areas (m² / 公顷 / 亩), distances and coordinates. */
import { getLocale, t } from '../i18n';

/** 1 公顷 = 10 000 m² = 15 亩, so 1 亩 = 666.67 m². */
export const M2_PER_HECTARE = 10_000;
export const MU_PER_HECTARE = 15;
export const M2_PER_MU = M2_PER_HECTARE / MU_PER_HECTARE;

const number = (value: number, fractionDigits: number) =>
  value.toLocaleString(getLocale(), { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });

export interface AreaParts {
  m2: string;
  hectares: string;
  mu: string;
}

export function areaParts(areaM2: number): AreaParts {
  return {
    m2: `${number(areaM2, 1)} ${t('unit.m2')}`,
    hectares: `${number(areaM2 / M2_PER_HECTARE, 4)} ${t('unit.ha')}`,
    mu: `${number(areaM2 / M2_PER_MU, 2)} ${t('unit.mu')}`,
  };
}

export function formatArea(areaM2: number): string {
  const parts = areaParts(areaM2);
  return `${parts.m2}（${parts.hectares} / ${parts.mu}）`;
}

export function formatDistance(distanceM: number): string {
  return `${number(distanceM, 1)} ${t('unit.m')}`;
}

export function formatPercent(pct: number): string {
  return number(pct, 2);
}

export function formatDegrees(value: number): string {
  return value.toFixed(5);
}

export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(getLocale(), { hour12: false });
}
