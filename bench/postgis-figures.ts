/**
 * PostGIS doing the figures the access rules need, for the benchmarks' ratios (`check`, `bureau`):
 * the same data as LandGate's, loaded with COPY (not timed), then ST_Subdivide(256) of the polygon
 * layers (the same treatment LandGate's index gives them), GiST indexes on geometry and
 * geography, and one SQL per figure kind: for every parcel × polygon feature whose pieces
 * intersect it, the overlap area ST_Area(ST_Intersection(..)::geography, true) summed per original
 * feature; for every parcel × feature within the rule distance (ST_DWithin on geography, spheroid)
 * the distance ST_Distance(.., true); every parcel's area. PostGIS is given only the minimal
 * distance per feature the rules need (e.g. 20 km only for city built-up areas), which favours it;
 * it computes no rules, messages or verdicts.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { getProfile } from '../electron/services/profiles';
import type { ReferenceLayer } from '../shared/rules/engine';
import { RULE_IDS, type Profile } from '../shared/rules/profile';

/** Every rule on, with the distances ruleDistanceM gives PostGIS. */
export function benchProfile(): Profile {
  const base = getProfile('qinshui');
  return {
    ...base,
    id: 'bench-all-rules',
    name: '基准测试（全部规则）',
    rules: [...RULE_IDS],
    parameters: { ...base.parameters, heatBandM: 400, stationTypes: ['air-provincial'], riverAgriLimits: [{ river: '涑水河', distanceM: 1000 }] },
  };
}

/** The reference kinds whose polygons the rules overlap. */
const OVERLAP_KINDS = new Set(['contaminated-parcel', 'suspect-parcel', 'key-supervised-unit', 'basic-farmland', 'water-source-zone', 'elevation-band', 'coal-ban-zone']);

/** The farthest benchProfile's rules look from a parcel for this feature (0: never). */
function ruleDistanceM(kind: string, props: Record<string, unknown>): number {
  if (kind === 'contaminated-parcel') return 200;
  if (kind === 'monitoring-station') return 500;
  if (kind === 'built-up-area') return props.level === 'city' ? 20_000 : 2_000;
  if (kind === 'river') return props.name === '涑水河' ? 1_000 : props.class === 'main' ? 100 : 50;
  return 0;
}

function wkt(g: Geometry): string {
  const pos = (p: Position) => `${p[0]} ${p[1]}`;
  const ring = (r: Position[]) => `(${r.map(pos).join(',')})`;
  switch (g.type) {
    case 'Point':
      return `POINT(${pos(g.coordinates)})`;
    case 'LineString':
      return `LINESTRING${ring(g.coordinates)}`;
    case 'Polygon':
      return `POLYGON(${g.coordinates.map(ring).join(',')})`;
    case 'MultiPolygon':
      return `MULTIPOLYGON(${g.coordinates.map((p) => `(${p.map(ring).join(',')})`).join(',')})`;
    default:
      throw new Error(`wkt: ${g.type}`);
  }
}

/** Creates the tables the figures are computed from (in the connection's current schema). */
export const CREATE_TABLES_SQL = [
  'create table parcels(id text, geom geometry(Polygon, 4490));',
  'create table refpoly(kind text, fid text, geom geometry(Geometry, 4490));',
  'create table refdist(kind text, fid text, maxd float8, geom geometry(Geometry, 4490));',
].join('\n');

/** COPY statements loading parcels and reference layers into those tables (may be sent in parts). */
export function copySql(layers: readonly ReferenceLayer[], parcels: readonly Feature[]): string {
  const polyRows: string[] = [];
  const distRows: string[] = [];
  for (const layer of layers) {
    for (const f of layer.features) {
      const fid = String(f.id);
      const ewkt = `SRID=4490;${wkt(f.geometry)}`;
      if (OVERLAP_KINDS.has(layer.kind)) polyRows.push(`${layer.kind}\t${fid}\t${ewkt}`);
      const maxd = ruleDistanceM(layer.kind, (f.properties ?? {}) as Record<string, unknown>);
      if (maxd > 0) distRows.push(`${layer.kind}\t${fid}\t${maxd}\t${ewkt}`);
    }
  }
  const parcelRows = parcels.map((p) => `${String(p.id)}\tSRID=4490;${wkt(p.geometry!)}`);
  return ['copy parcels from stdin;', ...parcelRows, '\\.', 'copy refpoly from stdin;', ...polyRows, '\\.', 'copy refdist from stdin;', ...distRows, '\\.', ''].join('\n');
}

/** After the COPY, before the timed part (a table is analysed once it is loaded). */
export const ANALYZE_SQL = 'analyze;';

/** The timed part: subdivision, indexes and the figures; prints "<overlap rows> <distance rows>". */
export const FIGURES_SQL = [
  'set max_parallel_workers_per_gather = 2;',
  'create table refpoly_sub as select kind, fid, ST_Subdivide(geom, 256) as geom from refpoly;',
  'create index on refpoly_sub using gist(geom);',
  'create index on parcels using gist(geom);',
  'create table parcel_geog as select id, geom::geography as geog from parcels;',
  'create index on parcel_geog using gist(geog);',
  'create table refdist_geog as select kind, fid, maxd, geom::geography as geog from refdist;',
  'analyze;',
  `create table out_overlap as select p.id, r.kind, r.fid, sum(ST_Area(ST_Intersection(p.geom, r.geom)::geography, true)) as area
     from parcels p join refpoly_sub r on ST_Intersects(p.geom, r.geom) group by p.id, r.kind, r.fid;`,
  `create table out_dist as select p.id, r.kind, r.fid, ST_Distance(p.geog, r.geog, true) as d
     from refdist_geog r join parcel_geog p on ST_DWithin(p.geog, r.geog, r.maxd, true);`,
  'create table out_area as select id, ST_Area(geog, true) as a from parcel_geog;',
  "select (select count(*) from out_overlap) || ' ' || (select count(*) from out_dist);",
].join('\n');

/** Parses FIGURES_SQL's last line. */
export function figureCounts(out: string): { overlaps: number; distances: number } {
  const [overlaps, distances] = out.trim().split(/\s+/).map(Number);
  return { overlaps, distances };
}
