/**
 * The words of the rule catalogue, zh-CN and English, by code: what the rules and the engine say
 * (findings, their phrases, what 需补充 asks for, the rules' titles). The engine renders the
 * Chinese into each finding's `message` (rules.md §5) and keeps the code and parameters beside it;
 * the UI renders the same code in the reader's language through its catalogue (renderer/i18n),
 * which takes this table as its `finding` namespace.
 *
 * Placeholders are the parameters the rule modules pass (rules/common.ts and the family modules);
 * both languages use the same ones (a test checks). Chinese is the text of record: change it only
 * together with the golden fixtures.
 */
import { LAYER_KIND_LABEL_EN, LAYER_KIND_LABEL_ZH, LAYER_KINDS } from '../model/layers';
import { USE_SCHEME_LABEL_EN, USE_SCHEME_LABEL_ZH, USE_SCHEMES } from '../landuse/codes';
import { renderText, ZH_SEPARATORS, type TextLanguage, type TextParam } from '../model/text';
import { RULES } from './catalogue';
import type { RuleId } from './profile';

type Pair = readonly [zh: string, en: string];

/** English titles of the rules (the Chinese ones are the catalogue's `titleZh`). */
const RULE_TITLE_EN: Record<RuleId, string> = {
  'soil.listed-sensitive': 'Listed contaminated land may not become residential or public-service land',
  'soil.listed-transaction': 'No recovery, acquisition, supply or change of use of listed contaminated land',
  'soil.unremediated-construction': 'No construction before remediation targets are met',
  'soil.survey-required': 'Soil pollution survey required first',
  'soil.heavy-industry-sensitive': 'Heavily polluted pesticide, coking or chemical land may not be planned for housing or schools',
  'soil.suspect-query': 'Query the contaminated-land information system before acquisition, recovery or supply',
  'soil.adjacent-sequencing': 'Sequence development next to listed contaminated land',
  'soil.key-unit-transfer': 'Survey before a key supervised unit’s land changes use, is recovered or transferred',
  'soil.toxic-to-farmland': 'Land that handled toxic or hazardous substances may not be reclaimed as farmland',
  'farmland.polluting-project': 'No soil-polluting projects in permanent basic farmland',
  'use.ambiguous-code': 'Ambiguous land-use code to be classified by hand',
  'water.zone1': 'Level-1 zone: no projects unrelated to water supply and source protection',
  'water.zone2': 'Level-2 zone: no projects discharging pollutants',
  'water.quasi': 'Quasi-protection zone: no projects seriously polluting water',
  'heat.clean-heating-band': 'Clean heating for residential and public land in the elevation band',
  'heat.coal-ban-zone': 'Clean heating for residential and public land in the coal-ban zone',
  'air.station-catering': 'No new catering near air monitoring stations',
  'air.station-buffer': 'Dust control near air monitoring stations',
  'air.urban-no-air-projects': 'No new air-polluting projects near the city’s built-up area',
  'air.county-air-inspection': 'Strict review of air-polluting projects near the county town',
  'river.agri-chemical-limit': 'Limit fertiliser and pesticide on farmland along the river',
  'river.green-buffer': 'Ecological buffer on both banks of rivers',
};

const PHRASES: Record<string, Pair> = {
  // features and figures
  'finding.feature.named': ['{kind}“{name}”（{id}）', '{kind} “{name}” ({id})'],
  'finding.feature.plain': ['{kind}（{id}）', '{kind} ({id})'],
  'finding.feature.nameOnly': ['{kind}“{name}”', '{kind} “{name}”'],
  'finding.area': ['{m2} m²（{ha} 公顷，{mu} 亩）', '{m2} m² ({ha} ha, {mu} mu)'],
  'finding.overlap': ['与{feature}重叠 {area}，占地块面积 {pct}%', 'overlaps {feature} by {area}, {pct}% of the parcel'],
  'finding.touches': ['与{feature}相接或重叠（距离 0.00 m）', 'touches or overlaps {feature} (distance 0.00 m)'],
  'finding.distance': ['距{feature}{distance} m', 'lies {distance} m from {feature}'],
  'finding.plannedUse': ['规划用途 {use}', 'the planned use {use}'],
  'finding.plannedUseBare': ['规划用途', 'the planned use'],
  'finding.currentUse': ['现状用途 {use}', 'the current use {use}'],
  'finding.currentUseBare': ['现状用途', 'the current use'],
  'finding.useAssumed': ['{code}（按{scheme} 推定）', '{code} ({scheme}, assumed)'],
  'finding.useDeclared': ['{code}（{scheme}）', '{code} ({scheme})'],
  'finding.noOutlet': ['饮用水水源保护区内禁止设置排污口（水污染防治法 第六十四条）', 'no sewage outlet may be set up in a drinking-water source protection zone (Water Pollution Prevention and Control Law, Art. 64)'],
  'finding.notFilled': ['未填写', 'not filled in'],

  // unknown facts (需补充)
  'finding.supply': ['需补充：{missing}。{then}', 'To be supplied: {missing}. {then}'],
  'finding.ifTrue': ['若条件成立：{then}', 'If that applies: {then}'],
  'finding.missing.plannedUse': ['规划用途', 'planned use'],
  'finding.missing.currentUse': ['现状用途', 'current use'],
  'finding.missing.action': ['拟办事项', 'requested action'],
  'finding.missing.soilSurvey': ['土壤污染状况调查情况', 'soil pollution survey status'],
  'finding.missing.toxicHistory': ['是否曾涉及有毒有害物质', 'whether toxic or hazardous substances were ever involved'],
  'finding.missing.projectType': ['项目类型', 'project type'],
  'finding.missing.useUnrecognised': ['{label}：“{raw}”无法识别，请填写所用分类标准中的用地代码', '{label}: “{raw}” is not recognised; enter a land-use code of the classification used'],
  'finding.missing.listed': ['{feature}的“列入名录”属性', 'the “listed” attribute of {feature}'],
  'finding.missing.heavy': ['{feature}的“重度污染”属性', 'the “heavily polluted” attribute of {feature}'],
  'finding.missing.industry': ['{feature}的“原行业”属性', 'the “former industry” attribute of {feature}'],
  'finding.missing.zoneLevel': ['{feature}的“保护区级别”属性', 'the “protection level” attribute of {feature}'],
  'finding.missing.belowM': ['{feature}的“高程上限”属性', 'the “upper elevation” attribute of {feature}'],
  'finding.missing.stationType': ['{feature}的“站点类型”属性', 'the “station type” attribute of {feature}'],
  'finding.missing.builtUpLevel': ['{feature}的“级别”属性（市区/县城）', 'the “level” attribute (city / county town) of {feature}'],
  'finding.missing.riverClass': ['{feature}的“河流等级”属性（干流/支流）', 'the “river class” attribute (main stream / tributary) of {feature}'],
  'finding.missing.elevation': ['覆盖地块的高程数据（DEM 或清洁取暖高程带图层）', 'elevation data covering the parcel (a DEM or a clean-heating elevation band layer)'],
  'finding.missing.builtUpLevel.name': ['{feature}的“级别”属性', 'the “level” attribute of {feature}'],
  'finding.missing.riverClass.name': ['{feature}的“河流等级”属性', 'the “river class” attribute of {feature}'],
  'finding.missing.elevation.name': ['覆盖地块的高程数据', 'elevation data covering the parcel'],
  'finding.missing.layer': ['{kind}图层', '{kind} layer'],

  // values the findings quote
  'finding.action.supply': ['土地供应', 'land supply'],
  'finding.action.recover': ['土地收回', 'land recovery'],
  'finding.action.acquire': ['土地收购', 'land acquisition'],
  'finding.action.change-use': ['改变土地用途', 'change of land use'],
  'finding.action.transfer': ['土地转让', 'land transfer'],
  'finding.action.construct': ['开工建设', 'construction'],
  'finding.action.reclaim': ['复垦', 'reclamation'],
  'finding.survey.none': ['未开展', 'not done'],
  'finding.survey.in-progress': ['进行中', 'in progress'],
  'finding.survey.passed': ['调查通过', 'passed'],
  'finding.survey.exceeds': ['超筛选值', 'exceeds the screening values'],
  'finding.risk.none': ['未开展', 'not done'],
  'finding.risk.acceptable': ['风险可接受', 'risk acceptable'],
  'finding.risk.unacceptable': ['风险不可接受', 'risk unacceptable'],
  'finding.station.air-national': ['国控空气站', 'national air station'],
  'finding.station.air-provincial': ['省控空气站', 'provincial air station'],
  'finding.station.air-township': ['乡镇空气站', 'township air station'],
  'finding.riverClass.main': ['干流', 'main stream'],
  'finding.riverClass.tributary': ['支流', 'tributary'],

  // soil
  'finding.soil.ambiguityNote': ['（规划用途代码存在歧义，按一住两公从严审查，见“{rule}”）', ' (the planned-use code is ambiguous and was reviewed strictly as residential or public land; see “{rule}”)'],
  'finding.soil.listedSensitive': [
    '地块{overlap}，该污染地块列入建设用地土壤污染风险管控和修复名录且未移出；{planned}属住宅、公共管理与公共服务用地（一住两公）{note}，不得作为住宅、公共管理与公共服务用地',
    'The parcel {overlap}; that contaminated parcel is on the list of construction land under soil pollution risk control and remediation and has not been removed; {planned} is residential, public management or public service land{note}, which the listed land may not become',
  ],
  'finding.soil.listedSensitive.unknown': [
    '地块{overlap}；若该污染地块在名录中且规划用途属一住两公，则不得作为住宅、公共管理与公共服务用地（不予准入）',
    'The parcel {overlap}; if that contaminated parcel is on the list and the planned use is residential or public land, the land may not become residential, public management or public service land (prohibited)',
  ],
  'finding.soil.listedTransaction': [
    '地块{overlap}，该污染地块列入风险管控和修复名录且未移出；拟办事项为{action}，严禁办理土地收回、收购、土地供应以及改变土地用途等手续',
    'The parcel {overlap}; that contaminated parcel is on the risk control and remediation list and has not been removed; the requested action is {action}, and recovering, acquiring, supplying or changing the use of such land is strictly forbidden',
  ],
  'finding.soil.listedTransaction.unknown': [
    '地块{overlap}；若该污染地块在名录中且拟办理收回、收购、供应或改变用途，则严禁办理（不予准入）',
    'The parcel {overlap}; if that contaminated parcel is on the list and recovery, acquisition, supply or a change of use is requested, it is strictly forbidden (prohibited)',
  ],
  'finding.soil.reason.sensitiveUseChange': ['用途变更为住宅、公共管理与公共服务用地（{current} → {planned}）', 'the use changes to residential, public management or public service land ({current} → {planned})'],
  'finding.soil.reason.agriculturalUseChange': ['用途变更为农用地（{current} → {planned}）', 'the use changes to agricultural land ({current} → {planned})'],
  'finding.soil.reason.foodProcessing': ['食品加工储存类项目', 'a food processing or storage project'],
  'finding.soil.reason.industrialRecover': ['收回工矿用地（{current}）', 'industrial or mining land is recovered ({current})'],
  'finding.soil.surveyStatus': ['当前调查状态：{status}', 'survey status: {status}'],
  'finding.soil.surveyStatusMissing': ['调查状态未填写', 'survey status not filled in'],
  'finding.soil.surveyRequired': [
    '{reasons}，须依法开展土壤污染状况调查（用途变更的应在变更前完成），调查报告经评审通过后方可办理（{status}）{exceeds}',
    '{reasons}: a soil pollution survey is required by law (before the change of use, where the use changes), and the matter may proceed only once the survey report has passed review ({status}){exceeds}',
  ],
  'finding.soil.surveyRiskAcceptable': ['；调查超筛选值，风险评估结论为风险可接受，须将评估报告评审意见随件提交', '; the survey exceeds the screening values and the risk assessment found the risk acceptable: submit the review opinion on the assessment report with the application'],
  'finding.soil.surveyRiskNeeded': [
    '；调查结果超筛选值，还须开展土壤污染风险评估（风险评估：{risk}），风险不可接受的须列入名录管理',
    '; the survey exceeds the screening values, so a soil pollution risk assessment is required too (risk assessment: {risk}); land whose risk is unacceptable must be put on the list',
  ],
  'finding.soil.surveyRequired.unknown': ['若属用途变更为一住两公等情形，须先开展土壤污染状况调查并通过评审', 'If the use changes to residential or public land (or a similar case applies), a soil pollution survey must be done and pass review first'],
  'finding.soil.unremediated': [
    '地块{overlap}，该污染地块列入风险管控和修复名录且未达到风险管控、修复目标；禁止开工建设任何与风险管控、修复无关的项目',
    'The parcel {overlap}; that contaminated parcel is on the risk control and remediation list and has not met its risk control and remediation targets; no project unrelated to risk control or remediation may start construction',
  ],
  'finding.soil.unremediated.unknown': [
    '地块{overlap}，该污染地块未达到修复目标；若拟开工建设，禁止建设与风险管控、修复无关的项目（不予准入）',
    'The parcel {overlap}; that contaminated parcel has not met its remediation targets; if construction is requested, no project unrelated to risk control or remediation may be built (prohibited)',
  ],
  'finding.soil.unremediatedSurvey': ['拟开工建设，{reasons}，但土壤污染状况调查未通过评审；调查通过前不得开工建设', 'Construction is requested and {reasons}, but no soil pollution survey has passed review; construction may not start before it has'],
  'finding.soil.unremediatedSurvey.unknown': ['若拟开工建设且须开展土壤污染状况调查，调查未通过评审前不得开工（不予准入）', 'If construction is requested and a soil pollution survey is required, construction may not start before the survey has passed review (prohibited)'],
  'finding.soil.heavyIndustry': [
    '地块{overlap}，该地块为重度污染的{industry}地块；{planned}属住宅或学校用地，不得规划用于住宅、学校等项目',
    'The parcel {overlap}; that land is a heavily polluted {industry} site; {planned} is residential or school land, for which the site may not be planned',
  ],
  'finding.soil.heavyIndustry.unknown': [
    '地块{overlap}；若该地块为重度污染的农药、焦化、化工地块且规划为住宅或学校，则不予准入',
    'The parcel {overlap}; if that land is a heavily polluted pesticide, coking or chemical site and is planned for housing or a school, it is prohibited',
  ],
  'finding.soil.suspectQuery': [
    '地块{overlap}（疑似污染地块）；办理收购、收回、供应前须查询全国污染地块土壤环境管理信息系统，并在项目中留存查询记录（查询日期、地块、查询结果）',
    'The parcel {overlap} (a suspected contaminated parcel); before acquisition, recovery or supply, query the national contaminated-land soil environment information system and keep the query record in the project (date, parcel, result)',
  ],
  'finding.soil.adjacentSequencing': [
    '地块{distance}（≤ {limit} m），该污染地块列入风险管控和修复名录；{planned}属一住两公，应合理安排开发时序，相邻地块修复完成前不宜开发',
    'The parcel {distance} (≤ {limit} m); that contaminated parcel is on the risk control and remediation list; {planned} is residential or public land, so development should be sequenced and should wait until the neighbouring land is remediated',
  ],
  'finding.soil.keyUnitTransfer': [
    '地块{overlap}；拟办事项为{action}，变更用途或收回、转让土地使用权前，须开展土壤污染状况调查，报告送不动产登记机构并报生态环境主管部门备案',
    'The parcel {overlap}; the requested action is {action}: before the use changes or the land use right is recovered or transferred, a soil pollution survey is required, its report sent to the real-estate registry and filed with the ecology and environment authority',
  ],
  'finding.soil.toxicOverlap': [
    '地块{overlap}；拟复垦为耕地，曾用于生产、使用、贮存、回收、处置有毒有害物质的工矿用地不得复垦为耕地',
    'The parcel {overlap}; it is to be reclaimed as farmland, and industrial or mining land once used to produce, use, store, recycle or dispose of toxic or hazardous substances may not be reclaimed as farmland',
  ],
  'finding.soil.toxicHistory': [
    '地块曾涉及有毒有害物质；拟复垦为耕地，曾用于生产、使用、贮存、回收、处置有毒有害物质的工矿用地不得复垦为耕地',
    'The parcel once involved toxic or hazardous substances; it is to be reclaimed as farmland, and industrial or mining land once used to produce, use, store, recycle or dispose of toxic or hazardous substances may not be reclaimed as farmland',
  ],
  'finding.soil.toxicHistory.unknown': ['若拟复垦为耕地且地块曾涉及有毒有害物质，则不得复垦为耕地（不予准入）', 'If the parcel is to be reclaimed as farmland and once involved toxic or hazardous substances, it may not be reclaimed as farmland (prohibited)'],
  'finding.farmland.pollutingProject': [
    '地块{overlap}；项目可能造成土壤污染，永久基本农田集中区域不得新建可能造成土壤污染的建设项目',
    'The parcel {overlap}; the project may pollute the soil, and no new project that may pollute the soil may be built where permanent basic farmland is concentrated',
  ],
  'finding.use.ambiguous': [
    '规划用途 {use}存在歧义：按 GB/T 21010-2017／三调属公共管理与公共服务用地，按 2023 用地用海分类不属于（公用设施、绿地广场等）；已按一住两公从严审查，请人工确认用途类别',
    'The planned use {use} is ambiguous: under GB/T 21010-2017 and the third land survey it is public management and public service land, under the 2023 land and sea use classification it is not (utilities, green space, squares); it was reviewed strictly as residential or public land: confirm its class by hand',
  ],

  // water
  'finding.water.zone1Exception': [
    '地块{overlap}（一级保护区）；项目为供水设施或保护水源设施，属法定例外，须按保护区管理要求建设；{noOutlet}',
    'The parcel {overlap} (level-1 zone); the project is a water supply or source protection facility, the statutory exception, and must be built to the zone’s management requirements; {noOutlet}',
  ],
  'finding.water.zone1': [
    '地块{overlap}（一级保护区）；一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目{ask}；{noOutlet}',
    'The parcel {overlap} (level-1 zone); no project unrelated to water supply facilities and source protection may be built, rebuilt or extended in a level-1 zone{ask}; {noOutlet}',
  ],
  'finding.water.zone1Ask': ['（如为供水设施或保护水源设施，需补充：{missing}）', ' (if it is a water supply or source protection facility, supply: {missing})'],
  'finding.water.levelUnknown': [
    '需补充：{missing}。地块{overlap}，级别不明无法判定适用第六十五至六十七条；{noOutlet}',
    'To be supplied: {missing}. The parcel {overlap}; without the zone’s level it cannot be decided which of Articles 65 to 67 applies; {noOutlet}',
  ],
  'finding.water.zone2': [
    '地块{overlap}（二级保护区）；项目排放污染物，二级保护区内禁止新建、改建、扩建排放污染物的建设项目；{noOutlet}',
    'The parcel {overlap} (level-2 zone); the project discharges pollutants, and no project discharging pollutants may be built, rebuilt or extended in a level-2 zone; {noOutlet}',
  ],
  'finding.water.zone2Sewage': ['{ask}地块{overlap}（二级保护区）；污水须引出保护区，不得排放污染物；{noOutlet}', '{ask}The parcel {overlap} (level-2 zone); sewage must be led out of the zone and no pollutants discharged; {noOutlet}'],
  'finding.water.zone2Ask': ['需补充：{missing}（如项目排放污染物则不予准入）。', 'To be supplied: {missing} (prohibited if the project discharges pollutants). '],
  'finding.water.quasi': [
    '地块{overlap}（准保护区）；项目对水体污染严重，准保护区内禁止新建、扩建对水体污染严重的建设项目；{noOutlet}',
    'The parcel {overlap} (quasi-protection zone); the project seriously pollutes water, and no such project may be built or extended in a quasi-protection zone; {noOutlet}',
  ],
  'finding.water.quasiUnknown': [
    '需补充：{missing}。地块{overlap}（准保护区）；如项目对水体污染严重则不予准入；改建项目不得增加排污量；{noOutlet}',
    'To be supplied: {missing}. The parcel {overlap} (quasi-protection zone); prohibited if the project seriously pollutes water; a rebuilt project may not increase its discharge; {noOutlet}',
  ],
  'finding.water.quasiNotice': ['地块{overlap}（准保护区）；改建项目不得增加排污量；{noOutlet}', 'The parcel {overlap} (quasi-protection zone); a rebuilt project may not increase its discharge; {noOutlet}'],

  // heating
  'finding.heat.band': [
    '地块{overlap}（海拔 {band} m 以下区域）；{planned}属一住两公，出让条件须明确采用集中供热、煤改气或煤改电等清洁取暖方式，不得使用散煤',
    'The parcel {overlap} (the area below {band} m); {planned} is residential or public land, so the release conditions must require clean heating (district heating, coal-to-gas or coal-to-electricity) and no loose coal',
  ],
  'finding.heat.bandUncovered': [
    '地块不在（或不完全在）项目高程数据（DEM）或高程带图层覆盖范围内，无法判定是否位于海拔 {band} m 以下的清洁取暖高程带内；请导入覆盖该地块的 DEM 并重新生成高程带图层，或提供地块高程测绘资料。若位于高程带内且规划用途属一住两公，出让条件须明确采用集中供热、煤改气或煤改电等清洁取暖方式，不得使用散煤',
    'The parcel lies (partly) outside the project’s elevation data (DEM) and elevation band layers, so whether it is in the clean-heating band below {band} m cannot be decided; import a DEM covering the parcel and build the band layer again, or provide a survey of the parcel’s elevation. If it is in the band and the planned use is residential or public land, the release conditions must require clean heating (district heating, coal-to-gas or coal-to-electricity) and no loose coal',
  ],
  'finding.heat.coalBan': [
    '地块{overlap}；{planned}属一住两公，禁煤区内禁止储存、销售、燃用煤炭，出让条件须明确清洁取暖方式',
    'The parcel {overlap}; {planned} is residential or public land; storing, selling or burning coal is forbidden in the coal-ban zone, so the release conditions must state the clean heating',
  ],

  // air
  'finding.air.catering': ['地块{distance}（≤ {buffer} m，{types}）；站点周边 {buffer} 米范围内禁止新建餐饮项目', 'The parcel {distance} (≤ {buffer} m, {types}); no new catering project may be built within {buffer} m of the station'],
  'finding.air.buffer': [
    '地块{distance}{typeNote}，位于站点周边 {buffer} 米范围内；施工须落实扬尘管控“六个百分百”，不得新建餐饮项目',
    'The parcel {distance}{typeNote}, within {buffer} m of the station; construction must apply the six full dust-control measures and no new catering project may be built',
  ],
  'finding.air.stationType': ['（{type}）', ' ({type})'],
  'finding.air.stationTypeUnknown': ['（站点类型未填写，按空气站提示）', ' (station type not filled in: treated as an air station)'],
  'finding.air.urban': [
    '地块{distance}（市区建成区，≤ {buffer} m）；项目涉气，市区建成区周边 {km} 公里范围内不得新建涉气项目',
    'The parcel {distance} (city built-up area, ≤ {buffer} m); the project emits air pollutants, and no such project may be built within {km} km of the city’s built-up area',
  ],
  'finding.air.county': [
    '地块{distance}（县城建成区，≤ {buffer} m）；项目涉气，县城建成区周边 {km} 公里范围内的涉气项目须严格环评审查',
    'The parcel {distance} (county-town built-up area, ≤ {buffer} m); the project emits air pollutants, and such projects within {km} km of the county town need a strict environmental impact review',
  ],

  // rivers
  'finding.river.agriChemical': [
    '地块{distance}（{river}沿岸 {limit} m 范围内）；{planned}属耕地，须控制化肥、农药施用量，防止面源污染',
    'The parcel {distance} (within {limit} m of the {river}); {planned} is farmland: fertiliser and pesticide use must be limited to prevent non-point pollution',
  ],
  'finding.river.greenBuffer': [
    '地块{distance}（{class}两侧 {limit} m 生态缓冲带内）；须保留河道生态缓冲带，缓冲带内不得建设与防洪、生态修复无关的建筑物',
    'The parcel {distance} (inside the {limit} m ecological buffer on both banks of a {class}); the river’s ecological buffer must be kept, with no buildings in it unrelated to flood control or ecological restoration',
  ],
  'finding.river.greenBufferClassUnknown': [
    '地块{distance}（河流等级未填写，位于干流 {main} m、支流 {tributary} m 缓冲带内）；须保留河道生态缓冲带，缓冲带内不得建设与防洪、生态修复无关的建筑物',
    'The parcel {distance} (river class not filled in; inside both the {main} m main-stream and the {tributary} m tributary buffer); the river’s ecological buffer must be kept, with no buildings in it unrelated to flood control or ecological restoration',
  ],
  'finding.river.greenBuffer.unknown': ['地块{distance}；若为干流（缓冲带 {main} m），须保留河道生态缓冲带', 'The parcel {distance}; if the river is a main stream (buffer {main} m), its ecological buffer must be kept'],

  // the engine's own findings
  'finding.geometryInvalid': ['地块图形无效（须为面且面积大于 0），未能进行空间审查，需核实界址坐标后重新审查', 'The parcel’s geometry is invalid (it must be a polygon with an area above 0), so no spatial check was made: verify the boundary coordinates and check again'],
  'finding.ruleError': ['规则执行出错，需人工核查（{error}）', 'The rule failed to run; check by hand ({error})'],
  'finding.geometryFailed': ['地块与{feature}的几何计算失败（图形可能自相交或无效），相关规则未能判定，需人工核查', 'The geometry computation between the parcel and {feature} failed (a shape may self-intersect or be invalid); the rules concerned could not decide: check by hand'],
  'finding.admin.failed': ['地块与行政区图层的几何计算失败，无法判定地块是否位于本项目行政区范围内，需人工核查', 'The geometry computation with the administrative boundary layer failed, so whether the parcel lies inside the project’s area cannot be decided: check by hand'],
  'finding.admin.advice': ['本规则配置（{profile}）可能不适用；需核实地块所属行政区，选用所在县（市、区）的规则配置重新审查', 'the profile in force ({profile}) may not apply: verify which county the parcel belongs to and check again with that county’s profile'],
  'finding.admin.outside': ['地块不在本项目行政区范围内（行政区图层未覆盖该地块），{advice}', 'The parcel lies outside the project’s administrative area (the administrative boundary layer does not cover it); {advice}'],
  'finding.admin.partly': ['地块有 {area}（占地块面积 {pct}%）位于本项目行政区范围外，{advice}', '{area} of the parcel ({pct}% of its area) lies outside the project’s administrative area; {advice}'],
  'finding.layerMissing': ['未导入{layer}，未核查：{rules}', 'No {layer} imported, not checked: {rules}'],
};

function ruleTitles(): Record<string, Pair> {
  return Object.fromEntries(RULES.map((rule) => [`finding.rule.${rule.id}`, [rule.titleZh, RULE_TITLE_EN[rule.id]] as const]));
}

/** Kinds as findings name them (in English mid-sentence, so lower case). */
function kindLabels(): Record<string, Pair> {
  const lower = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);
  return Object.fromEntries(LAYER_KINDS.map((kind) => [`finding.kind.${kind}`, [LAYER_KIND_LABEL_ZH[kind], lower(LAYER_KIND_LABEL_EN[kind])] as const]));
}

function schemeLabels(): Record<string, Pair> {
  return Object.fromEntries(USE_SCHEMES.map((scheme) => [`finding.scheme.${scheme}`, [USE_SCHEME_LABEL_ZH[scheme], USE_SCHEME_LABEL_EN[scheme]] as const]));
}

let table: Record<string, Pair> | null = null;

/** Every finding text by code, as [zh-CN, en] (built on first use: the rule modules load first). */
export function findingMessages(): Record<string, Pair> {
  table ??= { ...PHRASES, ...ruleTitles(), ...kindLabels(), ...schemeLabels() };
  return table;
}

export const FINDING_ZH: TextLanguage = { template: (code) => findingMessages()[code]?.[0], separators: ZH_SEPARATORS };

/** The Chinese of a finding text: what `message` and the reports say. */
export function findingTextZh(value: TextParam): string {
  return renderText(value, FINDING_ZH);
}
