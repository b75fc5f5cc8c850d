/**
 * Area and distance figures as planners read them: m², 公顷 and 亩 (1 公顷 = 10 000 m² = 15 亩,
 * so 1 亩 = 666.67 m²).
 */
export const M2_PER_HECTARE = 10_000;
export const MU_PER_HECTARE = 15;
export const M2_PER_MU = M2_PER_HECTARE / MU_PER_HECTARE;

export const hectaresFromM2 = (areaM2: number) => areaM2 / M2_PER_HECTARE;
export const muFromM2 = (areaM2: number) => areaM2 / M2_PER_MU;

const fixed = (value: number, digits: number) => value.toLocaleString('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });

/** `812.3 m²（0.0812 公顷，1.22 亩）` */
export function formatAreaZh(areaM2: number): string {
  return `${fixed(areaM2, 1)} m²（${fixed(hectaresFromM2(areaM2), 4)} 公顷，${fixed(muFromM2(areaM2), 2)} 亩）`;
}

export function formatDistanceZh(distanceM: number): string {
  return distanceM >= 1000 ? `${fixed(distanceM / 1000, 3)} km` : `${fixed(distanceM, 2)} m`;
}
