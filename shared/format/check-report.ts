/** Text rendering of a check report (rules.md §5) for `landgate check --format text`. */
import { SEVERITY_LABEL_ZH, VERDICT_LABEL_ZH, type CheckReport, type Finding } from '../model/check';
import { LAYER_KIND_LABEL_ZH } from '../model/layers';
import { formatAreaZh, formatDistanceZh } from './units';

/** The CLI's JSON leaves out drawing geometry unless asked for: other tools read figures, not shapes. */
export function stripGeometry(report: CheckReport): CheckReport {
  return {
    ...report,
    parcels: report.parcels.map((parcel) => ({
      ...parcel,
      findings: parcel.findings.map(({ geometry: _geometry, ...finding }) => finding),
    })),
  };
}

function findingFigure(finding: Finding): string {
  if (finding.overlapM2 !== undefined) {
    const pct = finding.overlapPct !== undefined ? `，占地块 ${finding.overlapPct.toFixed(2)}%` : '';
    return `重叠 ${formatAreaZh(finding.overlapM2)}${pct}`;
  }
  if (finding.distanceM !== undefined) return `距离 ${formatDistanceZh(finding.distanceM)}`;
  return '';
}

export function formatCheckReportText(report: CheckReport): string {
  return formatCheckReportTextHeader(report) + report.parcels.map(formatParcelText).join('');
}

/** The head of the text report (profile, time); with formatParcelText, a report can be written parcel by parcel. */
export function formatCheckReportTextHeader(report: Pick<CheckReport, 'profile' | 'profileVersion' | 'checkedAt'>): string {
  return `审查规则配置：${report.profile}${report.profileVersion ? `（版本 ${report.profileVersion}）` : ''}\n审查时间：${report.checkedAt}\n\n`;
}

/** One parcel's block of the text report, ending in a blank line. */
export function formatParcelText(parcel: CheckReport['parcels'][number]): string {
  const lines: string[] = [];
  lines.push(`地块 ${parcel.id}${parcel.name ? ` ${parcel.name}` : ''}：${VERDICT_LABEL_ZH[parcel.verdict]}（面积 ${formatAreaZh(parcel.areaM2)}）`);
  if (parcel.findings.length === 0) lines.push('  无审查发现。');
  for (const finding of parcel.findings) {
    const feature = finding.layerKind ? ` ${LAYER_KIND_LABEL_ZH[finding.layerKind]} ${finding.featureId ?? ''}` : '';
    const figure = findingFigure(finding);
    lines.push(`  [${SEVERITY_LABEL_ZH[finding.severity]}] ${finding.rule}${feature}${figure ? ` ${figure}` : ''}`);
    lines.push(`      ${finding.message}`);
    if (finding.basis) lines.push(`      依据：${finding.basis}`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
