/**
 * The check output contract of rules.md §5. Keys and enum values are fixed by the spec; keys
 * beyond it are additions other tools may ignore.
 */
import type { Geometry } from 'geojson';
import type { LayerKind } from './layers';
import type { TextParam } from './text';

export type Severity = 'prohibit' | 'condition' | 'notice';
export type Verdict = 'permitted' | 'conditional' | 'prohibited';

export const SEVERITY_ORDER: readonly Severity[] = ['prohibit', 'condition', 'notice'];

export interface Finding {
  rule: string;
  severity: Severity;
  /** Present when the finding is about a reference feature. */
  layerKind?: LayerKind;
  featureId?: string;
  /** Geodesic overlap area on the CGCS2000 ellipsoid, m². */
  overlapM2?: number;
  /** overlapM2 as a percentage of the parcel's geodesic area. */
  overlapPct?: number;
  /** Minimum geodesic distance, m (replaces overlapM2 for distance rules). */
  distanceM?: number;
  /** zh-CN, naming the feature, the figure and what follows (rules.md §5). */
  message: string;
  basis: string;
  /**
   * Addition: `message` as a code with parameters (shared/model/text.ts, words in
   * shared/rules/messages.ts), so a reader in another language gets the same finding in theirs.
   * Absent in findings recorded before it existed: those are shown as `message`.
   */
  code?: string;
  params?: Record<string, TextParam>;
  /** Addition: GeoPackage table of the feature, so the UI can find it. */
  layerTable?: string;
  /** Addition: overlap polygon or shortest-distance line in EPSG:4490, for drawing. Omitted from CLI output unless asked for. */
  geometry?: Geometry;
}

export interface ParcelResult {
  id: string;
  name?: string;
  verdict: Verdict;
  /** Geodesic area of the parcel, m². */
  areaM2: number;
  findings: Finding[];
}

export interface CheckReport {
  profile: string;
  /** Addition: version of the profile file in force. */
  profileVersion?: string;
  /** ISO 8601 UTC, second precision, `Z`. */
  checkedAt: string;
  parcels: ParcelResult[];
}

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'prohibit')) return 'prohibited';
  if (findings.some((f) => f.severity === 'condition')) return 'conditional';
  return 'permitted';
}

export const VERDICT_LABEL_ZH: Record<Verdict, string> = {
  permitted: '准予准入',
  conditional: '有条件准入',
  prohibited: '不予准入',
};

export const SEVERITY_LABEL_ZH: Record<Severity, string> = {
  prohibit: '不予准入',
  condition: '须满足条件',
  notice: '提示',
};
