/** Air rules: monitoring-station buffers and built-up-area buffers (rules.md §3, "Air"). */
import { AIR_STATION_TYPES } from '../profile';
import { all, decide, distancePhrase, featureLabel, known, projectHas, unknown, type Draft, type Fact, type IndexedFeature, type RuleDefinition } from './common';

const STATION_TYPE_ZH: Record<string, string> = {
  'air-national': '国控空气站',
  'air-provincial': '省控空气站',
  'air-township': '乡镇空气站',
};

function stationTypeFact(feature: IndexedFeature, types: readonly string[]): Fact {
  const type = feature.props.type;
  return typeof type === 'string' ? known(types.includes(type)) : unknown(`${featureLabel(feature)}的“站点类型”属性`);
}

function builtUpLevelFact(feature: IndexedFeature, level: 'city' | 'county'): Fact {
  const value = feature.props.level;
  return value === 'city' || value === 'county' ? known(value === level) : unknown(`${featureLabel(feature)}的“级别”属性（市区/县城）`);
}

export const stationCatering: RuleDefinition = {
  id: 'air.station-catering',
  titleZh: '空气站点周边禁止新建餐饮项目',
  reads: ['monitoring-station'],
  basis: '孝政办发〔2024〕2号 空气 26',
  evaluate(ctx) {
    const bufferM = ctx.params.stationBufferM;
    const types = ctx.params.stationTypes;
    return ctx.within('monitoring-station', bufferM).flatMap((hit) =>
      decide(
        all(stationTypeFact(hit.feature, types), projectHas(ctx, 'catering')),
        'prohibit',
        `地块${distancePhrase(hit)}（≤ ${bufferM} m，${types.map((t) => STATION_TYPE_ZH[t] ?? t).join('、')}）；站点周边 ${bufferM} 米范围内禁止新建餐饮项目`,
        { distance: hit },
      ),
    );
  },
};

export const stationBuffer: RuleDefinition = {
  id: 'air.station-buffer',
  titleZh: '空气站点周边施工扬尘管控',
  reads: ['monitoring-station'],
  basis: '孝政办发〔2024〕2号 空气 26 (站点周边500米)；夏政办发〔2024〕19号 空气 (十八)',
  evaluate(ctx) {
    const bufferM = ctx.params.stationBufferM;
    const drafts: Draft[] = [];
    for (const hit of ctx.within('monitoring-station', bufferM)) {
      const type = hit.feature.props.type;
      const isAir = typeof type === 'string' ? (AIR_STATION_TYPES as readonly string[]).includes(type) : undefined;
      if (isAir === false) continue;
      // A station of unknown type may be an air station: a notice costs nothing, missing one does.
      const typeNote = isAir === undefined ? '（站点类型未填写，按空气站提示）' : `（${STATION_TYPE_ZH[type as string]}）`;
      drafts.push({
        severity: 'notice',
        message: `地块${distancePhrase(hit)}${typeNote}，位于站点周边 ${bufferM} 米范围内；施工须落实扬尘管控“六个百分百”，不得新建餐饮项目`,
        distance: hit,
      });
    }
    return drafts;
  },
};

export const urbanNoAirProjects: RuleDefinition = {
  id: 'air.urban-no-air-projects',
  titleZh: '市区建成区周边禁止新建涉气项目',
  reads: ['built-up-area'],
  basis: '城政办发〔2023〕20号 空气 1',
  evaluate(ctx) {
    const bufferM = ctx.params.urbanAirBufferM;
    return ctx.within('built-up-area', bufferM).flatMap((hit) =>
      decide(
        all(builtUpLevelFact(hit.feature, 'city'), projectHas(ctx, 'air-polluting')),
        'prohibit',
        `地块${distancePhrase(hit)}（市区建成区，≤ ${bufferM} m）；项目涉气，市区建成区周边 ${bufferM / 1000} 公里范围内不得新建涉气项目`,
        { distance: hit },
      ),
    );
  },
};

export const countyAirInspection: RuleDefinition = {
  id: 'air.county-air-inspection',
  titleZh: '县城建成区周边涉气项目严格审查',
  reads: ['built-up-area'],
  basis: '沁政办发〔2021〕19号 空气 1',
  evaluate(ctx) {
    const bufferM = ctx.params.countyAirBufferM;
    return ctx.within('built-up-area', bufferM).flatMap((hit) =>
      decide(
        all(builtUpLevelFact(hit.feature, 'county'), projectHas(ctx, 'air-polluting')),
        'notice',
        `地块${distancePhrase(hit)}（县城建成区，≤ ${bufferM} m）；项目涉气，县城建成区周边 ${bufferM / 1000} 公里范围内的涉气项目须严格环评审查`,
        { distance: hit },
      ),
    );
  },
};
