/** River rules (rules.md §3, "Rivers"). */
import type { UseClass } from '../../landuse/codes';
import { decide, distancePhrase, featureLabel, plannedIs, plannedPhrase, type Draft, type RuleDefinition } from './common';

const farmland = (c: UseClass) => c.farmland;

export const agriChemicalLimit: RuleDefinition = {
  id: 'river.agri-chemical-limit',
  titleZh: '河流沿岸耕地控制化肥农药使用',
  reads: ['river'],
  basis: '夏政办发〔2024〕19号 水 10',
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
            `地块${distancePhrase(hit)}（${limit.river}沿岸 ${limit.distanceM} m 范围内）；${plannedPhrase(ctx)}属耕地，须控制化肥、农药施用量，防止面源污染`,
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
  evaluate(ctx) {
    const { main, tributary } = ctx.params.riverGreenBufferM;
    const reach = Math.max(main, tributary);
    const drafts: Draft[] = [];
    for (const hit of ctx.within('river', reach)) {
      const cls = hit.feature.props.class;
      if (cls === 'main' || cls === 'tributary') {
        const limitM = cls === 'main' ? main : tributary;
        if (hit.distanceM > limitM) continue;
        drafts.push({
          severity: 'condition',
          message: `地块${distancePhrase(hit)}（${cls === 'main' ? '干流' : '支流'}两侧 ${limitM} m 生态缓冲带内）；须保留河道生态缓冲带，缓冲带内不得建设与防洪、生态修复无关的建筑物`,
          distance: hit,
        });
        continue;
      }
      // Class unknown: within the smaller buffer it applies either way; beyond it, ask.
      const fires = hit.distanceM <= Math.min(main, tributary);
      const missing = `${featureLabel(hit.feature)}的“河流等级”属性（干流/支流）`;
      drafts.push(
        ...decide(
          fires ? { value: true, missing: [] } : { value: undefined, missing: [missing] },
          'condition',
          `地块${distancePhrase(hit)}（河流等级未填写，位于干流 ${main} m、支流 ${tributary} m 缓冲带内）；须保留河道生态缓冲带，缓冲带内不得建设与防洪、生态修复无关的建筑物`,
          { distance: hit },
          `地块${distancePhrase(hit)}；若为干流（缓冲带 ${main} m），须保留河道生态缓冲带`,
        ),
      );
    }
    return drafts;
  },
};
