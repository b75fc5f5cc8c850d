/**
 * Drinking-water source protection zones (rules.md §3, "Water"; 水污染防治法 2017 第六十三–六十七条).
 * Every finding repeats 第六十四条: no discharge outlet in any zone.
 */
import {
  MISSING,
  NO_OUTLET_ZH,
  featureLabel,
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
        drafts.push({
          severity: 'notice',
          message: `地块${overlapPhrase(hit)}（一级保护区）；项目为供水设施或保护水源设施，属法定例外，须按保护区管理要求建设；${NO_OUTLET_ZH}`,
          overlap: hit,
        });
        continue;
      }
      // Unknown project type is not read as the exception: the exception must be shown. The
      // finding stays `prohibit` and says what to supply to claim it.
      const ask = types === undefined ? `（如为供水设施或保护水源设施，需补充：${MISSING.projectType}）` : '';
      drafts.push({
        severity: 'prohibit',
        message: `地块${overlapPhrase(hit)}（一级保护区）；一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目${ask}；${NO_OUTLET_ZH}`,
        overlap: hit,
        ...(types === undefined ? { missing: [MISSING.projectType] } : {}),
      });
    }
    // A zone without a usable level cannot be placed in 1/2/准; ask, under the strictest rule.
    for (const hit of ctx.overlaps('water-source-zone').filter((h) => !['1', '2', 'quasi'].includes(String(h.feature.props.level)))) {
      const missing = `${featureLabel(hit.feature)}的“保护区级别”属性`;
      drafts.push({
        severity: 'condition',
        message: `需补充：${missing}。地块${overlapPhrase(hit)}，级别不明无法判定适用第六十五至六十七条；${NO_OUTLET_ZH}`,
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
        return [{ severity: 'prohibit', message: `地块${overlapPhrase(hit)}（二级保护区）；项目排放污染物，二级保护区内禁止新建、改建、扩建排放污染物的建设项目；${NO_OUTLET_ZH}`, overlap: hit }];
      }
      // Not discharging, or unknown (a condition either way): sewage must be piped out of the zone.
      const ask = discharging.value === undefined ? `需补充：${MISSING.projectType}（如项目排放污染物则不予准入）。` : '';
      return [
        {
          severity: 'condition',
          message: `${ask}地块${overlapPhrase(hit)}（二级保护区）；污水须引出保护区，不得排放污染物；${NO_OUTLET_ZH}`,
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
        return [{ severity: 'prohibit', message: `地块${overlapPhrase(hit)}（准保护区）；项目对水体污染严重，准保护区内禁止新建、扩建对水体污染严重的建设项目；${NO_OUTLET_ZH}`, overlap: hit }];
      }
      if (heavy.value === undefined) {
        return [
          {
            severity: 'condition',
            message: `需补充：${MISSING.projectType}。地块${overlapPhrase(hit)}（准保护区）；如项目对水体污染严重则不予准入；改建项目不得增加排污量；${NO_OUTLET_ZH}`,
            overlap: hit,
            missing: [MISSING.projectType],
          },
        ];
      }
      return [{ severity: 'notice', message: `地块${overlapPhrase(hit)}（准保护区）；改建项目不得增加排污量；${NO_OUTLET_ZH}`, overlap: hit }];
    });
  },
};
