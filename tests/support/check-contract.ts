/**
 * Checks a value against the check output contract of rules.md §5 and returns the problems found
 * (empty = valid). Additional keys are allowed by the contract; the fixed ones are checked strictly.
 */
const SEVERITIES = ['prohibit', 'condition', 'notice'];
const VERDICTS = ['permitted', 'conditional', 'prohibited'];

export function contractProblems(report: any): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  need(typeof report?.profile === 'string' && report.profile.length > 0, 'profile: non-empty string');
  need(typeof report?.checkedAt === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(report.checkedAt), 'checkedAt: ISO 8601 UTC');
  need(Array.isArray(report?.parcels), 'parcels: array');
  for (const [i, parcel] of (report?.parcels ?? []).entries()) {
    const at = `parcels[${i}]`;
    need(typeof parcel.id === 'string' && parcel.id.length > 0, `${at}.id: string`);
    need(VERDICTS.includes(parcel.verdict), `${at}.verdict: one of ${VERDICTS}`);
    need(typeof parcel.areaM2 === 'number' && parcel.areaM2 > 0, `${at}.areaM2: positive number`);
    need(Array.isArray(parcel.findings), `${at}.findings: array`);
    const severities = (parcel.findings ?? []).map((f: any) => f.severity);
    const expectedVerdict = severities.includes('prohibit') ? 'prohibited' : severities.includes('condition') ? 'conditional' : 'permitted';
    need(parcel.verdict === expectedVerdict, `${at}.verdict follows its findings (${expectedVerdict})`);
    for (const [j, f] of (parcel.findings ?? []).entries()) {
      const fat = `${at}.findings[${j}]`;
      need(typeof f.rule === 'string' && /^[a-z]+\.[a-z0-9-]+$/.test(f.rule), `${fat}.rule: dotted id`);
      need(SEVERITIES.includes(f.severity), `${fat}.severity`);
      need(typeof f.message === 'string' && /[\u4e00-\u9fff]/.test(f.message), `${fat}.message: Chinese text`);
      need(typeof f.basis === 'string', `${fat}.basis: string`);
      need((f.layerKind === undefined) === (f.featureId === undefined), `${fat}: layerKind and featureId together`);
      if (f.layerKind !== undefined) {
        need(typeof f.overlapM2 === 'number' || typeof f.distanceM === 'number', `${fat}: overlapM2 or distanceM with a feature`);
      }
      if (f.overlapM2 !== undefined) need(typeof f.overlapPct === 'number', `${fat}.overlapPct with overlapM2`);
    }
  }
  return problems;
}
