/**
 * Drinking-water source protection zones (rules.md §3, "Water"; 水污染防治法 2017 第六十三–六十七条).
 * Every finding repeats 第六十四条: no discharge outlet in any zone.
 */
import { text } from '../../model/text';
import {
  MISSING,
  NO_OUTLET,
  missingAttribute,
  overlapPhrase,
  projectHas,
  type Draft,
  type OverlapHit,
  type RuleContext,
  type RuleDefinition,
} from './common';

function zonesOfLevel(ctx: RuleContext, level: '1' | '2' | 'quasi'): OverlapHit[] {
  return ctx.overlaps('water-source-zone').filter((hit) => hit.feature.props.level === level);
}

export const zone1: RuleDefinition = {
  id: 'water.zone1',
  titleZh: '一级保护区内禁止建设与供水设施和保护水源无关的项目',
  reads: ['water-source-zone'],
  basis: '水污染防治法 第六十五条；水污染防治法 第六十四条',
  evaluate(ctx) {
    const drafts: Draft[] = [];
    for (const hit of zonesOfLevel(ctx, '1')) {
      const types = ctx.parcel.projectType;
      if (types?.includes('water-supply')) {
        // The statute's own exception: facilities for water supply or source protection.
        drafts.push({ severity: 'notice', text: text('finding.water.zone1Exception', { overlap: overlapPhrase(hit), noOutlet: NO_OUTLET }), overlap: hit });
        continue;
      }
      // Unknown project type is not read as the exception: the exception must be shown. The
      // finding stays `prohibit` and says what to supply to claim it.
      const ask = types === undefined ? text('finding.water.zone1Ask', { missing: MISSING.projectType }) : '';
      drafts.push({
        severity: 'prohibit',
        text: text('finding.water.zone1', { overlap: overlapPhrase(hit), ask, noOutlet: NO_OUTLET }),
        overlap: hit,
        ...(types === undefined ? { missing: [MISSING.projectType] } : {}),
      });
    }
    // A zone without a usable level cannot be placed in 1/2/准; ask, under the strictest rule.
    for (const hit of ctx.overlaps('water-source-zone').filter((h) => !['1', '2', 'quasi'].includes(String(h.feature.props.level)))) {
      const missing = missingAttribute(hit.feature, 'zoneLevel');
      drafts.push({
        severity: 'condition',
        text: text('finding.water.levelUnknown', { missing, overlap: overlapPhrase(hit), noOutlet: NO_OUTLET }),
        overlap: hit,
        missing: [missing],
      });
    }
    return drafts;
  },
};

export const zone2: RuleDefinition = {
  id: 'water.zone2',
  titleZh: '二级保护区内禁止建设排放污染物的项目',
  reads: ['water-source-zone'],
  basis: '水污染防治法 第六十六条；水污染防治法 第六十四条',
  evaluate(ctx) {
    return zonesOfLevel(ctx, '2').flatMap((hit): Draft[] => {
      const discharging = projectHas(ctx, 'discharging');
      if (discharging.value === true) {
        return [{ severity: 'prohibit', text: text('finding.water.zone2', { overlap: overlapPhrase(hit), noOutlet: NO_OUTLET }), overlap: hit }];
      }
      // Not discharging, or unknown (a condition either way): sewage must be piped out of the zone.
      const ask = discharging.value === undefined ? text('finding.water.zone2Ask', { missing: MISSING.projectType }) : '';
      return [
        {
          severity: 'condition',
          text: text('finding.water.zone2Sewage', { ask, overlap: overlapPhrase(hit), noOutlet: NO_OUTLET }),
          overlap: hit,
          ...(discharging.value === undefined ? { missing: [MISSING.projectType] } : {}),
        },
      ];
    });
  },
};

export const quasi: RuleDefinition = {
  id: 'water.quasi',
  titleZh: '准保护区内禁止建设严重污染水体的项目',
  reads: ['water-source-zone'],
  basis: '水污染防治法 第六十七条；水污染防治法 第六十四条',
  evaluate(ctx) {
    return zonesOfLevel(ctx, 'quasi').flatMap((hit): Draft[] => {
      const heavy = projectHas(ctx, 'heavy-water-polluting');
      if (heavy.value === true) {
        return [{ severity: 'prohibit', text: text('finding.water.quasi', { overlap: overlapPhrase(hit), noOutlet: NO_OUTLET }), overlap: hit }];
      }
      if (heavy.value === undefined) {
        return [
          {
            severity: 'condition',
            text: text('finding.water.quasiUnknown', { missing: MISSING.projectType, overlap: overlapPhrase(hit), noOutlet: NO_OUTLET }),
            overlap: hit,
            missing: [MISSING.projectType],
          },
        ];
      }
      return [{ severity: 'notice', text: text('finding.water.quasiNotice', { overlap: overlapPhrase(hit), noOutlet: NO_OUTLET }), overlap: hit }];
    });
  },
};
