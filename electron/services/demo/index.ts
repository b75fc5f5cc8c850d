/**
 * The demo project: a synthetic county 示例县 (示例数据, synthetic = true) in 111.1–111.5°E,
 * 35.0–35.3°N with every reference layer kind of rules.md §1.1 and ~30 parcel submissions chosen
 * so that the xiaxian profile gives all three verdicts. Deterministic: fixed design inputs
 * (data/demo/*.json), seeded noise, fixed timestamps; nothing is taken from real data sets.
 */
import type { Feature, Geometry, Position } from 'geojson';
import type { LayerKind, ProjectInfo } from '../../../shared/model/layers';
import { ProjectStore } from '../project-store';
import { mulberry32 } from './prng';
import { syntheticBands, writeSyntheticDem } from './synthetic-dem';
import {
  blobRing,
  circleRing,
  corridorRing,
  directionAt,
  ellipseRing,
  lineLengthM,
  offset,
  pointAlong,
  polygonWithHoles,
  rectRing,
  subLine,
} from './shapes';
import reference from '../../../data/demo/reference.json';
import parcelDesign from '../../../data/demo/parcels.json';

export const DEMO_TITLE = '示例县（示例数据）';
/** Import time of every demo layer (never the wall clock, so two runs give the same project). */
export const DEMO_TIMESTAMP = '2026-01-01T00:00:00Z';

interface RectSpec {
  id: string;
  name: string;
  center: number[];
  sizeM: number[];
  rotationDeg: number;
}

interface ParcelSpec {
  id: string;
  name: string;
  anchor: string | number[];
  offsetM: number[];
  areaHa: number;
  aspect: number;
  rotationDeg: number;
  currentUse: string;
  plannedUse: string;
  action: string;
  soilSurvey: string;
  riskAssessment?: string;
  toxicHistory?: boolean;
  /** [] = known to be none of the listed types; absent = unknown (the engine asks for it). */
  projectType?: string[];
  expect: 'prohibited' | 'conditional' | 'permitted';
  why: string;
}

export interface DemoLayer {
  table: string;
  kind: LayerKind;
  title: string;
  features: Feature[];
}

const pos = (p: number[]): Position => [p[0], p[1]];

function feature(geometry: Geometry, properties: Record<string, unknown>): Feature {
  return { type: 'Feature', id: String(properties.id), properties, geometry };
}

const rectFeature = (spec: RectSpec, extra: Record<string, unknown> = {}) =>
  feature({ type: 'Polygon', coordinates: polygonWithHoles(rectRing(pos(spec.center), spec.sizeM[0], spec.sizeM[1], spec.rotationDeg)) }, { id: spec.id, name: spec.name, ...extra });

/** Smooth wobble in [lo, 1] from three seeded harmonics. */
function wobble(seed: number, lo: number): (theta: number) => number {
  const random = mulberry32(seed);
  const phases = [random(), random(), random()].map((r) => r * 2 * Math.PI);
  const amp = (1 - lo) / 2;
  return (t) => 1 - amp + amp * (0.5 * Math.sin(3 * t + phases[0]) + 0.3 * Math.sin(7 * t + phases[1]) + 0.2 * Math.sin(11 * t + phases[2]));
}

function riverLine(id: string): Position[] {
  const river = reference.rivers.find((r) => r.id === id);
  if (!river) throw new Error(`demo design: unknown river ${id}`);
  return river.line.map(pos);
}

/** All layers of the demo county, in table order. Pure and deterministic. */
export function buildDemoLayers(): DemoLayer[] {
  const county = reference.county;
  const countyRing = blobRing(pos(county.center), county.semiAxesM[0], county.semiAxesM[1], county.exponent, wobble(140899, 0.94));

  // --- water-source zones (domain.md §3: HJ 338 sizes) ---------------------------------------
  const zones: Feature[] = [];
  for (const field of reference.wellFields) {
    const wells = field.wells.map(pos);
    const level1 = wells.map((w) => circleRing(w, field.level1RadiusM, 48));
    const level2Ring = circleRing(pos(field.level2.center), field.level2.radiusM, 96);
    zones.push(
      feature({ type: 'MultiPolygon', coordinates: level1.map((ring) => polygonWithHoles(ring)) }, { id: `${field.idPrefix}-1`, name: `${field.name}一级保护区`, level: '1' }),
      feature({ type: 'Polygon', coordinates: polygonWithHoles(level2Ring, level1) }, { id: `${field.idPrefix}-2`, name: `${field.name}二级保护区`, level: '2' }),
    );
    if (field.quasi) {
      const quasiRing = ellipseRing(pos(field.quasi.center), field.quasi.semiAxesM[0], field.quasi.semiAxesM[1], 0, 96);
      zones.push(feature({ type: 'Polygon', coordinates: polygonWithHoles(quasiRing, [level2Ring]) }, { id: `${field.idPrefix}-Q`, name: `${field.name}准保护区`, level: 'quasi' }));
    }
  }
  const reservoir = reference.reservoir;
  const reservoirLevel1 = circleRing(pos(reservoir.intake), reservoir.level1RadiusM, 72);
  zones.push(
    feature({ type: 'Polygon', coordinates: polygonWithHoles(reservoirLevel1) }, { id: `${reservoir.idPrefix}-1`, name: `${reservoir.name}一级保护区`, level: '1' }),
    feature(
      { type: 'Polygon', coordinates: polygonWithHoles(ellipseRing(pos(reservoir.level2.center), reservoir.level2.semiAxesM[0], reservoir.level2.semiAxesM[1], 20, 96), [reservoirLevel1]) },
      { id: `${reservoir.idPrefix}-2`, name: `${reservoir.name}二级保护区`, level: '2' },
    ),
  );
  // River intake: the main stream flows from its first vertex (upstream) to its last.
  const intake = reference.riverIntake;
  const mainLine = riverLine(intake.river);
  const reach = (spec: { upstreamM: number; downstreamM: number; halfWidthM: number }) =>
    corridorRing(subLine(mainLine, intake.alongM - spec.upstreamM, intake.alongM + spec.downstreamM), spec.halfWidthM);
  const intakeLevel1 = reach(intake.level1);
  zones.push(
    feature({ type: 'Polygon', coordinates: polygonWithHoles(intakeLevel1) }, { id: `${intake.idPrefix}-1`, name: `${intake.name}一级保护区`, level: '1' }),
    feature({ type: 'Polygon', coordinates: polygonWithHoles(reach(intake.level2), [intakeLevel1]) }, { id: `${intake.idPrefix}-2`, name: `${intake.name}二级保护区`, level: '2' }),
  );

  // --- parcels ------------------------------------------------------------------------------
  const anchors = new Map<string, Position>();
  for (const spec of [...reference.contaminatedParcels, ...reference.suspectParcels, ...reference.keySupervisedUnits, ...reference.basicFarmland]) anchors.set(spec.id, pos(spec.center));
  anchors.set('RIVER_INTAKE', pointAlong(mainLine, intake.alongM));
  const parcels = (parcelDesign.parcels as ParcelSpec[]).map((spec) => {
    const anchor = typeof spec.anchor === 'string' ? anchors.get(spec.anchor) : pos(spec.anchor);
    if (!anchor) throw new Error(`demo design: unknown anchor ${String(spec.anchor)}`);
    const center = offset(anchor, spec.offsetM[0], spec.offsetM[1]);
    const areaM2 = spec.areaHa * 10_000;
    const height = Math.sqrt(areaM2 / spec.aspect);
    const properties: Record<string, unknown> = {
      id: spec.id,
      name: spec.name,
      currentUse: spec.currentUse,
      plannedUse: spec.plannedUse,
      action: spec.action,
      soilSurvey: spec.soilSurvey,
    };
    if (spec.riskAssessment !== undefined) properties.riskAssessment = spec.riskAssessment;
    if (spec.toxicHistory !== undefined) properties.toxicHistory = spec.toxicHistory;
    if (spec.projectType !== undefined) properties.projectType = spec.projectType;
    return feature({ type: 'Polygon', coordinates: polygonWithHoles(rectRing(center, height * spec.aspect, height, spec.rotationDeg)) }, properties);
  });

  // --- monitoring stations ------------------------------------------------------------------
  const stations = reference.stations.map((s) => {
    let at: Position;
    if ('at' in s && s.at) at = pos(s.at);
    else {
      const line = riverLine((s as { river: string }).river);
      const along = 'alongM' in s && s.alongM !== undefined ? s.alongM : lineLengthM(line) - ((s as { alongFromEndM?: number }).alongFromEndM ?? 0);
      // A section sits on the bank: 30 m to the right of the flow.
      const [ex, ey] = directionAt(line, along);
      at = offset(pointAlong(line, along), ey * 30, -ex * 30);
    }
    return feature({ type: 'Point', coordinates: at }, { id: s.id, name: s.name, type: s.type });
  });

  // --- elevation bands from the synthetic DEM -------------------------------------------------
  // (same code as `landgate bands`; the DEM itself is stored in the project by generateDemoProject)
  const bandGeometries = syntheticBands(reference.elevationBands.map((b) => b.belowM));
  const bands = reference.elevationBands.map((b) => feature(bandGeometries.find((f) => f.properties?.belowM === b.belowM)!.geometry, { id: b.id, name: b.name, belowM: b.belowM }));

  const seat = reference.countySeat;
  const ban = reference.coalBanZone;
  const layers: DemoLayer[] = [
    { table: 'admin_boundary', kind: 'admin-boundary', title: '行政区（示例县）', features: [feature({ type: 'Polygon', coordinates: polygonWithHoles(countyRing) }, { id: county.code, code: county.code, name: county.name })] },
    { table: 'water_source_zones', kind: 'water-source-zone', title: '饮用水水源保护区', features: zones },
    { table: 'contaminated_parcels', kind: 'contaminated-parcel', title: '污染地块', features: reference.contaminatedParcels.map((s) => rectFeature(s, contaminatedAttributes(s))) },
    { table: 'suspect_parcels', kind: 'suspect-parcel', title: '疑似污染地块', features: reference.suspectParcels.map((s) => rectFeature(s, { industry: s.industry })) },
    { table: 'key_supervised_units', kind: 'key-supervised-unit', title: '土壤污染重点监管单位用地', features: reference.keySupervisedUnits.map((s) => rectFeature(s)) },
    { table: 'monitoring_stations', kind: 'monitoring-station', title: '监测站点', features: stations },
    { table: 'elevation_bands', kind: 'elevation-band', title: '清洁取暖高程带（合成 DEM）', features: bands },
    { table: 'basic_farmland', kind: 'basic-farmland', title: '永久基本农田', features: reference.basicFarmland.map((s) => rectFeature(s)) },
    {
      table: 'coal_ban_zones',
      kind: 'coal-ban-zone',
      title: '禁煤区',
      features: [feature({ type: 'Polygon', coordinates: polygonWithHoles(ellipseRing(pos(ban.center), ban.semiAxesM[0], ban.semiAxesM[1], 0, 96)) }, { id: ban.id, name: ban.name })],
    },
    { table: 'rivers', kind: 'river', title: '河流', features: reference.rivers.map((r) => feature({ type: 'LineString', coordinates: r.line.map(pos) }, { id: r.id, name: r.name, class: r.class })) },
    {
      table: 'built_up_areas',
      kind: 'built-up-area',
      title: '建成区',
      features: [feature({ type: 'Polygon', coordinates: polygonWithHoles(blobRing(pos(seat.center), seat.semiAxesM[0], seat.semiAxesM[1], 2.5, wobble(140800, 0.85), 96)) }, { id: seat.id, name: seat.name, level: seat.level })],
    },
    { table: 'parcels', kind: 'parcel', title: '报件地块（示例）', features: parcels },
  ];
  return layers;
}

function contaminatedAttributes(spec: (typeof reference.contaminatedParcels)[number]): Record<string, unknown> {
  const out: Record<string, unknown> = { industry: spec.industry, listed: spec.listed, delisted: spec.delisted, stage: spec.stage };
  if ('targetsMet' in spec && spec.targetsMet !== undefined) out.targetsMet = spec.targetsMet;
  if ('heavy' in spec && spec.heavy !== undefined) out.heavy = spec.heavy;
  return out;
}

/** Intended verdict of each demo parcel under the xiaxian profile (design documentation). */
export function demoParcelExpectations(): { id: string; expect: 'prohibited' | 'conditional' | 'permitted'; why: string }[] {
  return (parcelDesign.parcels as ParcelSpec[]).map(({ id, expect, why }) => ({ id, expect, why }));
}

/** Writes the demo project to a new file at `path` (UserInputError if it exists). */
export function generateDemoProject(path: string): ProjectInfo {
  const layers = buildDemoLayers();
  const store = ProjectStore.create(path, { title: DEMO_TITLE, synthetic: true, createdAt: DEMO_TIMESTAMP });
  try {
    store.transaction(() => {
      for (const layer of layers) {
        store.writeLayer({ table: layer.table, kind: layer.kind, title: layer.title, sourceFile: null, originalCrs: 'EPSG:4490', features: layer.features, importedAt: DEMO_TIMESTAMP });
      }
    });
    writeSyntheticDem(path, DEMO_TIMESTAMP);
    return store.info();
  } finally {
    store.close();
  }
}
