/** Clean-heating rules (rules.md §3, "Heating"). */
import type { UseClass } from '../../landuse/codes';
import { all, decide, featureLabel, known, overlapPhrase, plannedIs, plannedPhrase, unknown, type RuleDefinition } from './common';

const sensitive = (c: UseClass) => c.sensitive;

/** Bands compare as numbers in metres; 1 mm tolerance absorbs float text like 400.0000001. */
const sameBand = (a: number, b: number) => Math.abs(a - b) < 1e-3;

const MISSING_ELEVATION = '覆盖地块的高程数据（DEM 或清洁取暖高程带图层）';

export const cleanHeatingBand: RuleDefinition = {
  id: 'heat.clean-heating-band',
  titleZh: '高程带内一住两公用地须清洁取暖',
  reads: ['elevation-band'],
  basis: '夏政办发〔2024〕19号 空气 (十)；孝政办发〔2024〕2号 空气 25',
  evaluate(ctx) {
    const bandM = ctx.params.heatBandM;
    if (bandM === null) return [];
    // No band layer at all: the engine reports the layer as not imported (未核查) instead.
    if (!ctx.hasLayer('elevation-band')) return [];
    const hits = ctx.overlaps('elevation-band');
    const drafts = hits.flatMap((hit) => {
      const below = hit.feature.props.belowM;
      const bandFact =
        typeof below === 'number' && Number.isFinite(below) ? known(sameBand(below, bandM)) : unknown(`${featureLabel(hit.feature)}的“高程上限”属性`);
      return decide(
        all(bandFact, plannedIs(ctx, sensitive)),
        'condition',
        `地块${overlapPhrase(hit)}（海拔 ${bandM} m 以下区域）；${plannedPhrase(ctx)}属一住两公，出让条件须明确采用集中供热、煤改气或煤改电等清洁取暖方式，不得使用散煤`,
        { overlap: hit },
      );
    });
    // Band layers hold only the areas below each level, so "in no band" means "above every level"
    // only where elevation is known: inside the DEM the bands were built from, or next to a band
    // of another level. Elsewhere it is unknown, and unknown is never read as "not in the band".
    if (hits.length > 0 || ctx.withinDem()) return drafts;
    return decide(
      all(unknown(MISSING_ELEVATION), plannedIs(ctx, sensitive)),
      'condition',
      '',
      {},
      `地块不在（或不完全在）项目高程数据（DEM）或高程带图层覆盖范围内，无法判定是否位于海拔 ${bandM} m 以下的清洁取暖高程带内；请导入覆盖该地块的 DEM 并重新生成高程带图层，或提供地块高程测绘资料。若位于高程带内且规划用途属一住两公，出让条件须明确采用集中供热、煤改气或煤改电等清洁取暖方式，不得使用散煤`,
    );
  },
};

export const coalBanZone: RuleDefinition = {
  id: 'heat.coal-ban-zone',
  titleZh: '禁煤区内一住两公用地须清洁取暖',
  reads: ['coal-ban-zone'],
  basis: '夏政办发〔2024〕19号 空气 (十一)；沁政办发〔2021〕19号 空气 10；城政办发〔2023〕20号 空气 8',
  evaluate(ctx) {
    return ctx.overlaps('coal-ban-zone').flatMap((hit) =>
      decide(
        plannedIs(ctx, sensitive),
        'condition',
        `地块${overlapPhrase(hit)}；${plannedPhrase(ctx)}属一住两公，禁煤区内禁止储存、销售、燃用煤炭，出让条件须明确清洁取暖方式`,
        { overlap: hit },
      ),
    );
  },
};
