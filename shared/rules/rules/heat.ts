/** Clean-heating rules (rules.md §3, "Heating"). */
import type { UseClass } from '../../landuse/codes';
import { text } from '../../model/text';
import { all, decide, known, missingAttribute, overlapPhrase, plannedIs, plannedPhrase, unknown, type RuleDefinition } from './common';

const sensitive = (c: UseClass) => c.sensitive;

/** Bands compare as numbers in metres; 1 mm tolerance absorbs float text like 400.0000001. */
const sameBand = (a: number, b: number) => Math.abs(a - b) < 1e-3;

const MISSING_ELEVATION = text('finding.missing.elevation');

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
        typeof below === 'number' && Number.isFinite(below) ? known(sameBand(below, bandM)) : unknown(missingAttribute(hit.feature, 'belowM'));
      return decide(
        all(bandFact, plannedIs(ctx, sensitive)),
        'condition',
        text('finding.heat.band', { overlap: overlapPhrase(hit), band: String(bandM), planned: plannedPhrase(ctx) }),
        { overlap: hit },
      );
    });
    // Band layers hold only the areas below each level, so "in no band" means "above every level"
    // only where elevation is known: inside the DEM the bands were built from, or next to a band
    // of another level. Elsewhere it is unknown, and unknown is never read as "not in the band".
    if (hits.length > 0 || ctx.withinDem()) return drafts;
    // The fact cannot be true (the elevation is unknown): only the 需补充 wording is ever used.
    const uncovered = text('finding.heat.bandUncovered', { band: String(bandM) });
    return decide(all(unknown(MISSING_ELEVATION), plannedIs(ctx, sensitive)), 'condition', uncovered, {}, uncovered);
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
        text('finding.heat.coalBan', { overlap: overlapPhrase(hit), planned: plannedPhrase(ctx) }),
        { overlap: hit },
      ),
    );
  },
};
