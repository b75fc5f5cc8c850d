/** River rules (rules.md §3, "Rivers"). */
import type { UseClass } from '../../landuse/codes';
import { text } from '../../model/text';
import { decide, distancePhrase, missingAttribute, plannedIs, plannedPhrase, type Draft, type RuleDefinition } from './common';

const farmland = (c: UseClass) => c.farmland;

export const agriChemicalLimit: RuleDefinition = {
  id: 'river.agri-chemical-limit',
  titleZh: '河流沿岸耕地控制化肥农药使用',
  reads: ['river'],
  basis: '夏政办发〔2024〕19号 水 10',
  reachM: (params) => Math.max(0, ...params.riverAgriLimits.map((l) => l.distanceM)),
  evaluate(ctx) {
    const drafts: Draft[] = [];
    for (const limit of ctx.params.riverAgriLimits) {
      for (const hit of ctx.within('river', limit.distanceM)) {
        const name = hit.feature.props.name;
        // Layer names often carry a reach (涑水河夏县段): match by containment.
        if (typeof name !== 'string' || !name.includes(limit.river)) continue;
        drafts.push(
          ...decide(
            plannedIs(ctx, farmland),
            'notice',
            text('finding.river.agriChemical', { distance: distancePhrase(hit), river: limit.river, limit: String(limit.distanceM), planned: plannedPhrase(ctx) }),
            { distance: hit },
          ),
        );
      }
    }
    return drafts;
  },
};

export const greenBuffer: RuleDefinition = {
  id: 'river.green-buffer',
  titleZh: '河道两侧生态缓冲带',
  reads: ['river'],
  basis: '沁政办发〔2021〕19号 水 (三)2',
  reachM: (params) => Math.max(params.riverGreenBufferM.main, params.riverGreenBufferM.tributary),
  evaluate(ctx) {
    const { main, tributary } = ctx.params.riverGreenBufferM;
    const reach = Math.max(main, tributary);
    const drafts: Draft[] = [];
    for (const hit of ctx.within('river', reach)) {
      const cls = hit.feature.props.class;
      if (cls === 'main' || cls === 'tributary') {
        const limitM = cls === 'main' ? main : tributary;
        if (hit.distanceM > limitM) continue;
        drafts.push({ severity: 'condition', text: text('finding.river.greenBuffer', { distance: distancePhrase(hit), class: text(`finding.riverClass.${cls}`), limit: String(limitM) }), distance: hit });
        continue;
      }
      // Class unknown: within the smaller buffer it applies either way; beyond it, ask.
      const fires = hit.distanceM <= Math.min(main, tributary);
      const missing = missingAttribute(hit.feature, 'riverClass');
      drafts.push(
        ...decide(
          fires ? { value: true, missing: [] } : { value: undefined, missing: [missing] },
          'condition',
          text('finding.river.greenBufferClassUnknown', { distance: distancePhrase(hit), main: String(main), tributary: String(tributary) }),
          { distance: hit },
          text('finding.river.greenBuffer.unknown', { distance: distancePhrase(hit), main: String(main) }),
        ),
      );
    }
    return drafts;
  },
};
