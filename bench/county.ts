/**
 * A generated county for the check benchmark (and the sweep tests): ≥ 20 000 reference features of
 * every kind around (112.0–112.8 E, 36.7–37.3 N), including zone polygons with ≥ 5 000 vertices,
 * and N parcels with a spread of uses, actions and project types. Seeded, so every run measures
 * the same data.
 */
import type { Feature, Geometry, LineString, Point, Polygon, Position } from 'geojson';
import type { ReferenceLayer } from '../shared/rules/engine';
import type { ReferenceLayerKind } from '../shared/model/layers';
import { mulberry32 } from '../electron/services/demo/prng';

export { mulberry32 };


const LON0 = 112.0;
const LAT0 = 36.7;
const SPAN_LON = 0.8;
const SPAN_LAT = 0.6;
/** Metres per degree, good enough to place synthetic shapes (never used for a reported figure). */
export const M_PER_DEG_LAT = 110_950;
export const mPerDegLon = (lat: number) => 111_320 * Math.cos((lat * Math.PI) / 180);

/** A star-shaped ring around (lon, lat): radii in [rMin, rMax] metres, counter-clockwise unless `clockwise`; 1e-7° grid. */
export function starRing(rand: () => number, lon: number, lat: number, rMin: number, rMax: number, n: number, clockwise = false): Position[] {
  const ring: Position[] = [];
  const phase = rand() * Math.PI * 2;
  for (let i = 0; i < n; i++) {
    const angle = phase + ((clockwise ? -1 : 1) * i * 2 * Math.PI) / n;
    const r = rMin + (rMax - rMin) * rand();
    ring.push([round7(lon + (r * Math.cos(angle)) / mPerDegLon(lat)), round7(lat + (r * Math.sin(angle)) / M_PER_DEG_LAT)]);
  }
  ring.push([...ring[0]]);
  return ring;
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

function star(rand: () => number, lon: number, lat: number, size: number, n: number, hole = false): Polygon {
  // Smooth-ish jagged outline: radii vary by ±8 % so that huge zones stay simple (valid) polygons.
  const rings = [starRing(rand, lon, lat, size * 0.92, size, n)];
  if (hole) rings.push(starRing(rand, lon, lat, size * 0.2, size * 0.35, Math.max(8, Math.floor(n / 10)), true));
  return { type: 'Polygon', coordinates: rings };
}

function anywhere(rand: () => number): [number, number] {
  return [LON0 + rand() * SPAN_LON, LAT0 + rand() * SPAN_LAT];
}

function feature(id: string, geometry: Geometry, properties: Record<string, unknown>): Feature {
  return { type: 'Feature', id, geometry, properties: { id, ...properties } };
}

export interface County {
  layers: ReferenceLayer[];
  parcels: Feature<Polygon>[];
  referenceFeatures: number;
  hugeFeatures: number;
}

const PLANNED = ['0701', '0702', '0801', '0803', '1001', '1101', '0901', '0101', '0103', '1201', '0810'];
const ACTIONS = ['supply', 'recover', 'acquire', 'change-use', 'transfer', 'construct', 'reclaim'];
const PROJECTS = ['catering', 'air-polluting', 'discharging', 'heavy-water-polluting', 'soil-polluting', 'water-supply', 'food-processing'];

export function generateCounty(parcelCount: number, seed = 20261122): County {
  const rand = mulberry32(seed);
  const layers: ReferenceLayer[] = [];
  let hugeFeatures = 0;
  const add = (table: string, kind: ReferenceLayerKind, features: Feature[]) => layers.push({ table, kind, features });
  const polys = (prefix: string, n: number, minM: number, maxM: number, props: (i: number) => Record<string, unknown>) =>
    Array.from({ length: n }, (_, i) => {
      const [lon, lat] = anywhere(rand);
      return feature(`${prefix}-${i + 1}`, star(rand, lon, lat, minM + rand() * (maxM - minM), 6 + Math.floor(rand() * 14), rand() < 0.1), props(i));
    });

  add('contaminated_parcel', 'contaminated-parcel', polys('WR', 4000, 80, 350, () => ({
    listed: rand() < 0.6,
    delisted: rand() < 0.1,
    targetsMet: rand() < 0.2,
    heavy: rand() < 0.3 ? true : rand() < 0.5 ? false : undefined,
    industry: ['焦化', '化工', '机械制造', '农药', undefined][Math.floor(rand() * 5)],
    stage: ['S0', 'S2', 'S4', 'S5'][Math.floor(rand() * 4)],
  })));
  add('suspect_parcel', 'suspect-parcel', polys('YS', 3000, 60, 250, () => ({ industry: '化工' })));
  add('key_unit', 'key-supervised-unit', polys('ZD', 1000, 100, 400, (i) => ({ name: `重点单位${i + 1}` })));
  add('basic_farmland', 'basic-farmland', polys('JBNT', 11600, 150, 700, () => ({})));

  const stationTypes = ['air-national', 'air-provincial', 'air-township', 'water-section', 'groundwater'];
  add(
    'stations',
    'monitoring-station',
    Array.from({ length: 300 }, (_, i) => feature(`ST-${i + 1}`, { type: 'Point', coordinates: anywhere(rand) } as Point, { type: stationTypes[i % stationTypes.length] })),
  );
  add(
    'rivers',
    'river',
    Array.from({ length: 60 }, (_, i) => {
      const coords: Position[] = [];
      let [x, y] = anywhere(rand);
      let heading = rand() * Math.PI * 2;
      for (let k = 0, n = 80 + Math.floor(rand() * 400); k < n; k++) {
        coords.push([round7(x), round7(y)]);
        heading += (rand() - 0.5) * 0.5;
        const step = 80 + rand() * 220;
        x += (step * Math.cos(heading)) / mPerDegLon(y);
        y += (step * Math.sin(heading)) / M_PER_DEG_LAT;
      }
      return feature(`HL-${i + 1}`, { type: 'LineString', coordinates: coords } as LineString, { name: i === 0 ? '涑水河' : `河流${i + 1}`, class: i % 3 === 0 ? 'main' : 'tributary' });
    }),
  );
  add('built_up', 'built-up-area', polys('JC', 12, 1200, 3500, (i) => ({ level: i < 3 ? 'city' : 'county', name: `建成区${i + 1}` })));

  // Huge zones: ≥ 5 000 vertices each (the subdivision case), plus ordinary ones.
  const huge = (prefix: string, n: number, props: (i: number) => Record<string, unknown>, minM: number, maxM: number, vertices: number) =>
    Array.from({ length: n }, (_, i) => {
      hugeFeatures++;
      const [lon, lat] = anywhere(rand);
      return feature(`${prefix}-${i + 1}`, star(rand, lon, lat, minM + rand() * (maxM - minM), vertices, true), props(i));
    });
  add('water_zones', 'water-source-zone', [
    ...huge('SY-H', 4, (i) => ({ level: ['1', '2', 'quasi', '2'][i], name: `水源地${i + 1}` }), 4000, 9000, 6000),
    ...polys('SY', 60, 300, 1500, (i) => ({ level: ['1', '2', 'quasi'][i % 3], name: `水源地${i + 10}` })),
  ]);
  add('elevation_bands', 'elevation-band', huge('GC', 2, (i) => ({ belowM: [400, 900][i] }), 15000, 25000, 9000));
  add('coal_ban', 'coal-ban-zone', huge('JM', 2, () => ({}), 6000, 12000, 6000));
  add('admin', 'admin-boundary', huge('XZQ', 1, () => ({ code: '140000', name: '示例县' }), 40000, 45000, 12000));

  const parcels: Feature<Polygon>[] = [];
  for (let i = 0; i < parcelCount; i++) {
    const [lon, lat] = anywhere(rand);
    const projects = rand() < 0.3 ? undefined : PROJECTS.filter(() => rand() < 0.15);
    const props: Record<string, unknown> = {
      id: `DK-${String(i + 1).padStart(6, '0')}`,
      plannedUse: PLANNED[Math.floor(rand() * PLANNED.length)],
      currentUse: rand() < 0.2 ? undefined : PLANNED[Math.floor(rand() * PLANNED.length)],
      action: rand() < 0.1 ? undefined : ACTIONS[Math.floor(rand() * ACTIONS.length)],
      soilSurvey: ['none', 'in-progress', 'passed', 'exceeds', undefined][Math.floor(rand() * 5)],
      ...(projects ? { projectType: projects } : {}),
    };
    for (const key of Object.keys(props)) if (props[key] === undefined) delete props[key];
    parcels.push({ type: 'Feature', id: props.id as string, geometry: star(rand, lon, lat, 30 + rand() * 120, 6 + Math.floor(rand() * 8)), properties: props });
  }
  const referenceFeatures = layers.reduce((n, l) => n + l.features.length, 0);
  return { layers, parcels, referenceFeatures, hugeFeatures };
}
