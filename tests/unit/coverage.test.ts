/**
 * Missing-coverage machinery below the golden cases: the uncovered-area figure the admin-boundary
 * and DEM checks rest on, and the catalogue's declared reads that the missing-layer notices rest on.
 */
import { describe, expect, it } from 'vitest';
import type { Feature, Polygon } from 'geojson';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { uncoveredAreaM2 } from '../../shared/geo/overlay';
import { RULES } from '../../shared/rules/catalogue';
import { buildReferenceIndex, checkParcels } from '../../shared/rules/engine';
import { getProfile } from '../../electron/services/profiles';

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const PARCEL = box(111.2, 35.1, 111.201, 35.101);

describe('uncoveredAreaM2', () => {
  it('is the whole area without covers nearby, and 0 inside a cover', () => {
    expect(uncoveredAreaM2(PARCEL, [])).toBeCloseTo(geodesicAreaM2(PARCEL), 6);
    expect(uncoveredAreaM2(PARCEL, [box(111, 35, 112, 36)])).toBe(0);
  });

  it('counts overlapping covers once (a county and its township)', () => {
    const half = uncoveredAreaM2(PARCEL, [box(111.2005, 35, 112, 36), box(111.2007, 35, 112, 36)]);
    expect(half).not.toBeNull();
    expect(half! / geodesicAreaM2(PARCEL)).toBeCloseTo(0.5, 3);
  });
});

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
