/**
 * Missing-coverage machinery below the golden cases: the catalogue's declared reads, which the
 * missing-layer notices rest on.
 */
import { describe, expect, it } from 'vitest';
import type { Feature, Polygon } from 'geojson';
import { RULES } from '../../shared/rules/catalogue';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';
import { getProfile } from '../../electron/services/profiles';

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const PARCEL = box(111.2, 35.1, 111.201, 35.101);

describe('declared reads', () => {
  it('every rule declares the kinds it reads, and reading another kind is reported, not ignored', () => {
    for (const rule of RULES) expect(Array.isArray(rule.reads), rule.id).toBe(true);
    const parcel: Feature<Polygon> = { type: 'Feature', id: 'P-1', properties: { id: 'P-1', plannedUse: '0701', currentUse: '1001' }, geometry: PARCEL };
    const heat = RULES.find((r) => r.id === 'heat.clean-heating-band')!;
    const reads = heat.reads;
    try {
      (heat as { reads: readonly string[] }).reads = [];
      const report = checkParcels(buildReferenceIndex([]), [parcel], getProfile('xiaxian'));
      expect(report.parcels[0].findings.some((f) => f.rule === 'heat.clean-heating-band' && f.message.includes('规则执行出错'))).toBe(true);
    } finally {
      (heat as { reads: readonly string[] }).reads = reads;
    }
  });
});
