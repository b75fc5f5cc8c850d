/**
 * Writes the inputs of the rule golden fixtures: tests/golden/rules/<rule-id>/<case>/input.json.
 * Run: `npx tsx tests/golden/make-rule-fixtures.ts`, then `REGEN=1 npx vitest run tests/golden` to
 * (re)write expected.json, and review the diff.
 *
 * Geometry is built in metres around a real Shanxi location (夏县/运城 area, 111.2°E 35.1°N):
 * parcel edges run along meridians and parallels, and every "exactly at distance D" feature is
 * placed with the geodesic direct problem from the midpoint of the parcel's east edge, going due
 * east. A geodesic leaving a meridian at 90° is perpendicular to it, so the minimum distance to the
 * parcel is exactly D — the fixtures test the ≤ D boundary honestly.
 *
 * Each input carries `intent`: what the case is meant to show (rule present with a severity, or
 * absent; the verdict). The runner checks the intent independently of the golden comparison, so a
 * regenerated expected.json cannot silently flip a case's meaning.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, Geometry, Polygon, Position } from 'geojson';
import { CGCS2000_GEODESIC } from '../../shared/geo/geodesy';
import { CGCS2000_A, CGCS2000_F } from '../../shared/crs';
import type { ReferenceLayerKind } from '../../shared/model/layers';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), 'rules');

// Origin: SW corner of the standard parcel.
const LON0 = 111.2;
const LAT0 = 35.1;
const e2 = CGCS2000_F * (2 - CGCS2000_F);
const phi = (LAT0 * Math.PI) / 180;
const w = Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
/** Metres per degree of longitude / latitude at LAT0 (prime-vertical / meridian radii). */
const M_PER_DEG_LON = ((CGCS2000_A / w) * Math.cos(phi) * Math.PI) / 180;
const M_PER_DEG_LAT = ((CGCS2000_A * (1 - e2)) / w ** 3) * (Math.PI / 180);

const round9 = (x: number) => Math.round(x * 1e9) / 1e9;
/** Lon/lat of a point x metres east and y metres north of the origin (local, for shapes). */
const at = (x: number, y: number): Position => [round9(LON0 + x / M_PER_DEG_LON), round9(LAT0 + y / M_PER_DEG_LAT)];

/** Axis-aligned box from (x0, y0) to (x1, y1) metres; edges are meridians and parallels. */
function box(x0: number, y0: number, x1: number, y1: number): Polygon {
  return { type: 'Polygon', coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]] };
}

/** The point `distanceM` due east (geodesic) of the midpoint of the standard parcel's east edge. */
function eastOfParcel(distanceM: number, parcelSizeM = 100): Position {
  const mid = at(parcelSizeM, parcelSizeM / 2);
  const r = CGCS2000_GEODESIC.Direct(mid[1], mid[0], 90, distanceM);
  return [round9(r.lon2 as number), round9(r.lat2 as number)];
}

/**
 * Diamond whose west vertex is exactly `distanceM` east of the parcel (its nearest point), extending
 * `sizeM` further east; the other vertices are farther away.
 */
function diamondEast(distanceM: number, sizeM = 60): Polygon {
  const west = eastOfParcel(distanceM);
  const dLon = sizeM / M_PER_DEG_LON;
  const dLat = sizeM / M_PER_DEG_LAT;
  const ring = [west, [west[0] + dLon / 2, west[1] - dLat / 2], [west[0] + dLon, west[1]], [west[0] + dLon / 2, west[1] + dLat / 2], west].map((p) => [round9(p[0]), round9(p[1])]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** A river chevron whose apex points west at the parcel, exactly `distanceM` away. */
function chevronEast(distanceM: number): Geometry {
  const apex = eastOfParcel(distanceM);
  const dLon = 400 / M_PER_DEG_LON;
  const dLat = 2000 / M_PER_DEG_LAT;
  return {
    type: 'LineString',
    coordinates: [
      [round9(apex[0] + dLon), round9(apex[1] + dLat)],
      apex,
      [round9(apex[0] + dLon), round9(apex[1] - dLat)],
    ],
  };
}

const pointEast = (distanceM: number): Geometry => ({ type: 'Point', coordinates: eastOfParcel(distanceM) });

/** The standard parcel: 100 m × 100 m, 工业 → 城镇住宅, supply, survey passed, no project. */
const BASE_PROPS = {
  name: '示例地块',
  currentUse: '1001',
  plannedUse: '0701',
  action: 'supply',
  soilSurvey: 'passed',
  riskAssessment: 'none',
  toxicHistory: false,
  projectType: [] as string[],
  useScheme: '2023',
};

type Props = Record<string, unknown>;

function parcel(id: string, overrides: Props = {}, geometry: Geometry = box(0, 0, 100, 100)): Feature {
  const properties: Props = { id, ...BASE_PROPS, ...overrides };
  for (const [k, v] of Object.entries(properties)) if (v === undefined) delete properties[k];
  return { type: 'Feature', id, properties, geometry };
}

function feature(id: string, geometry: Geometry, properties: Props = {}): Feature {
  return { type: 'Feature', id, properties: { id, ...properties }, geometry };
}

interface Intent {
  parcel: string;
  verdict?: 'permitted' | 'conditional' | 'prohibited';
  /** Rule id → expected severity of its finding(s), or null: the rule must not appear. */
  rules: Record<string, 'prohibit' | 'condition' | 'notice' | null>;
  /** Substring the rule's message must contain (e.g. 需补充). */
  messageContains?: Record<string, string>;
}

interface Case {
  rule: string;
  name: string;
  description: string;
  profile: string;
  parcels: Feature[];
  layers: Array<{ table: string; kind: ReferenceLayerKind; features: Feature[] }>;
  intent: Intent[];
  options?: { includeGeometry?: boolean };
  /** Footprint of the project's DEM (EPSG:4490), as the app passes it with the layers. */
  demCoverage?: Polygon;
}

const cases: Case[] = [];
function add(c: Case) {
  cases.push(c);
}
const layer = (kind: ReferenceLayerKind, features: Feature[], table: string = kind.replace(/-/g, '_')) => ({ table, kind, features });

// Overlap shapes relative to the standard parcel (x, y in 0..100 m).
const STRIP_20M = box(80, 0, 130, 100); // 20 m × 100 m inside the parcel → ≈ 2000 m²
const TOUCHING = box(100, 0, 150, 100); // shares the east edge
const SLIVER = box(99.995, 0, 150, 100); // 0.005 m × 100 m ≈ 0.5 m² < minOverlapM2 = 1
const COVERING = box(-50, -50, 150, 150); // contains the parcel
const DISJOINT_FAR = box(3000, 0, 3100, 100);

// ---------------------------------------------------------------------------------------------
// soil.listed-sensitive
{
  const listed = (geometry: Geometry, extra: Props = {}) => layer('contaminated-parcel', [feature('WR-0007', geometry, { name: '原焦化厂地块', listed: true, delisted: false, targetsMet: false, stage: 'S4', industry: '焦化', heavy: false, ...extra })]);
  add({ rule: 'soil.listed-sensitive', name: 'fires-overlap-residential', description: '20 m strip of a listed parcel; planned 0701', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [listed(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit' } }] });
  add({ rule: 'soil.listed-sensitive', name: 'fires-planned-school-2017', description: 'declared 2017, planned 0803 教育', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '0803', currentUse: '0601', useScheme: '2017' })], layers: [listed(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit' } }] });
  add({ rule: 'soil.listed-sensitive', name: 'fires-current-already-sensitive', description: 'current use already 一住两公 does not lift the ban', profile: 'shanxi-baseline', parcels: [parcel('P-001', { currentUse: '0702' })], layers: [listed(COVERING)], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit', 'soil.survey-required': null } }] });
  add({ rule: 'soil.listed-sensitive', name: 'not-edge-touching', description: 'shared edge only: no overlap, but adjacency notice at 0 m', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [listed(TOUCHING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.listed-sensitive': null, 'soil.adjacent-sequencing': 'notice' } }] });
  add({ rule: 'soil.listed-sensitive', name: 'not-sliver-below-threshold', description: '0.5 m² sliver is not an overlap', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [listed(SLIVER)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.listed-sensitive': null, 'soil.adjacent-sequencing': 'notice' } }] });
  add({ rule: 'soil.listed-sensitive', name: 'not-delisted', description: 'parcel removed from the 名录', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [listed(STRIP_20M, { delisted: true, targetsMet: true })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.listed-sensitive': null } }] });
  add({ rule: 'soil.listed-sensitive', name: 'not-planned-industrial', description: 'planned 1001 工业 is not 一住两公', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [listed(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.listed-sensitive': null } }] });
  add({ rule: 'soil.listed-sensitive', name: 'unknown-planned-use', description: 'planned use missing → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: undefined })], layers: [listed(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.listed-sensitive': 'condition' }, messageContains: { 'soil.listed-sensitive': '需补充：规划用途' } }] });
  add({ rule: 'soil.listed-sensitive', name: 'unknown-listed-attribute', description: 'contaminated parcel without 列入名录 → 需补充 naming the feature', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [layer('contaminated-parcel', [feature('WR-0010', STRIP_20M, { name: '化工厂旧址' })])], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.listed-sensitive': 'condition' }, messageContains: { 'soil.listed-sensitive': 'WR-0010' } }] });
  add({ rule: 'soil.listed-sensitive', name: 'ambiguous-code-treated-sensitive', description: 'planned 0809 (ambiguous) → prohibit and use.ambiguous-code', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '0809', useScheme: undefined })], layers: [listed(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit', 'use.ambiguous-code': 'condition' } }] });
  // Parcel with a hole; the listed polygon sits inside the hole, 10 m from the hole's edges.
  const withHole: Polygon = { type: 'Polygon', coordinates: [box(0, 0, 100, 100).coordinates[0], box(30, 30, 70, 70).coordinates[0].slice().reverse()] };
  add({ rule: 'soil.listed-sensitive', name: 'not-inside-parcel-hole', description: 'listed polygon in the parcel’s hole: no overlap, 10 m away', profile: 'shanxi-baseline', parcels: [parcel('P-001', {}, withHole)], layers: [listed(box(40, 40, 60, 60))], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.listed-sensitive': null, 'soil.adjacent-sequencing': 'notice' } }] });
  const multi: Geometry = { type: 'MultiPolygon', coordinates: [box(0, 0, 100, 100).coordinates, box(200, 0, 300, 100).coordinates] };
  add({ rule: 'soil.listed-sensitive', name: 'fires-multipolygon-second-part', description: 'two-part parcel; the listed polygon overlaps the second part by 10 m × 100 m', profile: 'shanxi-baseline', parcels: [parcel('P-001', {}, multi)], layers: [listed(box(290, 0, 350, 100))], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit' } }], options: { includeGeometry: true } });
}

// ---------------------------------------------------------------------------------------------
// soil.listed-transaction (乡宁)
{
  const listed = layer('contaminated-parcel', [feature('WR-0007', STRIP_20M, { listed: true, delisted: false, targetsMet: false })]);
  add({ rule: 'soil.listed-transaction', name: 'fires-recover', description: 'recover land overlapping a listed parcel; planned industrial', profile: 'xiangning', parcels: [parcel('P-001', { plannedUse: '1001', action: 'recover' })], layers: [listed], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-transaction': 'prohibit', 'soil.listed-sensitive': null } }] });
  add({ rule: 'soil.listed-transaction', name: 'fires-change-use', description: 'change-use', profile: 'xiangning', parcels: [parcel('P-001', { plannedUse: '1001', action: 'change-use' })], layers: [listed], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-transaction': 'prohibit' } }] });
  add({ rule: 'soil.listed-transaction', name: 'not-transfer', description: 'transfer is not in the list', profile: 'xiangning', parcels: [parcel('P-001', { plannedUse: '1001', action: 'transfer' })], layers: [listed], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.listed-transaction': null } }] });
  add({ rule: 'soil.listed-transaction', name: 'not-in-baseline-profile', description: 'the rule is off in shanxi-baseline', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001', action: 'recover' })], layers: [listed], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.listed-transaction': null } }] });
  add({ rule: 'soil.listed-transaction', name: 'unknown-action', description: 'action missing → 需补充', profile: 'xiangning', parcels: [parcel('P-001', { plannedUse: '1001', action: undefined })], layers: [listed], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.listed-transaction': 'condition' }, messageContains: { 'soil.listed-transaction': '需补充：拟办事项' } }] });
}

// ---------------------------------------------------------------------------------------------
// soil.unremediated-construction
{
  const listed = (extra: Props = {}) => layer('contaminated-parcel', [feature('WR-0007', STRIP_20M, { listed: true, delisted: false, targetsMet: false, ...extra })]);
  add({ rule: 'soil.unremediated-construction', name: 'fires-construct-on-listed', description: 'construct, planned industrial, listed targets not met', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001', action: 'construct' })], layers: [listed()], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.unremediated-construction': 'prohibit' } }] });
  add({ rule: 'soil.unremediated-construction', name: 'not-targets-met', description: 'targets met', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001', action: 'construct' })], layers: [listed({ targetsMet: true })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.unremediated-construction': null } }] });
  add({ rule: 'soil.unremediated-construction', name: 'fires-survey-not-passed', description: 'construct after a use change to 0701 with survey in progress', profile: 'shanxi-baseline', parcels: [parcel('P-001', { action: 'construct', soilSurvey: 'in-progress' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.unremediated-construction': 'prohibit', 'soil.survey-required': 'condition' } }] });
  add({ rule: 'soil.unremediated-construction', name: 'not-current-already-sensitive', description: 'current use already 0702: no use change, no survey trigger', profile: 'shanxi-baseline', parcels: [parcel('P-001', { action: 'construct', soilSurvey: 'none', currentUse: '0702' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.unremediated-construction': null, 'soil.survey-required': null } }] });
  add({ rule: 'soil.unremediated-construction', name: 'not-supply', description: 'action supply: the construction ban does not apply (listed-sensitive does)', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [listed()], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.unremediated-construction': null } }] });
}

// ---------------------------------------------------------------------------------------------
// soil.survey-required
{
  add({ rule: 'soil.survey-required', name: 'fires-use-change-no-survey', description: '1001 → 0701 without survey', profile: 'shanxi-baseline', parcels: [parcel('P-001', { soilSurvey: 'none' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' } }] });
  add({ rule: 'soil.survey-required', name: 'fires-exceeds-asks-risk-assessment', description: 'survey exceeds, no risk assessment', profile: 'shanxi-baseline', parcels: [parcel('P-001', { soilSurvey: 'exceeds', riskAssessment: 'none' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' }, messageContains: { 'soil.survey-required': '风险评估' } }] });
  add({ rule: 'soil.survey-required', name: 'not-survey-passed', description: 'survey passed', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.survey-required': null } }] });
  add({ rule: 'soil.survey-required', name: 'not-current-already-sensitive', description: '0702 → 0701 is not a change into 一住两公', profile: 'shanxi-baseline', parcels: [parcel('P-001', { currentUse: '0702', soilSurvey: 'none' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.survey-required': null } }] });
  add({ rule: 'soil.survey-required', name: 'unknown-current-use', description: 'current use missing → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', { currentUse: undefined, soilSurvey: 'none' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' }, messageContains: { 'soil.survey-required': '需补充：现状用途' } }] });
  add({ rule: 'soil.survey-required', name: 'unknown-unrecognised-code', description: 'planned use "99" cannot be classified → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '99', soilSurvey: 'none' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' }, messageContains: { 'soil.survey-required': '无法识别' } }] });
  const toFarm = { plannedUse: '0103', currentUse: '1001', soilSurvey: 'none' };
  add({ rule: 'soil.survey-required', name: 'qinshui-fires-agricultural-change', description: '沁水: 工业 → 旱地 needs a survey', profile: 'qinshui', parcels: [parcel('P-001', toFarm)], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' } }] });
  add({ rule: 'soil.survey-required', name: 'baseline-not-agricultural-change', description: 'baseline: the same parcel needs none', profile: 'shanxi-baseline', parcels: [parcel('P-001', toFarm)], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.survey-required': null } }] });
  add({ rule: 'soil.survey-required', name: 'qinshui-fires-food-processing', description: '沁水: food-processing project', profile: 'qinshui', parcels: [parcel('P-001', { plannedUse: '1001', soilSurvey: 'none', projectType: ['food-processing'] })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' } }] });
  add({ rule: 'soil.survey-required', name: 'qinshui-fires-industrial-recover', description: '沁水: recovering 工矿 land', profile: 'qinshui', parcels: [parcel('P-001', { plannedUse: '1001', action: 'recover', soilSurvey: 'none' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' } }] });
  add({ rule: 'soil.survey-required', name: 'qinshui-not-industrial-supply', description: '沁水: 工矿 kept as 工矿 and supplied, no food project', profile: 'qinshui', parcels: [parcel('P-001', { plannedUse: '1001', soilSurvey: 'none' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.survey-required': null } }] });
  add({ rule: 'soil.survey-required', name: 'qinshui-unknown-project-type', description: '沁水: project type unknown could be food-processing → 需补充', profile: 'qinshui', parcels: [parcel('P-001', { plannedUse: '1001', soilSurvey: 'none', projectType: undefined })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' }, messageContains: { 'soil.survey-required': '需补充：项目类型' } }] });
}

// ---------------------------------------------------------------------------------------------
// soil.heavy-industry-sensitive
{
  const heavy = (extra: Props = {}) => layer('contaminated-parcel', [feature('WR-0021', STRIP_20M, { name: '原焦化厂', listed: false, heavy: true, industry: '焦化', stage: 'S2', ...extra })]);
  add({ rule: 'soil.heavy-industry-sensitive', name: 'fires-coking-residential', description: 'heavy 焦化 parcel, planned 0701 (not listed)', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [heavy()], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.heavy-industry-sensitive': 'prohibit', 'soil.listed-sensitive': null } }] });
  add({ rule: 'soil.heavy-industry-sensitive', name: 'fires-chemical-school-gb50137', description: '化工, planned A33 中小学', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: 'A33', useScheme: undefined })], layers: [heavy({ industry: '化工' })], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.heavy-industry-sensitive': 'prohibit' } }] });
  add({ rule: 'soil.heavy-industry-sensitive', name: 'not-planned-office', description: '0801 机关团体 is 一住两公 but not school/residential', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '0801' })], layers: [heavy()], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.heavy-industry-sensitive': null } }] });
  add({ rule: 'soil.heavy-industry-sensitive', name: 'not-other-industry', description: '机械加工 is not 农药/焦化/化工', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [heavy({ industry: '机械加工' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.heavy-industry-sensitive': null } }] });
  add({ rule: 'soil.heavy-industry-sensitive', name: 'not-not-heavy', description: 'not heavily polluted', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [heavy({ heavy: false })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.heavy-industry-sensitive': null } }] });
  add({ rule: 'soil.heavy-industry-sensitive', name: 'unknown-heavy', description: 'heavy attribute missing → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [heavy({ heavy: undefined })], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.heavy-industry-sensitive': 'condition' } }] });
}

// ---------------------------------------------------------------------------------------------
// soil.suspect-query
{
  const suspect = (geometry: Geometry) => layer('suspect-parcel', [feature('YS-003', geometry, { name: '原电镀厂', industry: '电镀' })]);
  add({ rule: 'soil.suspect-query', name: 'fires-acquire-suspect', description: 'acquire over a suspect parcel', profile: 'shanxi-baseline', parcels: [parcel('P-001', { action: 'acquire' })], layers: [suspect(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.suspect-query': 'condition' }, messageContains: { 'soil.suspect-query': '查询记录' } }] });
  add({ rule: 'soil.suspect-query', name: 'fires-contaminated-stage-s0', description: 'contaminated-parcel record at stage S0', profile: 'shanxi-baseline', parcels: [parcel('P-001', { action: 'supply' })], layers: [layer('contaminated-parcel', [feature('WR-0030', STRIP_20M, { listed: false, stage: 'S0' })])], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.suspect-query': 'condition' } }] });
  add({ rule: 'soil.suspect-query', name: 'not-transfer', description: 'transfer is not acquire/recover/supply', profile: 'shanxi-baseline', parcels: [parcel('P-001', { action: 'transfer' })], layers: [suspect(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.suspect-query': null } }] });
  add({ rule: 'soil.suspect-query', name: 'not-edge-touching', description: 'suspect parcel only touches', profile: 'shanxi-baseline', parcels: [parcel('P-001', { action: 'acquire' })], layers: [suspect(TOUCHING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.suspect-query': null } }] });
}

// ---------------------------------------------------------------------------------------------
// soil.adjacent-sequencing
{
  const near = (distanceM: number, extra: Props = {}) => layer('contaminated-parcel', [feature('WR-0040', diamondEast(distanceM), { listed: true, delisted: false, ...extra })]);
  add({ rule: 'soil.adjacent-sequencing', name: 'fires-exactly-200m', description: 'listed parcel exactly 200 m east (inclusive)', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [near(200)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.adjacent-sequencing': 'notice' } }], options: { includeGeometry: true } });
  add({ rule: 'soil.adjacent-sequencing', name: 'not-just-outside-200m', description: '200.05 m', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [near(200.05)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.adjacent-sequencing': null } }] });
  add({ rule: 'soil.adjacent-sequencing', name: 'not-planned-industrial', description: 'planned 1001', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [near(50)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.adjacent-sequencing': null } }] });
  add({ rule: 'soil.adjacent-sequencing', name: 'not-delisted', description: 'neighbour delisted', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [near(50, { delisted: true })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.adjacent-sequencing': null } }] });
  add({ rule: 'soil.adjacent-sequencing', name: 'unknown-planned-use', description: 'planned use missing → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: undefined, soilSurvey: 'passed' })], layers: [near(50)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.adjacent-sequencing': 'condition' } }] });
}

// ---------------------------------------------------------------------------------------------
// soil.key-unit-transfer
{
  const unit = (geometry: Geometry) => layer('key-supervised-unit', [feature('ZD-012', geometry, { name: '某化工有限公司' })]);
  const industrial = { plannedUse: '1001', currentUse: '1001' };
  add({ rule: 'soil.key-unit-transfer', name: 'fires-change-use-no-survey', description: 'change-use of a key unit without survey', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, action: 'change-use', soilSurvey: 'none' })], layers: [unit(COVERING)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.key-unit-transfer': 'condition' } }] });
  add({ rule: 'soil.key-unit-transfer', name: 'fires-transfer-survey-in-progress', description: 'transfer with survey in progress', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, action: 'transfer', soilSurvey: 'in-progress' })], layers: [unit(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.key-unit-transfer': 'condition' } }] });
  add({ rule: 'soil.key-unit-transfer', name: 'not-survey-passed', description: 'survey passed', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, action: 'transfer' })], layers: [unit(COVERING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.key-unit-transfer': null } }] });
  add({ rule: 'soil.key-unit-transfer', name: 'not-supply', description: 'supply is not change-use/recover/transfer', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, action: 'supply', soilSurvey: 'none' })], layers: [unit(COVERING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.key-unit-transfer': null } }] });
}

// ---------------------------------------------------------------------------------------------
// soil.toxic-to-farmland
{
  const reclaim = { action: 'reclaim', plannedUse: '0103', currentUse: '1002' };
  add({ rule: 'soil.toxic-to-farmland', name: 'fires-toxic-history', description: 'reclaim to 旱地, toxic history', profile: 'xiaoyi', parcels: [parcel('P-001', { ...reclaim, toxicHistory: true })], layers: [], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.toxic-to-farmland': 'prohibit' } }] });
  add({ rule: 'soil.toxic-to-farmland', name: 'fires-overlaps-key-unit', description: 'reclaim over a key supervised unit', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...reclaim })], layers: [layer('key-supervised-unit', [feature('ZD-012', STRIP_20M)])], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.toxic-to-farmland': 'prohibit' } }] });
  add({ rule: 'soil.toxic-to-farmland', name: 'not-planned-forest', description: 'reclaim to 林地 0301', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...reclaim, plannedUse: '0301', toxicHistory: true })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.toxic-to-farmland': null } }] });
  add({ rule: 'soil.toxic-to-farmland', name: 'not-clean-history', description: 'no toxic history, no overlap', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...reclaim })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.toxic-to-farmland': null } }] });
  add({ rule: 'soil.toxic-to-farmland', name: 'unknown-toxic-history', description: 'toxic history missing → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...reclaim, toxicHistory: undefined })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.toxic-to-farmland': 'condition' }, messageContains: { 'soil.toxic-to-farmland': '需补充：是否曾涉及有毒有害物质' } }] });
}

// ---------------------------------------------------------------------------------------------
// farmland.polluting-project
{
  const farm = (geometry: Geometry) => layer('basic-farmland', [feature('JBNT-0001', geometry)]);
  const industrial = { plannedUse: '1001' };
  add({ rule: 'farmland.polluting-project', name: 'fires-soil-polluting', description: 'soil-polluting project overlapping basic farmland', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, projectType: ['soil-polluting'] })], layers: [farm(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'farmland.polluting-project': 'prohibit' } }] });
  add({ rule: 'farmland.polluting-project', name: 'not-other-project', description: 'catering project', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, projectType: ['catering'] })], layers: [farm(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'farmland.polluting-project': null } }] });
  add({ rule: 'farmland.polluting-project', name: 'not-sliver', description: '0.5 m² sliver', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, projectType: ['soil-polluting'] })], layers: [farm(SLIVER)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'farmland.polluting-project': null } }] });
  add({ rule: 'farmland.polluting-project', name: 'unknown-project-type', description: 'project type missing → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...industrial, projectType: undefined })], layers: [farm(STRIP_20M)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'farmland.polluting-project': 'condition' } }] });
}

// ---------------------------------------------------------------------------------------------
// use.ambiguous-code
{
  add({ rule: 'use.ambiguous-code', name: 'fires-sandiao-0810A', description: '三调 0810A 广场用地', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '0810A', useScheme: undefined })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'use.ambiguous-code': 'condition' } }] });
  add({ rule: 'use.ambiguous-code', name: 'fires-2007-088', description: '2007 088 风景名胜设施用地', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '088', useScheme: undefined })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'use.ambiguous-code': 'condition' } }] });
  add({ rule: 'use.ambiguous-code', name: 'not-2023-park-1401', description: '2023 1401 公园绿地 is unambiguous (not 一住两公)', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1401' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'use.ambiguous-code': null } }] });
}

// ---------------------------------------------------------------------------------------------
// water.*
{
  const zone = (level: string | undefined, geometry: Geometry = STRIP_20M) => layer('water-source-zone', [feature(`SY-${level ?? 'x'}`, geometry, { name: '夏县城区水源地', ...(level ? { level } : {}) })]);
  const ind = { plannedUse: '1001' };
  add({ rule: 'water.zone1', name: 'fires-level1', description: 'any non-water-supply project in zone 1', profile: 'shanxi-baseline', parcels: [parcel('P-001', ind)], layers: [zone('1')], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'water.zone1': 'prohibit' }, messageContains: { 'water.zone1': '第六十四条' } }] });
  add({ rule: 'water.zone1', name: 'not-water-supply-project', description: 'water-supply facility: statutory exception (notice)', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...ind, projectType: ['water-supply'] })], layers: [zone('1')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'water.zone1': 'notice' } }] });
  add({ rule: 'water.zone1', name: 'not-edge-touching', description: 'zone 1 only touches', profile: 'shanxi-baseline', parcels: [parcel('P-001', ind)], layers: [zone('1', TOUCHING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'water.zone1': null } }] });
  add({ rule: 'water.zone1', name: 'unknown-project-type-still-prohibited', description: 'project type missing: the exception is not presumed', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...ind, projectType: undefined })], layers: [zone('1')], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'water.zone1': 'prohibit' }, messageContains: { 'water.zone1': '需补充' } }] });
  add({ rule: 'water.zone1', name: 'unknown-zone-level', description: 'zone without level → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', ind)], layers: [zone(undefined)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'water.zone1': 'condition' } }] });
  add({ rule: 'water.zone2', name: 'fires-discharging', description: 'discharging project in zone 2', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...ind, projectType: ['discharging'] })], layers: [zone('2')], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'water.zone2': 'prohibit' } }] });
  add({ rule: 'water.zone2', name: 'fires-condition-non-discharging', description: 'residential in zone 2: sewage out of the zone', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [zone('2', COVERING)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'water.zone2': 'condition' }, messageContains: { 'water.zone2': '污水须引出保护区' } }] });
  add({ rule: 'water.zone2', name: 'not-disjoint', description: 'zone 2 km away', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...ind, projectType: ['discharging'] })], layers: [zone('2', DISJOINT_FAR)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'water.zone2': null } }] });
  add({ rule: 'water.quasi', name: 'fires-heavy-polluting', description: 'heavy water polluter in the quasi zone', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...ind, projectType: ['heavy-water-polluting'] })], layers: [zone('quasi', COVERING)], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'water.quasi': 'prohibit' } }] });
  add({ rule: 'water.quasi', name: 'notice-other-project', description: 'other projects: notice', profile: 'shanxi-baseline', parcels: [parcel('P-001', ind)], layers: [zone('quasi', COVERING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'water.quasi': 'notice' } }] });
  add({ rule: 'water.quasi', name: 'unknown-project-type', description: 'project type missing → 需补充', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...ind, projectType: undefined })], layers: [zone('quasi', COVERING)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'water.quasi': 'condition' } }] });
  add({ rule: 'water.quasi', name: 'not-sliver', description: 'sliver of a quasi zone', profile: 'shanxi-baseline', parcels: [parcel('P-001', { ...ind, projectType: ['heavy-water-polluting'] })], layers: [zone('quasi', SLIVER)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'water.quasi': null } }] });
}

// ---------------------------------------------------------------------------------------------
// heat.*
{
  const band = (belowM: number, geometry: Geometry = COVERING) => layer('elevation-band', [feature(`GC-${belowM}`, geometry, { belowM })]);
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-fires-400', description: '夏县: 400 m band, residential', profile: 'xiaxian', parcels: [parcel('P-001')], layers: [band(400)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'heat.clean-heating-band': 'condition' } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-not-900-band', description: '夏县 reads only the 400 m band', profile: 'xiaxian', parcels: [parcel('P-001')], layers: [band(900)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.clean-heating-band': null } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaoyi-fires-900', description: '孝义: 900 m band', profile: 'xiaoyi', parcels: [parcel('P-001')], layers: [band(900), band(400)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'heat.clean-heating-band': 'condition' } }] });
  add({ rule: 'heat.clean-heating-band', name: 'baseline-not-enabled', description: 'rule off in the baseline', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [band(400)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.clean-heating-band': null } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-not-industrial', description: 'planned industrial', profile: 'xiaxian', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [band(400)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.clean-heating-band': null } }] });
  const ban = (geometry: Geometry) => layer('coal-ban-zone', [feature('JM-01', geometry, { name: '城区禁煤区' })]);
  add({ rule: 'heat.coal-ban-zone', name: 'fires-residential', description: 'residential in a coal-ban zone', profile: 'jincheng-chengqu', parcels: [parcel('P-001')], layers: [ban(COVERING)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'heat.coal-ban-zone': 'condition' } }] });
  add({ rule: 'heat.coal-ban-zone', name: 'not-industrial', description: 'industrial in a coal-ban zone', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [ban(COVERING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.coal-ban-zone': null } }] });
  add({ rule: 'heat.coal-ban-zone', name: 'not-edge-touching', description: 'zone only touches', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [ban(TOUCHING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.coal-ban-zone': null } }] });
}

// ---------------------------------------------------------------------------------------------
// air.*
{
  const station = (distanceM: number, type: string | undefined, id = 'ZD-SK-01') => layer('monitoring-station', [feature(id, pointEast(distanceM), { name: '孝义市监测站', ...(type ? { type } : {}) })]);
  const catering = { plannedUse: '0901', projectType: ['catering'] };
  add({ rule: 'air.station-catering', name: 'fires-provincial-exactly-500m', description: '孝义: provincial station exactly 500 m away', profile: 'xiaoyi', parcels: [parcel('P-001', catering)], layers: [station(500, 'air-provincial')], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'air.station-catering': 'prohibit', 'air.station-buffer': 'notice' } }], options: { includeGeometry: true } });
  add({ rule: 'air.station-catering', name: 'not-just-outside-500m', description: '500.05 m', profile: 'xiaoyi', parcels: [parcel('P-001', catering)], layers: [station(500.05, 'air-provincial')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.station-catering': null, 'air.station-buffer': null } }] });
  add({ rule: 'air.station-catering', name: 'not-national-station-in-xiaoyi', description: '孝义 lists only provincial stations', profile: 'xiaoyi', parcels: [parcel('P-001', catering)], layers: [station(100, 'air-national')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.station-catering': null, 'air.station-buffer': 'notice' } }] });
  add({ rule: 'air.station-catering', name: 'not-in-baseline', description: 'rule off in the baseline', profile: 'shanxi-baseline', parcels: [parcel('P-001', catering)], layers: [station(100, 'air-provincial')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.station-catering': null } }] });
  add({ rule: 'air.station-catering', name: 'unknown-project-type', description: 'project type missing → 需补充', profile: 'xiaoyi', parcels: [parcel('P-001', { ...catering, projectType: undefined })], layers: [station(100, 'air-provincial')], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'air.station-catering': 'condition' } }] });
  add({ rule: 'air.station-buffer', name: 'fires-exactly-500m', description: 'national station exactly 500 m', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [station(500, 'air-national', 'GK-01')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.station-buffer': 'notice' } }] });
  add({ rule: 'air.station-buffer', name: 'fires-station-inside-parcel', description: 'station inside the parcel: 0 m', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [layer('monitoring-station', [feature('XZ-01', { type: 'Point', coordinates: at(50, 50) }, { type: 'air-township' })])], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.station-buffer': 'notice' } }] });
  add({ rule: 'air.station-buffer', name: 'not-water-section', description: 'a water-quality section is not an air station', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [station(100, 'water-section', 'DM-01')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.station-buffer': null } }] });
  add({ rule: 'air.station-buffer', name: 'not-just-outside-500m', description: '500.05 m', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [station(500.05, 'air-national', 'GK-01')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.station-buffer': null } }] });

  const builtUp = (distanceM: number, level: string | undefined) => layer('built-up-area', [feature('JCQ-01', diamondEast(distanceM, 2000), { name: '晋城市区', ...(level ? { level } : {}) })]);
  const airProject = { plannedUse: '1001', projectType: ['air-polluting'] };
  add({ rule: 'air.urban-no-air-projects', name: 'fires-exactly-20km', description: '城区: city built-up area exactly 20 km', profile: 'jincheng-chengqu', parcels: [parcel('P-001', airProject)], layers: [builtUp(20000, 'city')], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'air.urban-no-air-projects': 'prohibit' } }] });
  add({ rule: 'air.urban-no-air-projects', name: 'not-just-outside-20km', description: '20000.05 m', profile: 'jincheng-chengqu', parcels: [parcel('P-001', airProject)], layers: [builtUp(20000.05, 'city')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.urban-no-air-projects': null } }] });
  add({ rule: 'air.urban-no-air-projects', name: 'not-county-level', description: 'county-town built-up area', profile: 'jincheng-chengqu', parcels: [parcel('P-001', airProject)], layers: [builtUp(5000, 'county')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.urban-no-air-projects': null } }] });
  add({ rule: 'air.urban-no-air-projects', name: 'not-air-project', description: 'not an air-polluting project', profile: 'jincheng-chengqu', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [builtUp(5000, 'city')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.urban-no-air-projects': null } }] });
  add({ rule: 'air.urban-no-air-projects', name: 'unknown-built-up-level', description: 'built-up area without level → 需补充', profile: 'jincheng-chengqu', parcels: [parcel('P-001', airProject)], layers: [builtUp(5000, undefined)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'air.urban-no-air-projects': 'condition' } }] });
  add({ rule: 'air.county-air-inspection', name: 'fires-exactly-2000m', description: '沁水: county town exactly 2 km', profile: 'qinshui', parcels: [parcel('P-001', airProject)], layers: [builtUp(2000, 'county')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.county-air-inspection': 'notice' } }] });
  add({ rule: 'air.county-air-inspection', name: 'not-just-outside-2000m', description: '2000.05 m', profile: 'qinshui', parcels: [parcel('P-001', airProject)], layers: [builtUp(2000.05, 'county')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.county-air-inspection': null } }] });
  add({ rule: 'air.county-air-inspection', name: 'not-city-level', description: 'city level is the 城区 rule, not this one', profile: 'qinshui', parcels: [parcel('P-001', airProject)], layers: [builtUp(1000, 'city')], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.county-air-inspection': null } }] });
  add({ rule: 'air.county-air-inspection', name: 'unknown-project-type', description: 'project type missing → 需补充', profile: 'qinshui', parcels: [parcel('P-001', { plannedUse: '1001', projectType: undefined, currentUse: '1001' })], layers: [builtUp(1000, 'county')], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'air.county-air-inspection': 'condition' } }] });
}

// ---------------------------------------------------------------------------------------------
// river.*
{
  const river = (distanceM: number, props: Props) => layer('river', [feature('HL-01', chevronEast(distanceM), props)]);
  const farm = { plannedUse: '0103', currentUse: '0103', action: 'reclaim' };
  add({ rule: 'river.agri-chemical-limit', name: 'fires-sushui-exactly-1000m', description: '夏县: 涑水河 exactly 1000 m, planned 旱地', profile: 'xiaxian', parcels: [parcel('P-001', farm)], layers: [river(1000, { name: '涑水河', class: 'main' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'river.agri-chemical-limit': 'notice' } }], options: { includeGeometry: true } });
  add({ rule: 'river.agri-chemical-limit', name: 'not-just-outside-1000m', description: '1000.05 m', profile: 'xiaxian', parcels: [parcel('P-001', farm)], layers: [river(1000.05, { name: '涑水河', class: 'main' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'river.agri-chemical-limit': null } }] });
  add({ rule: 'river.agri-chemical-limit', name: 'not-other-river', description: '姚暹渠 is not listed', profile: 'xiaxian', parcels: [parcel('P-001', farm)], layers: [river(300, { name: '姚暹渠', class: 'tributary' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'river.agri-chemical-limit': null } }] });
  add({ rule: 'river.agri-chemical-limit', name: 'not-planned-residential', description: 'planned 0701', profile: 'xiaxian', parcels: [parcel('P-001')], layers: [river(300, { name: '涑水河夏县段', class: 'main' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'river.agri-chemical-limit': null } }] });
  add({ rule: 'river.green-buffer', name: 'fires-main-exactly-100m', description: '沁水: main river exactly 100 m', profile: 'qinshui', parcels: [parcel('P-001')], layers: [river(100, { name: '沁河', class: 'main' })], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'river.green-buffer': 'condition' } }] });
  add({ rule: 'river.green-buffer', name: 'fires-tributary-exactly-50m', description: 'tributary exactly 50 m', profile: 'qinshui', parcels: [parcel('P-001')], layers: [river(50, { name: '端氏河', class: 'tributary' })], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'river.green-buffer': 'condition' } }] });
  add({ rule: 'river.green-buffer', name: 'not-tributary-at-80m', description: 'tributary 80 m: outside its 50 m buffer', profile: 'qinshui', parcels: [parcel('P-001')], layers: [river(80, { name: '端氏河', class: 'tributary' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'river.green-buffer': null } }] });
  add({ rule: 'river.green-buffer', name: 'not-main-just-outside-100m', description: 'main 100.05 m', profile: 'qinshui', parcels: [parcel('P-001')], layers: [river(100.05, { name: '沁河', class: 'main' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'river.green-buffer': null } }] });
  add({ rule: 'river.green-buffer', name: 'unknown-class-at-80m', description: 'class missing at 80 m → 需补充', profile: 'qinshui', parcels: [parcel('P-001')], layers: [river(80, { name: '无名河' })], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'river.green-buffer': 'condition' } }] });
  add({ rule: 'river.green-buffer', name: 'not-in-baseline', description: 'rule off in the baseline', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [river(10, { name: '沁河', class: 'main' })], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'river.green-buffer': null } }] });
}

// ---------------------------------------------------------------------------------------------
// Engine-level cases
{
  const bowtie: Polygon = { type: 'Polygon', coordinates: [[at(80, 0), at(130, 100), at(130, 0), at(80, 100), at(80, 0)]] };
  add({ rule: 'engine', name: 'invalid-reference-geometry-does-not-crash', description: 'self-intersecting zone polygon: the check completes', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [layer('water-source-zone', [feature('SY-bad', bowtie, { level: '1' })])], intent: [{ parcel: 'P-001', rules: {} }] });
  add({
    rule: 'engine',
    name: 'several-parcels-sorted-findings',
    description: 'two parcels; findings sorted by severity, rule, feature id (WR-2 before WR-10)',
    profile: 'xiangning',
    parcels: [parcel('P-001', { action: 'recover', soilSurvey: 'none' }), parcel('P-002', { plannedUse: '1001' }, box(3000, 0, 3100, 100))],
    layers: [layer('contaminated-parcel', [feature('WR-10', box(90, 0, 130, 100), { listed: true }), feature('WR-2', box(-30, 0, 10, 100), { listed: true })]), layer('water-source-zone', [feature('SY-2', COVERING, { level: '2' })])],
    intent: [
      { parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit', 'soil.listed-transaction': 'prohibit', 'soil.survey-required': 'condition', 'water.zone2': 'condition' } },
      { parcel: 'P-002', verdict: 'permitted', rules: {} },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Additions: redundant 需补充 removed (weakness (a)), per-profile parameters, subdivision
{
  const wr = (extra: Props = {}) => layer('contaminated-parcel', [feature('WR-0031', STRIP_20M, { name: '原化工厂', listed: true, delisted: false, targetsMet: false, stage: 'S4', ...extra })]);
  // heavy/industry unknown on a feature listed-sensitive already prohibits on: not asked.
  add({ rule: 'soil.heavy-industry-sensitive', name: 'not-asked-when-listed-sensitive-prohibits', description: 'listed parcel without heavy/industry; planned 0701: listed-sensitive prohibits on the same feature, so heavy/industry are not asked (cannot change the verdict)', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [wr()], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit', 'soil.heavy-industry-sensitive': null } }] });
  // Once delisted, listed-sensitive no longer decides: the question comes back.
  add({ rule: 'soil.heavy-industry-sensitive', name: 'asked-when-delisted', description: 'delisted parcel without heavy/industry; planned 0701: 需补充 heavy/industry', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [wr({ delisted: true, targetsMet: true })], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.listed-sensitive': null, 'soil.heavy-industry-sensitive': 'condition' }, messageContains: { 'soil.heavy-industry-sensitive': '需补充' } }] });
  // A definite heavy-industry prohibit is still reported beside listed-sensitive (its own basis).
  add({ rule: 'soil.heavy-industry-sensitive', name: 'fires-beside-listed-sensitive', description: 'listed heavy 焦化 parcel; planned 0701: both prohibits', profile: 'shanxi-baseline', parcels: [parcel('P-001')], layers: [wr({ heavy: true, industry: '焦化' })], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'soil.listed-sensitive': 'prohibit', 'soil.heavy-industry-sensitive': 'prohibit' } }] });

  // 沁水 food-processing trigger: not asked where a food factory cannot be built.
  add({ rule: 'soil.survey-required', name: 'qinshui-not-asked-residential-unchanged', description: '沁水: 0702 → 0701, project type unknown: a food-processing project cannot be on residential land, nothing to ask', profile: 'qinshui', parcels: [parcel('P-001', { currentUse: '0702', soilSurvey: 'none', projectType: undefined })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.survey-required': null } }] });
  add({ rule: 'soil.survey-required', name: 'qinshui-not-asked-farmland-unchanged', description: '沁水: 0103 → 0101 (agricultural, unchanged), project type unknown: nothing to ask', profile: 'qinshui', parcels: [parcel('P-001', { currentUse: '0103', plannedUse: '0101', soilSurvey: 'none', projectType: undefined })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.survey-required': null } }] });
  add({ rule: 'soil.survey-required', name: 'qinshui-unknown-planned-use-asks', description: '沁水: planned use and project type unknown → 需补充 (either could trigger the survey)', profile: 'qinshui', parcels: [parcel('P-001', { plannedUse: undefined, soilSurvey: 'none', projectType: undefined })], layers: [], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'soil.survey-required': 'condition' }, messageContains: { 'soil.survey-required': '需补充' } }] });
  add({ rule: 'soil.survey-required', name: 'baseline-food-processing-not-a-target', description: 'baseline: a food-processing project on 工业 land needs no survey (沁水 only)', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001', soilSurvey: 'none', projectType: ['food-processing'] })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.survey-required': null } }] });

  // Per-profile parameters: the same 900 m band read by 孝义 but not by 夏县; 400 m band the reverse.
  const band = (belowM: number) => layer('elevation-band', [feature(`GC-${belowM}`, COVERING, { belowM })], `band_${belowM}`);
  add({ rule: 'heat.clean-heating-band', name: 'xiaoyi-not-400-band', description: '孝义 reads only the 900 m band', profile: 'xiaoyi', parcels: [parcel('P-001')], layers: [band(400)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.clean-heating-band': null } }] });
  // 晋城城区 20 km vs 沁水 (rule off there; its own 2 km county rule does not read city areas).
  const city = layer('built-up-area', [feature('JCQ-02', diamondEast(15000, 2000), { name: '晋城市区', level: 'city' })]);
  const air = { plannedUse: '1001', currentUse: '1001', projectType: ['air-polluting'] };
  add({ rule: 'air.urban-no-air-projects', name: 'fires-15km-jincheng', description: '城区: city built-up area 15 km away', profile: 'jincheng-chengqu', parcels: [parcel('P-001', air)], layers: [city], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'air.urban-no-air-projects': 'prohibit' } }] });
  add({ rule: 'air.urban-no-air-projects', name: 'not-in-qinshui', description: '沁水: the same parcel and city area, rule not in the profile', profile: 'qinshui', parcels: [parcel('P-001', air)], layers: [city], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'air.urban-no-air-projects': null, 'air.county-air-inspection': null } }] });

  // Exception for a current use that is already 一住两公: no survey trigger, and no construction ban
  // by the survey limb, under 沁水's wider targets too.
  add({ rule: 'soil.unremediated-construction', name: 'qinshui-not-current-already-sensitive', description: '沁水: construct 0701 on 0702 with no survey, projectType []', profile: 'qinshui', parcels: [parcel('P-001', { action: 'construct', soilSurvey: 'none', currentUse: '0702' })], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'soil.unremediated-construction': null, 'soil.survey-required': null } }] });

  // A huge zone (≥ 5 000 vertices) is subdivided in the index; findings still name the original
  // feature with its full overlap figure: a 6 000-vertex ring approximating a 300 m circle centred
  // 250 m east of the parcel's centre covers a lens of the parcel.
  const ring: Position[] = [];
  for (let i = 0; i < 6000; i++) {
    const a = (i / 6000) * 2 * Math.PI;
    ring.push(at(300 + 300 * Math.cos(a), 50 + 300 * Math.sin(a)));
  }
  ring.push(ring[0]);
  const huge: Polygon = { type: 'Polygon', coordinates: [ring] };
  add({ rule: 'engine', name: 'huge-zone-subdivided', description: '6 000-vertex level-1 zone overlapping the parcel and containing a second parcel; figures per original feature', profile: 'shanxi-baseline', parcels: [parcel('P-001', { plannedUse: '1001' }), parcel('P-002', { plannedUse: '1001' }, box(250, 0, 350, 100))], layers: [layer('water-source-zone', [feature('SY-HUGE', huge, { level: '1', name: '大型水源地' })])], intent: [{ parcel: 'P-001', verdict: 'prohibited', rules: { 'water.zone1': 'prohibit' } }, { parcel: 'P-002', verdict: 'prohibited', rules: { 'water.zone1': 'prohibit' } }], options: { includeGeometry: true } });
}

// ---------------------------------------------------------------------------------------------
// Missing coverage: no silent pass where the project lacks the data a rule reads
{
  const band = (belowM: number, geometry: Geometry = COVERING) => layer('elevation-band', [feature(`GC-${belowM}`, geometry, { belowM })], `band_${belowM}`);
  const HALF_EAST = box(50, -50, 150, 150); // covers the parcel's east half only
  // Elevation coverage for heat.clean-heating-band: the band layer holds only below-level areas.
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-outside-dem-and-bands', description: '夏县: band layer present but no band feature on the parcel and no DEM → 需补充 elevation data', profile: 'xiaxian', parcels: [parcel('P-001')], layers: [band(400, DISJOINT_FAR)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'heat.clean-heating-band': 'condition' }, messageContains: { 'heat.clean-heating-band': '需补充：覆盖地块的高程数据' } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-inside-dem-above-band', description: '夏县: inside the DEM, in no band → above 400 m, nothing to ask', profile: 'xiaxian', parcels: [parcel('P-001')], layers: [band(400, DISJOINT_FAR)], demCoverage: COVERING, intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.clean-heating-band': null } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-partly-outside-dem', description: '夏县: the DEM covers only the east half, no band on the parcel → 需补充', profile: 'xiaxian', parcels: [parcel('P-001')], layers: [band(400, DISJOINT_FAR)], demCoverage: HALF_EAST, intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'heat.clean-heating-band': 'condition' }, messageContains: { 'heat.clean-heating-band': '不完全在' } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-outside-dem-industrial', description: '夏县: outside the elevation data, planned industrial → nothing to ask', profile: 'xiaxian', parcels: [parcel('P-001', { plannedUse: '1001' })], layers: [band(400, DISJOINT_FAR)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.clean-heating-band': null } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaoyi-outside-dem-unknown-planned', description: '孝义: outside the elevation data, planned use missing → 需补充 both', profile: 'xiaoyi', parcels: [parcel('P-001', { plannedUse: undefined })], layers: [band(900, DISJOINT_FAR)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'heat.clean-heating-band': 'condition' }, messageContains: { 'heat.clean-heating-band': '规划用途' } }] });
  add({ rule: 'heat.clean-heating-band', name: 'xiaxian-no-band-layer', description: '夏县: no elevation-band layer at all → not checked (notice), no 需补充', profile: 'xiaxian', parcels: [parcel('P-001')], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'heat.clean-heating-band': null, 'coverage.layer-missing': 'notice' }, messageContains: { 'coverage.layer-missing': '未导入清洁取暖高程带图层' } }] });

  // Administrative area of the project.
  const admin = (...geometries: Geometry[]) => layer('admin-boundary', geometries.map((g, i) => feature(`XZQ-${i + 1}`, g, { code: `14082${i + 8}`, name: `示例${i + 1}` })));
  const industrial = { plannedUse: '1001' };
  add({ rule: 'coverage.admin-boundary', name: 'fires-outside', description: 'admin area 3 km away: the profile may not apply', profile: 'xiaxian', parcels: [parcel('P-001', industrial)], layers: [admin(DISJOINT_FAR)], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'coverage.admin-boundary': 'condition' }, messageContains: { 'coverage.admin-boundary': '地块不在本项目行政区范围内' } }] });
  add({ rule: 'coverage.admin-boundary', name: 'fires-partly-outside', description: 'admin area covers the east half: one finding with the outside area', profile: 'shanxi-baseline', parcels: [parcel('P-001', industrial)], layers: [admin(HALF_EAST, box(60, -50, 150, 150))], intent: [{ parcel: 'P-001', verdict: 'conditional', rules: { 'coverage.admin-boundary': 'condition' }, messageContains: { 'coverage.admin-boundary': '位于本项目行政区范围外' } }] });
  add({ rule: 'coverage.admin-boundary', name: 'not-inside', description: 'admin area contains the parcel', profile: 'shanxi-baseline', parcels: [parcel('P-001', industrial)], layers: [admin(COVERING)], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'coverage.admin-boundary': null } }] });
  add({ rule: 'coverage.admin-boundary', name: 'not-across-two-townships', description: 'two township polygons share the line x = 50 m through the parcel: covered', profile: 'shanxi-baseline', parcels: [parcel('P-001', industrial)], layers: [admin(box(-50, -50, 50, 150), box(50, -50, 150, 150))], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'coverage.admin-boundary': null } }] });
  add({ rule: 'coverage.admin-boundary', name: 'not-without-admin-layer', description: 'no admin-boundary layer: nothing to judge, and no rule reads the kind, so no notice for it', profile: 'shanxi-baseline', parcels: [parcel('P-001', industrial)], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'coverage.admin-boundary': null } }] });

  // Layer kinds the enabled rules read and the project lacks.
  const far = (kind: ReferenceLayerKind, props: Props = {}) => layer(kind, [feature(`${kind}-1`, kind === 'monitoring-station' ? pointEast(5000) : DISJOINT_FAR, props)]);
  const baselineKinds = [far('contaminated-parcel', { listed: true }), far('suspect-parcel'), far('key-supervised-unit'), far('basic-farmland'), far('water-source-zone', { level: '1' }), far('coal-ban-zone'), far('monitoring-station', { type: 'air-national' })];
  add({ rule: 'coverage.layer-missing', name: 'fires-no-layers', description: 'baseline, a project without reference layers: one notice per kind the rules read', profile: 'shanxi-baseline', parcels: [parcel('P-001', industrial)], layers: [], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'coverage.layer-missing': 'notice' }, messageContains: { 'coverage.layer-missing': '未导入饮用水水源保护区图层，未核查' } }] });
  add({ rule: 'coverage.layer-missing', name: 'not-all-read-kinds-present', description: 'baseline with every kind its rules read (river, built-up area, bands, admin area absent: no baseline rule reads them)', profile: 'shanxi-baseline', parcels: [parcel('P-001', industrial)], layers: baselineKinds, intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'coverage.layer-missing': null } }] });
  add({ rule: 'coverage.layer-missing', name: 'not-empty-layer-present', description: 'an imported but empty water-source layer counts as present', profile: 'shanxi-baseline', parcels: [parcel('P-001', industrial)], layers: [...baselineKinds.filter((l) => l.kind !== 'water-source-zone'), layer('water-source-zone', [])], intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'coverage.layer-missing': null } }] });
  add({ rule: 'coverage.layer-missing', name: 'xiaxian-fires-river-only', description: '夏县 reads rivers (涑水河) and bands too: only the river layer is missing', profile: 'xiaxian', parcels: [parcel('P-001', industrial)], layers: [...baselineKinds, band(400, DISJOINT_FAR)], demCoverage: COVERING, intent: [{ parcel: 'P-001', verdict: 'permitted', rules: { 'coverage.layer-missing': 'notice', 'heat.clean-heating-band': null }, messageContains: { 'coverage.layer-missing': '未导入河流图层，未核查：河流沿岸耕地控制化肥农药使用' } }] });
}

// Remove case directories no longer generated (expected.json of live cases is kept for REGEN review).
const live = new Set(cases.map((c) => join(ROOT, c.rule, c.name)));
if (existsSync(ROOT)) {
  for (const rule of readdirSync(ROOT)) {
    for (const name of readdirSync(join(ROOT, rule))) if (!live.has(join(ROOT, rule, name))) rmSync(join(ROOT, rule, name), { recursive: true, force: true });
    if (readdirSync(join(ROOT, rule)).length === 0) rmSync(join(ROOT, rule), { recursive: true, force: true });
  }
}
for (const c of cases) {
  const dir = join(ROOT, c.rule, c.name);
  mkdirSync(dir, { recursive: true });
  const input = {
    description: c.description,
    profile: c.profile,
    ...(c.options ? { options: c.options } : {}),
    intent: c.intent,
    parcels: { type: 'FeatureCollection', features: c.parcels },
    layers: c.layers,
    ...(c.demCoverage ? { demCoverage: c.demCoverage } : {}),
  };
  writeFileSync(join(dir, 'input.json'), `${JSON.stringify(input, null, 2)}\n`);
}
console.log(`wrote ${cases.length} cases under ${ROOT}`);
