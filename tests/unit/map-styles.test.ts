/** The one style definition: which class a feature takes, and 文书编号 patterns. */
import { describe, expect, it } from 'vitest';
import { classOf, classesFor, styleClasses, WATER_LEVEL_COLORS } from '../../shared/map/styles';
import { chinaTime, chinaYear, documentNumberPatternProblem, formatDocumentNumber } from '../../shared/review/document-number';
import { qgisExpression } from '../../electron/services/store/qgis-styles';

describe('shared map styles', () => {
  it('gives each water-source zone level its own class, 二级 included', () => {
    const classes = styleClasses('water-source-zone');
    expect(classOf(classes, { level: '1' }, 'area')?.label.zh).toBe('一级保护区');
    expect(classOf(classes, { level: '2' }, 'area')?.fill).toBe(WATER_LEVEL_COLORS['2']);
    expect(classOf(classes, { level: 'quasi' }, 'area')?.label.zh).toBe('准保护区');
  });

  it('tells listed, delisted and other contaminated land apart, booleans stored as 0/1 too', () => {
    const classes = styleClasses('contaminated-parcel');
    expect(classOf(classes, { listed: true, delisted: false }, 'area')?.key).toBe('listed');
    expect(classOf(classes, { listed: 1, delisted: 1 }, 'area')?.key).toBe('delisted');
    expect(classOf(classes, { listed: 0 }, 'area')?.key).toBe('other');
  });

  it('classes elevation bands by their thresholds and rivers by geometry', () => {
    const bands = styleClasses('elevation-band', { belowM: [900, 400] });
    expect(bands.map((c) => c.label.zh)).toEqual(['高程低于 400 米', '高程低于 900 米']);
    expect(classOf(bands, { belowM: 900 }, 'area')?.key).toBe('below-900');
    const rivers = styleClasses('river');
    expect(classOf(rivers, { class: 'main' }, 'line')?.key).toBe('main');
    expect(classOf(rivers, { class: 'main' }, 'area')?.key).toBe('water-area');
  });

  it('draws a line kind on polygon features as unfilled outlines', () => {
    const outline = classesFor(styleClasses('admin-boundary'), 'area');
    expect(outline).toHaveLength(1);
    expect(outline[0]).toMatchObject({ geometry: 'area', fillOpacity: 0, dash: [4, 2, 1, 2] });
  });

  it('writes QGIS expressions on the stored column names; a missing column matches nothing', () => {
    const column = (key: string) => ({ level: 'bhqjb' })[key];
    expect(qgisExpression({ attr: 'level', in: ['2'] }, column)).toBe(`coalesce("bhqjb" IN ('2'), FALSE)`);
    expect(qgisExpression({ attr: 'listed', isTrue: true }, column)).toBe('FALSE');
  });
});

describe('文书编号', () => {
  it('formats the authority’s pattern with the year and the sequence number', () => {
    expect(formatDocumentNumber('夏自然资准〔{年}〕{号}号', 2026, 9)).toBe('夏自然资准〔2026〕9号');
    expect(formatDocumentNumber('夏环审〔{年}〕{号:3}号', 2026, 9)).toBe('夏环审〔2026〕009号');
  });

  it('refuses a pattern without a sequence number or with unknown fields', () => {
    expect(documentNumberPatternProblem('夏自然资准〔{年}〕号')).toMatch(/\{号\}/);
    expect(documentNumberPatternProblem('〔{年}〕{号}{号}')).toMatch(/一个/);
    expect(documentNumberPatternProblem('〔{year}〕{号}号')).toMatch(/只能用/);
    expect(documentNumberPatternProblem('夏自然资准〔{年}〕{号}号')).toBeNull();
  });

  it('dates in China local time: the small hours of 1 January UTC+8 belong to the new year', () => {
    expect(chinaTime('2026-12-31T17:30:00.000Z')).toBe('2027-01-01 01:30');
    expect(chinaYear('2026-12-31T17:30:00.000Z')).toBe(2027);
    expect(chinaTime('2026-06-01T00:00:00Z', false)).toBe('2026-06-01');
  });
});
