/** Air rules: monitoring-station buffers and built-up-area buffers (rules.md §3, "Air"). */
import { text, textList, type CodedText } from '../../model/text';
import { AIR_STATION_TYPES } from '../profile';
import { all, decide, distancePhrase, known, missingAttribute, projectHas, unknown, type Draft, type Fact, type IndexedFeature, type RuleDefinition } from './common';

/** An air station type in words; another value as it is. */
const stationTypeText = (type: string): CodedText | string => ((AIR_STATION_TYPES as readonly string[]).includes(type) ? text(`finding.station.${type}`) : type);

function stationTypeFact(feature: IndexedFeature, types: readonly string[]): Fact {
  const type = feature.props.type;
  return typeof type === 'string' ? known(types.includes(type)) : unknown(missingAttribute(feature, 'stationType'));
}

function builtUpLevelFact(feature: IndexedFeature, level: 'city' | 'county'): Fact {
  const value = feature.props.level;
  return value === 'city' || value === 'county' ? known(value === level) : unknown(missingAttribute(feature, 'builtUpLevel'));
}

export const stationCatering: RuleDefinition = {
  id: 'air.station-catering',
  titleZh: '空气站点周边禁止新建餐饮项目',
  reads: ['monitoring-station'],
  basis: '孝政办发〔2024〕2号 空气 26',
  reachM: (params) => params.stationBufferM,
  evaluate(ctx) {
    const bufferM = ctx.params.stationBufferM;
    const types = ctx.params.stationTypes;
    return ctx.within('monitoring-station', bufferM).flatMap((hit) =>
      decide(
        all(stationTypeFact(hit.feature, types), projectHas(ctx, 'catering')),
        'prohibit',
        text('finding.air.catering', { distance: distancePhrase(hit), buffer: String(bufferM), types: textList(types.map(stationTypeText), 'enum') }),
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
  reachM: (params) => params.stationBufferM,
  evaluate(ctx) {
    const bufferM = ctx.params.stationBufferM;
    const drafts: Draft[] = [];
    for (const hit of ctx.within('monitoring-station', bufferM)) {
      const type = hit.feature.props.type;
      const isAir = typeof type === 'string' ? (AIR_STATION_TYPES as readonly string[]).includes(type) : undefined;
      if (isAir === false) continue;
      // A station of unknown type may be an air station: a notice costs nothing, missing one does.
      const typeNote = isAir === undefined ? text('finding.air.stationTypeUnknown') : text('finding.air.stationType', { type: stationTypeText(type as string) });
      drafts.push({ severity: 'notice', text: text('finding.air.buffer', { distance: distancePhrase(hit), typeNote, buffer: String(bufferM) }), distance: hit });
    }
    return drafts;
  },
};

export const urbanNoAirProjects: RuleDefinition = {
  id: 'air.urban-no-air-projects',
  titleZh: '市区建成区周边禁止新建涉气项目',
  reads: ['built-up-area'],
  basis: '城政办发〔2023〕20号 空气 1',
  reachM: (params) => params.urbanAirBufferM,
  evaluate(ctx) {
    const bufferM = ctx.params.urbanAirBufferM;
    return ctx.within('built-up-area', bufferM).flatMap((hit) =>
      decide(
        all(builtUpLevelFact(hit.feature, 'city'), projectHas(ctx, 'air-polluting')),
        'prohibit',
        text('finding.air.urban', { distance: distancePhrase(hit), buffer: String(bufferM), km: String(bufferM / 1000) }),
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
  reachM: (params) => params.countyAirBufferM,
  evaluate(ctx) {
    const bufferM = ctx.params.countyAirBufferM;
    return ctx.within('built-up-area', bufferM).flatMap((hit) =>
      decide(
        all(builtUpLevelFact(hit.feature, 'county'), projectHas(ctx, 'air-polluting')),
        'notice',
        text('finding.air.county', { distance: distancePhrase(hit), buffer: String(bufferM), km: String(bufferM / 1000) }),
        { distance: hit },
      ),
    );
  },
};
